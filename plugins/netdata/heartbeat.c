/* heartbeat.c - see heartbeat.h. */
#include "heartbeat.h"

#include <time.h>
#include "smapwatch/clock.h"

/* The wall clock only places the tick on Netdata's second; intervals
 * are the core's monotonic clock. */
uint64_t nd_realtime_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t nd_mono_us(void)
{
	return (uint64_t)(sw_clock_monotonic() * 1e6);
}

double nd_mono_s(void)
{
	return sw_clock_monotonic();
}

void nd_heartbeat_init(nd_heartbeat *hb, int seconds)
{
	hb->step_us = (uint64_t)(seconds > 0 ? seconds : 1) * 1000000u;
	hb->last_us = 0;
}

uint64_t nd_heartbeat_deadline(const nd_heartbeat *hb, uint64_t rt,
			       uint64_t mono)
{
	return mono + (hb->step_us - rt % hb->step_us);
}

uint64_t nd_heartbeat_tick(nd_heartbeat *hb, uint64_t mono)
{
	uint64_t dt = hb->last_us && mono > hb->last_us ? mono - hb->last_us : 0;
	hb->last_us = mono;
	return dt;
}
