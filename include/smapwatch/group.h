/* group.h - named groups of processes and their summed figures.
 *
 * A group is a name plus selectors; its figures are the sums over its live
 * processes at the last sw_groupset_collect(). A process matching several
 * groups is read once and counted in each. Processes are known by
 * (pid, start time), so a reused pid is never taken for its predecessor:
 * what was learnt about a pid (its command line, its unit) is dropped when
 * the start time changes.
 *
 * Reading smaps walks a process's page tables under its mmap_lock, which
 * stalls it; /proc/PID/status costs nothing of the kind. So collection is
 * tiered: every cycle reads each member's status (and fds); a group's
 * smaps are read only when due: every full_every cycles, at once when it
 * appears or empties, and early when its status Rss has moved by more than
 * early_change (and early_min bytes) since the last full read (a member
 * coming or going is a reason only through that: a pool of workers that
 * come and go would otherwise be read whole every cycle). Between
 * full reads a group's memory figures are those of the last one. A
 * process whose smaps read costs more than read_budget of CPU is skipped
 * for 1, 3, 7... of its group's next full reads (doubling, at most 63)
 * and reported once (SW_ESLOW); one whose Rss is over rss_cap is never
 * read in full unless a group it is in allows it (sw_groupset_allow_large).
 * The rules are tiering.h's, one definition for the cycle and for reads
 * on demand (sw_groupset_may_read).
 *
 * Selectors see a process's comm and pid every cycle; its command line
 * (all of it, up to SW_CMDLINE_MAX) and its unit are read once per
 * process, however many selectors ask, and again when it execs or
 * renames itself (its comm or stat's exec mark changes, procfs.h). A
 * pidfile is followed only when trusted (owner, type) and not older than
 * the process it names (a pid reused since the service died). */
#ifndef SMAPWATCH_GROUP_H
#define SMAPWATCH_GROUP_H

#include <stddef.h>
#include "smapwatch/ledger.h"
#include "smapwatch/memsum.h"
#include "smapwatch/procfs.h"
#include "smapwatch/smaps.h"
#include "smapwatch/subtotal.h"

typedef enum {
	SW_SEL_COMM,    /* exact process name, as in /proc/PID/comm */
	SW_SEL_CMDLINE, /* POSIX extended regex on the command line */
	SW_SEL_PIDFILE, /* the pid written in a file */
	SW_SEL_UNIT,    /* a systemd unit, from /proc/PID/cgroup */
	SW_SEL_PID,     /* one pid, given as decimal text */
	SW_SEL_COMM_PREFIX,     /* process name starts with the text */
	SW_SEL_COMM_SUFFIX,     /* process name ends with the text */
	SW_SEL_CMDLINE_SUBSTR,  /* command line contains the text */
	SW_SEL_KIND_COUNT
} sw_selector_kind;

typedef struct {
	const char *proc_root;   /* NULL means "/proc" */
	size_t max_names;        /* libraries / named regions kept per group;
				  * 0 disables those sub-totals */
	int count_sockets;       /* readlink every fd to count sockets */
	unsigned full_every;     /* cycles between full reads; 0 or 1: all */
	double early_change;     /* read early when status Rss moved by more
				  * than this fraction... (0: never) */
	uint64_t early_min;      /* ...and more than this many bytes */
	double read_budget;      /* seconds of CPU per smaps read (the
				  * reading thread's: a reader stopped
				  * mid-read did not stall the target all
				  * that while); 0: no limit */
	uint64_t rss_cap;        /* bytes of Rss; 0: no cap */
	int as_caller;           /* the proc root and pidfiles are opened
				  * with the caller's rights
				  * (sw_caller_open), and the root must be
				  * the root of a proc file system
				  * (-SW_ENOTPROC): set when running with
				  * raised privileges */
	double warm_up;          /* seconds: a member younger than this is
				  * warming up, its own growth is not the
				  * group's (ledger.h); 0: none is */
	unsigned maps_every;     /* cycles between reads of the members'
				  * /proc/PID/maps (mapsprobe.h), which make
				  * a group due early when its mappings
				  * changed enough: 0 is full_every / 6 (at
				  * least 1) when tiered, never otherwise;
				  * SW_MAPS_NEVER: never */
} sw_groupset_opts;

