/* collector.c - one process's smaps, read in large chunks through one
 * reused buffer and parsed as it arrives, so memory stays bounded however
 * many mappings the process has. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"

/* seq_file hands out as much as asked per read(): a large chunk means few
 * system calls. It must exceed SW_LINE_MAX so any valid line fits. */
#define SW_CHUNK SW_COLLECTOR_CHUNK

struct sw_collector {
	sw_smaps_parser *parser;
	sw_subtotals *libs, *named;
	char *buf;
	size_t bytes;           /* read by the last sw_collect_process */
	/* per-call state for the mapping callback */
	sw_memsum sum;
	const sw_exe_id *exe;
	sw_each_mapping_fn each;
	void *each_ctx;
	char exe_path[SW_PATH_MAX];
};

sw_collector *sw_collector_new(const sw_collector_opts *o)
{
	size_t names = o && o->max_names ? o->max_names : 256;
	sw_collector *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->parser = sw_smaps_parser_new();
	c->libs = sw_subtotals_new(names, names * 128);
	c->named = sw_subtotals_new(names, names * 64);
	c->buf = malloc(SW_CHUNK);
	if (!c->parser || !c->libs || !c->named || !c->buf) {
		sw_collector_free(c);
		return NULL;
	}
	return c;
}

void sw_collector_free(sw_collector *c)
{
	if (!c)
		return;
	sw_smaps_parser_free(c->parser);
	sw_subtotals_free(c->libs);
	sw_subtotals_free(c->named);
	free(c->buf);
	free(c);
}

const sw_subtotals *sw_collector_libs(const sw_collector *c)
{
	return c->libs;
}

const sw_subtotals *sw_collector_named(const sw_collector *c)
{
	return c->named;
}

size_t sw_collector_bytes(const sw_collector *c)
{
	return c->bytes;
}

const char *sw_collector_detail(const sw_collector *c)
{
	return sw_smaps_parser_detail(c->parser);
}

static int on_mapping(void *ctx, const sw_mapping *m)
{
	sw_collector *c = ctx;
	sw_category cat = sw_classify(m, c->exe);
	const char *sub;
	size_t sub_len;
	/* total is summed from the categories once, in end() */
	sw_counts_add(&c->sum.cat[cat], &m->counts);
	c->sum.vmas[cat]++;
	c->sum.total_vmas++;
	if (cat == SW_CAT_LIBS)
		sw_subtotals_add_file(c->libs, m->name,
				 sw_name_strip_deleted(m->name, m->name_len),
				 &m->counts, m->offset, m->inode);
	else if (sw_is_named_anon(m->name, m->name_len, &sub, &sub_len))
		sw_subtotals_add(c->named, sub, sub_len, &m->counts);
	if (c->each)
		c->each(c->each_ctx, m, cat);
	return 0;
}

static void begin(sw_collector *c, const sw_exe_id *exe,
		  sw_each_mapping_fn each, void *ctx)
{
	sw_smaps_parser_reset(c->parser);
	sw_subtotals_clear(c->libs);
	sw_subtotals_clear(c->named);
	sw_memsum_clear(&c->sum);
	c->exe = exe;
	c->each = each;
	c->each_ctx = ctx;
}

static int end(sw_collector *c, long mappings, sw_memsum *out)
{
	if (mappings < 0)
		return (int)mappings;
	if (mappings == 0)
		return -SW_ENOMM;
	for (int k = 0; k < SW_CAT_COUNT; k++)
		sw_counts_add(&c->sum.total, &c->sum.cat[k]);
	c->sum.lib_dup_loads = sw_subtotals_dup_loads(c->libs);
	*out = c->sum;
	return 0;
}

int sw_collect_buffer(sw_collector *c, const char *buf, size_t len,
		      const sw_exe_id *exe, sw_memsum *out,
		      sw_each_mapping_fn each, void *ctx)
{
	begin(c, exe, each, ctx);
	return end(c, sw_smaps_parse(c->parser, buf, len, on_mapping, c), out);
}

/* smaps comes a page per read() (seq_file fills one page of records),
 * and the kernel's work between two reads evicts the parser's caches and
 * branch history: so pages are gathered into the buffer until it is
 * nearly full, then parsed in one go. BATCH_ROOM is what must stay free
 * to ask for another read. */
#define BATCH_ROOM SW_COLLECTOR_ROOM

/* Fills c->buf from *have on until it is nearly full or the file ends
 * (*eof). 0 or -errno. */
static int fill(sw_collector *c, int fd, size_t *have, int *eof)
{
	do {
		ssize_t n = read(fd, c->buf + *have, SW_CHUNK - *have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) {
			*eof = 1;
			break;
		}
		*have += (size_t)n;
		c->bytes += (size_t)n;
	} while (SW_CHUNK - *have >= BATCH_ROOM);
	return 0;
}

