/* test_group.c - groups of processes over a proc tree built in a temporary
 * directory: each process has stat, smaps (a captured fixture), cmdline,
 * cgroup, an exe symlink (dangling is fine) and an fd/ directory. */
#include "fixture.h"

#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/group.h"

#define KB 1024ull

typedef struct {
	int pid;
	const char *comm;
	uint64_t start;
	long threads;
	char state;
	const char *smaps;      /* fixture file name; NULL: no smaps file */
	const char *cmdline;    /* arguments separated by '|', or NULL */
	const char *cgroup;     /* file text, or NULL */
	int fds, sockets;
} proc_spec;

static void put(int pid, const char *file, const void *data, size_t len)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "%d/%s", pid, file);
	fx_write(fx_root, rel, data, len);
}

/* Writes fx_root/PID/ from spec; the exe link goes where the capture's exe
 * was (from NAME.expect), or to a path that does not exist. */
static void make_proc(const proc_spec *p)
{
	char rel[64], text[1024];
	snprintf(rel, sizeof(rel), "%d/fd", p->pid);
	fx_mkdirs(fx_root, rel);
	int n = snprintf(text, sizeof(text),
			 "%d (%s) %c 1 %d %d 0 -1 4194304 100 0 0 0 5 3 0 0 20 0 "
			 "%ld 0 %llu 12345678 100 18446744073709551615 0 0 0 0 0 "
			 "0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
			 p->pid, p->comm, p->state, p->pid, p->pid, p->threads,
			 (unsigned long long)p->start);
	put(p->pid, "stat", text, (size_t)n);
	char exe[256] = "/nonexistent/smapwatch-test-exe";
	char rel_smaps[64];
	snprintf(rel_smaps, sizeof(rel_smaps), "%d/smaps", p->pid);
	char path[4096];
	unlink(fx_join(path, sizeof(path), fx_root, rel_smaps));
	if (p->smaps) {
		size_t len;
		char *buf = fx_load(p->smaps, &len);
		put(p->pid, "smaps", buf, len);
		free(buf);
		char name[64];
		snprintf(name, sizeof(name), "%s", p->smaps);
		char *dot = strrchr(name, '.');
		if (dot && !strcmp(dot, ".smaps") && !strchr(name, '/') &&
		    strncmp(name, "special", 7)) {
			strcpy(dot, ".expect");
			char *expect = fx_load(name, NULL);
			assert_non_null(fx_expect_str(expect, "exe", exe, sizeof(exe)));
			free(expect);
		} else if (!strncmp(name, "special", 7)) {
			strcpy(exe, "/usr/bin/demo");
		}
	}
	snprintf(rel, sizeof(rel), "%d/exe", p->pid);
	fx_symlink(fx_root, rel, exe);
	n = 0;
	if (p->cmdline)
		for (const char *c = p->cmdline; *c; c++)
			text[n++] = *c == '|' ? '\0' : *c;
	if (p->cmdline)
		text[n++] = '\0';
	put(p->pid, "cmdline", text, (size_t)n);
	const char *cg = p->cgroup ? p->cgroup : "0::/user.slice/session-1.scope\n";
	put(p->pid, "cgroup", cg, strlen(cg));
	for (int i = 0; i < p->fds; i++) {
		char target[64];
		snprintf(rel, sizeof(rel), "%d/fd/%d", p->pid, i);
		if (i < p->sockets)
			snprintf(target, sizeof(target), "socket:[%d]", 1000 + i);
		else
			snprintf(target, sizeof(target), "/dev/pts/%d", i);
		fx_symlink(fx_root, rel, target);
	}
}

/* The figures of one process, computed straight from its fixture. */
typedef struct {
	sw_memsum mem;
	uint64_t rss_walk, pss_walk;   /* from the independent line walk */
} proc_figures;

