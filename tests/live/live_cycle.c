/* live_cycle.c - the collection cycle on real processes in /proc: a
 * process that execs into (and out of) a group's command line, a command
 * line of 10 kB, and a reader stopped (SIGSTOP) in the middle of its
 * reads, which must not be taken for a slow read. */
#include <setjmp.h>
#include <signal.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "smapwatch/error.h"
#include "smapwatch/group.h"
#include "smapwatch/procfs.h"
#include "pagemaps.h"

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts))
		;
}

/* Waits (at most 10 s) until /proc/PID/comm is `want`. */
static int wait_comm(pid_t pid, const char *want)
{
	char path[64], buf[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	for (int i = 0; i < 1000; i++) {
		FILE *f = fopen(path, "r");
		if (f) {
			int got = fgets(buf, sizeof(buf), f) != NULL;
			fclose(f);
			buf[strcspn(buf, "\n")] = '\0';
			if (got && !strcmp(buf, want))
				return 1;
		}
		pause_ms(10);
	}
	return 0;
}

static sw_groupset *groupset_for(const char *marker)
{
	char err[128];
	sw_groupset_opts o = {.proc_root = "/proc"};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "g", SW_SEL_CMDLINE_SUBSTR, marker,
					 err, sizeof(err)), 0);
	return gs;
}

static long members_now(sw_groupset *gs, pid_t *pid)
{
	assert_true(sw_groupset_collect(gs, NULL, NULL) >= 0);
	const sw_group_stats *g = sw_groupset_get(gs, 0);
	*pid = g->live.npids ? g->live.pids[0] : 0;
	return g->live.processes;
}

/* Starts /bin/sh with argv (argv[0] "sh"), its stdin from in and, when
 * out >= 0, its stdout to out, killed when this process dies. The tests'
 * pipes are O_CLOEXEC: the shell holds no other end of them. */
static pid_t start_sh(char *const argv[], int in, int out)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(in, 0);
		if (out >= 0)
			dup2(out, 1);
		execv("/bin/sh", argv);
		_exit(127);
	}
	return pid;
}

/* Seen first between fork and exec (the parent's command line), then as
 * the shell it execs (the group's marker in its command line), then as
 * the sleep the shell execs (no marker): in, then out. */
static void test_exec(void **state)
{
	(void)state;
	char marker[64];
	int go[2], line[2];
	pid_t got;
	snprintf(marker, sizeof(marker), "smapwatch-exec-%d", (int)getpid());
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(line), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char c;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		dup2(line[0], 0);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		execl("/bin/sh", "sh", "-c", "read x; exec sleep 30", marker,
		      (char *)NULL);
		_exit(127);
	}
	sw_groupset *gs = groupset_for(marker);
	long before = members_now(gs, &got);
	assert_int_equal(write(go[1], "x", 1), 1);
	int exec1 = wait_comm(pid, "sh");
	long after = members_now(gs, &got);
	pid_t member = got;
	assert_int_equal(write(line[1], "\n", 1), 1);
	int exec2 = wait_comm(pid, "sleep");
	long out = members_now(gs, &got);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sw_groupset_free(gs);
	assert_true(exec1 && exec2);
	assert_int_equal(before, 0);
	assert_int_equal(after, 1);
	assert_int_equal(member, pid);
	assert_int_equal(out, 0);
}

/* sh -c 'read x' with a 10,000-byte argument, the jar's name after it. */
static void test_long_cmdline(void **state)
{
	(void)state;
	char jar[64];
	int line[2];
	pid_t got;
	snprintf(jar, sizeof(jar), "/srv/myapp-%d.jar", (int)getpid());
	char *cp = malloc(10001);
	assert_non_null(cp);
	for (int i = 0; i < 10000; i++)
		cp[i] = i % 40 == 39 ? ':' : 'a' + i % 26;
	cp[10000] = '\0';
	assert_int_equal(pipe2(line, O_CLOEXEC), 0);
	char *argv[] = {"sh", "-c", "read x", "-cp", cp, "-jar", jar, NULL};
	pid_t pid = start_sh(argv, line[0], -1);
	free(cp);
	int started = wait_comm(pid, "sh");
	sw_groupset *gs = groupset_for(jar + 5);   /* "myapp-PID.jar" */
	long n = members_now(gs, &got);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sw_groupset_free(gs);
	assert_true(started);
	assert_int_equal(n, 1);
	assert_int_equal(got, pid);
}

/* ---- a reader stopped mid-read ----------------------------------------- */

#define MAPPINGS 5000

/* A process with MAPPINGS small mappings (alternate protections do not
 * merge), so that a read of its smaps takes a while. */
