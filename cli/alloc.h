/* alloc.h - which allocator or runtime a process uses, from its mappings,
 * and so where its heap lives (README: "The categories"). */
#ifndef SMAPWATCH_CLI_ALLOC_H
#define SMAPWATCH_CLI_ALLOC_H

#include <stddef.h>
#include "snap.h"

typedef enum {
	ALLOC_JEMALLOC, ALLOC_TCMALLOC, ALLOC_MIMALLOC, ALLOC_JVM, ALLOC_GO,
	ALLOC_PYTHON, ALLOC_COUNT
} alloc_kind;

/* The Go runtime's first heap arena hint on 64-bit Linux (runtime/
 * malloc.go: 0x00c0 << 32, then the same low 40 bits at each 1 << 40):
 * an anonymous rw-p mapping starting there is the Go heap. */
#define ALLOC_GO_ARENA_HINT 0xc000000000ull
#define ALLOC_GO_HINT_MASK  ((1ull << 40) - 1)

typedef struct {
	alloc_kind kind;
	const snap_map *evidence;  /* the mapping that gave it away, or
				    * NULL (a python executable) */
	int static_binary;         /* Go: no shared library mapped */
} alloc_hit;

/* alloc_detect - the allocators and runtimes of p, at most one hit per
 * kind, in alloc_kind order; returns how many were written to out. */
size_t alloc_detect(const snap_proc *p, alloc_hit out[ALLOC_COUNT]);

/* alloc_name - "jemalloc", "Go", ...; alloc_heap - where its heap lives,
 * one sentence for findings. */
const char *alloc_name(alloc_kind k);
const char *alloc_heap(alloc_kind k);

#endif
