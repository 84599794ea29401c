/* cycle.c - one collection cycle, tiered (see group.h), in two passes.
 *
 * Pass 1 walks the proc root: each process's stat, the groups it is in,
 * and for members their status and fds (cheap: no page-table walk). Then
 * each group decides whether its smaps are due. Pass 2 reads smaps of the
 * members of due groups only, once per process however many groups it is
 * in, within the read budget and the Rss cap. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "smapwatch/error.h"
#include "dirents.h"
#include "group_impl.h"

#define MAX_BACKOFF 6   /* skip at most 2^6 - 1 = 63 full reads */

/* A sum of well-mixed hashes: the same set of processes gives the same
 * value in any order, a different set almost surely another. `salt`
 * tells a measured process from one left out (capped, backed off). */
static uint64_t process_identity(const sw_proc_stat *ps, uint64_t salt)
{
	uint64_t x = (uint64_t)ps->pid * 0x9e3779b97f4a7c15ull ^ ps->start_time;
	x ^= salt;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return (x ^ (x >> 31)) | 1;
}

static int add_member(group *gr, const sw_proc_stat *ps)
{
	if (gr->st.live.npids == gr->pids_cap) {
		size_t cap = gr->pids_cap ? 2 * gr->pids_cap : 16;
		pid_t *p = realloc(gr->pids, cap * sizeof(*p));
		if (p)
			gr->pids = p;
		uint64_t *s = p ? realloc(gr->starts, cap * sizeof(*s)) : NULL;
		if (!s)
			return -ENOMEM;
		gr->starts = s;
		gr->pids_cap = cap;
	}
	gr->starts[gr->st.live.npids] = ps->start_time;
	gr->pids[gr->st.live.npids++] = ps->pid;
	gr->st.live.pids = gr->pids;
	gr->st.live.start_times = gr->starts;
	return 0;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- pass 1: members and their cheap counters ------------------------ */

static member *new_member(sw_groupset *gs)
{
	if (gs->nmembers == gs->members_cap) {
		size_t cap = gs->members_cap ? 2 * gs->members_cap : 64;
		member *m = realloc(gs->members, cap * sizeof(*m));
		if (m)
			gs->members = m;
		unsigned char *f = m ? realloc(gs->member_groups, cap * gs->ngroups)
				     : NULL;
		if (!f)
			return NULL;
		gs->member_groups = f;
		gs->members_cap = cap;
	}
	member *m = &gs->members[gs->nmembers];
	m->groups = gs->nmembers++ * gs->ngroups;
	memcpy(gs->member_groups + m->groups, gs->matched, gs->ngroups);
	return m;
}

/* The cache entry grp_match() made for ps: the last one, unless it could
 * not make one (out of memory): then none, and no back-off is kept. */
static known *entry_of(sw_groupset *gs, const sw_proc_stat *ps)
{
	known *k = gs->cur.n ? &gs->cur.v[gs->cur.n - 1] : NULL;
	return k && k->pid == ps->pid && k->start == ps->start_time ? k : NULL;
}

static void count_member(sw_groupset *gs, const member *m, long fds,
			 long sockets)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		group *gr = &gs->groups[g];
		if (!gs->matched[g] || add_member(gr, &m->ps))
			continue;
		gr->st.live.processes++;
		gr->st.live.threads += m->ps.threads;
		gr->st.live.fds_uncounted += fds < 0;
		gr->st.live.fds += fds < 0 ? 0 : fds;
		gr->st.live.sockets += sockets;
		gr->st.live.status.rss += m->status.rss;
		gr->st.live.status.rss_anon += m->status.rss_anon;
		gr->st.live.status.rss_file += m->status.rss_file;
		gr->st.live.status.rss_shmem += m->status.rss_shmem;
		gr->st.live.status.swap += m->status.swap;
	}
}

static void visit(sw_groupset *gs, pid_t pid)
{
	sw_proc_stat ps;
	sw_proc_status status;
	long fds = 0, sockets = 0;
	int r = sw_proc_read_stat(gs->root, pid, &ps);
	if (r == -EPERM || r == -EACCES)
		gs->cost.hidden++;  /* listed but closed to us: hidepid=1 */
	/* A zombie has no memory left and will be gone: not a member. */
	if (r || ps.state == 'Z' || ps.state == 'X' || !grp_match(gs, &ps))
		return;
	/* No status (a saved tree, or it just exited: smaps will tell) is
	 * no cheap counters, not no process. */
	if (sw_proc_read_status(gs->root, pid, &status))
		memset(&status, 0, sizeof(status));
	int fr = sw_proc_count_fds(gs->root, pid, &fds,
				   gs->opts.count_sockets ? &sockets : NULL);
	if (fr && !sw_error_is_gone(fr))
		fds = -1;  /* not counted (EACCES...): not a real 0 */
	gs->cost.status_reads++;
	member *m = new_member(gs);
	if (!m)
		return;  /* out of memory: this process is left out whole */
	m->ps = ps;
	m->status = status;
	known *k = entry_of(gs, &ps);
	m->known = k ? (size_t)(k - gs->cur.v) : SIZE_MAX;
	count_member(gs, m, fds, sockets);
}

