/* test_category.c - every classification rule of sw_classify(), on mappings
 * built by hand and on the hand-made and captured fixtures. */
#include "fixture.h"

#include "smapwatch/category.h"
#include "smapwatch/smaps.h"

/* A mapping with the given perms, name and VmFlags; dev 0:0 inode 0. */
static sw_mapping map(const char *perms, const char *name, const char *flags)
{
	sw_mapping m;
	memset(&m, 0, sizeof(m));
	memcpy(m.perms, perms, 4);
	m.name = name;
	m.name_len = strlen(name);
	m.vmflags = flags;
	return m;
}

static sw_category cls(const char *perms, const char *name)
{
	sw_mapping m = map(perms, name, "rd wr mr mw me ac sd");
	return sw_classify(&m, NULL);
}

#define assert_cat(got, want)                                                 \
	do {                                                                  \
		sw_category g_ = (got), w_ = (want);                          \
		if (g_ != w_)                                                 \
			fail_msg("%s: got %s, want %s", #got,                 \
				 sw_category_name(g_), sw_category_name(w_)); \
	} while (0)

static void test_names_and_lookup(void **state)
{
	(void)state;
	static const char *const names[SW_CAT_COUNT] = {
		"heap", "stack", "anon", "shmem", "binary", "libs", "files", "kernel",
	};
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		assert_string_equal(sw_category_name((sw_category)c), names[c]);
		assert_int_equal(sw_category_lookup(names[c]), c);
	}
	assert_null(sw_category_name(SW_CAT_COUNT));
	assert_null(sw_category_name((sw_category)-1));
	assert_int_equal(sw_category_lookup("Heap"), -1);
	assert_int_equal(sw_category_lookup("lib"), -1);
	assert_int_equal(sw_category_lookup(""), -1);
}

static void test_heap_and_stack(void **state)
{
	(void)state;
	assert_cat(cls("rw-p", "[heap]"), SW_CAT_HEAP);
	assert_cat(cls("rw-p", "[stack]"), SW_CAT_STACK);
	assert_cat(cls("rw-p", "[stack:1234]"), SW_CAT_STACK);
	/* exact names only: near misses are unknown bracketed names */
	assert_cat(cls("rw-p", "[heap2]"), SW_CAT_ANON);
	assert_cat(cls("rw-p", "[stackx]"), SW_CAT_ANON);
	assert_cat(cls("rw-p", "[heap"), SW_CAT_ANON);
}

static void test_kernel_pages(void **state)
{
	(void)state;
	static const char *const k[] = {
		"[vdso]", "[vvar]", "[vvar_vclock]", "[vsyscall]", "[vectors]",
		"[uprobes]",
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		assert_cat(cls("r--p", k[i]), SW_CAT_KERNEL);
		assert_cat(cls("r-xp", k[i]), SW_CAT_KERNEL);
	}
	assert_cat(cls("r--p", "[vdso32]"), SW_CAT_ANON);
	assert_cat(cls("r--p", "[vvar_"), SW_CAT_ANON);
}

static void test_anonymous(void **state)
{
	(void)state;
	/* unnamed: thread stacks, arenas, big mallocs; shared -> shmem */
	assert_cat(cls("rw-p", ""), SW_CAT_ANON);
	assert_cat(cls("---p", ""), SW_CAT_ANON);
	assert_cat(cls("rw-s", ""), SW_CAT_SHMEM);
	/* named with PR_SET_VMA_ANON_NAME */
	assert_cat(cls("rw-p", "[anon:pool]"), SW_CAT_ANON);
	assert_cat(cls("rw-p", "[anon:demo \"pool\" | 1]"), SW_CAT_ANON);
	assert_cat(cls("rw-s", "[anon_shmem:ring]"), SW_CAT_SHMEM);
	assert_cat(cls("r--p", "[anon_shmem:ring]"), SW_CAT_SHMEM);
	/* unknown bracketed names go by sharing */
	assert_cat(cls("rw-p", "[mpx]"), SW_CAT_ANON);
	assert_cat(cls("rw-s", "[mpx]"), SW_CAT_SHMEM);
	assert_cat(cls("rw-p", "[]"), SW_CAT_ANON);
}

