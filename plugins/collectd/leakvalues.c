/* leakvalues.c - see leakvalues.h: each group's leak signals dispatched as
 * collectd values. */
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "names.h"
#include "leakvalues.h"

/* SUBJECT_leak_rate always (0 until the window is spanned: alarms stay
 * quiet, not unknown); SUBJECT_growth and SUBJECT_steady once there is a
 * fit. */
static void submit_trend(const char *id, const char *subject,
			 const sw_trend *tr, double min_r2)
{
	sw_fit f;
	int fitted = sw_trend_fit(tr, &f) == 0;
	cd_dispatch(id, CD_LEAK_RATE, subject, NULL,
		    fitted ? sw_fit_leak_rate(&f, tr->window, min_r2) : 0);
	if (!fitted)
		return;
	cd_dispatch(id, CD_GROWTH, subject, NULL, f.slope);
	cd_dispatch(id, CD_STEADY, subject, NULL, 100 * f.r2);
}

static double ratio(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

static void submit_ratios(const char *id, const char *cat, const sw_counts *c)
{
	uint64_t rss = c->v[SW_F_RSS], swap = c->v[SW_F_SWAP];
	cd_dispatch(id, CD_PRIVATE_DIRTY_RATIO, cat, NULL,
		    ratio(c->v[SW_F_PRIVATE_DIRTY], rss));
	cd_dispatch(id, CD_SWAP_RATIO, cat, NULL, ratio(swap, rss + swap));
}

/* Fragmentation: what the anonymous regions reserve unused (their count
 * is count-{heap,anon}_vmas, among the figures). */
static void submit_reserved(const char *id, const sw_memsum *m)
{
	static const sw_category cats[] = {SW_CAT_HEAP, SW_CAT_ANON};
	for (size_t i = 0; i < 2; i++)
		cd_dispatch(id, CD_RESERVED, sw_category_name(cats[i]), NULL,
			    (double)sw_reserved(&m->cat[cats[i]]));
}

void cd_submit_signals(const char *id, const sw_group_stats *g,
		       const sw_growth *growth, double min_r2,
		       int sockets_counted)
{
	sw_socket_signals ss;
	if (g->live.processes == 0)
		return;
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const char *cat = c < SW_CAT_COUNT ? sw_category_name(c) : "total";
		submit_trend(id, cat, &growth->mem[c], min_r2);
		submit_ratios(id, cat, c < SW_CAT_COUNT ? &g->measured.mem.cat[c]
							: &g->measured.mem.total);
	}
	submit_trend(id, "threads", &growth->threads, min_r2);
	submit_trend(id, "fds", &growth->fds, min_r2);
	submit_trend(id, "sockets", &growth->sockets, min_r2);
	sw_growth_sockets(growth, min_r2, sockets_counted, &ss);
	cd_dispatch(id, CD_PER_SOCKET, "total", NULL, ss.per_socket);
	cd_dispatch(id, CD_REQUEST_PATH, "total", NULL, ss.request_path);
	submit_reserved(id, &g->measured.mem);
	cd_dispatch(id, CD_LARGEST_MEMBER, "total", NULL, (double)g->measured.largest_vmas);
}
