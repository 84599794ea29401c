/* test_fastpath.c - the parser's fast paths (field lines in the kernel's
 * exact 28- and 25-byte layouts, hex fields 8 at a time, VmFlags) and its
 * general path give the same result: each text parsed both ways
 * (sw_smaps_parser_general_only), and re-laid-out. Each captured fixture is parsed as captured (nearly every field
 * line takes the fast path) and re-laid-out so that no line can (the blanks
 * after each key replaced: by one tab, by one space, by 20 spaces), and
 * every mapping must come out identical. */
#include <dirent.h>
#include "fixture.h"
#include "smapwatch/error.h"
#include "smapwatch/smaps.h"

#define MAX_MAPS 4096

typedef struct {
	size_t n;
	sw_mapping m[MAX_MAPS];
	char names[MAX_MAPS][256];
	char flags[MAX_MAPS][SW_VMFLAGS_MAX];
} maps;

static int keep(void *ctx, const sw_mapping *m)
{
	maps *s = ctx;
	assert_true(s->n < MAX_MAPS);
	s->m[s->n] = *m;
	size_t l = m->name_len < 255 ? m->name_len : 255;
	memcpy(s->names[s->n], m->name, l);
	s->names[s->n][l] = '\0';
	s->m[s->n].name = s->names[s->n];
	snprintf(s->flags[s->n], SW_VMFLAGS_MAX, "%s", m->vmflags);
	s->m[s->n].vmflags = s->flags[s->n];
	s->n++;
	return 0;
}

/* Copies text, replacing the blanks after "Key:" on field lines by pad. */
static char *relayout(const char *text, size_t len, const char *pad,
		      size_t *out_len)
{
	size_t padl = strlen(pad);
	char *out = malloc(len * (padl + 1) + 1), *o = out;
	assert_non_null(out);
	for (const char *p = text, *e = text + len; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *le = nl ? nl + 1 : e, *c = p;
		while (c < le && ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
				  *c == '_'))
			c++;
		if (*p >= 'A' && *p <= 'Z' && c < le && *c == ':' &&
		    strncmp(p, "VmFlags", 7) != 0) {
			memcpy(o, p, (size_t)(c + 1 - p));
			o += c + 1 - p;
			for (c++; c < le && *c == ' '; c++)
				;
			memcpy(o, pad, padl);
			o += padl;
			p = c;
		}
		memcpy(o, p, (size_t)(le - p));
		o += le - p;
		p = le;
	}
	*out_len = (size_t)(o - out);
	return out;
}

static void parse_into(const char *buf, size_t len, maps *out)
{
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	out->n = 0;
	long r = sw_smaps_parse(p, buf, len, keep, out);
	assert_true(r > 0);
	assert_int_equal((size_t)r, out->n);
	sw_smaps_parser_free(p);
}

static void same_maps(const maps *a, const maps *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_memory_equal(&a->m[i].counts, &b->m[i].counts,
				    sizeof(a->m[i].counts));
		assert_int_equal(a->m[i].start, b->m[i].start);
		assert_string_equal(a->names[i], b->names[i]);
	}
}

static void check_fixture(const char *name)
{
	static maps orig, other;
	static const char *const pads[] = {"\t", " ", "                    "};
	size_t len, l2;
	char *text = fx_load(name, &len);
	assert_non_null(text);
	parse_into(text, len, &orig);
	assert_true(orig.n > 10);
	for (size_t i = 0; i < sizeof(pads) / sizeof(pads[0]); i++) {
		char *alt = relayout(text, len, pads[i], &l2);
		assert_true(l2 != len || memcmp(alt, text, len) != 0);
		parse_into(alt, l2, &other);
		same_maps(&orig, &other);
		free(alt);
	}
	free(text);
}

/* One text through the fast parser and through one that takes the general
 * path for every line: the same result, code, detail and mappings. */
