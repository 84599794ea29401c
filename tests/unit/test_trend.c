/* test_trend.c - growth rates of a series' floor and their steadiness
 * over a sliding window, and the group tracker that restarts its windows
 * when the group's chain of owned memory does. */
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

/* The fit, or an all-zero one while there is none. */
static sw_fit fit_of_or_none(const sw_trend *tr)
{
	sw_fit f;
	if (sw_trend_fit(tr, &f))
		memset(&f, 0, sizeof(f));
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
	assert_true(f.span == 100);  /* slot 0 keeps its lowest sample, t=0 */
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

/* A leak in steps: 1 MiB every 15 minutes, read every minute, an hour's
 * window. Only some bucket minima rise over the one before, but all over
 * the one a fifth of the window before: steady, at its mean rate (within
 * 10%: the buckets sample the steps). Steps 30 minutes apart are two
 * one-off steps a window: not steady. */
static void test_staircase(void **state)
{
	(void)state;
	for (int every = 900; every <= 1800; every += 900) {
		sw_trend tr;
		sw_trend_init(&tr, 3600);
		for (int t = 0; t <= 3 * 3600; t += 60) {
			sw_trend_add(&tr, t, 1e8 + 1048576.0 * (t / every));
			sw_fit f = fit_of_or_none(&tr);
			double lr = sw_fit_leak_rate(&f, 3600, 0.9);
			if (t + 60 < SW_TREND_FULL * 3600)
				assert_true(lr == 0);   /* window not spanned */
			else if (every == 900 && t >= 3600)
				assert_true(fabs(lr - 1048576.0 / 900) < 0.1 * 1048576.0 / 900);
			else if (every == 900)   /* spanned, the first step in it */
				assert_true(lr == 0 || fabs(lr - 1048576.0 / 900) < 0.15 * 1048576.0 / 900);
			else
				assert_true(lr == 0);
		}
	}
}

/* Grows then frees everything, over and over: the floor does not move,
 * so neither does the fit, whatever the swing (a raw fit's slope is 1.7%
 * of the ramp here, where the window cuts a period). */
static void test_sawtooth(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 640);
	for (int t = 0; t < 640; t++)
		sw_trend_add(&tr, t, 1e6 + 1e5 * (t % 40));
	sw_fit f = fit_of(&tr);
	assert_true(f.slope == 0);
	assert_true(f.r2 == 0);
	assert_true(f.grew == 0);
}

/* The same sawtooth (4 MB of swing) over a floor rising 2 kB/s: the raw
 * samples fit a line with r2 under 0.2, the floor with 1, at the floor's
 * rate within 2%. */
static void test_sawtooth_rising_floor(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 640);
	for (int t = 0; t <= 640; t++)
		sw_trend_add(&tr, t, 1e6 + 2e3 * t + 1e5 * (t % 40));
	sw_fit f = fit_of(&tr);
	assert_true(fabs(f.slope - 2e3) < 0.02 * 2e3);
	assert_true(f.r2 > 0.99);
	assert_true(f.grew == 1);
	assert_true(fabs(sw_fit_leak_rate(&f, 640, 0.9) - 2e3) < 0.02 * 2e3);
}

/* A cache filling towards 64 MB with a time constant of a tenth of the
 * window: once filled, its floor is flat. While it fills (the first
 * window) it has not spanned the window: no leak rate at any time. */
static void test_saturating_cache(void **state)
{
	(void)state;
	sw_trend tr;
	sw_fit f;
	sw_trend_init(&tr, 3600);
	for (int t = 0; t <= 4 * 3600; t += 60) {
		sw_trend_add(&tr, t, 64e6 * (1 - exp(-t / 360.0)));
		f = fit_of_or_none(&tr);
		assert_true(sw_fit_leak_rate(&f, 3600, 0.9) == 0);
	}
	assert_true(fabs(f.slope) < 1);
}

/* A one-off step (a cache loaded once, mid-window): a high r2 is
 * possible (0.75 for a step at the middle: over a --steady-percent of 70
 * here), steady rising is not. */
static void test_one_off_step(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 3600);
	for (int t = 0; t <= 2 * 3600; t += 60) {
		sw_trend_add(&tr, t, t < 5400 ? 1e8 : 1.5e8);
		sw_fit f = fit_of_or_none(&tr);
		assert_true(sw_fit_leak_rate(&f, 3600, 0.7) == 0);
	}
}

/* A warm-up then a plateau: never a leak rate, and once the warm-up has
 * left the window the growth is exactly zero. */
