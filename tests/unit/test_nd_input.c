/* test_nd_input.c - the Netdata plugin's stdin parser (input.h) and its
 * request handler (function.h) alone, as a fuzzer drives them: bytes fed
 * with nd_input_feed, no groups, answers written to a file. Lines split
 * anywhere are whole lines; a line past ND_LINE_MAX is dropped to its
 * newline and the next is served; each call gets one answer with the
 * right status; a full queue answers 503 at once; a cancelled call 499;
 * QUIT is obeyed. */
#include "fixture.h"
#include "function.h"
#include "input.h"

#include <stdlib.h>

typedef struct {
	FILE *f;
	nd_output out;
	nd_function_ctx fc;
	nd_input in;
} rig;

static int setup(void **state)
{
	rig *r = calloc(1, sizeof(*r));
	if (!r || !(r->f = tmpfile()))
		return -1;
	nd_output_init(&r->out, fileno(r->f));
	r->fc.output = &r->out;
	r->fc.update_every = 1;
	nd_function_init(&r->fc, 60);
	nd_input_init(&r->in, -1);
	*state = r;
	return 0;
}

static int teardown(void **state)
{
	rig *r = *state;
	nd_function_free(&r->fc);
	nd_output_free(&r->out);
	fclose(r->f);
	free(r);
	return 0;
}

static void feed(rig *r, const char *s, size_t len)
{
	nd_input_feed(&r->in, s, len, nd_function_line, &r->fc);
}

/* The statuses of the answers written so far, in order, as "200 404 ...". */
static char *statuses(rig *r)
{
	static char buf[8192];
	char line[512];
	size_t n = 0;
	buf[0] = '\0';
	fflush(r->f);
	rewind(r->f);
	while (fgets(line, sizeof(line), r->f)) {
		char tx[64];
		int st;
		if (sscanf(line, "FUNCTION_RESULT_BEGIN %63s %d", tx, &st) == 2)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%d",
					      n ? " " : "", st);
	}
	return buf;
}

static void test_split_anywhere(void **state)
{
	rig *r = *state;
	const char *s = "FUNCTION t1 10 \"smaps help\"\n"
			"FUNCTION t2 10 \"processes\"\n"
			"FUNCTION t3 10 \"smaps bogus:1\"\n";
	for (size_t i = 0; s[i]; i++)
		feed(r, s + i, 1);            /* a byte at a time */
	assert_string_equal(statuses(r), "200 404 400");
}

static void test_long_line_dropped(void **state)
{
	rig *r = *state;
	size_t n = 3 * ND_LINE_MAX + 17;
	char *junk = malloc(n);
	assert_non_null(junk);
	memset(junk, 'x', n);
	feed(r, junk, n);
	feed(r, "FUNCTION lost 10 \"smaps help\"", 29);   /* same line */
	assert_true(r->in.skipping);
	feed(r, "\nFUNCTION t1 10 \"smaps help\"\n", 29);
	free(junk);
	assert_false(r->in.skipping);
	assert_string_equal(statuses(r), "200");
	assert_true(r->in.discarded >= 3 * ND_LINE_MAX);
	nd_input_tick(&r->in);
	assert_int_equal(r->in.discarded, 0);
}

/* With no group, a table call waits in the queue; past ND_CALLS_MAX the
 * next is 503 at once; the queued ones are answered by nd_function_step. */
static void test_queue_bound(void **state)
{
	rig *r = *state;
	char line[64];
	for (int i = 0; i <= ND_CALLS_MAX; i++) {
		int n = snprintf(line, sizeof(line),
				 "FUNCTION q%d 10 \"smaps\"\n", i);
		feed(r, line, (size_t)n);
	}
	assert_string_equal(statuses(r), "503");
	assert_int_equal(r->fc.qlen, ND_CALLS_MAX);
	while (nd_function_pending(&r->fc))
		nd_function_step(&r->fc);
	char *st = statuses(r);
	assert_int_equal(strlen(st), 4 * (ND_CALLS_MAX + 1) - 1);
	assert_int_equal(strncmp(st, "503 200 200", 11), 0);
	assert_null(strstr(st + 4, "503"));
}

static void test_payload_and_quit(void **state)
{
	rig *r = *state;
	const char *s = "FUNCTION_PAYLOAD p1 10 \"smaps help\" \"0x13\" \"src\" "
			"text/plain\nFUNCTION not this\nFUNCTION_PAYLOAD_END\n"
			"FUNCTION x1 10 \"smaps help\" \"0x1\" \"src\"\n"
			"FUNCTION_CANCEL p1\nQUIT\n";
	feed(r, s, strlen(s));
	assert_string_equal(statuses(r), "200 403");
	assert_true(r->fc.quit);
}

/* A cancelled call is answered 499 at its turn; a cancel of an unknown
 * or answered transaction changes nothing. */
static void test_cancel(void **state)
{
	rig *r = *state;
	const char *s = "FUNCTION c1 10 \"smaps\"\nFUNCTION c2 10 \"smaps\"\n"
			"FUNCTION_CANCEL c2\nFUNCTION_CANCEL nosuch\n";
	feed(r, s, strlen(s));
	assert_int_equal(r->fc.qlen, 2);
	while (nd_function_pending(&r->fc))
		nd_function_step(&r->fc);
	feed(r, "FUNCTION_CANCEL c1\n", 19);
	assert_string_equal(statuses(r), "200 499");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_split_anywhere, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_line_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_payload_and_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cancel, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
