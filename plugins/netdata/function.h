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
 * group). Only processes of the configured groups are ever shown.
 *
 * Under load (issue 18, defect 12): a table call waits in a bounded queue
 * and is served a process read at a time between the main loop's polls;
 * each process's rows are kept (rowcache.h) and read again only after the
 * full interval, or refreshed by the collection's own reads. */
#ifndef ND_FUNCTION_H
#define ND_FUNCTION_H

#include <stdio.h>
#include "charts.h"
#include "cost.h"
#include "input.h"
#include "log.h"
#include "output.h"
#include "maptable.h"
#include "rowcache.h"
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

#define ND_CALLS_MAX 64              /* calls that wait; then 503 */
#define ND_TX_MAX 64

/* A call of the table, waiting its turn. */
typedef struct {
	char tx[ND_TX_MAX];
	long group;              /* -1: every group */
	pid_t pid;               /* 0: every process of the group(s) */
	double arrived, timeout; /* monotonic seconds */
	int cancelled;           /* FUNCTION_CANCEL came for it */
} nd_call;

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
	double payload_timeout;
	char payload_tx[ND_TX_MAX];  /* that call's transaction ("": bad) */
	char payload_fn[ND_LINE_MAX + 1];  /* and its "NAME PARAMS" */
	nd_rowcache cache;        /* process tables, one read per max_age */
	nd_call queue[ND_CALLS_MAX];
	size_t qhead, qlen;
	unsigned long refused;    /* 503s since the queue was last empty */
	nd_function_cost cost;
	double last_call;         /* monotonic: the last table call queued */
	int watching;             /* the cycle's reads fill the cache */
	nd_rowbuild build;        /* the cycle's read under way */
} nd_function_ctx;

/* nd_function_init - the fields above gs..output are set by the caller;
 * a process's table is read again after max_age seconds (the full
 * interval: no more often than the collection reads it). */
void nd_function_init(nd_function_ctx *fc, double max_age);
void nd_function_free(nd_function_ctx *fc);

/* nd_function_watch - before a collection: while table calls come (one
 * in the last 5 minutes, or two max_age), the cycle's own full reads fill
 * the cache, so a call is answered from what the collection read rather
 * than reading smaps again; with no call for that long, the cycle no
 * longer pays for building rows. gs is fc->gs. */
void nd_function_watch(nd_function_ctx *fc, sw_groupset *gs);

/* nd_function_register - the FUNCTION GLOBAL line. */
void nd_function_register(FILE *out);

/* nd_function_line - handle one line read from stdin (an nd_line_fn);
 * ctx is an nd_function_ctx. What needs no smaps (help, errors, 403) is
 * answered at once; a table call waits in the queue (at most
 * ND_CALLS_MAX, then 503 at once). FUNCTION_CANCEL of a queued call has
 * it answered 499 at its turn, with nothing read (Netdata 2.x cancels a
 * call it timed out); FUNCTION_PROGRESS is ignored, QUIT sets ctx->quit, other keywords are logged (rate-
 * limited) and ignored. Does no smaps read: callable from a fuzzer, with
 * gs and charts NULL (no group: every table call is 400 or an empty
 * table) and output on any fd (see tests/unit/test_nd_input.c). */
void nd_function_line(void *ctx, char *line);

/* nd_function_pending - calls wait in the queue. */
int nd_function_pending(const nd_function_ctx *fc);

/* nd_function_step - one bounded piece of work for the first call in
 * the queue: one process's smaps read into the cache, or, when every
 * process it shows is cached, its answer written (stdout must not be
 * busy); a call older than its timeout is answered 504, a cancelled
 * one 499. The main loop
 * calls it between polls, so chart updates go on between the reads. */
void nd_function_step(nd_function_ctx *fc);

#endif
