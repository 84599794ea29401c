/* test_offread.c - members are read one after another, so a full read can
 * be off for one read, and the next gives it back: a member vanishing
 * while its group is read (its sharers read before still divided its
 * pages with it), or a child forked while its group is read, after its
 * parent (whose Pss divides their pages with a process not yet a member).
 * The core says so (owned_off, owned_last_off: ledger.h), and sw_growth
 * leaves such reads out of its windows. On a proc tree built here: a
 * master and a worker sharing 1000 kB. */
#include "fixture.h"
#include <math.h>
#include <time.h>
#include <unistd.h>
#include "smapwatch/group.h"
#include "smapwatch/growth.h"

/* pid's stat: name comm, state, start time. */
static void put_stat(int pid, const char *comm, char state,
		     unsigned long long start)
{
	char rel[64], text[1024];
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	fx_mkdirs(fx_root, rel);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	snprintf(text, sizeof(text), "%d (%s) %c 1 %d %d 0 -1 0 0 0 0 0 0 0 0 0 "
		 "20 0 1 0 %llu 3133440 374\n", pid, comm, state, pid, pid, start);
	fx_write_str(fx_root, rel, text);
}

/* pid's task/PID/children, as the kernel writes it. */
static void put_children(int pid, const char *pids)
{
	char rel[64];
	snprintf(rel, sizeof(rel), "%d/task/%d", pid, pid);
	fx_mkdirs(fx_root, rel);
	snprintf(rel, sizeof(rel), "%d/task/%d/children", pid, pid);
	fx_write_str(fx_root, rel, pids);
}

/* One private anonymous mapping: Pss pss_kb, of which uss_kb private. No
 * smaps file when pss_kb is 0 (a process gone by the time it is read). */
static void put_sharer(int pid, unsigned long long start, unsigned pss_kb,
		       unsigned uss_kb)
{
	char rel[64], text[1024];
	put_stat(pid, "app", 'S', start);
	snprintf(rel, sizeof(rel), "%d/status", pid);
	fx_write_str(fx_root, rel, "Name:\tapp\nVmRSS:\t    1100 kB\n");
	if (!pss_kb)
		return;
	snprintf(rel, sizeof(rel), "%d/smaps", pid);
	snprintf(text, sizeof(text),
		 "7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"
		 "Size:               1024 kB\nRss:            %8u kB\n"
		 "Pss:            %8u kB\nPrivate_Dirty:  %8u kB\n",
		 1000 + uss_kb, pss_kb, uss_kb);
	fx_write_str(fx_root, rel, text);
}

/* Now in clock ticks after boot, as start times are. */
static unsigned long long ticks_now(void)
{
	struct timespec ts;
	assert_int_equal(clock_gettime(CLOCK_BOOTTIME, &ts), 0);
	return (unsigned long long)(((double)ts.tv_sec + ts.tv_nsec / 1e9) *
				    (double)sysconf(_SC_CLK_TCK));
}

/* What happens when a member's read begins. */
typedef struct {
	pid_t exits;     /* its smaps removed: it is gone */
	pid_t forks;     /* its child 11 is born, sharing half its 1000 kB */
	int old_child;   /* the child's start time is long ago */
	int children;    /* the forker's task/PID/children says so */
} plan;

static void at_read(void *ctx, const sw_proc_stat *ps)
{
	plan *x = ctx;
	char rel[64], path[4096];
	if (ps->pid == x->exits) {
		snprintf(rel, sizeof(rel), "%d/smaps", ps->pid);
		assert_int_equal(unlink(fx_join(path, sizeof(path), fx_root,
						 rel)), 0);
	}
	if (ps->pid == x->forks) {
		put_sharer(ps->pid, 100, 600, 100);
		put_sharer(11, x->old_child ? 150 : ticks_now(), 500, 0);
		if (x->children)
			put_children(ps->pid, "11 ");
	}
}

