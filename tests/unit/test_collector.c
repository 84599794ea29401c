/* test_collector.c - parse + classify + sum, over the captured and the
 * hand-made fixtures, from a buffer and from a proc tree. The expected
 * figures come from an independent line walk (fx_walk) and from the awk
 * totals taken at capture time (NAME.expect), never from the parser. */
#include "fixture.h"

#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"

#define KB 1024ull
#define BIT(f) (1u << (f))
#define PER_MAPPING_FIELDS                                                    \
	(((1u << SW_F_COUNT) - 1) &                                           \
	 ~(BIT(SW_F_PSS_ANON) | BIT(SW_F_PSS_FILE) | BIT(SW_F_PSS_SHMEM)))

static const char *const captured[] = {"plain", "threads", "shmem", "python"};
#define NCAPTURED (sizeof(captured) / sizeof(captured[0]))

/* A captured fixture and what capture.sh recorded about its process. */
typedef struct {
	char *smaps, *expect;
	size_t len;
	char exe_path[256];
	sw_exe_id exe;
} capture;

static void capture_load(capture *c, const char *name)
{
	char file[64], dev[32];
	unsigned maj, min;
	snprintf(file, sizeof(file), "%s.smaps", name);
	c->smaps = fx_load(file, &c->len);
	snprintf(file, sizeof(file), "%s.expect", name);
	c->expect = fx_load(file, NULL);
	assert_non_null(fx_expect_str(c->expect, "exe", c->exe_path,
				      sizeof(c->exe_path)));
	assert_non_null(fx_expect_str(c->expect, "exe_dev", dev, sizeof(dev)));
	assert_int_equal(sscanf(dev, "%u:%u", &maj, &min), 2);
	c->exe.path = c->exe_path;
	c->exe.path_len = strlen(c->exe_path);
	c->exe.inode = fx_expect_u64(c->expect, "exe_ino");
	c->exe.dev_major = maj;
	c->exe.dev_minor = min;
}

static void capture_free(capture *c)
{
	free(c->smaps);
	free(c->expect);
}

static uint64_t kb(const capture *c, const char *key)
{
	return fx_expect_u64(c->expect, key) * KB;
}

static sw_collector *collector(size_t max_names)
{
	sw_collector_opts o = {.max_names = max_names};
	sw_collector *c = sw_collector_new(&o);
	assert_non_null(c);
	return c;
}

/* cat[] sums to total, field by field, presence and vmas included. */
static void assert_categories_sum(const sw_memsum *m)
{
	uint32_t present = 0, vmas = 0;
	for (int f = 0; f < SW_F_COUNT; f++) {
		uint64_t sum = 0;
		for (int c = 0; c < SW_CAT_COUNT; c++)
			sum += m->cat[c].v[f];
		if (sum != m->total.v[f])
			fail_msg("%s: categories %llu, total %llu",
				 fx_keys[f], (unsigned long long)sum,
				 (unsigned long long)m->total.v[f]);
	}
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		present |= m->cat[c].present;
		vmas += m->vmas[c];
		if (m->vmas[c] == 0)
			assert_int_equal(m->cat[c].present, 0);
		else
			assert_int_equal(m->cat[c].present, m->total.present);
	}
	assert_int_equal(present, m->total.present);
	assert_int_equal(vmas, m->total_vmas);
}

static void assert_memsum_equal(const sw_memsum *a, const sw_memsum *b)
{
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		assert_memory_equal(a->cat[c].v, b->cat[c].v, sizeof(a->cat[c].v));
		assert_int_equal(a->cat[c].present, b->cat[c].present);
		assert_int_equal(a->vmas[c], b->vmas[c]);
	}
	assert_memory_equal(a->total.v, b->total.v, sizeof(a->total.v));
	assert_int_equal(a->total.present, b->total.present);
	assert_int_equal(a->total_vmas, b->total_vmas);
	assert_int_equal(a->lib_dup_loads, b->lib_dup_loads);
}

/* ---- over the captured processes --------------------------------------- */

