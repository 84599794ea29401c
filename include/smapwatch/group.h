/* group.h - named groups of processes and their summed figures.
 *
 * A group is a name plus selectors; its figures are the sums over its live
 * processes at the last sw_groupset_collect(). A process matching several
 * groups is read once and counted in each. Processes are known by
 * (pid, start time), so a reused pid is never taken for its predecessor:
 * what was learnt about a pid (its command line, its unit) is dropped when
 * the start time changes. */
#ifndef SMAPWATCH_GROUP_H
#define SMAPWATCH_GROUP_H

#include <stddef.h>
#include "smapwatch/memsum.h"
#include "smapwatch/procfs.h"
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
} sw_groupset_opts;

typedef struct {
	const char *name;
	long processes, threads, fds, sockets;
	long unreadable;         /* processes skipped for -EACCES */
	long failed;             /* processes skipped for another error */
	sw_memsum mem;
	const sw_subtotals *libs;  /* NULL when max_names is 0 */
	const sw_subtotals *named;
	const pid_t *pids;       /* the processes counted, in /proc order */
	const uint64_t *start_times;  /* and the start time of each */
	size_t npids;
	uint64_t identity;       /* changes whenever the set of processes
				  * (pid, start time) counted changes; 0 for
				  * none */
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

/* sw_groupset_collect - one pass over the proc root. Returns the number of
 * processes read, or < 0 when the proc root itself cannot be read. */
int sw_groupset_collect(sw_groupset *gs, sw_proc_error_fn on_error,
			void *ctx);

size_t sw_groupset_size(const sw_groupset *gs);
const sw_group_stats *sw_groupset_get(const sw_groupset *gs, size_t i);

#endif
