/* heartbeat.c - see heartbeat.h. */
#include "heartbeat.h"

#include <time.h>

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t nd_realtime_us(void)
{
	return clock_us(CLOCK_REALTIME);
}

uint64_t nd_mono_us(void)
{
	return clock_us(CLOCK_MONOTONIC);
}

double nd_mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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
