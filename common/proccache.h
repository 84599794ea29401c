/* proccache.h - what is known of each process across cycles, per (pid,
 * start time): its last stat, its selectors' answers (selector.h) and its
 * read budget's back-off. Internal to the core.
 *
 * Two generations: the last cycle's (sorted by pid, searched) and this
 * cycle's (filled in /proc order); at the end of a cycle this one becomes
 * the last, so a process not seen for a cycle is forgotten and a reused
 * pid starts afresh. An exec (stat's exec mark changed) keeps the entry
 * but forgets the answers and the back-off: a new program. */
#ifndef SW_PROCCACHE_H
#define SW_PROCCACHE_H

#include <stddef.h>
#include "smapwatch/procfs.h"

typedef struct {
	sw_proc_stat ps;       /* as last read */
	size_t res;            /* its row of answers in the generation */
	unsigned backoff;      /* over the read budget this many times running */
	unsigned skip;         /* full reads still to skip */
} pc_entry;

typedef struct {
	pc_entry *v;
	size_t n, cap;
	unsigned char *res;    /* n x nsel answers */
} pc_gen;

typedef struct {
	pc_gen cur, prev;
	size_t nsel;
} proc_cache;

void pc_init(proc_cache *c, size_t nsel);
void pc_free(proc_cache *c);

/* pc_enter - this cycle's entry for ps, carried over from the last cycle
 * when it is the same process; *row its answers. NULL when out of memory. */
pc_entry *pc_enter(proc_cache *c, const sw_proc_stat *ps, unsigned char **row);

/* pc_carry - this cycle's copy of last cycle's entry old, unchanged (a
 * process that could not be read this cycle is still known). */
pc_entry *pc_carry(proc_cache *c, const pc_entry *old, unsigned char **row);

/* pc_last - the last cycle's entry of pid, or NULL. */
const pc_entry *pc_last(const proc_cache *c, pid_t pid);

/* pc_row - the answers of an entry of this cycle. */
unsigned char *pc_row(proc_cache *c, const pc_entry *e);

/* pc_swap - end of cycle: this cycle's entries become the last. */
void pc_swap(proc_cache *c);

#endif
