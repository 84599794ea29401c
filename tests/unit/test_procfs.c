/* test_procfs.c - the small /proc readers: stat (with hostile process
 * names), pidfiles, cgroup units, cmdline, fd counts. Files are written to
 * a temporary tree that stands in for /proc. */
#include "fixture.h"
#include <signal.h>
#include <sys/wait.h>
#include <linux/capability.h>

#include "smapwatch/caller.h"
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"

/* The fields after "(comm)" of the captured threads workload's stat:
 * state S, num_threads 5 (field 20), starttime (field 22). */
static char *stat_tail(void)
{
	char *s = fx_load("threads.stat", NULL);
	char *close = strrchr(s, ')');
	assert_non_null(close);
	memmove(s, close + 1, strlen(close + 1) + 1);
	return s;
}

/* Field n (1-based, as in proc(5)) after the last ')' (or in a tail that
 * starts after it) found by splitting on spaces: a second, simpler reading
 * of the same text. */
static uint64_t stat_field(const char *text, int n)
{
	char copy[1024], *save = NULL;
	const char *close = strrchr(text, ')');
	snprintf(copy, sizeof(copy), "%s", close ? close + 1 : text);
	char *tok = strtok_r(copy, " \n", &save);
	for (int i = 3; i < n && tok; i++)
		tok = strtok_r(NULL, " \n", &save);
	assert_non_null(tok);
	return strtoull(tok, NULL, 10);
}

static void test_parse_stat_captured(void **state)
{
	(void)state;
	static const struct {
		const char *name, *comm;
		long threads;
	} procs[] = {
		{"plain", "plain", 1}, {"threads", "threads", 5},
		{"shmem", "shmem", 1}, {"python", "python3", 1},
	};
	for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++) {
		char file[64];
		size_t len;
		snprintf(file, sizeof(file), "%s.stat", procs[i].name);
		char *text = fx_load(file, &len);
		snprintf(file, sizeof(file), "%s.expect", procs[i].name);
		char *expect = fx_load(file, NULL);
		sw_proc_stat ps;
		memset(&ps, 0xa5, sizeof(ps));
		assert_int_equal(sw_parse_stat(text, len, &ps), 0);
		assert_int_equal(ps.pid, fx_expect_u64(expect, "pid"));
		assert_string_equal(ps.comm, procs[i].comm);
		assert_int_equal(ps.comm_len, strlen(procs[i].comm));
		assert_int_equal(ps.state, 'S');
		assert_int_equal(ps.threads, procs[i].threads);
		assert_int_equal(ps.threads, stat_field(text, 20));
		assert_int_equal(ps.start_time, stat_field(text, 22));
		assert_true(ps.start_time > 1000);
		free(expect);
		free(text);
	}
}

/* nobody.status: `setpriv --reuid=65534 --regid=65534 --clear-groups cat
 * /proc/self/status` on the 6.x kernel here. */
static void test_parse_status_captured(void **state)
{
	(void)state;
	size_t len;
	char *text = fx_load("nobody.status", &len);
	sw_proc_status st;
	memset(&st, 0xa5, sizeof(st));
	assert_int_equal(sw_parse_status(text, len, &st), 0);
	assert_int_equal(st.rss, 1744u << 10);
	assert_int_equal(st.rss_anon, 116u << 10);
	assert_int_equal(st.rss_file, 1628u << 10);
	assert_int_equal(st.rss_shmem, 0);
	assert_int_equal(st.swap, 0);
	assert_true(st.has_uid);
	assert_int_equal(st.ruid, 65534);
	assert_int_equal(st.euid, 65534);

	/* real and effective apart (a set-user-ID program); each edit keeps
	 * the line's 16 bytes */
	char *uid = strstr(text, "Uid:\t65534\t65534\t");
	assert_non_null(uid);
	memcpy(uid, "Uid:\t01000\t00000", 16);
	assert_int_equal(sw_parse_status(text, len, &st), 0);
	assert_int_equal(st.ruid, 1000);
	assert_int_equal(st.euid, 0);
	/* a uid that is no number, negative or past 32 bits: no uids, the
	 * counters still read */
	static const char *const bad[] = {"Uid:\t1000x\t00000",
					  "Uid:\t99999999999", "Uid:\t-1\t-1\t-100\t"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(uid, bad[i], 16);
		assert_int_equal(sw_parse_status(text, len, &st), 0);
		assert_false(st.has_uid);
		assert_int_equal(st.rss, 1744u << 10);
	}
	/* no Uid line at all */
	memcpy(uid, "Xid", 3);
	assert_int_equal(sw_parse_status(text, len, &st), 0);
	assert_false(st.has_uid);
	assert_int_equal(st.rss, 1744u << 10);
	free(text);
}