/* ---- between the passes: which groups read smaps --------------------- */

/* A group that appears or empties is read at once (an empty one costs no
 * read). Other changes of its members are not a reason by themselves: a
 * pool whose workers come and go would be read whole every cycle. What
 * they change in memory is seen by the early rule. */
static int is_due(const sw_groupset *gs, const group *gr)
{
	const sw_groupset_opts *o = &gs->opts;
	if (!gr->ever_read || (gr->processes_at_full == 0) !=
	    (gr->st.live.processes == 0) || o->full_every <= 1 ||
	    gr->st.measured.age + 1 >= o->full_every)
		return 1;
	uint64_t now = gr->st.live.status.rss, then = gr->rss_at_full;
	uint64_t moved = now > then ? now - then : then - now;
	return o->early_change > 0 && moved > o->early_min &&
	       (double)moved > o->early_change * (double)then;
}

/* A due group starts its memory figures afresh. */
static void begin_full(group *gr)
{
	sw_group_measured *m = &gr->st.measured;
	memset(&m->mem, 0, sizeof(m->mem));
	m->processes = m->unreadable = m->failed = 0;
	m->backed_off = m->capped = 0;
	m->age = 0;
	m->identity = 0;
	m->largest_vmas = 0;
	sw_ledger_begin(&gr->ledger);
	gr->processes_at_full = gr->st.live.processes;
	gr->rss_at_full = gr->st.live.status.rss;
	gr->ever_read = 1;
	if (gr->libs) {
		sw_subtotals_clear(gr->libs);
		sw_subtotals_clear(gr->named);
	}
}

static void decide(sw_groupset *gs)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		group *gr = &gs->groups[g];
		gr->due = is_due(gs, gr);
		if (gr->due)
			begin_full(gr);
		else
			gr->st.measured.age++;
	}
}

/* ---- pass 2: smaps of the members of due groups ---------------------- */

/* gs->matched := the due groups m is in; how many. */
static size_t due_groups(sw_groupset *gs, const member *m, int *allow_large)
{
	size_t n = 0;
	*allow_large = 0;
	for (size_t g = 0; g < gs->ngroups; g++) {
		gs->matched[g] = gs->member_groups[m->groups + g] &&
				 gs->groups[g].due;
		n += gs->matched[g];
		*allow_large |= gs->matched[g] && gs->groups[g].allow_large;
	}
	return n;
}

enum { LEFT_CAPPED = 1, LEFT_BACKED_OFF = 2 };

/* The Rss cap: m's status Rss over it, and none of the groups it is read
 * for allows large processes. */
static int over_cap(const sw_groupset *gs, const member *m, int allow_large)
{
	return gs->opts.rss_cap && m->status.rss > gs->opts.rss_cap &&
	       !allow_large;
}

/* m is not measured this time: counted as such, and in the identity (the
 * set of processes in mem). The ledger sees it as a leaver, then a joiner
 * when it is measured again. */
static void leave_out(sw_groupset *gs, const member *m, int why)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (!gs->matched[g])
			continue;
		group *gr = &gs->groups[g];
		if (why == LEFT_CAPPED)
			gr->st.measured.capped++;
		else
			gr->st.measured.backed_off++;
		gr->st.measured.identity +=
			process_identity(&m->ps, (uint64_t)why);
	}
	if (why == LEFT_CAPPED)
		gs->cost.capped++;
	else
		gs->cost.backed_off++;
}

