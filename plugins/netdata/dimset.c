/* dimset.c - see dimset.h. */
#include "dimset.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/hash.h"

void nd_dimset_init(nd_dimset *s, size_t cap)
{
	*s = (nd_dimset){.cap = cap};
}

void nd_dimset_free(nd_dimset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->d[i].name);
	free(s->d);
	*s = (nd_dimset){0};
}

long nd_dimset_find(const nd_dimset *s, const char *name, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->d[i].len == len && !memcmp(s->d[i].name, name, len))
			return (long)i;
	return -1;
}

static void make_id(nd_dim *d)
{
	const char *base = memrchr(d->name, '/', d->len);
	base = base ? base + 1 : d->name;
	size_t blen = d->len - (size_t)(base - d->name);
	char b[ND_ID_MAX - 10];
	nd_id(b, sizeof(b), base, blen);
	snprintf(d->id, sizeof(d->id), "%s_%08x", b, sw_fnv1a32(d->name, d->len));
}

int nd_dimset_add(nd_dimset *s, const char *name, size_t len)
{
	if (s->n == s->cap || nd_dimset_find(s, name, len) >= 0)
		return 0;
	if (!s->d && !(s->d = calloc(s->cap, sizeof(*s->d))))
		return -1;
	nd_dim *d = &s->d[s->n];
	if (!(d->name = malloc(len + 1)))
		return -1;
	memcpy(d->name, name, len);
	d->name[len] = '\0';
	d->len = len;
	make_id(d);
	nd_text(d->text, sizeof(d->text), name, len);
	s->n++;
	return 1;
}
