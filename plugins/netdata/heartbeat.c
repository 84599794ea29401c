/* heartbeat.c - see heartbeat.h. */
#include "heartbeat.h"

#include <time.h>

uint64_t nd_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
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

uint64_t nd_heartbeat_target(const nd_heartbeat *hb, uint64_t now)
{
	return now - now % hb->step_us + hb->step_us;
}

uint64_t nd_heartbeat_tick(nd_heartbeat *hb, uint64_t now)
{
	uint64_t dt = hb->last_us ? now - hb->last_us : 0;
	hb->last_us = now;
	return dt;
}
