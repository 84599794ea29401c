/* tiering.h - when a group's smaps are read, and whether a process may
 * be read in full: pure functions of the figures, one definition used by
 * the collection cycle and by reads on demand (sw_groupset_may_read, the
 * plugins' drill-down tables).
 *
 * Reading smaps walks the process's page tables under its mmap_lock and
 * stalls it; status costs nothing of the kind. So a group is read in full
 * only when due, and a process only when the cap and its back-off allow. */
#ifndef SMAPWATCH_TIERING_H
#define SMAPWATCH_TIERING_H

#include <stdint.h>

typedef struct {
	unsigned full_every;     /* cycles between full reads; 0 or 1: all */
	double early_change;     /* read early on this fraction of Rss... */
	uint64_t early_min;      /* ...and this many bytes */
	double read_budget;      /* seconds of CPU per smaps read; 0: none */
	uint64_t rss_cap;        /* bytes of status Rss; 0: no cap */
} sw_tier_opts;

/* A group as tiering sees it. */
typedef struct {
	int ever_read;           /* has had a full read */
	unsigned age;            /* cycles since it */
	long processes_then;     /* live members at it */
	uint64_t rss_then;       /* their status Rss then */
	long processes_now;      /* live members this cycle */
	long failed_now;         /* members that could not be read this cycle
				  * (not gone: out of fds, memory...) */
	uint64_t rss_now;
	/* Another reason to read in full this cycle, decided outside the
	 * tiering rules: set it from a cheaper probe that saw what status
	 * cannot (a member's mappings changed in /proc/PID/maps, say); it
	 * makes the group due like an early change does. 0: none. */
	int other_reason;
} sw_tier_group;

/* sw_tier_due - 1 when the group's smaps are read this cycle: its first
 * read; it appeared or emptied (an empty one costs no read; one whose
 * members all failed is not empty, and is not read: its figures stay);
 * every full_every cycles; early when status Rss moved by more than
 * early_change and early_min since the last read; or other_reason. A
 * member coming or going is a reason only through Rss: a pool of workers
 * that come and go would otherwise be read whole every cycle. */
int sw_tier_due(const sw_tier_opts *o, const sw_tier_group *g);

/* sw_tier_may_read - whether a process may be read in full: 0; -SW_ECAPPED
 * when its status Rss is over rss_cap and none of the groups it is in
 * allows large processes (any group it is in, due this cycle or not: a
 * process read for one group and left out for another would make the
 * second's figures jump with the first's cadence); -SW_ESLOW while it has
 * full reads to skip (skip > 0). */
int sw_tier_may_read(const sw_tier_opts *o, uint64_t rss, int allow_large,
		     unsigned skip);

/* At most 2^SW_TIER_MAX_BACKOFF - 1 = 63 full reads skipped. */
#define SW_TIER_MAX_BACKOFF 6

/* sw_tier_after_read - after a read that cost `cost` seconds of CPU (the
 * reading thread's: a reader stopped or preempted mid-read did not stall
 * the target meanwhile): within the budget, *backoff is 0 and 0 is
 * returned; over it, *backoff grows by one (at most SW_TIER_MAX_BACKOFF)
 * and the number of the process's next full reads to skip (1, 3, 7...)
 * is returned. */
unsigned sw_tier_after_read(const sw_tier_opts *o, double cost,
			    unsigned *backoff);

#endif
