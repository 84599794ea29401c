/* test_ratelimit.c - a process that cannot be read is reported once, at most
 * SW_REPORT_BURST lines an hour, then one "silent" line. */
#include "fixture.h"
#include "smapwatch/ratelimit.h"

static const time_t hour0 = 1764000000 / 3600 * 3600;

static void test_once_per_process(void **state)
{
	(void)state;
	static sw_report r;
	assert_int_equal(sw_report_process(&r, 10, 100, hour0), SW_REPORT_LOG);
	assert_int_equal(sw_report_process(&r, 10, 100, hour0 + 5), SW_REPORT_SKIP);
	/* the same pid, another process (pid reused): reported */
	assert_int_equal(sw_report_process(&r, 10, 200, hour0 + 5), SW_REPORT_LOG);
	assert_int_equal(sw_report_process(&r, 11, 100, hour0 + 5), SW_REPORT_LOG);
	/* remembered across hours */
	assert_int_equal(sw_report_process(&r, 10, 100, hour0 + 7200), SW_REPORT_SKIP);
}

static void test_burst_then_silent(void **state)
{
	(void)state;
	static sw_report r;
	for (int i = 0; i < SW_REPORT_BURST; i++)
		assert_int_equal(sw_report_process(&r, 100 + i, 1, hour0 + i),
				 SW_REPORT_LOG);
	assert_int_equal(sw_report_process(&r, 500, 1, hour0 + 60), SW_REPORT_LAST);
	assert_int_equal(sw_report_process(&r, 501, 1, hour0 + 61), SW_REPORT_SKIP);
	assert_int_equal(sw_report_line(&r, hour0 + 3599), SW_REPORT_SKIP);
	/* held back, not forgotten: the next hour reports it */
	assert_int_equal(sw_report_process(&r, 501, 1, hour0 + 3600), SW_REPORT_LOG);
	assert_int_equal(sw_report_process(&r, 100, 1, hour0 + 3600), SW_REPORT_SKIP);
	for (int i = 1; i < SW_REPORT_BURST; i++)
		assert_int_equal(sw_report_line(&r, hour0 + 3601), SW_REPORT_LOG);
	assert_int_equal(sw_report_line(&r, hour0 + 3602), SW_REPORT_LAST);
}

/* Past SW_REPORT_SEEN processes the oldest is forgotten. */
static void test_bounded_memory(void **state)
{
	(void)state;
	static sw_report r;
	time_t t = hour0;
	for (int i = 0; i <= SW_REPORT_SEEN; i++, t += 3600)
		assert_int_equal(sw_report_process(&r, 1000 + i, 1, t), SW_REPORT_LOG);
	assert_int_equal(r.nseen, SW_REPORT_SEEN);
	assert_int_equal(sw_report_process(&r, 1000 + SW_REPORT_SEEN, 1, t),
			 SW_REPORT_SKIP);
	assert_int_equal(sw_report_process(&r, 1001, 1, t), SW_REPORT_SKIP);
	assert_int_equal(sw_report_process(&r, 1000, 1, t), SW_REPORT_LOG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_once_per_process),
		cmocka_unit_test(test_burst_then_silent),
		cmocka_unit_test(test_bounded_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
