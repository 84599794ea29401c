/* test_settings.c - the tiering settings as users write them, into the
 * groupset's options (settings.h): the one conversion both plugins use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "smapwatch/growth.h"
#include "smapwatch/settings.h"

/* The defaults give the core's defaults, whatever the interval. */
static void test_defaults(void **state)
{
	(void)state;
	sw_settings s;
	sw_groupset_opts o = {.count_sockets = 1};
	sw_settings_default(&s);
	sw_settings_apply(&s, 10, 3600, &o);
	assert_int_equal(o.full_every, 6);           /* 60 s at 10 s */
	assert_int_equal(o.maps_every, 0);           /* the core's own */
	assert_true(o.early_change == SW_DEFAULT_EARLY_CHANGE);
	assert_int_equal(o.early_min, SW_DEFAULT_EARLY_MIN);
	assert_true(o.read_budget == SW_DEFAULT_READ_BUDGET);
	assert_int_equal(o.rss_cap, SW_DEFAULT_RSS_CAP);
	assert_true(o.warm_up == 3600 * SW_WARM_UP_SHARE);
	assert_int_equal(o.count_sockets, 1);        /* the rest left alone */
}

/* Seconds into cycles: rounded, at least one; an unknown interval is
 * one cycle; a maps interval of 0 is never. */
static void test_intervals(void **state)
{
	(void)state;
	sw_settings s;
	sw_groupset_opts o = {0};
	sw_settings_default(&s);
	s.full_interval = 25;
	s.maps_interval = 5;
	sw_settings_apply(&s, 10, 600, &o);
	assert_int_equal(o.full_every, 3);           /* 2.5 rounds up */
	assert_int_equal(o.maps_every, 1);           /* under one: one */
	s.full_interval = 24;
	s.maps_interval = 0;
	sw_settings_apply(&s, 10, 600, &o);
	assert_int_equal(o.full_every, 2);
	assert_int_equal(o.maps_every, SW_MAPS_NEVER);
	s.full_interval = 0;
	s.maps_interval = 30;
	sw_settings_apply(&s, 0, 600, &o);
	assert_int_equal(o.full_every, 1);
	assert_int_equal(o.maps_every, 1);
}

/* Units: percent, MiB, milliseconds; a warm-up given in seconds is
 * kept, 0 included (no warm-up). */
static void test_units(void **state)
{
	(void)state;
	sw_settings s = {.full_interval = 1, .maps_interval = -1,
			 .early_percent = 25, .early_mib = 3, .budget_ms = 250,
			 .rss_cap_mib = 1536, .warm_up = 0};
	sw_groupset_opts o = {0};
	sw_settings_apply(&s, 1, 600, &o);
	assert_true(o.early_change == 0.25);
	assert_int_equal(o.early_min, 3u << 20);
	assert_true(o.read_budget == 0.25);
	assert_int_equal(o.rss_cap, 1536ull << 20);
	assert_true(o.warm_up == 0);
	s.warm_up = 90;
	sw_settings_apply(&s, 1, 600, &o);
	assert_true(o.warm_up == 90);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_intervals),
		cmocka_unit_test(test_units),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
