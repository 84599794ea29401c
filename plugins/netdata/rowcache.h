/* rowcache.h - the smaps function's per-process mapping tables, kept
 * between calls so that a burst of calls reads each process's smaps at
 * most once per full interval (issue 18, defect 12): reading smaps takes
 * the target's mmap_lock, and a call must not cost what the tiering of
 * the collection saves.
 *
 * An entry is one process's rows as maptable.c writes them, keyed by
 * (pid, start time), or the error its read gave. Each row is stored in
 * two parts, before and after the group's name, so one read serves a
 * process shown in any of its groups. Entries older than max_age are
 * stale and dropped; past max_bytes the oldest go first. */
#ifndef ND_ROWCACHE_H
#define ND_ROWCACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ND_MT_FIGURES 6
#define ND_ROWCACHE_BYTES (48u << 20)   /* about 190,000 rows */

typedef struct {
	pid_t pid;
	uint64_t start_time;
	double read_at;          /* monotonic seconds */
	int error;               /* 0, or why there are no rows */
	char *text;              /* the rows, each head then tail */
	size_t len;
	size_t *split;           /* per row: start of head, start of tail */
	size_t rows;
	uint64_t max[ND_MT_FIGURES];  /* KiB, per figure column */
} nd_procrows;

typedef struct {
	nd_procrows *e;
	size_t n, cap;
	size_t bytes, max_bytes;
	double max_age;
} nd_rowcache;

void nd_rowcache_init(nd_rowcache *c, double max_age, size_t max_bytes);
void nd_rowcache_free(nd_rowcache *c);

/* nd_rowcache_find - the fresh entry of (pid, start_time) at `now`, or
 * NULL (stale entries are dropped on the way). */
const nd_procrows *nd_rowcache_find(nd_rowcache *c, pid_t pid,
				    uint64_t start_time, double now);

/* nd_rowcache_put - take over *r, read at `now` (its buffers are the
 * cache's now);
 * stale and, past max_bytes, the oldest entries are dropped. */
void nd_rowcache_put(nd_rowcache *c, nd_procrows *r, double now);

/* nd_procrows_free - an entry's buffers (for one never put). */
void nd_procrows_free(nd_procrows *r);

#endif
