/* grow.h - shared by the growth workloads (grow_heap, grow_mmap,
 * exit_half): the command line, a steady 10 Hz tick, readiness.
 *
 *   WORKLOAD [--comm NAME] [--rate KIB_PER_S] [--seconds N]
 *
 * --comm renames the process (prctl PR_SET_NAME: any bytes, up to 15), so
 * tests can give it a hostile name. --seconds ends it (exit 0) after N
 * seconds; without it, it runs until killed. It prints "ready PID" on
 * stdout once set up. */
#ifndef GROW_H
#define GROW_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	long rate_kib;    /* KiB per second */
	double seconds;   /* 0: forever */
} grow_args;

static inline void grow_parse(int argc, char **argv, grow_args *a)
{
	a->rate_kib = 1024;
	a->seconds = 0;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--comm"))
			prctl(PR_SET_NAME, argv[i + 1], 0, 0, 0);
		else if (!strcmp(argv[i], "--rate"))
			a->rate_kib = atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			a->seconds = atof(argv[i + 1]);
		else {
			fprintf(stderr, "usage: %s [--comm NAME] [--rate KIB_PER_S] "
					"[--seconds N]\n", argv[0]);
			exit(2);
		}
	}
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
}

/* Sleeps until ms milliseconds after start (CLOCK_MONOTONIC). */
static inline void grow_sleep_until(const struct timespec *start, long ms)
{
	struct timespec t = *start;
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL);
}

/* Sleeps to the next multiple of 100 ms after start (no drift); returns
 * the tick number, or -1 once the run time is over. */
static inline long grow_tick(const struct timespec *start, long tick,
			     double seconds)
{
	long next = tick + 1;
	grow_sleep_until(start, next * 100);
	return seconds > 0 && next >= (long)(seconds * 10) ? -1 : next;
}

#endif
