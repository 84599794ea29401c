/* test_cd_names.c - the collectd plugin's names (names.c): each kind's type
 * and type instance, what Fields/Categories/Signals let through, and the
 * option lists parsed. plugin_dispatch_values is collectd's; here it only
 * records what it is given. */
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "fixture.h"
#include "smapwatch/category.h"
#include "names.h"

static value_list_t sent[4];
static double sent_value[4];
static int nsent;

int plugin_dispatch_values(value_list_t const *vl)
{
	if (nsent < 4) {
		sent[nsent] = *vl;
		sent_value[nsent] = vl->values[0].gauge;
	}
	nsent++;
	return 0;
}

static int name_of(cd_kind k, const char *subject, const char *field,
		   const char *type, const char *ti)
{
	char t[DATA_MAX_NAME_LEN], i[DATA_MAX_NAME_LEN];
	int r = cd_name(k, subject, field, t, i);
	assert_string_equal(t, type);
	assert_string_equal(i, ti);
	return r;
}

static int defaults(void **state)
{
	cd_select s;
	(void)state;
	cd_select_defaults(&s);
	cd_names_use(&s);
	nsent = 0;
	return 0;
}

/* SUBJECT_FIELD_MEASURE, the unit in the type, and the defaults. */
static void test_names_and_defaults(void **state)
{
	(void)state;
	assert_int_equal(name_of(CD_MEMORY, "heap", "rss", "memory", "heap_rss"), 1);
	assert_int_equal(name_of(CD_MEMORY, "total", "uss", "memory", "total_uss"), 1);
	assert_int_equal(name_of(CD_MEMORY, "heap", "size", "memory", "heap_size"), 0);
	assert_int_equal(name_of(CD_MEMORY, "kernel", "rss", "memory", "kernel_rss"), 0);
	assert_int_equal(name_of(CD_VMAS, "anon", NULL, "count", "anon_vmas"), 1);
	assert_int_equal(name_of(CD_VMAS, "binary", NULL, "count", "binary_vmas"), 0);
	assert_int_equal(name_of(CD_LEAK_RATE, "heap", "uss", "gauge",
				 "heap_uss_leak_rate"), 1);
	assert_int_equal(name_of(CD_LEAK_RATE, "heap", "private_dirty", "gauge",
				 "heap_private_dirty_leak_rate"), 0);
	assert_int_equal(name_of(CD_GROWTH, "threads", NULL, "gauge",
				 "threads_growth"), 1);
	assert_int_equal(name_of(CD_STEADY, "fds", NULL, "percent", "fds_steady"), 1);
	assert_int_equal(name_of(CD_SWAP_RATIO, "heap", NULL, "percent",
				 "heap_swap_ratio"), 0);
	assert_int_equal(name_of(CD_RESERVED, "anon", NULL, "memory",
				 "anon_reserved"), 1);
	assert_int_equal(name_of(CD_LARGEST_MEMBER, "total", NULL, "count",
				 "total_largest_member_vmas"), 1);
	/* not categories, whatever Categories says */
	assert_int_equal(name_of(CD_STATUS_RSS, NULL, NULL, "ps_rss", ""), 1);
	assert_int_equal(name_of(CD_STATUS_RSS, "anon", NULL, "ps_rss", "anon"), 1);
	assert_int_equal(name_of(CD_FDS, "sockets", NULL, "file_handles", "sockets"), 1);
	assert_int_equal(name_of(CD_AGE, NULL, NULL, "duration", "figures_age"), 1);
	assert_int_equal(name_of(CD_DUP_LOADS, "libs", NULL, "objects",
				 "libs_duplicate_loads"), 1);
	assert_int_equal(name_of(CD_LIB, "libc.so.6", "pss", "memory",
				 "lib_libc.so.6_pss"), 1);
	assert_int_equal(name_of(CD_NAMED, "buf", "private_dirty", "memory",
				 "named_buf_private_dirty"), 0);
	assert_int_equal(name_of(CD_SELF_SECONDS, "smaps_read", NULL, "duration",
				 "smaps_read"), 1);
}

