/* cycle.c - the groupset, and one collection cycle, tiered (group.h), in
 * two passes. It orchestrates: selector.h matches, proccache.h remembers
 * each process, tiering.h decides, grp.h adds up, pidfile.h follows
 * pidfiles.
 *
 * Pass 1 walks the proc root (its fd kept, procroot.h): each process's
 * stat (one open from the root: most processes are in no group), the
 * groups it is in, and for members, through a directory fd of their
 * /proc/PID, stat again, status and fds (cheap: no page-table walk). Then each group
 * decides whether its smaps are due. Pass 2 reads smaps of the members of
 * due groups only, once per process however many groups it is in, as the
 * cap and the back-off allow. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>
#include "smapwatch/clock.h"
#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/pid.h"
#include "smapwatch/procroot.h"
#include "dirents.h"
#include "grp.h"
#include "pidfile.h"
#include "proccache.h"
#include "selector.h"

/* The maps probe's read buffer: more than any line (a path of PATH_MAX
 * with every byte escaped is 16 KiB). */
#define MAPS_BUF (64 * 1024)

/* A process in at least one group, this cycle. */
typedef struct {
	sw_proc_stat ps;
	sw_proc_status status;
	size_t entry;          /* its entry in the cache's cur, or SIZE_MAX */
	size_t groups;         /* offset of its ngroups flags in member_groups */
	int allow_large;       /* a group it is in allows large processes */
} member;

struct sw_groupset {
	char *root_path;
	sw_procroot root;         /* opened at the first collect */
	sw_groupset_opts opts;
	sw_tier_opts tier;
	grp *groups;
	size_t ngroups;
	sel_set sels;
	proc_cache cache;
	int frozen;
	unsigned char *matched;   /* per group, this process */
	sw_collector *collector;
	member *members;          /* this cycle's, capacity only grows */
	size_t nmembers, members_cap;
	unsigned char *member_groups;
	pidfile_ctx pidfiles;
	sw_collect_cost cost;
	sw_read_watch watch;      /* told about full reads */
	unsigned long cycle;
	int probe_maps;           /* this cycle reads the members' maps */
	double began;             /* when this cycle's listing began, in
				   * ticks since boot; -1: unknown */
	char *maps_buf;
	sw_proc_error_fn on_error;  /* this cycle's */
	void *ctx;
};

/* ---- the groupset ------------------------------------------------------ */

sw_groupset *sw_groupset_new(const sw_groupset_opts *o)
{
	sw_groupset *gs = calloc(1, sizeof(*gs));
	if (!gs)
		return NULL;
	gs->opts = *o;
	gs->tier = (sw_tier_opts){o->full_every, o->early_change, o->early_min,
				  o->read_budget, o->rss_cap};
	gs->root.fd = -1;
	gs->pidfiles.root = &gs->root;
	gs->pidfiles.as_caller = o->as_caller;
	gs->pidfiles.ticks_per_second = sysconf(_SC_CLK_TCK);
	if (gs->pidfiles.ticks_per_second <= 0)
		gs->pidfiles.ticks_per_second = 100;
	gs->root_path = strdup(o->proc_root ? o->proc_root : "/proc");
	sw_collector_opts co = {.max_names = o->max_names};
	gs->collector = sw_collector_new(&co);
	gs->maps_buf = malloc(MAPS_BUF);
	if (!gs->root_path || !gs->collector || !gs->maps_buf) {
		sw_groupset_free(gs);
		return NULL;
	}
	return gs;
}

void sw_groupset_free(sw_groupset *gs)
{
	if (!gs)
		return;
	sel_free(&gs->sels);
	for (size_t i = 0; i < gs->ngroups; i++)
		grp_free(&gs->groups[i]);
	free(gs->groups);
	pc_free(&gs->cache);
	free(gs->matched);
	free(gs->members);
	free(gs->member_groups);
	sw_collector_free(gs->collector);
	free(gs->maps_buf);
	sw_procroot_close(&gs->root);
	free(gs->root_path);
	free(gs);
}

static long find_group(const sw_groupset *gs, const char *name)
{
	for (size_t i = 0; i < gs->ngroups; i++)
		if (strcmp(gs->groups[i].name, name) == 0)
			return (long)i;
	return -1;
}

