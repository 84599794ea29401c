/* live_million.c - a process with a million mappings, read whole with
 * bounded memory: the collector streams its smaps (about 700 MB of text)
 * through one 256 KiB buffer.
 *
 * The child makes one large MAP_NORESERVE region and mprotects every other
 * page read-only, which splits it into 1,000,000 mappings; one page in a
 * thousand is written so there is Rss to count. It then stops itself, so
 * its smaps and smaps_rollup can be compared exactly. Needs root to raise
 * vm.max_map_count (restored at the end); skipped otherwise. */
#include <setjmp.h>
#include <signal.h>
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
#include "smapwatch/collector.h"
#include "smapwatch/procfs.h"

#define PAIRS 500000L            /* 2 mappings each */
#define PAGE 4096L
#define MAX_MAP_COUNT "/proc/sys/vm/max_map_count"

static long read_long(const char *path)
{
	char buf[64];
	return sw_read_small(path, buf, sizeof(buf)) > 0 ? atol(buf) : -1;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	int ok = fprintf(f, "%ld\n", v) > 0;
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

static void child(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	char *r = mmap(NULL, 2 * PAIRS * PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		_exit(3);
	for (long i = 0; i < PAIRS; i++) {
		if (i % 1000 == 0)
			r[2 * i * PAGE + PAGE] = 1;   /* the writable page */
		if (mprotect(r + 2 * i * PAGE, PAGE, PROT_READ))
			_exit(4);
	}
	raise(SIGSTOP);
	_exit(0);
}

static uint64_t own_rss(void)
{
	sw_proc_status st;
	return sw_proc_read_status("/proc", getpid(), &st) ? 0 : st.rss;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_million_mappings(void **state)
{
	(void)state;
	long old = read_long(MAX_MAP_COUNT);
	if (old < 2 * PAIRS + 1000 &&
	    (geteuid() != 0 || write_long(MAX_MAP_COUNT, 2 * PAIRS + 100000))) {
		print_message("skipped: vm.max_map_count is %ld and cannot be "
			      "raised (needs root)\n", old);
		skip();
	}
	int status;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		child();
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	int stopped = WIFSTOPPED(status);
	sw_collector *c = sw_collector_new(NULL);
	sw_memsum s;
	sw_counts rollup;
	uint64_t rss0 = own_rss();
	double t0 = seconds();
	int r = stopped ? sw_collect_process(c, "/proc", pid, 0, &s, NULL, NULL) : -1;
	double took = seconds() - t0;
	uint64_t grew = own_rss() - rss0;
	int rr = stopped ? sw_collect_rollup(c, "/proc", pid, &rollup) : -1;
	size_t bytes = sw_collector_bytes(c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	sw_collector_free(c);
	if (old < 2 * PAIRS + 1000)
		write_long(MAX_MAP_COUNT, old);
	assert_true(stopped);
	assert_int_equal(r, 0);
	assert_int_equal(rr, 0);
	print_message("%u mappings, %.0f MB of smaps read in %.2f s, our Rss "
		      "grew %lu KiB\n", s.total_vmas, bytes / 1e6, took,
		      (unsigned long)(grew >> 10));
	assert_true(s.total_vmas >= 2 * PAIRS);
	assert_true(s.vmas[SW_CAT_ANON] >= 2 * PAIRS);
	assert_int_equal(s.total.v[SW_F_RSS], rollup.v[SW_F_RSS]);
	assert_true(s.cat[SW_CAT_ANON].v[SW_F_PRIVATE_DIRTY] >= PAIRS / 1000 * PAGE);
	assert_true(bytes > 500u * 1000 * 1000);
	assert_true(grew < 8u << 20);   /* streamed: no copy of the file */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_million_mappings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
