/* test_smaps.c - the smaps parser over real and hand-made kernel text.
 *
 * Fixtures: tests/fixtures/{plain,threads,shmem,python}.{smaps,rollup} were
 * captured from live processes (capture.sh); special*.smaps and bad/ are
 * hand-made in the kernel's format (handmade.py). */
#include "fixture.h"

#include "smapwatch/error.h"
#include "smapwatch/smaps.h"

#define KB 1024ull
#define BIT(f) (1u << (f))

/* What a 6.x kernel prints per mapping: all but the rollup-only Pss_*. */
#define PER_MAPPING_FIELDS                                                    \
	(((1u << SW_F_COUNT) - 1) &                                           \
	 ~(BIT(SW_F_PSS_ANON) | BIT(SW_F_PSS_FILE) | BIT(SW_F_PSS_SHMEM)))
/* smaps_rollup: no Size, but the Pss split. */
#define ROLLUP_FIELDS (((1u << SW_F_COUNT) - 1) & ~BIT(SW_F_SIZE))

static const char *const captured[] = {"plain", "threads", "shmem", "python"};
#define NCAPTURED (sizeof(captured) / sizeof(captured[0]))

/* ---- recording what the parser reports --------------------------------- */

#define REC_NAME 512

typedef struct {
	uint64_t start, end, offset, inode;
	uint32_t dev_major, dev_minor;
	char perms[5];
	size_t name_len;
	char name[REC_NAME];    /* the first REC_NAME - 1 bytes, terminated */
	char vmflags[SW_VMFLAGS_MAX];
	sw_counts counts;
} rec_map;

typedef struct {
	rec_map *v;
	size_t n, cap;
	size_t stop_at;         /* return stop_rc on this call (1-based), 0: never */
	int stop_rc;
} rec;

static int record(void *ctx, const sw_mapping *m)
{
	rec *r = ctx;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		assert_non_null(r->v);
	}
	rec_map *x = &r->v[r->n++];
	memset(x, 0, sizeof(*x));
	x->start = m->start;
	x->end = m->end;
	x->offset = m->offset;
	x->inode = m->inode;
	x->dev_major = m->dev_major;
	x->dev_minor = m->dev_minor;
	memcpy(x->perms, m->perms, sizeof(x->perms));
	x->name_len = m->name_len;
	memcpy(x->name, m->name,
	       m->name_len < REC_NAME - 1 ? m->name_len : REC_NAME - 1);
	assert_non_null(m->vmflags);
	assert_true(strlen(m->vmflags) < SW_VMFLAGS_MAX);
	strcpy(x->vmflags, m->vmflags);
	x->counts = m->counts;
	if (r->stop_at && r->n == r->stop_at)
		return r->stop_rc;
	return 0;
}