static long add_group(sw_groupset *gs, const char *name)
{
	long i = find_group(gs, name);
	if (i >= 0)
		return i;
	grp *g = realloc(gs->groups, (gs->ngroups + 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	gs->groups = g;
	if (grp_init(&g[gs->ngroups], name, gs->opts.max_names))
		return -ENOMEM;
	return (long)gs->ngroups++;
}

int sw_groupset_add(sw_groupset *gs, const char *name, sw_selector_kind k,
		    const char *arg, char *err, size_t errlen)
{
	if (gs->frozen) {
		snprintf(err, errlen, "groups cannot change after collection");
		return -EBUSY;
	}
	if (!*name || !*arg || (unsigned)k >= SW_SEL_KIND_COUNT) {
		snprintf(err, errlen, "empty group name or selector");
		return -EINVAL;
	}
	/* the group only once its selector is good: a bad one adds nothing */
	sel_set trial = {0};
	int r = sel_add(&trial, 0, k, arg, err, errlen);
	sel_free(&trial);
	if (r)
		return r;
	long g = add_group(gs, name);
	r = g < 0 ? (int)g : sel_add(&gs->sels, (size_t)g, k, arg, err, errlen);
	if (r && g < 0)
		snprintf(err, errlen, "out of memory");
	return r;
}

int sw_groupset_allow_large(sw_groupset *gs, const char *name)
{
	long g = find_group(gs, name);
	if (g < 0)
		return -ENOENT;
	gs->groups[g].allow_large = 1;
	return 0;
}

void sw_groupset_watch_reads(sw_groupset *gs, const sw_read_watch *w)
{
	memset(&gs->watch, 0, sizeof(gs->watch));
	if (w)
		gs->watch = *w;
}

const sw_collect_cost *sw_groupset_cost(const sw_groupset *gs)
{
	return &gs->cost;
}

size_t sw_groupset_size(const sw_groupset *gs)
{
	return gs->ngroups;
}

const sw_group_stats *sw_groupset_get(const sw_groupset *gs, size_t i)
{
	return i < gs->ngroups ? &gs->groups[i].st : NULL;
}

/* How many fds the cache may keep open across cycles for the members
 * (up to three each: pc_fds): half the soft RLIMIT_NOFILE, the other half
 * left to the host (collectd's other plugins, sockets) and to the reads.
 * A member over the budget has its files opened each cycle instead (and
 * stat read twice). */
static size_t kept_fd_budget(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 512;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 21))
		return 1u << 20;
	return rl.rlim_cur > 64 ? (size_t)(rl.rlim_cur / 2) : 0;
}

/* No more selectors; what collection needs, and the proc root (tried
 * again at the next cycle when it cannot be opened). */
static int freeze(sw_groupset *gs)
{
	if (!gs->frozen) {
		gs->matched = calloc(gs->ngroups ? gs->ngroups : 1, 1);
		if (!gs->matched)
			return -ENOMEM;
		pc_init(&gs->cache, gs->sels.n, kept_fd_budget());
		gs->frozen = 1;
	}
	if (gs->root.fd >= 0)
		return 0;
	int r = sw_procroot_open(&gs->root, gs->root_path, gs->opts.as_caller);
	if (r)
		return r;
	if (gs->opts.as_caller && !gs->root.is_procfs) {
		sw_procroot_close(&gs->root);
		return -SW_ENOTPROC;
	}
	gs->pidfiles.boot_time = pidfile_boot_time(&gs->root);
	return 0;
}

/* ---- pass 1: members and their cheap counters ------------------------ */

/* Told to the frontend, under the first of gs->matched's groups. */
static void tell(sw_groupset *gs, const sw_proc_stat *ps, int code,
		 const char *detail)
{
	for (size_t g = 0; g < gs->ngroups; g++)
		if (gs->matched[g]) {
			if (gs->on_error)
				gs->on_error(gs->ctx, gs->groups[g].name, ps,
					     code, detail);
			return;
		}
}

/* ps, in gs->matched's groups, could not be read this cycle though it
 * had not exited: a failure, not a leaver. */
static void member_failed(sw_groupset *gs, const sw_proc_stat *ps, int code)
{
	for (size_t g = 0; g < gs->ngroups; g++)
		gs->groups[g].st.live.failed += gs->matched[g];
	gs->cost.failed++;
	tell(gs, ps, code, "");
}

