#include "smapwatch/growth.h"

static sw_trend *trend_at(sw_growth *g, unsigned i)
{
	unsigned per_cat = SW_GROWTH_FIELDS, mem = (SW_CAT_COUNT + 1) * per_cat;
	if (i < mem)
		return &g->mem[i / per_cat][i % per_cat];
	sw_trend *rest[] = {&g->threads, &g->fds, &g->sockets};
	return rest[i - mem];
}

#define TRENDS ((SW_CAT_COUNT + 1) * SW_GROWTH_FIELDS + 3)

void sw_growth_init(sw_growth *g, double window)
{
	for (unsigned i = 0; i < TRENDS; i++)
		sw_trend_init(trend_at(g, i), window);
	g->identity = 0;
}

uint64_t sw_growth_field_value(const sw_counts *c, sw_growth_field f)
{
	switch (f) {
	case SW_GROWTH_USS:
		return sw_counts_uss(c);
	case SW_GROWTH_PRIVATE_DIRTY:
		return c->v[SW_F_PRIVATE_DIRTY];
	case SW_GROWTH_PSS:
		return c->v[SW_F_PSS];
	default:
		return 0;
	}
}

const char *sw_growth_field_name(sw_growth_field f)
{
	static const char *const names[SW_GROWTH_FIELDS] = {
		"uss", "private_dirty", "pss",
	};
	return (unsigned)f < SW_GROWTH_FIELDS ? names[f] : NULL;
}

int sw_growth_update(sw_growth *g, const sw_group_stats *s, double now)
{
	int restarted = s->identity != g->identity;
	if (restarted) {
		for (unsigned i = 0; i < TRENDS; i++)
			sw_trend_reset(trend_at(g, i));
		g->identity = s->identity;
	}
	if (s->processes == 0)
		return restarted;
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const sw_counts *k = c < SW_CAT_COUNT ? &s->mem.cat[c] : &s->mem.total;
		for (int f = 0; f < SW_GROWTH_FIELDS; f++)
			sw_trend_add(&g->mem[c][f], now,
				     (double)sw_growth_field_value(k, (sw_growth_field)f));
	}
	sw_trend_add(&g->threads, now, (double)s->threads);
	sw_trend_add(&g->fds, now, (double)s->fds);
	sw_trend_add(&g->sockets, now, (double)s->sockets);
	return restarted;
}
