/* dimset.h - the bounded, growing set of dimensions of a per-library or
 * per-region chart. A name becomes a dimension when it is in a cycle's top
 * N; once the set is full, new names are only counted in 'other'. A
 * dimension's id is its sanitized basename plus a hash of the whole name,
 * so it is stable across restarts and two paths never share an id. */
#ifndef ND_DIMSET_H
#define ND_DIMSET_H

#include <stddef.h>
#include "ids.h"

typedef struct {
	char *name;                 /* raw, as the kernel printed it */
	size_t len;
	char id[ND_ID_MAX];
	char text[ND_TEXT_MAX + 1]; /* the legend: sanitized name */
} nd_dim;

typedef struct {
	nd_dim *d;
	size_t n, cap;
} nd_dimset;

/* nd_dimset_init - an empty set of at most cap dimensions. */
void nd_dimset_init(nd_dimset *s, size_t cap);
void nd_dimset_free(nd_dimset *s);

/* nd_dimset_find - the index of name, or -1. */
long nd_dimset_find(const nd_dimset *s, const char *name, size_t len);

/* nd_dimset_add - add name unless present or full; returns 1 when it was
 * added (the chart must be defined again), 0 otherwise, -1 on ENOMEM. */
int nd_dimset_add(nd_dimset *s, const char *name, size_t len);

#endif
