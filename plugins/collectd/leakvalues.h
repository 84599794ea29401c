/* leakvalues.h - the leak signals of one group as collectd values (named in
 * names.h; each kind chosen by the Signals option):
 *   gauge-CATEGORY_leak_rate    bytes/s: the growth of the floor of the
 *                               memory the group owns (Pss + SwapPss,
 *                               chained across members coming and going)
 *                               when steady over the whole window, else 0
 *   gauge-CATEGORY_growth       bytes/s: that floor's slope, steady or not
 *   percent-CATEGORY_steady     r2 of that fit, 0-100
 *   gauge-{threads,fds,sockets}_growth per second; _steady and _leak_rate
 *   alike
 *   bytes-total_per_socket      the total leak rate over the sockets' when
 *                               both are steady leaks, else 0
 *   gauge-total_request_path_leak  bytes/s: the total leak rate while
 *                               sockets are flat, else 0
 *   memory-{heap,anon}_reserved bytes reserved, neither resident nor
 *                               swapped (Size - Rss - Swap); the anonymous
 *                               regions are count-{heap,anon}_vmas
 *   count-total_largest_member_vmas  mappings of the member with the most
 *   percent-CATEGORY_private_dirty_ratio  Private_Dirty / Rss
 *   percent-CATEGORY_swap_ratio           Swap / (Rss + Swap)
 * CATEGORY includes "total". Growth and steady values appear once the
 * window holds three points; leak rates are 0 until then. */
#ifndef SMAPS_CD_SIGNALS_H
#define SMAPS_CD_SIGNALS_H

#include "smapwatch/growth.h"

/* sockets_counted: CountSockets is on (else the socket signals are 0). */
void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2,
		       int sockets_counted);

#endif
