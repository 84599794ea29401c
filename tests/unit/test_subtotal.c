/* test_subtotal.c - bounded per-name sub-totals: ordering, the "(other)"
 * bucket, duplicate-load detection and merging. */
#include "fixture.h"

#include "smapwatch/subtotal.h"

#define KB 1024ull

/* Counts with Rss = rss_kb and Pss = rss_kb / 2, both present. */
static sw_counts counts(uint64_t rss_kb)
{
	sw_counts c;
	memset(&c, 0, sizeof(c));
	c.v[SW_F_RSS] = rss_kb * KB;
	c.v[SW_F_PSS] = rss_kb * KB / 2;
	c.present = 1u << SW_F_RSS | 1u << SW_F_PSS;
	return c;
}

static void add(sw_subtotals *s, const char *name, uint64_t rss_kb,
		uint64_t offset, uint64_t inode)
{
	sw_counts c = counts(rss_kb);
	sw_subtotals_add_file(s, name, strlen(name), &c, offset, inode);
}

/* The entry called name, or NULL. */
static const sw_subtotal *entry(const sw_subtotals *s, const char *name)
{
	for (size_t i = 0; i < sw_subtotals_count(s); i++) {
		const sw_subtotal *e = sw_subtotals_get(s, i);
		if (strcmp(e->name, name) == 0) {
			assert_int_equal(e->name_len, strlen(name));
			return e;
		}
	}
	return NULL;
}

static uint64_t rss_of(const sw_subtotals *s, const char *name)
{
	const sw_subtotal *e = entry(s, name);
	if (!e)
		fail_msg("no entry \"%s\"", name);
	return e->counts.v[SW_F_RSS] / KB;
}

static void test_insertion_order_and_sums(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(8, 1024);
	assert_non_null(s);
	assert_int_equal(sw_subtotals_count(s), 0);
	assert_null(sw_subtotals_get(s, 0));
	add(s, "/lib/b.so", 10, 0, 1);
	add(s, "/lib/a.so", 20, 0, 2);
	add(s, "/lib/b.so", 5, 0x1000, 1);
	assert_int_equal(sw_subtotals_count(s), 2);
	const sw_subtotal *b = sw_subtotals_get(s, 0);
	assert_string_equal(b->name, "/lib/b.so");
	assert_string_equal(sw_subtotals_get(s, 1)->name, "/lib/a.so");
	assert_null(sw_subtotals_get(s, 2));
	assert_int_equal(b->counts.v[SW_F_RSS], 15 * KB);
	assert_int_equal(b->counts.v[SW_F_PSS], 15 * KB / 2);
	assert_int_equal(b->counts.v[SW_F_SIZE], 0);
	assert_int_equal(b->counts.present, 1u << SW_F_RSS | 1u << SW_F_PSS);
	assert_int_equal(b->vmas, 2);
	assert_int_equal(b->dup_loads, 0);
	sw_subtotals_free(s);
}

/* Names are copied: the caller's buffer may change, and only len counts. */
static void test_names_are_copied(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(4, 256);
	char name[] = "/lib/libz.so.1 (deleted)";
	sw_counts c = counts(4);
	assert_non_null(s);
	sw_subtotals_add_file(s, name, 14, &c, 0, 7);
	memset(name, 'X', sizeof(name) - 1);
	const sw_subtotal *e = sw_subtotals_get(s, 0);
	assert_string_equal(e->name, "/lib/libz.so.1");
	assert_int_equal(e->name_len, 14);
	sw_subtotals_add_file(s, "/lib/libz.so.1", 14, &c, 0x1000, 7);
	assert_int_equal(sw_subtotals_count(s), 1);
	assert_int_equal(e->vmas, 2);
	sw_subtotals_free(s);
}

static void test_top_order(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(8, 1024);
	const sw_subtotal *top[8];
	assert_non_null(s);
	add(s, "e", 5, 0, 1);
	add(s, "d", 30, 0, 2);
	add(s, "c", 20, 0, 3);
	add(s, "b", 30, 0, 4);
	add(s, "a", 10, 0, 5);
	add(s, "c", 15, 0x1000, 3);  /* c: 35, now the largest */
	assert_int_equal(sw_subtotals_top(s, top, 3), 3);
	assert_string_equal(top[0]->name, "c");
	assert_string_equal(top[1]->name, "b"); /* tie with d: by name */
	assert_string_equal(top[2]->name, "d");
	assert_int_equal(sw_subtotals_top(s, top, 8), 5);
	assert_string_equal(top[3]->name, "a");
	assert_string_equal(top[4]->name, "e");
	assert_int_equal(top[0]->counts.v[SW_F_RSS], 35 * KB);
	assert_int_equal(sw_subtotals_top(s, top, 0), 0);
	/* sorting for top does not change insertion order */
	assert_string_equal(sw_subtotals_get(s, 0)->name, "e");
	assert_string_equal(sw_subtotals_get(s, 4)->name, "a");
	sw_subtotals_free(s);
}

