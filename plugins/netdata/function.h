/* function.h - the Netdata function `smaps`: the per-mapping table of a
 * group's processes or of one of them, in the table format Netdata's
 * dashboard sorts and filters.
 *
 * Registered with `FUNCTION GLOBAL "smaps" TIMEOUT "HELP"`; Netdata calls it
 * by writing `FUNCTION TRANSACTION TIMEOUT "smaps PARAMS"` on stdin, and the
 * answer is `FUNCTION_RESULT_BEGIN TRANSACTION STATUS TYPE EXPIRES`, the
 * payload, `FUNCTION_RESULT_END`. PARAMS: `group:NAME` (chart id or name),
 * `pid:N` (a process of a configured group), `help`, or none (every
 * group). Only processes of the configured groups are ever shown. */
#ifndef ND_FUNCTION_H
#define ND_FUNCTION_H

#include <stdio.h>
#include "charts.h"
#include "log.h"
#include "output.h"
#include "smapwatch/collector.h"
#include "smapwatch/group.h"

#define ND_FUNCTION_NAME "smaps"
#define ND_FUNCTION_TIMEOUT 10
#define ND_FUNCTION_ROWS_MAX 20000   /* ~4 MB; Netdata takes up to 10 MB */
#define ND_FUNCTION_NAME_MAX 1024    /* keeps a row under 15 kB */

typedef struct {
	const sw_groupset *gs;
	const nd_charts *charts;
	sw_collector *coll;
	const char *proc_root;
	int update_every;
	nd_output *output;        /* answers are sent as one batch each */
	FILE *out;                /* the answer being written */
	sw_report errors;         /* processes the table could not read */
} nd_function_ctx;

/* nd_function_register - the FUNCTION GLOBAL line. */
void nd_function_register(FILE *out);

/* nd_function_line - handle one line read from stdin (an nd_line_fn);
 * ctx is an nd_function_ctx. Other keywords are logged and ignored. */
void nd_function_line(void *ctx, char *line);

#endif
