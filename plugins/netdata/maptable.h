/* maptable.h - the JSON table of the `smaps` function: one row per
 * mapping (address range, permissions, category, name, Rss, Pss, USS,
 * Private_Dirty, Swap, Size in KiB, VmFlags), the columns after the rows
 * as apps.plugin's `processes` does, so the maxima for the bars are known.
 * Every row is one line; names are JSON-escaped byte by byte.
 *
 * A process's rows are built once (nd_maptable_read, kept in the
 * function's row cache) and written into as many answers as ask for them
 * (nd_maptable_rows), with the name of the group they are shown in. */
#ifndef ND_MAPTABLE_H
#define ND_MAPTABLE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "rowcache.h"
#include "smapwatch/collector.h"
#include "smapwatch/procfs.h"

typedef struct {
	FILE *out;
	size_t rows, max_rows;
	uint64_t max[ND_MT_FIGURES];  /* KiB, per figure column */
} nd_maptable;

/* nd_maptable_read - read process (pid, start_time)'s smaps into *r, at
 * most max_rows rows, all or none: a pid reused since the group counted
 * it is refused (SW_ECHANGED). Returns 0 or the collection's error code
 * (r->error too); *bytes is what was read of smaps. */
int nd_maptable_read(sw_collector *coll, const char *proc_root, pid_t pid,
		     uint64_t start_time, size_t max_rows, nd_procrows *r,
		     size_t *bytes);

/* One process's rows while they are built, mapping by mapping (from the
 * function's own read, or from the cycle's: sw_groupset_watch_reads). */
typedef struct {
	FILE *mem;
	nd_procrows r;
	sw_proc_stat ps;
	size_t max_rows, cap;
	int nomem;
} nd_rowbuild;

/* nd_rowbuild_begin - rows of process ps to come, at most max_rows; 0 or
 * -ENOMEM (nd_rowbuild_end is due either way). */
int nd_rowbuild_begin(nd_rowbuild *b, const sw_proc_stat *ps,
		      size_t max_rows);
void nd_rowbuild_mapping(nd_rowbuild *b, const sw_mapping *m, sw_category c);

/* nd_rowbuild_end - the read's result: *out takes the rows (result 0) or
 * only the error. Returns 0 or the error. */
int nd_rowbuild_end(nd_rowbuild *b, int result, nd_procrows *out);

/* nd_maptable_begin - the payload up to the first row. */
void nd_maptable_begin(nd_maptable *t, int update_every);

/* nd_maptable_rows - a process's rows, shown in group; SW_ELIMIT when
 * max_rows was reached (the rest are left out), else 0. */
int nd_maptable_rows(nd_maptable *t, const nd_procrows *r,
		     const char *group);

/* nd_maptable_end - the columns and the rest of the payload. */
void nd_maptable_end(nd_maptable *t, long long expires);

#endif
