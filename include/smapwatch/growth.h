/* growth.h - the leak signals of one group: growth rates of its memory per
 * category and of its threads, fds and sockets, each with how steady it is.
 *
 * Fed one sw_group_stats per collection. When the group's measured
 * processes change (one exits, one starts, a pid is reused: its identity,
 * as of the last full read) every window starts again: a
 * restart's drop, or a new process's warm-up, is not growth. */
#ifndef SMAPWATCH_GROWTH_H
#define SMAPWATCH_GROWTH_H

#include <stdint.h>
#include "smapwatch/group.h"
#include "smapwatch/trend.h"

typedef enum {
	SW_GROWTH_USS, SW_GROWTH_PRIVATE_DIRTY, SW_GROWTH_PSS,
	SW_GROWTH_FIELDS
} sw_growth_field;

/* Index SW_CAT_COUNT of mem[] is the whole group. */
typedef struct {
	sw_trend mem[SW_CAT_COUNT + 1][SW_GROWTH_FIELDS];
	sw_trend threads, fds, sockets;
	uint64_t identity;
} sw_growth;

/* sw_growth_init - empty windows of `window` seconds (0: one hour). */
void sw_growth_init(sw_growth *g, double window);

/* sw_growth_update - adds the group's figures at time now (seconds, e.g.
 * CLOCK_MONOTONIC). Returns 1 when the windows restarted because the
 * group's processes changed, 0 otherwise. A group with no process keeps
 * empty windows. */
int sw_growth_update(sw_growth *g, const sw_group_stats *s, double now);

/* sw_growth_field_value - the figure a growth field follows in c. */
uint64_t sw_growth_field_value(const sw_counts *c, sw_growth_field f);

/* sw_growth_field_name - "uss", "private_dirty", "pss". */
const char *sw_growth_field_name(sw_growth_field f);

#endif
