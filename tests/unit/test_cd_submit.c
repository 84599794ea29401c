/* test_cd_submit.c - one group's values as submit.c dispatches them:
 * who is and is not in the figures (ps_state-*). plugin_dispatch_values
 * is collectd's; here it records what it is given. The members that could
 * not be reached at all (live.failed: EMFILE...) need a real out-of-fds
 * run to happen, which collectd's own fds make racy; the protocol test
 * does that run for smaps.plugin, this checks collectd's side. */
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "submit.h"

#define MAX_SENT 512

static char sent_ti[MAX_SENT][2 * DATA_MAX_NAME_LEN];
static double sent_value[MAX_SENT];
static int nsent;

int plugin_dispatch_values(value_list_t const *vl)
{
	if (nsent < MAX_SENT) {
		snprintf(sent_ti[nsent], sizeof(sent_ti[nsent]), "%s-%s",
			 vl->type, vl->type_instance);
		sent_value[nsent] = vl->values[0].gauge;
	}
	nsent++;
	return 0;
}

cdtime_t plugin_get_interval(void)
{
	return DOUBLE_TO_CDTIME_T(10.0);
}

/* The value of type-instance ti, or -1 when not dispatched. */
static double value_of(const char *ti)
{
	for (int i = 0; i < nsent && i < MAX_SENT; i++)
		if (!strcmp(sent_ti[i], ti))
			return sent_value[i];
	return -1;
}

static void submit(const sw_group_stats *g)
{
	cd_submit_opts o = {0};
	nsent = 0;
	cd_submit_group("g", g, &o);
}

/* All members out of fds: none read, all said, though processes is 0. */
static void all_unreachable(void **state)
{
	(void)state;
	sw_group_stats g = {.name = "g", .live = {.failed = 3}};
	submit(&g);
	assert_true(value_of("ps_state-unreachable") == 3);
	assert_true(value_of("ps_count-") == 0);
}

/* Some read, some not: both said, apart from smaps reads that failed. */
static void some_unreachable(void **state)
{
	(void)state;
	sw_group_stats g = {.name = "g",
			    .live = {.processes = 2, .threads = 2, .failed = 1},
			    .measured = {.processes = 2, .failed = 1}};
	submit(&g);
	assert_true(value_of("ps_state-unreachable") == 1);
	assert_true(value_of("ps_state-measured") == 2);
	g.live.failed = 0;
	submit(&g);
	assert_true(value_of("ps_state-unreachable") == 0);
}

/* An empty group: ps_count only, as before. */
static void empty_group(void **state)
{
	(void)state;
	sw_group_stats g = {.name = "g"};
	submit(&g);
	assert_true(value_of("ps_state-unreachable") == -1);
	assert_int_equal(nsent, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_unreachable),
		cmocka_unit_test(some_unreachable),
		cmocka_unit_test(empty_group),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
