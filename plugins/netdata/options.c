/* options.c - see options.h. */
#include "options.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "smapwatch/group.h"
#include "smapwatch/version.h"

static const char usage_text[] =
"smaps.plugin " SW_VERSION " - per-category memory of process groups, from\n"
"/proc/PID/smaps, for Netdata (external plugin protocol on stdout).\n"
"\n"
"usage: smaps.plugin [UPDATE_EVERY] [OPTIONS]\n"
"\n"
"Netdata passes UPDATE_EVERY (seconds); options come from `command options`\n"
"in the [plugin:smaps] section of netdata.conf.\n"
"\n"
"  --all-charts      also the detail charts per group: Rss, USS, private\n"
"                    dirty, virtual size, mappings per category, status,\n"
"                    tier, counter growth, anon regions, reserved, ratios,\n"
"                    duplicate libraries (default: real memory, leak\n"
"                    signals, counters, swap)\n"
"  --libs            a chart per group of Rss per library (top N)\n"
"  --named           a chart per group of Rss per [anon:NAME] region (top N)\n"
"  --top N           dimensions of those charts, the rest summed as 'other'\n"
"                    (default 10, at most 50)\n"
"  --no-sockets      do not count sockets (saves a readlink per open fd)\n"
"  --growth-window SECONDS\n"
"                    window of the growth fits behind the leak signals\n"
"                    (default 3600, 10 to 604800)\n"
"  --steady-percent N\n"
"                    r2 (%) from which growth over the whole window counts\n"
"                    as steady: a leak rate (default 90, 1 to 100)\n"
"  --warm-up SECONDS\n"
"                    a member younger than this is warming up: its own\n"
"                    growth is not the group's (default: a sixth of the\n"
"                    growth window, 600; 0 to 604800)\n"
"  --full-interval SECONDS\n"
"                    read a group's smaps at most this often, its processes'\n"
"                    status every update (default 60; 0: smaps every update)\n"
"  --early-change-percent N, --early-change-mib M\n"
"                    read early when the status Rss moved by more than N%\n"
"                    and M MiB since the last full read (default 10, 16)\n"
"  --maps-interval SECONDS\n"
"                    between full reads, read the members' maps this often\n"
"                    (no page walk, no stall) to read a group early when its\n"
"                    mappings changed enough (default a sixth of\n"
"                    --full-interval, 10; 0: never)\n"
"  --read-budget-ms MS\n"
"                    a process whose smaps read costs more CPU time of the\n"
"                    reading thread (a reader itself paused is not charged)\n"
"                    skips its next 1, 3, 7... full reads (default 500;\n"
"                    0: no budget)\n"
"  --rss-cap-mib MIB over this Rss only status is read (default 32768; 0: none)\n"
"  --allow-large GROUP\n"
"                    exempt a group from --rss-cap-mib (repeatable)\n"
"  --config FILE     groups file (default: smaps_groups.conf in\n"
"                    $NETDATA_USER_CONFIG_DIR, else $NETDATA_STOCK_CONFIG_DIR)\n"
"  --proc-root DIR   read DIR instead of $NETDATA_HOST_PREFIX/proc\n"
"  -h, --help        this text\n"
"  -v, -V, --version the version\n";

/* parse_long - a whole decimal number in [lo, hi], or -1. */
static long parse_long(const char *s, long lo, long hi)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

static void defaults(nd_options *o)
{
	const char *ue = getenv("NETDATA_UPDATE_EVERY");
	long v = ue ? parse_long(ue, 1, 86400) : -1;
	*o = (nd_options){.update_every = v > 0 ? (int)v : 1, .sockets = 1,
			  .top = ND_TOP_DEFAULT,
			  .growth_window = ND_WINDOW_DEFAULT,
			  .steady_percent = ND_STEADY_DEFAULT};
	sw_settings_default(&o->tier);
}

