/* main.c - smaps.plugin: Netdata's external plugin for smapwatch. Reads
 * the groups, checks there is something to collect (DISABLE otherwise),
 * defines the charts and the function, then collects on a wall-clock
 * heartbeat, answering function calls while it waits. Exits 0 when
 * Netdata closes its stdout (EPIPE), writes QUIT, or on SIGHUP, SIGINT or
 * SIGQUIT, so Netdata may start it again. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include "charts.h"
#include "cost.h"
#include "function.h"
#include "groups_conf.h"
#include "heartbeat.h"
#include "ids.h"
#include "input.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "smapwatch/caller.h"
#include "smapwatch/error.h"
#include "smapwatch/fdlimit.h"
#include "smapwatch/growth.h"
#include "smapwatch/procroot.h"
#include "smapwatch/version.h"

#define NAMES_PER_GROUP 64  /* libraries / regions the core keeps */

typedef struct {
	nd_options o;
	char proc_root[PATH_MAX];
	char groups_path[PATH_MAX];
	sw_groupset *gs;
	nd_charts *charts;
	sw_collector *coll;
	sw_report proc_errors;      /* processes already logged, lines */
	int privileged;             /* more rights than who started it */
	int *pidfile_error;         /* per group: the last one logged */
	char *fds_said;             /* per group: uncounted fds logged */
	int hidden_logged;          /* the hidepid line was written */
	int unmatched_said;         /* last cycle had unmatched failures */
} plugin;

/* disable - tell Netdata not to start us again, and why. */
static int disable(const char *why, const char *what)
{
	nd_log(ND_ERROR, "%s%s: disabling the plugin", why, what);
	fputs("DISABLE\n", stdout);
	fflush(stdout);
	return 1;
}

static void set_proc_root(plugin *p)
{
	const char *prefix = getenv("NETDATA_HOST_PREFIX");
	if (p->o.proc_root)
		snprintf(p->proc_root, sizeof(p->proc_root), "%s", p->o.proc_root);
	else
		snprintf(p->proc_root, sizeof(p->proc_root), "%s/proc",
			 prefix ? prefix : "");
}

static void on_proc_error(void *ctx, const char *group, const sw_proc_stat *ps,
			  int code, const char *detail)
{
	plugin *p = ctx;
	char comm[ND_TEXT_MAX + 1], g[ND_TEXT_MAX + 1];
	sw_report_verdict v = sw_report_process(&p->proc_errors, ps->pid,
						ps->start_time, time(NULL));
	if (v == SW_REPORT_SKIP)
		return; /* one line per process, not one per cycle */
	nd_log_reported(v, "group '%s': process %d (%s): %s%s%s%s",
			nd_text(g, sizeof(g), group, strlen(group)),
			(int)ps->pid,
			nd_text(comm, sizeof(comm), ps->comm, ps->comm_len),
			sw_strerror(code), *detail ? ": " : "", detail,
			code == -EACCES ? " (needs root, or CAP_SYS_PTRACE and "
			"CAP_DAC_READ_SEARCH: see smaps.plugin(1))" : "");
}

/* check_privilege - the package gives the plugin capabilities (setcap),
 * or makes it setuid root where it cannot: then it has more rights than
 * Netdata, which starts it, and than anyone else who may start it (the
 * netdata group). Setuid root is brought down to what setcap gives (the
 * netdata user with CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH). What the
 * caller names must not make it read what the caller could not: the
 * groups file and pidfiles are opened with the caller's rights, and the
 * proc root must be the root of a proc file system, opened with the
 * caller's rights (so that the answer tells nothing of what the caller may
 * not see) and taken once with every link resolved (a directory of links
 * named stat and smaps, or a proc directory other than its root, would be
 * read with the privilege). 0, or DISABLE's exit status. */
/* What the Netdata package's setcap gives (packaging/netdata): reading
 * other users' smaps (ptrace access) and listing their fds. A setuid root
 * plugin keeps these and nothing else. */
static const int kept_caps[] = {CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH};