static sw_groupset *groupset(plan *x, sw_read_watch *w)
{
	char err[128];
	sw_groupset_opts o = {.proc_root = fx_root, .full_every = 1};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "app", SW_SEL_COMM, "app", err,
					 sizeof(err)), 0);
	*w = (sw_read_watch){at_read, NULL, NULL, x};
	sw_groupset_watch_reads(gs, w);
	return gs;
}

static const sw_group_measured *measured(sw_groupset *gs)
{
	return &sw_groupset_get(gs, 0)->measured;
}

static double owned_kb(sw_groupset *gs)
{
	return measured(gs)->owned[SW_CAT_COUNT] / 1024;
}

/* The worker (11) exits when its read begins, after the master's (10):
 * the master still divides the shared 1000 kB with it, 600 kB, and the
 * worker's 500 are gone with it. That read is off by those 500, and the
 * next, where the master holds all 1100, gives them back. */
static void test_vanished_mid_read(void **state)
{
	(void)state;
	put_sharer(10, 100, 600, 100);
	put_sharer(11, 200, 500, 0);
	plan x = {0};
	sw_read_watch w;
	sw_groupset *gs = groupset(&x, &w);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_false(measured(gs)->owned_off);
	assert_true(owned_kb(gs) == 0);
	x.exits = 11;
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_true(measured(gs)->owned_off);
	assert_true(owned_kb(gs) == -500);
	char path[4096];
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "11"));
	put_sharer(10, 100, 1100, 100);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_false(measured(gs)->owned_off);
	assert_false(measured(gs)->owned_last_off);
	assert_true(owned_kb(gs) == 0);
	sw_groupset_free(gs);
}

/* The master forks child 11 when its read begins: it then holds 600 kB,
 * and the child, not listed, 500. With the master's task/10/children
 * naming the child, that read says at once that it is off (by 500 kB);
 * without (a kernel without the file), the next read finds the child
 * started during the last one and says so then; it is whole. A joiner
 * that started long ago (found by a new match) says nothing. */
static void test_forked_mid_read(void **state)
{
	(void)state;
	for (int k = 0; k < 4; k++) {
		int old = k & 1, children = k >> 1;
		put_sharer(10, 100, 1100, 1100);
		plan x = {.old_child = old, .children = children};
		sw_read_watch w;
		sw_groupset *gs = groupset(&x, &w);
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
		x.forks = 10;
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
		assert_true(owned_kb(gs) == -500);
		assert_int_equal(measured(gs)->owned_off, children && !old);
		x.forks = 0;
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
		assert_true(owned_kb(gs) == 0);
		assert_int_equal(measured(gs)->owned_last_off, !old);
		assert_false(measured(gs)->owned_off);
		sw_groupset_free(gs);
		char path[4096];
		fx_rmtree(fx_join(path, sizeof(path), fx_root, "11"));
		fx_rmtree(fx_join(path, sizeof(path), fx_root, "10"));
	}
}

/* Which children of a member make its read off: one in no group started
 * since the listing (it shares the member's pages, and is in no read), or
 * one gone already (a fork that came and went). A member (read, its
 * share counted, even when it started while the listing went on), a
 * child in no group older than the listing (its sharing is as it was) or
 * a zombie (no memory left) do not. */
