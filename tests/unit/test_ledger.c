/* test_ledger.c - a group's owned memory chained across membership
 * changes (ledger.h), on synthetic members: what must be growth (a
 * leak, private or shared by fork, resident or swapped out) and what
 * must not (forks, exits, replacements, restarts, warm-ups). */
#include <math.h>
#include "fixture.h"
#include "smapwatch/growth.h"
#include "smapwatch/ledger.h"

#define HEAP SW_CAT_HEAP
#define TOTAL SW_CAT_COUNT
#define NONE_YOUNG UINT64_MAX

/* A member holding `own` private bytes and `shared` bytes of Pss in the
 * heap (and so in the total). */
static sw_ledger_member mk(pid_t pid, uint64_t start, uint64_t own,
			   uint64_t shared)
{
	sw_ledger_member m;
	memset(&m, 0, sizeof(m));
	m.pid = pid;
	m.start = start;
	m.own[HEAP] = m.own[TOTAL] = own;
	m.held[HEAP] = m.held[TOTAL] = own + shared;
	return m;
}

/* One full read of the n members, chained; the heap's chain after it. */
static double read_at(sw_ledger *l, const sw_ledger_member *v, size_t n,
		      uint64_t young_since)
{
	sw_ledger_begin(l);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sw_ledger_add(l, &v[i]), 0);
	sw_ledger_commit(l, young_since, 0, 0);
	assert_true(l->chained[HEAP] == l->chained[TOTAL]);
	return l->chained[HEAP];
}

/* A single process leaking: the chain is its growth, to the byte. */
static void test_straight_leak(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	for (int k = 0; k < 10; k++) {
		sw_ledger_member m = mk(100, 5, 1000000 + 4096u * k, 300000);
		assert_true(read_at(&l, &m, 1, NONE_YOUNG) == 4096.0 * k);
	}
	assert_int_equal(l.epoch, 1);
	sw_ledger_free(&l);
}

/* The master's leaked pages become shared with each child it forks (its
 * USS drops, Pss is split): no drop. Its leak after the forks counts. */
static void test_fork_shared_leak(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	const uint64_t stack = 64 << 10, leak = 8 << 20;
	sw_ledger_member v[3] = {mk(10, 1, leak + stack, 0)};
	assert_true(read_at(&l, v, 1, NONE_YOUNG) == 0);
	/* fork: the 8 MiB now shared by two, a private stack each */
	v[0] = mk(10, 1, stack, leak / 2);
	v[1] = mk(11, 50, stack, leak / 2);
	assert_true(read_at(&l, v, 2, NONE_YOUNG) == 0);
	/* the master leaks 1 MiB more, private */
	v[0] = mk(10, 1, stack + (1 << 20), leak / 2);
	assert_true(read_at(&l, v, 2, NONE_YOUNG) == 1 << 20);
	/* and forks again: the 8 MiB shared by three (Pss rounds down), the
	 * new 1 MiB by the master and the new child */
	uint64_t third = leak / 3, half = (1 << 20) / 2;
	v[0] = mk(10, 1, stack, third + half);
	v[1] = mk(11, 50, stack, third);
	v[2] = mk(12, 90, stack, third + half);
	double c = read_at(&l, v, 3, NONE_YOUNG);
	assert_true(c >= (1 << 20) - 3 && c <= (1 << 20));
	sw_ledger_free(&l);
}

/* Four backends share 80 MiB of shmem; three exit. The last one's USS
 * jumps from 0 to 80 MiB (counted private once only it maps them): no
 * growth, because the group's Pss is unchanged. */
static void test_sharers_exit(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	sw_ledger_member v[4];
	for (int i = 0; i < 4; i++)
		v[i] = mk(20 + i, 3, 1 << 20, 20 << 20);
	assert_true(read_at(&l, v, 4, NONE_YOUNG) == 0);
	v[0] = mk(20, 3, (1 << 20) + (80 << 20), 0);
	assert_true(read_at(&l, v, 1, NONE_YOUNG) == 0);
	sw_ledger_free(&l);
}