static int check_privilege(plugin *p)
{
	char real[PATH_MAX];
	sw_procroot root;
	p->privileged = sw_caller_privileged();
	if (!p->privileged)
		return 0;
	int r = sw_caller_drop_root(kept_caps,
				    sizeof(kept_caps) / sizeof(kept_caps[0]));
	if (r)
		return disable(strerror(-r), ": cannot drop setuid root to "
			       "CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH");
	r = sw_procroot_open(&root, p->proc_root, 1);
	if (r)
		return disable(strerror(-r), ": the proc root");
	int proc = root.is_procfs;
	r = proc ? sw_procroot_path(&root, real, sizeof(real)) : 0;
	sw_procroot_close(&root);
	if (!proc)
		return disable(p->proc_root, ": not the root of a proc file "
			       "system, refused with raised privileges");
	if (r)
		return disable(strerror(-r), ": the proc root");
	snprintf(p->proc_root, sizeof(p->proc_root), "%s", real);
	nd_log(ND_INFO, "raised privileges (capabilities or setuid): the groups "
	       "file and pidfiles are read with the rights of uid %d",
	       (int)getuid());
	return 0;
}

/* A pidfile that is missing or not to be trusted: one line when that
 * starts or changes, not one per cycle. */
static void check_pidfiles(plugin *p)
{
	char g[ND_TEXT_MAX + 1];
	for (size_t i = 0; i < sw_groupset_size(p->gs); i++) {
		const sw_group_stats *st = sw_groupset_get(p->gs, i);
		if (st->live.pidfile_error && st->live.pidfile_error != p->pidfile_error[i])
			nd_log(ND_ERROR, "group '%s': pidfile not followed: %s",
			       nd_text(g, sizeof(g), st->name, strlen(st->name)),
			       sw_strerror(st->live.pidfile_error));
		p->pidfile_error[i] = st->live.pidfile_error;
	}
}

/* Members whose open fds could not be counted (EACCES on /proc/PID/fd):
 * one line per group when that starts, again only after it stopped. */
static void check_fds(plugin *p)
{
	char g[ND_TEXT_MAX + 1];
	for (size_t i = 0; i < sw_groupset_size(p->gs); i++) {
		const sw_group_stats *st = sw_groupset_get(p->gs, i);
		if (st->live.fds_uncounted && !p->fds_said[i])
			nd_log(ND_ERROR, "group '%s': the open fds of %ld of its %ld "
			       "processes cannot be counted, left out of fds and "
			       "sockets (needs root, or CAP_DAC_READ_SEARCH and "
			       "CAP_SYS_PTRACE: see smaps.plugin(1))",
			       nd_text(g, sizeof(g), st->name, strlen(st->name)),
			       st->live.fds_uncounted, st->live.processes);
		p->fds_said[i] = st->live.fds_uncounted > 0;
	}
}

/* Processes listed but closed to us (a proc mounted hidepid=1): in no
 * group, so one line says so, once. */
static void check_hidden(plugin *p)
{
	long n = sw_groupset_cost(p->gs)->hidden;
	if (!n || p->hidden_logged)
		return;
	nd_log(ND_ERROR, "%ld processes in %s may not be looked at (hidepid=1?) "
	       "and are in no group: needs root or CAP_SYS_PTRACE", n,
	       p->proc_root);
	p->hidden_logged = 1;
}

/* Processes that failed before any group could be named for them (out of
 * fds or memory while listing or matching): no per-process line says so,
 * this one does, when it starts (again). */
static void check_unmatched(plugin *p)
{
	long n = sw_groupset_cost(p->gs)->unmatched;
	if (n && !p->unmatched_said)
		nd_log(ND_ERROR, "%ld processes could not be looked at to match "
		       "them to the groups (out of fds or memory?): groups may "
		       "miss them while this lasts (netdata.smaps_skipped, "
		       "failed)", n);
	p->unmatched_said = n > 0;
}

/* after_collect - what a cycle says once, not every cycle. */
static void after_collect(plugin *p)
{
	check_pidfiles(p);
	check_fds(p);
	check_hidden(p);
	check_unmatched(p);
}

/* load_groups - 0, or DISABLE's exit status. */
static int load_groups(plugin *p)
{
	if (p->o.config)
		snprintf(p->groups_path, sizeof(p->groups_path), "%s", p->o.config);
	else if (nd_groups_find(p->groups_path, sizeof(p->groups_path),
				getenv("NETDATA_USER_CONFIG_DIR"),
				getenv("NETDATA_STOCK_CONFIG_DIR")) < 0)
		return disable("no " ND_GROUPS_FILE " in $NETDATA_USER_CONFIG_DIR "
			       "or $NETDATA_STOCK_CONFIG_DIR", "");
	int r = nd_groups_load(p->gs, p->groups_path, p->privileged);
	if (r < 0)
		return disable(strerror(-r), ": cannot read the groups file");
	if (r == 0)
		return disable("no valid group in ", p->groups_path);
	return 0;
}