static void account(sw_groupset *gs, const member *m, const sw_memsum *mem)
{
	sw_ledger_member lm;
	sw_ledger_member_of(&lm, m->ps.pid, m->ps.start_time, mem);
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (!gs->matched[g])
			continue;
		group *gr = &gs->groups[g];
		gr->st.measured.processes++;
		gr->st.measured.identity += process_identity(&m->ps, 0);
		sw_memsum_merge(&gr->st.measured.mem, mem);
		if (mem->total_vmas > gr->st.measured.largest_vmas)
			gr->st.measured.largest_vmas = mem->total_vmas;
		/* out of memory: left out of the ledger, i.e. a leaver */
		(void)sw_ledger_add(&gr->ledger, &lm);
		if (gr->libs) {
			sw_subtotals_merge(gr->libs, sw_collector_libs(gs->collector));
			sw_subtotals_merge(gr->named,
					   sw_collector_named(gs->collector));
		}
	}
}

static void report(sw_groupset *gs, const sw_proc_stat *ps, int code,
		   sw_proc_error_fn on_error, void *ctx)
{
	const char *first = NULL;
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (!gs->matched[g])
			continue;
		if (code == -EACCES)
			gs->groups[g].st.measured.unreadable++;
		else if (code != -SW_ESLOW)
			gs->groups[g].st.measured.failed++;
		if (!first)
			first = gs->groups[g].name;
	}
	if (on_error)
		on_error(ctx, first, ps, code,
			 code == -EACCES || code == -SW_ESLOW
				 ? "" : sw_collector_detail(gs->collector));
}

/* A read over the budget skips the next 1, 3, 7... full reads of the
 * process; one within it ends the back-off. */
static void apply_budget(sw_groupset *gs, known *k, const member *m,
			 double took, sw_proc_error_fn on_error, void *ctx)
{
	if (gs->opts.read_budget <= 0 || took <= gs->opts.read_budget) {
		k->backoff = 0;
		return;
	}
	if (k->backoff < MAX_BACKOFF)
		k->backoff++;
	k->skip = (1u << k->backoff) - 1;
	report(gs, &m->ps, -SW_ESLOW, on_error, ctx);
}

/* Returns 1 when m's smaps were read. */
static int read_member(sw_groupset *gs, const member *m,
		       sw_proc_error_fn on_error, void *ctx)
{
	int allow_large;
	known none = {0}, *k = m->known == SIZE_MAX ? &none : &gs->cur.v[m->known];
	sw_memsum mem;
	if (!due_groups(gs, m, &allow_large))
		return 0;
	if (over_cap(gs, m, allow_large)) {
		leave_out(gs, m, LEFT_CAPPED);
		return 0;
	}
	if (k->skip) {
		k->skip--;
		leave_out(gs, m, LEFT_BACKED_OFF);
		return 0;
	}
	double t0 = now_seconds();
	int r = sw_collect_process(gs->collector, gs->root, m->ps.pid,
				   m->ps.start_time, &mem, NULL, NULL);
	double took = now_seconds() - t0;
	gs->cost.full_reads++;
	gs->cost.read_seconds += took;
	gs->cost.bytes_read += sw_collector_bytes(gs->collector);
	/* Gone since the listing: a leaver now. (Carrying it one more read
	 * as last read, for the others read while it still shared, was
	 * measured worse: a forking master whose children exit every second
	 * read 17% low and then 0 in i12b's collectd shapes, exact without.) */
	if (r == 0)
		account(gs, m, &mem);
	else if (!sw_error_is_gone(r))
		report(gs, &m->ps, r, on_error, ctx);
	if (r == 0)
		apply_budget(gs, k, m, took, on_error, ctx);
	return r == 0;
}

/* ---- after pass 2: the ledgers ------------------------------------- */

/* Start times are clock ticks after boot, so "young" is a start time
 * after now (CLOCK_BOOTTIME, in ticks) minus the warm-up. */
static uint64_t young_since(const sw_groupset *gs)
{
	struct timespec ts;
	double hz = (double)gs->ticks_per_second, warm = gs->opts.warm_up;
	if (warm <= 0 || clock_gettime(CLOCK_BOOTTIME, &ts))
		return UINT64_MAX;
	double now = ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9) * hz;
	return now > warm * hz ? (uint64_t)(now - warm * hz) : 0;
}

/* A read that measured none of a group's live processes (all backed off,
 * capped or failing this time) is no read for the ledger: its members
 * stay as last read, so the chain goes on at the next read instead of
 * starting again (a single slow process would otherwise never span a
 * window). Only an empty group ends the chain. */
static void commit_ledgers(sw_groupset *gs)
{
	uint64_t young = young_since(gs);
	for (size_t g = 0; g < gs->ngroups; g++) {
		group *gr = &gs->groups[g];
		if (!gr->due || (gr->st.measured.processes == 0 &&
				 gr->st.live.processes > 0))
			continue;
		sw_ledger_commit(&gr->ledger, young);
		memcpy(gr->st.measured.owned, gr->ledger.chained,
		       sizeof(gr->st.measured.owned));
		gr->st.measured.owned_epoch = gr->ledger.epoch;
	}
}