/* n processes failed that no group can be named for. */
static void unmatched(sw_groupset *gs, long n)
{
	gs->cost.failed += n;
	gs->cost.unmatched += n;
}

/* stat of pid could not be read (code). Gone is gone; a process closed
 * to us is hidden; anything else (EMFILE, ENFILE, ENOMEM...) fails the
 * groups it was in last cycle, as they knew it. */
static pc_entry *not_read(sw_groupset *gs, pid_t pid, int code)
{
	unsigned char *row;
	if (sw_error_is_gone(code))
		return NULL;
	if (code == -EPERM || code == -EACCES) {
		gs->cost.hidden++;  /* listed but closed to us: hidepid=1 */
		return NULL;
	}
	const pc_entry *old = pc_last(&gs->cache, pid);
	pc_entry *e = old ? pc_carry(&gs->cache, old, &row) : NULL;
	if (!e) {
		unmatched(gs, 1);  /* never seen: in no group we know of */
		return NULL;
	}
	int none = -1;
	if (sel_match(&gs->sels, &e->ps, NULL, &none, row, gs->matched,
		      gs->ngroups))
		member_failed(gs, &e->ps, code);
	else
		unmatched(gs, 1);
	return e;
}

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
	m->allow_large = 0;
	for (size_t g = 0; g < gs->ngroups; g++)
		m->allow_large |= gs->matched[g] && gs->groups[g].allow_large;
	return m;
}

static void count_member(sw_groupset *gs, const member *m, long fds,
			 long sockets)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		grp *gr = &gs->groups[g];
		if (gs->matched[g] &&
		    grp_add_live(gr, &m->ps, &m->status, fds, sockets)) {
			gr->st.live.failed++;
			gs->cost.failed++;
			if (gs->on_error)
				gs->on_error(gs->ctx, gr->name, &m->ps, -ENOMEM, "");
		}
	}
}

/* Between the passes, on a probe cycle: the maps of the members of each
 * group whose members' address space (status VmSize, summed) changed
 * since its probe's reference, or that has none, summed per group
 * (mapsprobe.h). A steady group costs no maps read at all. A member whose
 * maps cannot be read (gone, or a saved tree without maps) leaves its
 * groups without a probe this cycle: no reason either way. */
static void probe_maps(sw_groupset *gs)
{
	int any = 0;
	for (size_t g = 0; g < gs->ngroups; g++) {
		grp *gr = &gs->groups[g];
		gr->maps_probe = gs->probe_maps && (!gr->maps_then_ok ||
			gr->st.live.status.vm_size != gr->maps_vm_size);
		any |= gr->maps_probe;
	}
	for (size_t i = 0; any && i < gs->nmembers; i++) {
		const member *m = &gs->members[i];
		const unsigned char *in = gs->member_groups + m->groups;
		int want = 0;
		for (size_t g = 0; g < gs->ngroups; g++)
			want |= in[g] && gs->groups[g].maps_probe;
		if (!want)
			continue;
		sw_maps_probe p;
		int fd = sw_procroot_pid(&gs->root, m->ps.pid);
		int r = fd < 0 ? fd : sw_maps_probe_read_at(fd, gs->maps_buf,
							     MAPS_BUF, &p);
		if (fd >= 0)
			close(fd);
		gs->cost.maps_reads += r == 0;
		for (size_t g = 0; g < gs->ngroups; g++) {
			grp *gr = &gs->groups[g];
			if (!in[g] || !gr->maps_probe)
				continue;
			if (r)
				gr->maps_failed = 1;
			else
				sw_maps_probe_add(&gr->maps_now, &p);
		}
	}
}

/* Whether stat and status are read through fds kept in f (pc_fds): on
 * procfs, when they are kept already or the budget has room for the
 * member's three; else (a saved tree, whose files may have been replaced,
 * or no room) they are opened and closed at each read, so that a member
 * never holds more than its directory and one file at a time. */
static int keeps_files(const sw_groupset *gs, const pc_fds *f)
{
	return gs->root.is_procfs &&
	       (f->stat >= 0 || pc_room(&gs->cache, 3));
}

static int read_stat(const sw_groupset *gs, pc_fds *f, sw_proc_stat *ps)
{
	return keeps_files(gs, f) ? sw_proc_read_stat_kept(f->dir, &f->stat, ps)
				  : sw_proc_read_stat_at(f->dir, ps);
}

