/* maptable.h - the JSON table of the `smaps` function: one row per
 * mapping (address range, permissions, category, name, Rss, Pss, USS,
 * Private_Dirty, Swap, Size in KiB, VmFlags), the columns after the rows
 * as apps.plugin's `processes` does, so the maxima for the bars are known.
 * Every row is one line; names are JSON-escaped byte by byte. */
#ifndef ND_MAPTABLE_H
#define ND_MAPTABLE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include "smapwatch/collector.h"

#define ND_MT_FIGURES 6

typedef struct {
	FILE *out;
	sw_collector *coll;
	const char *proc_root;
	size_t rows, max_rows;
	uint64_t max[ND_MT_FIGURES];  /* KiB, per figure column */
} nd_maptable;

/* nd_maptable_begin - the payload up to the first row. */
void nd_maptable_begin(nd_maptable *t, int update_every);

/* nd_maptable_process - the rows of one process, all or none: they are
 * built aside and written only when the whole smaps was read. start_time
 * is the process's as the group counted it: a pid reused since then is
 * refused (SW_ECHANGED). Returns 0, SW_ELIMIT when max_rows is reached,
 * or the collection's error code. */
int nd_maptable_process(nd_maptable *t, pid_t pid, uint64_t start_time,
			const char *group);

/* nd_maptable_end - the columns and the rest of the payload. */
void nd_maptable_end(nd_maptable *t, long long expires);

#endif
