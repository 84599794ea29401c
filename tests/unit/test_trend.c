/* test_trend.c - growth rates and steadiness over a sliding window, and
 * the group tracker that restarts its windows when processes change. */
#include <math.h>
#include "fixture.h"
#include "smapwatch/growth.h"
#include "smapwatch/trend.h"

static sw_fit fit_of(const sw_trend *tr)
{
	sw_fit f;
	assert_int_equal(sw_trend_fit(tr, &f), 0);
	return f;
}

/* A steady leak: exact slope, perfect fit, every interval grew. */
static void test_linear_leak(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 100);
	for (int t = 0; t <= 100; t++)
		sw_trend_add(&tr, t, 1000 + 50.0 * t);
	sw_fit f = fit_of(&tr);
	assert_true(fabs(f.slope - 50) < 1e-9);
	assert_true(f.r2 > 0.999999);
	assert_true(f.grew == 1.0);
	assert_true(f.span == 99);   /* slot 0 keeps its last sample, t=1 */
}

/* Terabyte-sized values growing by a page a second stay exact. */
static void test_large_values(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 600);
	for (int t = 0; t < 600; t += 10)
		sw_trend_add(&tr, 1e6 + t, 4e12 + 4096.0 * t);
	sw_fit f = fit_of(&tr);
	assert_true(fabs(f.slope - 4096) < 1e-3);
	assert_true(f.r2 > 0.999999);
}

/* Grows then frees everything, over and over: most intervals rise, and
 * where the window cuts a period the slope is not zero (1.7% of the ramp
 * here), but the fit is poor (a leak's r2 is above 0.99): steadiness is
 * what keeps it from being taken for a leak. */
static void test_sawtooth(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 640);
	for (int t = 0; t < 640; t++)
		sw_trend_add(&tr, t, 1e6 + 1e5 * (t % 40));
	sw_fit f = fit_of(&tr);
	assert_true(f.r2 < 0.2);
	assert_true(fabs(f.slope) < 0.05 * 1e5);  /* ramp: 1e5 per second */
	assert_true(f.grew > 0.5 && f.grew < 0.9);
}

/* A warm-up then a plateau: once the warm-up has left the window the
 * growth is exactly zero. */
static void test_warmup_then_plateau(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 300);
	for (int t = 0; t < 60; t++)
		sw_trend_add(&tr, t, 1e6 * t);
	for (int t = 60; t < 400; t++)
		sw_trend_add(&tr, t, 6e7);
	sw_fit f = fit_of(&tr);
	assert_true(f.slope == 0);
	assert_true(f.r2 == 0);
	assert_true(f.grew == 0);
}

/* However many samples, at most SW_TREND_POINTS are kept, spanning the
 * window. */
static void test_bounded_points(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 600);
	for (int t = 0; t < 10000; t++)
		sw_trend_add(&tr, t, t);
	sw_fit f = fit_of(&tr);
	assert_true(f.points <= SW_TREND_POINTS);
	assert_true(f.points >= SW_TREND_POINTS - 1);
	assert_true(f.span <= 600);
	assert_true(f.span >= 600 - 2 * 600.0 / (SW_TREND_POINTS - 1));
	assert_true(fabs(f.slope - 1) < 1e-9);
}

static void test_too_few_points(void **state)
{
	(void)state;
	sw_trend tr;
	sw_fit f;
	sw_trend_init(&tr, 60);
	assert_int_equal(sw_trend_fit(&tr, &f), -1);
	sw_trend_add(&tr, 0, 1);
	sw_trend_add(&tr, 10, 2);
	assert_int_equal(sw_trend_fit(&tr, &f), -1);
	assert_int_equal(f.points, 2);
	sw_trend_add(&tr, 20, 3);
	assert_int_equal(sw_trend_fit(&tr, &f), 0);
}