static int read_status(const sw_groupset *gs, pc_fds *f, sw_proc_status *st)
{
	return keeps_files(gs, f) ? sw_proc_read_status_kept(f->dir, &f->status,
							     st)
				  : sw_proc_read_status_at(f->dir, st);
}

/* ps is in gs->matched's groups: from here on its files are read through
 * its /proc/PID (f->dir, opened now if matching did not), and stat again
 * through it first unless stat was read through it already (own), so
 * that all are one process's (a pid reused since the listing is gone).
 * No status (a saved tree, or it just exited: smaps will tell) is no
 * cheap counters, not no process; a status that fails otherwise is a
 * failure. Returns 1 when it joined. */
static int join(sw_groupset *gs, pc_fds *f, const sw_proc_stat *listed,
		const pc_entry *e, int own)
{
	sw_proc_status status;
	sw_proc_stat now = *listed, *ps = &now;
	long fds = 0, sockets = 0;
	if (f->dir < 0)
		f->dir = sw_procroot_pid(&gs->root, listed->pid);
	int r = f->dir < 0 ? f->dir : own ? 0 : read_stat(gs, f, &now);
	if (r == 0 && now.start_time != listed->start_time)
		return 0;  /* the pid is another process's now */
	if (r) {
		if (!sw_error_is_gone(r))
			member_failed(gs, listed, r);
		return 0;
	}
	r = read_status(gs, f, &status);
	if (r && !sw_error_is_gone(r)) {
		member_failed(gs, ps, r);
		return 0;
	}
	if (r)
		memset(&status, 0, sizeof(status));
	int fr = sw_proc_count_fds_at(f->dir, &fds,
				      gs->opts.count_sockets ? &sockets : NULL);
	if (fr && !sw_error_is_gone(fr))
		fds = -1;  /* not counted (EACCES...): not a real 0 */
	gs->cost.status_reads++;
	member *m = new_member(gs);
	if (!m) {
		member_failed(gs, ps, -ENOMEM);
		return 0;
	}
	m->ps = *ps;
	m->status = status;
	m->entry = e ? (size_t)(e - gs->cache.cur.v) : SIZE_MAX;
	count_member(gs, m, fds, sockets);
	return 1;
}

/* Last cycle's member kept its files open (proccache.h): stat read
 * through them is that process's, so it is read once, not from the root
 * and again through a directory opened afresh: 1. Not kept, or gone
 * (exited; its pid perhaps another's now: the fds closed): 0, the pid is
 * read from the root. Another failure (EMFILE...): -errno, the process is
 * still there and the fds still held. */
static int read_kept_stat(sw_groupset *gs, pid_t pid, pc_fds *f,
			  sw_proc_stat *ps)
{
	*f = pc_take_fds(&gs->cache, pid);
	if (f->dir < 0)
		return 0;
	int r = read_stat(gs, f, ps);
	if (r == 0 && ps->pid == pid)
		return 1;
	if (r && !sw_error_is_gone(r))
		return r;
	pc_close_fds(f);
	return 0;
}

static void visit(sw_groupset *gs, pid_t pid)
{
	sw_proc_stat ps;
	unsigned char *row = NULL;
	pc_fds f;
	int own = read_kept_stat(gs, pid, &f, &ps);
	int r = own < 0 ? own : own ? 0 : sw_procroot_read_stat(&gs->root, pid, &ps);
	pc_entry *e = NULL;
	if (r) {
		e = not_read(gs, pid, r);
	} else if (ps.state != 'Z' && ps.state != 'X') {
		/* a zombie has no memory left and will be gone: no member */
		e = pc_enter(&gs->cache, &ps, &row);
		if (!sel_match(&gs->sels, &ps, &gs->root, &f.dir, e ? row : NULL,
			       gs->matched, gs->ngroups) ||
		    !join(gs, &f, &ps, e, own))
			e = NULL;
	}
	if (!(e && pc_keep_fds(&gs->cache, e, &f)))
		pc_close_fds(&f);  /* else the cache's now, for the next cycle */
}

static int visit_entry(void *ctx, int dirfd, const char *name)
{
	sw_groupset *gs = ctx;
	(void)dirfd;
	pid_t pid = sw_parse_pid(name, strlen(name), gs->root.pid_max);
	if (pid > 0)
		visit(gs, pid);
	return 0;
}

