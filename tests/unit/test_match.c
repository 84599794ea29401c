/* test_match.c - which processes a group's selectors take, over proc
 * trees written in the kernel's formats: facts read once per process
 * (whatever the number of selectors), asked again when the process
 * execs, whole command lines, units as systemd reads them, directory
 * names that are not pids, and files that would block. */
#include "fixture.h"

#include <signal.h>
#include <sys/inotify.h>
#include "smapwatch/error.h"
#include "smapwatch/group.h"
#include "smapwatch/pid.h"

/* stat in the kernel's layout: starttime is field 22, startcode 26,
 * endcode 27, startstack 28, arg_start 48, arg_end 49. `code` stands for
 * where exec put the program (0: as without ptrace rights). */
static void put_stat(int pid, const char *comm, unsigned long long start,
		     unsigned long long code)
{
	char rel[64], text[1024];
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	fx_mkdirs(fx_root, rel);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	snprintf(text, sizeof(text),
		 "%d (%s) S 1 %d %d 0 -1 4194304 100 0 0 0 5 3 0 0 20 0 1 0 %llu "
		 "12345678 100 18446744073709551615 %llu %llu %llu 0 0 0 0 0 0 0 "
		 "0 0 0 17 0 0 0 0 0 0 %llu %llu %llu %llu 0 0 0\n",
		 pid, comm, pid, pid, start, code, code ? code + 4096 : 0,
		 code ? code + 65536 : 0, code ? code + 8192 : 0,
		 code ? code + 12288 : 0, code ? code + 16384 : 0,
		 code ? code + 20480 : 0);
	fx_write_str(fx_root, rel, text);
}

/* argv as the kernel keeps it: each argument NUL-terminated. */
static void put_cmdline(int pid, const char *const *argv)
{
	char rel[64];
	size_t len = 0;
	for (const char *const *a = argv; *a; a++)
		len += strlen(*a) + 1;
	char *buf = malloc(len ? len : 1), *p = buf;
	assert_non_null(buf);
	for (const char *const *a = argv; *a; a++) {
		memcpy(p, *a, strlen(*a) + 1);
		p += strlen(*a) + 1;
	}
	snprintf(rel, sizeof(rel), "%d/cmdline", pid);
	fx_write(fx_root, rel, buf, len);
	free(buf);
}

static void put_proc(int pid, const char *comm, unsigned long long start,
		     const char *const *argv, const char *cgroup)
{
	char rel[64];
	put_stat(pid, comm, start, 0);
	put_cmdline(pid, argv);
	snprintf(rel, sizeof(rel), "%d/cgroup", pid);
	fx_write_str(fx_root, rel, cgroup ? cgroup : "0::/user.slice/session-1.scope\n");
	snprintf(rel, sizeof(rel), "%d/status", pid);
	fx_write_str(fx_root, rel, "Name:\tx\nVmRSS:\t    1000 kB\n");
	snprintf(rel, sizeof(rel), "%d/smaps", pid);
	fx_write_str(fx_root, rel,
		     "55d000000000-55d000100000 rw-p 00000000 00:00 0   [heap]\n"
		     "Size:               1024 kB\nRss:                1000 kB\n");
}

static sw_groupset *groupset(void)
{
	sw_groupset_opts o = {.proc_root = fx_root};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	return gs;
}

static void add_ok(sw_groupset *gs, const char *name, sw_selector_kind k,
		   const char *arg)
{
	char err[128];
	if (sw_groupset_add(gs, name, k, arg, err, sizeof(err)))
		fail_msg("add %s %s: %s", name, arg, err);
}

static long members(sw_groupset *gs, size_t g)
{
	return sw_groupset_get(gs, g)->live.processes;
}

/* ---- exec -------------------------------------------------------------- */

/* Between fork and exec a child has its parent's comm and command line;
 * the exec brings its own. The answers learnt before must not outlive it:
 * comm changing says so, and stat's code and argument addresses do when
 * comm stays (a shell exec'ing another shell script). */
static void test_exec_rematches(void **state)
{
	(void)state;
	static const char *const forked[] = {"/usr/sbin/launcher", "--spawn", NULL};
	static const char *const app[] = {"java", "-jar", "/opt/myapp.jar", NULL};
	static const char *const other[] = {"java", "-jar", "/opt/other.jar", NULL};
	put_proc(500, "launcher", 9000, forked, NULL);
	sw_groupset *gs = groupset();
	add_ok(gs, "app", SW_SEL_CMDLINE_SUBSTR, "myapp.jar");
	add_ok(gs, "re", SW_SEL_CMDLINE, "myapp\\.jar$");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(members(gs, 0), 0);
	/* exec: comm changes with the program */
	put_stat(500, "java", 9000, 0);
	put_cmdline(500, app);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(members(gs, 0), 1);
	assert_int_equal(members(gs, 1), 1);
	/* the same answers while nothing changes: no read */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(sw_groupset_cost(gs)->fact_reads, 0);
	/* exec of another java: same comm, the program elsewhere */
	put_stat(500, "java", 9000, 0x55d000000000ull);
	put_cmdline(500, other);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(members(gs, 0), 0);
	assert_int_equal(members(gs, 1), 0);
	assert_int_equal(sw_groupset_cost(gs)->fact_reads, 1);
	sw_groupset_free(gs);
}