/* cycles between maps probes: --maps-interval in updates, rounded (at
 * least one); unset, the core's default; 0, never. */
static int setup(plugin *p)
{
	set_proc_root(p);
	int r = check_privilege(p);
	if (r)
		return r;
	sw_groupset_opts go = {
		.proc_root = p->proc_root,
		.max_names = (p->o.libs || p->o.named) ? NAMES_PER_GROUP : 0,
		.count_sockets = p->o.sockets,
		.as_caller = p->privileged,
	};
	sw_settings_apply(&p->o.tier, p->o.update_every, p->o.growth_window,
			  &go);
	sw_collector_opts co = {.max_names = 1};
	p->gs = sw_groupset_new(&go);
	p->coll = sw_collector_new(&co);
	if (!p->gs || !p->coll) {
		nd_log(ND_FATAL, "out of memory");
		return 1;
	}
	r = load_groups(p);
	if (r)
		return r;
	for (size_t i = 0; i < p->o.nallow; i++)
		if (sw_groupset_allow_large(p->gs, p->o.allow_large[i]))
			nd_log(ND_ERROR, "--allow-large %s: no such group",
			       p->o.allow_large[i]);
	p->pidfile_error = calloc(sw_groupset_size(p->gs),
				  sizeof(*p->pidfile_error));
	p->fds_said = calloc(sw_groupset_size(p->gs) + 1, 1);
	if (!p->pidfile_error || !p->fds_said) {
		nd_log(ND_FATAL, "out of memory");
		return 1;
	}
	r = sw_groupset_collect(p->gs, on_proc_error, p);
	if (r < 0)
		return disable(sw_strerror(r), ": cannot read the proc root");
	after_collect(p);
	p->charts = nd_charts_new(p->gs, &p->o);
	if (!p->charts) {
		nd_log(ND_FATAL, "out of memory");
		return 1;
	}
	return 0;
}

/* SIGHUP, SIGINT and SIGQUIT (a terminal closed, ^C, ^\ on a plugin run
 * by hand, or a service manager) end the plugin as a closed stdout does:
 * exit 0, which Netdata restarts; killed by a signal other than SIGTERM,
 * Netdata 1.37.1 disables the plugin (plugins_d.c). They are blocked from
 * the start but while waiting in ppoll, so one arriving during setup or
 * mid-cycle ends it at the next wait (after the first update: Netdata
 * restarts at once a plugin that collected), none lost in between. */
static volatile sig_atomic_t stop_signal;
static sigset_t wait_mask;      /* what ppoll lets through */

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

static int stop_signals(void)
{
	static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT};
	struct sigaction sa = {.sa_handler = on_stop_signal};
	sigset_t block;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		if (sigaction(sigs[i], &sa, NULL))
			return -1;
	}
	return sigprocmask(SIG_BLOCK, &block, &wait_mask);
}

typedef struct {
	nd_heartbeat hb;
	nd_input in;
	nd_output out;
	nd_function_ctx fc;
} loop;

static int stopping(const loop *l)
{
	return l->out.closed || l->fc.quit || stop_signal;
}

/* wait_tick - until the next tick, serve function calls a step at a time
 * and write what Netdata has not taken yet; returns the tick's monotonic
 * time. */
static uint64_t wait_tick(loop *l)
{
	uint64_t now = nd_mono_us();
	uint64_t deadline = nd_heartbeat_deadline(&l->hb, nd_realtime_us(), now);
	nd_input_tick(&l->in);
	while (now < deadline && !stopping(l)) {
		int work = nd_function_pending(&l->fc) && !nd_output_busy(&l->out);
		uint64_t wait_us = work ? 0 : deadline - now;
		struct timespec ts = {.tv_sec = (time_t)(wait_us / 1000000u),
				      .tv_nsec = (long)(wait_us % 1000000u) * 1000};
		struct pollfd pf[2] = {
			{.fd = nd_input_wanted(&l->in), .events = POLLIN},
			{.fd = nd_output_busy(&l->out) ? l->out.fd : -1,
			 .events = POLLOUT},
		};
		if (ppoll(pf, 2, &ts, &wait_mask) > 0) {
			if (pf[0].revents)
				nd_input_read(&l->in, nd_function_line, &l->fc);
			if (pf[1].revents)
				nd_output_flush(&l->out);
		}
		if (work && !stopping(l))
			nd_function_step(&l->fc);
		now = nd_mono_us();
	}
	return now;
}