/* A process names itself: any byte but NUL, up to 15 of them in the
 * kernel, parentheses, spaces and newlines included. */
static void test_parse_stat_hostile_comm(void **state)
{
	(void)state;
	static const char *const comms[] = {
		"a) (b", ") (", "x\ny", "((()))", ") S 1 2 3 4", "", " ", ")",
		"(", "a b c d e f g", "tab\there", "\n", "15 bytes, max.",
		"\x01\xff\x7f", "1) R 2 3 (x",
	};
	char *tail = stat_tail();
	assert_true(stat_field(tail, 22) > 1000);
	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		char text[1024];
		int n = snprintf(text, sizeof(text), "4242 (%s)%s", comms[i], tail);
		sw_proc_stat ps;
		memset(&ps, 0, sizeof(ps));
		if (sw_parse_stat(text, (size_t)n, &ps))
			fail_msg("comm \"%s\" rejected", comms[i]);
		assert_int_equal(ps.pid, 4242);
		assert_string_equal(ps.comm, comms[i]);
		assert_int_equal(ps.comm_len, strlen(comms[i]));
		assert_int_equal(ps.state, 'S');
		assert_int_equal(ps.threads, 5);
		assert_int_equal(ps.start_time, stat_field(tail, 22));
	}
	free(tail);
}

static void test_parse_stat_long_comm_truncated(void **state)
{
	(void)state;
	char comm[101], text[1024];
	char *tail = stat_tail();
	memset(comm, 'c', 100);
	comm[100] = '\0';
	comm[70] = ')';
	int n = snprintf(text, sizeof(text), "7 (%s)%s", comm, tail);
	sw_proc_stat ps;
	assert_int_equal(sw_parse_stat(text, (size_t)n, &ps), 0);
	assert_int_equal(ps.comm_len, SW_COMM_MAX - 1);
	assert_memory_equal(ps.comm, comm, SW_COMM_MAX - 1);
	assert_int_equal(ps.comm[SW_COMM_MAX - 1], '\0');
	assert_int_equal(ps.start_time, stat_field(tail, 22));
	free(tail);
}

/* Fields that can be negative (priority, nice of a real-time task) and a
 * zombie's state; the text is not NUL-terminated at len. */
static void test_parse_stat_fields(void **state)
{
	(void)state;
	const char *text =
		"31337 (rt task) Z 1 31337 31337 0 -1 4194560 10 0 0 0 3 4 0 0 "
		"-51 -20 17 0 98765432109 0 0 18446744073709551615 0 0 0 0 0 0 "
		"0 0 0 0 0 0 17 1 50 1 0 0 0 0 0 0 0 0 0 0 0\n";
	char buf[512];
	size_t len = strlen(text);
	memcpy(buf, text, len);
	memset(buf + len, '9', sizeof(buf) - len); /* no terminator */
	sw_proc_stat ps;
	assert_int_equal(sw_parse_stat(buf, len, &ps), 0);
	assert_int_equal(ps.pid, 31337);
	assert_string_equal(ps.comm, "rt task");
	assert_int_equal(ps.state, 'Z');
	assert_int_equal(ps.threads, 17);
	assert_int_equal(ps.start_time, 98765432109ull);
	assert_int_equal(ps.vsize, 0);          /* a zombie's: no mm */
	const char *live = "7 (x) R 1 7 7 0 -1 4194308 0 0 0 0 0 0 0 0 20 0 1 "
			   "0 55 3133440 374 18446744073709551615\n";
	assert_int_equal(sw_parse_stat(live, strlen(live), &ps), 0);
	assert_int_equal(ps.vsize, 3133440);
}

