/* procfs.c - one small reader per /proc file of a process. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smapwatch/caller.h"
#include "smapwatch/error.h"
#include "smapwatch/hash.h"
#include "smapwatch/pid.h"
#include "smapwatch/procfs.h"
#include "dirents.h"

int sw_proc_path(char *out, size_t size, const char *root, pid_t pid,
		 const char *file)
{
	int n = pid > 0 ? snprintf(out, size, "%s/%d/%s", root, (int)pid, file)
			: snprintf(out, size, "%s/%s", root, file);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

/* Opened O_NONBLOCK: a FIFO in a saved proc tree gives EOF or EAGAIN at
 * once instead of waiting for a writer; procfs ignores the flag. */
static int open_file_at(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

ssize_t sw_read_small(const char *path, char *buf, size_t size)
{
	return sw_read_small_at(AT_FDCWD, path, buf, size);
}

/* fd's whole text, at most size-1 bytes, NUL-terminated: its length or
 * -errno. again: a kept fd, read from offset 0 with pread (procfs makes the
 * text afresh at each read from 0); else a fresh one, with read (which a
 * FIFO in a saved tree answers at once, O_NONBLOCK). */
static ssize_t read_whole(int fd, char *buf, size_t size, int again)
{
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = again ? pread(fd, buf + len, size - 1 - len, (off_t)len)
				  : read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

ssize_t sw_read_small_at(int dirfd, const char *name, char *buf, size_t size)
{
	if (size == 0)
		return -EINVAL;
	int fd = open_file_at(dirfd, name);
	if (fd < 0)
		return fd;
	ssize_t n = read_whole(fd, buf, size, 0);
	close(fd);
	return n;
}

ssize_t sw_read_kept(int dirfd, const char *name, int *fd, char *buf,
		     size_t size)
{
	if (size == 0)
		return -EINVAL;
	if (*fd < 0) {
		int f = open_file_at(dirfd, name);
		if (f < 0)
			return f;
		*fd = f;
	}
	return read_whole(*fd, buf, size, 1);
}

/* root/pid/file, read whole into buf (NUL-terminated): length or < 0. */
static ssize_t read_proc_file(const char *root, pid_t pid, const char *file,
			      char *buf, size_t size)
{
	char path[SW_PATH_MAX];
	int r = sw_proc_path(path, sizeof(path), root, pid, file);
	return r ? r : sw_read_small(path, buf, size);
}

/* Parses the decimal at *s, advancing it; -1 when there is none. */
static int next_u64(const char **s, const char *e, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	while (p < e && *p == ' ')
		p++;
	const char *b = p;
	if (p < e && *p == '-')
		p++;
	while (p < e && *p >= '0' && *p <= '9') {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return -1;
		p++;
	}
	if (p == b || (p < e && *p != ' ' && *p != '\n' && *p != '\t' &&
			*p != '\r'))
		return -1;
	*out = *b == '-' ? 0 : v;
	*s = p;
	return 0;
}

/* Skips n space-separated fields. */
static const char *skip_fields(const char *s, const char *e, int n)
{
	while (n-- > 0) {
		while (s < e && *s == ' ')
			s++;
		while (s < e && *s != ' ')
			s++;
	}
	return s;
}

/* What exec changes, from the fields after starttime(22): startcode(26),
 * endcode(27), startstack(28) and, after 19 more, arg_start(48) and
 * arg_end(49). An old kernel (or a short saved line) stops early: the
 * marks are then of what there was. exec_mark adds comm; mm_mark is of
 * the first three alone (an address space's own, set at exec and never
 * moved after; the arguments' can be, by prctl PR_SET_MM), 0 when they
 * are hidden (no ptrace rights) or absent. */
static void exec_marks(sw_proc_stat *ps, const char *s, const char *e)
{
	uint64_t h = SW_FNV64_INIT, any = 0, v;
	static const int skip[] = {3, 0, 0, 19, 0};
	ps->mm_mark = 0;
	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++) {
		s = skip_fields(s, e, skip[i]);
		if (next_u64(&s, e, &v))
			break;
		h = sw_fnv1a64_more(h, &v, sizeof(v));
		any |= v;
		if (i == 2 && any)
			ps->mm_mark = h | 1;
	}
	ps->exec_mark = sw_fnv1a64_more(sw_fnv1a64(ps->comm, ps->comm_len),
					&h, sizeof(h));
}

/* "pid (comm) state ppid ... starttime(22) ...": comm may hold any byte,
 * ')' and newlines included, so it ends at the LAST ')'. */
int sw_parse_stat(const char *text, size_t len, sw_proc_stat *out)
{
	const char *e = text + len, *open = memchr(text, '(', len), *close = NULL;
	for (const char *p = e; p > text; p--)
		if (p[-1] == ')') {
			close = p - 1;
			break;
		}
	uint64_t pid, threads, start;
	const char *s = text;
	if (!open || !close || close < open || next_u64(&s, open, &pid) ||
	    e - close < 4)
		return -SW_ESYNTAX;
	size_t n = (size_t)(close - open - 1);
	if (n >= SW_COMM_MAX)
		n = SW_COMM_MAX - 1;
	memcpy(out->comm, open + 1, n);
	out->comm[n] = '\0';
	out->comm_len = n;
	out->state = close[2];
	/* After ')': state(3) ppid ... num_threads(20) itrealvalue starttime(22) */
	s = skip_fields(close + 1, e, 17);
	if (next_u64(&s, e, &threads))
		return -SW_ESYNTAX;
	s = skip_fields(s, e, 1);
	if (next_u64(&s, e, &start))
		return -SW_ESYNTAX;
	out->pid = (pid_t)pid;
	out->threads = (long)threads;
	out->start_time = start;
	exec_marks(out, s, e);
	if (next_u64(&s, e, &out->vsize))     /* vsize(23) */
		out->vsize = UINT64_MAX;
	return 0;
}

static int stat_of(ssize_t n, const char *buf, sw_proc_stat *out)
{
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ESRCH;
	return sw_parse_stat(buf, (size_t)n, out);
}

int sw_proc_read_stat(const char *root, pid_t pid, sw_proc_stat *out)
{
	char buf[1024];
	ssize_t n = read_proc_file(root, pid, "stat", buf, sizeof(buf));
	return stat_of(n, buf, out);
}

int sw_proc_read_stat_at(int pidfd, sw_proc_stat *out)
{
	char buf[1024];
	ssize_t n = sw_read_small_at(pidfd, "stat", buf, sizeof(buf));
	return stat_of(n, buf, out);
}

int sw_proc_read_stat_kept(int pidfd, int *fd, sw_proc_stat *out)
{
	char buf[1024];
	ssize_t n = sw_read_kept(pidfd, "stat", fd, buf, sizeof(buf));
	return stat_of(n, buf, out);
}

/* One tab-separated uid of a "Uid:\treal\teffective\tsaved\tfs" line. */
static int next_uid(const char **s, const char *e, uid_t *out)
{
	uint64_t v;
	while (*s < e && **s == '\t')
		(*s)++;
	if (*s == e || **s < '0' || **s > '9' || next_u64(s, e, &v) ||
	    v > UINT32_MAX)
		return -1;
	*out = (uid_t)v;
	return 0;
}

/* "Key:\t   1234 kB" lines (and "Uid:"); the keys we want and where they
 * go. */
int sw_parse_status(const char *text, size_t len, sw_proc_status *out)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{"VmRSS:", offsetof(sw_proc_status, rss)},
		{"RssAnon:", offsetof(sw_proc_status, rss_anon)},
		{"RssFile:", offsetof(sw_proc_status, rss_file)},
		{"RssShmem:", offsetof(sw_proc_status, rss_shmem)},
		{"VmSwap:", offsetof(sw_proc_status, swap)},
		{"VmSize:", offsetof(sw_proc_status, vm_size)},
	};
	const char *e = text + len;
	memset(out, 0, sizeof(*out));
	for (const char *line = text; line < e;) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		const char *le = nl ? nl : e;
		if (le - line > 4 && memcmp(line, "Uid:", 4) == 0) {
			/* a bad one costs the uids, not the counters */
			const char *s = line + 4;
			out->has_uid = !next_uid(&s, le, &out->ruid) &&
				       !next_uid(&s, le, &out->euid);
		}
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t kl = strlen(keys[k].key);
			uint64_t v;
			const char *s = line + kl;
			if ((size_t)(le - line) <= kl || memcmp(line, keys[k].key, kl))
				continue;
			while (s < le && *s == '\t')
				s++;
			if (next_u64(&s, le, &v) || v > (UINT64_MAX >> 10))
				return -SW_ESYNTAX;
			*(uint64_t *)((char *)out + keys[k].off) = v << 10;
		}
		line = le + 1;
	}
	return 0;
}