static void figures(const proc_spec *p, proc_figures *out)
{
	char path[4096], rel[32], exe[256];
	ssize_t n;
	size_t len;
	char *buf = fx_load(p->smaps, &len);
	snprintf(rel, sizeof(rel), "%d/exe", p->pid);
	fx_join(path, sizeof(path), fx_root, rel);
	n = readlink(path, exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	sw_exe_id id = {.path = exe, .path_len = (size_t)n};
	sw_collector *c = sw_collector_new(NULL);
	assert_non_null(c);
	assert_int_equal(sw_collect_buffer(c, buf, len, &id, &out->mem, NULL,
					   NULL), 0);
	fx_totals t;
	fx_walk(buf, len, &t);
	out->rss_walk = t.kb[SW_F_RSS] * KB;
	out->pss_walk = t.kb[SW_F_PSS] * KB;
	sw_collector_free(c);
	free(buf);
}

/* The group's memory is exactly the field-by-field sum of its members'. */
static void assert_group_is_sum(const sw_group_stats *g, const proc_spec *const *members,
				size_t n)
{
	sw_memsum want;
	uint64_t rss = 0, pss = 0;
	long threads = 0, fds = 0, sockets = 0;
	memset(&want, 0, sizeof(want));
	for (size_t i = 0; i < n; i++) {
		proc_figures f;
		figures(members[i], &f);
		for (int c = 0; c < SW_CAT_COUNT; c++) {
			for (int k = 0; k < SW_F_COUNT; k++)
				want.cat[c].v[k] += f.mem.cat[c].v[k];
			want.vmas[c] += f.mem.vmas[c];
		}
		for (int k = 0; k < SW_F_COUNT; k++)
			want.total.v[k] += f.mem.total.v[k];
		want.total_vmas += f.mem.total_vmas;
		want.lib_dup_loads += f.mem.lib_dup_loads;
		rss += f.rss_walk;
		pss += f.pss_walk;
		threads += members[i]->threads;
		fds += members[i]->fds;
		sockets += members[i]->sockets;
	}
	assert_int_equal(g->measured.processes, (long)n);
	assert_int_equal(g->measured.age, 0);
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < g->live.npids && g->live.pids[j] != members[i]->pid)
			j++;
		if (j == g->live.npids)
			fail_msg("pid %d missing from the group's pids", members[i]->pid);
		assert_int_equal(g->live.start_times[j], members[i]->start);
	}
	if (g->live.processes == g->measured.processes) {  /* else: the caller checks these */
		assert_int_equal(g->live.npids, n);
		assert_int_equal(g->live.threads, threads);
		assert_int_equal(g->live.fds, fds);
		assert_int_equal(g->live.sockets, sockets);
	}
	assert_int_equal(g->measured.mem.total.v[SW_F_RSS], rss);
	assert_int_equal(g->measured.mem.total.v[SW_F_PSS], pss);
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		assert_memory_equal(g->measured.mem.cat[c].v, want.cat[c].v,
				    sizeof(want.cat[c].v));
		assert_int_equal(g->measured.mem.vmas[c], want.vmas[c]);
	}
	assert_memory_equal(g->measured.mem.total.v, want.total.v, sizeof(want.total.v));
	assert_int_equal(g->measured.mem.total_vmas, want.total_vmas);
	assert_int_equal(g->measured.mem.lib_dup_loads, want.lib_dup_loads);
}

/* A value from the capture sidecar NAME.expect. */
static uint64_t expected_u64(const char *name, const char *key)
{
	char file[64];
	snprintf(file, sizeof(file), "%s.expect", name);
	char *expect = fx_load(file, NULL);
	uint64_t v = fx_expect_u64(expect, key);
	free(expect);
	return v;
}

static const sw_group_stats *group(const sw_groupset *gs, const char *name)
{
	for (size_t i = 0; i < sw_groupset_size(gs); i++)
		if (!strcmp(sw_groupset_get(gs, i)->name, name))
			return sw_groupset_get(gs, i);
	fail_msg("no group %s", name);
	return NULL;
}

static sw_groupset *groupset(size_t max_names, int sockets)
{
	sw_groupset_opts o = {.proc_root = fx_root, .max_names = max_names,
			      .count_sockets = sockets};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	return gs;
}

static void add_ok(sw_groupset *gs, const char *name, sw_selector_kind k,
		   const char *arg)
{
	char err[256] = "";
	if (sw_groupset_add(gs, name, k, arg, err, sizeof(err)))
		fail_msg("add %s %s: %s", name, arg, err);
}