static void test_captured_totals(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	for (size_t i = 0; i < NCAPTURED; i++) {
		capture c;
		fx_totals t;
		sw_memsum m;
		capture_load(&c, captured[i]);
		fx_walk(c.smaps, c.len, &t);
		assert_int_equal(sw_collect_buffer(col, c.smaps, c.len, &c.exe,
						   &m, NULL, NULL), 0);
		assert_categories_sum(&m);
		assert_int_equal(m.total_vmas, t.mappings);
		assert_int_equal(m.total_vmas, fx_expect_u64(c.expect, "mappings"));
		assert_int_equal(m.total.present, PER_MAPPING_FIELDS);
		for (int f = 0; f < SW_F_COUNT; f++) {
			char key[64];
			assert_int_equal(m.total.v[f], t.kb[f] * KB);
			snprintf(key, sizeof(key), "kB %s", fx_keys[f]);
			if (PER_MAPPING_FIELDS & BIT(f))
				assert_int_equal(m.total.v[f], kb(&c, key));
		}
		assert_true(m.total.v[SW_F_RSS] > 1000 * KB);
		assert_int_equal(m.lib_dup_loads, 0);
		capture_free(&c);
	}
	sw_collector_free(col);
}

/* Each category against what awk found by name at capture time. */
static void test_captured_categories(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	for (size_t i = 0; i < NCAPTURED; i++) {
		capture c;
		sw_memsum m;
		capture_load(&c, captured[i]);
		assert_int_equal(sw_collect_buffer(col, c.smaps, c.len, &c.exe,
						   &m, NULL, NULL), 0);
		const sw_counts *cat = m.cat;
		assert_int_equal(cat[SW_CAT_BINARY].v[SW_F_RSS], kb(&c, "exe_rss_kB"));
		assert_int_equal(m.vmas[SW_CAT_BINARY], fx_expect_u64(c.expect, "exe_vmas"));
		assert_int_equal(m.vmas[SW_CAT_BINARY], 5);
		assert_int_equal(cat[SW_CAT_HEAP].v[SW_F_RSS], kb(&c, "heap_rss_kB"));
		assert_int_equal(m.vmas[SW_CAT_HEAP], 1);
		assert_int_equal(cat[SW_CAT_STACK].v[SW_F_RSS], kb(&c, "stack_rss_kB"));
		assert_int_equal(m.vmas[SW_CAT_STACK], 1);
		assert_int_equal(m.vmas[SW_CAT_KERNEL], fx_expect_u64(c.expect, "kernel_vmas"));
		assert_int_equal(cat[SW_CAT_ANON].v[SW_F_RSS],
				 kb(&c, "unnamed_private_rss_kB"));
		assert_int_equal(m.vmas[SW_CAT_ANON],
				 fx_expect_u64(c.expect, "unnamed_private_vmas"));
		assert_int_equal(m.vmas[SW_CAT_SHMEM],
				 fx_expect_u64(c.expect, "shm_named_vmas") +
					 fx_expect_u64(c.expect, "unnamed_shared_vmas"));
		assert_int_equal(m.vmas[SW_CAT_LIBS], fx_expect_u64(c.expect, "so_vmas"));
		/* the libraries' sub-totals add up to the libs category */
		const sw_subtotals *libs = sw_collector_libs(col);
		uint64_t rss = 0;
		uint32_t vmas = 0;
		for (size_t l = 0; l < sw_subtotals_count(libs); l++) {
			const sw_subtotal *e = sw_subtotals_get(libs, l);
			rss += e->counts.v[SW_F_RSS];
			vmas += e->vmas;
			assert_int_not_equal(e->name[0], '(');
		}
		assert_int_equal(rss, cat[SW_CAT_LIBS].v[SW_F_RSS]);
		assert_int_equal(vmas, m.vmas[SW_CAT_LIBS]);
		assert_int_equal(sw_subtotals_count(sw_collector_named(col)), 0);
		capture_free(&c);
	}
	sw_collector_free(col);
}

/* The threads workload: 4 threads, each a stack and an arena, all
 * unnamed private memory; the shmem workload: four shared regions. */
static void test_captured_workload_specifics(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	capture t, s;
	sw_memsum mt, ms;
	capture_load(&t, "threads");
	capture_load(&s, "shmem");
	assert_int_equal(sw_collect_buffer(col, t.smaps, t.len, &t.exe, &mt,
					   NULL, NULL), 0);
	/* per thread: guard + stack, arena + its reserve */
	assert_true(mt.vmas[SW_CAT_ANON] >= 4 * 4);
	assert_true(mt.cat[SW_CAT_ANON].v[SW_F_RSS] >= 4 * 64 * KB);
	assert_true(mt.cat[SW_CAT_ANON].v[SW_F_SIZE] >= 4 * 8 * 1024 * KB);
	assert_int_equal(mt.vmas[SW_CAT_SHMEM], 0);
	assert_int_equal(sw_collect_buffer(col, s.smaps, s.len, &s.exe, &ms,
					   NULL, NULL), 0);
	assert_int_equal(ms.vmas[SW_CAT_SHMEM], 4);
	/* memfd 64 + /dev/shm 32 + shared anon 64 + SysV 64 kB touched */
	assert_int_equal(ms.cat[SW_CAT_SHMEM].v[SW_F_RSS], 224 * KB);
	assert_int_equal(ms.cat[SW_CAT_SHMEM].v[SW_F_SIZE], 4 * 64 * KB);
	capture_free(&t);
	capture_free(&s);
	sw_collector_free(col);
}

