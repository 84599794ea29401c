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

/* File-backed mappings (the binary, libraries, other files, the vdso):
 * their clean pages are page cache, shared with processes outside the
 * group (every process maps libc; other instances of the binary run
 * elsewhere), so their Pss moves whenever anything on the host starts or
 * exits (measured: a Redis's libs Pss stepped by 1.2 MiB as other
 * processes mapped them, an idle process's by up to 3 KB/s while tests ran
 * beside it), and their USS jumps when the sharers of a binary exit one by
 * one. What a program can leak there is written pages (copy-on-write of
 * .data, .bss, MAP_PRIVATE files): dirty, and shared by fork only. So
 * these categories hold Pss_Dirty + SwapPss and own Private_Dirty +
 * SwapPss (Private_Dirty for Pss_Dirty on a kernel without it, before
 * 6.0). */
static int file_backed(int c)
{
	return c == SW_CAT_BINARY || c == SW_CAT_LIBS || c == SW_CAT_FILES ||
	       c == SW_CAT_KERNEL;
}

static void file_figures(const sw_counts *c, uint64_t *own, uint64_t *held)
{
	uint64_t dirty = c->v[SW_F_PRIVATE_DIRTY] + c->v[SW_F_SWAP_PSS];
	*own = dirty;
	*held = c->present & (1u << SW_F_PSS_DIRTY)
			? c->v[SW_F_PSS_DIRTY] + c->v[SW_F_SWAP_PSS] : dirty;
}

void sw_ledger_member_of(sw_ledger_member *m, pid_t pid, uint64_t start,
			 const sw_memsum *mem)
{
	m->pid = pid;
	m->start = start;
	m->own[SW_CAT_COUNT] = m->held[SW_CAT_COUNT] = 0;
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		const sw_counts *k = &mem->cat[c];
		if (file_backed(c)) {
			file_figures(k, &m->own[c], &m->held[c]);
		} else {
			m->own[c] = own_of(k);
			m->held[c] = held_of(k);
		}
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
		       double *link, int *last_off)
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
			if (l->ended && c->start >= l->began &&
			    c->start <= l->ended)
				*last_off = 1;  /* forked during that read */
			j++;
		}
	}
}

void sw_ledger_commit(sw_ledger *l, uint64_t young_since, uint64_t began,
		      uint64_t ended)
{
	/* /proc lists pids in ascending order, so members come sorted and the
	 * sort (glibc's qsort may allocate) is for other callers */
	if (!l->sorted)
		qsort(l->cur, l->ncur, sizeof(*l->cur), by_pid);
	l->last_off = 0;
	if (l->ncur && !l->nprev) {
		l->epoch++;          /* the group (re)appears: a new chain */
		memset(l->chained, 0, sizeof(l->chained));
	} else if (l->ncur) {
		double link[SW_LEDGER_SERIES];
		link_reads(l, young_since, link, &l->last_off);
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
	l->began = began;
	l->ended = ended;
}