static void test_shared_memory_paths(void **state)
{
	(void)state;
	assert_cat(cls("rw-s", "/dev/zero (deleted)"), SW_CAT_SHMEM);
	assert_cat(cls("rw-s", "/dev/zero"), SW_CAT_SHMEM);
	/* MAP_PRIVATE of /dev/zero: private anonymous memory (issue 18, 9) */
	assert_cat(cls("rw-p", "/dev/zero"), SW_CAT_ANON);
	assert_cat(cls("r--p", "/dev/zero"), SW_CAT_ANON);
	assert_cat(cls("rw-s", "/SYSV00000000 (deleted)"), SW_CAT_SHMEM);
	assert_cat(cls("rw-s", "/SYSV0052e2c1"), SW_CAT_SHMEM);
	assert_cat(cls("rw-s", "/memfd:smapwatch-memfd (deleted)"), SW_CAT_SHMEM);
	assert_cat(cls("r--p", "/memfd:jit (deleted)"), SW_CAT_SHMEM);
	assert_cat(cls("rw-s", "/dev/shm/smapwatch-wl-1"), SW_CAT_SHMEM);
	assert_cat(cls("rw-s", "/dev/shm/x.so (deleted)"), SW_CAT_SHMEM);
	/* near misses are ordinary files */
	assert_cat(cls("rw-s", "/dev/shmx"), SW_CAT_FILES);
	assert_cat(cls("rw-s", "/dev/zero2"), SW_CAT_FILES);
	assert_cat(cls("rw-s", "/tmp/SYSV00000000"), SW_CAT_FILES);
	assert_cat(cls("rw-s", "/dev/shm"), SW_CAT_FILES);
}

static void test_hugetlb(void **state)
{
	(void)state;
	static const char *const yes[] = {
		"rd wr sh mr mw me ms de ht sd", "ht", "ht rd", "rd ht",
	};
	static const char *const no[] = {
		"rd wr sh mr mw me ms sd", "hth rd", "rd xht", "rd htx sd", "h", "",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		sw_mapping a = map("rw-s", "/anon_hugepage (deleted)", yes[i]);
		sw_mapping b = map("rw-p", "/mnt/huge/data", yes[i]);
		assert_cat(sw_classify(&a, NULL), SW_CAT_SHMEM);
		assert_cat(sw_classify(&b, NULL), SW_CAT_SHMEM);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		sw_mapping b = map("rw-p", "/mnt/huge/data", no[i]);
		assert_cat(sw_classify(&b, NULL), SW_CAT_FILES);
	}
}

static void test_binary(void **state)
{
	(void)state;
	sw_exe_id exe = {.path = "/usr/bin/demo", .path_len = 13,
			 .inode = 1001, .dev_major = 0xfe, .dev_minor = 1};
	sw_mapping m = map("r-xp", "/usr/bin/demo", "rd ex mr mw me");
	m.inode = 1001;
	m.dev_major = 0xfe;
	m.dev_minor = 1;
	assert_cat(sw_classify(&m, &exe), SW_CAT_BINARY);
	assert_cat(sw_classify(&m, NULL), SW_CAT_FILES);

	/* by path alone: another inode (say, a bind mount) */
	m.inode = 77;
	assert_cat(sw_classify(&m, &exe), SW_CAT_BINARY);
	/* a replaced binary: the running one shows " (deleted)" */
	m = map("r-xp", "/usr/bin/demo (deleted)", "rd ex");
	assert_cat(sw_classify(&m, &exe), SW_CAT_BINARY);
	/* a prefix of the path is another file */
	m = map("r-xp", "/usr/bin/demo2", "rd ex");
	assert_cat(sw_classify(&m, &exe), SW_CAT_FILES);
	m = map("r-xp", "/usr/bin/dem", "rd ex");
	assert_cat(sw_classify(&m, &exe), SW_CAT_FILES);

	/* by (dev, inode) when the names differ (e.g. seen through another
	 * mount namespace, or exe unreadable as a path) */
	sw_exe_id by_ino = {.path = NULL, .inode = 1001, .dev_major = 0xfe,
			    .dev_minor = 1};
	m = map("r-xp", "/proc/1/root/usr/bin/demo", "rd ex");
	m.inode = 1001;
	m.dev_major = 0xfe;
	m.dev_minor = 1;
	assert_cat(sw_classify(&m, &by_ino), SW_CAT_BINARY);
	m.dev_minor = 2;
	assert_cat(sw_classify(&m, &by_ino), SW_CAT_FILES);
	m.dev_minor = 1;
	m.dev_major = 8;
	assert_cat(sw_classify(&m, &by_ino), SW_CAT_FILES);
	m.dev_major = 0xfe;
	m.inode = 1002;
	assert_cat(sw_classify(&m, &by_ino), SW_CAT_FILES);

	/* an executable that is a shared object stays the binary */
	sw_exe_id ld = {.path = "/lib64/ld-linux-x86-64.so.2", .path_len = 27};
	m = map("r-xp", "/lib64/ld-linux-x86-64.so.2", "rd ex");
	assert_cat(sw_classify(&m, &ld), SW_CAT_BINARY);
	assert_cat(sw_classify(&m, NULL), SW_CAT_LIBS);

	/* an unknown inode (0) never matches the inode 0 of anonymous memory */
	sw_exe_id none = {.path = NULL, .inode = 0};
	m = map("rw-p", "/some/file", "rd");
	assert_cat(sw_classify(&m, &none), SW_CAT_FILES);
	/* a bracketed or unnamed mapping never is the binary */
	sw_exe_id odd = {.path = "", .path_len = 0};
	m = map("rw-p", "", "rd");
	assert_cat(sw_classify(&m, &odd), SW_CAT_ANON);
	sw_exe_id heap = {.path = "[heap]", .path_len = 6};
	m = map("rw-p", "[heap]", "rd");
	assert_cat(sw_classify(&m, &heap), SW_CAT_HEAP);
}