/* ---- the cycle -------------------------------------------------------- */

/* A pidfile is followed only when it is a regular file owned by root or
 * by the user the process it names runs as: the owner of /proc/PID, or
 * the effective uid in its status (a process that is not dumpable, one
 * that changed user after starting as root, has a root-owned /proc/PID).
 * Not the real uid: a set-user-ID program started by the pidfile's owner
 * (su, passwd) runs as root. */
static int read_pidfile(const sw_groupset *gs, const selector *s, pid_t *pid)
{
	char path[SW_PATH_MAX];
	struct stat st;
	sw_proc_status ps;
	uid_t owner;
	int r = sw_read_pidfile(s->arg, gs->opts.as_caller, pid, &owner);
	if (r || owner == 0)
		return r;
	if (sw_proc_path(path, sizeof(path), gs->root, *pid, "") ||
	    stat(path, &st))
		return 0;  /* no such process: it matches nothing anyway */
	if (st.st_uid == owner)
		return 0;
	if (sw_proc_read_status(gs->root, *pid, &ps) == 0 && ps.has_uid &&
	    ps.euid == owner)
		return 0;
	return -SW_EUNSAFE;
}

static void read_pidfiles(sw_groupset *gs)
{
	for (size_t i = 0; i < gs->nsels; i++) {
		selector *s = &gs->sels[i];
		if (s->kind != SW_SEL_PIDFILE)
			continue;
		int r = read_pidfile(gs, s, &s->pid);
		if (r) {
			s->pid = 0;
			gs->groups[s->group].st.live.pidfile_error = r;
		}
	}
}

static void begin_cycle(sw_groupset *gs)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		sw_group_live *l = &gs->groups[g].st.live;
		l->pidfile_error = 0;
		l->processes = l->threads = l->fds = l->sockets = 0;
		l->fds_uncounted = 0;
		memset(&l->status, 0, sizeof(l->status));
		l->npids = 0;
	}
	gs->nmembers = 0;
	memset(&gs->cost, 0, sizeof(gs->cost));
	gs->cycle++;
	read_pidfiles(gs);
}

static pid_t dirent_pid(const char *name)
{
	long v = 0;
	for (const char *p = name; *p; p++) {
		if (*p < '0' || *p > '9' || v > 4194304)
			return 0;
		v = v * 10 + (*p - '0');
	}
	return (pid_t)v;
}

static int visit_entry(void *ctx, int dirfd, const char *name)
{
	(void)dirfd;
	pid_t pid = dirent_pid(name);
	if (pid > 0)
		visit(ctx, pid);
	return 0;
}

int sw_groupset_may_read(const sw_groupset *gs, size_t g, pid_t pid,
			 uint64_t start_time)
{
	for (size_t i = 0; g < gs->ngroups && i < gs->nmembers; i++) {
		const member *m = &gs->members[i];
		if (m->ps.pid != pid || m->ps.start_time != start_time ||
		    !gs->member_groups[m->groups + g])
			continue;
		/* as the cycle: read when any group it is in allows it */
		int allow_large = 0;
		for (size_t h = 0; h < gs->ngroups; h++)
			allow_large |= gs->member_groups[m->groups + h] &&
				       gs->groups[h].allow_large;
		if (over_cap(gs, m, allow_large))
			return -SW_ECAPPED;
		const known *k = grp_known_last(gs, pid);
		return k && k->start == start_time && k->skip ? -SW_ESLOW : 0;
	}
	return -ESRCH;
}

int sw_groupset_collect(sw_groupset *gs, sw_proc_error_fn on_error, void *ctx)
{
	_Alignas(8) char buf[SW_DIRENTS_BUF];
	int r = grp_freeze(gs);
	if (r)
		return r;
	int fd = sw_dir_open(gs->root);
	if (fd < 0)
		return fd;
	begin_cycle(gs);
	/* An error mid-listing (rare) leaves the processes seen so far. */
	sw_dirents(fd, buf, sizeof(buf), visit_entry, gs);
	close(fd);
	decide(gs);
	int read = 0;
	for (size_t i = 0; i < gs->nmembers; i++)
		read += read_member(gs, &gs->members[i], on_error, ctx);
	commit_ledgers(gs);
	grp_known_swap(gs);
	return read;
}
