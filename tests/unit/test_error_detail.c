/* test_error_detail.c - an error's detail belongs to the read that failed
 * (issue 18, defect 10): a parse error's "line N: ..." of one process is
 * never attached to the next process's open() error, nor to a rollup's. */
#include "fixture.h"
#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/group.h"

/* fx_root/PID/stat: plain.stat (a capture) with its pid made PID. */
static void make_stat(int pid)
{
	char dir[32], file[64], head[32];
	size_t slen;
	char *stat = fx_load("plain.stat", &slen);
	const char *rest = strchr(stat, ' ');
	snprintf(dir, sizeof(dir), "%d", pid);
	fx_mkdirs(fx_root, dir);
	snprintf(file, sizeof(file), "%d/stat", pid);
	int n = snprintf(head, sizeof(head), "%d", pid);
	char *text = malloc((size_t)n + slen);
	assert_non_null(text);
	memcpy(text, head, (size_t)n);
	memcpy(text + n, rest, slen - (size_t)(rest - stat));
	fx_write(fx_root, file, text, (size_t)n + slen - (size_t)(rest - stat));
	free(text);
	free(stat);
}

/* fx_root/PID/{stat,smaps,smaps_rollup}: smaps the given fixture. */
static void make_proc(int pid, const char *smaps_fixture)
{
	char file[64];
	size_t mlen;
	char *smaps = fx_load(smaps_fixture, &mlen);
	make_stat(pid);
	snprintf(file, sizeof(file), "%d/smaps", pid);
	fx_write(fx_root, file, smaps, mlen);
	snprintf(file, sizeof(file), "%d/smaps_rollup", pid);
	fx_write(fx_root, file, smaps, mlen);
	free(smaps);
}

/* fx_root/PID/smaps and smaps_rollup: links to themselves (ELOOP). */
static void make_loop(int pid)
{
	char file[64];
	make_stat(pid);
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "smaps_rollup" : "smaps";
		snprintf(file, sizeof(file), "%d/%s", pid, name);
		fx_symlink(fx_root, file, name);  /* relative: itself */
	}
}

static void test_collector_detail_is_the_last_reads(void **state)
{
	(void)state;
	sw_memsum out;
	sw_counts one;
	make_proc(100, "bad/junk.smaps");
	make_loop(200);
	sw_collector *col = sw_collector_new(NULL);
	assert_non_null(col);
	assert_int_equal(sw_collect_process(col, fx_root, 100, 0, &out, NULL,
					    NULL), -SW_ESYNTAX);
	assert_string_equal(sw_collector_detail(col),
		"line 39: line starts with neither an address nor a key");
	assert_int_equal(sw_collect_process(col, fx_root, 200, 0, &out, NULL,
					    NULL), -ELOOP);
	assert_string_equal(sw_collector_detail(col), "");
	/* a missing pid too: its path is fine, its open() fails */
	assert_int_equal(sw_collect_process(col, fx_root, 100, 0, &out, NULL,
					    NULL), -SW_ESYNTAX);
	assert_int_equal(sw_collect_process(col, fx_root, 300, 0, &out, NULL,
					    NULL), -ENOENT);
	assert_string_equal(sw_collector_detail(col), "");
	/* and the rollup's read: its own error, no earlier detail */
	assert_int_equal(sw_collect_process(col, fx_root, 100, 0, &out, NULL,
					    NULL), -SW_ESYNTAX);
	assert_int_equal(sw_collect_rollup(col, fx_root, 200, &one), -ELOOP);
	assert_string_equal(sw_collector_detail(col), "");
	sw_collector_free(col);
}

typedef struct {
	int calls;
	pid_t pid[4];
	int code[4];
	char detail[4][160];
} seen;

static void on_error(void *ctx, const char *group, const sw_proc_stat *ps,
		     int code, const char *detail)
{
	seen *s = ctx;
	(void)group;
	if (s->calls >= 4)
		fail_msg("more than 4 errors reported");
	s->pid[s->calls] = ps->pid;
	s->code[s->calls] = code;
	snprintf(s->detail[s->calls], sizeof(s->detail[0]), "%s", detail);
	s->calls++;
}

/* Through the plugins' path: pid 100's parse error, then pid 200's ELOOP
 * in the same cycle, each with its own detail. */
static void test_groupset_reports_own_detail(void **state)
{
	(void)state;
	char err[128];
	fx_rmtree(fx_root);
	fx_mkdirs(fx_root, "");
	make_proc(100, "bad/junk.smaps");
	make_loop(200);
	sw_groupset_opts o = {.proc_root = fx_root};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "g", SW_SEL_COMM, "plain", err,
					 sizeof(err)), 0);
	seen s = {0};
	assert_true(sw_groupset_collect(gs, on_error, &s) >= 0);
	assert_int_equal(s.calls, 2);
	int a = s.pid[0] == 100 ? 0 : 1, b = 1 - a;
	assert_int_equal(s.pid[a], 100);
	assert_int_equal(s.code[a], -SW_ESYNTAX);
	assert_string_equal(s.detail[a],
		"line 39: line starts with neither an address nor a key");
	assert_int_equal(s.pid[b], 200);
	assert_int_equal(s.code[b], -ELOOP);
	assert_string_equal(s.detail[b], "");
	sw_groupset_free(gs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collector_detail_is_the_last_reads),
		cmocka_unit_test(test_groupset_reports_own_detail),
	};
	return cmocka_run_group_tests(tests, fx_root_setup, fx_root_teardown);
}
