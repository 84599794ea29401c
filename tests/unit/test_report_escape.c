/* test_report_escape.c - report_escape_open (cli/report_escape.c): the
 * stream that keeps the report's JSON inside its <script> element. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "report.h"

/* What the stream makes of in[0..n), written in pieces of `piece` bytes
 * (1: every byte alone, so held-back bytes cross writes). */
static char *escaped(const char *in, size_t n, size_t piece)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	FILE *esc = report_escape_open(mem);
	assert_non_null(esc);
	setvbuf(esc, NULL, _IONBF, 0);
	for (size_t i = 0; i < n; i += piece)
		assert_int_equal(fwrite(in + i, 1, n - i < piece ? n - i : piece, esc),
				 n - i < piece ? n - i : piece);
	assert_int_equal(fclose(esc), 0);
	assert_int_equal(fclose(mem), 0);
	return text;
}

static void check(const char *in, size_t n, const char *want)
{
	for (size_t piece = 1; piece <= n + 1; piece++) {
		char *got = escaped(in, n, piece);
		assert_string_equal(got, want);
		free(got);
	}
}

static void test_markup_characters(void **state)
{
	(void)state;
	const char in[] = "{\"name\":\"</script><img src=x onerror=pwn()>&amp;\"}";
	check(in, strlen(in), "{\"name\":\"\\u003c/script\\u003e\\u003cimg src=x "
			      "onerror=pwn()\\u003e\\u0026amp;\"}");
}

static void test_line_separators(void **state)
{
	(void)state;
	const char in[] = "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c";
	check(in, strlen(in), "a\\u2028b\\u2029c");
}

/* Other characters that start like U+2028 pass unchanged, also when
 * cut short at the end or by another E2. */
static void test_near_misses_pass_through(void **state)
{
	(void)state;
	const char in[] = "\xe2\x80\x94 \xe2\x82\xac \xe2\xe2\x80\xa8 \xe2\x80";
	check(in, strlen(in), "\xe2\x80\x94 \xe2\x82\xac \xe2\\u2028 \xe2\x80");
	check("x\xe2", 2, "x\xe2");
}

static void test_plain_json_unchanged(void **state)
{
	(void)state;
	const char in[] = "{\"rss\":12345,\"name\":\"/usr/lib/libc.so.6\",\"e\":\"\\u00ff\"}";
	check(in, strlen(in), in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markup_characters),
		cmocka_unit_test(test_line_separators),
		cmocka_unit_test(test_near_misses_pass_through),
		cmocka_unit_test(test_plain_json_unchanged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