static int status_of(ssize_t n, const char *buf, sw_proc_status *out)
{
	if (n < 0)
		return (int)n;
	return n == 0 ? -ESRCH : sw_parse_status(buf, (size_t)n, out);
}

int sw_proc_read_status(const char *root, pid_t pid, sw_proc_status *out)
{
	char buf[4096];
	ssize_t n = read_proc_file(root, pid, "status", buf, sizeof(buf));
	return status_of(n, buf, out);
}

int sw_proc_read_status_at(int pidfd, sw_proc_status *out)
{
	char buf[4096];
	ssize_t n = sw_read_small_at(pidfd, "status", buf, sizeof(buf));
	return status_of(n, buf, out);
}

int sw_proc_read_status_kept(int pidfd, int *fd, sw_proc_status *out)
{
	char buf[4096];
	ssize_t n = sw_read_kept(pidfd, "status", fd, buf, sizeof(buf));
	return status_of(n, buf, out);
}

/* NULs to spaces, trailing NULs dropped, NUL-terminated: the length. */
static ssize_t cmdline_text(char *buf, ssize_t n)
{
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return n;
}

ssize_t sw_proc_read_cmdline(const char *root, pid_t pid, char *buf,
			     size_t size)
{
	ssize_t n = read_proc_file(root, pid, "cmdline", buf, size);
	return n <= 0 ? n : cmdline_text(buf, n);
}