/* ---- between the passes: which groups read smaps --------------------- */

/* The probe's reference: taken at a full read, or at the first probe
 * after one that had none (then up to maps_every cycles late). A full
 * read that did not probe keeps it while the address space is the same
 * size. */
static void maps_baseline(grp *gr, int probed)
{
	if (probed && (gr->due || !gr->maps_then_ok)) {
		gr->maps_then = gr->maps_now;
		gr->maps_vm_size = gr->st.live.status.vm_size;
		gr->maps_then_ok = 1;
	} else if (gr->due &&
		   gr->st.live.status.vm_size != gr->maps_vm_size) {
		gr->maps_then_ok = 0;
	}
}

/* Whether this cycle probes maps: every maps_every cycles (tiered only:
 * when every cycle reads smaps, a probe tells nothing). */
static int maps_cycle(const sw_groupset *gs)
{
	unsigned every = gs->opts.maps_every, full = gs->opts.full_every;
	if (every == SW_MAPS_NEVER || (every == 0 && full <= 1))
		return 0;
	if (every == 0)
		every = full / 6 > 1 ? full / 6 : 1;
	return gs->cycle % every == 0;
}

static void decide(sw_groupset *gs)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		grp *gr = &gs->groups[g];
		gr->tier.age = gr->st.measured.age;
		gr->tier.processes_now = gr->st.live.processes;
		gr->tier.failed_now = gr->st.live.failed;
		gr->tier.rss_now = gr->st.live.status.rss;
		int probed = gr->maps_probe && !gr->maps_failed;
		gr->tier.other_reason = probed && gr->maps_then_ok &&
			sw_maps_warrants_full(&gr->maps_then, &gr->maps_now);
		gr->due = sw_tier_due(&gs->tier, &gr->tier);
		maps_baseline(gr, probed);
		if (gr->due)
			grp_begin_full(gr);
		else
			gr->st.measured.age++;
	}
}

/* ---- pass 2: smaps of the members of due groups ---------------------- */

/* gs->matched := the due groups m is in; how many. */
static size_t due_groups(sw_groupset *gs, const member *m)
{
	size_t n = 0;
	for (size_t g = 0; g < gs->ngroups; g++) {
		gs->matched[g] = gs->member_groups[m->groups + g] &&
				 gs->groups[g].due;
		n += gs->matched[g];
	}
	return n;
}

static void left_out(sw_groupset *gs, const member *m, int why)
{
	for (size_t g = 0; g < gs->ngroups; g++)
		if (gs->matched[g])
			grp_left_out(&gs->groups[g], &m->ps, why);
	if (why == GRP_CAPPED)
		gs->cost.capped++;
	else
		gs->cost.backed_off++;
}

static void measured(sw_groupset *gs, const member *m, const sw_memsum *mem)
{
	const sw_subtotals *libs = sw_collector_libs(gs->collector);
	const sw_subtotals *named = sw_collector_named(gs->collector);
	for (size_t g = 0; g < gs->ngroups; g++)
		if (gs->matched[g])
			grp_measured(&gs->groups[g], &m->ps, mem, libs, named);
}

/* A member gone since the listing, or one that forked since: its groups'
 * reads are off (grp_commit). */
static void read_off(sw_groupset *gs)
{
	for (size_t g = 0; g < gs->ngroups; g++)
		if (gs->matched[g])
			grp_read_off(&gs->groups[g]);
}

static void read_failed(sw_groupset *gs, const sw_proc_stat *ps, int code)
{
	for (size_t g = 0; g < gs->ngroups; g++) {
		if (!gs->matched[g])
			continue;
		if (code == -EACCES)
			gs->groups[g].st.measured.unreadable++;
		else if (code != -SW_ESLOW)
			gs->groups[g].st.measured.failed++;
	}
	tell(gs, ps, code, code == -EACCES || code == -SW_ESLOW
				   ? "" : sw_collector_detail(gs->collector));
}

/* Whether pid is among this cycle's members (a pid reused within the
 * cycle, the member gone, would be taken for it: a read off unsaid). */
static int is_member(const sw_groupset *gs, pid_t pid)
{
	for (size_t i = 0; i < gs->nmembers; i++)
		if (gs->members[i].ps.pid == pid)
			return 1;
	return 0;
}