/* A member leaving at the window's start, and all members replaced
 * later: no drop, no rise; the stayer's leak is kept throughout. */
static void test_leave_and_replace(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	sw_ledger_member v[3] = {mk(1, 1, 50 << 20, 1 << 20),
				 mk(2, 1, 30 << 20, 1 << 20),
				 mk(3, 1, 10 << 20, 1 << 20)};
	assert_true(read_at(&l, v, 3, NONE_YOUNG) == 0);
	/* 2 and 3 leave: their private memory goes, their shared stays */
	v[0] = mk(1, 1, (50 << 20) + 4096, 3 << 20);
	assert_true(read_at(&l, v, 1, NONE_YOUNG) == 4096);
	/* 1 is replaced by 7 and 8 (new pids), bringing their own pages */
	v[0] = mk(7, 900, 60 << 20, 1536 << 10);
	v[1] = mk(8, 900, 70 << 20, 1536 << 10);
	assert_true(read_at(&l, v, 2, NONE_YOUNG) == 4096);
	sw_ledger_free(&l);
}

/* A restart: the same pid with another start time is a leaver and a
 * joiner, not a drop to a fresh process's size; and a member missing
 * from one read (backed off) comes back without a jump. */
static void test_restart_and_missing(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	sw_ledger_member v[2] = {mk(42, 7, 900 << 20, 2 << 20),
				 mk(43, 7, 1 << 20, 2 << 20)};
	assert_true(read_at(&l, v, 2, NONE_YOUNG) == 0);
	v[0] = mk(42, 8000, 5 << 20, 2 << 20);
	assert_true(read_at(&l, v, 2, NONE_YOUNG) == 0);
	/* 42 skipped: its shared Pss is out of the sum while it is a
	 * leaver, and back with it */
	assert_true(read_at(&l, v + 1, 1, NONE_YOUNG) == -(2 << 20));
	assert_true(read_at(&l, v, 2, NONE_YOUNG) == 0);
	sw_ledger_free(&l);
}

/* A pool: a master and 4 workers, each replaced every 3 reads (its pid
 * new), each growing 1 MiB -> 5 MiB while young (COW breaks, arenas),
 * all sharing 10 MiB of the master's. Over 200 reads it is never growth;
 * the master's own leak under the same churn is found exactly. */
static void test_churning_pool(void **state)
{
	(void)state;
	for (int leak = 0; leak < 2; leak++) {
		sw_ledger l;
		sw_ledger_init(&l);
		sw_ledger_member v[5];
		for (uint64_t k = 0; k < 200; k++) {
			const uint64_t shared = 10u << 20;
			v[0] = mk(1, 0, (20u << 20) + leak * 8192 * k, shared / 5);
			for (uint64_t w = 0; w < 4; w++) {
				uint64_t age = (k + w) % 3, born = k - age;
				v[1 + w] = mk((pid_t)(1000 + born * 4 + w), 10 + born,
					      (1u << 20) + age * (2u << 20),
					      shared / 5);
			}
			/* young: born within the last 5 reads */
			double c = read_at(&l, v, 5, k + 10 - 5);
			assert_true(c == (double)leak * 8192 * (double)k);
		}
		sw_ledger_free(&l);
	}
}

/* The warm-up rule, at its edge: a member's growth is its own while it
 * is young (start >= young_since), the group's once it is not. */
static void test_young_edge(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	sw_ledger_member m = mk(5, 100, 1 << 20, 0);
	read_at(&l, &m, 1, 0);
	m = mk(5, 100, 2 << 20, 0);
	assert_true(read_at(&l, &m, 1, 100) == 0);          /* young */
	m = mk(5, 100, 3 << 20, 0);
	assert_true(read_at(&l, &m, 1, 101) == 1 << 20);    /* not any more */
	sw_ledger_free(&l);
}

/* A leak being swapped out: Private_Dirty moves to SwapPss, so what the
 * member owns and holds keeps growing (sw_ledger_member_of). */