static pid_t start_target(void)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!pagemaps_make(MAPPINGS))
			_exit(2);
		prctl(PR_SET_NAME, "sw-manymaps");
		for (;;)
			pause();
	}
	return pid;
}

typedef struct {
	double budget;       /* seconds of CPU per read */
	long reads, slow;    /* reads made, reported over the budget */
	long paused;         /* reads that took longer than the budget of
			      * wall time: a stop landed in them */
} stop_result;

static void count_slow(void *ctx, const char *group, const sw_proc_stat *ps,
		       int code, const char *detail)
{
	(void)group, (void)ps, (void)detail;
	((stop_result *)ctx)->slow += code == -SW_ESLOW;
}

/* The reader (a child, so it can be stopped): the budget is 3 times the
 * slowest of 3 undisturbed reads in wall time (valgrind or a loaded host
 * make reads slower, not stops rarer), then `cycles` reads, each
 * measured. */
static void reader(int out, int cycles, pid_t target)
{
	char err[128], pid[24];
	/* By pid: another test run on the host has its own sw-manymaps. */
	snprintf(pid, sizeof(pid), "%d", (int)target);
	stop_result res = {0};
	sw_groupset_opts o = {.proc_root = "/proc"};
	sw_groupset *gs = sw_groupset_new(&o);
	sw_groupset_add(gs, "t", SW_SEL_PID, pid, err, sizeof(err));
	double w = 0;
	for (int i = 0; i < 3; i++) {
		sw_groupset_collect(gs, NULL, NULL);
		if (sw_groupset_cost(gs)->read_seconds > w)
			w = sw_groupset_cost(gs)->read_seconds;
	}
	sw_groupset_free(gs);
	o.read_budget = res.budget = 3 * w + 0.005;
	gs = sw_groupset_new(&o);
	sw_groupset_add(gs, "t", SW_SEL_PID, pid, err, sizeof(err));
	if (write(out, &res, sizeof(res)) != sizeof(res))
		_exit(3);
	for (int i = 0; i < cycles; i++) {
		int r = sw_groupset_collect(gs, count_slow, &res);
		if (r < 0)
			_exit(4);
		res.reads += r;   /* 0 when backed off */
		res.paused += sw_groupset_cost(gs)->read_seconds > res.budget;
	}
	if (write(out, &res, sizeof(res)) != sizeof(res))
		_exit(3);
	_exit(0);
}

/* The reader is stopped for 2 budgets at a time, again and again, while
 * it reads: many stops land mid-read, none is a slow read. */
static void test_stopped_reader(void **state)
{
	(void)state;
	enum { CYCLES = 20 };
	int fds[2];
	stop_result res;
	pid_t target = start_target();
	assert_true(wait_comm(target, "sw-manymaps"));
	assert_int_equal(pipe(fds), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		reader(fds[1], CYCLES, target);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &res, sizeof(res)), sizeof(res));
	long stop_ms = (long)(res.budget * 2000) + 1;
	int status = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		pause_ms(stop_ms / 4 + 1);
		kill(pid, SIGSTOP);
		pause_ms(stop_ms);
		kill(pid, SIGCONT);
	}
	ssize_t n = read(fds[0], &res, sizeof(res));
	close(fds[0]);
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(n, sizeof(res));
	print_message("budget %.3f s of CPU; %ld reads, %ld stopped mid-read, "
		      "%ld reported slow\n", res.budget, res.reads, res.paused,
		      res.slow);
	assert_true(res.paused >= 3);   /* the test did what it says */
	assert_int_equal(res.slow, 0);
	assert_int_equal(res.reads, CYCLES);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;  /* ., .. and the DIR's own */
}

/* A member's /proc/PID, stat and status are kept open across cycles
 * (proccache.h), and they stay that process's: once the process has
 * exited and been reaped (its pid free for another), stat read through
 * them is gone (ESRCH on this kernel), never another's; the cycle then
 * counts no member and closes the fds. */
