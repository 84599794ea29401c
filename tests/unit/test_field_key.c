/* test_field_key.c - sw_field_key: one stable lower snake_case key per
 * smaps field, as agreed for JSON output and snapshot files. */
#include <ctype.h>
#include "fixture.h"

/* The kernel's name in snake_case, derived independently of the table:
 * "AnonHugePages" -> "anon_huge_pages", "KSM" -> "ksm". */
static void snake(char *out, const char *kernel)
{
	for (const char *p = kernel; *p; p++) {
		if (p > kernel && isupper((unsigned char)*p) &&
		    islower((unsigned char)p[-1]))
			*out++ = '_';
		*out++ = (char)tolower((unsigned char)*p);
	}
	*out = '\0';
}

static void test_every_field_has_a_distinct_lowercase_key(void **state)
{
	(void)state;
	for (int f = 0; f < SW_F_COUNT; f++) {
		const char *k = sw_field_key((sw_field)f);
		assert_non_null(k);
		assert_true(k[0] >= 'a' && k[0] <= 'z');
		for (const char *p = k; *p; p++)
			assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
		for (int g = 0; g < f; g++)
			assert_string_not_equal(k, sw_field_key((sw_field)g));
		/* never the reserved keys of a counts object */
		assert_string_not_equal(k, "uss");
		assert_string_not_equal(k, "vmas");
	}
}

static void test_key_is_the_kernel_name_in_snake_case(void **state)
{
	(void)state;
	char want[64];
	for (int f = 0; f < SW_F_COUNT; f++) {
		snake(want, sw_field_name((sw_field)f));
		assert_string_equal(sw_field_key((sw_field)f), want);
	}
}

/* The list agreed in SNAPSHOT-CONTRACT.md, in enum order. */
static void test_agreed_keys(void **state)
{
	(void)state;
	static const char *const agreed[] = {
		"size", "rss", "pss", "pss_dirty", "pss_anon", "pss_file",
		"pss_shmem", "shared_clean", "shared_dirty", "private_clean",
		"private_dirty", "referenced", "anonymous", "ksm", "lazy_free",
		"anon_huge_pages", "shmem_pmd_mapped", "file_pmd_mapped",
		"shared_hugetlb", "private_hugetlb", "swap", "swap_pss", "locked",
	};
	assert_int_equal(sizeof(agreed) / sizeof(agreed[0]), SW_F_COUNT);
	for (int f = 0; f < SW_F_COUNT; f++)
		assert_string_equal(sw_field_key((sw_field)f), agreed[f]);
}

static void test_out_of_range(void **state)
{
	(void)state;
	assert_null(sw_field_key(SW_F_COUNT));
	assert_null(sw_field_key((sw_field)-1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_has_a_distinct_lowercase_key),
		cmocka_unit_test(test_key_is_the_kernel_name_in_snake_case),
		cmocka_unit_test(test_agreed_keys),
		cmocka_unit_test(test_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
