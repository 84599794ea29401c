/* group.c - groups of processes, matched by selectors, summed per cycle.
 *
 * One pass over the proc root per cycle. What is costly to learn about a
 * process (its command line, its cgroup) is cached per (pid, start time) in
 * a pid-sorted array rebuilt every cycle, so a process is examined once in
 * its life and a reused pid starts afresh. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/group.h"

#define CMDLINE_MAX 4096

enum { UNKNOWN = 0, NO = 1, YES = 2 };

typedef struct {
	sw_selector_kind kind;
	size_t group;
	char *arg;
	size_t arg_len;
	regex_t re;
	pid_t pid;             /* SW_SEL_PID, or this cycle's pidfile pid */
} selector;

typedef struct {
	char *name;
	sw_group_stats st;
	sw_subtotals *libs, *named;
	pid_t *pids;             /* members this cycle; capacity only grows */
	uint64_t *starts;        /* their start times */
	size_t pids_cap;
} group;

typedef struct {
	pid_t pid;
	uint64_t start;
	size_t res;            /* index of its nsel results in the arena */
} known;

typedef struct {
	known *v;
	size_t n, cap;
	unsigned char *res;    /* n x nsel match results: UNKNOWN, NO, YES */
} known_set;

struct sw_groupset {
	char *root;
	sw_groupset_opts opts;
	group *groups;
	size_t ngroups;
	selector *sels;
	size_t nsels;
	int frozen;
	known_set cur, prev;
	unsigned char *matched;   /* per group, this process */
	sw_collector *collector;
	char cmdline[CMDLINE_MAX];
};

sw_groupset *sw_groupset_new(const sw_groupset_opts *o)
{
	sw_groupset *gs = calloc(1, sizeof(*gs));
	if (!gs)
		return NULL;
	gs->opts = *o;
	gs->root = strdup(o->proc_root ? o->proc_root : "/proc");
	sw_collector_opts co = {.max_names = o->max_names};
	gs->collector = sw_collector_new(&co);
	if (!gs->root || !gs->collector) {
		sw_groupset_free(gs);
		return NULL;
	}
	return gs;
}

void sw_groupset_free(sw_groupset *gs)
{
	if (!gs)
		return;
	for (size_t i = 0; i < gs->nsels; i++) {
		if (gs->sels[i].kind == SW_SEL_CMDLINE)
			regfree(&gs->sels[i].re);
		free(gs->sels[i].arg);
	}
	for (size_t i = 0; i < gs->ngroups; i++) {
		free(gs->groups[i].name);
		free(gs->groups[i].pids);
		free(gs->groups[i].starts);
		sw_subtotals_free(gs->groups[i].libs);
		sw_subtotals_free(gs->groups[i].named);
	}
	free(gs->sels);
	free(gs->groups);
	free(gs->cur.v);
	free(gs->cur.res);
	free(gs->prev.v);
	free(gs->prev.res);
	free(gs->matched);
	sw_collector_free(gs->collector);
	free(gs->root);
	free(gs);
}