/* Streams fd through the parser; returns mappings parsed or < 0. */
static long parse_fd(sw_collector *c, int fd)
{
	size_t have = 0;
	int eof = 0;
	while (!eof) {
		int r = fill(c, fd, &have, &eof);
		if (r)
			return r;
		ssize_t used = sw_smaps_parser_feed(c->parser, c->buf, have,
						    on_mapping, c);
		if (used < 0)
			return used;
		have -= (size_t)used;
		memmove(c->buf, c->buf + used, have);
	}
	return sw_smaps_parser_finish(c->parser, have, on_mapping, c);
}

/* The executable's path and (device, inode), for the binary category. */
static void read_exe(sw_collector *c, int pidfd, sw_exe_id *exe)
{
	struct stat st;
	memset(exe, 0, sizeof(*exe));
	ssize_t n = readlinkat(pidfd, "exe", c->exe_path,
			       sizeof(c->exe_path) - 1);
	if (n > 0) {
		exe->path = c->exe_path;
		exe->path_len = sw_name_strip_deleted(c->exe_path, (size_t)n);
	}
	if (fstatat(pidfd, "exe", &st, 0) == 0) {
		exe->inode = st.st_ino;
		exe->dev_major = major(st.st_dev);
		exe->dev_minor = minor(st.st_dev);
	}
}

int sw_stat_still_whole(const char *text, size_t len,
			const sw_proc_stat *before)
{
	sw_proc_stat st;
	if (sw_parse_stat(text, len, &st))
		return 0;
	return st.start_time == before->start_time && st.state != 'Z' &&
	       st.state != 'X' && st.vsize != 0 &&
	       (!before->mm_mark || st.mm_mark == before->mm_mark);
}

/* A process can exit, or exec, or its pid be reused, between any two
 * reads. And smaps can end early at a record boundary: each read() of it
 * takes the address space again (mmget_not_zero), which fails once the
 * process has let go of it (exiting, or exec's new one in place), and
 * that is a clean EOF. So stat is read again after the smaps: see
 * sw_stat_still_whole(). */
static int same_process(int pidfd, const sw_proc_stat *before)
{
	char text[1024];
	ssize_t n = sw_read_small_at(pidfd, "stat", text, sizeof(text));
	return n > 0 && sw_stat_still_whole(text, (size_t)n, before);
}

int sw_collect_process_at(sw_collector *c, int pidfd,
			  const sw_proc_stat *before, sw_memsum *out,
			  sw_each_mapping_fn each, void *ctx)
{
	sw_exe_id exe;
	/* Whatever fails below, the detail is this read's, not the last's. */
	sw_smaps_parser_reset(c->parser);
	c->bytes = 0;
	/* O_NONBLOCK: a FIFO planted in a saved tree cannot hang the open
	 * (procfs ignores the flag) */
	int fd = openat(pidfd, "smaps", O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	read_exe(c, pidfd, &exe);
	begin(c, &exe, each, ctx);
	long mappings = parse_fd(c, fd);
	close(fd);
	if (before && !same_process(pidfd, before))
		return -SW_ECHANGED;
	return end(c, mappings, out);
}

int sw_collect_process(sw_collector *c, const char *root, pid_t pid,
		       uint64_t start_time, sw_memsum *out,
		       sw_each_mapping_fn each, void *ctx)
{
	char path[SW_PATH_MAX];
	sw_smaps_parser_reset(c->parser);
	c->bytes = 0;
	int r = sw_proc_path(path, sizeof(path), root, pid, ".");
	if (r)
		return r;
	int pidfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (pidfd < 0)
		return -errno;
	sw_proc_stat before = {.start_time = start_time};
	r = sw_collect_process_at(c, pidfd, start_time ? &before : NULL, out,
				  each, ctx);
	close(pidfd);
	return r;
}

static int rollup_cb(void *ctx, const sw_mapping *m)
{
	*(sw_counts *)ctx = m->counts;
	return 0;
}

int sw_collect_rollup(sw_collector *c, const char *root, pid_t pid,
		      sw_counts *out)
{
	char path[SW_PATH_MAX];
	sw_smaps_parser_reset(c->parser);  /* no earlier read's detail */
	int r = sw_proc_path(path, sizeof(path), root, pid, "smaps_rollup");
	if (r)
		return r;
	ssize_t n = sw_read_small(path, c->buf, SW_CHUNK);
	if (n < 0)
		return (int)n;
	sw_counts counts;
	long m = sw_smaps_parse(c->parser, c->buf, (size_t)n, rollup_cb, &counts);
	if (m < 0)
		return (int)m;
	if (m != 1)
		return m == 0 ? -SW_ENOMM : -SW_ESYNTAX;
	*out = counts;
	return 0;
}
