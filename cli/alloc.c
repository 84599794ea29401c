/* alloc.c - allocators and runtimes recognised by the mappings they leave:
 * a shared library's file name, the executable's name, or (Go) the
 * address of its first heap arena. A statically linked jemalloc, tcmalloc
 * or mimalloc leaves no name behind and is not recognised. */
#include <string.h>
#include "alloc.h"

static const struct {
	const char *name, *lib, *heap;
} kinds[ALLOC_COUNT] = {
	[ALLOC_JEMALLOC] = {"jemalloc", "libjemalloc.so",
		"the heap lives in anon (jemalloc's extents are mmap'ed), "
		"[heap] stays near 0: read the anon category"},
	[ALLOC_TCMALLOC] = {"tcmalloc", "libtcmalloc",
		"the heap lives in anon (spans mmap'ed) and [heap] (sbrk); "
		"freed pages stay resident until its page heap releases them"},
	[ALLOC_MIMALLOC] = {"mimalloc", "libmimalloc",
		"the heap lives in anon (mmap'ed segments), [heap] stays near 0"},
	[ALLOC_JVM] = {"JVM", "libjvm.so",
		"the Java heap is one large anon region reserved at start "
		"(-Xmx), resident as the GC touches it; native leaks show in "
		"[heap] and malloc arenas (anon)"},
	[ALLOC_GO] = {"Go", NULL,
		"the Go heap lives in anon arenas from 0xc000000000; the "
		"scavenger returns pages, so Rss well below Size is normal"},
	[ALLOC_PYTHON] = {"Python", "libpython3",
		"small objects live in pymalloc arenas in anon, larger ones in "
		"[heap]"},
};

const char *alloc_name(alloc_kind k)
{
	return kinds[k].name;
}

const char *alloc_heap(alloc_kind k)
{
	return kinds[k].heap;
}

static const char *base_name(const snap_str *s)
{
	if (!s->s)
		return "";
	const char *slash = memrchr(s->s, '/', s->len);
	return slash ? slash + 1 : s->s;
}

static int lib_kind(const snap_map *m)
{
	if (m->cat != SW_CAT_LIBS)
		return -1;
	const char *b = base_name(&m->name);
	for (int k = 0; k < ALLOC_COUNT; k++)
		if (kinds[k].lib && !strncmp(b, kinds[k].lib, strlen(kinds[k].lib)))
			return k;
	return -1;
}

static int is_go_arena(const snap_map *m)
{
	return m->name.len == 0 && !strcmp(m->perms, "rw-p") &&
	       (m->start & ALLOC_GO_HINT_MASK) == ALLOC_GO_ARENA_HINT;
}

size_t alloc_detect(const snap_proc *p, alloc_hit out[ALLOC_COUNT])
{
	const snap_map *ev[ALLOC_COUNT] = {0};
	int found[ALLOC_COUNT] = {0}, libs = 0;
	for (size_t i = 0; i < p->nmaps; i++) {
		const snap_map *m = &p->maps[i];
		int k = lib_kind(m);
		libs |= m->cat == SW_CAT_LIBS;
		if (k < 0 && is_go_arena(m))
			k = ALLOC_GO;
		if (k >= 0 && !found[k]) {
			found[k] = 1;
			ev[k] = m;
		}
	}
	if (!strncmp(base_name(&p->exe), "python", 6))
		found[ALLOC_PYTHON] = 1;
	size_t n = 0;
	for (int k = 0; k < ALLOC_COUNT; k++)
		if (found[k])
			out[n++] = (alloc_hit){(alloc_kind)k, ev[k],
					       k == ALLOC_GO && !libs};
	return n;
}