static void rec_free(rec *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* The outcome of one parse: result, detail and every mapping reported. */
typedef struct {
	long result;
	char detail[160];
	rec maps;
} outcome;

static void outcome_free(outcome *o)
{
	rec_free(&o->maps);
}

static void assert_same_map(const rec_map *a, const rec_map *b, size_t i)
{
	if (a->start != b->start || a->end != b->end || a->offset != b->offset ||
	    a->inode != b->inode || a->dev_major != b->dev_major ||
	    a->dev_minor != b->dev_minor || strcmp(a->perms, b->perms) ||
	    a->name_len != b->name_len || strcmp(a->name, b->name) ||
	    strcmp(a->vmflags, b->vmflags) ||
	    a->counts.present != b->counts.present ||
	    memcmp(a->counts.v, b->counts.v, sizeof(a->counts.v)))
		fail_msg("mapping %zu differs: %s [%s] vs %s [%s]", i, a->name,
			 a->vmflags, b->name, b->vmflags);
}

static void assert_same_outcome(const outcome *a, const outcome *b,
				const char *what)
{
	if (a->result != b->result || strcmp(a->detail, b->detail))
		fail_msg("%s: %ld \"%s\" vs %ld \"%s\"", what, a->result,
			 a->detail, b->result, b->detail);
	if (a->maps.n != b->maps.n)
		fail_msg("%s: %zu mappings vs %zu", what, a->maps.n, b->maps.n);
	for (size_t i = 0; i < a->maps.n; i++)
		assert_same_map(&a->maps.v[i], &b->maps.v[i], i);
}

/* ---- driving the parser ------------------------------------------------ */

static void parse_once(const char *buf, size_t len, outcome *o)
{
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	memset(o, 0, sizeof(*o));
	o->result = sw_smaps_parse(p, buf, len, record, &o->maps);
	snprintf(o->detail, sizeof(o->detail), "%s", sw_smaps_parser_detail(p));
	sw_smaps_parser_free(p);
}

/* Returns the size of the next chunk given the current position. */
typedef size_t (*chunker)(void *ctx, size_t pos, size_t len);

/* Feeds buf in the chunks next() chooses, keeping what feed() did not
 * consume in front of the next chunk as a reader must. Once feed fails,
 * stops and checks that feeding again and finishing repeat the error and
 * report nothing more. */
static void parse_chunked(sw_smaps_parser *p, const char *buf, size_t len,
			  chunker next, void *ctx, outcome *o)
{
	char *acc = malloc(len + 1);
	size_t have = 0, pos = 0;
	assert_non_null(acc);
	memset(o, 0, sizeof(*o));
	sw_smaps_parser_reset(p);
	o->result = 0;
	while (pos < len) {
		size_t n = next(ctx, pos, len);
		if (n > len - pos)
			n = len - pos;
		memcpy(acc + have, buf + pos, n);
		have += n;
		pos += n;
		ssize_t used = sw_smaps_parser_feed(p, acc, have, record, &o->maps);
		if (used < 0) {
			o->result = used;
			break;
		}
		assert_true((size_t)used <= have);
		memmove(acc, acc + used, have - (size_t)used);
		have -= (size_t)used;
	}
	if (o->result == 0)
		o->result = sw_smaps_parser_finish(p, have, record, &o->maps);
	snprintf(o->detail, sizeof(o->detail), "%s", sw_smaps_parser_detail(p));
	if (o->result < 0) {
		size_t n = o->maps.n;
		assert_int_equal(sw_smaps_parser_feed(p, "Rss: 4 kB\n", 10,
						      record, &o->maps),
				 o->result);
		assert_int_equal(sw_smaps_parser_finish(p, 0, record, &o->maps),
				 o->result);
		assert_int_equal(o->maps.n, n);
		assert_string_equal(sw_smaps_parser_detail(p), o->detail);
	}
	free(acc);
}

typedef struct {
	size_t cut;
} split_ctx;

static size_t split_at(void *ctx, size_t pos, size_t len)
{
	size_t cut = ((split_ctx *)ctx)->cut;
	(void)len;
	return pos < cut ? cut - pos : (size_t)-1;
}

typedef struct {
	uint64_t state;
	size_t max;
} rand_ctx;

static size_t random_chunk(void *ctx, size_t pos, size_t len)
{
	rand_ctx *r = ctx;
	(void)pos;
	(void)len;
	return 1 + (size_t)(fx_rand(&r->state) % r->max);
}

/* Every split point gives what one-shot parsing gives. */
static void check_every_boundary(const char *name, const char *buf,
				 size_t len, const outcome *whole)
{
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	for (size_t cut = 0; cut <= len; cut++) {
		split_ctx sc = {cut};
		outcome o;
		char what[128];
		parse_chunked(p, buf, len, split_at, &sc, &o);
		snprintf(what, sizeof(what), "%s split at %zu", name, cut);
		assert_same_outcome(&o, whole, what);
		outcome_free(&o);
	}
	sw_smaps_parser_free(p);
}

/* Random chunk sizes (several seeds and size ranges) and byte by byte. */
static void check_random_chunks(const char *name, const char *buf, size_t len,
				const outcome *whole)
{
	static const size_t maxes[] = {1, 7, 64, 1000, 40000};
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	for (size_t m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++)
		for (uint64_t seed = 1; seed <= (maxes[m] == 1 ? 1u : 12u); seed++) {
			rand_ctx rc = {seed * 0x9e3779b97f4a7c15ull, maxes[m]};
			outcome o;
			char what[128];
			parse_chunked(p, buf, len, random_chunk, &rc, &o);
			snprintf(what, sizeof(what), "%s chunks <= %zu seed %llu",
				 name, maxes[m], (unsigned long long)seed);
			assert_same_outcome(&o, whole, what);
			outcome_free(&o);
		}
	sw_smaps_parser_free(p);
}

/* ---- fields, presence, names ------------------------------------------- */

static void test_every_field_in_bytes(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	outcome o;
	parse_once(buf, len, &o);
	assert_int_equal(o.result, 20);
	assert_int_equal(o.maps.n, 20);
	/* mapping 0 of special.smaps: each field its own value, in kB */
	static const struct {
		sw_field f;
		uint64_t kb;
	} want[] = {
		{SW_F_SIZE, 8}, {SW_F_RSS, 4}, {SW_F_PSS, 3}, {SW_F_PSS_DIRTY, 5},
		{SW_F_SHARED_CLEAN, 6}, {SW_F_SHARED_DIRTY, 7},
		{SW_F_PRIVATE_CLEAN, 8}, {SW_F_PRIVATE_DIRTY, 9},
		{SW_F_REFERENCED, 10}, {SW_F_ANONYMOUS, 11}, {SW_F_KSM, 12},
		{SW_F_LAZYFREE, 13}, {SW_F_ANON_HUGE_PAGES, 14},
		{SW_F_SHMEM_PMD_MAPPED, 15}, {SW_F_FILE_PMD_MAPPED, 16},
		{SW_F_SHARED_HUGETLB, 17}, {SW_F_PRIVATE_HUGETLB, 18},
		{SW_F_SWAP, 19}, {SW_F_SWAP_PSS, 20}, {SW_F_LOCKED, 21},
	};
	const rec_map *m = &o.maps.v[0];
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (m->counts.v[want[i].f] != want[i].kb * KB)
			fail_msg("%s: %llu, want %llu", sw_field_name(want[i].f),
				 (unsigned long long)m->counts.v[want[i].f],
				 (unsigned long long)(want[i].kb * KB));
	}
	for (int f = SW_F_PSS_ANON; f <= SW_F_PSS_SHMEM; f++)
		assert_int_equal(m->counts.v[f], 0);
	assert_int_equal(m->counts.present, PER_MAPPING_FIELDS);
	assert_int_equal(m->start, 0x55d0c0a00000ull);
	assert_int_equal(m->end, 0x55d0c0a02000ull);
	assert_int_equal(m->offset, 0);
	assert_int_equal(m->dev_major, 0xfe);
	assert_int_equal(m->dev_minor, 0x01);
	assert_int_equal(m->inode, 1001);
	assert_string_equal(m->perms, "r--p");
	assert_string_equal(m->name, "/usr/bin/demo");
	assert_int_equal(m->name_len, 13);
	assert_string_equal(m->vmflags, "rd mr mw me");
	/* mapping 1: the offset, and Rss = 4 << 1 */
	assert_int_equal(o.maps.v[1].offset, 0x2000);
	assert_string_equal(o.maps.v[1].perms, "r-xp");
	assert_int_equal(o.maps.v[1].counts.v[SW_F_RSS], 8 * KB);
	assert_int_equal(o.maps.v[1].counts.v[SW_F_PRIVATE_CLEAN], 8 * KB);
	/* the last: 16 hex digits of address, [vsyscall] after no padding */
	m = &o.maps.v[19];
	assert_int_equal(m->start, 0xffffffffff600000ull);
	assert_int_equal(m->end, 0xffffffffff601000ull);
	assert_string_equal(m->perms, "--xp");
	assert_string_equal(m->name, "[vsyscall]");
	assert_string_equal(m->vmflags, "ex");
	assert_int_equal(m->counts.v[SW_F_RSS], (4ull << 19) * KB);
	outcome_free(&o);
	free(buf);
}

