/* test_cd_ident.c - collectd identifiers from untrusted names. */
#include "fixture.h"
#include "ident.h"

static void test_clean_name_kept(void **state)
{
	(void)state;
	char out[CD_IDENT_SIZE];
	assert_string_equal(cd_ident(out, CD_PART_MAX, "libc.so.6", 9), "libc.so.6");
	assert_string_equal(cd_ident(out, CD_PART_MAX, "a-b_c+d:e@f=g,h", 15), "a-b_c+d:e@f=g,h");
}

/* Every unsafe byte becomes '_' and the raw name's hash is appended. */
static void test_hostile_name(void **state)
{
	(void)state;
	char out[CD_IDENT_SIZE];
	static const char raw[] = "we ird\"/x\n\xff";
	cd_ident(out, CD_PART_MAX, raw, sizeof(raw) - 1);
	assert_int_equal(strlen(out), 11 + 9);
	assert_memory_equal(out, "we_ird__x__", 11);
	assert_true(out[11] == '_');
	for (const char *p = out; *p; p++)
		assert_true(strchr("/ \"\n", *p) == NULL && (unsigned char)*p < 0x7f);
}

/* Names differing only in unsafe bytes, or past the length limit, or
 * equal to another's sanitized form, never share an identifier. */
static void test_no_collisions(void **state)
{
	(void)state;
	char a[CD_IDENT_SIZE], b[CD_IDENT_SIZE], c[CD_IDENT_SIZE];
	cd_ident(a, CD_PART_MAX, "a b", 3);
	cd_ident(b, CD_PART_MAX, "a/b", 3);
	cd_ident(c, CD_PART_MAX, "a_b", 3);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(b, c);
	char long1[100], long2[100];
	memset(long1, 'x', sizeof(long1));
	memcpy(long2, long1, sizeof(long2));
	long2[99] = 'y';
	cd_ident(a, CD_PART_MAX, long1, sizeof(long1));
	cd_ident(b, CD_PART_MAX, long2, sizeof(long2));
	assert_string_not_equal(a, b);
	/* collectdctl reads 63 characters of a part: the suffix is within */
	assert_int_equal(strlen(a), CD_PART_MAX);
	assert_memory_equal(a, long1, CD_PART_MAX - 9);
	/* a sub-name leaves room for "named_" and "_private_dirty" */
	cd_ident(c, CD_SUBNAME_MAX, long1, sizeof(long1));
	assert_int_equal(strlen(c), CD_SUBNAME_MAX);
	assert_true(6 + strlen(c) + 14 <= CD_PART_MAX);
	/* exactly at the limit and clean: kept as it is */
	cd_ident(c, 10, "abcdefghij", 10);
	assert_string_equal(c, "abcdefghij");
}

static void test_empty_name(void **state)
{
	(void)state;
	char out[CD_IDENT_SIZE];
	cd_ident(out, CD_PART_MAX, "", 0);
	assert_int_equal(strlen(out), 9);
	assert_int_equal(out[0], '_');
}

static int by_string(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Random bytes as names (any byte, 2 to 99 of them), at both limits:
 * every identifier is within its limit, made only of safe characters, a
 * clean short name is kept as it is, and no two of these names give one
 * identifier (a 32-bit hash could collide; the seed is fixed, so this is a
 * fixed check). */
static void test_random_names(void **state)
{
	(void)state;
	enum { N = 10000 };
	static char ids[N][CD_IDENT_SIZE];
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"
				   "TUVWXYZ0123456789_.+:@=,-";
	uint64_t seed = 42;
	int kept = 0;
	for (size_t max = CD_SUBNAME_MAX; max <= CD_PART_MAX;
	     max += CD_PART_MAX - CD_SUBNAME_MAX) {
		for (int i = 0; i < N; i++) {
			char raw[100];
			size_t len = 3 + fx_rand(&seed) % (sizeof(raw) - 3);
			for (size_t k = 0; k < len; k++)
				raw[k] = i % 3 ? (char)(fx_rand(&seed) % 256)
					       : safe[fx_rand(&seed) % 70];
			/* distinct by construction: the index, in three safe
			 * characters (70^3 > N), leads the name */
			raw[0] = safe[i % 70];
			raw[1] = safe[i / 70 % 70];
			raw[2] = safe[i / 4900];
			raw[len] = '\0';  /* for strspn below; len < sizeof(raw) */
			cd_ident(ids[i], max, raw, len);
			size_t n = strlen(ids[i]);
			assert_true(n > 0 && n <= max);
			assert_int_equal(strspn(ids[i], safe), n);
			int clean = len > 0 && len <= max && strspn(raw, safe) >= len &&
				    memchr(raw, 0, len) == NULL;
			if (clean) {
				assert_memory_equal(ids[i], raw, len);
				kept++;
			}
		}
		qsort(ids, N, sizeof(ids[0]), by_string);
		for (int i = 1; i < N; i++)
			if (strcmp(ids[i - 1], ids[i]) == 0)
				fail_msg("two names give \"%s\"", ids[i]);
	}
	/* a third of the names are all safe; those short enough are kept */
	assert_true(kept > N / 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clean_name_kept),
		cmocka_unit_test(test_hostile_name),
		cmocka_unit_test(test_no_collisions),
		cmocka_unit_test(test_empty_name),
		cmocka_unit_test(test_random_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