static void test_parse_stat_rejects(void **state)
{
	(void)state;
	char *tail = stat_tail();
	char text[1024];
	static const char *const heads[] = {
		"4242 comm", "4242 (comm", "4242 comm)", "(comm)", "abc (comm)",
		"42a (comm)", "4242 )comm(",
	};
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		int n = snprintf(text, sizeof(text), "%s%s", heads[i], tail);
		sw_proc_stat ps;
		if (sw_parse_stat(text, (size_t)n, &ps) != -SW_ESYNTAX)
			fail_msg("accepted \"%s...\"", heads[i]);
	}
	static const char *const whole[] = {
		"", "1 (x)", "1 (x) S", "1 (x) S 1 2 3",
		"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 x 0 55",   /* threads */
		"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5x5",  /* start */
		"1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0",      /* no start */
	};
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		sw_proc_stat ps;
		if (sw_parse_stat(whole[i], strlen(whole[i]), &ps) != -SW_ESYNTAX)
			fail_msg("accepted \"%s\"", whole[i]);
	}
	/* the shortest whole line is accepted */
	sw_proc_stat ps;
	const char *ok = "1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 3 0 55";
	assert_int_equal(sw_parse_stat(ok, strlen(ok), &ps), 0);
	assert_int_equal(ps.threads, 3);
	assert_int_equal(ps.start_time, 55);
	assert_true(ps.vsize == UINT64_MAX);    /* stops before vsize */
	free(tail);
}

static void test_read_stat_from_tree(void **state)
{
	(void)state;
	char *text = fx_load("python.stat", NULL);
	char *expect = fx_load("python.expect", NULL);
	fx_mkdirs(fx_root, "812");
	fx_write_str(fx_root, "812/stat", text);
	fx_mkdirs(fx_root, "813");
	fx_write_str(fx_root, "813/stat", "");
	sw_proc_stat ps;
	assert_int_equal(sw_proc_read_stat(fx_root, 812, &ps), 0);
	assert_int_equal(ps.pid, fx_expect_u64(expect, "pid"));
	assert_string_equal(ps.comm, "python3");
	assert_int_equal(ps.start_time, stat_field(text, 22));
	assert_int_equal(sw_proc_read_stat(fx_root, 813, &ps), -ESRCH);
	assert_int_equal(sw_proc_read_stat(fx_root, 814, &ps), -ENOENT);
	free(expect);
	free(text);
}

static void test_proc_path(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(sw_proc_path(out, sizeof(out), "/proc", 42, "smaps"), 0);
	assert_string_equal(out, "/proc/42/smaps");
	assert_int_equal(sw_proc_path(out, sizeof(out), "/host/proc", 0, "stat"), 0);
	assert_string_equal(out, "/host/proc/stat");
	assert_int_equal(sw_proc_path(out, 14, "/proc", 42, "smaps"),
			 -ENAMETOOLONG);
	assert_int_equal(sw_proc_path(out, 15, "/proc", 42, "smaps"), 0);
}