/* ---- the hand-made fixture: exact figures ------------------------------ */

/* Mapping k of special.smaps has Rss 4 << k kB; which mappings each
 * category must hold, as bit masks over k. */
static const uint32_t special_masks[SW_CAT_COUNT] = {
	[SW_CAT_BINARY] = 1u << 0 | 1u << 1,
	[SW_CAT_HEAP] = 1u << 2,
	[SW_CAT_LIBS] = 1u << 3 | 1u << 4 | 1u << 5 | 1u << 6,
	[SW_CAT_ANON] = 1u << 7 | 1u << 9,
	[SW_CAT_SHMEM] = 1u << 8 | 1u << 10 | 1u << 11,
	[SW_CAT_FILES] = 1u << 12 | 1u << 13,
	[SW_CAT_STACK] = 1u << 14 | 1u << 18,
	[SW_CAT_KERNEL] = 1u << 15 | 1u << 16 | 1u << 17 | 1u << 19,
};

typedef struct {
	unsigned n;
	uint64_t rss[SW_CAT_COUNT];
	unsigned vmas[SW_CAT_COUNT];
	int out_of_order;
} each_ctx;

static void each(void *ctx, const sw_mapping *m, sw_category c)
{
	each_ctx *e = ctx;
	if (m->counts.v[SW_F_RSS] != (4ull << e->n) * KB)
		e->out_of_order = 1;
	e->n++;
	e->rss[c] += m->counts.v[SW_F_RSS];
	e->vmas[c]++;
}

static void test_special_exact(void **state)
{
	(void)state;
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	sw_exe_id exe = {.path = "/usr/bin/demo", .path_len = 13};
	sw_collector *col = collector(0);
	sw_memsum m;
	each_ctx e = {0};
	assert_int_equal(sw_collect_buffer(col, buf, len, &exe, &m, each, &e), 0);
	assert_int_equal(e.n, 20);
	assert_false(e.out_of_order);
	assert_categories_sum(&m);
	uint32_t all = 0;
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		uint64_t want = 0;
		unsigned n = 0;
		assert_int_equal(all & special_masks[c], 0);
		all |= special_masks[c];
		for (int k = 0; k < 20; k++)
			if (special_masks[c] & (1u << k)) {
				want += (4ull << k) * KB;
				n++;
			}
		if (m.cat[c].v[SW_F_RSS] != want)
			fail_msg("%s: Rss %llu kB, want %llu kB",
				 sw_category_name((sw_category)c),
				 (unsigned long long)(m.cat[c].v[SW_F_RSS] / KB),
				 (unsigned long long)(want / KB));
		assert_int_equal(m.vmas[c], n);
		assert_int_equal(e.rss[c], want);
		assert_int_equal(e.vmas[c], n);
	}
	assert_int_equal(all, (1u << 20) - 1);
	assert_int_equal(m.total.v[SW_F_RSS], 4ull * ((1u << 20) - 1) * KB);
	/* mapping 0's odd fields land in the binary category */
	assert_int_equal(m.cat[SW_CAT_BINARY].v[SW_F_LOCKED], 21 * KB);
	assert_int_equal(m.total.v[SW_F_LOCKED], 21 * KB);
	assert_int_equal(m.cat[SW_CAT_SHMEM].v[SW_F_SHARED_HUGETLB], 4096 * KB);

	/* libdemo.so.1 is mapped from two load bases */
	assert_int_equal(m.lib_dup_loads, 1);
	const sw_subtotals *libs = sw_collector_libs(col);
	assert_int_equal(sw_subtotals_count(libs), 1);
	const sw_subtotal *l = sw_subtotals_get(libs, 0);
	assert_string_equal(l->name, "/usr/lib/x86_64-linux-gnu/libdemo.so.1");
	assert_int_equal(l->vmas, 4);
	assert_int_equal(l->dup_loads, 1);
	assert_int_equal(l->counts.v[SW_F_RSS], (32 + 64 + 128 + 256) * KB);
	/* the one [anon:NAME] region, by its NAME */
	const sw_subtotals *named = sw_collector_named(col);
	assert_int_equal(sw_subtotals_count(named), 1);
	assert_string_equal(sw_subtotals_get(named, 0)->name, "demo \"pool\" | 1");
	assert_int_equal(sw_subtotals_get(named, 0)->counts.v[SW_F_RSS],
			 (4ull << 7) * KB);
	free(buf);
	sw_collector_free(col);
}

