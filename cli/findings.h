/* findings.h - suspicious patterns, one line each with its evidence and
 * what to do next. The thresholds are named here and documented in the
 * README ("Findings") and smapwatch(1); "Rss + Swap" is memory the
 * process holds, in RAM or swapped out.
 *
 * ids (stable): large_anon_region, many_anon_regions, fragmentation,
 * library_loaded_twice, dirty_region, swapped_region, swapped_process,
 * allocator (info), and on a diff region_grew, category_grew. */
#ifndef SMAPWATCH_CLI_FINDINGS_H
#define SMAPWATCH_CLI_FINDINGS_H

#include <stdio.h>
#include "diff.h"
#include "snap.h"

#define MIB (1ull << 20)
/* large_anon_region: one anon region of at least this Rss + Swap, */
#define FIND_LARGE_ANON_BYTES   (256 * MIB)
/* ... holding at least this share (%) of the process's Rss + Swap. */
#define FIND_LARGE_ANON_PCT     50
/* many_anon_regions: at least this many anon mappings in one process. */
#define FIND_MANY_ANON_REGIONS  1000
/* fragmentation: writable heap + anon mappings of at least this Size, */
#define FIND_FRAG_MIN_SIZE      (256 * MIB)
/* ... of which under this share (%) is resident or swapped. */
#define FIND_FRAG_RESIDENT_PCT  25
/* Thread stacks (left out of it) sit right above a PROT_NONE guard of at
 * most this size (glibc's default guard is one page; 64 KiB covers
 * larger guards set with pthread_attr_setguardsize). */
#define FIND_GUARD_MAX          (64 * 1024)
/* dirty_region: a region of at least this Size ... */
#define FIND_DIRTY_MIN_SIZE     (64 * MIB)
/* ... with Private_Dirty over this share (%) of its Size. */
#define FIND_DIRTY_PCT          90
/* swapped_region / swapped_process: Swap over this share (%) of Rss +
 * Swap, and at least FIND_SWAP_REGION_MIN / FIND_SWAP_PROCESS_MIN. */
#define FIND_SWAP_PCT           50
#define FIND_SWAP_REGION_MIN    (16 * MIB)
#define FIND_SWAP_PROCESS_MIN   (64 * MIB)
/* region_grew / category_grew (diff): Rss + Swap grew by at least this. */
#define FIND_GREW_REGION_MIN    (16 * MIB)
#define FIND_GREW_CATEGORY_MIN  (16 * MIB)
/* At most this many region findings of one id per process. */
#define FIND_MAX_REGIONS        5

typedef struct {
	const char *id;
	const char *severity;   /* "warning" or "info" */
	pid_t pid;
	char text[640];         /* printable ASCII: names \xNN-escaped */
	char evidence[1024];    /* one JSON object */
	const char *next;       /* what to do next */
} finding;

typedef struct finding_list {
	finding *v;
	size_t n, cap;
} finding_list;

/* findings_look - the one-look patterns and allocator notes of p. */
void findings_look(finding_list *l, const snap_proc *p);
/* findings_diff - the growth findings of one process of d. */
void findings_diff(finding_list *l, const diff *d, const diff_proc *p);
void findings_free(finding_list *l);

/* findings_text - "warning fragmentation 1234: ... next: ..." lines. */
void findings_text(FILE *f, const finding_list *l);
/* findings_json - a JSON array of {"id","severity","process","text",
 * "evidence","next"}. */
void findings_json(FILE *f, const finding_list *l);

/* fmt_bytes - "312 MiB", "1.5 GiB", "640 KiB" into buf. */
const char *fmt_bytes(char *buf, size_t size, double bytes);
/* fmt_duration - "2 h 5 min", "35 min", "12 s". */
const char *fmt_duration(char *buf, size_t size, double seconds);

#endif