static void test_read_small(void **state)
{
	(void)state;
	char path[4096], buf[16];
	fx_write_str(fx_root, "small", "0123456789abcdefghij");
	fx_join(path, sizeof(path), fx_root, "small");
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(sw_read_small(path, buf, sizeof(buf)), 15);
	assert_string_equal(buf, "0123456789abcde");
	assert_int_equal(sw_read_small(path, buf, 1), 0);
	assert_string_equal(buf, "");
	fx_join(path, sizeof(path), fx_root, "absent");
	assert_int_equal(sw_read_small(path, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sw_read_small(fx_root, buf, sizeof(buf)), -EISDIR);
}

static void test_cmdline(void **state)
{
	(void)state;
	char buf[64];
	fx_mkdirs(fx_root, "20");
	fx_write(fx_root, "20/cmdline", "python3\0-c\0print(1)\0", 20);
	assert_int_equal(sw_proc_read_cmdline(fx_root, 20, buf, sizeof(buf)), 19);
	assert_string_equal(buf, "python3 -c print(1)");
	/* truncated to size - 1 */
	assert_int_equal(sw_proc_read_cmdline(fx_root, 20, buf, 10), 9);
	assert_string_equal(buf, "python3 -");
	/* inner empty arguments stay, trailing NULs go */
	fx_write(fx_root, "20/cmdline", "a\0\0b\0\0\0", 7);
	assert_int_equal(sw_proc_read_cmdline(fx_root, 20, buf, sizeof(buf)), 4);
	assert_string_equal(buf, "a  b");
	/* a kernel thread's is empty; setproctitle() style has no NUL */
	fx_write(fx_root, "20/cmdline", "", 0);
	memset(buf, 'Z', sizeof(buf));
	assert_int_equal(sw_proc_read_cmdline(fx_root, 20, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	fx_write_str(fx_root, "20/cmdline", "nginx: worker process");
	assert_int_equal(sw_proc_read_cmdline(fx_root, 20, buf, sizeof(buf)), 21);
	assert_string_equal(buf, "nginx: worker process");
	assert_int_equal(sw_proc_read_cmdline(fx_root, 21, buf, sizeof(buf)), -ENOENT);

	/* the captured python3 command line, newlines in its -c argument */
	size_t len;
	char *raw = fx_load("python.cmdline", &len);
	char big[512];
	fx_write(fx_root, "20/cmdline", raw, len);
	assert_int_equal(sw_proc_read_cmdline(fx_root, 20, big, sizeof(big)),
			 (ssize_t)len - 1);
	assert_int_equal(strncmp(big, "/usr/bin/python3 -c import sys, ctypes", 38), 0);
	assert_non_null(strchr(big, '\n'));
	assert_null(memchr(big, '\0', len - 1));
	free(raw);
}

/* unit:NAME is the unit's own cgroup, as systemd reads it: the first
 * component of the systemd hierarchy's path that is not a slice (slices
 * above it match too: they contain it). Lines in the kernel's format. */
static void test_in_unit(void **state)
{
	(void)state;
	fx_mkdirs(fx_root, "30");
	fx_write_str(fx_root, "30/cgroup", "0::/system.slice/redis-server.service\n");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "redis-server.service"), 1);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "system.slice"), 1);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "redis-server"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "redis-server.servic"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "edis-server.service"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "service"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "0"), 0);

	/* a user's service (systemd-run --user --unit=api.service) is below
	 * its user manager's unit: not the system's api.service */
	fx_write_str(fx_root, "30/cgroup", "0::/user.slice/user-1000.slice/"
		     "user@1000.service/app.slice/api.service\n");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "api.service"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "app.slice"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "user@1000.service"), 1);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "user-1000.slice"), 1);
	/* a delegated service's own sub-cgroups are still the service */
	fx_write_str(fx_root, "30/cgroup", "0::/system.slice/api.service/payload\n");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "api.service"), 1);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "payload"), 0);

	/* cgroup v1 and hybrid: the name=systemd hierarchy's path, whatever
	 * the controllers' paths say (the unified "0::/" is empty there) */
	fx_write_str(fx_root, "30/cgroup",
		     "12:pids:/user.slice/user-0.slice\n"
		     "11:cron.service:/\n"
		     "4:memory:/system.slice/cron.service\n"
		     "1:name=systemd:/system.slice/docker-ab12.scope/sub\n"
		     "0::/\n");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "docker-ab12.scope"), 1);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "system.slice"), 1);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "cron.service"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "sub"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "user-0.slice"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "pids"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "name=systemd"), 0);
	fx_write_str(fx_root, "30/cgroup", "11:cron.service:/\n");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "cron.service"), 0);
	fx_write_str(fx_root, "30/cgroup", "0::/\n");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "system.slice"), 0);
	fx_write_str(fx_root, "30/cgroup", "");
	assert_int_equal(sw_proc_in_unit(fx_root, 30, "x.service"), 0);
	assert_int_equal(sw_proc_in_unit(fx_root, 31, "x.service"), -ENOENT);
}