/* Fragmentation: anonymous regions per category, and what they reserve
 * without using (Size - Rss - Swap). */
static void test_small_regions(void **state)
{
	(void)state;
	static const char text[] =
		"7f0000000000-7f0000001000 rw-p 00000000 00:00 0\n"
		"Size:                  4 kB\nRss:                   4 kB\n"
		"7f0000002000-7f00000ff000 rw-p 00000000 00:00 0\n"
		"Size:               1012 kB\nRss:                   8 kB\n"
		"7f0000100000-7f0000200000 rw-p 00000000 00:00 0\n"
		"Size:               1024 kB\nRss:                   4 kB\n"
		"Swap:                100 kB\n"
		"55d000000000-55d000001000 rw-p 00000000 00:00 0   [heap]\n"
		"Size:                  4 kB\nRss:                   4 kB\n";
	sw_collector *col = sw_collector_new(NULL);
	sw_memsum m;
	assert_int_equal(sw_collect_buffer(col, text, sizeof(text) - 1, NULL, &m,
					   NULL, NULL), 0);
	assert_int_equal(m.vmas[SW_CAT_ANON], 3);
	assert_int_equal(m.vmas[SW_CAT_HEAP], 1);
	assert_int_equal(m.vmas[SW_CAT_LIBS], 0);
	assert_int_equal(sw_reserved(&m.cat[SW_CAT_ANON]), (2040 - 16 - 100) << 10);
	assert_int_equal(sw_reserved(&m.cat[SW_CAT_HEAP]), 0);
	sw_collector_free(col);
}

/* Anonymous regions all sit at offset 0: three regions under one name are
 * three regions, not a library loaded three times. */
static void test_named_regions_are_not_loads(void **state)
{
	(void)state;
	static const char text[] =
		"7f0000000000-7f0000001000 rw-p 00000000 00:00 0   [anon:pool]\n"
		"Rss:                   4 kB\n"
		"7f0000002000-7f0000004000 rw-p 00000000 00:00 0   [anon:pool]\n"
		"Rss:                   8 kB\n"
		"7f0000005000-7f0000006000 rw-p 00000000 00:00 0   [anon:pool]\n"
		"Rss:                   4 kB\n";
	sw_collector *col = sw_collector_new(NULL);
	sw_memsum m;
	assert_int_equal(sw_collect_buffer(col, text, sizeof(text) - 1, NULL, &m,
					   NULL, NULL), 0);
	const sw_subtotal *pool = sw_subtotals_get(sw_collector_named(col), 0);
	assert_string_equal(pool->name, "pool");
	assert_int_equal(pool->vmas, 3);
	assert_int_equal(pool->counts.v[SW_F_RSS], 16 * KB);
	assert_int_equal(pool->dup_loads, 0);
	assert_int_equal(m.lib_dup_loads, 0);
	sw_collector_free(col);
}

/* CRLF text gives the same figures as LF. */
static void test_crlf_same_figures(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	for (size_t i = 0; i < NCAPTURED; i++) {
		capture c;
		sw_memsum lf, cr;
		capture_load(&c, captured[i]);
		char *crlf = malloc(2 * c.len);
		size_t n = 0;
		assert_non_null(crlf);
		for (size_t j = 0; j < c.len; j++) {
			if (c.smaps[j] == '\n')
				crlf[n++] = '\r';
			crlf[n++] = c.smaps[j];
		}
		assert_int_equal(sw_collect_buffer(col, c.smaps, c.len, &c.exe,
						   &lf, NULL, NULL), 0);
		assert_int_equal(sw_collect_buffer(col, crlf, n, &c.exe, &cr,
						   NULL, NULL), 0);
		assert_memsum_equal(&cr, &lf);
		free(crlf);
		capture_free(&c);
	}
	sw_collector_free(col);
}

/* ---- failures ------------------------------------------------------------ */