static void test_names_kept_exactly(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	outcome o;
	parse_once(buf, len, &o);
	assert_int_equal(o.result, 20);
	static const char *const names[20] = {
		"/usr/bin/demo", "/usr/bin/demo", "[heap]",
		"/usr/lib/x86_64-linux-gnu/libdemo.so.1",
		"/usr/lib/x86_64-linux-gnu/libdemo.so.1",
		"/usr/lib/x86_64-linux-gnu/libdemo.so.1",
		"/usr/lib/x86_64-linux-gnu/libdemo.so.1",
		"[anon:demo \"pool\" | 1]", "[anon_shmem:demo ring]", "",
		"/anon_hugepage (deleted)", "/SYSV00000000 (deleted)",
		"/home/user/my data file.db (deleted)",
		"/tmp/new\\012line.dat", "[stack:1234]", "[vvar]",
		"[vvar_vclock]", "[vdso]", "[stack]", "[vsyscall]",
	};
	for (size_t i = 0; i < 20; i++) {
		assert_string_equal(o.maps.v[i].name, names[i]);
		assert_int_equal(o.maps.v[i].name_len, strlen(names[i]));
	}
	assert_string_equal(o.maps.v[10].vmflags, "rd wr sh mr mw me ms de ht sd");
	assert_int_equal(o.maps.v[10].counts.v[SW_F_SHARED_HUGETLB], 4096 * KB);
	assert_int_equal(o.maps.v[11].dev_minor, 1);
	assert_int_equal(o.maps.v[11].inode, 3);
	assert_int_equal(o.maps.v[10].dev_minor, 0x10);
	outcome_free(&o);
	free(buf);
}

/* Real kernel text: per-mapping smaps lacks the Pss split, smaps_rollup
 * lacks Size; both have everything else. Sums match an independent walk
 * and the awk totals taken at capture time. */