static void test_count_fds(void **state)
{
	(void)state;
	long fds = -1, sockets = -1;
	fx_mkdirs(fx_root, "40/fd");
	fx_symlink(fx_root, "40/fd/0", "/dev/null");
	fx_symlink(fx_root, "40/fd/1", "socket:[123456]");
	fx_symlink(fx_root, "40/fd/2", "pipe:[55]");
	fx_symlink(fx_root, "40/fd/3", "socket:[99]");
	fx_symlink(fx_root, "40/fd/4", "socket:");
	fx_symlink(fx_root, "40/fd/5", "/tmp/socket:[1] (deleted)");
	assert_int_equal(sw_proc_count_fds(fx_root, 40, &fds, &sockets), 0);
	assert_int_equal(fds, 6);
	assert_int_equal(sockets, 2);
	fds = -1;
	assert_int_equal(sw_proc_count_fds(fx_root, 40, &fds, NULL), 0);
	assert_int_equal(fds, 6);
	fx_mkdirs(fx_root, "41/fd");
	assert_int_equal(sw_proc_count_fds(fx_root, 41, &fds, &sockets), 0);
	assert_int_equal(fds, 0);
	assert_int_equal(sockets, 0);
	assert_int_equal(sw_proc_count_fds(fx_root, 42, &fds, &sockets), -ENOENT);
}

typedef struct {
	pid_t got[400];
	size_t n, stop_at;   /* stop_at: the count at which fn returns 7 */
} children;

static int child_seen(void *ctx, pid_t pid)
{
	children *c = ctx;
	assert_true(c->n < 400);
	c->got[c->n++] = pid;
	return c->n == c->stop_at ? 7 : 0;
}

static int each_child(pid_t pid, children *c)
{
	int dir = open(fx_root, O_RDONLY | O_DIRECTORY);
	assert_true(dir >= 0);
	char rel[32];
	snprintf(rel, sizeof(rel), "%d", (int)pid);
	int pidfd = openat(dir, rel, O_RDONLY | O_DIRECTORY);
	int r = pidfd < 0 ? -errno : sw_proc_each_child_at(pidfd, pid, child_seen, c);
	if (pidfd >= 0)
		close(pidfd);
	close(dir);
	return r;
}

/* The kernel's format ("pid pid ", no newline), read in 512-byte pieces:
 * 300 pids of 1 to 7 digits (1,824 bytes) come whole and in order, pieces
 * cutting some in two; fn's non-zero return stops the walk and is
 * returned; a pid the parser refuses is skipped; no file is -ENOENT. */
static void test_each_child(void **state)
{
	(void)state;
	char text[4096] = "";
	pid_t want[300];
	size_t len = 0;
	for (int i = 0; i < 300; i++) {
		want[i] = (pid_t)(i % 7 == 0 ? i + 1 : 4000000 - i * 977);
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%d ",
					(int)want[i]);
	}
	assert_true(len > 3 * 512);
	fx_mkdirs(fx_root, "50/task/50");
	fx_write_str(fx_root, "50/task/50/children", text);
	children c = {.n = 0};
	assert_int_equal(each_child(50, &c), 0);
	assert_int_equal(c.n, 300);
	for (int i = 0; i < 300; i++)
		if (c.got[i] != want[i])
			fail_msg("pid %d: %d, want %d", i, (int)c.got[i], (int)want[i]);
	c = (children){.stop_at = 5};
	assert_int_equal(each_child(50, &c), 7);
	assert_int_equal(c.n, 5);
	/* a last pid without its space, or with a newline (a tree written
	 * by hand); a leading zero is no pid */
	const char *ends[] = {"12 012 34", "12 012 34\n"};
	for (int i = 0; i < 2; i++) {
		fx_write_str(fx_root, "50/task/50/children", ends[i]);
		c = (children){.n = 0};
		assert_int_equal(each_child(50, &c), 0);
		assert_int_equal(c.n, 2);
		assert_int_equal(c.got[0], 12);
		assert_int_equal(c.got[1], 34);
	}
	fx_write_str(fx_root, "50/task/50/children", "");
	c = (children){.n = 0};
	assert_int_equal(each_child(50, &c), 0);
	assert_int_equal(c.n, 0);
	fx_mkdirs(fx_root, "51");
	assert_int_equal(each_child(51, &c), -ENOENT);
}