#define SW_MAPS_NEVER 0xffffffffu

/* The tiering the plugins use unless told otherwise, and why:
 * - smaps at most once a minute: fine-grained beside an hour's window;
 * - early on a 10% and 16 MiB move of status Rss: sudden growth is seen
 *   within one interval, while small processes' jitter is not;
 * - half a second of page-table walk per process and read at most: one
 *   needing more is one you would not want stalled every minute;
 * - 32 GiB of Rss: above it reads take seconds (4.5 s for 200 GB, in
 *   process-exporter issue 246), so only groups that ask are read. */
#define SW_DEFAULT_FULL_INTERVAL 60.0          /* seconds */
#define SW_DEFAULT_EARLY_CHANGE 0.10
#define SW_DEFAULT_EARLY_MIN (16ull << 20)     /* bytes */
#define SW_DEFAULT_READ_BUDGET 0.5             /* seconds */
#define SW_DEFAULT_RSS_CAP (32ull << 30)       /* bytes */

/* What the last cycle cost, for the plugins' own metrics. */
typedef struct {
	long status_reads;       /* cheap reads (stat, status, fds) */
	long full_reads;         /* smaps reads */
	long maps_reads;         /* maps probes (no page walk, no stall) */
	uint64_t bytes_read;     /* of smaps */
	double read_seconds;     /* spent reading smaps (wall clock) */
	long backed_off;         /* processes skipped for the read budget */
	long capped;             /* processes skipped for rss_cap */
	long hidden;             /* processes whose stat we may not read (a
				  * proc mounted hidepid=1): in no group */
	long failed;             /* processes that could not be read for
				  * another reason than exiting (members
				  * among them are in their group's
				  * live.failed), or whose command line or
				  * cgroup could not be read to match them
				  * (out of fds, of memory): the groups
				  * that match on those may miss them */
	long unmatched;          /* of failed, those no group could be
				  * named for (never seen, or a fact to
				  * match them unreadable): not told
				  * through sw_proc_error_fn */
	long fact_reads;         /* cmdline and cgroup files read to match
				  * selectors: once per new process (or one
				  * that exec'd), however many selectors */
} sw_collect_cost;

/* A group's figures come in two parts that must not be mixed: what this
 * cycle saw of its live members, and what its last full read measured
 * (which may be several cycles old: see age). A rate or a leak signal
 * is computed from measured figures only, a "now" chart from live ones. */
typedef struct {
	long processes, threads, fds, sockets;   /* live members */
	long failed;             /* members that could not be read this
				  * cycle though they had not exited (out of
				  * fds or memory: EMFILE, ENFILE, ENOMEM
				  * on stat or status; each reported
				  * through sw_proc_error_fn). Not in
				  * processes; while a group has such
				  * members it is not taken as empty: its
				  * measured figures and its chain stay */
	long fds_uncounted;      /* members whose fds could not be counted
				  * (EACCES without CAP_DAC_READ_SEARCH...):
				  * not in fds nor sockets */
	sw_proc_status status;   /* summed status counters */
	int pidfile_error;       /* 0, or why a pidfile selector matched
				  * nothing (-ENOENT, -SW_EUNSAFE...) */
	const pid_t *pids;       /* the live members, in /proc order */
	const uint64_t *start_times;  /* and the start time of each */
	size_t npids;
} sw_group_live;

