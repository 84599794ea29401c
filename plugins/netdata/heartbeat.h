/* heartbeat.h - ticks on wall-clock multiples of update_every, as Netdata
 * itself collects, so the plugin never drifts against the daemon: a late
 * cycle skips to the next multiple instead of shifting every later one.
 *
 * The wall clock only says where the next multiple is; the wait for it
 * and the microseconds between two updates (BEGIN's) are measured on the
 * monotonic clock, which a change of the wall clock cannot bend. So a
 * clock stepped back (or forward) costs at most one interval: the next
 * wait is computed from the new time (issue 18, defects 11 and 18).
 * The functions take the clocks' readings as arguments: testable with any
 * clock one likes. */
#ifndef ND_HEARTBEAT_H
#define ND_HEARTBEAT_H

#include <stdint.h>

typedef struct {
	uint64_t step_us;
	uint64_t last_us;   /* monotonic time of the last tick; 0 before */
} nd_heartbeat;

/* nd_realtime_us, nd_mono_us - CLOCK_REALTIME, CLOCK_MONOTONIC in
 * microseconds. */
uint64_t nd_realtime_us(void);
uint64_t nd_mono_us(void);

/* nd_mono_s - CLOCK_MONOTONIC in seconds: the growth windows' clock. */
double nd_mono_s(void);

void nd_heartbeat_init(nd_heartbeat *hb, int seconds);

/* nd_heartbeat_deadline - the monotonic time of the next multiple of the
 * step on the wall clock after realtime rt, mono being the monotonic
 * clock read at the same moment. */
uint64_t nd_heartbeat_deadline(const nd_heartbeat *hb, uint64_t rt,
			       uint64_t mono);

/* nd_heartbeat_tick - record a tick at monotonic time mono; returns the
 * microseconds since the previous one, 0 for the first (BEGIN then
 * carries none). */
uint64_t nd_heartbeat_tick(nd_heartbeat *hb, uint64_t mono);

#endif
