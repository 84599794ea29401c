/* selector.h - the selectors of a groupset, and which groups a process
 * is in. Internal to the core.
 *
 * A selector is matched on facts about a process: its comm and pid
 * (from stat, every cycle), its command line and its unit (costly: each
 * read of cmdline takes the target's mmap_lock). The costly facts are read
 * at most once per process however many selectors ask, and the answers
 * kept per selector in a row the process cache holds: a row is valid for
 * one (pid, start time, exec mark), so a process that execs or renames
 * itself is asked again. */
#ifndef SW_SELECTOR_H
#define SW_SELECTOR_H

#include <regex.h>
#include <stddef.h>
#include <sys/types.h>
#include "smapwatch/group.h"
#include "smapwatch/procfs.h"
#include "smapwatch/procroot.h"

/* Cached answers, one byte per selector. */
enum { SEL_UNKNOWN = 0, SEL_NO = 1, SEL_YES = 2 };

typedef struct {
	sw_selector_kind kind;
	size_t group;
	char *arg;
	size_t arg_len;
	regex_t re;
	pid_t pid;             /* SW_SEL_PID, or this cycle's pidfile pid */
} sel;

typedef struct {
	sel *v;
	size_t n;
	char *cmdline;         /* the reused buffer of command lines */
	size_t cmdline_cap;
	long fact_reads;       /* cmdline and cgroup files read */
	long fact_failures;    /* processes a fact of which could not be
				* read for another reason than exiting
				* (EMFILE, ENOMEM...): the groups that
				* needed it do not have them */
} sel_set;

/* sel_add - a selector for group g; on a bad argument, why in err.
 * 0 or < 0. */
int sel_add(sel_set *s, size_t g, sw_selector_kind k, const char *arg,
	    char *err, size_t errlen);

void sel_free(sel_set *s);

/* sel_match - which groups ps is in, into matched[ngroups] (0 or 1);
 * how many. row holds this process's cached answers (s->n bytes, NULL
 * for none kept): known ones are used, unknown ones learnt through
 * *pidfd, a directory fd of its /proc/PID opened from root when first
 * needed (and left open for the caller to close); root NULL: only what
 * row holds is used. */
size_t sel_match(sel_set *s, const sw_proc_stat *ps, const sw_procroot *root,
		 int *pidfd, unsigned char *row, unsigned char *matched,
		 size_t ngroups);

#endif
