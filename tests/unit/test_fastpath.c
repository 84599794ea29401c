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

/* fast and general: the same result, code, detail and mappings. */
static void same_outcome(sw_smaps_parser *pf, long rf, const maps *fast,
			 sw_smaps_parser *pg, long rg, const maps *general)
{
	assert_int_equal(rf, rg);
	assert_string_equal(sw_smaps_parser_detail(pf), sw_smaps_parser_detail(pg));
	same_maps(fast, general);
	for (size_t i = 0; i < fast->n; i++) {
		assert_int_equal(fast->m[i].end, general->m[i].end);
		assert_int_equal(fast->m[i].offset, general->m[i].offset);
		assert_int_equal(fast->m[i].inode, general->m[i].inode);
		assert_int_equal(fast->m[i].dev_major, general->m[i].dev_major);
		assert_int_equal(fast->m[i].dev_minor, general->m[i].dev_minor);
		assert_string_equal(fast->m[i].perms, general->m[i].perms);
		assert_string_equal(fast->flags[i], general->flags[i]);
	}
}

/* One text through the fast parser, through one with the fast paths of
 * the baseline instruction set only, and through one that takes the
 * general path for every line: the same outcome all three ways. */
static void same_both_ways(const char *text, size_t len)
{
	static maps fast, base, general;
	sw_smaps_parser *pf = sw_smaps_parser_new(), *pb = sw_smaps_parser_new(),
			*pg = sw_smaps_parser_new();
	assert_non_null(pf);
	assert_non_null(pb);
	assert_non_null(pg);
	sw_smaps_parser_baseline_only(pb, 1);
	sw_smaps_parser_general_only(pg, 1);
	fast.n = base.n = general.n = 0;
	long rf = sw_smaps_parse(pf, text, len, keep, &fast);
	long rb = sw_smaps_parse(pb, text, len, keep, &base);
	long rg = sw_smaps_parse(pg, text, len, keep, &general);
	same_outcome(pf, rf, &fast, pg, rg, &general);
	same_outcome(pb, rb, &base, pg, rg, &general);
	sw_smaps_parser_free(pf);
	sw_smaps_parser_free(pb);
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

/* The block path: a mapping whose field lines are, once their values are
 * masked, the text of the mapping before. Three mappings in the kernel's
 * layout, the middle one edited in one line, each way of leaving the
 * layout the block path may meet, parsed both ways. */
static const char *const block_keys[] = {
	"Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty",
	"Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
	"Referenced", "Anonymous", "KSM", "LazyFree", "AnonHugePages",
	"ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
	"Swap", "SwapPss", "Locked", "THPeligible", "ProtectionKey",
};
#define BLOCK_KEYS (sizeof(block_keys) / sizeof(block_keys[0]))

/* 1 to 8 digits, different in each mapping and line. */
static unsigned long block_value(int map, unsigned line)
{
	static const unsigned long scale[] = {1, 10, 1000, 100000, 10000000};
	return ((unsigned long)map * 7919 + line * 104729) % 10 *
		       scale[(line + (unsigned)map) % 5] +
	       line;
}

/* Mapping `map` in the kernel's layout; its line `edit` (if any) replaced
 * by `with` (one line, two, or none). */
static size_t put_mapping(char *o, int map, int edit, const char *with)
{
	char *b = o;
	o += sprintf(o, "7f05d71%05x-7f05d71%05x rw-p 00000000 00:00 0 \n",
		     map * 16, map * 16 + 8);
	for (unsigned i = 0; i < BLOCK_KEYS; i++) {
		char key[32];
		snprintf(key, sizeof(key), "%s:", block_keys[i]);
		if ((int)i == edit)
			o += sprintf(o, "%s", with);
		else if (i >= BLOCK_KEYS - 2)
			o += sprintf(o, "%-16s%8lu\n", key, block_value(map, i) % 2);
		else
			o += sprintf(o, "%-16s%8lu kB\n", key, block_value(map, i));
	}
	o += sprintf(o, "VmFlags: rd wr mr mw me ac \n");
	return (size_t)(o - b);
}

static void test_block_both_ways(void **state)
{
	(void)state;
	static const struct { int line; const char *with; } edits[] = {
		{-1, ""},
		{3, "Rss:           123456789 kB\n"},         /* 9 digits */
		{3, "Rss:            12345678 kB\n"},          /* 8 digits */
		{12, ""},                                       /* KSM gone */
		{12, "KSM:                   0 kB\nNew_Key:               4 kB\n"},
		{4, "Pss_Dirty:             0 kB\nPss:                   4 kB\n"},
		{4, "Rss:                   4 kB\n"},          /* Rss twice */
		{4, "Pss:              1 2  4 kB\n"},
		{4, "Pss:                  1x kB\n"},
		{4, "Pss:              -12345 kB\n"},
		{4, "Pss:                   4 kb\n"},
		{4, "Pss:                   4 kB\r\n"},
		{4, "Pss:                   4 kB \n"},
		{4, "Pss:\t4 kB\n"},
		{4, "Pss:                   4-kB\n"},
		{22, "THPeligible:           0 \n"},
		{1, "KernelPageSize:        4 MB\n"},
		{1, "KernelPageSize:  \n"},
		{22, "THPeligible:           1 kB\n"},
		{22, "THPeligible:          10\n"},
		{23, "ProtectionKey:          \n"},
		{23, ""},
		{23, "ProtectionKey:         0\nProtectionKey:         0\n"},
		{0, "size:                  8 kB\n"},
		{0, "Size:\t8 kB\nSize:                  8 kB\n"},  /* twice */
		{0, "Foo:\t8 kB\nSize:                  8 kB\n"},
		{0, "Size:                \xe9 kB\n"},
	};
	static char text[4 * 2048];
	static maps m;
	size_t len;
	for (size_t k = 0; k < sizeof(edits) / sizeof(edits[0]); k++) {
		len = put_mapping(text, 1, -1, "");
		len += put_mapping(text + len, 2, edits[k].line, edits[k].with);
		len += put_mapping(text + len, 3, -1, "");
		same_both_ways(text, len);
		/* and cut inside the edited mapping, at each line end */
		for (size_t cut = 1; cut < len; cut++)
			if (text[cut - 1] == '\n' && cut % 3 == 0)
				same_both_ways(text, cut);
	}
	/* every byte of the middle mapping changed in turn, to characters
	 * that matter to one path or the other */
	size_t from = put_mapping(text, 1, -1, "");
	size_t to = from + put_mapping(text + from, 2, -1, "");
	len = to + put_mapping(text + to, 3, -1, "");
	for (size_t i = from; i < to; i++) {
		static const char other[] = "x \n09\t:kB\x80";
		char was = text[i];
		for (size_t o = 0; o < sizeof(other) - 1; o++)
			if (other[o] != was) {
				text[i] = other[o];
				same_both_ways(text, len);
			}
		text[i] = was;
	}
	/* a mapping read wholly by the general path between two of the same
	 * values on the block path: the last has its own, not the one's
	 * before it */
	len = put_mapping(text, 1, -1, "");
	len += put_mapping(text + len, 2, -1, "");
	size_t mid = put_mapping(text + len, 3, -1, ""), l2;
	char *alt = relayout(text + len, mid, "\t", &l2);
	memcpy(text + len, alt, l2);
	free(alt);
	len += l2;
	len += put_mapping(text + len, 2, -1, "");
	len += put_mapping(text + len, 4, -1, "");
	same_both_ways(text, len);
	/* the values are the text's, on the block path too, and it is the
	 * block path that reads the second and third mappings (the fourth
	 * is too near the end of the text for its compares) */
	len = 0;
	for (int i = 1; i <= 4; i++)
		len += put_mapping(text + len, i, -1, "");
	parse_into(text, len, &m);
	assert_int_equal(m.n, 4);
	for (int baseline = 0; baseline <= 1; baseline++) {
		sw_smaps_paths paths;
		sw_smaps_parser *p = sw_smaps_parser_new();
		assert_non_null(p);
		sw_smaps_parser_baseline_only(p, baseline);
		assert_int_equal(sw_smaps_parse(p, text, len, NULL, NULL), 4);
		sw_smaps_parser_paths(p, &paths);
		sw_smaps_parser_free(p);
		assert_int_equal(paths.lines, 4 * (BLOCK_KEYS + 2));
		assert_int_equal(paths.block_maps, 2);
		assert_int_equal(paths.block_lines, 2 * BLOCK_KEYS);
		assert_int_equal(paths.column_lines, 2 * BLOCK_KEYS);
	}
	for (int i = 1; i <= 4; i++)
		for (unsigned l = 0; l < BLOCK_KEYS - 2; l++) {
			int f = sw_field_lookup(block_keys[l],
						(unsigned)strlen(block_keys[l]));
			if (f >= 0)
				assert_int_equal(m.m[i - 1].counts.v[f],
						 (uint64_t)block_value(i, l) << 10);
		}
}

/* A field one mapping has and the next lacks is 0 in the next, whichever
 * path read either (values are not cleared at each header). */
static void test_absent_fields_zero(void **state)
{
	(void)state;
	static char text[4 * 2048];
	static maps m;
	const char *with_anon = "Pss:                   7 kB\n"
				"Pss_Anon:              9 kB\n";
	size_t len = put_mapping(text, 1, 4, with_anon);
	len += put_mapping(text + len, 2, 12, "");          /* no KSM */
	len += put_mapping(text + len, 3, 4, with_anon);
	len += put_mapping(text + len, 4, -1, "");
	len += put_mapping(text + len, 5, 12, "KSM:\t3 kB\n");
	len += put_mapping(text + len, 6, -1, "");
	for (int general = 0; general <= 1; general++) {
		sw_smaps_parser *p = sw_smaps_parser_new();
		assert_non_null(p);
		sw_smaps_parser_general_only(p, general);
		m.n = 0;
		assert_int_equal(sw_smaps_parse(p, text, len, keep, &m), 6);
		sw_smaps_parser_free(p);
		assert_int_equal(m.m[0].counts.v[SW_F_PSS_ANON], 9 << 10);
		assert_int_equal(m.m[1].counts.v[SW_F_PSS_ANON], 0);
		assert_int_equal(m.m[1].counts.v[SW_F_KSM], 0);
		assert_false(m.m[1].counts.present & (1u << SW_F_KSM));
		assert_int_equal(m.m[2].counts.v[SW_F_PSS_ANON], 9 << 10);
		assert_int_equal(m.m[3].counts.v[SW_F_PSS_ANON], 0);
		assert_int_equal(m.m[3].counts.v[SW_F_KSM],
				 (uint64_t)block_value(4, 12) << 10);
		assert_int_equal(m.m[4].counts.v[SW_F_KSM], 3 << 10);
		assert_int_equal(m.m[5].counts.v[SW_F_KSM],
				 (uint64_t)block_value(6, 12) << 10);
	}
}

/* One parser, reset between two parses of the same text (as the collector
 * reuses its own), the first stopped by its callback after the block path
 * read a mapping: the second gives what a new parser gives. */
static int stop_at_third(void *ctx, const sw_mapping *m)
{
	maps *s = ctx;
	keep(ctx, m);
	return s->n == 3 ? 1 : 0;
}

static void test_reset_between_parses(void **state)
{
	(void)state;
	static char text[5 * 2048];
	static maps first, again;
	size_t len = 0;
	for (int i = 1; i <= 5; i++)
		len += put_mapping(text + len, i % 2 + 1, -1, "");
	sw_smaps_parser *p = sw_smaps_parser_new(), *q = sw_smaps_parser_new();
	assert_non_null(p);
	assert_non_null(q);
	first.n = again.n = 0;
	assert_int_equal(sw_smaps_parse(p, text, len, stop_at_third, &first),
			 -1);
	sw_smaps_parser_reset(p);
	first.n = 0;
	assert_int_equal(sw_smaps_parse(q, text, len, keep, &first), 5);
	assert_int_equal(sw_smaps_parse(p, text, len, keep, &again), 5);
	sw_smaps_parser_free(p);
	sw_smaps_parser_free(q);
	same_maps(&first, &again);
	assert_int_equal(again.m[0].counts.v[SW_F_RSS],
			 (uint64_t)block_value(2, 3) << 10);
}

/* The header's fixed-layout path against the general one: widths, case,
 * the range, devices, inodes, names and line ends it may meet. */
static void test_headers_both_ways(void **state)
{
	(void)state;
	static const char *const headers[] = {
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 0\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 0\r\n",
		("7f05d7188000-7f05d718a000 r-xp 0001a000 fe:01 131 "
		 "                    /usr/lib/x86_64-linux-gnu/libc.so.6\n"),
		"7f05d7188000-7f05d718a000 rw-s 00000000 103:02 99 /SYSV0000\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 0 [anon:x y]\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 12x /a\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 99999999999999999999 /a\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 0/a\n",
		"7f05d718a000-7f05d7188000 rw-p 00000000 00:00 0 \n",
		"7F05D7188000-7f05d718a000 rw-p 00000000 00:00 0 \n",
		"7f05d7188000-7f05d718A000 rw-p 0000000F 0A:00 0 \n",
		"7f05d7188g00-7f05d718a000 rw-p 00000000 00:00 0 \n",
		"7f00d71;8000-7f05d718a000 rw-p 00000000 00:00 0 \n",
		"7f05d7188000-7f0/d718a000 rw-p 00000000 00:00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 0\xe9:00 0 \n",
		"7f05d71\x80\x30\x30\x30-7f05d718a000 rw-p 00000000 00:00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 0000000: 00:00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00-00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:0g 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:g0 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 g0:00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 0000000g 00:00 0 \n",
		"7f05d7188000-7f05d718a00g rw-p 00000000 00:00 0 \n",
		"7f05d7188000 7f05d718a000 rw-p 00000000 00:00 0 \n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00  0\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:000 0 \n",
		"00400000-00401000 r-xp 00000000 fe:01 1234  /bin/x\n",
		"ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0  [vsyscall]\n",
		"7f05d7188000-7f05d718a000 rw-p 00000000 00:00 0",
	};
	char text[512];
	/* a first header with NUL bytes in one of the words the fixed path
	 * reads (a parser's first: nothing seen in their places yet) */
	static const struct { int from, to, and_from, and_to; } words[] = {
		{0, 8, 0, 0}, {13, 21, 0, 0}, {8, 12, 21, 25}, {8, 12, 0, 0},
		{31, 39, 0, 0}, {40, 42, 43, 45}, {43, 45, 0, 0},
	};
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		int n = snprintf(text, sizeof(text), "%s%s", headers[0],
				 "Rss:                   4 kB\nVmFlags: rd \n");
		memset(text + words[w].from, 0,
		       (size_t)(words[w].to - words[w].from));
		memset(text + words[w].and_from, 0,
		       (size_t)(words[w].and_to - words[w].and_from));
		same_both_ways(text, (size_t)n);
	}
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		int n = snprintf(text, sizeof(text),
				 "%sRss:                   4 kB\nVmFlags: rd \n",
				 headers[i]);
		same_both_ways(text, (size_t)n);
		same_both_ways(headers[i], strlen(headers[i]));
	}
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
		cmocka_unit_test(test_block_both_ways),
		cmocka_unit_test(test_absent_fields_zero),
		cmocka_unit_test(test_reset_between_parses),
		cmocka_unit_test(test_headers_both_ways),
		cmocka_unit_test(test_long_lines_same_either_way),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