static void same_both_ways(const char *text, size_t len)
{
	static maps fast, general;
	sw_smaps_parser *pf = sw_smaps_parser_new(), *pg = sw_smaps_parser_new();
	assert_non_null(pf);
	assert_non_null(pg);
	sw_smaps_parser_general_only(pg, 1);
	fast.n = general.n = 0;
	long rf = sw_smaps_parse(pf, text, len, keep, &fast);
	long rg = sw_smaps_parse(pg, text, len, keep, &general);
	assert_int_equal(rf, rg);
	assert_string_equal(sw_smaps_parser_detail(pf), sw_smaps_parser_detail(pg));
	same_maps(&fast, &general);
	for (size_t i = 0; i < fast.n; i++) {
		assert_int_equal(fast.m[i].end, general.m[i].end);
		assert_int_equal(fast.m[i].offset, general.m[i].offset);
		assert_int_equal(fast.m[i].inode, general.m[i].inode);
		assert_int_equal(fast.m[i].dev_major, general.m[i].dev_major);
		assert_int_equal(fast.m[i].dev_minor, general.m[i].dev_minor);
		assert_string_equal(fast.m[i].perms, general.m[i].perms);
		assert_string_equal(fast.flags[i], general.flags[i]);
	}
	sw_smaps_parser_free(pf);
	sw_smaps_parser_free(pg);
}

static void both_ways_fixture(const char *name)
{
	size_t len;
	char *text = fx_load(name, &len);
	assert_non_null(text);
	same_both_ways(text, len);
	free(text);
}

/* Every captured and hand-made fixture, good and bad. */
static void test_fixtures_both_ways(void **state)
{
	(void)state;
	static const char *const names[] = {
		"plain.smaps", "threads.smaps", "python.smaps", "shmem.smaps",
		"special.smaps", "special-android.smaps",
		"special-reordered.smaps",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		both_ways_fixture(names[i]);
	DIR *d = opendir(FIXTURES "/bad");
	struct dirent *e;
	int bad = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".smaps")) {
			char name[300];
			snprintf(name, sizeof(name), "bad/%s", e->d_name);
			both_ways_fixture(name);
			bad++;
		}
	closedir(d);
	assert_true(bad >= 10);
}

/* Lines near the kernel's layout that the fast path must take exactly as
 * the general one does, or leave to it: values of 1 to 8 digits, a blank
 * inside the value, a digit in place of a blank, THPeligible and
 * ProtectionKey well and badly formed, a repeated field, a line cut at
 * the end, addresses of 8, 12 and 16 hex digits in either case. */
