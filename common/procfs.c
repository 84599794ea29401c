/* procfs.c - one small reader per /proc file of a process. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smapwatch/caller.h"
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"
#include "dirents.h"

int sw_proc_path(char *out, size_t size, const char *root, pid_t pid,
		 const char *file)
{
	int n = pid > 0 ? snprintf(out, size, "%s/%d/%s", root, (int)pid, file)
			: snprintf(out, size, "%s/%s", root, file);
	return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

ssize_t sw_read_small(const char *path, char *buf, size_t size)
{
	if (size == 0)
		return -EINVAL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
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
	return 0;
}

int sw_proc_read_stat(const char *root, pid_t pid, sw_proc_stat *out)
{
	char buf[1024];
	ssize_t n = read_proc_file(root, pid, "stat", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ESRCH;
	return sw_parse_stat(buf, (size_t)n, out);
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

int sw_proc_read_status(const char *root, pid_t pid, sw_proc_status *out)
{
	char buf[4096];
	ssize_t n = read_proc_file(root, pid, "status", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return n == 0 ? -ESRCH : sw_parse_status(buf, (size_t)n, out);
}

ssize_t sw_proc_read_cmdline(const char *root, pid_t pid, char *buf,
			     size_t size)
{
	ssize_t n = read_proc_file(root, pid, "cmdline", buf, size);
	if (n <= 0)
		return n;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[n] = '\0';
	return n;
}

/* Lines are "ID:CONTROLLERS:PATH"; a unit is one component of PATH. */
static int path_has_component(const char *p, const char *e, const char *unit)
{
	size_t ul = strlen(unit);
	while (p < e) {
		while (p < e && *p == '/')
			p++;
		const char *c = p;
		while (p < e && *p != '/')
			p++;
		if ((size_t)(p - c) == ul && memcmp(c, unit, ul) == 0)
			return 1;
	}
	return 0;
}

int sw_proc_in_unit(const char *root, pid_t pid, const char *unit)
{
	char buf[8192];
	ssize_t n = read_proc_file(root, pid, "cgroup", buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	for (char *line = buf, *nl; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		char *c1 = memchr(line, ':', (size_t)(nl - line));
		char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(nl - c1 - 1)) : NULL;
		if (c2 && path_has_component(c2 + 1, nl, unit))
			return 1;
		if (!*nl)
			break;
	}
	return 0;
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

int sw_proc_count_fds(const char *root, pid_t pid, long *fds, long *sockets)
{
	char path[SW_PATH_MAX];
	_Alignas(8) char buf[SW_DIRENTS_BUF];
	int r = sw_proc_path(path, sizeof(path), root, pid, "fd");
	if (r)
		return r;
	int fd = sw_dir_open(path);
	if (fd < 0)
		return fd;
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

int sw_read_pidfile(const char *path, int as_caller, pid_t *pid,
		    uid_t *owner)
{
	char buf[64];
	struct stat st;
	int fd = sw_caller_open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK,
				as_caller);
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
	const char *s = buf;
	uint64_t v;
	while (*s == ' ' || *s == '\t')
		s++;
	const char *b = s;
	if (next_u64(&s, buf + n, &v) || *b == '-' || v == 0 || v > 4194304)
		return -EINVAL;
	while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
		s++;
	if (*s)
		return -EINVAL;
	*pid = (pid_t)v;
	*owner = st.st_uid;
	return 0;
}