static void test_children_that_make_a_read_off(void **state)
{
	(void)state;
	const struct {
		const char *children;
		char state;
		int future, off;
	} cases[] = {
		{"", 'S', 0, 0},
		{"11 ", 'S', 0, 0},         /* a member */
		{"11 12 ", 'S', 0, 0},      /* 12 in no group, old */
		{"11 12 ", 'S', 1, 1},      /* 12 started since the listing */
		{"12 ", 'Z', 1, 0},         /* ...but a zombie */
		{"11 13 ", 'S', 0, 1},      /* 13 gone */
		{"13 11 12 ", 'S', 0, 1},
	};
	put_sharer(10, 100, 600, 100);
	put_sharer(11, 200, 500, 0);
	plan x = {0};
	sw_read_watch w;
	sw_groupset *gs = groupset(&x, &w);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		put_stat(12, "other", cases[i].state,
			 cases[i].future ? ticks_now() + 100000 : 150);
		put_children(10, cases[i].children);
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
		if (measured(gs)->owned_off != cases[i].off)
			fail_msg("children '%s' (12 %c%s): owned_off %d, want %d",
				 cases[i].children, cases[i].state,
				 cases[i].future ? ", new" : "",
				 measured(gs)->owned_off, cases[i].off);
		assert_true(owned_kb(gs) == 0);
	}
	/* members forked while the listing went on: listed, so read */
	put_sharer(11, ticks_now() + 100000, 500, 0);
	put_sharer(14, ticks_now() + 100000, 500, 0);
	put_children(10, "11 14 ");
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 3);
	assert_false(measured(gs)->owned_off);
	sw_groupset_free(gs);
}

static sw_group_stats read_of(double kb, int off, int last_off)
{
	sw_group_stats s;
	memset(&s, 0, sizeof(s));
	s.live.processes = s.measured.processes = 1;
	s.measured.owned_epoch = 1;
	s.measured.owned[SW_CAT_COUNT] = kb * 1024;
	s.measured.owned_off = off;
	s.measured.owned_last_off = last_off;
	return s;
}

/* The points sw_growth has put in its total's window, in kB. */
static unsigned points(const sw_growth *g, double *kb)
{
	const sw_trend *tr = &g->mem[SW_CAT_COUNT];
	for (unsigned i = 0; i < tr->n; i++)
		kb[i] = tr->y[(tr->head + i) % SW_TREND_POINTS] / 1024;
	return tr->n;
}

/* A point goes in one read late, unless its read was off (said then, or
 * at the next read); the chain is whole again at the read after. */
static void test_growth_leaves_out_off_reads(void **state)
{
	(void)state;
	static sw_growth g;
	sw_growth_init(&g, 60);   /* slots under a second: every point kept */
	/* 0, off (a member vanished), 20, off (found at the next), 40, 50 */
	const double kb[] = {0, -500, 20, -470, 40, 50};
	const int off[] = {0, 1, 0, 0, 0, 0}, last_off[] = {0, 0, 0, 0, 1, 0};
	for (int t = 0; t < 6; t++) {
		sw_group_stats s = read_of(kb[t], off[t], last_off[t]);
		sw_growth_update(&g, &s, t);
	}
	double got[SW_TREND_POINTS];
	unsigned n = points(&g, got);
	const double want[] = {0, 20, 40};   /* 50 is held */
	assert_int_equal(n, 3);
	for (unsigned i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("point %u: %g kB, want %g", i, got[i], want[i]);
	sw_fit f;
	assert_int_equal(sw_trend_fit(&g.mem[SW_CAT_COUNT], &f), 0);
	assert_true(fabs(f.slope - 10 * 1024) < 1e-6);
}

/* Off at every read: every fourth point is taken all the same. */
static void test_growth_off_every_read(void **state)
{
	(void)state;
	static sw_growth g;
	sw_growth_init(&g, 60);
	for (int t = 0; t < 13; t++) {
		sw_group_stats s = read_of(t, 1, 0);
		sw_growth_update(&g, &s, t);
	}
	double got[SW_TREND_POINTS];
	unsigned n = points(&g, got);
	const double want[] = {3, 7, 11};   /* reads 0-2 dropped, 3 taken... */
	assert_int_equal(n, 3);
	for (unsigned i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("point %u: %g kB, want %g", i, got[i], want[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vanished_mid_read, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_forked_mid_read, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_children_that_make_a_read_off, fx_root_setup, fx_root_teardown),
		cmocka_unit_test(test_growth_leaves_out_off_reads),
		cmocka_unit_test(test_growth_off_every_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
