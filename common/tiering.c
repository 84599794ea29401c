/* tiering.c - see tiering.h. */
#include "smapwatch/error.h"
#include "smapwatch/tiering.h"

int sw_tier_due(const sw_tier_opts *o, const sw_tier_group *g)
{
	if (g->processes_now == 0 && g->failed_now > 0)
		return 0;
	if (!g->ever_read || (g->processes_then == 0) != (g->processes_now == 0) ||
	    o->full_every <= 1 || g->age + 1 >= o->full_every || g->other_reason)
		return 1;
	uint64_t now = g->rss_now, then = g->rss_then;
	uint64_t moved = now > then ? now - then : then - now;
	return o->early_change > 0 && moved > o->early_min &&
	       (double)moved > o->early_change * (double)then;
}

int sw_tier_may_read(const sw_tier_opts *o, uint64_t rss, int allow_large,
		     unsigned skip)
{
	if (o->rss_cap && rss > o->rss_cap && !allow_large)
		return -SW_ECAPPED;
	return skip ? -SW_ESLOW : 0;
}

unsigned sw_tier_after_read(const sw_tier_opts *o, double cost,
			    unsigned *backoff)
{
	if (o->read_budget <= 0 || cost <= o->read_budget) {
		*backoff = 0;
		return 0;
	}
	if (*backoff < SW_TIER_MAX_BACKOFF)
		(*backoff)++;
	return (1u << *backoff) - 1;
}
