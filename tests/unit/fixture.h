/* fixture.h - helpers shared by the unit tests: load fixture files, read
 * the capture sidecars (*.expect), an independent smaps line walk, a small
 * deterministic PRNG, and temporary directory trees.
 *
 * FIXTURES is the absolute path of tests/fixtures, set by the Makefile.
 * Everything here is static inline so each test uses what it needs. */
#ifndef SMAPWATCH_TEST_FIXTURE_H
#define SMAPWATCH_TEST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smapwatch/counts.h"

#ifndef FIXTURES
#error "FIXTURES must name the fixture directory"
#endif

/* ---- files ------------------------------------------------------------- */

/* The whole file at path, malloc'd and NUL-terminated (the NUL is not
 * counted in *len); NULL with errno set on failure. */
static inline char *fx_read_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	if (!f)
		return NULL;
	for (;;) {
		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			char *nb = realloc(buf, cap);
			if (!nb)
				break;
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	int bad = ferror(f) || !buf;
	fclose(f);
	if (bad) {
		free(buf);
		errno = EIO;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* FIXTURES "/" name into out. */
static inline const char *fx_path(char *out, size_t size, const char *name)
{
	int n = snprintf(out, size, "%s/%s", FIXTURES, name);
	if (n < 0 || (size_t)n >= size)
		fail_msg("fixture path too long: %s", name);
	return out;
}

/* A fixture file, malloc'd; fails the test when it cannot be read. */
static inline char *fx_load(const char *name, size_t *len)
{
	char path[4096];
	size_t dummy;
	char *buf = fx_read_path(fx_path(path, sizeof(path), name),
				 len ? len : &dummy);
	if (!buf)
		fail_msg("cannot read fixture %s: %s", path, strerror(errno));
	return buf;
}

/* ---- capture sidecars (NAME.expect: "key value" lines) ---------------- */

/* The value of key in an .expect text, copied into out; NULL if absent. */
static inline const char *fx_expect_str(const char *text, const char *key,
					char *out, size_t size)
{
	size_t kl = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : l) {
		if (strncmp(l, key, kl) != 0 || l[kl] != ' ')
			continue;
		const char *v = l + kl + 1, *e = strchr(v, '\n');
		size_t n = e ? (size_t)(e - v) : strlen(v);
		if (n >= size)
			n = size - 1;
		memcpy(out, v, n);
		out[n] = '\0';
		return out;
	}
	return NULL;
}

/* A numeric sidecar value; fails the test when absent or not a number. */
static inline uint64_t fx_expect_u64(const char *text, const char *key)
{
	char v[64], *end;
	if (!fx_expect_str(text, key, v, sizeof(v)))
		fail_msg("sidecar has no \"%s\"", key);
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (errno || end == v || *end)
		fail_msg("sidecar \"%s\" is not a number: %s", key, v);
	return x;
}

/* ---- an independent smaps walk ---------------------------------------- */

/* The kernel's keys, written out again here on purpose (in sw_field order)
 * so the walk shares nothing with the parser under test. */
static const char *const fx_keys[SW_F_COUNT] = {
	"Size", "Rss", "Pss", "Pss_Dirty", "Pss_Anon", "Pss_File", "Pss_Shmem",
	"Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
	"Referenced", "Anonymous", "KSM", "LazyFree", "AnonHugePages",
	"ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
	"Swap", "SwapPss", "Locked",
};

typedef struct {
	uint64_t kb[SW_F_COUNT];     /* sum of each key's values, in kB */
	unsigned lines[SW_F_COUNT];  /* how many lines carried the key */
	unsigned mappings;           /* header lines */
} fx_totals;

/* Deliberately simple: a header is a line whose first word holds '-' and
 * starts with a hex digit; a value line is "Key:" + strtoull + "kB". */
static inline void fx_walk(const char *buf, size_t len, fx_totals *t)
{
	char line[512];
	memset(t, 0, sizeof(*t));
	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		size_t c = n < sizeof(line) - 1 ? n : sizeof(line) - 1;
		memcpy(line, buf + pos, c);
		line[c] = '\0';
		pos += n + 1;
		const char *sp = strchr(line, ' '), *dash = strchr(line, '-');
		if (strchr("0123456789abcdef", line[0]) && line[0] && dash &&
		    (!sp || dash < sp)) {
			t->mappings++;
			continue;
		}
		const char *colon = strchr(line, ':');
		if (!colon || !strstr(colon, " kB"))
			continue;
		for (int f = 0; f < SW_F_COUNT; f++)
			if (strlen(fx_keys[f]) == (size_t)(colon - line) &&
			    strncmp(line, fx_keys[f], (size_t)(colon - line)) == 0) {
				t->kb[f] += strtoull(colon + 1, NULL, 10);
				t->lines[f]++;
			}
	}
}

/* ---- a deterministic PRNG (xorshift64*) -------------------------------- */

static inline uint64_t fx_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* ---- temporary trees --------------------------------------------------- */

/* A new empty directory under TMPDIR (or /tmp), path into out. */
static inline void fx_mkdtemp(char *out, size_t size)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(out, size, "%s/smapwatch-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(out))
		fail_msg("mkdtemp %s: %s", out, strerror(errno));
}

/* dir "/" rel into out, failing the test when too long. */
static inline const char *fx_join(char *out, size_t size, const char *dir,
				  const char *rel)
{
	int n = snprintf(out, size, "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= size)
		fail_msg("path too long: %s/%s", dir, rel);
	return out;
}

/* Creates dir/rel (and its parents, as mkdir -p). */
static inline void fx_mkdirs(const char *dir, const char *rel)
{
	char path[4096];
	fx_join(path, sizeof(path), dir, rel);
	for (char *p = path + strlen(dir) + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			fail_msg("mkdir %s: %s", path, strerror(errno));
		*p = c;
		if (!c)
			break;
	}
}

/* Writes len bytes to dir/rel, replacing it. */
static inline void fx_write(const char *dir, const char *rel, const void *data,
			    size_t len)
{
	char path[4096];
	fx_join(path, sizeof(path), dir, rel);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fail_msg("open %s: %s", path, strerror(errno));
	for (size_t done = 0; done < len;) {
		ssize_t n = write(fd, (const char *)data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			fail_msg("write %s: %s", path, strerror(errno));
		done += (size_t)n;
	}
	close(fd);
}

static inline void fx_write_str(const char *dir, const char *rel,
				const char *s)
{
	fx_write(dir, rel, s, strlen(s));
}

/* Makes dir/rel a symbolic link to target (need not exist). */
static inline void fx_symlink(const char *dir, const char *rel,
			      const char *target)
{
	char path[4096];
	fx_join(path, sizeof(path), dir, rel);
	unlink(path);
	if (symlink(target, path))
		fail_msg("symlink %s: %s", path, strerror(errno));
}

static inline int fx_rm_one(const char *path, const struct stat *st, int type,
			    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return type == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf dir. */
static inline void fx_rmtree(const char *dir)
{
	nftw(dir, fx_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* fx_root - the temporary tree of the running test (or group of tests),
 * made by fx_root_setup and removed by fx_root_teardown, cmocka fixtures. */
static char fx_root[4096] __attribute__((unused));

static inline int fx_root_setup(void **state)
{
	(void)state;
	fx_mkdtemp(fx_root, sizeof(fx_root));
	return 0;
}

static inline int fx_root_teardown(void **state)
{
	(void)state;
	fx_rmtree(fx_root);
	return 0;
}

#endif