static void test_kept_dir_gone(void **state)
{
	(void)state;
	char marker[64], path[64];
	pid_t got;
	int hold[2];
	snprintf(marker, sizeof(marker), "smapwatch-kept-%d", (int)getpid());
	assert_int_equal(pipe2(hold, O_CLOEXEC), 0);
	/* a builtin read: dash forks for sleep, and the fork would be a
	 * second member until it execs */
	char *argv[] = {"sh", "-c", "read x", marker, NULL};
	pid_t pid = start_sh(argv, hold[0], -1);
	close(hold[0]);
	int ok = wait_comm(pid, "sh");
	int base = open_fds();
	sw_groupset *gs = groupset_for(marker);
	long in = members_now(gs, &got);
	int held = open_fds() - base;  /* the root's, the member's three */
	members_now(gs, &got);
	int held_again = open_fds() - base;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int sfd = openat(dfd, "stat", O_RDONLY | O_CLOEXEC);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sw_proc_stat ps;
	int after_exit = sw_proc_read_stat_at(dfd, &ps);
	int kept_after_exit = sw_proc_read_stat_kept(dfd, &sfd, &ps);
	close(sfd);
	close(dfd);
	long out = members_now(gs, &got);
	int held_after = open_fds() - base;
	const sw_group_stats *g = sw_groupset_get(gs, 0);
	assert_true(ok);
	assert_int_equal(in, 1);
	assert_int_equal(got, 0);
	assert_int_equal(held, 4);
	assert_int_equal(held_again, 4);
	assert_int_equal(after_exit, -ESRCH);
	assert_int_equal(kept_after_exit, -ESRCH);
	assert_int_equal(out, 0);
	assert_int_equal(g->live.failed, 0);
	assert_int_equal(held_after, 1);
	sw_groupset_free(gs);
	assert_int_equal(open_fds(), base);
	close(hold[1]);
}

/* VmRSS of pid from /proc, bytes. */
static uint64_t rss_now(pid_t pid)
{
	char path[64];
	sw_proc_status st;
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = dfd < 0 ? -1 : sw_proc_read_status_at(dfd, &st);
	if (dfd >= 0)
		close(dfd);
	return r ? 0 : st.rss;
}

/* The kept stat and status are read afresh each cycle (from offset 0),
 * not the text of the first read: one status fd read before and after the
 * member's shell comes to hold 8 MB in a variable gives both, and the
 * cycle shows it at the next cycle, as /proc says, holding no more fds.
 * The shell then waits in a builtin read: a fork (for sleep) would carry
 * the marker and the 8 MB into a second member until it execs. */
static void test_kept_files_fresh(void **state)
{
	(void)state;
	char marker[64], c;
	int go[2], done[2];
	pid_t got;
	snprintf(marker, sizeof(marker), "smapwatch-fresh-%d", (int)getpid());
	assert_int_equal(pipe2(go, O_CLOEXEC), 0);
	assert_int_equal(pipe2(done, O_CLOEXEC), 0);
	char *argv[] = {"sh", "-c", "read x; x=$(head -c 8000000 /dev/zero | "
			"tr '\\0' a); echo; read y", marker, NULL};
	pid_t pid = start_sh(argv, go[0], done[1]);
	close(go[0]);
	close(done[1]);
	int ok = wait_comm(pid, "sh");
	int base = open_fds();
	sw_groupset *gs = groupset_for(marker);
	long in = members_now(gs, &got);
	uint64_t before = sw_groupset_get(gs, 0)->live.status.rss;
	int held = open_fds() - base;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), kfd = -1;
	sw_proc_status k1, k2;
	int r1 = sw_proc_read_status_kept(dfd, &kfd, &k1), kfd1 = kfd;
	assert_int_equal(write(go[1], "go\n", 3), 3);
	assert_int_equal(read(done[0], &c, 1), 1);   /* the 8 MB are held */
	int r2 = sw_proc_read_status_kept(dfd, &kfd, &k2);
	close(kfd);
	close(dfd);
	long in_after = members_now(gs, &got);
	uint64_t after = sw_groupset_get(gs, 0)->live.status.rss;
	uint64_t proc = rss_now(pid);
	int held_after = open_fds() - base;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(go[1]);
	close(done[0]);
	sw_groupset_free(gs);
	assert_true(ok);
	assert_int_equal(in, 1);
	assert_int_equal(in_after, 1);
	/* one fd, read twice: the second read is the text of now */
	assert_int_equal(r1, 0);
	assert_int_equal(r2, 0);
	assert_int_equal(kfd, kfd1);
	assert_true(k2.rss >= k1.rss + (7u << 20));
	if (after < before + (7u << 20) || after > proc + (256u << 10) ||
	    proc > after + (256u << 10))
		fail_msg("status Rss %llu then %llu B through the kept fd, /proc "
			 "says %llu", (unsigned long long)before,
			 (unsigned long long)after, (unsigned long long)proc);
	assert_int_equal(held, 4);
	assert_int_equal(held_after, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_long_cmdline),
		cmocka_unit_test(test_stopped_reader),
		cmocka_unit_test(test_kept_dir_gone),
		cmocka_unit_test(test_kept_files_fresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
