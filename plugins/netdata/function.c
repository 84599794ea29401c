/* function.c - see function.h. */
#include "function.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "heartbeat.h"
#include "ids.h"
#include "smapwatch/escape.h"
#include "smapwatch/pid.h"
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
			rq->group = fc->charts ? nd_charts_group_index(
					fc->charts, fc->gs, w[i] + 6) : -1;
			if (rq->group < 0)
				return "No group with that name.";
		} else if (!strncmp(w[i], "pid:", 4)) {
			const char *v = w[i] + 4;
			rq->pid = sw_parse_pid(v, strlen(v), 0);
			if (!rq->pid)
				return "pid: needs a process id.";
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

/* pid_allowed - rq->pid is a member of the requested group(s). */
static int pid_allowed(const nd_function_ctx *fc, const request *rq)
{
	for (size_t g = 0; fc->gs && g < sw_groupset_size(fc->gs); g++)
		if ((rq->group < 0 || (size_t)rq->group == g) &&
		    has_pid(sw_groupset_get(fc->gs, g), rq->pid))
			return 1;
	return 0;
}

/* A member the call shows: group g, process k of its last cycle. */
typedef int (*member_fn)(nd_function_ctx *fc, size_t g, pid_t pid,
			 uint64_t start_time, void *ctx);

/* each_member - fn for every process call c shows, in the table's order,
 * until fn returns non-zero (which is returned). */
static int each_member(nd_function_ctx *fc, const nd_call *c, member_fn fn,
		       void *ctx)
{
	for (size_t g = 0; fc->gs && g < sw_groupset_size(fc->gs); g++) {
		const sw_group_stats *st = sw_groupset_get(fc->gs, g);
		if (c->group >= 0 && (size_t)c->group != g)
			continue;
		for (size_t k = 0; k < st->live.npids; k++) {
			pid_t pid = st->live.pids[k];
			if ((c->pid && pid != c->pid) ||
			    (c->group < 0 && shown_before(fc->gs, g, pid)))
				continue;
			int r = fn(fc, g, pid, st->live.start_times[k], ctx);
			if (r)
				return r;
		}
	}
	return 0;
}

static void log_process(nd_function_ctx *fc, pid_t pid, uint64_t start_time,
			const char *what, int code)
{
	nd_log_reported(sw_report_process(&fc->errors, pid, start_time,
					  time(NULL)),
			"function: process %d%s: %s", (int)pid, what,
			sw_strerror(code));
}

/* warm - read the first member not in the cache yet (1: one was read),
 * counting the rows the answer will have: past the limit no more is
 * read. A process the collection leaves alone (Rss over the cap, backed
 * off for slow reads) is not read for the table either: asking for a
 * table must not stall what the cap protects. */
static int warm(nd_function_ctx *fc, size_t g, pid_t pid, uint64_t st,
		void *ctx)
{
	size_t *rows = ctx;
	if (*rows >= ND_FUNCTION_ROWS_MAX ||
	    sw_groupset_may_read(fc->gs, g, pid, st) < 0)
		return *rows >= ND_FUNCTION_ROWS_MAX ? -1 : 0;
	const nd_procrows *e = nd_rowcache_find(&fc->cache, pid, st,
						nd_mono_s());
	if (e) {
		*rows += e->rows;
		return 0;
	}
	nd_procrows r;
	size_t bytes;
	double t0 = nd_mono_s();
	nd_maptable_read(fc->coll, fc->proc_root, pid, st,
			 ND_FUNCTION_ROWS_MAX, &r, &bytes);
	double t1 = nd_mono_s();
	fc->cost.reads++;
	fc->cost.bytes += bytes;
	fc->cost.seconds += t1 - t0;
	nd_rowcache_put(&fc->cache, &r, t1);
	return 1;
}

/* emit - a member's rows from the cache into the answer. */
static int emit(nd_function_ctx *fc, size_t g, pid_t pid, uint64_t st,
		void *ctx)
{
	nd_maptable *t = ctx;
	int r = sw_groupset_may_read(fc->gs, g, pid, st);
	if (r == -ESRCH)
		return 0;  /* not a member at the last cycle: not ours to read */
	if (r < 0) {
		log_process(fc, pid, st, " not in the table", r);
		return 0;
	}
	const nd_procrows *e = nd_rowcache_find(&fc->cache, pid, st,
						nd_mono_s());
	if (!e)
		return 0;  /* dropped for room since it was read: rare */
	if (e->error) {
		if (!sw_error_is_gone(e->error))
			log_process(fc, pid, st, "", e->error);
		return 0;
	}
	if (nd_maptable_rows(t, e, sw_groupset_get(fc->gs, g)->name) == 0)
		return 0;
	nd_log_reported(sw_report_line(&fc->errors, time(NULL)),
			"function: more than %d rows, table cut short",
			ND_FUNCTION_ROWS_MAX);
	return -1;
}

static void serve(nd_function_ctx *fc, const nd_call *c)
{
	long long expires = (long long)time(NULL) + fc->update_every;
	nd_maptable t = {.out = fc->out, .max_rows = ND_FUNCTION_ROWS_MAX};
	result_begin(fc->out, c->tx, 200, "application/json", expires);
	nd_maptable_begin(&t, fc->update_every);
	each_member(fc, c, emit, &t);
	nd_maptable_end(&t, expires);
	result_end(fc->out);
}

static void call_done(nd_function_ctx *fc)
{
	fc->qhead = (fc->qhead + 1) % ND_CALLS_MAX;
	if (--fc->qlen == 0 && fc->refused) {
		nd_log(ND_INFO, "function: the queue is empty again after %lu "
		       "calls were answered 503", fc->refused);
		fc->refused = 0;
	}
}

/* refuse - 503 at once: the queue is full. The first of an episode is
 * logged; its end says how many. */
static void refuse(nd_function_ctx *fc, const char *tx)
{
	if (!fc->refused++)
		nd_log_reported(sw_report_line(&fc->errors, time(NULL)),
				"function: %d calls wait already: answering "
				"503 until fewer do", ND_CALLS_MAX);
	fail(fc->out, tx, 503, "smaps.plugin is busy with other calls of "
	     "the function: try again in a moment.");
}

static void enqueue(nd_function_ctx *fc, const char *tx, const request *rq,
		    double timeout)
{
	if (fc->qlen == ND_CALLS_MAX)
		return refuse(fc, tx);
	nd_call *c = &fc->queue[(fc->qhead + fc->qlen++) % ND_CALLS_MAX];
	snprintf(c->tx, sizeof(c->tx), "%s", tx);
	c->group = rq->group;
	c->pid = rq->pid;
	c->arrived = nd_mono_s();
	c->timeout = timeout;
	c->cancelled = 0;
	fc->last_call = c->arrived;
}

/* answer - the reply to a call of function string fn (split in place):
 * at once when it reads no smaps, else queued. */
static void answer(nd_function_ctx *fc, const char *tx, char *fn,
		   double timeout)
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
		enqueue(fc, tx, &rq, timeout);
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

/* call_timeout - the call's TIMEOUT word in seconds (Netdata gives up on
 * the call after it), the registered one if it is not a number. */
static double call_timeout(const char *w)
{
	char *end;
	long v = strtol(w, &end, 10);
	return *end || end == w || v <= 0 || v > 3600 ? ND_FUNCTION_TIMEOUT
						       : (double)v;
}

static void call(nd_function_ctx *fc, const char *tx, char *fn, int allowed,
		 double timeout)
{
	fc->out = nd_output_batch(fc->output);
	if (fc->out && allowed)
		answer(fc, tx, fn, timeout);
	else if (fc->out)
		fail(fc->out, tx, 403, "The smaps function needs a signed-in "
		     "user allowed to see sensitive data.");
	nd_output_send(fc->output);
	fc->out = NULL;
}

int nd_function_pending(const nd_function_ctx *fc)
{
	return fc->qlen > 0;
}

void nd_function_step(nd_function_ctx *fc)
{
	if (!fc->qlen)
		return;
	const nd_call *c = &fc->queue[fc->qhead];
	size_t rows = 0;
	int late = nd_mono_s() - c->arrived > c->timeout;
	if (!late && !c->cancelled && each_member(fc, c, warm, &rows) > 0)
		return;  /* one process read: the next step goes on */
	fc->out = nd_output_batch(fc->output);
	if (fc->out && c->cancelled)
		fail(fc->out, c->tx, 499, "The call was cancelled.");
	else if (fc->out && late)
		fail(fc->out, c->tx, 504, "The call waited longer than its "
		     "timeout behind other calls of the function.");
	else if (fc->out)
		serve(fc, c);
	nd_output_send(fc->output);
	fc->out = NULL;
	call_done(fc);
}

static void watch_begin(void *ctx, const sw_proc_stat *ps)
{
	nd_function_ctx *fc = ctx;
	nd_rowbuild_begin(&fc->build, ps, ND_FUNCTION_ROWS_MAX);
}

static void watch_mapping(void *ctx, const sw_mapping *m, sw_category c)
{
	nd_function_ctx *fc = ctx;
	nd_rowbuild_mapping(&fc->build, m, c);
}

/* A read that failed leaves the cache as it was: the function reads the
 * process itself if it must (and says why it could not). */
static void watch_end(void *ctx, const sw_proc_stat *ps, int result,
		      const sw_memsum *mem)
{
	nd_function_ctx *fc = ctx;
	nd_procrows r;
	(void)ps;
	(void)mem;
	if (nd_rowbuild_end(&fc->build, result, &r) == 0)
		nd_rowcache_put(&fc->cache, &r, nd_mono_s());
}

/* How long after a call the cycle's reads are kept: a dashboard open on
 * the function calls it again every few seconds. */
#define WATCH_SECONDS 300.0

void nd_function_watch(nd_function_ctx *fc, sw_groupset *gs)
{
	double keep = 2 * fc->cache.max_age > WATCH_SECONDS ?
		      2 * fc->cache.max_age : WATCH_SECONDS;
	int want = fc->last_call > 0 && nd_mono_s() - fc->last_call < keep;
	if (want == fc->watching)
		return;
	sw_read_watch w = {.begin = watch_begin, .mapping = watch_mapping,
			   .end = watch_end, .ctx = fc};
	sw_groupset_watch_reads(gs, want ? &w : NULL);
	fc->watching = want;
}

void nd_function_init(nd_function_ctx *fc, double max_age)
{
	nd_rowcache_init(&fc->cache, max_age, ND_ROWCACHE_BYTES);
}

void nd_function_free(nd_function_ctx *fc)
{
	nd_rowcache_free(&fc->cache);
}

/* begin_payload - FUNCTION_PAYLOAD TX TIMEOUT "NAME ARGS" ACCESS SOURCE
 * TYPE: the call is answered at FUNCTION_PAYLOAD_END; the payload (this
 * function takes none) is skipped, whatever its lines look like. */
static void begin_payload(nd_function_ctx *fc, char **w, size_t n)
{
	fc->in_payload = 1;
	fc->payload_tx[0] = fc->payload_fn[0] = '\0';
	if (n < 4 || !valid_transaction(w[1])) {
		nd_log_reported(sw_report_line(&fc->errors, time(NULL)),
				"ignoring a FUNCTION_PAYLOAD with a malformed "
				"transaction id");
		return;
	}
	snprintf(fc->payload_tx, sizeof(fc->payload_tx), "%s", w[1]);
	snprintf(fc->payload_fn, sizeof(fc->payload_fn), "%s", w[3]);
	fc->payload_allowed = caller_allowed(w, n);
	fc->payload_timeout = call_timeout(w[2]);
}

static void end_payload(nd_function_ctx *fc)
{
	fc->in_payload = 0;
	if (fc->payload_tx[0])
		call(fc, fc->payload_tx, fc->payload_fn, fc->payload_allowed,
		     fc->payload_timeout);
}

/* cancel - a queued call of transaction tx is answered 499 at its turn;
 * one answered already, or unknown, is nothing to do. */
static void cancel(nd_function_ctx *fc, const char *tx)
{
	for (size_t i = 0; i < fc->qlen; i++) {
		nd_call *c = &fc->queue[(fc->qhead + i) % ND_CALLS_MAX];
		if (!strcmp(c->tx, tx))
			c->cancelled = 1;
	}
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
	else if (!strcmp(w[0], "FUNCTION_CANCEL"))
		cancel(fc, n > 1 ? w[1] : "");
	else if (!strcmp(w[0], "FUNCTION_PROGRESS"))
		;  /* a call is answered whole or not at all */
	else if (strcmp(w[0], "FUNCTION") || n < 4)
		nd_log_reported(sw_report_line(&fc->errors, time(NULL)),
				"ignoring a request on stdin that is not "
				"FUNCTION TRANSACTION TIMEOUT \"NAME PARAMS\"");
	else if (!valid_transaction(w[1]))
		nd_log_reported(sw_report_line(&fc->errors, time(NULL)),
				"ignoring a FUNCTION with a malformed "
				"transaction id");
	else
		call(fc, w[1], w[3], caller_allowed(w, n), call_timeout(w[2]));
}
