/* settings.c - see settings.h. */
#include "smapwatch/growth.h"
#include "smapwatch/settings.h"

void sw_settings_default(sw_settings *s)
{
	*s = (sw_settings){
		.full_interval = SW_DEFAULT_FULL_INTERVAL,
		.maps_interval = -1,
		.early_percent = 100 * SW_DEFAULT_EARLY_CHANGE,
		.early_mib = (double)(SW_DEFAULT_EARLY_MIN >> 20),
		.budget_ms = 1000 * SW_DEFAULT_READ_BUDGET,
		.rss_cap_mib = (double)(SW_DEFAULT_RSS_CAP >> 20),
		.warm_up = -1,
	};
}

/* seconds as whole cycles, rounded, at least one */
static unsigned cycles(double seconds, double interval)
{
	double every = interval > 0 ? seconds / interval : 1;
	return every > 1 ? (unsigned)(every + 0.5) : 1;
}

void sw_settings_apply(const sw_settings *s, double interval,
		       double growth_window, sw_groupset_opts *o)
{
	o->full_every = cycles(s->full_interval, interval);
	o->maps_every = s->maps_interval < 0   ? 0   /* the core's default */
			: s->maps_interval == 0 ? SW_MAPS_NEVER
						: cycles(s->maps_interval, interval);
	o->early_change = s->early_percent / 100;
	o->early_min = (uint64_t)(s->early_mib * 1048576);
	o->read_budget = s->budget_ms / 1000;
	o->rss_cap = (uint64_t)(s->rss_cap_mib * 1048576);
	o->warm_up = s->warm_up >= 0 ? s->warm_up
				     : growth_window * SW_WARM_UP_SHARE;
}