/* More names than max_names: the rest fold into "(other)", which is
 * counted as one entry, and every figure still sums to what was added. */
static void test_bound_folds_into_other(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(3, 4096);
	const sw_subtotal *top[8];
	char name[32];
	uint64_t total = 0;
	assert_non_null(s);
	for (unsigned i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "/lib/lib%u.so", i);
		add(s, name, 1ull << i, 0, 100 + i);
		total += 1ull << i;
	}
	add(s, "/lib/lib0.so", 1000, 0x1000, 100); /* known: not (other) */
	total += 1000;
	assert_int_equal(sw_subtotals_count(s), 4);
	assert_int_equal(rss_of(s, "/lib/lib0.so"), 1001);
	assert_int_equal(rss_of(s, "/lib/lib1.so"), 2);
	assert_int_equal(rss_of(s, "/lib/lib2.so"), 4);
	assert_null(entry(s, "/lib/lib3.so"));
	const sw_subtotal *o = entry(s, SW_SUBTOTAL_OTHER);
	assert_non_null(o);
	assert_int_equal(o->counts.v[SW_F_RSS], (8 + 16 + 32 + 64) * KB);
	assert_int_equal(o->vmas, 4);
	uint64_t sum = 0;
	for (size_t i = 0; i < sw_subtotals_count(s); i++)
		sum += sw_subtotals_get(s, i)->counts.v[SW_F_RSS];
	assert_int_equal(sum, total * KB);
	assert_int_equal(sw_subtotals_top(s, top, 8), 4);
	assert_string_equal(top[0]->name, "/lib/lib0.so");
	assert_string_equal(top[1]->name, SW_SUBTOTAL_OTHER);
	/* folding different libraries is not a duplicate load */
	assert_int_equal(o->dup_loads, 0);
	assert_int_equal(sw_subtotals_dup_loads(s), 0);
	sw_subtotals_free(s);
}

/* The name arena bounds too: a long name that does not fit goes to
 * "(other)" even while there is room for more entries. */
static void test_bound_by_name_bytes(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(100, 24);
	assert_non_null(s);
	/* 24 bytes for names, and room is always kept for "(other)" */
	add(s, "/0123456789.so", 1, 0, 1);          /* 15 bytes with NUL */
	add(s, "/x.so", 4, 0, 3);                   /* 15 + 6 fits */
	add(s, "/abcdefghij.so", 2, 0, 2);          /* would need 36 */
	assert_int_equal(rss_of(s, "/0123456789.so"), 1);
	assert_int_equal(rss_of(s, SW_SUBTOTAL_OTHER), 2);
	assert_int_equal(rss_of(s, "/x.so"), 4);
	assert_int_equal(sw_subtotals_count(s), 3);
	sw_subtotals_free(s);
}

/* A library's load is its offset-0 mapping; a second inode under the same
 * path (replaced on disk, then loaded again) is another load. */
static void test_duplicate_loads(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(8, 1024);
	assert_non_null(s);
	static const uint64_t offs[] = {0, 0x28000, 0x17c000, 0x1cf000, 0x1d3000};
	for (size_t i = 0; i < 5; i++)      /* libc once: five mappings */
		add(s, "/lib/libc.so.6", 4, offs[i], 332835);
	for (int load = 0; load < 3; load++) /* libdemo three times */
		for (size_t i = 0; i < 2; i++)
			add(s, "/lib/libdemo.so.1", 4, offs[i], 2002);
	add(s, "/lib/libnew.so", 4, 0, 10);  /* one offset-0, two inodes */
	add(s, "/lib/libnew.so", 4, 0x1000, 11);
	add(s, "/lib/libodd.so", 4, 0x1000, 12); /* never at offset 0 */
	add(s, "/lib/libodd.so", 4, 0x2000, 12);
	assert_int_equal(entry(s, "/lib/libc.so.6")->dup_loads, 0);
	assert_int_equal(entry(s, "/lib/libc.so.6")->vmas, 5);
	assert_int_equal(entry(s, "/lib/libdemo.so.1")->dup_loads, 2);
	assert_int_equal(entry(s, "/lib/libdemo.so.1")->vmas, 6);
	assert_int_equal(entry(s, "/lib/libnew.so")->dup_loads, 1);
	assert_int_equal(entry(s, "/lib/libodd.so")->dup_loads, 0);
	assert_int_equal(sw_subtotals_dup_loads(s), 3);
	sw_subtotals_free(s);
}

