/* test_mapsprobe.c - the maps probe on a captured /proc/PID/maps (bash,
 * Linux 6.18) and on changes made to it the way processes change. */
#include "fixture.h"
#include "smapwatch/error.h"
#include "smapwatch/group.h"
#include "smapwatch/mapsprobe.h"

static const sw_group_stats *app(sw_groupset *gs)
{
	return sw_groupset_get(gs, 0);
}

static sw_maps_probe probe_of(const char *text, size_t len)
{
	sw_maps_probe p;
	sw_maps_probe_begin(&p);
	assert_int_equal(sw_maps_probe_feed(&p, text, len), (ssize_t)len);
	return p;
}

/* The fixture plus `extra` appended lines. */
static char *with(const char *base, size_t len, const char *extra, size_t *out)
{
	size_t el = strlen(extra);
	char *t = malloc(len + el + 1);
	assert_non_null(t);
	memcpy(t, base, len);
	memcpy(t + len, extra, el + 1);
	*out = len + el;
	return t;
}

static void test_captured(void **state)
{
	(void)state;
	size_t len;
	char *text = fx_load("maps/bash.maps", &len);
	sw_maps_probe p = probe_of(text, len);
	assert_int_equal(p.mappings, 43);
	/* rw-p unnamed 0xb000 + [heap] 0x82000 + 3 unnamed (0x3000, 0xd000,
	 * 0x2000) + [stack] 0x21000; not the file mappings, not [vvar]... */
	assert_int_equal(p.anon_bytes, 0xb000 + 0x82000 + 0x3000 + 0xd000 +
					       0x2000 + 0x21000);
	/* fed in pieces: the same */
	sw_maps_probe q;
	sw_maps_probe_begin(&q);
	size_t have = 0;
	for (size_t off = 0; off < len; off += 37) {
		size_t n = len - off < 37 ? len - off : 37;
		char buf[4096];
		memcpy(buf, text + off - have, have + n);
		ssize_t used = sw_maps_probe_feed(&q, buf, have + n);
		assert_true(used >= 0);
		have = have + n - (size_t)used;
	}
	assert_int_equal(have, 0);
	assert_memory_equal(&p, &q, sizeof(p));
	free(text);
}

static void test_changes(void **state)
{
	(void)state;
	size_t len, l2;
	char *text = fx_load("maps/bash.maps", &len), line[128], *more;
	sw_maps_probe then = probe_of(text, len), now;
	assert_false(sw_maps_warrants_full(&then, &then));
	/* 100 thread stacks (8 MiB and a guard page each): a thread leak */
	more = calloc(100, 2 * sizeof(line));
	for (int i = 0; i < 100; i++) {
		unsigned long a = 0x7f0000000000ul + (unsigned long)i * 0x1000000;
		snprintf(line, sizeof(line), "%lx-%lx ---p 00000000 00:00 0 \n"
			 "%lx-%lx rw-p 00000000 00:00 0 \n", a, a + 0x1000,
			 a + 0x1000, a + 0x801000);
		strcat(more, line);
	}
	char *t = with(text, len, more, &l2);
	now = probe_of(t, l2);
	assert_int_equal(now.mappings, 243);
	assert_true(sw_maps_warrants_full(&then, &now));
	assert_true(sw_maps_warrants_full(&now, &then));  /* and back */
	free(t);
	/* the heap's end moves by 1 MiB: a layout change, not worth a read */
	char *h = strdup(text), *heap = strstr(h, "562dc54f7000-562dc5579000");
	memcpy(heap, "562dc54f7000-562dc5679000", 25);
	now = probe_of(h, len);
	assert_int_equal(now.mappings, then.mappings);
	assert_true(now.layout != then.layout);
	assert_false(sw_maps_warrants_full(&then, &now));
	/* one untouched 128 MiB anonymous map (nothing in status Rss yet) */
	t = with(text, len, "7f6000000000-7f6008000000 rw-p 00000000 00:00 0 \n", &l2);
	now = probe_of(t, l2);
	assert_true(sw_maps_warrants_full(&then, &now));
	free(t);
	/* the same size in a mapped file is not anonymous memory */
	t = with(text, len, "7f6000000000-7f6008000000 r--p 00000000 fe:00 9 "
		 "  /var/lib/db\n", &l2);
	now = probe_of(t, l2);
	assert_int_equal(now.anon_bytes, then.anon_bytes);
	assert_false(sw_maps_warrants_full(&then, &now));
	free(t);
	free(h);
	free(more);
	free(text);
}

static void test_bad_lines(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"Size:  4 kB\n", "7f00-7e00 rw-p 0 00:00 0\n", "7f00-7f10 rw\n",
		"zz-7f10 rw-p 00000000 00:00 0\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sw_maps_probe p;
		sw_maps_probe_begin(&p);
		assert_int_equal(sw_maps_probe_feed(&p, bad[i], strlen(bad[i])),
				 -SW_ESYNTAX);
	}
	/* an incomplete last line is left for the next call */
	sw_maps_probe p;
	sw_maps_probe_begin(&p);
	assert_int_equal(sw_maps_probe_feed(&p, "7f00-7f10 rw-p", 14), 0);
	assert_int_equal(p.mappings, 0);
}