static long find_group(const sw_groupset *gs, const char *name)
{
	for (size_t i = 0; i < gs->ngroups; i++)
		if (strcmp(gs->groups[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long add_group(sw_groupset *gs, const char *name)
{
	long i = find_group(gs, name);
	if (i >= 0)
		return i;
	group *g = realloc(gs->groups, (gs->ngroups + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	gs->groups = g;
	g = &gs->groups[gs->ngroups];
	memset(g, 0, sizeof(*g));
	g->name = strdup(name);
	if (gs->opts.max_names) {
		g->libs = sw_subtotals_new(gs->opts.max_names,
					   gs->opts.max_names * 128);
		g->named = sw_subtotals_new(gs->opts.max_names,
					    gs->opts.max_names * 64);
	}
	if (!g->name || (gs->opts.max_names && (!g->libs || !g->named))) {
		free(g->name);
		sw_subtotals_free(g->libs);
		sw_subtotals_free(g->named);
		return -ENOMEM;
	}
	g->st.name = g->name;
	g->st.libs = g->libs;
	g->st.named = g->named;
	return (long)gs->ngroups++;
}

static int parse_selector_arg(selector *s, const char *arg, char *err,
			      size_t errlen)
{
	char *end;
	long v;
	int r;
	switch (s->kind) {
	case SW_SEL_CMDLINE:
		r = regcomp(&s->re, arg, REG_EXTENDED | REG_NOSUB);
		if (r) {
			char msg[128];
			regerror(r, &s->re, msg, sizeof(msg));
			snprintf(err, errlen, "bad regular expression \"%s\": %s",
				 arg, msg);
			return -EINVAL;
		}
		return 0;
	case SW_SEL_PID:
		errno = 0;
		v = strtol(arg, &end, 10);
		if (errno || *end || end == arg || v <= 0 || v > 4194304) {
			snprintf(err, errlen, "bad pid \"%s\"", arg);
			return -EINVAL;
		}
		s->pid = (pid_t)v;
		return 0;
	default:
		return 0;
	}
}

int sw_groupset_add(sw_groupset *gs, const char *name, sw_selector_kind k,
		    const char *arg, char *err, size_t errlen)
{
	if (gs->frozen) {
		snprintf(err, errlen, "groups cannot change after collection");
		return -EBUSY;
	}
	if (!*name || !*arg || (unsigned)k >= SW_SEL_KIND_COUNT) {
		snprintf(err, errlen, "empty group name or selector");
		return -EINVAL;
	}
	selector s = {.kind = k};
	int r = parse_selector_arg(&s, arg, err, errlen);
	if (r)
		return r;
	selector *v = realloc(gs->sels, (gs->nsels + 1) * sizeof(*v));
	long g = v ? add_group(gs, name) : -ENOMEM;
	if (v)
		gs->sels = v;
	s.arg = g >= 0 ? strdup(arg) : NULL;
	if (!s.arg) {
		if (k == SW_SEL_CMDLINE)
			regfree(&s.re);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s.group = (size_t)g;
	s.arg_len = strlen(arg);
	gs->sels[gs->nsels++] = s;
	return 0;
}

size_t sw_groupset_size(const sw_groupset *gs)
{
	return gs->ngroups;
}

const sw_group_stats *sw_groupset_get(const sw_groupset *gs, size_t i)
{
	return i < gs->ngroups ? &gs->groups[i].st : NULL;
}

/* ---- the per-cycle pass ------------------------------------------------ */

static int known_reserve(known_set *k, size_t n, size_t nsel)
{
	if (n <= k->cap)
		return 0;
	size_t cap = k->cap ? k->cap * 2 : 256;
	while (cap < n)
		cap *= 2;
	known *v = realloc(k->v, cap * sizeof(*v));
	if (v)
		k->v = v;
	unsigned char *res = v ? realloc(k->res, cap * (nsel ? nsel : 1)) : NULL;
	if (!res)
		return -ENOMEM;
	k->res = res;
	k->cap = cap;
	return 0;
}

static int known_cmp(const void *a, const void *b)
{
	pid_t x = ((const known *)a)->pid, y = ((const known *)b)->pid;
	return (x > y) - (x < y);
}

/* This cycle's results row for the process: carried over from the last
 * cycle when the pid has the same start time, fresh (UNKNOWN) otherwise. */
static unsigned char *known_row(sw_groupset *gs, const sw_proc_stat *ps)
{
	known_set *c = &gs->cur, *p = &gs->prev;
	if (known_reserve(c, c->n + 1, gs->nsels))
		return NULL;
	known *k = &c->v[c->n];
	k->pid = ps->pid;
	k->start = ps->start_time;
	k->res = c->n++;
	unsigned char *row = c->res + k->res * gs->nsels;
	known key = {.pid = ps->pid};
	known *old = p->n ? bsearch(&key, p->v, p->n, sizeof(*p->v), known_cmp)
			  : NULL;
	if (old && old->start == ps->start_time)
		memcpy(row, p->res + old->res * gs->nsels, gs->nsels);
	else
		memset(row, UNKNOWN, gs->nsels);
	return row;
}

static void known_swap(sw_groupset *gs)
{
	known_set t = gs->prev;
	gs->prev = gs->cur;
	gs->cur = t;
	gs->cur.n = 0;
	qsort(gs->prev.v, gs->prev.n, sizeof(*gs->prev.v), known_cmp);
}

/* Selectors whose answer depends only on (pid, start time) are cached in
 * row; comm is re-read each cycle since a process may rename itself. */
static int sel_matches(sw_groupset *gs, const selector *s,
		       const sw_proc_stat *ps, unsigned char *cached)
{
	switch (s->kind) {
	case SW_SEL_COMM:
		return ps->comm_len == s->arg_len &&
		       memcmp(ps->comm, s->arg, s->arg_len) == 0;
	case SW_SEL_COMM_PREFIX:
		return ps->comm_len >= s->arg_len &&
		       memcmp(ps->comm, s->arg, s->arg_len) == 0;
	case SW_SEL_COMM_SUFFIX:
		return ps->comm_len >= s->arg_len &&
		       memcmp(ps->comm + ps->comm_len - s->arg_len, s->arg,
			      s->arg_len) == 0;
	case SW_SEL_PID:
	case SW_SEL_PIDFILE:
		return s->pid == ps->pid;
	case SW_SEL_CMDLINE:
	case SW_SEL_CMDLINE_SUBSTR:
		if (*cached == UNKNOWN) {
			ssize_t n = sw_proc_read_cmdline(gs->root, ps->pid,
							 gs->cmdline,
							 sizeof(gs->cmdline));
			if (n < 0)
				return 0;  /* gone: nothing to cache */
			int hit = s->kind == SW_SEL_CMDLINE
					  ? regexec(&s->re, gs->cmdline, 0, NULL, 0) == 0
					  : memmem(gs->cmdline, (size_t)n, s->arg,
						   s->arg_len) != NULL;
			*cached = hit ? YES : NO;
		}
		return *cached == YES;
	case SW_SEL_UNIT:
		if (*cached == UNKNOWN) {
			int r = sw_proc_in_unit(gs->root, ps->pid, s->arg);
			if (r < 0)
				return 0;
			*cached = r ? YES : NO;
		}
		return *cached == YES;
	case SW_SEL_KIND_COUNT:
		break;
	}
	return 0;
}

/* Fills gs->matched; returns how many groups the process belongs to. */
static size_t match_groups(sw_groupset *gs, const sw_proc_stat *ps)
{
	unsigned char *row = known_row(gs, ps);
	size_t n = 0;
	memset(gs->matched, 0, gs->ngroups);
	for (size_t i = 0; i < gs->nsels; i++) {
		const selector *s = &gs->sels[i];
		unsigned char scratch = UNKNOWN;
		if (gs->matched[s->group])
			continue;
		if (sel_matches(gs, s, ps, row ? &row[i] : &scratch)) {
			gs->matched[s->group] = 1;
			n++;
		}
	}
	return n;
}

/* A sum of well-mixed hashes: the same set of processes gives the same
 * value in any order, a different set almost surely another. */
static uint64_t process_identity(const sw_proc_stat *ps)
{
	uint64_t x = (uint64_t)ps->pid * 0x9e3779b97f4a7c15ull ^ ps->start_time;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return (x ^ (x >> 31)) | 1;
}

static int add_member(group *gr, const sw_proc_stat *ps)
{
	if (gr->st.npids == gr->pids_cap) {
		size_t cap = gr->pids_cap ? 2 * gr->pids_cap : 16;
		pid_t *p = realloc(gr->pids, cap * sizeof(*p));
		if (p)
			gr->pids = p;
		uint64_t *s = p ? realloc(gr->starts, cap * sizeof(*s)) : NULL;
		if (!s)
			return -ENOMEM;
		gr->starts = s;
		gr->pids_cap = cap;
	}
	gr->starts[gr->st.npids] = ps->start_time;
	gr->pids[gr->st.npids++] = ps->pid;
	gr->st.pids = gr->pids;
	gr->st.start_times = gr->starts;
	return 0;
}

static void account(sw_groupset *gs, const sw_proc_stat *ps,
		    const sw_memsum *mem)
{
	long fds = 0, sockets = 0;
	sw_proc_count_fds(gs->root, ps->pid, &fds,
			  gs->opts.count_sockets ? &sockets : NULL);
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (!gs->matched[g])
			continue;
		group *gr = &gs->groups[g];
		if (add_member(gr, ps))
			continue;  /* out of memory: leave the process out whole */
		gr->st.processes++;
		gr->st.identity += process_identity(ps);
		gr->st.threads += ps->threads;
		gr->st.fds += fds;
		gr->st.sockets += sockets;
		sw_memsum_merge(&gr->st.mem, mem);
		if (gr->libs) {
			sw_subtotals_merge(gr->libs, sw_collector_libs(gs->collector));
			sw_subtotals_merge(gr->named,
					   sw_collector_named(gs->collector));
		}
	}
}

static void report(sw_groupset *gs, const sw_proc_stat *ps, int code,
		   sw_proc_error_fn on_error, void *ctx)
{
	const char *first = NULL;
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (!gs->matched[g])
			continue;
		if (code == -EACCES)
			gs->groups[g].st.unreadable++;
		else
			gs->groups[g].st.failed++;
		if (!first)
			first = gs->groups[g].name;
	}
	if (on_error)
		on_error(ctx, first, ps, code,
			 code == -EACCES ? "" : sw_collector_detail(gs->collector));
}

static int visit(sw_groupset *gs, pid_t pid, sw_proc_error_fn on_error,
		 void *ctx)
{
	sw_proc_stat ps;
	sw_memsum mem;
	if (sw_proc_read_stat(gs->root, pid, &ps) || !match_groups(gs, &ps))
		return 0;
	int r = sw_collect_process(gs->collector, gs->root, pid, ps.start_time,
				   &mem, NULL, NULL);
	if (r == 0)
		account(gs, &ps, &mem);
	else if (!sw_error_is_gone(r))
		report(gs, &ps, r, on_error, ctx);
	return r == 0;
}

static int freeze(sw_groupset *gs)
{
	if (gs->frozen)
		return 0;
	gs->matched = calloc(gs->ngroups ? gs->ngroups : 1, 1);
	if (!gs->matched)
		return -ENOMEM;
	gs->frozen = 1;
	return 0;
}

static void begin_cycle(sw_groupset *gs)
{
	for (size_t i = 0; i < gs->nsels; i++) {
		selector *s = &gs->sels[i];
		if (s->kind == SW_SEL_PIDFILE && sw_read_pidfile(s->arg, &s->pid))
			s->pid = 0;
	}
	for (size_t g = 0; g < gs->ngroups; g++) {
		group *gr = &gs->groups[g];
		memset(&gr->st, 0, sizeof(gr->st));
		gr->st.name = gr->name;
		gr->st.libs = gr->libs;
		gr->st.named = gr->named;
		if (gr->libs) {
			sw_subtotals_clear(gr->libs);
			sw_subtotals_clear(gr->named);
		}
	}
}

static pid_t dirent_pid(const char *name)
{
	long v = 0;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > 4194304)
			return 0;
		v = v * 10 + (*p - '0');
	}
	return (pid_t)v;
}

int sw_groupset_collect(sw_groupset *gs, sw_proc_error_fn on_error, void *ctx)
{
	int r = freeze(gs);
	if (r)
		return r;
	DIR *d = opendir(gs->root);
	if (!d)
		return -errno;
	begin_cycle(gs);
	int read = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = dirent_pid(de->d_name);
		if (pid > 0)
			read += visit(gs, pid, on_error, ctx);
	}
	closedir(d);
	known_swap(gs);
	return read;
}