/* 1 when child is a process the listing could not show: forked since it
 * began (or gone already: a fork that came and went). A member (read, or
 * to be, even one forked while the listing went on: its share is
 * counted), a child in no group older than the listing (sharing as it
 * was) or a zombie (no memory left) is no news. Members are known from
 * this cycle's list, without reading their stat again. */
static int unseen_child(void *ctx, pid_t child)
{
	const sw_groupset *gs = ctx;
	sw_proc_stat ps;
	if (is_member(gs, child))
		return 0;
	int r = sw_procroot_read_stat(&gs->root, child, &ps);
	if (r)
		return sw_error_is_gone(r);
	return ps.state != 'Z' && ps.state != 'X' &&
	       ps.start_time >= (uint64_t)gs->began;
}

/* Whether m, just read, has a child that no read of this cycle counts: a
 * fork shares the parent's pages (and those it shares with its older
 * children), so their Pss was read divided with a process whose share is
 * in no member, and the sum is low by it. That read is off (ledger.h):
 * PostgreSQL forks a backend per connection, and the dips such forks cut
 * in the owned series are what its floor fit took for the floor.
 * (Children of other threads than the main one are not looked at.) */
static int forked_unseen(const sw_groupset *gs, int pidfd, const member *m)
{
	if (gs->began < 0)
		return 0;
	return sw_proc_each_child_at(pidfd, m->ps.pid, unseen_child,
				     (void *)gs) == 1;
}

/* The read's cost to the target is the page walk our thread does under
 * its mmap_lock: our thread's CPU time. Wall time would also count the
 * time we sat stopped (SIGSTOP, a debugger) or preempted on a busy host,
 * when the target was not stalled at all, and back it off for nothing. */
static int read_smaps(sw_groupset *gs, const member *m, pc_entry *e,
		      sw_memsum *mem, int *forked)
{
	const sw_read_watch *w = &gs->watch;
	if (w->begin)
		w->begin(w->ctx, &m->ps);
	double t0 = sw_clock_monotonic(), cpu0 = sw_clock_thread_cpu();
	/* through the directory the member was listed by when it was kept:
	 * its files are that process's, and after the read its stat tells
	 * whether the read is whole (sw_collect_process_at) */
	int kept = e ? e->fds.dir : -1;
	int pidfd = kept >= 0 ? kept : sw_procroot_pid(&gs->root, m->ps.pid);
	int r = pidfd < 0 ? pidfd
			  : sw_collect_process_at(gs->collector, pidfd, &m->ps,
						  mem, w->mapping, w->ctx);
	double cpu = sw_clock_thread_cpu() - cpu0;  /* the walk's alone */
	*forked = r == 0 && forked_unseen(gs, pidfd, m);
	if (pidfd >= 0 && pidfd != kept)
		close(pidfd);
	if (w->end)
		w->end(w->ctx, &m->ps, r, r == 0 ? mem : NULL);
	gs->cost.full_reads++;
	gs->cost.read_seconds += sw_clock_monotonic() - t0;
	gs->cost.bytes_read += sw_collector_bytes(gs->collector);
	if (r == 0 && e) {
		e->skip = sw_tier_after_read(&gs->tier, cpu, &e->backoff);
		if (e->skip)
			read_failed(gs, &m->ps, -SW_ESLOW);
	}
	return r;
}

/* Returns 1 when m's smaps were read. */
static int read_member(sw_groupset *gs, const member *m)
{
	pc_entry *e = m->entry == SIZE_MAX ? NULL : &gs->cache.cur.v[m->entry];
	sw_memsum mem;
	if (!due_groups(gs, m))
		return 0;
	int may = sw_tier_may_read(&gs->tier, m->status.rss, m->allow_large,
				   e ? e->skip : 0);
	if (may == -SW_ESLOW)
		e->skip--;
	if (may) {
		left_out(gs, m, may == -SW_ECAPPED ? GRP_CAPPED : GRP_BACKED_OFF);
		return 0;
	}
	int forked;
	int r = read_smaps(gs, m, e, &mem, &forked);
	/* Gone since the listing: a leaver, and its groups' reads are off
	 * (grp_commit, ledger.h). (Carrying it one more read as last
	 * read, for the others read while it still shared, was measured
	 * worse: a forking master whose children exit every second read 17%
	 * low and then 0 in i12b's collectd shapes.) */
	if (r == 0)
		measured(gs, m, &mem);
	else if (!sw_error_is_gone(r))
		read_failed(gs, &m->ps, r);
	if ((r && sw_error_is_gone(r)) || forked)
		read_off(gs);
	return r == 0;
}

