/* test_mapsprobe.c - the maps probe on a captured /proc/PID/maps (bash,
 * Linux 6.18) and on changes made to it the way processes change. */
#include "fixture.h"
#include "smapwatch/error.h"
#include "smapwatch/mapsprobe.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured),
		cmocka_unit_test(test_changes),
		cmocka_unit_test(test_bad_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
