/* function.c - see function.h. */
#include "function.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ids.h"
#include "smapwatch/escape.h"
#include "log.h"
#include "maptable.h"
#include "smapwatch/error.h"

#define MAX_WORDS 20

static const char help_text[] =
"smaps.plugin / smaps\n\n"
"The memory mappings of the processes of the groups in smaps_groups.conf,\n"
"one row per mapping: address range, permissions, category (heap, stack,\n"
"anon, shmem, binary, libs, files, kernel), name, Rss, Pss, USS,\n"
"Private_Dirty, Swap and Size in KiB, and VmFlags.\n\n"
"   group:NAME   the processes of one group (its name or chart id)\n"
"   pid:N        one process (of a configured group)\n"
"   help         this text\n\n"
"With no parameter, the processes of every group.\n";

/* After the help text, Netdata 2.x reads tags, the access a caller needs,
 * a priority and a version; 1.37.1 stops after the help text. Without an
 * access, 2.x lets anyone who reaches the agent's port call the function
 * (measured: an anonymous caller got every mapping). Mapping paths and
 * command lines are sensitive, so the function asks what Netdata's own
 * `processes` function asks: a signed-in user of the agent's space
 * allowed to see sensitive data. */
void nd_function_register(FILE *out)
{
	fprintf(out, "FUNCTION GLOBAL \"%s\" %d \"Memory mappings of a group "
		"or a process, by category, from /proc/PID/smaps\" \"top\" "
		"\"0x%x\" %d 0\n", ND_FUNCTION_NAME, ND_FUNCTION_TIMEOUT,
		ND_FUNCTION_ACCESS, ND_FUNCTION_PRIORITY);
}

/* split_words - Netdata's word rules: blanks and '=' separate; a word
 * that starts with ' or " runs to the same quote. Returns the count. */
static size_t split_words(char *s, char **w, size_t max)
{
	size_t n = 0;
	while (n < max) {
		s += strspn(s, " \t\r\n=");
		if (!*s)
			break;
		char q = (*s == '\'' || *s == '"') ? *s++ : 0;
		w[n++] = s;
		s = q ? s + strcspn(s, (char[]){q, 0}) : s + strcspn(s, " \t\r\n=");
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static int valid_transaction(const char *tx)
{
	char id[ND_ID_MAX];
	size_t n = strlen(tx);
	return n && n < ND_ID_MAX && !strcmp(nd_id(id, sizeof(id), tx, n), tx);
}

static void result_begin(FILE *out, const char *tx, int status,
			 const char *type, long long expires)
{
	fprintf(out, "FUNCTION_RESULT_BEGIN %s %d %s %lld\n", tx, status, type,
		expires);
}

static void result_end(FILE *out)
{
	fputs("\nFUNCTION_RESULT_END\n", out);
}

static void fail(FILE *out, const char *tx, int status, const char *msg)
{
	result_begin(out, tx, status, "application/json", (long long)time(NULL));
	fprintf(out, "{\"status\": %d, \"error_message\": ", status);
	sw_json_string(out, msg, strlen(msg));
	fputc('}', out);
	result_end(out);
}

static void help(FILE *out, const char *tx)
{
	result_begin(out, tx, 200, "text/plain", (long long)time(NULL) + 3600);
	fputs(help_text, out);
	result_end(out);
}

typedef struct {
	long group;   /* -1: every group */
	pid_t pid;    /* 0: every process of the group(s) */
	int help;
} request;

/* parse_params - the words after the function's name; NULL or a reason. */
static const char *parse_params(const nd_function_ctx *fc, char **w,
				size_t n, request *rq)
{
	*rq = (request){.group = -1};
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(w[i], "help")) {
			rq->help = 1;
		} else if (!strncmp(w[i], "group:", 6)) {
			rq->group = nd_charts_group_index(fc->charts, fc->gs,
							  w[i] + 6);
			if (rq->group < 0)
				return "No group with that name.";
		} else if (!strncmp(w[i], "pid:", 4)) {
			char *end;
			long v = strtol(w[i] + 4, &end, 10);
			if (*end || end == w[i] + 4 || v <= 0 || v > 4194304)
				return "pid: needs a process id.";
			rq->pid = (pid_t)v;
		} else {
			return "Unknown parameter: use group:NAME, pid:N or help.";
		}
	}
	return NULL;
}

