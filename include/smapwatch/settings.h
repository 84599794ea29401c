/* settings.h - the tiering settings as the plugins' users write them
 * (seconds, percent, MiB, milliseconds), their defaults, and what they
 * make of sw_groupset_opts: one definition for both frontends, which read
 * them from their own syntax (collectd's config keys, Netdata's options;
 * collectd-smaps(5), smaps.plugin(1)). */
#ifndef SMAPWATCH_SETTINGS_H
#define SMAPWATCH_SETTINGS_H

#include "smapwatch/group.h"

typedef struct {
	double full_interval;    /* seconds between full smaps reads */
	double maps_interval;    /* seconds between maps probes; 0: never;
				  * < 0: the core's default */
	double early_percent;    /* status Rss change (%) that reads early */
	double early_mib;        /* ... and at least this many MiB */
	double budget_ms;        /* CPU per smaps read; 0: no budget */
	double rss_cap_mib;      /* 0: no cap */
	double warm_up;          /* seconds a new member warms up; < 0: a
				  * share of the growth window (growth.h) */
} sw_settings;

/* sw_settings_default - the core's defaults (group.h), as users write
 * them. */
void sw_settings_default(sw_settings *s);

/* sw_settings_apply - s into o's tiering fields, for cycles `interval`
 * seconds apart (<= 0: taken as one cycle) and leak signals fitted over
 * growth_window seconds. Intervals become cycles, rounded, at least one;
 * the other fields of o are left as they are. */
void sw_settings_apply(const sw_settings *s, double interval,
		       double growth_window, sw_groupset_opts *o);

#endif
