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

/* A member's files kept open across cycles, each -1 when not: its
 * /proc/PID (that process's, so stat read through it needs no second read
 * to tell a reused pid), and on procfs its stat and status, read again
 * from offset 0 each cycle (procfs makes them afresh at each read from 0;
 * a process gone, ESRCH): no path walked, no open and close per cycle. */
typedef struct {
	int dir, stat, status;
} pc_fds;

#define PC_NO_FDS ((pc_fds){-1, -1, -1})

typedef struct {
	sw_proc_stat ps;       /* as last read */
	size_t res;            /* its row of answers in the generation */
	unsigned backoff;      /* over the read budget this many times running */
	unsigned skip;         /* full reads still to skip */
	pc_fds fds;            /* kept (a member), or PC_NO_FDS */
} pc_entry;

typedef struct {
	pc_entry *v;
	size_t n, cap;
	unsigned char *res;    /* n x nsel answers */
} pc_gen;

typedef struct {
	pc_gen cur, prev;
	size_t nsel;
	size_t kept, max_kept; /* fds held in both generations */
} proc_cache;

/* pc_init - an empty cache holding at most max_kept fds. */
void pc_init(proc_cache *c, size_t nsel, size_t max_kept);
/* pc_free - frees it and closes the fds it holds. */
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

/* pc_take_fds - the fds kept for pid last cycle, now the caller's (to
 * close, or to keep again with pc_keep_fds), or PC_NO_FDS. */
pc_fds pc_take_fds(proc_cache *c, pid_t pid);

/* pc_keep_fds - e (of this cycle) holds f from now on when the budget
 * allows: 1; 0 when it does not (f still the caller's). */
int pc_keep_fds(proc_cache *c, pc_entry *e, const pc_fds *f);

/* pc_room - whether n more fds may be kept now. */
int pc_room(const proc_cache *c, size_t n);

/* pc_close_fds - closes those of f that are open; f becomes PC_NO_FDS. */
void pc_close_fds(pc_fds *f);

/* pc_swap - end of cycle: this cycle's entries become the last; the fds
 * of processes not seen this cycle are closed. */
void pc_swap(proc_cache *c);

#endif
