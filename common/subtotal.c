/* subtotal.c - a fixed-size open-addressing table of name -> sums.
 * All memory is allocated in sw_subtotals_new(); adding never allocates. */
#include <stdlib.h>
#include <string.h>
#include "smapwatch/hash.h"
#include "smapwatch/subtotal.h"

typedef struct {
	sw_subtotal pub;
	uint64_t hash;
	uint64_t inode;         /* first inode seen under this name */
	uint32_t offset0_maps;  /* mappings at file offset 0: load bases */
	int inode_changed;
} entry;

struct sw_subtotals {
	entry *ent;
	size_t used, max;
	uint32_t *slot;         /* entry index + 1, 0 = free */
	size_t nslots;          /* power of two, at least 2 x max */
	char *arena;
	size_t arena_used, arena_cap;
	const sw_subtotal **sorted;
};

sw_subtotals *sw_subtotals_new(size_t max_names, size_t name_bytes)
{
	sw_subtotals *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->max = max_names ? max_names + 1 : 2; /* + "(other)" */
	s->nslots = 4;
	while (s->nslots < 2 * s->max)
		s->nslots <<= 1;
	s->arena_cap = name_bytes + sizeof(SW_SUBTOTAL_OTHER);
	s->ent = calloc(s->max, sizeof(*s->ent));
	s->slot = calloc(s->nslots, sizeof(*s->slot));
	s->arena = malloc(s->arena_cap);
	s->sorted = calloc(s->max, sizeof(*s->sorted));
	if (!s->ent || !s->slot || !s->arena || !s->sorted) {
		sw_subtotals_free(s);
		return NULL;
	}
	return s;
}

void sw_subtotals_free(sw_subtotals *s)
{
	if (!s)
		return;
	free(s->ent);
	free(s->slot);
	free(s->arena);
	free(s->sorted);
	free(s);
}

void sw_subtotals_clear(sw_subtotals *s)
{
	memset(s->slot, 0, s->nslots * sizeof(*s->slot));
	s->used = 0;
	s->arena_used = 0;
}

static entry *insert(sw_subtotals *s, const char *name, size_t len,
		     uint64_t h, size_t at)
{
	entry *e = &s->ent[s->used];
	memset(e, 0, sizeof(*e));
	char *copy = s->arena + s->arena_used;
	memcpy(copy, name, len);
	copy[len] = '\0';
	s->arena_used += len + 1;
	e->pub.name = copy;
	e->pub.name_len = len;
	e->hash = h;
	s->slot[at] = (uint32_t)++s->used;
	return e;
}

static int is_other(const char *name, size_t len)
{
	return len == sizeof(SW_SUBTOTAL_OTHER) - 1 &&
	       memcmp(name, SW_SUBTOTAL_OTHER, len) == 0;
}

/* The entry for name, created if there is room; otherwise "(other)". */
static entry *find(sw_subtotals *s, const char *name, size_t len)
{
	uint64_t h = sw_fnv1a64(name, len);
	size_t mask = s->nslots - 1, i = h & mask;
	for (; s->slot[i]; i = (i + 1) & mask) {
		entry *e = &s->ent[s->slot[i] - 1];
		if (e->hash == h && e->pub.name_len == len &&
		    memcmp(e->pub.name, name, len) == 0)
			return e;
	}
	if (is_other(name, len) || (s->used + 1 < s->max &&
		      s->arena_used + len + 1 + sizeof(SW_SUBTOTAL_OTHER) <=
			      s->arena_cap))
		return insert(s, name, len, h, i);
	return find(s, SW_SUBTOTAL_OTHER, sizeof(SW_SUBTOTAL_OTHER) - 1);
}

void sw_subtotals_add(sw_subtotals *s, const char *name, size_t len,
		      const sw_counts *c)
{
	entry *e = find(s, name, len);
	sw_counts_add(&e->pub.counts, c);
	e->pub.vmas++;
}

void sw_subtotals_add_file(sw_subtotals *s, const char *name, size_t len,
			   const sw_counts *c, uint64_t offset, uint64_t inode)
{
	entry *e = find(s, name, len);
	sw_counts_add(&e->pub.counts, c);
	if (e->pub.vmas++ == 0)
		e->inode = inode;
	else if (e->inode != inode)
		e->inode_changed = 1;
	if (is_other(e->pub.name, e->pub.name_len))
		return; /* it mixes many libraries: their loads are not dups */
	if (offset == 0)
		e->offset0_maps++;
	uint32_t loads = e->offset0_maps > 1 ? e->offset0_maps : 1;
	if (e->inode_changed && loads < 2)
		loads = 2;
	e->pub.dup_loads = loads - 1;
}

void sw_subtotals_merge(sw_subtotals *dst, const sw_subtotals *src)
{
	for (size_t i = 0; i < src->used; i++) {
		const sw_subtotal *p = &src->ent[i].pub;
		entry *e = find(dst, p->name, p->name_len);
		sw_counts_add(&e->pub.counts, &p->counts);
		e->pub.vmas += p->vmas;
		e->pub.dup_loads += p->dup_loads;
	}
}

size_t sw_subtotals_count(const sw_subtotals *s)
{
	return s->used;
}

const sw_subtotal *sw_subtotals_get(const sw_subtotals *s, size_t i)
{
	return i < s->used ? &s->ent[i].pub : NULL;
}

static int by_rss_desc(const void *a, const void *b)
{
	const sw_subtotal *x = *(const sw_subtotal *const *)a;
	const sw_subtotal *y = *(const sw_subtotal *const *)b;
	uint64_t rx = x->counts.v[SW_F_RSS], ry = y->counts.v[SW_F_RSS];
	if (rx != ry)
		return rx > ry ? -1 : 1;
	return strcmp(x->name, y->name);
}

size_t sw_subtotals_top(const sw_subtotals *s, const sw_subtotal **out,
			size_t n)
{
	for (size_t i = 0; i < s->used; i++)
		s->sorted[i] = &s->ent[i].pub;
	qsort(s->sorted, s->used, sizeof(*s->sorted), by_rss_desc);
	if (n > s->used)
		n = s->used;
	memcpy(out, s->sorted, n * sizeof(*out));
	return n;
}

uint32_t sw_subtotals_dup_loads(const sw_subtotals *s)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < s->used; i++)
		sum += s->ent[i].pub.dup_loads;
	return sum;
}