/* ---- the process table used by most tests -------------------------------- */

static const proc_spec p_plain = {101, "plain", 61000, 1, 'S', "plain.smaps",
				  "/work/main/build/workloads/plain", NULL, 3, 1};
static const proc_spec p_threads = {102, "threads", 61010, 5, 'S', "threads.smaps",
				    "./threads|-v", NULL, 4, 2};
static const proc_spec p_python = {103, "python3", 61020, 1, 'S', "python.smaps",
				   "/usr/bin/python3|-c|import sys", NULL, 2, 0};
static const proc_spec p_shmem = {104, "shmem", 61030, 1, 'S', "shmem.smaps",
				  "shmem", "0::/system.slice/app.service\n", 5, 0};
static const proc_spec p_odd = {105, "a) (b", 61040, 2, 'R', "special.smaps",
				"worker|--queue=b", NULL, 1, 1};

static void make_all(void)
{
	const proc_spec *all[] = {&p_plain, &p_threads, &p_python, &p_shmem, &p_odd};
	for (size_t i = 0; i < 5; i++)
		make_proc(all[i]);
	/* what else lives in /proc: not processes */
	fx_mkdirs(fx_root, "sys");
	fx_mkdirs(fx_root, "1x");
	fx_write_str(fx_root, "meminfo", "MemTotal: 1 kB\n");
}

static void test_group_is_sum_of_processes(void **state)
{
	(void)state;
	make_all();
	sw_groupset *gs = groupset(16, 1);
	add_ok(gs, "workloads", SW_SEL_COMM, "plain");
	add_ok(gs, "workloads", SW_SEL_COMM, "threads");
	add_ok(gs, "workloads", SW_SEL_COMM, "shmem");
	add_ok(gs, "python", SW_SEL_CMDLINE, "^/usr/bin/python3 -c");
	/* python3 and shmem are in two groups each */
	add_ok(gs, "mixed", SW_SEL_PID, "104");
	add_ok(gs, "mixed", SW_SEL_COMM, "python3");
	add_ok(gs, "nobody", SW_SEL_COMM, "nosuch");
	assert_int_equal(sw_groupset_size(gs), 4);
	assert_null(sw_groupset_get(gs, 4));
	/* 105 matches no group: it is not read */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	const proc_spec *w[] = {&p_plain, &p_threads, &p_shmem};
	const proc_spec *py[] = {&p_python};
	const proc_spec *mixed[] = {&p_python, &p_shmem};
	assert_group_is_sum(group(gs, "workloads"), w, 3);
	assert_group_is_sum(group(gs, "python"), py, 1);
	assert_group_is_sum(group(gs, "mixed"), mixed, 2);
	assert_group_is_sum(group(gs, "nobody"), NULL, 0);
	assert_int_equal(group(gs, "workloads")->live.threads, 7);
	assert_int_equal(group(gs, "workloads")->live.sockets, 3);
	assert_int_equal(group(gs, "mixed")->measured.mem.vmas[SW_CAT_SHMEM], 4);
	/* the groups' library sub-totals add up to their libs category */
	const sw_group_stats *g = group(gs, "workloads");
	assert_non_null(g->measured.libs);
	uint64_t rss = 0;
	for (size_t i = 0; i < sw_subtotals_count(g->measured.libs); i++)
		rss += sw_subtotals_get(g->measured.libs, i)->counts.v[SW_F_RSS];
	assert_int_equal(rss, g->measured.mem.cat[SW_CAT_LIBS].v[SW_F_RSS]);
	assert_int_equal(sw_subtotals_count(g->measured.libs), 2); /* libc, ld.so */
	uint32_t lib_vmas = 0;
	for (size_t i = 0; i < sw_subtotals_count(g->measured.libs); i++)
		lib_vmas += sw_subtotals_get(g->measured.libs, i)->vmas;
	assert_int_equal(lib_vmas, expected_u64("plain", "so_vmas") +
					   expected_u64("threads", "so_vmas") +
					   expected_u64("shmem", "so_vmas"));

	/* a second cycle gives the same figures, not doubled ones */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	assert_group_is_sum(group(gs, "workloads"), w, 3);
	assert_group_is_sum(group(gs, "mixed"), mixed, 2);
	assert_int_equal(sw_subtotals_get(g->measured.libs, 0)->vmas +
				 sw_subtotals_get(g->measured.libs, 1)->vmas, lib_vmas);
	sw_groupset_free(gs);
}