static void test_swap_out(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_member m;
	sw_memsum s;
	sw_ledger_init(&l);
	for (uint64_t k = 0; k < 6; k++) {
		uint64_t leaked = (64u << 20) + k * (1u << 20);
		uint64_t out = k >= 3 ? leaked / 2 : 0;   /* half swapped out */
		sw_memsum_clear(&s);
		sw_counts c = {.present = ~0u};
		c.v[SW_F_PRIVATE_DIRTY] = leaked - out;
		c.v[SW_F_PSS] = leaked - out + (1u << 20);
		c.v[SW_F_SHARED_CLEAN] = 2u << 20;
		c.v[SW_F_SWAP] = c.v[SW_F_SWAP_PSS] = out;
		sw_memsum_add_mapping(&s, SW_CAT_HEAP, &c);
		sw_ledger_member_of(&m, 9, 1, &s);
		assert_int_equal(m.own[HEAP], leaked);
		assert_int_equal(m.held[TOTAL], leaked + (1u << 20));
		assert_true(read_at(&l, &m, 1, NONE_YOUNG) == (double)k * (1 << 20));
	}
	sw_ledger_free(&l);
}

/* A library shared with the host: the Pss of its text halves and doubles
 * as other processes map and unmap it, and its USS jumps when they all
 * have (k == 2), which is no growth of the group; what the member writes
 * in it is (sw_ledger_member_of). */
static void test_host_shared_files(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_member m;
	sw_memsum s;
	sw_ledger_init(&l);
	static const uint64_t pss[] = {4u << 20, 2u << 20, 1u << 20, 4u << 20};
	for (int k = 0; k < 4; k++) {
		sw_memsum_clear(&s);
		sw_counts c = {.present = ~0u};
		uint64_t dirty = (64u << 10) * (k == 3);   /* relocations */
		c.v[SW_F_PSS] = pss[k] + dirty;
		c.v[SW_F_PSS_DIRTY] = dirty;
		c.v[SW_F_SHARED_CLEAN] = k == 2 ? 0 : 8u << 20;
		c.v[SW_F_PRIVATE_CLEAN] = k == 2 ? 8u << 20 : 0;
		c.v[SW_F_PRIVATE_DIRTY] = dirty;
		sw_memsum_add_mapping(&s, SW_CAT_LIBS, &c);
		sw_ledger_member_of(&m, 9, 1, &s);
		sw_ledger_begin(&l);
		assert_int_equal(sw_ledger_add(&l, &m), 0);
		sw_ledger_commit(&l, NONE_YOUNG, 0, 0);
		assert_true(l.chained[SW_CAT_LIBS] == (k == 3 ? 64 << 10 : 0));
		assert_true(l.chained[TOTAL] == l.chained[SW_CAT_LIBS]);
	}
	sw_ledger_free(&l);
}

/* Members come in /proc order or not; an empty read ends the chain and
 * the next read with members begins a new one at 0. */
static void test_order_and_epochs(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	sw_ledger_member v[3] = {mk(30, 1, 100, 0), mk(10, 1, 200, 0),
				 mk(20, 1, 300, 0)};
	assert_int_equal(l.epoch, 0);
	read_at(&l, v, 3, NONE_YOUNG);
	assert_int_equal(l.epoch, 1);
	v[0] = mk(30, 1, 150, 0);   /* +50, listed first */
	assert_true(read_at(&l, v, 3, NONE_YOUNG) == 50);
	assert_int_equal(l.prev[0].pid, 10);
	assert_int_equal(l.prev[2].pid, 30);
	assert_true(read_at(&l, v, 0, NONE_YOUNG) == 50);   /* empty: kept */
	assert_true(read_at(&l, v, 3, NONE_YOUNG) == 0);
	assert_int_equal(l.epoch, 2);
	sw_ledger_free(&l);
}