static int has_pid(const sw_group_stats *st, pid_t pid)
{
	for (size_t k = 0; k < st->live.npids; k++)
		if (st->live.pids[k] == pid)
			return 1;
	return 0;
}

/* shown_before - pid is a member of an earlier group, whose rows have
 * already been written (the default view lists a process once). */
static int shown_before(const sw_groupset *gs, size_t g, pid_t pid)
{
	for (size_t i = 0; i < g; i++)
		if (has_pid(sw_groupset_get(gs, i), pid))
			return 1;
	return 0;
}

/* A process the collection leaves alone (Rss over the cap, backed off for
 * slow reads) is not read for the table either: asking for a table must
 * not stall what the cap protects. */
static void add_process(nd_function_ctx *fc, nd_maptable *t, size_t g,
			pid_t pid, uint64_t start_time)
{
	const char *group = sw_groupset_get(fc->gs, g)->name;
	int r = sw_groupset_may_read(fc->gs, g, pid, start_time);
	if (r == -ESRCH)
		return;  /* not a member at the last cycle: not ours to read */
	if (r < 0) {
		nd_log_reported(sw_report_process(&fc->errors, pid, start_time,
						  time(NULL)),
				"function: process %d not in the table: %s",
				(int)pid, sw_strerror(r));
		return;
	}
	r = nd_maptable_process(t, pid, start_time, group);
	if (r == -SW_ELIMIT)
		nd_log_reported(sw_report_line(&fc->errors, time(NULL)),
				"function: more than %d rows, table cut short",
				ND_FUNCTION_ROWS_MAX);
	else if (r < 0 && !sw_error_is_gone(r))
		nd_log_reported(sw_report_process(&fc->errors, pid, start_time,
						  time(NULL)),
				"function: process %d: %s", (int)pid,
				sw_strerror(r));
}

/* add_rows - the rows of the processes rq asks for; how many processes
 * matched. */
static size_t add_rows(nd_function_ctx *fc, nd_maptable *t,
		       const request *rq)
{
	size_t matched = 0, n = sw_groupset_size(fc->gs);
	for (size_t g = 0; g < n; g++) {
		const sw_group_stats *st = sw_groupset_get(fc->gs, g);
		if (rq->group >= 0 && (size_t)rq->group != g)
			continue;
		for (size_t k = 0; k < st->live.npids; k++) {
			pid_t pid = st->live.pids[k];
			if ((rq->pid && pid != rq->pid) ||
			    (rq->group < 0 && shown_before(fc->gs, g, pid)))
				continue;
			matched++;
			add_process(fc, t, g, pid, st->live.start_times[k]);
		}
	}
	return matched;
}

/* pid_allowed - rq->pid is a member of the requested group(s). */
static int pid_allowed(const nd_function_ctx *fc, const request *rq)
{
	for (size_t g = 0; g < sw_groupset_size(fc->gs); g++)
		if ((rq->group < 0 || (size_t)rq->group == g) &&
		    has_pid(sw_groupset_get(fc->gs, g), rq->pid))
			return 1;
	return 0;
}

static void serve(nd_function_ctx *fc, const char *tx, const request *rq)
{
	long long expires = (long long)time(NULL) + fc->update_every;
	nd_maptable t = {.out = fc->out, .coll = fc->coll,
			 .proc_root = fc->proc_root,
			 .max_rows = ND_FUNCTION_ROWS_MAX};
	result_begin(fc->out, tx, 200, "application/json", expires);
	nd_maptable_begin(&t, fc->update_every);
	add_rows(fc, &t, rq);
	nd_maptable_end(&t, expires);
	result_end(fc->out);
}