static void test_sockets_off_and_no_subtotals(void **state)
{
	(void)state;
	make_all();
	sw_groupset *gs = groupset(0, 0);
	add_ok(gs, "w", SW_SEL_COMM, "threads");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	const sw_group_stats *g = group(gs, "w");
	assert_int_equal(g->live.fds, 4);
	assert_int_equal(g->live.sockets, 0);
	assert_null(g->measured.libs);
	assert_null(g->measured.named);
	assert_int_equal(g->measured.mem.total_vmas, expected_u64("threads", "mappings"));
	sw_groupset_free(gs);
}

/* One selector of each kind, each picking exactly its process. */
static void test_each_selector(void **state)
{
	(void)state;
	make_all();
	char pidfile[4096];
	fx_join(pidfile, sizeof(pidfile), fx_root, "app.pid");
	fx_write_str(fx_root, "app.pid", "102\n");
	sw_groupset *gs = groupset(4, 1);
	add_ok(gs, "by-comm", SW_SEL_COMM, "a) (b");
	add_ok(gs, "by-comm-prefix", SW_SEL_COMM, "python");  /* not python3 */
	add_ok(gs, "by-cmdline", SW_SEL_CMDLINE, "--queue=(a|b)$");
	add_ok(gs, "by-cmdline-args", SW_SEL_CMDLINE, "^\\./threads -v$");
	add_ok(gs, "by-pidfile", SW_SEL_PIDFILE, pidfile);
	add_ok(gs, "by-unit", SW_SEL_UNIT, "app.service");
	add_ok(gs, "by-pid", SW_SEL_PID, "101");
	/* apps_groups.conf's name*, *name and *name* patterns */
	add_ok(gs, "by-prefix", SW_SEL_COMM_PREFIX, "thr");
	add_ok(gs, "by-prefix", SW_SEL_COMM_PREFIX, "plain");    /* whole name */
	add_ok(gs, "by-suffix", SW_SEL_COMM_SUFFIX, ") (b");
	add_ok(gs, "by-suffix", SW_SEL_COMM_SUFFIX, "xplain");  /* longer */
	add_ok(gs, "by-substr", SW_SEL_CMDLINE_SUBSTR, "queue=b");
	add_ok(gs, "by-substr", SW_SEL_CMDLINE_SUBSTR, "threads -v");
	add_ok(gs, "by-substr", SW_SEL_CMDLINE_SUBSTR, "queue=c");
	/* python3 (103) is in no group here */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	const proc_spec *thr_pl[] = {&p_threads, &p_plain},
			*odd_thr[] = {&p_odd, &p_threads}, *odd_only[] = {&p_odd};
	assert_group_is_sum(group(gs, "by-prefix"), thr_pl, 2);
	assert_group_is_sum(group(gs, "by-suffix"), odd_only, 1);
	assert_group_is_sum(group(gs, "by-substr"), odd_thr, 2);
	const proc_spec *odd[] = {&p_odd}, *thr[] = {&p_threads},
			*shm[] = {&p_shmem}, *pl[] = {&p_plain};
	assert_group_is_sum(group(gs, "by-comm"), odd, 1);
	assert_group_is_sum(group(gs, "by-comm-prefix"), NULL, 0);
	assert_group_is_sum(group(gs, "by-cmdline"), odd, 1);
	assert_group_is_sum(group(gs, "by-cmdline-args"), thr, 1);
	assert_group_is_sum(group(gs, "by-pidfile"), thr, 1);
	assert_group_is_sum(group(gs, "by-unit"), shm, 1);
	assert_group_is_sum(group(gs, "by-pid"), pl, 1);
	/* special.smaps holds one [anon:NAME] region and a double load */
	const sw_group_stats *g = group(gs, "by-comm");
	assert_int_equal(sw_subtotals_count(g->measured.named), 1);
	assert_string_equal(sw_subtotals_get(g->measured.named, 0)->name, "demo \"pool\" | 1");
	assert_int_equal(g->measured.mem.lib_dup_loads, 1);
	assert_int_equal(g->measured.mem.vmas[SW_CAT_BINARY], 2);

	/* the pidfile is read again each cycle */
	fx_write_str(fx_root, "app.pid", "104\n");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	assert_group_is_sum(group(gs, "by-pidfile"), shm, 1);
	fx_write_str(fx_root, "app.pid", "103\n");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 5);
	const proc_spec *py[] = {&p_python};
	assert_group_is_sum(group(gs, "by-pidfile"), py, 1);
	fx_write_str(fx_root, "app.pid", "not a pid\n");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	assert_group_is_sum(group(gs, "by-pidfile"), NULL, 0);
	char path[4096];
	unlink(fx_join(path, sizeof(path), fx_root, "app.pid"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	assert_group_is_sum(group(gs, "by-pidfile"), NULL, 0);
	sw_groupset_free(gs);
}

static void expect_add_error(sw_groupset *gs, const char *name,
			     sw_selector_kind k, const char *arg, int code,
			     const char *err_prefix)
{
	char err[256] = "";
	int r = sw_groupset_add(gs, name, k, arg, err, sizeof(err));
	if (r != code || strncmp(err, err_prefix, strlen(err_prefix)))
		fail_msg("add %s \"%s\": %d \"%s\", want %d \"%s...\"", name, arg,
			 r, err, code, err_prefix);
}

static void test_bad_selectors(void **state)
{
	(void)state;
	make_all();
	sw_groupset *gs = groupset(4, 0);
	expect_add_error(gs, "g", SW_SEL_CMDLINE, "(unclosed", -EINVAL,
			 "bad regular expression \"(unclosed\": ");
	expect_add_error(gs, "g", SW_SEL_CMDLINE, "a{2,1}", -EINVAL,
			 "bad regular expression \"a{2,1}\": ");
	char err[256];
	assert_int_equal(sw_groupset_add(gs, "g", SW_SEL_CMDLINE, "[z-a]", err,
					 sizeof(err)), -EINVAL);
	/* the regex library's own words follow the colon */
	assert_true(strlen(err) > strlen("bad regular expression \"[z-a]\": "));
	static const char *const pids[] = {"12x", "0", "-3", "4194305", "0x10",
					   "99999999999999999999"};
	for (size_t i = 0; i < sizeof(pids) / sizeof(pids[0]); i++) {
		char want[64];
		snprintf(want, sizeof(want), "bad pid \"%s\"", pids[i]);
		expect_add_error(gs, "g", SW_SEL_PID, pids[i], -EINVAL, want);
	}
	expect_add_error(gs, "", SW_SEL_COMM, "x", -EINVAL, "empty group name");
	expect_add_error(gs, "g", SW_SEL_COMM, "", -EINVAL, "empty group name");
	expect_add_error(gs, "g", (sw_selector_kind)99, "x", -EINVAL, "");
	/* nothing was added by the failures */
	assert_int_equal(sw_groupset_size(gs), 0);
	add_ok(gs, "g", SW_SEL_PID, "4194304");
	add_ok(gs, "g", SW_SEL_COMM, "plain");
	assert_int_equal(sw_groupset_size(gs), 1);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	expect_add_error(gs, "h", SW_SEL_COMM, "x", -EBUSY,
			 "groups cannot change after collection");
	assert_int_equal(sw_groupset_size(gs), 1);
	sw_groupset_free(gs);
}

/* ---- processes come and go ----------------------------------------------- */

/* The same pid with a new start time is a new process: what was learnt
 * about the old one (its command line, its unit) must not carry over. */
static void test_pid_reuse(void **state)
{
	(void)state;
	proc_spec w = {300, "worker", 5000, 1, 'S', "plain.smaps",
		       "worker|--queue=a", "0::/system.slice/a.service\n", 0, 0};
	make_proc(&w);
	sw_groupset *gs = groupset(4, 0);
	add_ok(gs, "queue-a", SW_SEL_CMDLINE, "--queue=a");
	add_ok(gs, "unit-a", SW_SEL_UNIT, "a.service");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(group(gs, "queue-a")->live.processes, 1);
	assert_int_equal(group(gs, "unit-a")->live.processes, 1);
	uint64_t first_identity = group(gs, "queue-a")->measured.identity;
	assert_true(first_identity != 0);
	assert_int_equal(group(gs, "unit-a")->measured.identity, first_identity);

	/* same start time: the cached answers stand (examined once a life) */
	w.cmdline = "worker|--queue=b";
	w.cgroup = "0::/system.slice/b.service\n";
	make_proc(&w);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(group(gs, "queue-a")->live.processes, 1);
	assert_int_equal(group(gs, "unit-a")->live.processes, 1);
	assert_int_equal(group(gs, "queue-a")->measured.identity, first_identity);

	/* the pid reused by another process: asked afresh */
	w.start = 9000;
	w.comm = "other";
	make_proc(&w);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(group(gs, "queue-a")->live.processes, 0);
	assert_int_equal(group(gs, "unit-a")->live.processes, 0);
	assert_int_equal(group(gs, "queue-a")->measured.mem.total.v[SW_F_RSS], 0);
	assert_int_equal(group(gs, "queue-a")->measured.identity, 0);

	/* and reused again, by one that matches */
	w.start = 9500;
	w.cmdline = "worker|--queue=a";
	w.cgroup = "0::/system.slice/a.service\n";
	make_proc(&w);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(group(gs, "queue-a")->live.processes, 1);
	assert_int_equal(group(gs, "unit-a")->live.processes, 1);
	/* same pid, another process: another identity (growth restarts) */
	assert_true(group(gs, "queue-a")->measured.identity != 0);
	assert_true(group(gs, "queue-a")->measured.identity != first_identity);

	/* a cycle where the pid is absent forgets it entirely */
	char path[4096];
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "300"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	w.cmdline = "worker|--queue=z";
	w.cgroup = "0::/system.slice/z.service\n";
	make_proc(&w);  /* same start 9500 as before it vanished */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(group(gs, "queue-a")->live.processes, 0);
	assert_int_equal(group(gs, "unit-a")->live.processes, 0);
	sw_groupset_free(gs);
}

/* One mapping in the kernel's format (the fields the ledger reads). */
static int mapping(char *out, size_t len, unsigned long addr, const char *perms,
		   const char *name, int size, int rss, int pss, int shared,
		   int priv)
{
	return snprintf(out, len,
		"%012lx-%012lx %s 00000000 %s %s\n"
		"Size: %d kB\nRss: %d kB\nPss: %d kB\nShared_Clean: 0 kB\n"
		"Shared_Dirty: %d kB\nPrivate_Clean: 0 kB\nPrivate_Dirty: %d kB\n"
		"Swap: 0 kB\nSwapPss: 0 kB\nVmFlags: rd wr mr mw me ac\n",
		addr, addr + (unsigned long)size * 1024, perms,
		*name == '/' ? "08:01 77" : "00:00 0", name, size, rss, pss,
		shared, priv);
}

/* A master (201) whose 400 KiB heap is shared with its child (202), both
 * mapping a library shared with the whole host (Pss 8 of 64 KiB). */
static void put_master_child(int heap_shared, int child)
{
	char text[4096];
	int n = 0;
	n += mapping(text + n, sizeof(text) - n, 0x55d000000000ul, "rw-p",
		     "[heap]", 400, 400, heap_shared ? 200 : 400,
		     heap_shared ? 400 : 0, heap_shared ? 0 : 400);
	n += mapping(text + n, sizeof(text) - n, 0x7f1000000000ul, "rw-p", "",
		     100, 100, 100, 0, 100);
	n += mapping(text + n, sizeof(text) - n, 0x7f2000000000ul, "r-xp",
		     "/usr/lib/libfoo.so.1", 64, 64, 8, 64, 0);
	put(201, "smaps", text, (size_t)n);
	if (!child)
		return;
	n = mapping(text, sizeof(text), 0x55d000000000ul, "rw-p", "[heap]", 400,
		    400, 200, 400, 0);
	n += mapping(text + n, sizeof(text) - n, 0x7f2000000000ul, "r-xp",
		     "/usr/lib/libfoo.so.1", 64, 64, 8, 64, 0);
	n += mapping(text + n, sizeof(text) - n, 0x7f3000000000ul, "rw-p", "",
		     8, 8, 8, 0, 8);
	n += mapping(text + n, sizeof(text) - n, 0x7ffd00000000ul, "rw-p",
		     "[stack]", 132, 12, 12, 0, 12);
	put(202, "smaps", text, (size_t)n);
}

/* The owned-memory chain (ledger.h) fed by each full read: the child's
 * exit takes its private pages and its share of the heap (in this static
 * tree no one takes that share: -200 KiB), and once the kernel counts
 * the heap to the master alone (Pss 400) the chain is back at 0: an
 * exiting sharer is no drop and no growth. The library's Pss, which
 * moves with the host, is not followed. An empty group ends the chain.
 * The largest member's mappings are the max, not the sum. */
static void test_owned_chain(void **state)
{
	(void)state;
	proc_spec m = {201, "master", 7000, 1, 'S', NULL, "srv|-m", NULL, 0, 0};
	proc_spec c = {202, "master", 7100, 1, 'S', NULL, "srv|-c", NULL, 0, 0};
	make_proc(&m);
	make_proc(&c);
	put_master_child(1, 1);
	sw_groupset *gs = groupset(0, 0);
	add_ok(gs, "srv", SW_SEL_COMM, "master");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	const sw_group_stats *g = group(gs, "srv");
	assert_int_equal(g->measured.mem.total_vmas, 7);
	assert_int_equal(g->measured.largest_vmas, 4);
	assert_int_equal(g->measured.owned_epoch, 1);
	assert_true(g->measured.owned[SW_CAT_COUNT] == 0);
	char path[4096];
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "202"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_true(g->measured.owned[SW_CAT_HEAP] == -200.0 * KB);
	assert_true(g->measured.owned[SW_CAT_COUNT] == -200.0 * KB);
	assert_true(g->measured.owned[SW_CAT_LIBS] == 0 && g->measured.owned[SW_CAT_ANON] == 0);
	assert_int_equal(g->measured.largest_vmas, 3);
	/* a read that measures no one (malformed smaps) is no read: the
	 * chain goes on from the last one */
	fx_write_str(fx_root, "201/smaps", "garbage\n");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(g->measured.processes, 0);
	assert_int_equal(g->measured.owned_epoch, 1);
	assert_true(g->measured.owned[SW_CAT_COUNT] == -200.0 * KB);
	put_master_child(0, 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_true(g->measured.owned[SW_CAT_COUNT] == 0);
	assert_int_equal(g->measured.owned_epoch, 1);
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "201"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(g->measured.owned_epoch, 1);
	assert_int_equal(g->measured.largest_vmas, 0);
	make_proc(&m);
	put_master_child(0, 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(g->measured.owned_epoch, 2);
	assert_true(g->measured.owned[SW_CAT_COUNT] == 0);
	sw_groupset_free(gs);
}

/* Warm-up: a member started less than warm_up seconds ago (its start
 * time, in ticks after boot, against CLOCK_BOOTTIME) grows on its own
 * account. The fixtures started 70 s after boot: young for a warm-up of
 * years, old for none. */
static void test_warm_up(void **state)
{
	(void)state;
	for (int warm = 0; warm < 2; warm++) {
		proc_spec m = {201, "master", 7000, 1, 'S', NULL, "srv", NULL, 0, 0};
		make_proc(&m);
		put_master_child(0, 0);
		sw_groupset_opts o = {.proc_root = fx_root,
				      .warm_up = warm ? 1e9 : 0};
		sw_groupset *gs = sw_groupset_new(&o);
		assert_non_null(gs);
		add_ok(gs, "srv", SW_SEL_COMM, "master");
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
		put_master_child(1, 0);   /* heap Pss 400 -> 200, USS 400 -> 0 */
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
		const sw_group_stats *g = group(gs, "srv");
		/* old: the held change counts (-200 KiB); young: minus its own
		 * change (-400 KiB), +200 KiB */
		assert_true(g->measured.owned[SW_CAT_HEAP] == (warm ? 200.0 : -200.0) * KB);
		sw_groupset_free(gs);
	}
}

/* comm is read each cycle: a process that renames itself moves. */
static void test_comm_rename(void **state)
{
	(void)state;
	proc_spec p = {310, "before", 7000, 1, 'S', "plain.smaps", "x", NULL, 0, 0};
	make_proc(&p);
	sw_groupset *gs = groupset(0, 0);
	add_ok(gs, "b", SW_SEL_COMM, "before");
	add_ok(gs, "a", SW_SEL_COMM, "after");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(group(gs, "b")->live.processes, 1);
	assert_int_equal(group(gs, "a")->live.processes, 0);
	p.comm = "after";
	make_proc(&p);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(group(gs, "b")->live.processes, 0);
	assert_int_equal(group(gs, "a")->live.processes, 1);
	sw_groupset_free(gs);
}

typedef struct {
	int calls;
	char group[64];
	pid_t pid;
	int code;
	char detail[160];
} error_log;

static void on_error(void *ctx, const char *grp, const sw_proc_stat *ps,
		     int code, const char *detail)
{
	error_log *l = ctx;
	l->calls++;
	snprintf(l->group, sizeof(l->group), "%s", grp ? grp : "(null)");
	l->pid = ps->pid;
	l->code = code;
	snprintf(l->detail, sizeof(l->detail), "%s", detail);
}

/* A process that cannot be parsed is counted as failed and reported; one
 * that exited or is a zombie is skipped quietly. */
static void test_failures(void **state)
{
	(void)state;
	make_all();
	proc_spec bad = {400, "plain", 100, 1, 'S', "bad/dup-field.smaps", "x",
			 NULL, 0, 0};
	proc_spec gone = {401, "plain", 100, 1, 'S', NULL, "x", NULL, 0, 0};
	proc_spec zombie = {402, "plain", 100, 1, 'Z', NULL, "", NULL, 0, 0};
	make_proc(&bad);
	make_proc(&gone);
	make_proc(&zombie);
	fx_write(fx_root, "402/smaps", "", 0);
	sw_groupset *gs = groupset(4, 1);
	add_ok(gs, "first", SW_SEL_COMM, "python3");
	add_ok(gs, "plains", SW_SEL_COMM, "plain");
	error_log log = {0};
	assert_int_equal(sw_groupset_collect(gs, on_error, &log), 2);
	assert_int_equal(log.calls, 1);
	assert_string_equal(log.group, "plains");
	assert_int_equal(log.pid, 400);
	assert_int_equal(log.code, -SW_EDUPFIELD);
	assert_string_equal(log.detail, "line 47: field repeated within a mapping");
	const sw_group_stats *g = group(gs, "plains");
	assert_int_equal(g->measured.failed, 1);
	assert_int_equal(g->measured.unreadable, 0);
	const proc_spec *pl[] = {&p_plain};
	assert_group_is_sum(g, pl, 1);
	/* live members: the malformed and the exited one too, not the zombie */
	assert_int_equal(g->live.processes, 3);
	assert_int_equal(g->live.npids, 3);
	assert_int_equal(g->live.threads, 3);
	assert_int_equal(group(gs, "first")->measured.failed, 0);
	/* without a callback the counts are kept all the same */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(group(gs, "plains")->measured.failed, 1);
	sw_groupset_free(gs);
}

static void test_missing_root(void **state)
{
	(void)state;
	sw_groupset_opts o = {.proc_root = "/nonexistent/smapwatch-proc"};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	add_ok(gs, "g", SW_SEL_COMM, "x");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), -ENOENT);
	sw_groupset_free(gs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_group_is_sum_of_processes, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_sockets_off_and_no_subtotals, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_each_selector, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_bad_selectors, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_owned_chain, fx_root_setup,
						fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_warm_up, fx_root_setup,
						fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_comm_rename, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_failures, fx_root_setup, fx_root_teardown),
		cmocka_unit_test(test_missing_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