/* Capacities only grow: after the largest membership, no allocation. */
static void test_bounded(void **state)
{
	(void)state;
	sw_ledger l;
	sw_ledger_init(&l);
	static sw_ledger_member v[2000];
	for (int i = 0; i < 2000; i++)
		v[i] = mk(i + 1, 1, 4096, 0);
	read_at(&l, v, 2000, NONE_YOUNG);
	read_at(&l, v, 2000, NONE_YOUNG);
	size_t cap = l.cap_prev + l.cap_cur;
	const sw_ledger_member *a = l.prev, *b = l.cur;
	for (int k = 0; k < 10; k++)
		read_at(&l, v, 1000 + 100 * (size_t)k, NONE_YOUNG);
	assert_int_equal(l.cap_prev + l.cap_cur, cap);
	assert_true((l.prev == a && l.cur == b) || (l.prev == b && l.cur == a));
	sw_ledger_free(&l);
}

/* End to end at the defaults (an hour's window, a full read a minute):
 * the ledger's chain into the growth windows and their leak rate. A
 * master leaking 10 MiB/hour or not; a big member leaving at the window's
 * start; 4 workers replaced every 5 reads, each growing 4 MiB while young
 * (10 minutes); at 2 h every member replaced at once (the master too: a
 * restart, its successor leaking the same). The leak rate is 0 at every
 * reading without the leak; with it, within 2% of it once the window holds
 * only the master's leak (its first 10 minutes are its warm-up, for each
 * generation), and 0 until the window is spanned. */
static void test_chain_to_leak_rate(void **state)
{
	(void)state;
	const double rate = 10.0 * 1048576 / 3600;
	for (int leak = 0; leak < 2; leak++) {
		static sw_ledger l;
		static sw_growth g;
		sw_group_stats s;
		sw_ledger_member v[6];
		memset(&s, 0, sizeof(s));
		sw_ledger_init(&l);
		sw_growth_init(&g, 3600);
		for (uint64_t k = 0; k <= 240; k++) {
			double t = 60.0 * (double)k;
			uint64_t gen = k >= 120, born = gen ? 120 : 0;
			size_t n = 0;
			v[n++] = mk((pid_t)(1 + gen), born,
				    (64u << 20) + (uint64_t)(leak * rate * (t - 60.0 * (double)born)),
				    0);
			if (k == 0)
				v[n++] = mk(2000, 0, 512u << 20, 0);
			for (uint64_t w = 0; w < 4; w++) {
				uint64_t age = (k + w) % 5, wb = k - age;
				uint64_t grown = age < 10 ? age : 10;
				v[n++] = mk((pid_t)(100 + wb * 4 + w), wb,
					    (16u << 20) + grown * (1u << 20), 0);
			}
			/* 48 MiB shared by all (fork): Pss split among them */
			for (size_t i = 0; i < n; i++) {
				v[i].held[HEAP] += (48u << 20) / n;
				v[i].held[TOTAL] += (48u << 20) / n;
			}
			/* young: started in the last 10 minutes */
			read_at(&l, v, n, k >= 10 ? k - 10 : 0);
			s.live.processes = s.measured.processes = (long)n;
			memcpy(s.measured.owned, l.chained, sizeof(s.measured.owned));
			s.measured.owned_epoch = l.epoch;
			sw_growth_update(&g, &s, t);
			sw_fit f;
			double lr = sw_trend_fit(&g.mem[TOTAL], &f) ? 0
				    : sw_fit_leak_rate(&f, 3600, 0.9);
			if (!leak)
				assert_true(lr == 0);
			else if ((k >= 10 + 60 && k < 120) || k > 130 + 60)
				assert_true(fabs(lr - rate) < 0.02 * rate);
			else if (t + 60 < SW_TREND_FULL * 3600)
				assert_true(lr == 0);   /* not spanned yet */
		}
		sw_ledger_free(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_straight_leak),
		cmocka_unit_test(test_fork_shared_leak),
		cmocka_unit_test(test_sharers_exit),
		cmocka_unit_test(test_leave_and_replace),
		cmocka_unit_test(test_restart_and_missing),
		cmocka_unit_test(test_churning_pool),
		cmocka_unit_test(test_young_edge),
		cmocka_unit_test(test_swap_out),
		cmocka_unit_test(test_host_shared_files),
		cmocka_unit_test(test_order_and_epochs),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_chain_to_leak_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
