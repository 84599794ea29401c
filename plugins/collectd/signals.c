#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "signals.h"
#include "submit.h"

/* gauge-growth_NAME, percent-steady_NAME and gauge-leak_rate_NAME, once
 * there is a fit. */
static void submit_trend(const char *id, const char *name, const sw_trend *tr,
			 double min_r2)
{
	char ti[DATA_MAX_NAME_LEN];
	sw_fit f;
	if (sw_trend_fit(tr, &f))
		return;
	snprintf(ti, sizeof(ti), "growth_%s", name);
	cd_submit_value(id, "gauge", ti, f.slope);
	snprintf(ti, sizeof(ti), "steady_%s", name);
	cd_submit_value(id, "percent", ti, 100 * f.r2);
	snprintf(ti, sizeof(ti), "leak_rate_%s", name);
	cd_submit_value(id, "gauge", ti, sw_fit_leak_rate(&f, tr->window, min_r2));
}

static double ratio(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void submit_category(const char *id, const char *cat,
			    const sw_counts *c, uint32_t small)
{
	char ti[DATA_MAX_NAME_LEN];
	uint64_t rss = c->v[SW_F_RSS], swap = c->v[SW_F_SWAP];
	snprintf(ti, sizeof(ti), "small_vmas_%s", cat);
	cd_submit_value(id, "count", ti, small);
	snprintf(ti, sizeof(ti), "private_dirty_ratio_%s", cat);
	cd_submit_value(id, "percent", ti, ratio(c->v[SW_F_PRIVATE_DIRTY], rss));
	snprintf(ti, sizeof(ti), "swap_ratio_%s", cat);
	cd_submit_value(id, "percent", ti, ratio(swap, rss + swap));
}

void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2)
{
	char name[DATA_MAX_NAME_LEN];
	uint32_t small_total = 0;
	if (g->processes == 0)
		return;
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const char *cat = c < SW_CAT_COUNT ? sw_category_name(c) : "total";
		for (int f = 0; f < SW_GROWTH_FIELDS; f++) {
			snprintf(name, sizeof(name), "%s_%s", cat,
				 sw_growth_field_name((sw_growth_field)f));
			submit_trend(id, name, &growth->mem[c][f], min_r2);
		}
		if (c < SW_CAT_COUNT)
			small_total += g->mem.small_vmas[c];
		submit_category(id, cat, c < SW_CAT_COUNT ? &g->mem.cat[c] : &g->mem.total,
				c < SW_CAT_COUNT ? g->mem.small_vmas[c] : small_total);
	}
	submit_trend(id, "threads", &growth->threads, min_r2);
	submit_trend(id, "fds", &growth->fds, min_r2);
	submit_trend(id, "sockets", &growth->sockets, min_r2);
}
