/* smaps.c - the collectd plugin: LoadPlugin smaps.
 *
 * Config is read into cd_conf; init builds the groupset (or refuses, after
 * a config error, so collectd unloads this plugin and runs the rest); each
 * read makes one pass over /proc and dispatches every group's values.
 * collectd never runs one plugin's read callback twice at once, so the
 * state below needs no lock. Only module_register is exported. */
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "smapwatch/clock.h"
#include "smapwatch/error.h"
#include "smapwatch/escape.h"
#include "smapwatch/ratelimit.h"
#include "conf.h"
#include "ident.h"
#include "names.h"
#include "leakvalues.h"
#include "submit.h"

typedef struct {
	cd_conf conf;
	sw_groupset *gs;
	char (*ids)[CD_IDENT_SIZE];   /* plugin instance of each group */
	sw_growth *growth;            /* leak signals of each group */
	int *pidfile_error;           /* last one logged, per group */
	char *fds_said;               /* per group: uncounted fds logged */
	sw_report complaints;         /* processes already logged, lines */
	int root_failed;
	int hidden_logged;            /* the hidepid warning was written */
	int unmatched_said;           /* last read had unmatched failures */
	int blocks;                   /* <Plugin smaps> blocks read */
} cd_state;

static cd_state state;

/* One <Plugin smaps> block only: collectd hands each block to this
 * callback in turn, and options such as CollectLibraries or GrowthWindow
 * are the plugin's, not a block's, so a second block would silently set
 * them for the first block's groups too. Refused with one line; the
 * plugin is then unloaded at init, the rest of collectd runs. */
static int smaps_config(oconfig_item_t *ci)
{
	if (++state.blocks == 2)
		ERROR("smaps plugin: a second <Plugin smaps> block: put every "
		      "Process and option in one block (options apply to all "
		      "groups, so they cannot be a block's own).");
	if (state.blocks > 1) {
		state.conf.failed = 1;   /* 0: a -1 would stop collectd */
		return 0;
	}
	return cd_conf_read(&state.conf, ci);
}

/* Group names become plugin instances; refuse two that would collide. */
static int make_ids(void)
{
	size_t n = sw_groupset_size(state.gs);
	state.ids = calloc(n ? n : 1, sizeof(*state.ids));
	if (!state.ids)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *name = sw_groupset_get(state.gs, i)->name;
		cd_ident(state.ids[i], CD_PART_MAX, name, strlen(name));
		for (size_t j = 0; j < i; j++)
			if (strcmp(state.ids[i], state.ids[j]) == 0) {
				ERROR("smaps plugin: groups \"%s\" and \"%s\" would "
				      "share the identifier \"%s\"; rename one.",
				      sw_groupset_get(state.gs, j)->name, name,
				      state.ids[i]);
				return -1;
			}
	}
	return 0;
}

