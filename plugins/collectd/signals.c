#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "signals.h"
#include "submit.h"

/* gauge-leak_rate_NAME always (0 until the window is spanned: alarms stay
 * quiet, not unknown); gauge-growth_NAME and percent-steady_NAME once
 * there is a fit. */
static void submit_trend(const char *id, const char *name, const sw_trend *tr,
			 double min_r2)
{
	char ti[DATA_MAX_NAME_LEN];
	sw_fit f;
	int fitted = sw_trend_fit(tr, &f) == 0;
	snprintf(ti, sizeof(ti), "leak_rate_%s", name);
	cd_submit_value(id, "gauge", ti,
			fitted ? sw_fit_leak_rate(&f, tr->window, min_r2) : 0);
	if (!fitted)
		return;
	snprintf(ti, sizeof(ti), "growth_%s", name);
	cd_submit_value(id, "gauge", ti, f.slope);
	snprintf(ti, sizeof(ti), "steady_%s", name);
	cd_submit_value(id, "percent", ti, 100 * f.r2);
}

static double ratio(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void submit_ratios(const char *id, const char *cat, const sw_counts *c)
{
	char ti[DATA_MAX_NAME_LEN];
	uint64_t rss = c->v[SW_F_RSS], swap = c->v[SW_F_SWAP];
	snprintf(ti, sizeof(ti), "private_dirty_ratio_%s", cat);
	cd_submit_value(id, "percent", ti, ratio(c->v[SW_F_PRIVATE_DIRTY], rss));
	snprintf(ti, sizeof(ti), "swap_ratio_%s", cat);
	cd_submit_value(id, "percent", ti, ratio(swap, rss + swap));
}

/* Fragmentation: anonymous regions and what they reserve unused. */
static void submit_fragmentation(const char *id, const sw_memsum *m)
{
	static const sw_category cats[] = {SW_CAT_HEAP, SW_CAT_ANON};
	char ti[DATA_MAX_NAME_LEN];
	for (size_t i = 0; i < 2; i++) {
		const char *cat = sw_category_name(cats[i]);
		snprintf(ti, sizeof(ti), "anon_regions_%s", cat);
		cd_submit_value(id, "count", ti, m->vmas[cats[i]]);
		snprintf(ti, sizeof(ti), "reserved_%s", cat);
		cd_submit_value(id, "memory", ti,
				(double)sw_reserved(&m->cat[cats[i]]));
	}
}

void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2,
		       int sockets_counted)
{
	sw_socket_signals ss;
	if (g->processes == 0)
		return;
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const char *cat = c < SW_CAT_COUNT ? sw_category_name(c) : "total";
		submit_trend(id, cat, &growth->mem[c], min_r2);
		submit_ratios(id, cat, c < SW_CAT_COUNT ? &g->mem.cat[c]
							: &g->mem.total);
	}
	submit_trend(id, "threads", &growth->threads, min_r2);
	submit_trend(id, "fds", &growth->fds, min_r2);
	submit_trend(id, "sockets", &growth->sockets, min_r2);
	sw_growth_sockets(growth, min_r2, sockets_counted, &ss);
	cd_submit_value(id, "bytes", "memory_per_socket", ss.per_socket);
	cd_submit_value(id, "gauge", "request_path_leak", ss.request_path);
	submit_fragmentation(id, &g->mem);
	cd_submit_value(id, "count", "largest_member_vmas", g->largest_vmas);
}