static int grow(char **buf, size_t *cap)
{
	size_t want = *cap ? *cap * 2 : 4096;
	if (want > SW_CMDLINE_MAX + 1)
		want = SW_CMDLINE_MAX + 1;
	char *b = realloc(*buf, want);
	if (!b)
		return -ENOMEM;
	*buf = b;
	*cap = want;
	return 0;
}

/* One read() of /proc/PID/cmdline gives at most a page: read to EOF. */
ssize_t sw_proc_read_cmdline_at(int pidfd, char **buf, size_t *cap)
{
	int fd = open_file_at(pidfd, "cmdline");
	if (fd < 0)
		return fd;
	size_t len = 0;
	ssize_t n = 0;
	for (;;) {
		if (len + 1 >= *cap && *cap < SW_CMDLINE_MAX + 1 &&
		    (n = grow(buf, cap)) < 0)
			break;
		if (len + 1 >= *cap)
			break;  /* at the cap: the rest is not matched */
		n = read(fd, *buf + len, *cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			n = n < 0 ? -errno : 0;
			break;
		}
		len += (size_t)n;
	}
	close(fd);
	return n < 0 ? n : cmdline_text(*buf, (ssize_t)len);
}

/* PATH's unit: components that are slices are passed (and may be the
 * unit asked for), the first that is not one is the unit. */
static int path_in_unit(const char *p, const char *e, const char *unit)
{
	size_t ul = strlen(unit);
	while (p < e) {
		while (p < e && *p == '/')
			p++;
		const char *c = p;
		while (p < e && *p != '/')
			p++;
		size_t cl = (size_t)(p - c);
		if (cl == 0)
			return 0;
		if (cl == ul && memcmp(c, unit, ul) == 0)
			return 1;
		if (cl < 6 || memcmp(p - 6, ".slice", 6) != 0)
			return 0;
	}
	return 0;
}

/* The systemd hierarchy's line: "N:name=systemd:PATH" when there is one
 * (cgroup v1, or hybrid, where "0::" is the empty unified tree), else
 * "0::PATH" (cgroup v2). Its PATH into *path..*end, or 0 for none. */
static int systemd_path(const char *t, const char *e, const char **path,
			const char **end)
{
	int found = 0;
	for (const char *line = t; line < e;) {
		const char *nl = memchr(line, '\n', (size_t)(e - line));
		const char *le = nl ? nl : e;
		const char *c1 = memchr(line, ':', (size_t)(le - line));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		size_t ctl = c2 ? (size_t)(c2 - c1 - 1) : 0;
		if (c2 && ctl == 12 && memcmp(c1 + 1, "name=systemd", 12) == 0) {
			*path = c2 + 1, *end = le;
			return 1;
		}
		if (c2 && ctl == 0 && c1 - line == 1 && *line == '0') {
			*path = c2 + 1, *end = le;
			found = 1;
		}
		line = le + 1;
	}
	return found;
}

int sw_cgroup_in_unit(const char *text, size_t len, const char *unit)
{
	const char *p, *e;
	if (!*unit || !systemd_path(text, text + len, &p, &e))
		return 0;
	return path_in_unit(p, e, unit);
}

static int unit_of(ssize_t n, const char *buf, const char *unit)
{
	return n < 0 ? (int)n : sw_cgroup_in_unit(buf, (size_t)n, unit);
}

int sw_proc_in_unit(const char *root, pid_t pid, const char *unit)
{
	char buf[8192];
	ssize_t n = read_proc_file(root, pid, "cgroup", buf, sizeof(buf));
	return unit_of(n, buf, unit);
}