static int make_growth(void)
{
	size_t n = sw_groupset_size(state.gs);
	state.growth = calloc(n ? n : 1, sizeof(*state.growth));
	if (!state.growth) {
		ERROR("smaps plugin: out of memory.");
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		sw_growth_init(&state.growth[i], state.conf.growth_window);
	state.pidfile_error = calloc(n ? n : 1, sizeof(*state.pidfile_error));
	state.fds_said = calloc(n ? n : 1, 1);
	return state.pidfile_error && state.fds_said ? 0 : -1;
}

static int smaps_init(void)
{
	if (state.conf.failed)
		return -1;  /* the reason is already logged */
	if (state.conf.nsels == 0) {
		ERROR("smaps plugin: no Process, ProcessMatch, PidFile or Unit "
		      "configured: nothing to collect.");
		return -1;
	}
	cd_names_use(&state.conf.select);
	state.gs = cd_conf_groupset(&state.conf,
				    CDTIME_T_TO_DOUBLE(plugin_get_interval()));
	if (!state.gs || make_ids() != 0 || make_growth() != 0)
		return -1;
	return 0;
}

/* A pidfile that is missing or not to be trusted: one WARNING when that
 * starts or changes, not one per interval. */
static void check_pidfile(size_t i, const sw_group_stats *g)
{
	if (g->live.pidfile_error && g->live.pidfile_error != state.pidfile_error[i])
		WARNING("smaps plugin: group \"%s\": PidFile not followed: %s.",
			g->name, sw_strerror(g->live.pidfile_error));
	state.pidfile_error[i] = g->live.pidfile_error;
}

/* Members whose open fds could not be counted (EACCES on /proc/PID/fd):
 * one WARNING when that starts, again only after it has stopped. */
static void check_fds(size_t i, const sw_group_stats *g)
{
	if (g->live.fds_uncounted && !state.fds_said[i])
		WARNING("smaps plugin: group \"%s\": the open fds of %ld of its "
			"%ld processes cannot be counted (left out of fds and "
			"sockets); run collectd as root or with "
			"CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE to count them.",
			g->name, g->live.fds_uncounted, g->live.processes);
	state.fds_said[i] = g->live.fds_uncounted > 0;
}

static void on_proc_error(void *ctx, const char *group,
			  const sw_proc_stat *ps, int code, const char *detail)
{
	char comm[4 * SW_COMM_MAX + 1];
	(void)ctx;
	/* One WARNING per process, not per interval, and a few an hour. */
	sw_report_verdict v = sw_report_process(&state.complaints, ps->pid,
						ps->start_time, time(NULL));
	if (v == SW_REPORT_SKIP)
		return;
	if (v == SW_REPORT_LAST) {
		WARNING("smaps plugin: too many processes it cannot read: "
			"silent until the next hour.");
		return;
	}
	sw_escape(comm, sizeof(comm), ps->comm, ps->comm_len);
	if (code == -EACCES)
		WARNING("smaps plugin: cannot read smaps of pid %d (\"%s\", group "
			"\"%s\"): %s; run collectd as root or with "
			"CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH to include it.",
			(int)ps->pid, comm, group, sw_strerror(code));
	else
		WARNING("smaps plugin: skipping pid %d (\"%s\", group \"%s\"): "
			"%s%s%s.", (int)ps->pid, comm, group, sw_strerror(code),
			*detail ? ": " : "", detail);
}

static int smaps_read(void)
{
	int r = sw_groupset_collect(state.gs, on_proc_error, NULL);
	if (r < 0) {
		if (!state.root_failed)
			ERROR("smaps plugin: cannot list %s: %s.",
			      state.conf.proc_root ? state.conf.proc_root : "/proc",
			      sw_strerror(r));
		state.root_failed = 1;
		return -1;
	}
	state.root_failed = 0;
	cd_submit_opts o = {
		.libraries = state.conf.collect_libraries,
		.named = state.conf.collect_named,
		.max_subtotals = state.conf.max_subtotals,
	};
	double now = sw_clock_monotonic();
	const sw_collect_cost *cost = sw_groupset_cost(state.gs);
	if (cost->hidden && !state.hidden_logged) {
		WARNING("smaps plugin: %ld processes in %s may not be looked at "
			"(hidepid=1?) and are in no group; run collectd as root "
			"or with CAP_SYS_PTRACE to include them.", cost->hidden,
			state.conf.proc_root ? state.conf.proc_root : "/proc");
		state.hidden_logged = 1;
	}
	if (cost->unmatched && !state.unmatched_said)
		/* failed before a group could be named: no per-process line */
		WARNING("smaps plugin: %ld processes could not be looked at to "
			"match them to the groups (out of fds or memory?): groups "
			"may miss them while this lasts (smaps_self/"
			"ps_state-failed).", cost->unmatched);
	state.unmatched_said = cost->unmatched > 0;
	cd_submit_cost(cost);
	for (size_t i = 0; i < sw_groupset_size(state.gs); i++) {
		const sw_group_stats *g = sw_groupset_get(state.gs, i);
		check_pidfile(i, g);
		check_fds(i, g);
		/* only fresh figures feed the trends: between full reads the
		 * memory figures are the last read's, and would draw stairs */
		if (g->measured.age == 0)
			sw_growth_update(&state.growth[i], g, now);
		cd_submit_group(state.ids[i], g, &o);
		cd_submit_signals(state.ids[i], g, &state.growth[i],
				  state.conf.steady_r2, state.conf.count_sockets);
	}
	return 0;
}

static int smaps_shutdown(void)
{
	sw_groupset_free(state.gs);
	free(state.ids);
	free(state.growth);
	free(state.pidfile_error);
	state.pidfile_error = NULL;
	free(state.fds_said);
	state.fds_said = NULL;
	cd_conf_free(&state.conf);
	state.gs = NULL;
	state.ids = NULL;
	state.growth = NULL;
	return 0;
}

__attribute__((visibility("default"))) void module_register(void)
{
	cd_conf_defaults(&state.conf);
	plugin_register_complex_config("smaps", smaps_config);
	plugin_register_init("smaps", smaps_init);
	plugin_register_read("smaps", smaps_read);
	plugin_register_shutdown("smaps", smaps_shutdown);
}