/* The live kernel's file lists a child this process forked. */
static void test_each_child_live(void **state)
{
	(void)state;
	pid_t kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		pause();
		_exit(0);
	}
	int pidfd = open("/proc/self", O_RDONLY | O_DIRECTORY);
	assert_true(pidfd >= 0);
	children c = {.n = 0};
	int r = sw_proc_each_child_at(pidfd, getpid(), child_seen, &c);
	close(pidfd);
	kill(kid, SIGKILL);
	waitpid(kid, NULL, 0);
	assert_int_equal(r, 0);
	int found = 0;
	for (size_t i = 0; i < c.n; i++)
		found |= c.got[i] == kid;
	if (!found)
		fail_msg("child %d not among the %zu in task/%d/children", (int)kid,
			 c.n, (int)getpid());
}

static int pidfile(const char *content, size_t len, pid_t *pid)
{
	char path[4096];
	uid_t owner = (uid_t)-1;
	fx_write(fx_root, "pidfile", content, len);
	int r = sw_read_pidfile(fx_join(path, sizeof(path), fx_root, "pidfile"),
				0, pid, &owner);
	if (r == 0)
		assert_int_equal(owner, geteuid());
	return r;
}

static void test_pidfile(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		pid_t pid;
	} good[] = {
		{"1234\n", 1234}, {"1234", 1234}, {" 1234 \n", 1234},
		{"\t1234\n", 1234}, {"1234\r\n", 1234}, {"1234\t\n", 1234},
		{"1\n", 1}, {"4194304\n", 4194304}, {"1234\n\n", 1234},
		{"00042\n", 42},
	};
	static const char *const bad[] = {
		"", "\n", "0\n", "-5\n", "+5\n", "abc\n", "12a\n", "4194305\n",
		"1234\n5678\n", "12 34\n", "99999999999999999999999\n",
		"0x10\n", "1234 abc\n", "12.5\n",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		pid_t pid = -1;
		int r = pidfile(good[i].text, strlen(good[i].text), &pid);
		if (r != 0 || pid != good[i].pid)
			fail_msg("\"%s\": %d, pid %d", good[i].text, r, (int)pid);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pid_t pid = 77;
		int r = pidfile(bad[i], strlen(bad[i]), &pid);
		if (r != -EINVAL || pid != 77)
			fail_msg("\"%s\": %d, pid %d", bad[i], r, (int)pid);
	}
	pid_t pid = 77;
	assert_int_equal(pidfile("1234\0junk\n", 10, &pid), -EINVAL);
	/* a long tail of blanks past the 63 bytes read is fine */
	char padded[200];
	memset(padded, ' ', sizeof(padded));
	memcpy(padded, "31337", 5);
	padded[199] = '\n';
	assert_int_equal(pidfile(padded, sizeof(padded), &pid), 0);
	assert_int_equal(pid, 31337);
	char path[4096];
	uid_t owner;
	assert_int_equal(sw_read_pidfile(fx_join(path, sizeof(path), fx_root,
						 "no-such-pidfile"), 0, &pid, &owner),
			 -ENOENT);
}

/* Only a regular file, not through a symlink, is followed: a symlink, a
 * directory or a FIFO (which would block a reader) is SW_EUNSAFE. */