/* update - collect and send one cycle's values (dt_us since the last
 * update sent). */
static void update(plugin *p, loop *l, uint64_t dt_us)
{
	nd_function_watch(&l->fc, p->gs);
	int r = sw_groupset_collect(p->gs, on_proc_error, p);
	if (r < 0) {
		nd_log_reported(sw_report_line(&p->proc_errors, time(NULL)),
				"cannot read %s: %s", p->proc_root,
				sw_strerror(r));
		return;
	}
	after_collect(p);
	FILE *f = nd_output_batch(&l->out);
	if (!f)
		return;
	nd_charts_update(p->charts, p->gs, f, dt_us, nd_mono_s());
	nd_cost_update(f, sw_groupset_cost(p->gs), &l->fc.cost, dt_us);
	l->fc.cost = (nd_function_cost){0};
	nd_output_send(&l->out);
}

static int run(plugin *p)
{
	loop l = {.fc = {.gs = p->gs, .charts = p->charts, .coll = p->coll,
			 .proc_root = p->proc_root,
			 .update_every = p->o.update_every, .output = &l.out}};
	nd_output_init(&l.out, STDOUT_FILENO);
	/* a process's table is read again no sooner than the collection
	 * reads its smaps */
	nd_function_init(&l.fc, p->o.tier.full_interval > p->o.update_every ?
			 p->o.tier.full_interval : p->o.update_every);
	nd_heartbeat_init(&l.hb, p->o.update_every);
	nd_input_init(&l.in, STDIN_FILENO);
	FILE *f = nd_output_batch(&l.out);
	int rc = 0;
	if (!f) {
		rc = 1;
		goto out;
	}
	nd_charts_define(p->charts, f);
	nd_cost_define(f, p->o.update_every);
	nd_function_register(f);
	uint64_t dt = nd_heartbeat_tick(&l.hb, nd_mono_us());
	nd_charts_update(p->charts, p->gs, f, dt, nd_mono_s());
	nd_cost_update(f, sw_groupset_cost(p->gs), &l.fc.cost, dt);  /* setup's read */
	nd_output_send(&l.out);
	nd_output_moving(&l.out);   /* what Netdata reads from here on */
	while (!stopping(&l)) {
		uint64_t now = wait_tick(&l);
		if (stopping(&l))
			break;
		int moving = nd_output_moving(&l.out);
		if (nd_output_busy(&l.out) && !moving) {
			/* Netdata has not read since the last update: no new
			 * one (and no smaps read) until it does. */
			nd_output_skip(&l.out);
			continue;
		}
		update(p, &l, nd_heartbeat_tick(&l.hb, now));
	}
	if (l.fc.quit)
		nd_log(ND_INFO, "Netdata asked the plugin to quit");
	if (stop_signal)
		nd_log(ND_INFO, "%s: exiting (Netdata starts the plugin again)",
		       strsignal(stop_signal));
out:
	nd_function_free(&l.fc);
	nd_output_free(&l.out);
	return rc;
}

int main(int argc, char **argv)
{
	plugin p = {0};
	signal(SIGPIPE, SIG_IGN); /* a closed pipe becomes EPIPE, handled */
	if (stop_signals()) {     /* before setup: none may kill us there */
		nd_log(ND_FATAL, "signals: %s", strerror(errno));
		return 1;
	}
	int r = nd_options_parse(&p.o, argc, argv);
	if (r != ND_OPT_RUN)
		return r == ND_OPT_EXIT_OK ? 0 : 1;
	/* room for every member's /proc/PID kept open (fdlimit.h) */
	long nofile = sw_fd_limit_raise();
	if (nofile < 0)
		nd_log(ND_INFO, "open files limit not raised: %s (the members "
		       "over half of it are opened each cycle)",
		       strerror((int)-nofile));
	r = setup(&p);
	if (!r) {
		nd_log(ND_INFO, "smaps.plugin %s: %zu groups from %s, reading %s "
		       "every %d s, growth window %.0f s, steady from r2 %d%%",
		       SW_VERSION, sw_groupset_size(p.gs), p.groups_path,
		       p.proc_root, p.o.update_every, p.o.growth_window,
		       p.o.steady_percent);
		r = run(&p);
	}
	free(p.pidfile_error);
	free(p.fds_said);
	nd_charts_free(p.charts);
	sw_collector_free(p.coll);
	sw_groupset_free(p.gs);
	return r;
}
