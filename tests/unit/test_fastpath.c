/* test_fastpath.c - the parser's column fast path (field lines in the
 * kernel's exact 28-byte layout) and its general path give the same
 * result. Each captured fixture is parsed as captured (nearly every field
 * line takes the fast path) and re-laid-out so that no line can (the blanks
 * after each key replaced: by one tab, by one space, by 20 spaces), and
 * every mapping must come out identical. */
#include "fixture.h"
#include "smapwatch/error.h"
#include "smapwatch/smaps.h"

#define MAX_MAPS 4096

typedef struct {
	size_t n;
	sw_mapping m[MAX_MAPS];
	char names[MAX_MAPS][256];
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
	s->m[s->n].vmflags = "";
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
		cmocka_unit_test(test_long_lines_same_either_way),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