/* ---- the probe in the cycle: a saved proc tree in the kernel's formats -- */

/* Process 10 "app": one heap mapping of 1 MiB resident (status the same),
 * and its maps: the captured bash maps plus `stacks` thread stacks of
 * 8 MiB untouched (a thread leak: status Rss does not move, VmSize grows
 * by 8196 kB a thread). */
static void put_app(int stacks)
{
	size_t len;
	char *maps = fx_load("maps/bash.maps", &len), line[128];
	fx_mkdirs(fx_root, "10/fd");
	fx_write_str(fx_root, "10/stat", "10 (app) S 1 10 10 0 -1 4194560 0 0 0 "
		     "0 0 0 0 0 20 0 1 0 5000 3592192 599\n");
	char status[512];
	snprintf(status, sizeof(status), "Name:\tapp\nVmSize:\t%8d kB\n"
		 "VmRSS:\t    1024 kB\nRssAnon:\t    1024 kB\n"
		 "RssFile:\t       0 kB\nRssShmem:\t       0 kB\n"
		 "VmSwap:\t       0 kB\n", 8960 + 8196 * stacks);
	fx_write_str(fx_root, "10/status", status);
	fx_write_str(fx_root, "10/smaps",
		     "55d000000000-55d000100000 rw-p 00000000 00:00 0   [heap]\n"
		     "Size:               1024 kB\nRss:                1024 kB\n");
	char *text = malloc(len + (size_t)stacks * 2 * sizeof(line) + 1);
	memcpy(text, maps, len);
	text[len] = '\0';
	for (int i = 0; i < stacks; i++) {
		unsigned long a = 0x7f0000000000ul + (unsigned long)i * 0x1000000;
		snprintf(line, sizeof(line), "%lx-%lx ---p 00000000 00:00 0 \n"
			 "%lx-%lx rw-p 00000000 00:00 0 \n", a, a + 0x1000,
			 a + 0x1000, a + 0x801000);
		strcat(text, line);
	}
	fx_write_str(fx_root, "10/maps", text);
	free(text);
	free(maps);
}

static sw_groupset *app_set(unsigned maps_every)
{
	char err[128];
	sw_groupset_opts o = {.proc_root = fx_root, .full_every = 60,
			      .early_change = SW_DEFAULT_EARLY_CHANGE,
			      .early_min = SW_DEFAULT_EARLY_MIN,
			      .maps_every = maps_every};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "app", SW_SEL_COMM, "app", err,
					 sizeof(err)), 0);
	return gs;
}

/* Cycles until the next full read, at most `max`: how many ran. */
static int cycles_to_full(sw_groupset *gs, int max, long *maps_reads)
{
	for (int i = 1; i <= max; i++) {
		assert_true(sw_groupset_collect(gs, NULL, NULL) >= 0);
		*maps_reads += sw_groupset_cost(gs)->maps_reads;
		if (sw_groupset_cost(gs)->full_reads)
			return i;
	}
	return max + 1;
}

/* A thread leak that status Rss does not show (100 stacks of 8 MiB, none
 * touched): at the defaults (a full read every 60 cycles, maps every 10,
 * when VmSize moved) the group is read within 10 cycles of it, not at the
 * 60th; a steady process costs one maps read, no full read; and with the
 * probe off, only the cadence reads. */
static void test_cycle_reads_on_maps_change(void **state)
{
	(void)state;
	long maps_reads = 0;
	put_app(0);
	sw_groupset *gs = app_set(0);
	assert_int_equal(cycles_to_full(gs, 1, &maps_reads), 1);  /* first */
	assert_int_equal(cycles_to_full(gs, 25, &maps_reads), 26); /* none */
	/* maps read once, for the reference: the address space stayed */
	assert_int_equal(maps_reads, 1);
	put_app(100);
	int n = cycles_to_full(gs, 59, &maps_reads);
	assert_true(n >= 1 && n <= 10);
	assert_int_equal(app(gs)->measured.age, 0);
	/* the new layout is the reference now: no read again for it */
	assert_int_equal(cycles_to_full(gs, 30, &maps_reads), 31);
	sw_groupset_free(gs);

	put_app(0);
	gs = app_set(SW_MAPS_NEVER);
	maps_reads = 0;
	assert_int_equal(cycles_to_full(gs, 1, &maps_reads), 1);
	put_app(100);
	assert_int_equal(cycles_to_full(gs, 60, &maps_reads), 60);  /* cadence */
	assert_int_equal(maps_reads, 0);
	sw_groupset_free(gs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test_setup_teardown(test_cycle_reads_on_maps_change,
						fx_root_setup, fx_root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
