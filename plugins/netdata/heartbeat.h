/* heartbeat.h - ticks on wall-clock multiples of update_every, as Netdata
 * itself collects, so the plugin never drifts against the daemon: a late
 * cycle skips to the next multiple instead of shifting every later one. */
#ifndef ND_HEARTBEAT_H
#define ND_HEARTBEAT_H

#include <stdint.h>

typedef struct {
	uint64_t step_us;
	uint64_t last_us;   /* 0 before the first tick */
} nd_heartbeat;

/* nd_now_us - CLOCK_REALTIME in microseconds. */
uint64_t nd_now_us(void);

/* nd_mono_s - CLOCK_MONOTONIC in seconds: the growth windows' clock,
 * which a change of the wall clock cannot bend. */
double nd_mono_s(void);

void nd_heartbeat_init(nd_heartbeat *hb, int seconds);

/* nd_heartbeat_target - the next multiple of the step after now. */
uint64_t nd_heartbeat_target(const nd_heartbeat *hb, uint64_t now);

/* nd_heartbeat_tick - record a tick at now; returns the microseconds
 * since the previous one, 0 for the first (BEGIN then carries none). */
uint64_t nd_heartbeat_tick(nd_heartbeat *hb, uint64_t now);

#endif