/* ---- after pass 2: the ledgers ------------------------------------- */

/* Now in clock ticks after boot (CLOCK_BOOTTIME), as start times are;
 * -1 when unknown. */
static double boot_ticks(const sw_groupset *gs)
{
	struct timespec ts;
	double hz = (double)gs->pidfiles.ticks_per_second;
	if (hz <= 0 || clock_gettime(CLOCK_BOOTTIME, &ts))
		return -1;
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9) * hz;
}

/* "Young" is a start time after now minus the warm-up. */
static uint64_t young_since(const sw_groupset *gs, double now)
{
	double hz = (double)gs->pidfiles.ticks_per_second, warm = gs->opts.warm_up;
	if (warm <= 0 || now < 0)
		return UINT64_MAX;
	return now > warm * hz ? (uint64_t)(now - warm * hz) : 0;
}

/* ---- the cycle -------------------------------------------------------- */

static void read_pidfiles(sw_groupset *gs)
{
	for (size_t i = 0; i < gs->sels.n; i++) {
		sel *s = &gs->sels.v[i];
		if (s->kind != SW_SEL_PIDFILE)
			continue;
		int r = pidfile_follow(&gs->pidfiles, s->arg, &s->pid);
		if (r) {
			s->pid = 0;
			gs->groups[s->group].st.live.pidfile_error = r;
		}
	}
}

static void begin_cycle(sw_groupset *gs, sw_proc_error_fn on_error, void *ctx)
{
	for (size_t g = 0; g < gs->ngroups; g++)
		grp_begin_cycle(&gs->groups[g]);
	gs->nmembers = 0;
	memset(&gs->cost, 0, sizeof(gs->cost));
	gs->sels.fact_reads = gs->sels.fact_failures = 0;
	gs->cycle++;
	gs->probe_maps = maps_cycle(gs);
	gs->on_error = on_error;
	gs->ctx = ctx;
	read_pidfiles(gs);
}

int sw_groupset_may_read(const sw_groupset *gs, size_t g, pid_t pid,
			 uint64_t start_time)
{
	for (size_t i = 0; g < gs->ngroups && i < gs->nmembers; i++) {
		const member *m = &gs->members[i];
		if (m->ps.pid != pid || m->ps.start_time != start_time ||
		    !gs->member_groups[m->groups + g])
			continue;
		const pc_entry *e = pc_last(&gs->cache, pid);
		unsigned skip = e && e->ps.start_time == start_time ? e->skip : 0;
		return sw_tier_may_read(&gs->tier, m->status.rss, m->allow_large,
					skip);
	}
	return -ESRCH;
}

int sw_groupset_collect(sw_groupset *gs, sw_proc_error_fn on_error, void *ctx)
{
	_Alignas(8) char buf[SW_DIRENTS_BUF];
	int r = freeze(gs);
	if (r)
		return r;
	/* the root's fd kept open and rewound: listed afresh each cycle */
	if (lseek(gs->root.fd, 0, SEEK_SET) < 0)
		return -errno;
	begin_cycle(gs, on_error, ctx);
	double began = boot_ticks(gs);
	gs->began = began;
	/* An error mid-listing (rare) leaves the processes seen so far. */
	sw_dirents(gs->root.fd, buf, sizeof(buf), visit_entry, gs);
	gs->cost.fact_reads = gs->sels.fact_reads;
	unmatched(gs, gs->sels.fact_failures);
	probe_maps(gs);
	decide(gs);
	int read = 0;
	for (size_t i = 0; i < gs->nmembers; i++)
		read += read_member(gs, &gs->members[i]);
	double ended = boot_ticks(gs);
	uint64_t young = young_since(gs, ended);
	/* start times are whole ticks, rounded down: the read spans the
	 * ticks from began's to ended's */
	uint64_t from = began < 0 || ended < 0 ? 0 : (uint64_t)began;
	uint64_t to = began < 0 || ended < 0 ? 0 : (uint64_t)ended;
	for (size_t g = 0; g < gs->ngroups; g++)
		grp_commit(&gs->groups[g], young, from, to);
	pc_swap(&gs->cache);
	return read;
}
