/* function.h - the Netdata function `smaps`: the per-mapping table of a
 * group's processes or of one of them, in the table format Netdata's
 * dashboard sorts and filters.
 *
 * Registered with `FUNCTION GLOBAL "smaps" TIMEOUT "HELP" "top" "0x13"
 * PRIORITY 0` (1.37.1 reads up to HELP; 2.x reads the tags, the access a
 * caller needs, the priority and the version). Netdata calls it by writing
 * `FUNCTION TRANSACTION TIMEOUT "smaps PARAMS"` on stdin (2.x adds the
 * caller's access and source, or sends FUNCTION_PAYLOAD ... up to
 * FUNCTION_PAYLOAD_END), and the answer is `FUNCTION_RESULT_BEGIN TRANSACTION STATUS TYPE EXPIRES`, the
 * payload, `FUNCTION_RESULT_END`. PARAMS: `group:NAME` (chart id or name),
 * `pid:N` (a process of a configured group), `help`, or none (every
 * group). Only processes of the configured groups are ever shown. */
#ifndef ND_FUNCTION_H
#define ND_FUNCTION_H

#include <stdio.h>
#include "charts.h"
#include "input.h"
#include "log.h"
#include "output.h"
#include "smapwatch/collector.h"
#include "smapwatch/group.h"

#define ND_FUNCTION_NAME "smaps"
#define ND_FUNCTION_TIMEOUT 10
#define ND_FUNCTION_ROWS_MAX 20000   /* ~4 MB; Netdata takes up to 10 MB */
#define ND_FUNCTION_NAME_MAX 1024    /* keeps a row under 15 kB */
/* Netdata 2.x's HTTP_ACCESS bits: signed in (0x1), same space (0x2),
 * sensitive data (0x10); what its own `processes` function asks. */
#define ND_FUNCTION_ACCESS 0x13u
#define ND_FUNCTION_PRIORITY 100     /* Netdata's default */

typedef struct {
	const sw_groupset *gs;
	const nd_charts *charts;
	sw_collector *coll;
	const char *proc_root;
	int update_every;
	nd_output *output;        /* answers are sent as one batch each */
	FILE *out;                /* the answer being written */
	sw_report errors;         /* processes the table could not read */
	int quit;                 /* Netdata 2.x wrote QUIT */
	int in_payload;           /* between FUNCTION_PAYLOAD and its END */
	int payload_allowed;
	char payload_tx[64];      /* that call's transaction ("": bad) */
	char payload_fn[ND_LINE_MAX + 1];  /* and its "NAME PARAMS" */
} nd_function_ctx;

/* nd_function_register - the FUNCTION GLOBAL line. */
void nd_function_register(FILE *out);

/* nd_function_line - handle one line read from stdin (an nd_line_fn);
 * ctx is an nd_function_ctx. FUNCTION_CANCEL and FUNCTION_PROGRESS are
 * ignored (nothing is ever in flight), QUIT sets ctx->quit, other keywords
 * are logged and ignored. */
void nd_function_line(void *ctx, char *line);

#endif