static void test_captured_fields(void **state)
{
	(void)state;
	for (size_t c = 0; c < NCAPTURED; c++) {
		char name[64];
		size_t len, elen;
		snprintf(name, sizeof(name), "%s.smaps", captured[c]);
		char *buf = fx_load(name, &len);
		snprintf(name, sizeof(name), "%s.expect", captured[c]);
		char *expect = fx_load(name, &elen);
		fx_totals t;
		outcome o;
		fx_walk(buf, len, &t);
		parse_once(buf, len, &o);
		assert_int_equal(o.result, t.mappings);
		assert_int_equal(o.result, fx_expect_u64(expect, "mappings"));
		assert_true(o.result > 20);
		uint64_t sum[SW_F_COUNT] = {0};
		for (size_t i = 0; i < o.maps.n; i++) {
			assert_int_equal(o.maps.v[i].counts.present,
					 PER_MAPPING_FIELDS);
			for (int f = 0; f < SW_F_COUNT; f++)
				sum[f] += o.maps.v[i].counts.v[f];
			assert_true(o.maps.v[i].vmflags[0] != '\0');
		}
		for (int f = 0; f < SW_F_COUNT; f++) {
			char key[64];
			snprintf(key, sizeof(key), "kB %s", fx_keys[f]);
			assert_int_equal(sum[f], t.kb[f] * KB);
			if (PER_MAPPING_FIELDS & BIT(f)) {
				assert_int_equal(t.lines[f], t.mappings);
				assert_int_equal(sum[f],
						 fx_expect_u64(expect, key) * KB);
			} else {
				assert_int_equal(t.lines[f], 0);
			}
		}
		assert_true(sum[SW_F_RSS] > 1000 * KB);
		outcome_free(&o);
		free(expect);
		free(buf);
	}
}

static void test_captured_rollup(void **state)
{
	(void)state;
	for (size_t c = 0; c < NCAPTURED; c++) {
		char name[64];
		size_t len;
		snprintf(name, sizeof(name), "%s.rollup", captured[c]);
		char *buf = fx_load(name, &len);
		fx_totals t;
		outcome o;
		fx_walk(buf, len, &t);
		parse_once(buf, len, &o);
		assert_int_equal(o.result, 1);
		const rec_map *m = &o.maps.v[0];
		assert_string_equal(m->name, "[rollup]");
		assert_string_equal(m->perms, "---p");
		assert_string_equal(m->vmflags, "");
		assert_int_equal(m->counts.present, ROLLUP_FIELDS);
		assert_false(m->counts.present & BIT(SW_F_SIZE));
		assert_true(m->counts.present & BIT(SW_F_PSS_ANON));
		for (int f = 0; f < SW_F_COUNT; f++)
			assert_int_equal(m->counts.v[f], t.kb[f] * KB);
		assert_true(m->counts.v[SW_F_PSS_ANON] > 0);
		assert_true(m->counts.v[SW_F_PSS_FILE] > 0);
		outcome_free(&o);
		free(buf);
	}
}

/* ---- incremental feeding ------------------------------------------------ */

static void test_split_every_boundary(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	outcome whole;
	parse_once(buf, len, &whole);
	assert_int_equal(whole.result, 20);
	check_every_boundary("special.smaps", buf, len, &whole);
	outcome_free(&whole);
	free(buf);
}

static void test_random_chunks(void **state)
{
	(void)state;
	static const char *const files[] = {
		"plain.smaps", "threads.smaps", "shmem.smaps", "python.smaps",
		"python.rollup", "special-android.smaps",
		"special-reordered.smaps",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		char *buf = fx_load(files[i], &len);
		outcome whole;
		parse_once(buf, len, &whole);
		assert_true(whole.result > 0);
		check_random_chunks(files[i], buf, len, &whole);
		outcome_free(&whole);
		free(buf);
	}
}

/* ---- accepted variants ------------------------------------------------- */