int sw_proc_in_unit_at(int pidfd, const char *unit)
{
	char buf[8192];
	ssize_t n = sw_read_small_at(pidfd, "cgroup", buf, sizeof(buf));
	return unit_of(n, buf, unit);
}

static int is_socket_fd(int dirfd, const char *name)
{
	char link[64];
	ssize_t n = readlinkat(dirfd, name, link, sizeof(link) - 1);
	return n > 7 && memcmp(link, "socket:", 7) == 0;
}

typedef struct {
	long fds, sockets;
	int count_sockets;
} fd_count;

static int count_fd(void *ctx, int dirfd, const char *name)
{
	fd_count *c = ctx;
	if (name[0] == '.')
		return 0;
	c->fds++;
	if (c->count_sockets && is_socket_fd(dirfd, name))
		c->sockets++;
	return 0;
}

static int count_fds_in(int fd, long *fds, long *sockets);

int sw_proc_count_fds(const char *root, pid_t pid, long *fds, long *sockets)
{
	char path[SW_PATH_MAX];
	int r = sw_proc_path(path, sizeof(path), root, pid, "fd");
	if (r)
		return r;
	int fd = sw_dir_open(path);
	return fd < 0 ? fd : count_fds_in(fd, fds, sockets);
}

int sw_proc_count_fds_at(int pidfd, long *fds, long *sockets)
{
	int fd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : count_fds_in(fd, fds, sockets);
}

/* Counts the entries of the fd directory fd, and closes it. */
static int count_fds_in(int fd, long *fds, long *sockets)
{
	_Alignas(8) char buf[SW_DIRENTS_BUF];
	int r;
	fd_count c = {.count_sockets = sockets != NULL};
	r = sw_dirents(fd, buf, sizeof(buf), count_fd, &c);
	close(fd);
	if (r)
		return r;
	*fds = c.fds;
	if (sockets)
		*sockets = c.sockets;
	return 0;
}

/* The file is read in pieces (a master of thousands of workers lists
 * tens of kilobytes); a pid cut at a piece's end is carried over. */
int sw_proc_each_child_at(int pidfd, pid_t pid,
			  int (*fn)(void *ctx, pid_t child), void *ctx)
{
	char name[40], buf[512];
	snprintf(name, sizeof(name), "task/%d/children", (int)pid);
	int fd = open_file_at(pidfd, name);
	if (fd < 0)
		return fd;
	size_t have = 0;  /* bytes of a pid carried from the last piece */
	int r = 0;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		size_t end = have + (size_t)n, start = 0;
		for (size_t i = 0; i <= end && !r; i++) {
			if (i < end && buf[i] != ' ' && buf[i] != '\n')
				continue;
			if (i == end && n > 0)
				break;  /* maybe cut: carried over */
			pid_t child = sw_parse_pid(buf + start, i - start, 0);
			if (child > 0)
				r = fn(ctx, child);
			start = i + 1;
		}
		if (r || n == 0)
			break;
		have = end > start ? end - start : 0;
		if (have == sizeof(buf)) {
			r = -SW_ESYNTAX;  /* no pid is 512 digits long */
			break;
		}
		memmove(buf, buf + start, have);
	}
	close(fd);
	return r;
}

int sw_read_pidfile(const char *path, int as_caller, pid_t *pid,
		    uid_t *owner)
{
	struct stat st;
	int r = sw_read_pidfile_stat(path, as_caller, pid, &st);
	if (r == 0)
		*owner = st.st_uid;
	return r;
}

int sw_read_pidfile_stat(const char *path, int as_caller, pid_t *pid,
			 struct stat *out)
{
	char buf[64];
	struct stat st;
	int fd = sw_caller_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
				O_NOCTTY, as_caller);
	if (fd < 0)
		return fd == -ELOOP ? -SW_EUNSAFE : fd;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -SW_EUNSAFE;
	}
	ssize_t n;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	const char *s = buf, *e;
	while (*s == ' ' || *s == '\t')
		s++;
	/* written with leading zeros (printf "%05d"): still that pid */
	while (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
		s++;
	for (e = s; *e >= '0' && *e <= '9'; e++)
		;
	pid_t v = sw_parse_pid(s, (size_t)(e - s), 0);
	while (*e == ' ' || *e == '\n' || *e == '\t' || *e == '\r')
		e++;
	if (!v || e != buf + n)
		return -EINVAL;  /* a NUL, or anything after the pid */
	*pid = v;
	*out = st;
	return 0;
}
