/* clock.c - see clock.h. */
#include <time.h>
#include "smapwatch/clock.h"

static double seconds_of(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts))
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double sw_clock_monotonic(void)
{
	return seconds_of(CLOCK_MONOTONIC);
}

double sw_clock_thread_cpu(void)
{
	return seconds_of(CLOCK_THREAD_CPUTIME_ID);
}