typedef struct {
	long processes;          /* processes whose smaps are in mem */
	long unreadable;         /* processes skipped for -EACCES */
	long failed;             /* processes skipped for another error */
	long backed_off;         /* skipped: over the read budget */
	long capped;             /* skipped: Rss over rss_cap */
	unsigned age;            /* cycles since that read (0: this one) */
	sw_memsum mem;
	const sw_subtotals *libs;  /* NULL when max_names is 0 */
	const sw_subtotals *named;
	uint64_t identity;       /* changes whenever the set of processes
				  * (pid, start time) measured in mem
				  * changes; 0 for none */
	uint32_t largest_vmas;   /* mappings of the measured member with
				  * the most (vm.max_map_count is per
				  * process) */
	double owned[SW_LEDGER_SERIES];  /* owned memory chained across
				  * membership changes (ledger.h), bytes,
				  * per category then total */
	uint64_t owned_epoch;    /* changes when that chain restarts (the
				  * group appears); 0 before its first */
	int owned_off;           /* owned is off for this read, and the
				  * next gives it back: a member vanished
				  * while the group was read, or had a
				  * child forked since the listing that no
				  * read counts (ledger.h) */
	int owned_last_off;      /* the last full read's owned was off: a
				  * member joining now was forked while it
				  * was taken (ledger.h) */
} sw_group_measured;

typedef struct {
	const char *name;
	sw_group_live live;          /* this cycle */
	sw_group_measured measured;  /* as of the last full read */
} sw_group_stats;

/* Told about each process that could not be collected (but not about
 * processes that simply exited). detail may be "". */
typedef void (*sw_proc_error_fn)(void *ctx, const char *group,
				 const sw_proc_stat *ps, int code,
				 const char *detail);

typedef struct sw_groupset sw_groupset;

sw_groupset *sw_groupset_new(const sw_groupset_opts *o);
void sw_groupset_free(sw_groupset *gs);

/* sw_groupset_add - add a selector to group `name`, creating the group on
 * first use. On failure (bad regex, bad pid, -EBUSY after the first
 * collect) writes a reason into err. Returns 0 or < 0. */
int sw_groupset_add(sw_groupset *gs, const char *name, sw_selector_kind k,
		    const char *arg, char *err, size_t errlen);

/* sw_groupset_collect - one pass over the proc root (opened at the first
 * call and kept). Returns the number of processes read, or < 0 when the
 * proc root itself cannot be read. */
int sw_groupset_collect(sw_groupset *gs, sw_proc_error_fn on_error,
			void *ctx);

/* sw_groupset_allow_large - group `name` is read in full whatever its
 * processes' Rss (rss_cap does not apply). 0, or -ENOENT. */
int sw_groupset_allow_large(sw_groupset *gs, const char *name);

/* sw_groupset_may_read - whether process (pid, start_time), a member of
 * group g at the last sw_groupset_collect(), may be read in full now:
 * the cycle's own rule (sw_tier_may_read), for the plugins' reads on
 * demand (drill-down tables, the Netdata function). 0; -SW_ECAPPED when
 * its status Rss was over rss_cap and no group it is in allows large ones;
 * -SW_ESLOW while it is backed off; -ESRCH when it was not a member of g. */
int sw_groupset_may_read(const sw_groupset *gs, size_t g, pid_t pid,
			 uint64_t start_time);

/* What the cycle reads in full, for a frontend that answers from it
 * (the Netdata function's tables) instead of reading smaps again: for
 * each process read, begin, then mapping for each of its mappings with
 * its category (as the read goes: the figures are whole only if end's
 * result is 0), then end with the result (0, or why not: the process
 * may have exited mid-read) and, on success, its sums. Any may be NULL. */
typedef struct {
	void (*begin)(void *ctx, const sw_proc_stat *ps);
	void (*mapping)(void *ctx, const sw_mapping *m, sw_category c);
	void (*end)(void *ctx, const sw_proc_stat *ps, int result,
		    const sw_memsum *mem);
	void *ctx;
} sw_read_watch;

/* sw_groupset_watch_reads - from the next sw_groupset_collect() on, tell
 * w (copied) about every full read; NULL stops it. */
void sw_groupset_watch_reads(sw_groupset *gs, const sw_read_watch *w);

/* sw_groupset_cost - what the last sw_groupset_collect() cost. */
const sw_collect_cost *sw_groupset_cost(const sw_groupset *gs);

size_t sw_groupset_size(const sw_groupset *gs);
const sw_group_stats *sw_groupset_get(const sw_groupset *gs, size_t i);

#endif