static void test_error_leaves_out_untouched(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		int code;
		const char *detail;
	} bad[] = {
		{"bad/trunc-midline.smaps", -SW_ETRUNC,
		 "line 31: input ends in the middle of a line"},
		{"bad/trunc-before-vmflags.smaps", -SW_ETRUNC,
		 "line 51: mapping ends before its VmFlags line"},
		{"bad/header-no-fields.smaps", -SW_ENOFIELDS,
		 "line 26: mapping has no Rss line"},
		{"bad/kb-overflow.smaps", -SW_ERANGE,
		 "line 27: kB value over 64 bits in bytes"},
		{"bad/dup-field.smaps", -SW_EDUPFIELD,
		 "line 47: field repeated within a mapping"},
		{"bad/junk.smaps", -SW_ESYNTAX,
		 "line 39: line starts with neither an address nor a key"},
	};
	sw_collector *col = collector(0);
	sw_memsum out, saved;
	capture c;
	capture_load(&c, "plain");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len;
		char *buf = fx_load(bad[i].file, &len);
		memset(&out, 0x5a, sizeof(out));
		memcpy(&saved, &out, sizeof(out));
		int r = sw_collect_buffer(col, buf, len, NULL, &out, NULL, NULL);
		if (r != bad[i].code)
			fail_msg("%s: %d, want %d", bad[i].file, r, bad[i].code);
		assert_memory_equal(&out, &saved, sizeof(out));
		assert_string_equal(sw_collector_detail(col), bad[i].detail);
		/* the collector works again at once, and reports no error */
		assert_int_equal(sw_collect_buffer(col, c.smaps, c.len, &c.exe,
						   &out, NULL, NULL), 0);
		assert_int_equal(out.total_vmas, fx_expect_u64(c.expect, "mappings"));
		assert_string_equal(sw_collector_detail(col), "");
		free(buf);
	}
	/* no mapping at all: a zombie or a kernel thread */
	memset(&out, 0x5a, sizeof(out));
	memcpy(&saved, &out, sizeof(out));
	assert_int_equal(sw_collect_buffer(col, "", 0, NULL, &out, NULL, NULL),
			 -SW_ENOMM);
	assert_memory_equal(&out, &saved, sizeof(out));
	capture_free(&c);
	sw_collector_free(col);
}

/* One collector for many processes: nothing of one leaks into the next. */
static void test_reuse_between_processes(void **state)
{
	(void)state;
	sw_collector *shared = collector(0);
	capture py, special;
	size_t slen;
	sw_memsum a, b;
	capture_load(&py, "python");
	special.smaps = fx_load("special.smaps", &slen);
	assert_int_equal(sw_collect_buffer(shared, special.smaps, slen, NULL, &a,
					   NULL, NULL), 0);
	assert_int_equal(sw_collect_buffer(shared, py.smaps, py.len, &py.exe,
					   &a, NULL, NULL), 0);
	sw_collector *fresh = collector(0);
	assert_int_equal(sw_collect_buffer(fresh, py.smaps, py.len, &py.exe,
					   &b, NULL, NULL), 0);
	assert_memsum_equal(&a, &b);
	assert_int_equal(a.lib_dup_loads, 0);
	const sw_subtotals *la = sw_collector_libs(shared),
			   *lb = sw_collector_libs(fresh);
	assert_int_equal(sw_subtotals_count(la), sw_subtotals_count(lb));
	assert_true(sw_subtotals_count(la) > 10);
	for (size_t i = 0; i < sw_subtotals_count(la); i++) {
		const sw_subtotal *x = sw_subtotals_get(la, i),
				  *y = sw_subtotals_get(lb, i);
		assert_string_equal(x->name, y->name);
		assert_int_equal(x->vmas, y->vmas);
		assert_memory_equal(x->counts.v, y->counts.v, sizeof(x->counts.v));
		assert_null(strstr(x->name, "libdemo"));
	}
	assert_int_equal(sw_subtotals_count(sw_collector_named(shared)), 0);
	sw_collector_free(shared);
	sw_collector_free(fresh);
	free(special.smaps);
	capture_free(&py);
}

/* A small bound: the libraries beyond it fold into "(other)", the figures
 * still add up, and folding is not taken for duplicate loads. */
static void test_bounded_libs(void **state)
{
	(void)state;
	sw_collector *col = collector(3);
	capture py;
	sw_memsum m;
	capture_load(&py, "python");
	assert_int_equal(sw_collect_buffer(col, py.smaps, py.len, &py.exe, &m,
					   NULL, NULL), 0);
	const sw_subtotals *libs = sw_collector_libs(col);
	assert_int_equal(sw_subtotals_count(libs), 4);
	const sw_subtotal *other = sw_subtotals_get(libs, 3);
	assert_string_equal(other->name, SW_SUBTOTAL_OTHER);
	uint64_t rss = 0;
	for (size_t i = 0; i < 4; i++)
		rss += sw_subtotals_get(libs, i)->counts.v[SW_F_RSS];
	assert_int_equal(rss, m.cat[SW_CAT_LIBS].v[SW_F_RSS]);
	assert_int_equal(other->vmas + sw_subtotals_get(libs, 0)->vmas +
				 sw_subtotals_get(libs, 1)->vmas +
				 sw_subtotals_get(libs, 2)->vmas,
			 m.vmas[SW_CAT_LIBS]);
	assert_int_equal(other->dup_loads, 0);
	assert_int_equal(m.lib_dup_loads, 0);
	capture_free(&py);
	sw_collector_free(col);
}

