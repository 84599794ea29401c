/* ledger.h - a group's owned memory followed across membership changes.
 *
 * What a group owns is the sum over its members of Pss + SwapPss ("held"):
 * a page shared by k members counts 1/k in each, so pages moving between
 * members (a fork, a sharer exiting, copy-on-write) leave the sum alone,
 * and SwapPss keeps a leak visible once it is swapped out. (File-backed
 * categories count their dirty pages only: their clean pages are page
 * cache shared with the whole host, see sw_ledger_member_of.) The sum also
 * jumps when a member joins or leaves, which is not growth. So at each
 * full read the ledger links this read to the last one, per category c
 * and for the total:
 *
 *   link = (T_now - T_prev)                      what the group holds
 *        + own(leavers, at their last read)      their private pages went
 *        - own(joiners, now)                     theirs came
 *        - sum over young stayers of (own_now - own_prev)   warm-up
 *
 * with own = USS + SwapPss (Private_Clean + Private_Dirty + SwapPss). A
 * fork shares pages (T unchanged); an exiting sharer hands its shared
 * pages to the stayers (T unchanged, only its private pages go); a
 * joiner brings its private pages; a young member's warm-up (COW breaks,
 * arenas filling) is not a leak however many workers are replaced; a
 * long-lived member's growth, private or shared, counts. Members are
 * known by (pid, start time); one not measured at a read (backed off,
 * capped, unreadable) is a leaver then a joiner. The chained series is the
 * sum of the links, from 0 when the group (re)appears. A caller may leave
 * a read uncommitted (sw_ledger_begin again): the next commit links to the
 * last committed read.
 *
 * Members are read one after another, so a link can be off for one read,
 * and the next link gives it back: a member that vanishes while the group
 * is read (its sharers read before it still divided its pages with it),
 * or a child forked while the group is read, after its parent was read
 * perhaps (the parent's Pss divides its pages with a process that is not
 * a member yet). The first the caller knows (it failed to read the
 * member); the second too when the child is among the parent's children
 * just after the parent's read (the core looks: cycle.c), and else shows
 * at the next commit, as a joiner that started while the last read was
 * in progress: last_off. A child that comes and goes between two reads
 * and is not there at its parent's look is not seen. sw_growth leaves
 * such reads out of its windows.
 *
 * Memory: per member what one link needs (sw_ledger_member, 160 bytes),
 * in two pid-sorted arrays (this read's, the last read's) whose capacity
 * only grows: no allocation per read once the largest membership has been
 * seen. A link is one merge walk, O(members). Pure: no /proc, no clock. */
#ifndef SMAPWATCH_LEDGER_H
#define SMAPWATCH_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "smapwatch/memsum.h"

#define SW_LEDGER_SERIES (SW_CAT_COUNT + 1)   /* categories, then total */

typedef struct {
	pid_t pid;
	uint64_t start;                     /* start time, clock ticks */
	uint64_t own[SW_LEDGER_SERIES];     /* USS + SwapPss, bytes */
	uint64_t held[SW_LEDGER_SERIES];    /* Pss + SwapPss, bytes (dirty
					     * only in file-backed ones) */
} sw_ledger_member;

typedef struct {
	sw_ledger_member *prev, *cur;
	size_t nprev, ncur, cap_prev, cap_cur;
	int sorted;                         /* cur is in pid order so far */
	double chained[SW_LEDGER_SERIES];   /* bytes, since the epoch began */
	uint64_t epoch;       /* counts (re)starts: 0 before the first read
			       * with members, +1 each time the group
			       * appears after being empty */
	uint64_t began, ended;  /* when the last committed read was taken */
	int last_off;         /* set by a commit: a joiner started while the
			       * read before was in progress (ledger.h) */
} sw_ledger;

void sw_ledger_init(sw_ledger *l);
void sw_ledger_free(sw_ledger *l);

/* sw_ledger_member_of - a member's figures from its categorised memory:
 * in heap, stack, anon and shmem own = USS + SwapPss, held = Pss +
 * SwapPss; in binary, libs, files and kernel (page cache shared with the
 * host) own = Private_Dirty + SwapPss, held = Pss_Dirty + SwapPss; the
 * total is the sum of the categories. */
void sw_ledger_member_of(sw_ledger_member *m, pid_t pid, uint64_t start,
			 const sw_memsum *mem);

/* sw_ledger_begin - a full read starts: no member yet. */
void sw_ledger_begin(sw_ledger *l);

/* sw_ledger_add - one measured member of this read (any order; each
 * (pid, start) once). 0, or -ENOMEM (the member is then left out: a
 * leaver, which costs nothing but its own pages). */
int sw_ledger_add(sw_ledger *l, const sw_ledger_member *m);

/* sw_ledger_commit - the read is complete: chain it to the last one.
 * Members whose start time is at or after young_since (clock ticks, as
 * their start times) are young: their own growth is warm-up. began and
 * ended: when this read was taken, in the same ticks (ended 0: unknown);
 * a member joining at the next commit that started between them sets
 * last_off then. A read with no member ends the epoch (the next read with
 * members begins a new one, at 0). */
void sw_ledger_commit(sw_ledger *l, uint64_t young_since, uint64_t began,
		      uint64_t ended);

#endif