static void test_clear_keeps_working(void **state)
{
	(void)state;
	sw_subtotals *s = sw_subtotals_new(2, 64);
	assert_non_null(s);
	add(s, "/a.so", 1, 0, 1);
	add(s, "/a.so", 1, 0, 1);
	add(s, "/b.so", 2, 0, 2);
	add(s, "/c.so", 4, 0, 3);
	assert_int_equal(sw_subtotals_count(s), 3);
	assert_int_equal(sw_subtotals_dup_loads(s), 1);
	for (int round = 0; round < 3; round++) {
		sw_subtotals_clear(s);
		assert_int_equal(sw_subtotals_count(s), 0);
		assert_int_equal(sw_subtotals_dup_loads(s), 0);
		add(s, "/c.so", 8, 0, 3);
		add(s, "/d.so", 16, 0, 4);
		add(s, "/e.so", 32, 0, 5);
		assert_int_equal(sw_subtotals_count(s), 3);
		assert_int_equal(rss_of(s, "/c.so"), 8);   /* not 12 */
		assert_int_equal(entry(s, "/c.so")->vmas, 1);
		assert_int_equal(entry(s, "/c.so")->dup_loads, 0);
		assert_int_equal(rss_of(s, "/d.so"), 16);
		assert_int_equal(rss_of(s, SW_SUBTOTAL_OTHER), 32);
		assert_null(entry(s, "/a.so"));
	}
	sw_subtotals_free(s);
}

/* A group merges its processes: sums, vmas and dup_loads add up, a name
 * seen in both is one entry, and a bounded dst folds into "(other)". */
static void test_merge(void **state)
{
	(void)state;
	sw_subtotals *p1 = sw_subtotals_new(8, 1024);
	sw_subtotals *p2 = sw_subtotals_new(8, 1024);
	sw_subtotals *dst = sw_subtotals_new(8, 1024);
	sw_subtotals *small = sw_subtotals_new(2, 1024);
	assert_non_null(p1);
	assert_non_null(p2);
	assert_non_null(dst);
	assert_non_null(small);
	add(p1, "/libc.so.6", 100, 0, 1);
	add(p1, "/libc.so.6", 10, 0x1000, 1);
	add(p1, "/libdup.so", 1, 0, 2);
	add(p1, "/libdup.so", 1, 0, 2);            /* loaded twice in p1 */
	add(p2, "/libc.so.6", 200, 0, 1);
	add(p2, "/libssl.so.3", 50, 0, 3);
	add(p2, "/libdup.so", 1, 0, 2);            /* once in p2: not a dup */
	sw_subtotals_merge(dst, p1);
	sw_subtotals_merge(dst, p2);
	assert_int_equal(sw_subtotals_count(dst), 3);
	const sw_subtotal *libc = entry(dst, "/libc.so.6");
	assert_int_equal(libc->counts.v[SW_F_RSS], 310 * KB);
	assert_int_equal(libc->counts.v[SW_F_PSS], 155 * KB);
	assert_int_equal(libc->vmas, 3);
	assert_int_equal(libc->dup_loads, 0);
	assert_int_equal(entry(dst, "/libdup.so")->dup_loads, 1);
	assert_int_equal(entry(dst, "/libdup.so")->vmas, 3);
	assert_int_equal(rss_of(dst, "/libssl.so.3"), 50);
	assert_int_equal(sw_subtotals_dup_loads(dst), 1);
	/* merging leaves the sources alone */
	assert_int_equal(rss_of(p1, "/libc.so.6"), 110);
	assert_int_equal(sw_subtotals_count(p2), 3);

	sw_subtotals_merge(small, p1);
	sw_subtotals_merge(small, p2);
	assert_int_equal(sw_subtotals_count(small), 3);
	assert_int_equal(rss_of(small, "/libc.so.6"), 310);
	assert_int_equal(rss_of(small, "/libdup.so"), 3);
	assert_int_equal(rss_of(small, SW_SUBTOTAL_OTHER), 50);
	/* src's own "(other)" lands in dst's "(other)" */
	add(p2, "/l4.so", 1, 0, 4);
	add(p2, "/l5.so", 1, 0, 5);
	add(p2, "/l6.so", 1, 0, 6);
	add(p2, "/l7.so", 1, 0, 7);
	add(p2, "/l8.so", 1, 0, 8);
	add(p2, "/l9.so", 2, 0, 9);  /* p2 is full: this is p2's (other) */
	assert_int_equal(rss_of(p2, SW_SUBTOTAL_OTHER), 2);
	sw_subtotals_clear(small);
	sw_subtotals_merge(small, p2);
	assert_int_equal(sw_subtotals_count(small), 3);
	assert_int_equal(rss_of(small, "/libc.so.6"), 200);
	assert_int_equal(rss_of(small, "/libssl.so.3"), 50);
	assert_int_equal(rss_of(small, SW_SUBTOTAL_OTHER), 1 + 5 + 2);
	sw_subtotals_free(p1);
	sw_subtotals_free(p2);
	sw_subtotals_free(dst);
	sw_subtotals_free(small);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insertion_order_and_sums),
		cmocka_unit_test(test_names_are_copied),
		cmocka_unit_test(test_top_order),
		cmocka_unit_test(test_bound_folds_into_other),
		cmocka_unit_test(test_bound_by_name_bytes),
		cmocka_unit_test(test_duplicate_loads),
		cmocka_unit_test(test_clear_keeps_working),
		cmocka_unit_test(test_merge),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
