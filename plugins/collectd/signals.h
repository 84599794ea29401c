/* signals.h - the leak signals of one group as collectd values:
 *   gauge-growth_CATEGORY_FIELD     bytes/s (FIELD: uss, private_dirty, pss)
 *   percent-steady_CATEGORY_FIELD   r2 of that growth's fit, 0-100
 *   gauge-leak_rate_CATEGORY_FIELD  the growth when steady (r2 >= min_r2)
 *                                   over the whole window, else 0
 *   gauge-growth_{threads,fds,sockets} per second; steady_ and leak_rate_
 *   alike
 *   count-small_vmas_CATEGORY       mappings under 1 MiB
 *   percent-private_dirty_ratio_CATEGORY  Private_Dirty / Rss
 *   percent-swap_ratio_CATEGORY           Swap / (Rss + Swap)
 * CATEGORY includes "total". Growth values appear once the window holds
 * three points. */
#ifndef SMAPS_CD_SIGNALS_H
#define SMAPS_CD_SIGNALS_H

#include "smapwatch/growth.h"

void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2);

#endif
