/* signals.h - the leak signals of one group as collectd values (named in
 * names.h; each kind chosen by the Signals option):
 *   gauge-CATEGORY_FIELD_growth     bytes/s (FIELD: uss, private_dirty,
 *                                   pss; in Fields)
 *   percent-CATEGORY_FIELD_steady   r2 of that growth's fit, 0-100
 *   gauge-CATEGORY_FIELD_leak_rate  the growth when steady (r2 >= min_r2)
 *                                   over the whole window, else 0
 *   gauge-{threads,fds,sockets}_growth per second; _steady and
 *   _leak_rate alike
 *   percent-CATEGORY_private_dirty_ratio  Private_Dirty / Rss
 *   percent-CATEGORY_swap_ratio           Swap / (Rss + Swap)
 * CATEGORY includes "total". Growth values appear once the window holds
 * three points. */
#ifndef SMAPS_CD_SIGNALS_H
#define SMAPS_CD_SIGNALS_H

#include "smapwatch/growth.h"

void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2);

#endif