static char *to_crlf(const char *buf, size_t len, size_t *out_len)
{
	char *out = malloc(2 * len + 1);
	size_t n = 0;
	assert_non_null(out);
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			out[n++] = '\r';
		out[n++] = buf[i];
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

static void test_crlf_same_as_lf(void **state)
{
	(void)state;
	static const char *const files[] = {
		"special.smaps", "python.smaps", "threads.rollup",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len, clen;
		char *buf = fx_load(files[i], &len);
		char *crlf = to_crlf(buf, len, &clen);
		assert_true(clen > len);
		outcome lf, cr;
		parse_once(buf, len, &lf);
		parse_once(crlf, clen, &cr);
		assert_true(lf.result > 0);
		assert_same_outcome(&cr, &lf, files[i]);
		check_random_chunks(files[i], crlf, clen, &lf);
		outcome_free(&lf);
		outcome_free(&cr);
		free(crlf);
		free(buf);
	}
}

static void compare_files(const char *a, const char *b)
{
	size_t la, lb;
	char *x = fx_load(a, &la), *y = fx_load(b, &lb);
	outcome oa, ob;
	assert_true(la != lb || memcmp(x, y, la));
	parse_once(x, la, &oa);
	parse_once(y, lb, &ob);
	assert_true(oa.result > 0);
	assert_same_outcome(&ob, &oa, b);
	outcome_free(&oa);
	outcome_free(&ob);
	free(x);
	free(y);
}

static void test_android_and_pkey_lines_ignored(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special-android.smaps", &len);
	assert_non_null(strstr(buf, "\nName:           demo \"pool\" | 1\n"));
	assert_non_null(strstr(buf, "\nProtectionKey:         0\n"));
	free(buf);
	compare_files("special.smaps", "special-android.smaps");
}

static void test_keys_in_any_order(void **state)
{
	(void)state;
	compare_files("special.smaps", "special-reordered.smaps");
}

/* The captured text with each mapping's lines reversed (VmFlags first). */
static void test_captured_reordered(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("python.smaps", &len);
	char *rev = malloc(len + 1);
	const char *lines[64];
	size_t lens[64], n = 0, out = 0;
	assert_non_null(rev);
	for (size_t pos = 0; pos <= len;) {
		const char *nl = pos < len ? memchr(buf + pos, '\n', len - pos) : NULL;
		int header = pos < len && strchr("0123456789abcdef", buf[pos]);
		if (pos == len || header) { /* flush the mapping's body reversed */
			while (n > 0) {
				n--;
				memcpy(rev + out, lines[n], lens[n]);
				out += lens[n];
			}
			if (pos == len)
				break;
		}
		size_t l = (size_t)(nl - (buf + pos)) + 1;
		if (header) {
			memcpy(rev + out, buf + pos, l);
			out += l;
		} else {
			assert_true(n < 64);
			lines[n] = buf + pos;
			lens[n++] = l;
		}
		pos += l;
	}
	assert_int_equal(out, len);
	assert_memory_not_equal(rev, buf, len);
	fx_totals t;
	fx_walk(buf, len, &t);
	outcome a, b;
	parse_once(buf, len, &a);
	parse_once(rev, len, &b);
	assert_int_equal(a.result, t.mappings);
	assert_same_outcome(&b, &a, "python.smaps reversed");
	outcome_free(&a);
	outcome_free(&b);
	free(rev);
	free(buf);
}

/* Kernels before 3.8 print no VmFlags at all: accepted, vmflags "". */
static void test_no_vmflags_at_all(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	char *out = malloc(len + 1);
	size_t n = 0;
	assert_non_null(out);
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t l = (size_t)(nl - (buf + pos)) + 1;
		if (strncmp(buf + pos, "VmFlags:", 8) != 0) {
			memcpy(out + n, buf + pos, l);
			n += l;
		}
		pos += l;
	}
	outcome a, b;
	parse_once(buf, len, &a);
	parse_once(out, n, &b);
	assert_int_equal(b.result, 20);
	for (size_t i = 0; i < 20; i++) {
		assert_string_equal(b.maps.v[i].vmflags, "");
		strcpy(b.maps.v[i].vmflags, a.maps.v[i].vmflags);
	}
	assert_same_outcome(&b, &a, "without VmFlags");
	outcome_free(&a);
	outcome_free(&b);
	free(out);
	free(buf);
}

static void test_empty_input(void **state)
{
	(void)state;
	outcome o;
	parse_once("", 0, &o);
	assert_int_equal(o.result, 0);
	assert_int_equal(o.maps.n, 0);
	assert_string_equal(o.detail, "");
	outcome_free(&o);
}

/* ---- malformed input ----------------------------------------------------- */

static const struct bad_case {
	const char *file;
	int code;
	const char *detail;
	size_t reported;        /* whole mappings reported before the error */
} bad_cases[] = {
	{"bad/trunc-midline.smaps", -SW_ETRUNC,
	 "line 31: input ends in the middle of a line", 1},
	{"bad/trunc-before-vmflags.smaps", -SW_ETRUNC,
	 "line 51: mapping ends before its VmFlags line", 2},
	{"bad/trunc-mid-vmflags.smaps", -SW_ETRUNC,
	 "line 26: mapping ends before its VmFlags line", 1},
	{"bad/header-no-fields.smaps", -SW_ENOFIELDS,
	 "line 26: mapping has no Rss line", 1},
	{"bad/header-only.smaps", -SW_ENOFIELDS,
	 "line 1: mapping has no Rss line", 0},
	{"bad/digits20.smaps", -SW_ERANGE, "line 30: number over 64 bits", 1},
	{"bad/kb-overflow.smaps", -SW_ERANGE,
	 "line 27: kB value over 64 bits in bytes", 1},
	{"bad/missing-colon.smaps", -SW_ESYNTAX,
	 "line 55: expected ':' after the key", 2},
	{"bad/no-kb.smaps", -SW_ESYNTAX,
	 "line 30: expected \"kB\" after the number", 1},
	{"bad/field-first.smaps", -SW_ESYNTAX,
	 "line 1: field before the first mapping header", 0},
	{"bad/dup-field.smaps", -SW_EDUPFIELD,
	 "line 47: field repeated within a mapping", 1},
	{"bad/bad-header.smaps", -SW_ESYNTAX,
	 "line 51: bad address range or permissions", 2},
	{"bad/junk.smaps", -SW_ESYNTAX,
	 "line 39: line starts with neither an address nor a key", 1},
};

