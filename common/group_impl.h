/* group_impl.h - private: the groupset's structures, shared by group.c
 * (groups, selectors, matching) and cycle.c (one collection cycle). */
#ifndef SMAPWATCH_GROUP_IMPL_H
#define SMAPWATCH_GROUP_IMPL_H

#include <regex.h>
#include "smapwatch/collector.h"
#include "smapwatch/group.h"

#define CMDLINE_MAX 4096

enum { UNKNOWN = 0, NO = 1, YES = 2 };

typedef struct {
	sw_selector_kind kind;
	size_t group;
	char *arg;
	size_t arg_len;
	regex_t re;
	pid_t pid;             /* SW_SEL_PID, or this cycle's pidfile pid */
} selector;

typedef struct {
	char *name;
	sw_group_stats st;
	sw_subtotals *libs, *named;
	pid_t *pids;             /* members this cycle; capacity only grows */
	uint64_t *starts;        /* their start times */
	size_t pids_cap;
	int allow_large;         /* rss_cap does not apply */
	/* tiering: the state of the last full read */
	long processes_at_full;  /* members then */
	uint64_t rss_at_full;    /* status Rss then */
	int due;                 /* this cycle reads smaps */
	sw_ledger ledger;        /* owned memory across membership changes */
	int ever_read;
} group;

typedef struct {
	pid_t pid;
	uint64_t start;
	size_t res;            /* index of its nsel results in the arena */
	unsigned backoff;      /* over the read budget this many times running */
	unsigned skip;         /* full reads still to skip */
} known;

/* A process in at least one group, this cycle. */
typedef struct {
	sw_proc_stat ps;
	sw_proc_status status;
	size_t known;          /* its entry in cur, or SIZE_MAX */
	size_t groups;         /* offset of its ngroups flags in member_groups */
} member;

typedef struct {
	known *v;
	size_t n, cap;
	unsigned char *res;    /* n x nsel match results: UNKNOWN, NO, YES */
} known_set;

struct sw_groupset {
	char *root;
	sw_groupset_opts opts;
	group *groups;
	size_t ngroups;
	selector *sels;
	size_t nsels;
	int frozen;
	known_set cur, prev;
	unsigned char *matched;   /* per group, this process */
	sw_collector *collector;
	char cmdline[CMDLINE_MAX];
	member *members;          /* this cycle's, capacity only grows */
	size_t nmembers, members_cap;
	unsigned char *member_groups;
	unsigned long cycle;
	long ticks_per_second;    /* of start times (sysconf(_SC_CLK_TCK)) */
	sw_collect_cost cost;
};

/* grp_match - which groups ps is in, into gs->matched; how many. Its
 * cache entry is the last of gs->cur. */
size_t grp_match(sw_groupset *gs, const sw_proc_stat *ps);

/* grp_known_swap - end of cycle: this cycle's cache becomes the last. */
void grp_known_swap(sw_groupset *gs);

/* grp_known_last - the last cycle's entry of pid (sorted prev), or NULL. */
const known *grp_known_last(const sw_groupset *gs, pid_t pid);

/* grp_freeze - no more selectors; allocate what collection needs. */
int grp_freeze(sw_groupset *gs);

#endif