static void test_warmup_then_plateau(void **state)
{
	(void)state;
	sw_trend tr;
	sw_trend_init(&tr, 300);
	for (int t = 0; t < 400; t++) {
		sw_trend_add(&tr, t, t < 60 ? 1e6 * t : 6e7);
		sw_fit w = fit_of_or_none(&tr);
		assert_true(sw_fit_leak_rate(&w, 300, 0.9) == 0);   /* never */
	}
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

static sw_group_stats stats(uint64_t epoch, double heap_owned, long fds)
{
	sw_group_stats s;
	memset(&s, 0, sizeof(s));
	s.live.processes = s.measured.processes = epoch ? 1 : 0;
	s.measured.owned_epoch = epoch;
	s.measured.owned[SW_CAT_HEAP] = heap_owned;
	s.measured.owned[SW_CAT_COUNT] = heap_owned;
	s.live.fds = fds;
	return s;
}

/* Per category and total, and fds; a new chain restarts it all. */
static void test_growth_restarts_with_chain(void **state)
{
	(void)state;
	static sw_growth g;
	sw_growth_init(&g, 60);   /* slots under a second: every sample kept */
	for (int t = 0; t < 30; t++) {
		sw_group_stats s = stats(7, 4096.0 * t, 10 + t);
		assert_int_equal(sw_growth_update(&g, &s, t), t == 0);
	}
	sw_fit f = fit_of(&g.mem[SW_CAT_HEAP]);
	assert_true(fabs(f.slope - 4096) < 1e-9);
	f = fit_of(&g.mem[SW_CAT_COUNT]);
	assert_true(fabs(f.slope - 4096) < 1e-9);
	f = fit_of(&g.mem[SW_CAT_ANON]);
	assert_true(f.slope == 0);
	f = fit_of(&g.fds);
	assert_true(fabs(f.slope - 1) < 1e-9);
	/* the group emptied and came back: a new chain, not a drop */
	sw_group_stats s = stats(8, 0, 10);
	assert_int_equal(sw_growth_update(&g, &s, 30), 1);
	assert_int_equal(sw_trend_fit(&g.mem[SW_CAT_HEAP], &f), -1);
	assert_int_equal(f.points, 0);   /* held back one read (growth.h) */
	/* a group with no process adds nothing */
	s = stats(8, 0, 0);
	s.live.processes = s.measured.processes = 0;
	assert_int_equal(sw_growth_update(&g, &s, 31), 0);
	assert_int_equal(sw_trend_fit(&g.fds, &f), -1);
	assert_int_equal(f.points, 1);
	/* figures of an older full read (age > 0) are no new point: the
	 * same memory at a new time would flatten the slope */
	s = stats(8, 4096, 11);
	s.measured.age = 1;
	assert_int_equal(sw_growth_update(&g, &s, 32), 0);
	assert_int_equal(g.mem[SW_CAT_HEAP].n, 0);   /* t=30's still held */
	assert_int_equal(g.fds.n, 1);
	s.measured.age = 0;
	assert_int_equal(sw_growth_update(&g, &s, 33), 0);
	assert_int_equal(g.mem[SW_CAT_HEAP].n, 1);   /* t=30's, 33's held */
	assert_int_equal(g.fds.n, 2);
}

/* Memory and sockets together, at the defaults' shape (an hour, a sample
 * a minute): a per-connection leak, a request-path leak, and neither. */
static void test_socket_signals(void **state)
{
	(void)state;
	static sw_growth g;
	sw_socket_signals ss;
	for (int shape = 0; shape < 3; shape++) {
		sw_growth_init(&g, 3600);
		for (int t = 0; t <= 3600; t += 60) {
			sw_group_stats s = stats(1, 1e8 + 1000.0 * t, 10);
			/* +1 socket a minute; flat with a pool's swing of 5;
			 * a step of 40 half-way */
			s.live.sockets = shape == 0 ? 20 + t / 60
				  : shape == 1 ? 20 + (t / 60) % 5
					       : 20 + (t >= 1800) * 40;
			sw_growth_update(&g, &s, t);
		}
		sw_growth_sockets(&g, 0.9, 1, &ss);
		if (shape == 0) {   /* 1000 B/s over 1/60 socket/s */
			assert_true(fabs(ss.per_socket - 60000) < 600);
			assert_true(ss.request_path == 0);
		} else if (shape == 1) {
			assert_true(ss.per_socket == 0);
			assert_true(fabs(ss.request_path - 1000) < 10);
		} else {   /* sockets jumped: neither steady nor flat */
			assert_true(ss.per_socket == 0 && ss.request_path == 0);
		}
		sw_growth_sockets(&g, 0.9, 0, &ss);   /* not counted */
		assert_true(ss.per_socket == 0 && ss.request_path == 0);
	}
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
		cmocka_unit_test(test_sawtooth_rising_floor),
		cmocka_unit_test(test_saturating_cache),
		cmocka_unit_test(test_one_off_step),
		cmocka_unit_test(test_staircase),
		cmocka_unit_test(test_growth_restarts_with_chain),
		cmocka_unit_test(test_socket_signals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