/* answer - the reply to a call of function string fn (split in place). */
static void answer(nd_function_ctx *fc, const char *tx, char *fn)
{
	char *p[MAX_WORDS];
	size_t np = split_words(fn, p, MAX_WORDS);
	request rq;
	const char *why = NULL;
	if (!np || strcmp(p[0], ND_FUNCTION_NAME))
		fail(fc->out, tx, 404, "No function with this name in smaps.plugin.");
	else if ((why = parse_params(fc, p + 1, np - 1, &rq)))
		fail(fc->out, tx, 400, why);
	else if (rq.help)
		help(fc->out, tx);
	else if (rq.pid && !pid_allowed(fc, &rq))
		fail(fc->out, tx, 404, "That process is not in the group(s).");
	else
		serve(fc, tx, &rq);
}

/* caller_allowed - a call of Netdata 2.x carries the caller's access
 * bits as its fifth word; 1.37.1 sends none (and lets only Netdata Cloud
 * call). The agent already refuses callers without the registered
 * access: this is the same rule again, in case it does not. */
static int caller_allowed(char **w, size_t n)
{
	if (n < 5)
		return 1;
	char *end;
	unsigned long a = strtoul(w[4], &end, 16);
	return *end == '\0' && end != w[4] &&
	       (a & ND_FUNCTION_ACCESS) == ND_FUNCTION_ACCESS;
}

static void call(nd_function_ctx *fc, const char *tx, char *fn, int allowed)
{
	fc->out = nd_output_batch(fc->output);
	if (fc->out && allowed)
		answer(fc, tx, fn);
	else if (fc->out)
		fail(fc->out, tx, 403, "The smaps function needs a signed-in "
		     "user allowed to see sensitive data.");
	nd_output_send(fc->output);
	fc->out = NULL;
}

/* begin_payload - FUNCTION_PAYLOAD TX TIMEOUT "NAME ARGS" ACCESS SOURCE
 * TYPE: the call is answered at FUNCTION_PAYLOAD_END; the payload (this
 * function takes none) is skipped, whatever its lines look like. */
static void begin_payload(nd_function_ctx *fc, char **w, size_t n)
{
	fc->in_payload = 1;
	fc->payload_tx[0] = fc->payload_fn[0] = '\0';
	if (n < 4 || !valid_transaction(w[1])) {
		nd_log(ND_ERROR, "ignoring a FUNCTION_PAYLOAD with a malformed "
		       "transaction id");
		return;
	}
	snprintf(fc->payload_tx, sizeof(fc->payload_tx), "%s", w[1]);
	snprintf(fc->payload_fn, sizeof(fc->payload_fn), "%s", w[3]);
	fc->payload_allowed = caller_allowed(w, n);
}

static void end_payload(nd_function_ctx *fc)
{
	fc->in_payload = 0;
	if (fc->payload_tx[0])
		call(fc, fc->payload_tx, fc->payload_fn, fc->payload_allowed);
}

void nd_function_line(void *ctx, char *line)
{
	nd_function_ctx *fc = ctx;
	char *w[MAX_WORDS];
	if (fc->in_payload) {
		if (!strcmp(line, "FUNCTION_PAYLOAD_END"))
			end_payload(fc);
		return;
	}
	size_t n = split_words(line, w, MAX_WORDS);
	if (!n)
		return;
	if (!strcmp(w[0], "FUNCTION_PAYLOAD"))
		begin_payload(fc, w, n);
	else if (!strcmp(w[0], "QUIT"))
		fc->quit = 1;
	else if (!strcmp(w[0], "FUNCTION_CANCEL") ||
		 !strcmp(w[0], "FUNCTION_PROGRESS"))
		;  /* answers are written whole before the next line is read:
		    * nothing is ever in flight to cancel or to report on */
	else if (strcmp(w[0], "FUNCTION") || n < 4)
		nd_log(ND_ERROR, "ignoring a request on stdin that is not "
		       "FUNCTION TRANSACTION TIMEOUT \"NAME PARAMS\"");
	else if (!valid_transaction(w[1]))
		nd_log(ND_ERROR, "ignoring a FUNCTION with a malformed "
		       "transaction id");
	else
		call(fc, w[1], w[3], caller_allowed(w, n));
}
