/* signals.h - the leak signals of one group as collectd values:
 *   gauge-leak_rate_CATEGORY    bytes/s: the growth of the floor of the
 *                               memory the group owns (Pss + SwapPss,
 *                               chained across members coming and going)
 *                               when steady over the whole window, else 0
 *   gauge-growth_CATEGORY       bytes/s: that floor's slope, steady or not
 *   percent-steady_CATEGORY     r2 of that fit, 0-100
 *   gauge-growth_{threads,fds,sockets} per second; steady_ and leak_rate_
 *   alike
 *   bytes-memory_per_socket     the total leak rate over the sockets' when
 *                               both are steady leaks, else 0
 *   gauge-request_path_leak     bytes/s: the total leak rate while sockets
 *                               are flat, else 0
 *   count-anon_regions_{heap,anon}   anonymous regions (mappings)
 *   memory-reserved_{heap,anon}      bytes reserved, neither resident nor
 *                                    swapped (Size - Rss - Swap)
 *   count-largest_member_vmas   mappings of the member with the most
 *   percent-private_dirty_ratio_CATEGORY  Private_Dirty / Rss
 *   percent-swap_ratio_CATEGORY           Swap / (Rss + Swap)
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