/* ---- from a proc tree ------------------------------------------------- */

/* fx_root/PID/{smaps,stat,exe} from a capture, stat's state set to `st`. */
static uint64_t make_proc(const capture *c, const char *name, int pid,
			  const char *smaps, size_t len, char st)
{
	char dir[32], file[64], *stat;
	size_t slen;
	snprintf(file, sizeof(file), "%s.stat", name);
	stat = fx_load(file, &slen);
	char *close = strrchr(stat, ')');
	close[2] = st;
	snprintf(dir, sizeof(dir), "%d", pid);
	fx_mkdirs(fx_root, dir);
	snprintf(file, sizeof(file), "%d/smaps", pid);
	fx_write(fx_root, file, smaps, len);
	snprintf(file, sizeof(file), "%d/stat", pid);
	fx_write(fx_root, file, stat, slen);
	snprintf(file, sizeof(file), "%d/exe", pid);
	fx_symlink(fx_root, file, c->exe_path);
	sw_proc_stat ps;
	assert_int_equal(sw_parse_stat(stat, slen, &ps), 0);
	free(stat);
	return ps.start_time;
}

static void test_collect_process(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	for (size_t i = 0; i < NCAPTURED; i++) {
		capture c;
		sw_memsum want, got, saved;
		capture_load(&c, captured[i]);
		int pid = 100 + (int)i;
		uint64_t start = make_proc(&c, captured[i], pid, c.smaps, c.len, 'S');
		sw_exe_id by_path = {.path = c.exe_path, .path_len = strlen(c.exe_path)};
		assert_int_equal(sw_collect_buffer(col, c.smaps, c.len, &by_path,
						   &want, NULL, NULL), 0);
		assert_int_equal(sw_collect_process(col, fx_root, pid, start, &got,
						    NULL, NULL), 0);
		assert_memsum_equal(&got, &want);
		assert_int_equal(got.vmas[SW_CAT_BINARY], 5);
		assert_int_equal(sw_collect_process(col, fx_root, pid, 0, &got, NULL,
						    NULL), 0);
		assert_memsum_equal(&got, &want);
		/* the pid now belongs to another process, or it is a zombie */
		memset(&got, 0x5a, sizeof(got));
		memcpy(&saved, &got, sizeof(got));
		assert_int_equal(sw_collect_process(col, fx_root, pid, start + 1, &got,
						    NULL, NULL), -SW_ECHANGED);
		assert_memory_equal(&got, &saved, sizeof(got));
		make_proc(&c, captured[i], pid, c.smaps, c.len, 'Z');
		assert_int_equal(sw_collect_process(col, fx_root, pid, start, &got,
						    NULL, NULL), -SW_ECHANGED);
		assert_memory_equal(&got, &saved, sizeof(got));
		capture_free(&c);
	}
	sw_memsum out;
	assert_int_equal(sw_collect_process(col, fx_root, 999, 0, &out, NULL, NULL),
			 -ENOENT);
	sw_collector_free(col);
}

