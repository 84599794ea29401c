/* ratelimit.h - how the plugins keep a process that cannot be read from
 * flooding the log: each process (pid and start time) is reported once,
 * and at most SW_REPORT_BURST lines an hour are written, then one saying
 * the rest of the hour is silent. A process held back by the hourly limit
 * is not remembered, so it is reported in a later hour. Bounded: past
 * SW_REPORT_SEEN processes the oldest is forgotten (it may be reported
 * again, within the hourly limit). No allocation, no I/O. */
#ifndef SMAPWATCH_RATELIMIT_H
#define SMAPWATCH_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SW_REPORT_SEEN  256
#define SW_REPORT_BURST 20

typedef struct {
	struct { pid_t pid; uint64_t start_time; } seen[SW_REPORT_SEEN];
	size_t nseen, next;
	long hour;       /* the hour (epoch / 3600) `lines` counts in */
	int lines;
} sw_report;

typedef enum {
	SW_REPORT_SKIP,  /* reported before, or the hour's lines are spent */
	SW_REPORT_LOG,   /* write the line (the process is now remembered) */
	SW_REPORT_LAST   /* write that the hour is silent from now on */
} sw_report_verdict;

/* sw_report_process - what to do about a failure of process (pid,
 * start_time) at `now`. */
sw_report_verdict sw_report_process(sw_report *r, pid_t pid,
				    uint64_t start_time, time_t now);

/* sw_report_line - the same for a line about no one process. */
sw_report_verdict sw_report_line(sw_report *r, time_t now);

#endif