/* ---- reads per process --------------------------------------------------- */

/* 113 processes, 21 command-line selectors: each process's cmdline is
 * opened once in its life, not once per selector (2,373 before). Counted
 * by the kernel (inotify's IN_OPEN), not by the code under test; closes
 * are watched too, so that no two events in a row are the same (inotify
 * coalesces those). */
static void test_cmdline_read_once(void **state)
{
	(void)state;
	enum { NPROC = 113, NSEL = 20 };
	char arg[32], rel[64], path[4096];
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	assert_true(in >= 0);
	for (int i = 0; i < NPROC; i++) {
		snprintf(arg, sizeof(arg), "--worker=%d", i);
		const char *argv[] = {"worker", arg, NULL};
		put_proc(1000 + i, "worker", 5000 + i, argv, NULL);
		snprintf(rel, sizeof(rel), "%d", 1000 + i);
		assert_true(inotify_add_watch(in, fx_join(path, sizeof(path), fx_root, rel),
					      IN_OPEN | IN_CLOSE) >= 0);
	}
	sw_groupset *gs = groupset();
	for (int s = 0; s < NSEL; s++) {
		snprintf(arg, sizeof(arg), "x%d", s);
		add_ok(gs, arg, SW_SEL_CMDLINE_SUBSTR, arg);
	}
	add_ok(gs, "w7", SW_SEL_CMDLINE_SUBSTR, "--worker=7");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 11);  /* 7, 70-79 */
	assert_int_equal(sw_groupset_cost(gs)->fact_reads, NPROC);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 11);
	assert_int_equal(sw_groupset_cost(gs)->fact_reads, 0);
	long opens = 0;
	_Alignas(struct inotify_event) char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			assert_false(ev->mask & IN_Q_OVERFLOW);
			opens += (ev->mask & IN_OPEN) && ev->len &&
				 !strcmp(ev->name, "cmdline");
			p += sizeof(*ev) + ev->len;
		}
	close(in);
	print_message("cmdline opens: %ld for %d processes, %d selectors, 2 cycles\n",
		      opens, NPROC, NSEL + 1);
	assert_int_equal(opens, NPROC);
	sw_groupset_free(gs);
}

/* ---- long command lines -------------------------------------------------- */

/* A Java command line: a class path of 10,000 bytes, the jar at the end. */
static void test_long_cmdline(void **state)
{
	(void)state;
	char *cp = malloc(10001);
	assert_non_null(cp);
	for (int i = 0; i < 10000; i++)
		cp[i] = i % 40 == 39 ? ':' : 'a' + i % 26;
	cp[10000] = '\0';
	const char *argv[] = {"/usr/bin/java", "-cp", cp, "-jar", "/srv/myapp.jar", NULL};
	put_proc(600, "java", 100, argv, NULL);
	sw_groupset *gs = groupset();
	add_ok(gs, "substr", SW_SEL_CMDLINE_SUBSTR, "myapp.jar");
	add_ok(gs, "regex", SW_SEL_CMDLINE, "-jar /srv/myapp\\.jar$");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(members(gs, 0), 1);
	assert_int_equal(members(gs, 1), 1);
	sw_groupset_free(gs);
	free(cp);
}

/* ---- units --------------------------------------------------------------- */

/* The system's api.service, and a user's `systemd-run --user
 * --unit=api.service`: unit:api.service is the first only. */
static void test_unit_own_cgroup(void **state)
{
	(void)state;
	static const char *const argv[] = {"api", NULL};
	put_proc(700, "api", 100, argv, "0::/system.slice/api.service\n");
	put_proc(701, "api", 200, argv,
		 "0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
		 "api.service\n");
	/* hybrid (this host's layout): name=systemd says, 0:: is empty */
	put_proc(702, "api", 300, argv,
		 "4:memory:/system.slice/api.service\n"
		 "1:name=systemd:/system.slice/api.service\n0::/\n");
	put_proc(703, "api", 400, argv,
		 "4:memory:/system.slice/api.service\n"
		 "1:name=systemd:/user.slice/user-1000.slice/user@1000.service/"
		 "api.service\n0::/\n");
	sw_groupset *gs = groupset();
	add_ok(gs, "api", SW_SEL_UNIT, "api.service");
	add_ok(gs, "user", SW_SEL_UNIT, "user@1000.service");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 4);
	/* a fixture directory lists in no particular order: the pids' sum */
	const sw_group_stats *g = sw_groupset_get(gs, 0);
	assert_int_equal(g->live.processes, 2);
	assert_int_equal(g->live.pids[0] + g->live.pids[1], 700 + 702);
	assert_int_equal(g->live.pids[0] * g->live.pids[1], 700 * 702);
	g = sw_groupset_get(gs, 1);
	assert_int_equal(g->live.processes, 2);
	assert_int_equal(g->live.pids[0] + g->live.pids[1], 701 + 703);
	assert_int_equal(g->live.pids[0] * g->live.pids[1], 701 * 703);
	sw_groupset_free(gs);
}