/* Far more text than one read: the parse crosses read boundaries. */
static void test_collect_process_large(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	capture c;
	capture_load(&c, "python");
	const size_t copies = 12;
	size_t len = c.len * copies;
	char *big = malloc(len);
	assert_non_null(big);
	for (size_t i = 0; i < copies; i++)
		memcpy(big + i * c.len, c.smaps, c.len);
	uint64_t start = make_proc(&c, "python", 200, big, len, 'S');
	sw_exe_id by_path = {.path = c.exe_path, .path_len = strlen(c.exe_path)};
	sw_memsum want, got;
	fx_totals t;
	fx_walk(big, len, &t);
	assert_int_equal(sw_collect_buffer(col, big, len, &by_path, &want, NULL,
					   NULL), 0);
	assert_int_equal(sw_collect_process(col, fx_root, 200, start, &got, NULL,
					    NULL), 0);
	assert_memsum_equal(&got, &want);
	assert_int_equal(got.total_vmas,
			 fx_expect_u64(c.expect, "mappings") * copies);
	assert_int_equal(got.total.v[SW_F_RSS], t.kb[SW_F_RSS] * KB);
	assert_int_equal(got.total.v[SW_F_PSS], t.kb[SW_F_PSS] * KB);
	assert_int_equal(got.lib_dup_loads, sw_subtotals_dup_loads(sw_collector_libs(col)));
	assert_true(got.lib_dup_loads >= copies - 1);

	/* and a malformed one, truncated mid-line at the very end */
	big[len - 1] = 'x';
	make_proc(&c, "python", 201, big, len, 'S');
	assert_int_equal(sw_collect_process(col, fx_root, 201, start, &got, NULL,
					    NULL), -SW_ETRUNC);
	char want_detail[64];
	snprintf(want_detail, sizeof(want_detail),
		 "line %zu: input ends in the middle of a line",
		 (size_t)1900 * copies);
	assert_string_equal(sw_collector_detail(col), want_detail);
	/* an empty smaps: no address space */
	make_proc(&c, "python", 202, "", 0, 'S');
	assert_int_equal(sw_collect_process(col, fx_root, 202, start, &got, NULL,
					    NULL), -SW_ENOMM);
	free(big);
	capture_free(&c);
	sw_collector_free(col);
}

static void test_collect_rollup(void **state)
{
	(void)state;
	sw_collector *col = collector(0);
	for (size_t i = 0; i < NCAPTURED; i++) {
		char file[64];
		size_t len;
		snprintf(file, sizeof(file), "%s.rollup", captured[i]);
		char *buf = fx_load(file, &len);
		fx_totals t;
		fx_walk(buf, len, &t);
		fx_mkdirs(fx_root, "300");
		fx_write(fx_root, "300/smaps_rollup", buf, len);
		sw_counts out;
		memset(&out, 0x5a, sizeof(out));
		assert_int_equal(sw_collect_rollup(col, fx_root, 300, &out), 0);
		for (int f = 0; f < SW_F_COUNT; f++)
			assert_int_equal(out.v[f], t.kb[f] * KB);
		assert_false(out.present & BIT(SW_F_SIZE));
		assert_true(out.present & BIT(SW_F_PSS_FILE));
		assert_true(out.v[SW_F_RSS] > 1000 * KB);
		free(buf);
	}
	/* two "mappings" is not a rollup; nothing is not one either */
	size_t len;
	char *two = fx_load("special.smaps", &len);
	fx_write(fx_root, "300/smaps_rollup", two, len);
	sw_counts out, saved;
	memset(&out, 0x5a, sizeof(out));
	memcpy(&saved, &out, sizeof(out));
	assert_int_equal(sw_collect_rollup(col, fx_root, 300, &out), -SW_ESYNTAX);
	assert_memory_equal(&out, &saved, sizeof(out));
	fx_write(fx_root, "300/smaps_rollup", "", 0);
	assert_int_equal(sw_collect_rollup(col, fx_root, 300, &out), -SW_ENOMM);
	assert_int_equal(sw_collect_rollup(col, fx_root, 301, &out), -ENOENT);
	assert_memory_equal(&out, &saved, sizeof(out));
	free(two);
	sw_collector_free(col);
}

/* The stat line read after a smaps read, in the kernel's format (a real
 * line's fields, pid 22210, start time 1150201): whole only for the same,
 * living process whose address space is still attached (vsize > 0). An
 * exiting one (PF_EXITING, 4, in the flags, state R or D) is whole until
 * exit_mm() detaches it (vsize 0): only then can its smaps have been cut
 * at a record boundary (issue 18, defect 7). */
#define STAT_HEAD "22210 (%s) %c 22207 22207 32755 0 -1 %lu 121 0 0 0 0 0 0 0 " \
	"20 0 1 0 %s %s 374 18446744073709551615 94055278206976 " \
	"94055278226857 140727457234336 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"

static int whole(const char *comm, char state, unsigned long flags,
		 const char *start, const char *vsize)
{
	char line[512];
	int n = snprintf(line, sizeof(line), STAT_HEAD, comm, state, flags,
			 start, vsize);
	sw_proc_stat before = {.start_time = 1150201};
	return sw_stat_still_whole(line, (size_t)n, &before);
}

