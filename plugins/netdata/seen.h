/* seen.h - the processes already reported, so a process that cannot be
 * read is logged once, not every cycle. Bounded: past ND_SEEN_MAX the
 * oldest entry is forgotten (and may be reported again). */
#ifndef ND_SEEN_H
#define ND_SEEN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ND_SEEN_MAX 256

typedef struct {
	struct { pid_t pid; uint64_t start_time; } e[ND_SEEN_MAX];
	size_t n, next;
} nd_seen;

/* nd_seen_add - 1 when (pid, start_time) was not in s (now it is). */
int nd_seen_add(nd_seen *s, pid_t pid, uint64_t start_time);

#endif