/* Each malformed fixture: its code, a detail naming the line, only the
 * mappings before the error reported, and the same at every split. */
static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *b = &bad_cases[i];
		size_t len;
		char *buf = fx_load(b->file, &len);
		outcome o;
		parse_once(buf, len, &o);
		if (o.result != b->code || strcmp(o.detail, b->detail) ||
		    o.maps.n != b->reported)
			fail_msg("%s: %ld \"%s\" after %zu mappings; want %d \"%s\""
				 " after %zu", b->file, o.result, o.detail,
				 o.maps.n, b->code, b->detail, b->reported);
		for (size_t m = 0; m < o.maps.n; m++)
			assert_int_equal(o.maps.v[m].counts.v[SW_F_RSS],
					 (4ull << m) * KB);
		check_every_boundary(b->file, buf, len, &o);
		outcome_free(&o);
		free(buf);
	}
}

/* A mapping whose name is 1 MiB (generated: no need to commit it). */
static void test_huge_name(void **state)
{
	(void)state;
	char *special = fx_load("special.smaps", NULL);
	const size_t name_len = 1 << 20;
	/* mapping 0 of special.smaps (25 lines), then a header with a huge
	 * name, then mapping 1 of special.smaps */
	const char *m1 = strstr(special, "\n55d0c0a02000-") + 1;
	const char *m2 = strstr(special, "\n55d0c1000000-") + 1;
	size_t l0 = (size_t)(m1 - special), l1 = (size_t)(m2 - m1);
	size_t hl = (size_t)(strchr(m1, '\n') - m1) - strlen("/usr/bin/demo");
	size_t len = l0 + hl + name_len + 1 + (l1 - hl - 14);
	char *buf = malloc(len);
	assert_non_null(buf);
	memcpy(buf, special, l0);
	memcpy(buf + l0, m1, hl);
	memset(buf + l0 + hl, 'x', name_len);
	buf[l0 + hl] = '/';
	buf[l0 + hl + name_len] = '\n';
	memcpy(buf + l0 + hl + name_len + 1, m1 + hl + 14, l1 - hl - 14);

	outcome o;
	parse_once(buf, len, &o);
	assert_int_equal(o.result, -SW_ETOOLONG);
	assert_string_equal(o.detail, "line 26: line longer than 32 KiB");
	assert_int_equal(o.maps.n, 0);
	outcome_free(&o);

	/* read in 64 KiB chunks as a reader would: the line never completes */
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	rand_ctx rc = {42, 65536};
	parse_chunked(p, buf, len, random_chunk, &rc, &o);
	assert_int_equal(o.result, -SW_ETOOLONG);
	assert_string_equal(o.detail, "line 26: line longer than 32 KiB");
	assert_int_equal(o.maps.n, 0);
	outcome_free(&o);
	sw_smaps_parser_free(p);
	free(buf);
	free(special);
}

/* The longest header accepted is SW_LINE_MAX - 1 bytes (without "\n"). */
static void test_line_max_boundary(void **state)
{
	(void)state;
	static const char head[] = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ";
	static const char body[] = "Rss:                   4 kB\nVmFlags: rd \n";
	for (size_t line = SW_LINE_MAX - 2; line <= SW_LINE_MAX + 1; line++) {
		size_t hl = sizeof(head) - 1, bl = sizeof(body) - 1;
		size_t len = line + 1 + bl;
		char *buf = malloc(len);
		assert_non_null(buf);
		memcpy(buf, head, hl);
		buf[hl] = '/';
		memset(buf + hl + 1, 'n', line - hl - 1);
		buf[line] = '\n';
		memcpy(buf + line + 1, body, bl);
		outcome o;
		parse_once(buf, len, &o);
		if (line < SW_LINE_MAX) {
			assert_int_equal(o.result, 1);
			assert_int_equal(o.maps.v[0].name_len, line - hl);
			assert_int_equal(o.maps.v[0].counts.v[SW_F_RSS], 4 * KB);
		} else {
			assert_int_equal(o.result, -SW_ETOOLONG);
			assert_int_equal(o.maps.n, 0);
		}
		outcome_free(&o);
		free(buf);
	}
}

static long parse_value(const char *value, uint64_t *rss)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf),
			 "00400000-00401000 r--p 00000000 00:00 0 \n"
			 "Rss:   %s kB\n", value);
	outcome o;
	parse_once(buf, (size_t)n, &o);
	if (o.result == 1)
		*rss = o.maps.v[0].counts.v[SW_F_RSS];
	outcome_free(&o);
	return o.result;
}