static void test_libs(void **state)
{
	(void)state;
	static const char *const libs[] = {
		"/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2",
		"/usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2",
		"/usr/lib/python3.11/lib-dynload/_decimal.cpython-311-x86_64-linux-gnu.so",
		"/opt/app/plugin.so",
		"/opt/app/plugin.so (deleted)",
		"/home/u/my libs/libx.so.1 (deleted)",
		"libbare.so",
	};
	static const char *const files[] = {
		"/usr/lib/locale/locale-archive",
		"/usr/share/sounds/a.sox",
		"/opt/lib.so.d/config",        /* .so. in a directory, not the file */
		"/opt/app/so",
		"/opt/app/libx.s",
		"/opt/app/plugin.so.bak~",     /* holds ".so.": counted as a lib */
	};
	for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++)
		if (cls("r--p", libs[i]) != SW_CAT_LIBS)
			fail_msg("%s is not libs", libs[i]);
	for (size_t i = 0; i + 1 < sizeof(files) / sizeof(files[0]); i++)
		if (cls("r--p", files[i]) != SW_CAT_FILES)
			fail_msg("%s is not files", files[i]);
	assert_cat(cls("r--p", files[5]), SW_CAT_LIBS);
	/* a path with an escaped newline and spaces is still a path */
	assert_cat(cls("r--p", "/tmp/new\\012line.dat"), SW_CAT_FILES);
	assert_cat(cls("r--s", "/home/user/my data file.db (deleted)"),
		   SW_CAT_FILES);
	assert_cat(cls("r--p", "/tmp/new\\012lib.so"), SW_CAT_LIBS);
}

