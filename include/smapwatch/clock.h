/* clock.h - the clocks the core and the frontends time things with. */
#ifndef SMAPWATCH_CLOCK_H
#define SMAPWATCH_CLOCK_H

/* sw_clock_monotonic - seconds of CLOCK_MONOTONIC: intervals, never
 * stepped by the wall clock. */
double sw_clock_monotonic(void);

/* sw_clock_thread_cpu - seconds of CPU time the calling thread has used
 * (user and system): what a read costs, without the time the thread sat
 * stopped (SIGSTOP), preempted or waiting. */
double sw_clock_thread_cpu(void);

#endif
