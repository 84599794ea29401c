/* test_fds_uncounted.c - fds that could not be counted are not a 0
 * (issue 18, defect 8). A saved tree stands in for /proc: PID/fd a
 * directory of entries (counted), a file (ENOTDIR: uncounted, as EACCES
 * is on a live system without CAP_DAC_READ_SEARCH, which root cannot
 * show), or absent (the process exited: nothing to count). */
#include "fixture.h"
#include "smapwatch/group.h"
#include "smapwatch/growth.h"

/* fx_root/PID/{stat,smaps}: plain.stat and plain.smaps (captures) with
 * the pid made PID. */
static void make_proc(int pid)
{
	char dir[32], file[64], head[32];
	size_t slen, mlen;
	char *stat = fx_load("plain.stat", &slen);
	char *smaps = fx_load("plain.smaps", &mlen);
	const char *rest = strchr(stat, ' ');
	size_t rlen = slen - (size_t)(rest - stat);
	int n = snprintf(head, sizeof(head), "%d", pid);
	char *text = malloc((size_t)n + rlen);
	assert_non_null(text);
	memcpy(text, head, (size_t)n);
	memcpy(text + n, rest, rlen);
	snprintf(dir, sizeof(dir), "%d", pid);
	fx_mkdirs(fx_root, dir);
	snprintf(file, sizeof(file), "%d/stat", pid);
	fx_write(fx_root, file, text, (size_t)n + rlen);
	snprintf(file, sizeof(file), "%d/smaps", pid);
	fx_write(fx_root, file, smaps, mlen);
	free(text);
	free(stat);
	free(smaps);
}

static void fd_dir(int pid, int nfds)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	fx_mkdirs(fx_root, rel);
	for (int i = 0; i < nfds; i++) {
		snprintf(rel, sizeof(rel), "%d/fd/%d", pid, i);
		fx_symlink(fx_root, rel, "/dev/null");
	}
}

static sw_groupset *collect(void)
{
	char err[128];
	sw_groupset_opts o = {.proc_root = fx_root};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "g", SW_SEL_COMM, "plain", err,
					 sizeof(err)), 0);
	assert_true(sw_groupset_collect(gs, NULL, NULL) >= 0);
	return gs;
}

static void test_counted_uncounted_absent(void **state)
{
	(void)state;
	make_proc(100);
	fd_dir(100, 3);
	make_proc(200);
	fx_write_str(fx_root, "200/fd", "not a directory");
	make_proc(300);  /* no fd directory */
	sw_groupset *gs = collect();
	const sw_group_stats *st = sw_groupset_get(gs, 0);
	assert_int_equal(st->live.processes, 3);
	assert_int_equal(st->live.fds, 3);
	assert_int_equal(st->live.fds_uncounted, 1);
	/* the next cycle starts from 0 again (the processes go; the root
	 * stays: the groupset holds it open, as it does /proc) */
	char path[4096];
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "100"));
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "200"));
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "300"));
	make_proc(100);
	fd_dir(100, 2);
	assert_true(sw_groupset_collect(gs, NULL, NULL) >= 0);
	st = sw_groupset_get(gs, 0);
	assert_int_equal(st->live.fds, 2);
	assert_int_equal(st->live.fds_uncounted, 0);
	sw_groupset_free(gs);
}

/* No member counted: the fd and socket trends get no false 0, and what
 * they held is dropped (it would read as flat sockets). */
static void test_growth_takes_no_false_zero(void **state)
{
	(void)state;
	sw_growth g;
	sw_fit f;
	sw_group_stats st = {.name = "g"};
	st.live.processes = st.measured.processes = 2;
	st.measured.owned_epoch = 1;
	sw_growth_init(&g, 100);
	for (int t = 0; t < 5; t++) {
		st.live.fds = 10 + t;
		sw_growth_update(&g, &st, t * 10.0);
	}
	assert_int_equal(sw_trend_fit(&g.fds, &f), 0);
	st.live.fds = st.live.sockets = 0;
	st.live.fds_uncounted = 2;
	sw_growth_update(&g, &st, 50.0);
	assert_int_equal(g.fds.n, 0);
	assert_int_equal(g.sockets.n, 0);
	assert_true(g.threads.n > 0);  /* the rest still fed */
	/* one of two counted: its figure is fed */
	st.live.fds_uncounted = 1;
	st.live.fds = 7;
	sw_growth_update(&g, &st, 60.0);
	assert_int_equal(g.fds.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counted_uncounted_absent),
		cmocka_unit_test(test_growth_takes_no_false_zero),
	};
	return cmocka_run_group_tests(tests, fx_root_setup, fx_root_teardown);
}
