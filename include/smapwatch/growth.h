/* growth.h - the leak signals of one group: the growth of the memory it
 * owns per category and in total, and of its threads, fds and sockets,
 * each with how steady it is (trend.h: the floor's fit).
 *
 * Memory is the group's owned memory chained across membership changes
 * (ledger.h: Pss + SwapPss, with joiners, leavers and young members'
 * warm-up taken out), so members coming and going keep the evidence of
 * those that stay. Fed one sw_group_stats per full read; every window
 * starts again only when that chain does (the group appeared). Counters
 * get the same floor fit: a pool's connections swing too. */
#ifndef SMAPWATCH_GROWTH_H
#define SMAPWATCH_GROWTH_H

#include <stdint.h>
#include "smapwatch/group.h"
#include "smapwatch/trend.h"

/* Index SW_CAT_COUNT of mem[] is the whole group. */
typedef struct {
	sw_trend mem[SW_LEDGER_SERIES];
	sw_trend threads, fds, sockets;
	uint64_t epoch;
	/* the last full read's owned memory, held back one read: the next
	 * tells whether it was off (ledger.h) */
	double held_t, held_y[SW_LEDGER_SERIES];
	int held, held_off;
	unsigned dropped;      /* points dropped as off, in a row */
} sw_growth;

/* sw_growth_init - empty windows of `window` seconds (0: one hour). */
void sw_growth_init(sw_growth *g, double window);

/* sw_growth_update - adds the group's figures at time now (seconds, e.g.
 * CLOCK_MONOTONIC), when they are fresh: a full read of this cycle
 * (measured.age 0); older figures add nothing, so a caller may call it
 * every cycle. Returns 1 when the windows restarted because the group's
 * chain did, 0 otherwise. A group with no process adds nothing. Owned
 * memory goes into the windows one full read late, and not at all for a
 * read that was off (owned_off, or owned_last_off at the next: members
 * are read one after another, ledger.h), but for every fourth in a row
 * that is: a pool whose members come and go during every read is still
 * followed. */
int sw_growth_update(sw_growth *g, const sw_group_stats *s, double now);

/* The default warm-up (sw_groupset_opts.warm_up) for a growth window: a
 * sixth of it, 10 minutes at the default hour. Long enough for a worker's
 * arenas and copy-on-write to settle (seconds to a few minutes on the
 * services measured), short enough that a leak in a new long-lived
 * process shows after window + window/6. */
#define SW_WARM_UP_SHARE (1.0 / 6)

/* What the memory's and the sockets' growth say together: */
typedef struct {
	double per_socket;     /* bytes per added socket: the total leak rate
				* over the sockets' when both are steady
				* leaks; 0 otherwise */
	double request_path;   /* B/s: the total leak rate while sockets are
				* flat; 0 otherwise */
} sw_socket_signals;

/* sw_growth_sockets - those figures. "Steady" is a leak rate
 * (sw_fit_leak_rate with min_r2) above 0; sockets are "flat" when their
 * floor moved by less than one socket over the whole window (and they
 * have been fitted over the whole window). sockets_counted: 0 when the
 * plugin does not count sockets (then both are 0: nothing is known). */
void sw_growth_sockets(const sw_growth *g, double min_r2, int sockets_counted,
		       sw_socket_signals *out);

#endif
