/* signals.h - the leak-signal charts of one group (the core's sw_growth
 * and the patterns of its sw_memsum), under the same family and `group`
 * label as its other charts. Contexts, and what they hold:
 *
 *   smaps.leak_rate        B/s   growth of the floor of the memory the
 *                                group owns (Pss + SwapPss chained across
 *                                members coming and going, core ledger.h)
 *                                per category and total, when it is steady
 *                                (r2 >= --steady-percent, half the 10
 *                                bucket minima above the one 12 min
 *                                before) over the whole
 *                                --growth-window, else 0: alarm on this
 *   smaps.growth           B/s   that floor's slope, steady or not
 *   smaps.steadiness       percentage  r2 of those fits and of the
 *                                counters'
 *   smaps.counter_leak_rate  items/s  threads, fds, sockets: as leak_rate
 *   smaps.counter_growth   items/s  their floors' slopes
 *   smaps.memory_per_socket  bytes  total leak rate / sockets' leak rate
 *                                when both are steady, else 0
 *   smaps.request_path_leak  B/s  the total leak rate while sockets are
 *                                flat (floor moved < 1 over the window)
 *   smaps.anon_regions     mappings  heap and anon regions
 *   smaps.reserved         MiB   address space of heap and anon neither
 *                                resident nor swapped (Size - Rss - Swap)
 *   smaps.largest_member_vmas  mappings  of the member with the most
 *   smaps.private_dirty_ratio  percentage  Private_Dirty / Rss per
 *                                category, and of the total
 *   smaps.swap_ratio       percentage  Swap / (Rss + Swap), the same
 *   smaps.duplicate_libs   loads  libraries mapped twice in a process
 *
 * Netdata stores integers: rates are sent in B/s, r2, ratios and counter
 * rates in thousandths with divisor 1000, reserved in bytes with divisor
 * 1048576. Slopes and r2 are empty (a gap) until a window holds 3 points;
 * leak rates and the socket signals are 0 then, never empty, so alarms on
 * them stay CLEAR. */
#ifndef ND_SIGNALS_H
#define ND_SIGNALS_H

#include <stdint.h>
#include <stdio.h>
#include "chartio.h"
#include "smapwatch/growth.h"

#define ND_SIGNAL_CHARTS 13

/* nd_signals_suffix - the chart suffix of signal chart k, or NULL. */
const char *nd_signals_suffix(size_t k);

/* nd_signals_define - CHART/DIMENSION/CLABEL lines of the group's
 * signal charts: the leak rates and what explains them; all: also the
 * detail of --all-charts (counter_growth, anon_regions, reserved, the
 * ratios, duplicate_libs). */
void nd_signals_define(const nd_chart_ref *r, int all, FILE *out);

/* nd_signals_update - one BEGIN..END per signal chart from the group's
 * last collection st and its windows g; min_r2 as sw_fit_leak_rate's;
 * sockets_counted: --sockets is on (else the socket signals are 0); all:
 * as nd_signals_define's. */
void nd_signals_update(const nd_chart_ref *r, const sw_group_stats *st,
		       const sw_growth *g, double min_r2, int sockets_counted,
		       int all, uint64_t dt_us, FILE *out);

#endif
