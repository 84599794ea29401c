/* signals.h - the leak-signal charts of one group (the core's sw_growth
 * and the suspicious patterns of its sw_memsum), under the same family and
 * `group` label as its other charts. Contexts, and what they hold:
 *
 *   smaps.leak_rate        B/s   USS growth per category and total when it
 *                                is steady (r2 >= --steady-percent) over
 *                                the whole --growth-window, else 0: alarm
 *                                on this
 *   smaps.growth_uss       B/s   least-squares slope over the window (raw)
 *   smaps.growth_private_dirty, smaps.growth_pss   the same
 *   smaps.steadiness       percentage  r2 of the USS fits and of the
 *                                counters'
 *   smaps.counter_leak_rate  items/s  threads, fds, sockets: as leak_rate
 *   smaps.counter_growth   items/s  their raw slopes
 *   smaps.small_vmas       mappings under 1 MiB per category
 *   smaps.private_dirty_ratio  percentage  Private_Dirty / Rss per
 *                                category, and of the total
 *   smaps.swap_ratio       percentage  Swap / (Rss + Swap), the same
 *   smaps.duplicate_libs   loads  libraries mapped twice in a process
 *
 * Netdata stores integers: rates are sent in B/s, r2, ratios and counter
 * rates in thousandths with divisor 1000. Slopes and r2 are empty (a gap)
 * until a window holds 3 points; leak rates are 0 then, never empty, so
 * alarms on them stay CLEAR. */
#ifndef ND_SIGNALS_H
#define ND_SIGNALS_H

#include <stdint.h>
#include <stdio.h>
#include "chartio.h"
#include "smapwatch/growth.h"

#define ND_SIGNAL_CHARTS 11
#define ND_SIGNAL_PRIO 20   /* offset of the first one within a group */

/* nd_signals_suffix - the chart suffix of signal chart k, or NULL. */
const char *nd_signals_suffix(size_t k);

/* nd_signals_define - CHART/DIMENSION/CLABEL lines of the group's
 * signal charts. */
void nd_signals_define(const nd_chart_ref *r, FILE *out);

/* nd_signals_update - one BEGIN..END per signal chart from the group's
 * last collection st and its windows g; min_r2 as sw_fit_leak_rate's. */
void nd_signals_update(const nd_chart_ref *r, const sw_group_stats *st,
		       const sw_growth *g, double min_r2, uint64_t dt_us,
		       FILE *out);

#endif
