/* test_escape.c - sw_escape: hostile bytes never reach a log line raw. */
#include "fixture.h"
#include "smapwatch/escape.h"

static void test_hostile_bytes(void **state)
{
	(void)state;
	char out[64];
	static const char name[] = "a b\"c/d\ne|\xff\\\x01";
	size_t n = sw_escape(out, sizeof(out), name, sizeof(name) - 1);
	assert_string_equal(out, "a b\"c/d\\x0ae|\\xff\\\\\\x01");
	assert_int_equal(n, strlen(out));
}

/* Embedded NULs are bytes like any other: the length decides. */
static void test_embedded_nul(void **state)
{
	(void)state;
	char out[16];
	sw_escape(out, sizeof(out), "a\0b", 3);
	assert_string_equal(out, "a\\x00b");
}

/* A full buffer stops before an escape that would not fit whole. */
static void test_truncation(void **state)
{
	(void)state;
	char out[6];
	assert_int_equal(sw_escape(out, sizeof(out), "abc\n", 4), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(sw_escape(out, sizeof(out), "abcdefgh", 8), 5);
	assert_string_equal(out, "abcde");
	assert_int_equal(sw_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(sw_escape(out, 0, "abc", 3), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
