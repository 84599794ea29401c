/* grp.h - one group's figures through a cycle: its live members (pass 1),
 * then, when due, what its full read measured (pass 2) and its ledger.
 * Internal to the core; cycle.c decides, this adds up. */
#ifndef SW_GRP_H
#define SW_GRP_H

#include <stddef.h>
#include "smapwatch/group.h"
#include "smapwatch/ledger.h"
#include "smapwatch/mapsprobe.h"
#include "smapwatch/tiering.h"

typedef struct {
	char *name;
	sw_group_stats st;
	sw_subtotals *libs, *named;
	pid_t *pids;             /* members this cycle; capacity only grows */
	uint64_t *starts;        /* their start times */
	size_t pids_cap;
	int allow_large;         /* rss_cap does not apply */
	int due;                 /* this cycle reads smaps */
	sw_tier_group tier;      /* what tiering decides from */
	sw_ledger ledger;        /* owned memory across membership changes */
	unsigned off;            /* members gone between the listing and
				  * their read, or forked since it, this
				  * full read */
	/* the maps probe (cycle.c): its members' maps summed this cycle,
	 * and as near the last full read as a probe was */
	sw_maps_probe maps_now, maps_then;
	uint64_t maps_vm_size;   /* members' status VmSize at maps_then */
	int maps_probe;          /* its members' maps are read this cycle */
	int maps_failed;         /* a member's maps could not be read */
	int maps_then_ok;
} grp;

/* Why a member is not measured this time. */
enum { GRP_CAPPED = 1, GRP_BACKED_OFF = 2 };

/* grp_init - group `name`, keeping max_names libraries and regions (0:
 * none). 0 or -ENOMEM (then nothing to free). */
int grp_init(grp *g, const char *name, size_t max_names);
void grp_free(grp *g);

/* grp_begin_cycle - no live member yet. */
void grp_begin_cycle(grp *g);

/* grp_add_live - a live member and its cheap counters (fds < 0: its fds
 * could not be counted). 0 or -ENOMEM. */
int grp_add_live(grp *g, const sw_proc_stat *ps, const sw_proc_status *st,
		 long fds, long sockets);

/* grp_begin_full - a due group starts its measured figures afresh. */
void grp_begin_full(grp *g);

/* grp_measured - member ps was read in full: mem, with its libraries and
 * regions (NULL when not kept). */
void grp_measured(grp *g, const sw_proc_stat *ps, const sw_memsum *mem,
		  const sw_subtotals *libs, const sw_subtotals *named);

/* grp_left_out - member ps is not measured this time (GRP_CAPPED...). */
void grp_left_out(grp *g, const sw_proc_stat *ps, int why);

/* grp_read_off - a member listed this cycle was gone at its full read,
 * or had forked since the listing (cycle.c): the read is off. */
void grp_read_off(grp *g);

/* grp_commit - after pass 2: the ledger's chain (young_since, and when
 * the read began and ended, in ticks since boot: ledger.h). */
void grp_commit(grp *g, uint64_t young_since, uint64_t began, uint64_t ended);

#endif