/* The alarm value: a steady leak over the whole window only. */
static void test_leak_rate(void **state)
{
	(void)state;
	sw_trend tr;
	sw_fit f;
	sw_trend_init(&tr, 100);
	for (int t = 0; t < 50; t++)
		sw_trend_add(&tr, t, 10.0 * t);
	f = fit_of(&tr);
	assert_true(sw_fit_leak_rate(&f, 100, 0.9) == 0);   /* half a window */
	for (int t = 50; t <= 100; t++)
		sw_trend_add(&tr, t, 10.0 * t);
	f = fit_of(&tr);
	assert_true(fabs(sw_fit_leak_rate(&f, 100, 0.9) - 10) < 1e-9);
	/* 1 s samples in a 10 s window with jitter (a read late by 0.9 s, the
	 * last early by 0.15 s): the span falls under 9 s, yet the window is
	 * covered up to one interval */
	static const double times[] = {17, 18, 19.1, 20.9, 22, 23, 24, 25, 26,
				       27, 28, 29, 29.85};
	sw_trend_init(&tr, 10);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		sw_trend_add(&tr, times[i], 5.0 * times[i]);
	f = fit_of(&tr);
	assert_true(f.span < 9);
	assert_true(sw_fit_leak_rate(&f, 10, 0.9) > 4.9);
	f.r2 = 0.89;
	assert_true(sw_fit_leak_rate(&f, 100, 0.9) == 0);   /* not steady */
	f.r2 = 1;
	f.slope = -10;
	assert_true(sw_fit_leak_rate(&f, 100, 0.9) == 0);   /* shrinking */
	sw_trend_init(&tr, 640);
	for (int t = 0; t < 640; t++)
		sw_trend_add(&tr, t, 1e6 + 1e5 * (t % 40));
	f = fit_of(&tr);
	assert_true(sw_fit_leak_rate(&f, 640, 0.9) == 0);   /* sawtooth */
}

static sw_group_stats stats(uint64_t identity, uint64_t heap_uss, long fds)
{
	sw_group_stats s;
	memset(&s, 0, sizeof(s));
	s.processes = identity ? 1 : 0;
	s.identity = identity;
	s.mem.cat[SW_CAT_HEAP].v[SW_F_PRIVATE_DIRTY] = heap_uss;
	s.mem.total.v[SW_F_PRIVATE_DIRTY] = heap_uss;
	s.fds = fds;
	return s;
}

/* Per category and field, and fds; a new process set restarts it all. */
static void test_growth_restarts_with_processes(void **state)
{
	(void)state;
	static sw_growth g;
	sw_growth_init(&g, 60);   /* slots under a second: every sample kept */
	for (int t = 0; t < 30; t++) {
		sw_group_stats s = stats(7, 4096u * (uint64_t)t, 10 + t);
		assert_int_equal(sw_growth_update(&g, &s, t), t == 0);
	}
	sw_fit f = fit_of(&g.mem[SW_CAT_HEAP][SW_GROWTH_USS]);
	assert_true(fabs(f.slope - 4096) < 1e-9);
	f = fit_of(&g.mem[SW_CAT_COUNT][SW_GROWTH_PRIVATE_DIRTY]);
	assert_true(fabs(f.slope - 4096) < 1e-9);
	f = fit_of(&g.mem[SW_CAT_ANON][SW_GROWTH_USS]);
	assert_true(f.slope == 0);
	f = fit_of(&g.fds);
	assert_true(fabs(f.slope - 1) < 1e-9);
	/* the process restarted: its memory fell, that is not growth */
	sw_group_stats s = stats(8, 0, 10);
	assert_int_equal(sw_growth_update(&g, &s, 30), 1);
	assert_int_equal(sw_trend_fit(&g.mem[SW_CAT_HEAP][SW_GROWTH_USS], &f), -1);
	assert_int_equal(f.points, 1);
	/* a group with no process keeps empty windows */
	s = stats(0, 0, 0);
	assert_int_equal(sw_growth_update(&g, &s, 31), 1);
	assert_int_equal(sw_trend_fit(&g.fds, &f), -1);
	assert_int_equal(f.points, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linear_leak),
		cmocka_unit_test(test_large_values),
		cmocka_unit_test(test_sawtooth),
		cmocka_unit_test(test_warmup_then_plateau),
		cmocka_unit_test(test_bounded_points),
		cmocka_unit_test(test_too_few_points),
		cmocka_unit_test(test_leak_rate),
		cmocka_unit_test(test_growth_restarts_with_processes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
