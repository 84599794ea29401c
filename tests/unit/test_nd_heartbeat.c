/* test_nd_heartbeat.c - the Netdata plugin's heartbeat (heartbeat.h) on
 * clocks the test sets: ticks on wall-clock multiples of the step, waits
 * and intervals measured on the monotonic clock, so a wall clock stepped
 * back or forward costs at most one interval and BEGIN's microseconds
 * stay the real time between updates (issue 18, defects 11 and 18). */
#include "fixture.h"
#include "heartbeat.h"

#define S 1000000ull   /* a second in microseconds */

/* From rt and mono read together, the next tick is the next multiple of
 * the step on the wall clock, as a monotonic deadline. */
static void test_deadline_on_wall_clock_multiples(void **state)
{
	(void)state;
	nd_heartbeat hb;
	nd_heartbeat_init(&hb, 1);
	uint64_t rt = 1796129000ull * S + 250000, mono = 5000 * S;
	assert_int_equal(nd_heartbeat_deadline(&hb, rt, mono), mono + 750000);
	nd_heartbeat_init(&hb, 10);
	assert_int_equal(nd_heartbeat_deadline(&hb, rt, mono),
			 mono + 10 * S - 250000);
	/* exactly on a multiple: a whole step to the next one */
	assert_int_equal(nd_heartbeat_deadline(&hb, 1796129000ull * S, mono),
			 mono + 10 * S);
}

/* The wall clock is stepped back an hour between two ticks: the next
 * deadline is at most one step away in monotonic time (not an hour) and
 * the interval sent is the real one (not 2^64 - an hour). */
static void test_clock_stepped_back(void **state)
{
	(void)state;
	nd_heartbeat hb;
	nd_heartbeat_init(&hb, 1);
	uint64_t rt = 1796129000ull * S, mono = 5000 * S;
	assert_int_equal(nd_heartbeat_tick(&hb, mono), 0);   /* the first */
	uint64_t d = nd_heartbeat_deadline(&hb, rt + 1000, mono + 1000);
	assert_int_equal(d, mono + S);
	assert_int_equal(nd_heartbeat_tick(&hb, d), S);
	/* an hour back, a third of a second into the second */
	uint64_t rt2 = rt + S - 3600 * S + 333333, mono2 = d + 333333;
	d = nd_heartbeat_deadline(&hb, rt2, mono2);
	assert_true(d > mono2 && d - mono2 <= S);
	assert_int_equal(d - mono2, S - 333333);
	assert_int_equal(nd_heartbeat_tick(&hb, d), S);
}

/* Stepped forward: the same, the next multiple of the new time. */
static void test_clock_stepped_forward(void **state)
{
	(void)state;
	nd_heartbeat hb;
	nd_heartbeat_init(&hb, 2);
	uint64_t mono = 100 * S;
	nd_heartbeat_tick(&hb, mono);
	uint64_t d = nd_heartbeat_deadline(&hb, 1796129000ull * S + 86400 * S
					   + 500000, mono + 10);
	assert_int_equal(d, mono + 10 + 2 * S - 500000);
	assert_int_equal(nd_heartbeat_tick(&hb, d), 2 * S - 500000 + 10);
}

/* A late cycle skips to the next multiple rather than shifting. */
static void test_late_cycle_skips(void **state)
{
	(void)state;
	nd_heartbeat hb;
	nd_heartbeat_init(&hb, 1);
	uint64_t rt = 1796129000ull * S, mono = 7 * S;
	nd_heartbeat_tick(&hb, mono);
	/* the cycle took 2.4 s: the next tick is 0.6 s later, not 1 s */
	uint64_t d = nd_heartbeat_deadline(&hb, rt + 2400000, mono + 2400000);
	assert_int_equal(d, mono + 3 * S);
	assert_int_equal(nd_heartbeat_tick(&hb, d), 3 * S);
}

/* The real clocks: monotonic never goes back, realtime is the epoch. */
static void test_real_clocks(void **state)
{
	(void)state;
	uint64_t a = nd_mono_us(), b = nd_mono_us();
	assert_true(b >= a);
	assert_true(nd_realtime_us() > 1600000000ull * S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deadline_on_wall_clock_multiples),
		cmocka_unit_test(test_clock_stepped_back),
		cmocka_unit_test(test_clock_stepped_forward),
		cmocka_unit_test(test_late_cycle_skips),
		cmocka_unit_test(test_real_clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