/* Names in any case, any spacing, "all"; the last list set wins. */
static void test_parse(void **state)
{
	cd_select s;
	char err[256];
	(void)state;
	cd_select_defaults(&s);
	assert_int_equal(cd_select_parse(&s, "fields", "  RSS \t size ", err,
					 sizeof(err)), 0);
	assert_int_equal(s.fields, 1u << CD_F_RSS | 1u << CD_F_SIZE);
	assert_int_equal(cd_select_parse(&s, "CATEGORIES", "total", err,
					 sizeof(err)), 0);
	assert_int_equal(s.categories, 1u << SW_CAT_COUNT);
	assert_int_equal(cd_select_parse(&s, "Signals", "All", err, sizeof(err)), 0);
	cd_names_use(&s);
	assert_int_equal(name_of(CD_SWAP_RATIO, "total", NULL, "percent",
				 "total_swap_ratio"), 1);
	assert_int_equal(name_of(CD_SWAP_RATIO, "heap", NULL, "percent",
				 "heap_swap_ratio"), 0);
	assert_int_equal(name_of(CD_MEMORY, "total", "size", "memory",
				 "total_size"), 1);
	assert_int_equal(cd_select_parse(&s, "Fields", "", err, sizeof(err)), 0);
	assert_int_equal(s.fields, 0);
	assert_int_equal(cd_select_parse(&s, "Process", "x", err, sizeof(err)), -1);
}

static void test_parse_errors(void **state)
{
	cd_select s;
	char err[256], longword[200];
	(void)state;
	cd_select_defaults(&s);
	cd_select before = s;
	assert_int_equal(cd_select_parse(&s, "Fields", "rss vsz", err,
					 sizeof(err)), -2);
	assert_string_equal(err, "has an unknown name \"vsz\" (known: rss pss "
			    "uss private_dirty swap size, or all)");
	assert_memory_equal(&s, &before, sizeof(s));
	assert_int_equal(cd_select_parse(&s, "Categories", "heap_rss", err,
					 sizeof(err)), -2);
	assert_non_null(strstr(err, "heap stack anon shmem binary libs files "
			       "kernel total"));
	memset(longword, 'x', sizeof(longword) - 1);
	longword[sizeof(longword) - 1] = '\0';
	assert_int_equal(cd_select_parse(&s, "Signals", longword, err, 40), -2);
	assert_int_equal(strlen(err), 39);
}

/* Dispatched with the plugin and instance of the kind, or not at all. */
static void test_dispatch(void **state)
{
	char big[300];
	(void)state;
	cd_dispatch("web.api", CD_MEMORY, "heap", "pss", 4096);
	cd_dispatch("web.api", CD_MEMORY, "heap", "size", 1);     /* not chosen */
	cd_dispatch("web.api", CD_SELF_READS, "full_reads", NULL, 2);
	double ps[2] = {3, 7};
	cd_dispatch_values("web.api", CD_PS_COUNT, NULL, NULL, ps, 2);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cd_dispatch("web.api", CD_LIB, big, "rss", 1);            /* too long */
	assert_int_equal(nsent, 3);
	assert_string_equal(sent[0].plugin, "smaps");
	assert_string_equal(sent[0].plugin_instance, "web.api");
	assert_string_equal(sent[0].type, "memory");
	assert_string_equal(sent[0].type_instance, "heap_pss");
	assert_true(sent_value[0] == 4096);
	assert_string_equal(sent[1].plugin, "smaps_self");
	assert_string_equal(sent[1].plugin_instance, "");
	assert_string_equal(sent[1].type, "count");
	assert_string_equal(sent[1].type_instance, "full_reads");
	assert_string_equal(sent[2].type, "ps_count");
	assert_int_equal(sent[2].values_len, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_names_and_defaults, defaults),
		cmocka_unit_test_setup(test_parse, defaults),
		cmocka_unit_test_setup(test_parse_errors, defaults),
		cmocka_unit_test_setup(test_dispatch, defaults),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