/* Digits beyond 64 bits and kB values beyond 64 bits once * 1024. */
static void test_number_limits(void **state)
{
	(void)state;
	uint64_t rss = 0;
	assert_int_equal(parse_value("18014398509481983", &rss), 1);
	assert_int_equal(rss, 18014398509481983ull * 1024);
	assert_int_equal(rss, UINT64_MAX - 1023);
	assert_int_equal(parse_value("18014398509481984", &rss), -SW_ERANGE);
	assert_int_equal(parse_value("18446744073709551615", &rss), -SW_ERANGE);
	assert_int_equal(parse_value("18446744073709551616", &rss), -SW_ERANGE);
	assert_int_equal(parse_value("000000000000000000000000000012", &rss), 1);
	assert_int_equal(rss, 12 * KB);
	assert_int_equal(parse_value("0", &rss), 1);
	assert_int_equal(rss, 0);
	assert_int_equal(parse_value("-4", &rss), -SW_ESYNTAX);
	assert_int_equal(parse_value("4x", &rss), -SW_ESYNTAX);
	assert_int_equal(parse_value("4 kB trailing", &rss), -SW_ESYNTAX);
}

/* Headers the kernel cannot print. */
static void test_bad_headers(void **state)
{
	(void)state;
	static const struct {
		const char *header, *detail;
	} cases[] = {
		{"7f0000001000-7f0000000000 rw-p 00000000 00:00 0 ",
		 "line 1: bad mapping header"},               /* start > end */
		{"7f0000000000-7f0000001000 rw-p 00000000 00:00 12a ",
		 "line 1: bad mapping header"},
		{"7f0000000000-7f0000001000 rw-p 00000000 0000 0 ",
		 "line 1: bad mapping header"},
		{"7f0000000000-7f0000001000 rw-p 00000000 100000000:00 0 ",
		 "line 1: bad mapping header"},               /* major > 32 bits */
		{"7f0000000000-7f0000001000 rw-p  00000000 00:00 0 ",
		 "line 1: bad mapping header"},
		{"7f0000000000-7f0000001000 rw-p 00000000 00:00",
		 "line 1: bad mapping header"},
		{"7f0000000000-7f0000001000 rw- 00000000 00:00 0 ",
		 "line 1: bad address range or permissions"},
		{"7f0000000000 7f0000001000 rw-p 00000000 00:00 0 ",
		 "line 1: bad address range or permissions"},
		{"10000000000000000-10000000000000001 rw-p 00000000 00:00 0 ",
		 "line 1: bad address range or permissions"}, /* 17 digits */
		{"7f0000000000-7f0000001000\trw-p 00000000 00:00 0 ",
		 "line 1: bad address range or permissions"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[256];
		int n = snprintf(buf, sizeof(buf), "%s\nRss: 4 kB\n", cases[i].header);
		outcome o;
		parse_once(buf, (size_t)n, &o);
		if (o.result != -SW_ESYNTAX || strcmp(o.detail, cases[i].detail))
			fail_msg("\"%s\": %ld \"%s\"", cases[i].header, o.result,
				 o.detail);
		assert_int_equal(o.maps.n, 0);
		outcome_free(&o);
	}
	/* the widest legal header: 16-digit addresses, 32-bit dev numbers,
	 * a 20-digit inode */
	const char *wide = "fffffffffffff000-ffffffffffffffff r--s ffffffffffffffff "
			   "ffffffff:ffffffff 18446744073709551615 /x\n"
			   "Rss: 4 kB\n";
	outcome o;
	parse_once(wide, strlen(wide), &o);
	assert_int_equal(o.result, 1);
	assert_int_equal(o.maps.v[0].end, UINT64_MAX);
	assert_int_equal(o.maps.v[0].offset, UINT64_MAX);
	assert_int_equal(o.maps.v[0].dev_major, UINT32_MAX);
	assert_int_equal(o.maps.v[0].dev_minor, UINT32_MAX);
	assert_int_equal(o.maps.v[0].inode, UINT64_MAX);
	assert_string_equal(o.maps.v[0].name, "/x");
	outcome_free(&o);
}

/* A VmFlags line longer than the room for it is cut, not an error. */
static void test_long_vmflags(void **state)
{
	(void)state;
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "00400000-00401000 r--p 00000000 00:00 0 \n"
			 "Rss:   4 kB\nVmFlags:");
	for (int i = 0; i < 100; i++)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " f%d", i % 10);
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, " \nSwap:  8 kB\n");
	outcome o;
	parse_once(buf, (size_t)n, &o);
	assert_int_equal(o.result, 1);
	assert_int_equal(strlen(o.maps.v[0].vmflags), SW_VMFLAGS_MAX - 1);
	assert_memory_equal(o.maps.v[0].vmflags, "f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 f0", 32);
	assert_int_equal(o.maps.v[0].counts.v[SW_F_SWAP], 8 * KB);
	outcome_free(&o);
}

/* ---- the callback's say ------------------------------------------------- */

