#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "names.h"
#include "signals.h"

/* Growth, steady and leak rate of subject (a category or a counter) and
 * field (NULL for a counter), once there is a fit. */
static void submit_trend(const char *id, const char *subject,
			 const char *field, const sw_trend *tr, double min_r2)
{
	sw_fit f;
	if (sw_trend_fit(tr, &f))
		return;
	cd_dispatch(id, CD_GROWTH, subject, field, f.slope);
	cd_dispatch(id, CD_STEADY, subject, field, 100 * f.r2);
	cd_dispatch(id, CD_LEAK_RATE, subject, field,
		    sw_fit_leak_rate(&f, tr->window, min_r2));
}

static double ratio(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void submit_category(const char *id, const char *cat,
			    const sw_counts *c)
{
	uint64_t rss = c->v[SW_F_RSS], swap = c->v[SW_F_SWAP];
	cd_dispatch(id, CD_PRIVATE_DIRTY_RATIO, cat, NULL,
		    ratio(c->v[SW_F_PRIVATE_DIRTY], rss));
	cd_dispatch(id, CD_SWAP_RATIO, cat, NULL, ratio(swap, rss + swap));
}

void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2)
{
	if (g->processes == 0)
		return;
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const char *cat = c < SW_CAT_COUNT ? sw_category_name(c) : "total";
		for (int f = 0; f < SW_GROWTH_FIELDS; f++)
			submit_trend(id, cat, sw_growth_field_name((sw_growth_field)f),
				     &growth->mem[c][f], min_r2);
		submit_category(id, cat, c < SW_CAT_COUNT ? &g->mem.cat[c]
							: &g->mem.total);
	}
	submit_trend(id, "threads", NULL, &growth->threads, min_r2);
	submit_trend(id, "fds", NULL, &growth->fds, min_r2);
	submit_trend(id, "sockets", NULL, &growth->sockets, min_r2);
}
