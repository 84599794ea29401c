/* options.h - smaps.plugin's command line: Netdata passes update_every
 * first, then whatever `command options` says in netdata.conf's
 * [plugin:smaps] section (the apps.plugin way). */
#ifndef ND_OPTIONS_H
#define ND_OPTIONS_H

#include <stddef.h>
#include "smapwatch/settings.h"

#define ND_TOP_DEFAULT 10
#define ND_TOP_MAX 50
#define ND_WINDOW_DEFAULT 3600
#define ND_WINDOW_MIN 10
#define ND_WINDOW_MAX (7 * 86400)
#define ND_STEADY_DEFAULT 90
#define ND_ALLOW_LARGE_MAX 16

typedef struct {
	int update_every;        /* seconds, >= 1 */
	int libs;                /* per-library Rss charts */
	int named;               /* per-[anon:NAME] Rss charts */
	int all_charts;          /* the detail charts too (charts.h) */
	int sockets;             /* count sockets (a readlink per fd) */
	size_t top;              /* dimensions of a library / region chart */
	double growth_window;    /* seconds of the leak signals' fits */
	int steady_percent;      /* r2 (%) from which growth is steady */
	sw_settings tier;        /* tiered collection and warm-up
				  * (settings.h): the core's defaults
				  * unless told */
	const char *allow_large[ND_ALLOW_LARGE_MAX];
	size_t nallow;
	const char *config;      /* groups file; NULL: look it up */
	const char *proc_root;   /* NULL: $NETDATA_HOST_PREFIX/proc */
} nd_options;

enum { ND_OPT_RUN, ND_OPT_EXIT_OK, ND_OPT_USAGE };

/* nd_options_parse - fill o from argv (defaults first: update_every from
 * $NETDATA_UPDATE_EVERY or 1). Prints --help / --version itself and
 * returns ND_OPT_EXIT_OK; on a bad option logs why and returns
 * ND_OPT_USAGE; else ND_OPT_RUN. */
int nd_options_parse(nd_options *o, int argc, char **argv);

#endif