static void test_callback_stops_parse(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	static const int codes[] = {-ECANCELED, -SW_ELIMIT, 1, 7};
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		for (size_t at = 1; at <= 20; at += 19) {
			sw_smaps_parser *p = sw_smaps_parser_new();
			rec r = {.stop_at = at, .stop_rc = codes[i]};
			assert_non_null(p);
			long res = sw_smaps_parse(p, buf, len, record, &r);
			/* stopped: nothing reported after, a negative result */
			assert_int_equal(r.n, at);
			assert_int_equal(res, codes[i] < 0 ? codes[i] : -codes[i]);
			assert_int_equal(sw_smaps_parser_feed(p, buf, len, record, &r),
					 res);
			assert_int_equal(r.n, at);
			sw_smaps_parser_free(p);
			rec_free(&r);
		}
	free(buf);
}

static void test_reset_after_error(void **state)
{
	(void)state;
	size_t blen, glen;
	char *bad = fx_load("bad/dup-field.smaps", &blen);
	char *good = fx_load("special.smaps", &glen);
	sw_smaps_parser *p = sw_smaps_parser_new();
	rec r = {0};
	assert_non_null(p);
	assert_int_equal(sw_smaps_parse(p, bad, blen, record, &r), -SW_EDUPFIELD);
	assert_string_not_equal(sw_smaps_parser_detail(p), "");
	sw_smaps_parser_reset(p);
	assert_string_equal(sw_smaps_parser_detail(p), "");
	rec_free(&r);
	assert_int_equal(sw_smaps_parse(p, good, glen, record, &r), 20);
	assert_int_equal(r.n, 20);
	/* and the count starts again from zero after a good parse too */
	sw_smaps_parser_reset(p);
	assert_int_equal(sw_smaps_parse(p, good, glen, NULL, NULL), 20);
	sw_smaps_parser_free(p);
	rec_free(&r);
	free(bad);
	free(good);
}

/* ---- names and messages -------------------------------------------------- */

static void test_field_names(void **state)
{
	(void)state;
	for (int f = 0; f < SW_F_COUNT; f++) {
		assert_string_equal(sw_field_name((sw_field)f), fx_keys[f]);
		assert_int_equal(sw_field_lookup(fx_keys[f],
						 (unsigned)strlen(fx_keys[f])), f);
	}
	assert_null(sw_field_name(SW_F_COUNT));
	assert_int_equal(sw_field_lookup("KernelPageSize", 14), -1);
	assert_int_equal(sw_field_lookup("THPeligible", 11), -1);
	assert_int_equal(sw_field_lookup("rss", 3), -1);
	assert_int_equal(sw_field_lookup("Rss", 2), -1);
	assert_int_equal(sw_field_lookup("Private_Hugetlbx", 16), -1);
	assert_int_equal(sw_field_lookup("", 0), -1);
}

static void test_error_strings(void **state)
{
	(void)state;
	for (int c = SW_ETRUNC; c < SW_EMAX; c++) {
		const char *s = sw_strerror(-c);
		assert_non_null(s);
		assert_true(strlen(s) > 5);
		assert_string_equal(sw_strerror(c), s);
		for (int d = SW_ETRUNC; d < c; d++)
			assert_string_not_equal(sw_strerror(-d), s);
	}
	assert_string_equal(sw_strerror(-SW_ETRUNC),
			    "truncated smaps (ends mid-line or mid-mapping)");
	assert_string_equal(sw_strerror(-ENOENT), strerror(ENOENT));
	assert_string_equal(sw_strerror(0), "success");
	assert_true(sw_error_is_gone(-ENOENT));
	assert_true(sw_error_is_gone(-ESRCH));
	assert_true(sw_error_is_gone(-SW_ENOMM));
	assert_true(sw_error_is_gone(-SW_ECHANGED));
	assert_false(sw_error_is_gone(-EACCES));
	assert_false(sw_error_is_gone(-SW_ESYNTAX));
	assert_false(sw_error_is_gone(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_in_bytes),
		cmocka_unit_test(test_names_kept_exactly),
		cmocka_unit_test(test_captured_fields),
		cmocka_unit_test(test_captured_rollup),
		cmocka_unit_test(test_split_every_boundary),
		cmocka_unit_test(test_random_chunks),
		cmocka_unit_test(test_crlf_same_as_lf),
		cmocka_unit_test(test_android_and_pkey_lines_ignored),
		cmocka_unit_test(test_keys_in_any_order),
		cmocka_unit_test(test_captured_reordered),
		cmocka_unit_test(test_no_vmflags_at_all),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_huge_name),
		cmocka_unit_test(test_line_max_boundary),
		cmocka_unit_test(test_number_limits),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_long_vmflags),
		cmocka_unit_test(test_callback_stops_parse),
		cmocka_unit_test(test_reset_after_error),
		cmocka_unit_test(test_field_names),
		cmocka_unit_test(test_error_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