static void test_stat_still_whole(void **state)
{
	(void)state;
	assert_true(whole("cat", 'R', 4194304, "1150201", "3133440"));
	assert_true(whole("cat", 'S', 4194560, "1150201", "3133440"));
	assert_true(whole("cat", 'D', 0, "1150201", "3133440"));
	/* exiting, its address space still attached: whole */
	assert_true(whole("cat", 'R', 4194308, "1150201", "3133440"));
	assert_true(whole("cat", 'D', 4194308, "1150201", "3133440"));
	/* exiting past exit_mm(): the read may be cut */
	assert_false(whole("cat", 'R', 4194308, "1150201", "0"));
	assert_false(whole("cat", 'D', 4194308, "1150201", "0"));
	/* gone, or another process on the pid */
	assert_false(whole("cat", 'Z', 4194308, "1150201", "0"));
	assert_false(whole("cat", 'X', 0, "1150201", "0"));
	assert_false(whole("cat", 'R', 4194304, "1150202", "3133440"));
	/* comm holds any byte: the fields are counted from the last ')' */
	assert_true(whole(") R 1 1 1 0 -1 4 ( 0 0", 'S', 0, "1150201",
			  "3133440"));
	assert_false(whole(") S 1 1 1 0 -1 0 ( 9 9", 'R', 4, "1150201", "0"));
	/* a line that stops before vsize (a short saved one) is not judged
	 * by it; one that does not parse is not whole */
	sw_proc_stat before = {.start_time = 1150201};
	static const char saved[] = "22210 (cat) R 22207 22207 32755 0 -1 4 "
				    "121 0 0 0 0 0 0 0 20 0 1 0 1150201";
	assert_true(sw_stat_still_whole(saved, sizeof(saved) - 1, &before));
	static const char cut[] = "22210 (cat) R 22207 22207 32755 0";
	assert_false(sw_stat_still_whole(cut, sizeof(cut) - 1, &before));
}

/* exec during the read: the same pid and start time, a new address space
 * (startcode, endcode, startstack of a real exec of cat, then of ls), and
 * the old one's smaps ended early. A rename (comm) is not an exec. */
static void test_stat_exec_mid_read(void **state)
{
	(void)state;
	static const char cat[] = "22210 (cat) R 22207 22207 32755 0 -1 4194304 "
		"121 0 0 0 0 0 0 0 20 0 1 0 1150201 3133440 374 "
		"18446744073709551615 94055278206976 94055278226857 "
		"140727457234336 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
	static const char ls[] = "22210 (ls) R 22207 22207 32755 0 -1 4194304 "
		"130 0 0 0 0 0 0 0 20 0 1 0 1150201 8019968 812 "
		"18446744073709551615 94737914540032 94737914622761 "
		"140736191360032 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
	static const char renamed[] = "22210 (worker 1) S 22207 22207 32755 0 "
		"-1 4194304 121 0 0 0 0 0 0 0 20 0 1 0 1150201 3133440 374 "
		"18446744073709551615 94055278206976 94055278226857 "
		"140727457234336 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
	static const char hidden[] = "22210 (cat) R 22207 22207 32755 0 -1 "
		"4194304 121 0 0 0 0 0 0 0 20 0 1 0 1150201 3133440 374 "
		"18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n";
	sw_proc_stat before, h;
	assert_int_equal(sw_parse_stat(cat, sizeof(cat) - 1, &before), 0);
	assert_true(before.mm_mark != 0);
	assert_true(sw_stat_still_whole(cat, sizeof(cat) - 1, &before));
	assert_false(sw_stat_still_whole(ls, sizeof(ls) - 1, &before));
	assert_true(sw_stat_still_whole(renamed, sizeof(renamed) - 1, &before));
	/* without ptrace rights the fields read 0: no mark, no judgement */
	assert_int_equal(sw_parse_stat(hidden, sizeof(hidden) - 1, &h), 0);
	assert_int_equal(h.mm_mark, 0);
	assert_true(sw_stat_still_whole(ls, sizeof(ls) - 1, &h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_still_whole),
		cmocka_unit_test(test_stat_exec_mid_read),
		cmocka_unit_test(test_small_regions),
		cmocka_unit_test(test_named_regions_are_not_loads),
		cmocka_unit_test(test_captured_totals),
		cmocka_unit_test(test_captured_categories),
		cmocka_unit_test(test_captured_workload_specifics),
		cmocka_unit_test(test_special_exact),
		cmocka_unit_test(test_crlf_same_figures),
		cmocka_unit_test(test_error_leaves_out_untouched),
		cmocka_unit_test(test_reuse_between_processes),
		cmocka_unit_test(test_bounded_libs),
		cmocka_unit_test(test_collect_process),
		cmocka_unit_test(test_collect_process_large),
		cmocka_unit_test(test_collect_rollup),
	};
	return cmocka_run_group_tests(tests, fx_root_setup, fx_root_teardown);
}
