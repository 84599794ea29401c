/* rowcache.c - see rowcache.h. A flat array searched linearly: a few
 * thousand entries at most (one per member shown), each looked up once
 * per call. */
#include "rowcache.h"

#include <stdlib.h>
#include <string.h>

void nd_rowcache_init(nd_rowcache *c, double max_age, size_t max_bytes)
{
	memset(c, 0, sizeof(*c));
	c->max_age = max_age;
	c->max_bytes = max_bytes;
}

void nd_procrows_free(nd_procrows *r)
{
	free(r->text);
	free(r->split);
	r->text = NULL;
	r->split = NULL;
}

static size_t entry_bytes(const nd_procrows *r)
{
	return r->len + 2 * r->rows * sizeof(size_t) + sizeof(*r);
}

static void drop(nd_rowcache *c, size_t i)
{
	c->bytes -= entry_bytes(&c->e[i]);
	nd_procrows_free(&c->e[i]);
	c->e[i] = c->e[--c->n];
}

static void drop_stale(nd_rowcache *c, double now)
{
	for (size_t i = 0; i < c->n;)
		if (now - c->e[i].read_at >= c->max_age || now < c->e[i].read_at)
			drop(c, i);
		else
			i++;
}

const nd_procrows *nd_rowcache_find(nd_rowcache *c, pid_t pid,
				    uint64_t start_time, double now)
{
	drop_stale(c, now);
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].pid == pid && c->e[i].start_time == start_time)
			return &c->e[i];
	return NULL;
}

static void drop_oldest(nd_rowcache *c)
{
	size_t old = 0;
	for (size_t i = 1; i < c->n; i++)
		if (c->e[i].read_at < c->e[old].read_at)
			old = i;
	drop(c, old);
}

void nd_rowcache_put(nd_rowcache *c, nd_procrows *r, double now)
{
	drop_stale(c, now);
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].pid == r->pid && c->e[i].start_time == r->start_time) {
			drop(c, i);
			break;
		}
	while (c->n && c->bytes + entry_bytes(r) > c->max_bytes)
		drop_oldest(c);
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		nd_procrows *e = realloc(c->e, cap * sizeof(*e));
		if (!e) {
			nd_procrows_free(r);
			return;   /* not kept: the next call reads again */
		}
		c->e = e;
		c->cap = cap;
	}
	r->read_at = now;
	c->e[c->n++] = *r;
	c->bytes += entry_bytes(r);
	r->text = NULL;
	r->split = NULL;
}

void nd_rowcache_free(nd_rowcache *c)
{
	while (c->n)
		drop(c, c->n - 1);
	free(c->e);
	memset(c, 0, sizeof(*c));
}
