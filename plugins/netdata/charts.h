/* charts.h - the charts of every group: their definitions (CHART,
 * DIMENSION, CLABEL) and their values (BEGIN, SET, END).
 *
 * Per group, under type "smaps" with the group as family and a `group`
 * chart label (so one alarm template covers every group), first the
 * contexts smaps.pss (MiB, stacked, a dimension per category: the group's
 * real memory), the leak signals' leak rates, smaps.processes (read, and
 * matched but unreadable or failed), .threads, .fds, .sockets, .swap;
 * with --all-charts also smaps.rss, .uss, .private_dirty, .size (MiB per
 * category), .vmas (mappings per category), .status and .tier; with
 * --libs / --named also
 * smaps.libs_rss and smaps.named_rss (top N names plus 'other'); and the
 * leak signals of signals.h, from windows of --growth-window seconds kept
 * here per group. */
#ifndef ND_CHARTS_H
#define ND_CHARTS_H

#include <stdint.h>
#include <stdio.h>
#include "options.h"
#include "smapwatch/group.h"

#define ND_PRIO_BASE 36000 /* after apps.plugin's 20000s */
#define ND_PRIO_GROUP 100  /* priorities per group */

typedef struct nd_charts nd_charts;

/* nd_charts_new - chart ids for every group of gs (unique even when two
 * group names sanitize alike); NULL on ENOMEM. */
nd_charts *nd_charts_new(const sw_groupset *gs, const nd_options *o);
void nd_charts_free(nd_charts *c);

/* nd_charts_group_index - the group whose chart id or name is name, or
 * -1 (for the function's group:NAME). */
long nd_charts_group_index(const nd_charts *c, const sw_groupset *gs,
			   const char *name);

/* nd_charts_define - CHART/DIMENSION/CLABEL lines for every group. */
void nd_charts_define(nd_charts *c, FILE *out);

/* nd_charts_update - one BEGIN..END block per chart from gs's last
 * collection, made at now (monotonic seconds: the growth windows' clock);
 * dt_us as BEGIN's microseconds (0: none). Defines a library or region
 * chart again when it gains a dimension. */
void nd_charts_update(nd_charts *c, const sw_groupset *gs, FILE *out,
		      uint64_t dt_us, double now);

#endif