static void test_pidfile_unsafe(void **state)
{
	(void)state;
	char path[4096], target[4096];
	pid_t pid;
	uid_t owner;
	fx_write_str(fx_root, "real.pid", "1234\n");
	fx_symlink(fx_root, "link.pid", fx_join(target, sizeof(target), fx_root,
					     "real.pid"));
	assert_int_equal(sw_read_pidfile(fx_join(path, sizeof(path), fx_root,
						 "real.pid"), 0, &pid, &owner), 0);
	assert_int_equal(pid, 1234);
	assert_int_equal(sw_read_pidfile(fx_join(path, sizeof(path), fx_root,
						 "link.pid"), 0, &pid, &owner),
			 -SW_EUNSAFE);
	fx_mkdirs(fx_root, "dir.pid");
	assert_int_equal(sw_read_pidfile(fx_join(path, sizeof(path), fx_root,
						 "dir.pid"), 0, &pid, &owner),
			 -SW_EUNSAFE);
	assert_int_equal(mkfifo(fx_join(path, sizeof(path), fx_root, "fifo.pid"),
				0600), 0);
	assert_int_equal(sw_read_pidfile(path, 0, &pid, &owner), -SW_EUNSAFE);
}

/* With as_caller, a pidfile is opened with the caller's rights. A child
 * made what a setuid-root program started by nobody is (real uid nobody,
 * effective root), brought down by sw_caller_drop_root to nobody with
 * CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH (what setcap gives), is refused
 * a root-only pidfile and one in a directory nobody may not search, and
 * reads a world-readable one; without as_caller it reads all three. */
static void test_pidfile_as_caller(void **state)
{
	(void)state;
	char secret[4096], hidden[4096], open_[4096];
	if (geteuid() != 0) {
		print_message("skipped: needs root to become setuid-like\n");
		skip();
	}
	assert_int_equal(chmod(fx_root, 0755), 0);
	fx_mkdirs(fx_root, "closed");
	fx_write_str(fx_root, "root.pid", "1234\n");
	fx_write_str(fx_root, "closed/in.pid", "2345\n");
	fx_write_str(fx_root, "world.pid", "4321\n");
	assert_int_equal(chmod(fx_join(secret, sizeof(secret), fx_root,
				       "root.pid"), 0600), 0);
	assert_int_equal(chmod(fx_join(hidden, sizeof(hidden), fx_root,
				       "closed"), 0700), 0);
	assert_int_equal(chmod(fx_join(hidden, sizeof(hidden), fx_root,
				       "closed/in.pid"), 0644), 0);
	assert_int_equal(chmod(fx_join(open_, sizeof(open_), fx_root,
				       "world.pid"), 0644), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		pid_t pid = 0;
		uid_t owner;
		char st[4096];
		static const int keep[] = {CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH};
		int bad = setresuid(65534, 0, 0) != 0 ||
			  sw_caller_drop_root(keep, 2) ||
			  getuid() != 65534 || geteuid() != 65534;
		bad |= (sw_read_small("/proc/self/status", st, sizeof(st)) < 0 ||
			!strstr(st, "CapEff:\t0000000000080004\n")) << 6;
		bad |= (sw_read_pidfile(secret, 1, &pid, &owner) != -EACCES) << 1;
		bad |= (sw_read_pidfile(hidden, 1, &pid, &owner) != -EACCES) << 2;
		bad |= (sw_read_pidfile(open_, 1, &pid, &owner) != 0 ||
			pid != 4321) << 3;
		bad |= (sw_read_pidfile(secret, 0, &pid, &owner) != 0 ||
			pid != 1234) << 4;
		bad |= (sw_read_pidfile(hidden, 0, &pid, &owner) != 0 ||
			pid != 2345) << 5;
		_exit(bad);
	}
	int status;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat_captured),
		cmocka_unit_test(test_parse_status_captured),
		cmocka_unit_test(test_parse_stat_hostile_comm),
		cmocka_unit_test(test_parse_stat_long_comm_truncated),
		cmocka_unit_test(test_parse_stat_fields),
		cmocka_unit_test(test_parse_stat_rejects),
		cmocka_unit_test(test_read_stat_from_tree),
		cmocka_unit_test(test_proc_path),
		cmocka_unit_test(test_read_small),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_in_unit),
		cmocka_unit_test(test_count_fds),
		cmocka_unit_test(test_each_child),
		cmocka_unit_test(test_each_child_live),
		cmocka_unit_test(test_pidfile),
		cmocka_unit_test(test_pidfile_unsafe),
		cmocka_unit_test(test_pidfile_as_caller),
	};
	return cmocka_run_group_tests(tests, fx_root_setup, fx_root_teardown);
}