static void test_strip_deleted(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t out;
	} cases[] = {
		{"/a (deleted)", 2}, {"/a", 2}, {" (deleted)", 0},
		{"(deleted)", 9}, {"/a(deleted)", 11}, {"/a (deleted) ", 13},
		{"/a (deleted) (deleted)", 12}, {"", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(sw_name_strip_deleted(cases[i].in,
						       strlen(cases[i].in)),
				 cases[i].out);
}

static void test_named_anon(void **state)
{
	(void)state;
	const char *sub = NULL;
	size_t sub_len = 99;
	const char *n = "[anon:demo \"pool\" | 1]";
	assert_true(sw_is_named_anon(n, strlen(n), &sub, &sub_len));
	assert_ptr_equal(sub, n + 6);
	assert_int_equal(sub_len, strlen("demo \"pool\" | 1"));
	assert_true(sw_is_named_anon("[anon:]", 7, &sub, &sub_len));
	assert_int_equal(sub_len, 0);
	/* the length given is what counts, not the terminator */
	assert_true(sw_is_named_anon("[anon:ab]xyz", 9, &sub, &sub_len));
	assert_int_equal(sub_len, 2);
	sub = NULL;
	assert_false(sw_is_named_anon("[anon_shmem:x]", 14, &sub, &sub_len));
	assert_false(sw_is_named_anon("[anon:x", 7, &sub, &sub_len));
	assert_false(sw_is_named_anon("[anon:", 6, &sub, &sub_len));
	assert_false(sw_is_named_anon("anon:x]", 7, &sub, &sub_len));
	assert_false(sw_is_named_anon("[heap]", 6, &sub, &sub_len));
	assert_null(sub);
}

typedef struct {
	const sw_exe_id *exe;
	sw_category got[128];
	size_t n;
} classify_ctx;

static int classify_cb(void *ctx, const sw_mapping *m)
{
	classify_ctx *c = ctx;
	assert_true(c->n < 128);
	c->got[c->n++] = sw_classify(m, c->exe);
	return 0;
}

/* special.smaps, mapping by mapping, with and without the exe identity. */
static void test_special_fixture(void **state)
{
	(void)state;
	static const sw_category want[20] = {
		SW_CAT_BINARY, SW_CAT_BINARY, SW_CAT_HEAP, SW_CAT_LIBS,
		SW_CAT_LIBS, SW_CAT_LIBS, SW_CAT_LIBS, SW_CAT_ANON,
		SW_CAT_SHMEM, SW_CAT_ANON, SW_CAT_SHMEM, SW_CAT_SHMEM,
		SW_CAT_FILES, SW_CAT_FILES, SW_CAT_STACK, SW_CAT_KERNEL,
		SW_CAT_KERNEL, SW_CAT_KERNEL, SW_CAT_STACK, SW_CAT_KERNEL,
	};
	const sw_exe_id demo = {.path = "/usr/bin/demo", .path_len = 13};
	const sw_exe_id demo_ino = {.inode = 1001, .dev_major = 0xfe,
				    .dev_minor = 1};
	const sw_exe_id *exes[] = {NULL, &demo, &demo_ino};
	size_t len;
	char *buf = fx_load("special.smaps", &len);
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	for (size_t e = 0; e < 3; e++) {
		classify_ctx c = {.exe = exes[e]};
		sw_smaps_parser_reset(p);
		assert_int_equal(sw_smaps_parse(p, buf, len, classify_cb, &c), 20);
		for (size_t i = 0; i < 20; i++) {
			sw_category w = want[i];
			if (w == SW_CAT_BINARY && !exes[e])
				w = SW_CAT_FILES;
			if (c.got[i] != w)
				fail_msg("exe %zu, mapping %zu: %s, want %s", e, i,
					 sw_category_name(c.got[i]),
					 sw_category_name(w));
		}
	}
	sw_smaps_parser_free(p);
	free(buf);
}

typedef struct {
	const sw_exe_id *exe;
	unsigned n[SW_CAT_COUNT];
	int bad;
	char why[600];
} fixture_ctx;

/* What the shmem workload mapped, by name, and the rest by simple rules. */
static int shmem_cb(void *ctx, const sw_mapping *m)
{
	fixture_ctx *f = ctx;
	sw_category c = sw_classify(m, f->exe);
	char name[256];
	snprintf(name, sizeof(name), "%.*s", (int)m->name_len, m->name);
	sw_category want;
	if (!strncmp(name, "/memfd:smapwatch-memfd", 22) ||
	    !strncmp(name, "/dev/shm/smapwatch-wl-", 22) ||
	    !strcmp(name, "/dev/zero (deleted)") ||
	    !strcmp(name, "/SYSV00000000 (deleted)"))
		want = SW_CAT_SHMEM;
	else if (!strcmp(name, f->exe->path))
		want = SW_CAT_BINARY;
	else if (strstr(name, ".so"))
		want = SW_CAT_LIBS;
	else if (!strcmp(name, "[heap]"))
		want = SW_CAT_HEAP;
	else if (!strcmp(name, "[stack]"))
		want = SW_CAT_STACK;
	else if (name[0] == '[')
		want = SW_CAT_KERNEL;
	else if (!name[0])
		want = SW_CAT_ANON;
	else
		want = SW_CAT_FILES;
	if (c != want && !f->bad) {
		f->bad = 1;
		snprintf(f->why, sizeof(f->why), "%s: %s, want %s", name,
			 sw_category_name(c), sw_category_name(want));
	}
	f->n[c]++;
	return 0;
}

static void test_captured_shmem_workload(void **state)
{
	(void)state;
	size_t len;
	char exe_path[256];
	char *buf = fx_load("shmem.smaps", &len);
	char *expect = fx_load("shmem.expect", NULL);
	assert_non_null(fx_expect_str(expect, "exe", exe_path, sizeof(exe_path)));
	sw_exe_id exe = {.path = exe_path, .path_len = strlen(exe_path)};
	fixture_ctx f = {.exe = &exe};
	sw_smaps_parser *p = sw_smaps_parser_new();
	assert_non_null(p);
	assert_int_equal(sw_smaps_parse(p, buf, len, shmem_cb, &f),
			 fx_expect_u64(expect, "mappings"));
	if (f.bad)
		fail_msg("%s", f.why);
	assert_int_equal(f.n[SW_CAT_SHMEM], fx_expect_u64(expect, "shm_named_vmas"));
	assert_int_equal(f.n[SW_CAT_SHMEM], 4);
	assert_int_equal(f.n[SW_CAT_BINARY], fx_expect_u64(expect, "exe_vmas"));
	assert_int_equal(f.n[SW_CAT_KERNEL], fx_expect_u64(expect, "kernel_vmas"));
	assert_int_equal(f.n[SW_CAT_ANON],
			 fx_expect_u64(expect, "unnamed_private_vmas"));
	/* PR_SET_VMA_ANON_NAME did nothing on this kernel: no [anon:] */
	assert_int_equal(fx_expect_u64(expect, "named_anon_vmas"), 0);
	assert_null(strstr(buf, "[anon:"));
	sw_smaps_parser_free(p);
	free(expect);
	free(buf);
}

/* The exe found by (dev, inode) alone, as captured with stat(1). */
static void test_captured_binary_by_inode(void **state)
{
	(void)state;
	static const char *const names[] = {"plain", "python"};
	for (size_t i = 0; i < 2; i++) {
		char file[64], dev[32];
		size_t len;
		snprintf(file, sizeof(file), "%s.smaps", names[i]);
		char *buf = fx_load(file, &len);
		snprintf(file, sizeof(file), "%s.expect", names[i]);
		char *expect = fx_load(file, NULL);
		unsigned maj, min;
		assert_non_null(fx_expect_str(expect, "exe_dev", dev, sizeof(dev)));
		assert_int_equal(sscanf(dev, "%u:%u", &maj, &min), 2);
		sw_exe_id exe = {.inode = fx_expect_u64(expect, "exe_ino"),
				 .dev_major = maj, .dev_minor = min};
		classify_ctx c = {.exe = &exe};
		sw_smaps_parser *p = sw_smaps_parser_new();
		assert_non_null(p);
		assert_int_equal(sw_smaps_parse(p, buf, len, NULL, NULL),
				 fx_expect_u64(expect, "mappings"));
		sw_smaps_parser_reset(p);
		long n = sw_smaps_parse(p, buf, len, classify_cb, &c);
		assert_int_equal(n, c.n);
		size_t nbin = 0;
		for (size_t m = 0; m < c.n; m++)
			nbin += c.got[m] == SW_CAT_BINARY;
		assert_int_equal(nbin, fx_expect_u64(expect, "exe_vmas"));
		assert_int_equal(nbin, 5);
		for (size_t m = 0; m < 5; m++) /* mapped first */
			assert_int_equal(c.got[m], SW_CAT_BINARY);
		sw_smaps_parser_free(p);
		free(expect);
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_and_lookup),
		cmocka_unit_test(test_heap_and_stack),
		cmocka_unit_test(test_kernel_pages),
		cmocka_unit_test(test_anonymous),
		cmocka_unit_test(test_shared_memory_paths),
		cmocka_unit_test(test_hugetlb),
		cmocka_unit_test(test_binary),
		cmocka_unit_test(test_libs),
		cmocka_unit_test(test_strip_deleted),
		cmocka_unit_test(test_named_anon),
		cmocka_unit_test(test_special_fixture),
		cmocka_unit_test(test_captured_shmem_workload),
		cmocka_unit_test(test_captured_binary_by_inode),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
