/* group.c - groups and their selectors, and which groups a process is in.
 *
 * What is costly to learn about a process (its command line, its cgroup)
 * is cached per (pid, start time) in a pid-sorted array rebuilt every
 * cycle, so a process is examined once in its life and a reused pid starts
 * afresh. The cycle itself is in cycle.c. */
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/group.h"
#include "group_impl.h"

sw_groupset *sw_groupset_new(const sw_groupset_opts *o)
{
	sw_groupset *gs = calloc(1, sizeof(*gs));
	if (!gs)
		return NULL;
	gs->opts = *o;
	gs->ticks_per_second = sysconf(_SC_CLK_TCK);
	if (gs->ticks_per_second <= 0)
		gs->ticks_per_second = 100;
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
		sw_ledger_free(&gs->groups[i].ledger);
	}
	free(gs->sels);
	free(gs->groups);
	free(gs->cur.v);
	free(gs->cur.res);
	free(gs->prev.v);
	free(gs->prev.res);
	free(gs->matched);
	free(gs->members);
	free(gs->member_groups);
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
	sw_ledger_init(&g->ledger);
	g->st.name = g->name;
	g->st.measured.libs = g->libs;
	g->st.measured.named = g->named;
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

int sw_groupset_allow_large(sw_groupset *gs, const char *name)
{
	long g = find_group(gs, name);
	if (g < 0)
		return -ENOENT;
	gs->groups[g].allow_large = 1;
	return 0;
}

const sw_collect_cost *sw_groupset_cost(const sw_groupset *gs)
{
	return &gs->cost;
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
	const known *old = grp_known_last(gs, ps->pid);
	k->backoff = k->skip = 0;
	if (old && old->start == ps->start_time) {
		memcpy(row, p->res + old->res * gs->nsels, gs->nsels);
		k->backoff = old->backoff;
		k->skip = old->skip;
	} else {
		memset(row, UNKNOWN, gs->nsels);
	}
	return row;
}

void grp_known_swap(sw_groupset *gs)
{
	known_set t = gs->prev;
	gs->prev = gs->cur;
	gs->cur = t;
	gs->cur.n = 0;
	/* /proc lists pids in ascending order, so the sort is rarely needed
	 * (and glibc's qsort allocates a copy of the array). */
	for (size_t i = 1; i < gs->prev.n; i++)
		if (gs->prev.v[i - 1].pid > gs->prev.v[i].pid) {
			qsort(gs->prev.v, gs->prev.n, sizeof(*gs->prev.v),
			      known_cmp);
			break;
		}
}

const known *grp_known_last(const sw_groupset *gs, pid_t pid)
{
	known key = {.pid = pid};
	return gs->prev.n ? bsearch(&key, gs->prev.v, gs->prev.n,
				    sizeof(*gs->prev.v), known_cmp)
			  : NULL;
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

size_t grp_match(sw_groupset *gs, const sw_proc_stat *ps)
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

int grp_freeze(sw_groupset *gs)
{
	if (gs->frozen)
		return 0;
	gs->matched = calloc(gs->ngroups ? gs->ngroups : 1, 1);
	if (!gs->matched)
		return -ENOMEM;
	gs->frozen = 1;
	return 0;
}