static void test_near_layout_both_ways(void **state)
{
	(void)state;
#define H12 "7f05d7188000-7f05d718a000 r--p 00000000 00:00 0 \n"
	static const char *const texts[] = {
		H12 "Size:                  8 kB\nRss:            12345678 kB\n"
		"Pss:                 123 kB\nVmFlags: rd mr \n",
		H12 "Size:                  8 kB\nRss:              1 2  4 kB\n",
		H12 "Rss:                   8 kB\nSize:           1      8 kB\n",
		H12 "Rss:                  8x kB\n",
		H12 "Rss:                   8 kB\nTHPeligible:           0\n"
		"ProtectionKey:         0\nVmFlags: rd \n",
		H12 "Rss:                   8 kB\nTHPeligible:          0 \n",
		H12 "Rss:                   8 kB\nTHPeligible:    00000001\n"
		"ProtectionKey:  \n",
		H12 "Rss:                   8 kB\nRss:                   8 kB\n",
		H12 "Rss:                   8 kB\nPss:                   8 kB",
		H12 "Rss:                   8 kB\nPss:                   8 kB\r\n",
		H12 "Rss:                   8 kB\nPss:                   8 kb\n",
		"00400000-00401000 r-xp 00000000 fe:01 1234  /bin/x\n"
		"Rss:                   4 kB\n",
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n"
		"Rss:                   0 kB\n",
		"7F05D7188000-7F05D718A000 rw-p 0000ABCD 0A:1f 99 /x\n"
		"Rss:                   4 kB\n",
		"17f05d7188000000-7f05d718a000 rw-p 00000000 00:00 0\n"
		"Rss:                   4 kB\n",
		"Rss:                   4 kB\n",
		H12 "Rss:                   4 kB\nVmFlags:rd\n",
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		same_both_ways(texts[i], strlen(texts[i]));
}

static void test_plain(void **state) { (void)state; check_fixture("plain.smaps"); }
static void test_threads(void **state) { (void)state; check_fixture("threads.smaps"); }
static void test_python(void **state) { (void)state; check_fixture("python.smaps"); }
static void test_shmem(void **state) { (void)state; check_fixture("shmem.smaps"); }

/* A value of 9 digits no longer fits the 8-column field: the line is one
 * byte longer and must still be read exactly. */
static void test_wide_value(void **state)
{
	(void)state;
	static const char text[] =
		"00400000-00401000 r--p 00000000 fe:00 12  /bin/x\n"
		"Size:           123456789 kB\n"
		"Rss:                   8 kB\n"
		"Pss:            99999999 kB\n";
	maps *m = calloc(1, sizeof(*m));
	parse_into(text, sizeof(text) - 1, m);
	assert_int_equal(m->m[0].counts.v[SW_F_SIZE], 123456789ull << 10);
	assert_int_equal(m->m[0].counts.v[SW_F_RSS], 8ull << 10);
	assert_int_equal(m->m[0].counts.v[SW_F_PSS], 99999999ull << 10);
	free(m);
}

/* Feeds text the way the file reader does: pieces of `step` bytes into a
 * buffer of at most `cap`, keeping the unconsumed tail. */
static long streamed(const char *text, size_t len, size_t step, size_t cap)
{
	sw_smaps_parser *p = sw_smaps_parser_new();
	char *buf = malloc(cap);
	size_t have = 0, off = 0;
	long r = 0;
	while (off < len && r >= 0) {
		size_t n = len - off < step ? len - off : step;
		if (n > cap - have)
			n = cap - have;
		memcpy(buf + have, text + off, n);
		have += n;
		off += n;
		ssize_t used = sw_smaps_parser_feed(p, buf, have, NULL, NULL);
		if (used < 0)
			r = used;
		else {
			have -= (size_t)used;
			memmove(buf, buf + used, have);
		}
	}
	if (r >= 0)
		r = sw_smaps_parser_finish(p, have, NULL, NULL);
	free(buf);
	sw_smaps_parser_free(p);
	return r;
}

/* A line over SW_LINE_MAX is refused the same way from one buffer and
 * streamed through a reader-sized buffer, whatever kind of line it is. */
static void test_long_lines_same_either_way(void **state)
{
	(void)state;
#define HDR "00400000-00401000 r--p 00000000 fe:00 12  /x\n"
	static const char *const around[][2] = {
		{HDR "UnknownKey: ", "\nRss: 4 kB\n"},
		{HDR "Rss:", "4 kB\n"},
		{HDR "Rss: 4 kB\nVmFlags: ", "\n"},
	};
	size_t fill = SW_LINE_MAX + 100;
	char *pad = malloc(fill + 1), *text = malloc(fill + 200);
	memset(pad, ' ', fill);
	pad[fill] = '\0';
	for (size_t i = 0; i < sizeof(around) / sizeof(around[0]); i++) {
		int n = snprintf(text, fill + 200, "%s%s%s", around[i][0], pad,
				 around[i][1]);
		sw_smaps_parser *p = sw_smaps_parser_new();
		assert_int_equal(sw_smaps_parse(p, text, (size_t)n, NULL, NULL),
				 -SW_ETOOLONG);
		assert_string_equal(sw_smaps_parser_detail(p),
				    i == 2 ? "line 3: line longer than 32 KiB"
					   : "line 2: line longer than 32 KiB");
		sw_smaps_parser_free(p);
		assert_int_equal(streamed(text, (size_t)n, 4096, 4 * SW_LINE_MAX),
				 -SW_ETOOLONG);
		assert_int_equal(streamed(text, (size_t)n, 999, SW_LINE_MAX + 1),
				 -SW_ETOOLONG);
	}
	/* one byte under the limit is fine both ways */
	int n = snprintf(text, fill + 200, "%s%s%s", around[0][0],
			 pad + (fill - (SW_LINE_MAX - 14)), around[0][1]);
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_int_equal(sw_smaps_parse(p, text, (size_t)n, NULL, NULL), 1);
	sw_smaps_parser_free(p);
	assert_int_equal(streamed(text, (size_t)n, 4096, 4 * SW_LINE_MAX), 1);
	free(pad);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),   cmocka_unit_test(test_threads),
		cmocka_unit_test(test_python),  cmocka_unit_test(test_shmem),
		cmocka_unit_test(test_wide_value),
		cmocka_unit_test(test_fixtures_both_ways),
		cmocka_unit_test(test_near_layout_both_ways),
		cmocka_unit_test(test_long_lines_same_either_way),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