/* ---- what is a pid --------------------------------------------------------- */

static void test_pid_parser(void **state)
{
	(void)state;
	assert_int_equal(sw_parse_pid("1", 1, 0), 1);
	assert_int_equal(sw_parse_pid("4194304", 7, 0), 4194304);
	assert_int_equal(sw_parse_pid("4194305", 7, 0), 0);
	assert_int_equal(sw_parse_pid("32767", 5, 32767), 32767);
	assert_int_equal(sw_parse_pid("32768", 5, 32767), 0);
	assert_int_equal(sw_parse_pid("0", 1, 0), 0);
	assert_int_equal(sw_parse_pid("010", 3, 0), 0);
	assert_int_equal(sw_parse_pid("", 0, 0), 0);
	assert_int_equal(sw_parse_pid("12a", 3, 0), 0);
	assert_int_equal(sw_parse_pid("+12", 3, 0), 0);
	assert_int_equal(sw_parse_pid("-12", 3, 0), 0);
	assert_int_equal(sw_parse_pid("99999999999", 11, 0), 0);
	assert_int_equal(sw_parse_pid("123", 2, 0), 12);  /* len bounds it */
}

/* Directory names with a leading zero or above the root's pid_max are
 * not processes, whatever their stat says; nor is a "pid:" selector. */
static void test_dirent_pids(void **state)
{
	(void)state;
	char err[128];
	static const char *const argv[] = {"app", NULL};
	put_proc(101, "app", 100, argv, NULL);
	fx_mkdirs(fx_root, "sys/kernel");
	fx_write_str(fx_root, "sys/kernel/pid_max", "32768\n");
	/* copies of 101 under names that are not pids */
	char from[4096], to[4096];
	const char *names[] = {"0101", "40000", "101x"};
	for (size_t i = 0; i < 3; i++) {
		char rel[64];
		snprintf(rel, sizeof(rel), "%s", names[i]);
		fx_mkdirs(fx_root, rel);
		for (const char *const *f = (const char *const[]){"stat", "status",
				"cmdline", "cgroup", "smaps", NULL}; *f; f++) {
			size_t len = 0;
			snprintf(rel, sizeof(rel), "101/%s", *f);
			char *buf = fx_read_path(fx_join(from, sizeof(from), fx_root, rel), &len);
			assert_non_null(buf);
			snprintf(rel, sizeof(rel), "%s/%s", names[i], *f);
			(void)to;
			fx_write(fx_root, rel, buf, len);
			free(buf);
		}
	}
	sw_groupset *gs = groupset();
	add_ok(gs, "app", SW_SEL_COMM, "app");
	assert_int_equal(sw_groupset_add(gs, "z", SW_SEL_PID, "0101", err,
					 sizeof(err)), -EINVAL);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(members(gs, 0), 1);
	sw_groupset_free(gs);
}

/* ---- files that would block -------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "blocked in a FIFO of the saved tree\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(98);
	_exit(99);
}

/* A saved proc tree whose files are FIFOs (no writer): each is opened so
 * that it cannot block, and read as what it is (nothing). Without that,
 * open() waits for a writer forever. */
static void test_fifo_does_not_block(void **state)
{
	(void)state;
	static const char *const argv[] = {"app", NULL};
	char path[4096];
	put_proc(101, "app", 100, argv, NULL);
	put_proc(102, "app", 200, argv, NULL);
	put_proc(103, "app", 300, argv, NULL);
	const char *fifos[] = {"101/smaps", "102/cmdline", "103/status"};
	for (size_t i = 0; i < 3; i++) {
		fx_join(path, sizeof(path), fx_root, fifos[i]);
		unlink(path);
		assert_int_equal(mkfifo(path, 0600), 0);
	}
	fx_mkdirs(fx_root, "104");
	assert_int_equal(mkfifo(fx_join(path, sizeof(path), fx_root, "104/stat"), 0600), 0);
	sw_groupset *gs = groupset();
	add_ok(gs, "app", SW_SEL_COMM, "app");
	add_ok(gs, "cmd", SW_SEL_CMDLINE_SUBSTR, "app");
	signal(SIGALRM, on_alarm);
	alarm(20);
	int r = sw_groupset_collect(gs, NULL, NULL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	/* 101: its smaps empty (no mapping: not read); 102: no command line
	 * to match; 103: no status counters. */
	assert_int_equal(r, 2);
	assert_int_equal(members(gs, 0), 3);
	assert_int_equal(members(gs, 1), 2);
	sw_groupset_free(gs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exec_rematches, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_cmdline_read_once, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_long_cmdline, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_unit_own_cgroup, fx_root_setup, fx_root_teardown),
		cmocka_unit_test(test_pid_parser),
		cmocka_unit_test_setup_teardown(test_dirent_pids, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_does_not_block, fx_root_setup, fx_root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
