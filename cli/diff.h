/* diff.h - what changed between two looks (snaps) at the same processes.
 *
 * Processes are paired by pid; a pid whose start time differs was reused
 * by another process and is refused. Mappings are paired the way they
 * change in a real address space, among mappings of one identity (the
 * same name, device and inode; anonymous ones share one):
 *   - ranges that overlap: the same start ("start": a heap or an arena
 *     extended in place), another start ("overlap": a stack or a
 *     top-down mmap region grown downwards), one range cut in several
 *     ("split": mprotect, munmap of a middle part) or several joined
 *     ("merged": the kernel merging neighbours);
 *   - a file or library mapped elsewhere: same path, inode and offset
 *     ("path_inode");
 *   - what is left "vanished" (only in A) or "appeared" (only in B).
 * O(n log n) in the number of mappings. */
#ifndef SMAPWATCH_CLI_DIFF_H
#define SMAPWATCH_CLI_DIFF_H

#include <stdio.h>
#include "snap.h"

typedef enum {
	DIFF_SAME, DIFF_GREW, DIFF_SHRANK, DIFF_APPEARED, DIFF_VANISHED
} diff_change;

typedef enum {
	DIFF_M_NONE, DIFF_M_START, DIFF_M_OVERLAP, DIFF_M_PATH_INODE,
	DIFF_M_SPLIT, DIFF_M_MERGED
} diff_match;

typedef struct {
	int64_t v[SW_F_COUNT];
	uint32_t present;   /* fields present on both sides */
} diff_delta;

/* One row: a mapping, or a group of pieces for split/merged, whose a/b
 * are then the union of the pieces (lowest start, highest end, counts
 * summed; name and perms of the first piece). Names point into the snaps. */
typedef struct {
	diff_change change;
	diff_match match;
	int has_a, has_b;
	snap_map a, b;
	uint32_t pieces_a, pieces_b;
	sw_category cat;
	diff_delta delta;   /* b - a */
} diff_row;

typedef struct {
	const snap_proc *a, *b;
	diff_row *rows;     /* sorted by growth of the sort field */
	size_t nrows;
	diff_delta cat[SW_CAT_COUNT], total;
} diff_proc;

typedef struct {
	const snap *a, *b;
	double seconds;     /* b's time - a's; < 0 when unknown */
	sw_field by;        /* the sort field (SW_F_RSS by default) */
	diff_proc *procs;
	size_t nprocs;
	size_t refused;     /* pids reused between the looks */
} diff;

/* diff_build - pair a's and b's processes and mappings. Lines on err
 * for a pid reused, or only in one side. 0, -1 when no process pairs
 * (after a line), -ENOMEM. The snaps must outlive d. */
int diff_build(diff *d, const snap *a, const snap *b, sw_field by, FILE *err);
void diff_free(diff *d);

/* diff_delta_of - b - a, field by field, for the fields both printed. */
void diff_delta_of(diff_delta *d, const sw_counts *a, const sw_counts *b);
/* Below this many seconds between the looks no rate is given: a rate
 * over a few milliseconds is noise scaled up. */
#define DIFF_RATE_MIN_SECONDS 1.0

/* diff_has_rate - the time between the looks is known and long enough. */
int diff_has_rate(const diff *d);
/* diff_rate - delta per hour, or 0 without diff_has_rate. */
double diff_rate(const diff *d, int64_t delta);

/* What a rendering shows: rows of these categories, of at least this Size
 * on either side; unchanged ones only with all, unless their shape
 * changed (split, merged, moved: any match but "start"); top bounds the
 * text's rows (JSON has every row shown). */
typedef struct {
	unsigned cat_mask;
	uint64_t min_size;
	size_t top;
	int all;
} diff_view;

int diff_row_shown(const diff_view *v, const diff_row *r);

struct finding_list;
/* diff_text - per process: the category table (A, B, change, per hour)
 * and the top rows by growth; then the findings (may be NULL). */
void diff_text(FILE *f, const diff *d, const diff_view *v,
	       const struct finding_list *findings);
/* diff_json - the "smapwatch-diff" version 1 document (README), with
 * findings (may be NULL) under "findings". */
void diff_json(FILE *f, const diff *d, const diff_view *v,
	       const struct finding_list *findings);

const char *diff_change_name(diff_change c);
const char *diff_match_name(diff_match m);

#endif