/* cost_value - the tiering options; stores the value and returns 1. */
static int cost_value(nd_options *o, const char *opt, const char *val,
		      int *bad)
{
	static const struct { const char *name; size_t off; long max; } num[] = {
		{"--full-interval", offsetof(nd_options, tier.full_interval), 86400},
		{"--early-change-percent", offsetof(nd_options, tier.early_percent), 1000},
		{"--early-change-mib", offsetof(nd_options, tier.early_mib), 1L << 20},
		{"--read-budget-ms", offsetof(nd_options, tier.budget_ms), 600000},
		{"--maps-interval", offsetof(nd_options, tier.maps_interval), 86400},
		{"--rss-cap-mib", offsetof(nd_options, tier.rss_cap_mib), 1L << 30},
	};
	for (size_t i = 0; i < sizeof(num) / sizeof(num[0]); i++)
		if (!strcmp(opt, num[i].name)) {
			long v = val ? parse_long(val, 0, num[i].max) : -1;
			*bad = v < 0;
			if (v >= 0)
				*(double *)((char *)o + num[i].off) = (double)v;
			return 1;
		}
	if (strcmp(opt, "--allow-large"))
		return 0;
	*bad = !val || o->nallow == ND_ALLOW_LARGE_MAX;
	if (!*bad)
		o->allow_large[o->nallow++] = val;
	return 1;
}

/* takes_value - options followed by a value; stores it and returns 1. */
static int takes_value(nd_options *o, const char *opt, const char *val,
		       int *bad)
{
	if (!strcmp(opt, "--top")) {
		long v = val ? parse_long(val, 1, ND_TOP_MAX) : -1;
		*bad = v < 0;
		o->top = v > 0 ? (size_t)v : o->top;
	} else if (!strcmp(opt, "--growth-window")) {
		long v = val ? parse_long(val, ND_WINDOW_MIN, ND_WINDOW_MAX) : -1;
		*bad = v < 0;
		o->growth_window = v > 0 ? (double)v : o->growth_window;
	} else if (!strcmp(opt, "--steady-percent")) {
		long v = val ? parse_long(val, 1, 100) : -1;
		*bad = v < 0;
		o->steady_percent = v > 0 ? (int)v : o->steady_percent;
	} else if (!strcmp(opt, "--warm-up")) {
		long v = val ? parse_long(val, 0, ND_WINDOW_MAX) : -1;
		*bad = v < 0;
		o->tier.warm_up = v >= 0 ? (double)v : o->tier.warm_up;
	} else if (!strcmp(opt, "--config")) {
		*bad = !val;
		o->config = val;
	} else if (!strcmp(opt, "--proc-root")) {
		*bad = !val;
		o->proc_root = val;
	} else {
		return cost_value(o, opt, val, bad);
	}
	return 1;
}

static int flag(nd_options *o, const char *a)
{
	if (!strcmp(a, "--libs"))
		o->libs = 1;
	else if (!strcmp(a, "--named"))
		o->named = 1;
	else if (!strcmp(a, "--all-charts"))
		o->all_charts = 1;
	else if (!strcmp(a, "--no-sockets"))
		o->sockets = 0;
	else
		return 0;
	return 1;
}

/* info_option - --help or --version: print it and return 1. */
static int info_option(const char *a)
{
	if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		fputs(usage_text, stdout);
		return 1;
	}
	if (!strcmp(a, "-v") || !strcmp(a, "-V") || !strcmp(a, "--version")) {
		puts("smaps.plugin " SW_VERSION);
		return 1;
	}
	return 0;
}

/* looks_like_option - a value that is an option's name: `--config
 * --libs` forgot the file, it does not name one (a file called so is
 * ./--libs). */
static int looks_like_option(const char *v)
{
	return v && (!strncmp(v, "--", 2) || !strcmp(v, "-h") ||
		     !strcmp(v, "-v") || !strcmp(v, "-V"));
}

int nd_options_parse(nd_options *o, int argc, char **argv)
{
	defaults(o);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		int bad = 0;
		long v;
		if (info_option(a))
			return ND_OPT_EXIT_OK;
		if (flag(o, a))
			continue;
		if (takes_value(o, a, val, &bad)) {
			if (looks_like_option(val)) {
				nd_log(ND_ERROR, "%s needs a value, not the "
				       "option '%s' (see --help)", a, val);
				return ND_OPT_USAGE;
			}
			if (bad) {
				nd_log(ND_ERROR, "bad or missing value for %s "
				       "(see --help)", a);
				return ND_OPT_USAGE;
			}
			i++;
		} else if ((v = parse_long(a, 1, 86400)) > 0) {
			o->update_every = (int)v;
		} else {
			nd_log(ND_ERROR, "unknown option '%s' (see --help)", a);
			return ND_OPT_USAGE;
		}
	}
	return ND_OPT_RUN;
}
