/* proccache.c - see proccache.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "proccache.h"
#include "selector.h"

void pc_init(proc_cache *c, size_t nsel, size_t max_kept)
{
	memset(c, 0, sizeof(*c));
	c->nsel = nsel;
	c->max_kept = max_kept;
}

static size_t count_fds(const pc_fds *f)
{
	return (size_t)(f->dir >= 0) + (size_t)(f->stat >= 0) +
	       (size_t)(f->status >= 0);
}

void pc_close_fds(pc_fds *f)
{
	int *fd[] = {&f->dir, &f->stat, &f->status};
	for (size_t i = 0; i < sizeof(fd) / sizeof(fd[0]); i++)
		if (*fd[i] >= 0) {
			close(*fd[i]);
			*fd[i] = -1;
		}
}

static void close_kept(proc_cache *c, pc_gen *g)
{
	for (size_t i = 0; i < g->n; i++) {
		c->kept -= count_fds(&g->v[i].fds);
		pc_close_fds(&g->v[i].fds);
	}
}

void pc_free(proc_cache *c)
{
	close_kept(c, &c->cur);
	close_kept(c, &c->prev);
	free(c->cur.v);
	free(c->cur.res);
	free(c->prev.v);
	free(c->prev.res);
	memset(c, 0, sizeof(*c));
}

static int reserve(pc_gen *g, size_t n, size_t nsel)
{
	if (n <= g->cap)
		return 0;
	size_t cap = g->cap ? g->cap * 2 : 256;
	pc_entry *v = realloc(g->v, cap * sizeof(*v));
	if (v)
		g->v = v;
	unsigned char *res = v ? realloc(g->res, cap * (nsel ? nsel : 1)) : NULL;
	if (!res)
		return -ENOMEM;
	g->res = res;
	g->cap = cap;
	return 0;
}

static int by_pid(const void *a, const void *b)
{
	pid_t x = ((const pc_entry *)a)->ps.pid, y = ((const pc_entry *)b)->ps.pid;
	return (x > y) - (x < y);
}

const pc_entry *pc_last(const proc_cache *c, pid_t pid)
{
	pc_entry key = {.ps.pid = pid};
	return c->prev.n ? bsearch(&key, c->prev.v, c->prev.n,
				   sizeof(*c->prev.v), by_pid)
			 : NULL;
}

pc_fds pc_take_fds(proc_cache *c, pid_t pid)
{
	pc_entry *old = (pc_entry *)pc_last(c, pid);  /* prev is ours */
	if (!old)
		return PC_NO_FDS;
	pc_fds f = old->fds;
	c->kept -= count_fds(&f);
	old->fds = PC_NO_FDS;
	return f;
}

int pc_room(const proc_cache *c, size_t n)
{
	return c->kept + n <= c->max_kept;
}

int pc_keep_fds(proc_cache *c, pc_entry *e, const pc_fds *f)
{
	size_t n = count_fds(f);
	if (count_fds(&e->fds) || c->kept + n > c->max_kept)
		return 0;
	e->fds = *f;
	c->kept += n;
	return 1;
}

unsigned char *pc_row(proc_cache *c, const pc_entry *e)
{
	return c->cur.res + e->res * c->nsel;
}

static pc_entry *append(proc_cache *c, unsigned char **row)
{
	if (reserve(&c->cur, c->cur.n + 1, c->nsel))
		return NULL;
	pc_entry *e = &c->cur.v[c->cur.n];
	e->res = c->cur.n++;
	*row = pc_row(c, e);
	return e;
}

pc_entry *pc_carry(proc_cache *c, const pc_entry *old, unsigned char **row)
{
	pc_entry *e = append(c, row);
	if (!e)
		return NULL;
	size_t res = e->res;
	memcpy(*row, c->prev.res + old->res * c->nsel, c->nsel);
	*e = *old;
	e->res = res;
	e->fds = PC_NO_FDS;  /* fds move only through pc_take_fds */
	return e;
}

pc_entry *pc_enter(proc_cache *c, const sw_proc_stat *ps, unsigned char **row)
{
	const pc_entry *old = pc_last(c, ps->pid);
	if (old && old->ps.start_time == ps->start_time &&
	    old->ps.exec_mark == ps->exec_mark) {
		pc_entry *e = pc_carry(c, old, row);
		if (e)
			e->ps = *ps;
		return e;
	}
	pc_entry *e = append(c, row);
	if (!e)
		return NULL;
	e->ps = *ps;
	e->backoff = e->skip = 0;
	e->fds = PC_NO_FDS;
	memset(*row, SEL_UNKNOWN, c->nsel);
	return e;
}

void pc_swap(proc_cache *c)
{
	close_kept(c, &c->prev);  /* not seen this cycle, or another now */
	pc_gen t = c->prev;
	c->prev = c->cur;
	c->cur = t;
	c->cur.n = 0;
	/* /proc lists pids in ascending order, so the sort is rarely needed
	 * (and glibc's qsort allocates a copy of the array). */
	for (size_t i = 1; i < c->prev.n; i++)
		if (c->prev.v[i - 1].ps.pid > c->prev.v[i].ps.pid) {
			qsort(c->prev.v, c->prev.n, sizeof(*c->prev.v), by_pid);
			break;
		}
}
