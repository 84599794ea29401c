/* ledger.c - see ledger.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/ledger.h"

void sw_ledger_init(sw_ledger *l)
{
	memset(l, 0, sizeof(*l));
	l->sorted = 1;
}

void sw_ledger_free(sw_ledger *l)
{
	free(l->prev);
	free(l->cur);
	sw_ledger_init(l);
}

static uint64_t own_of(const sw_counts *c)
{
	return sw_counts_uss(c) + c->v[SW_F_SWAP_PSS];
}

static uint64_t held_of(const sw_counts *c)
{
	return c->v[SW_F_PSS] + c->v[SW_F_SWAP_PSS];
}

/* File-backed pages (the binary, libraries, other files, the vdso) are
 * shared with processes outside the group: every process maps libc. Their
 * Pss moves as those come and go, and a start or an exit of anything on
 * the host is no growth of the group: measured, an idle process's libs
 * Pss moved by up to 3 KB/s for seconds (r2 up to 0.75) while tests ran
 * next to it. So those categories hold what the member owns, USS +
 * SwapPss; anonymous memory and shmem, shared by fork and by the group's
 * own processes, hold Pss + SwapPss. */
static int file_backed(int c)
{
	return c == SW_CAT_BINARY || c == SW_CAT_LIBS || c == SW_CAT_FILES ||
	       c == SW_CAT_KERNEL;
}

void sw_ledger_member_of(sw_ledger_member *m, pid_t pid, uint64_t start,
			 const sw_memsum *mem)
{
	m->pid = pid;
	m->start = start;
	m->own[SW_CAT_COUNT] = m->held[SW_CAT_COUNT] = 0;
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		m->own[c] = own_of(&mem->cat[c]);
		m->held[c] = file_backed(c) ? m->own[c] : held_of(&mem->cat[c]);
		m->own[SW_CAT_COUNT] += m->own[c];
		m->held[SW_CAT_COUNT] += m->held[c];
	}
}

void sw_ledger_begin(sw_ledger *l)
{
	l->ncur = 0;
	l->sorted = 1;
}

int sw_ledger_add(sw_ledger *l, const sw_ledger_member *m)
{
	if (l->ncur == l->cap_cur) {
		size_t cap = l->cap_cur ? 2 * l->cap_cur : 8;
		sw_ledger_member *v = realloc(l->cur, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		l->cur = v;
		l->cap_cur = cap;
	}
	if (l->ncur && l->cur[l->ncur - 1].pid >= m->pid)
		l->sorted = 0;
	l->cur[l->ncur++] = *m;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const sw_ledger_member *)a)->pid;
	pid_t y = ((const sw_ledger_member *)b)->pid;
	return (x > y) - (x < y);
}

/* link += sign * v, per series. */
static void add_to(double *link, const uint64_t *v, double sign)
{
	for (int s = 0; s < SW_LEDGER_SERIES; s++)
		link[s] += sign * (double)v[s];
}

/* The link of ledger.h, by one merge walk of the two pid-sorted reads. */
static void link_reads(const sw_ledger *l, uint64_t young_since,
		       double *link)
{
	size_t i = 0, j = 0;
	memset(link, 0, SW_LEDGER_SERIES * sizeof(*link));
	while (i < l->nprev || j < l->ncur) {
		const sw_ledger_member *p = i < l->nprev ? &l->prev[i] : NULL;
		const sw_ledger_member *c = j < l->ncur ? &l->cur[j] : NULL;
		if (p && c && p->pid == c->pid && p->start == c->start) {
			add_to(link, c->held, 1);   /* a stayer */
			add_to(link, p->held, -1);
			if (c->start >= young_since) {
				add_to(link, c->own, -1);
				add_to(link, p->own, 1);
			}
			i++, j++;
		} else if (p && (!c || p->pid <= c->pid)) {
			add_to(link, p->held, -1);  /* a leaver (or a pid reused) */
			add_to(link, p->own, 1);
			i++;
		} else {
			add_to(link, c->held, 1);   /* a joiner */
			add_to(link, c->own, -1);
			j++;
		}
	}
}

void sw_ledger_commit(sw_ledger *l, uint64_t young_since)
{
	if (!l->sorted)
		qsort(l->cur, l->ncur, sizeof(*l->cur), by_pid);
	if (l->ncur && !l->nprev) {
		l->epoch++;          /* the group (re)appears: a new chain */
		memset(l->chained, 0, sizeof(l->chained));
	} else if (l->ncur) {
		double link[SW_LEDGER_SERIES];
		link_reads(l, young_since, link);
		for (int s = 0; s < SW_LEDGER_SERIES; s++)
			l->chained[s] += link[s];
	}
	sw_ledger_member *t = l->prev;
	size_t cap = l->cap_prev;
	l->prev = l->cur;
	l->cap_prev = l->cap_cur;
	l->nprev = l->ncur;
	l->cur = t;
	l->cap_cur = cap;
	l->ncur = 0;
	l->sorted = 1;
}
