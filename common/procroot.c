/* procroot.c - see procroot.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include "smapwatch/caller.h"
#include "smapwatch/pid.h"
#include "smapwatch/procroot.h"

#define PROC_ROOT_INO 1   /* the kernel's, for the root of every proc */

static int is_proc_root(int fd)
{
	struct statfs fs;
	struct stat st;
	return fstatfs(fd, &fs) == 0 && fs.f_type == PROC_SUPER_MAGIC &&
	       fstat(fd, &st) == 0 && st.st_ino == PROC_ROOT_INO;
}

int sw_procroot_open(sw_procroot *r, const char *path, int as_caller)
{
	r->is_procfs = 0;
	r->pid_max = SW_PID_MAX_LIMIT;
	r->fd = sw_caller_open(path, O_RDONLY | O_DIRECTORY | O_NONBLOCK,
			       as_caller);
	if (r->fd < 0) {
		int e = r->fd;
		r->fd = -1;
		return e;
	}
	r->is_procfs = is_proc_root(r->fd);
	r->pid_max = sw_pid_max(r->fd);
	return 0;
}

void sw_procroot_close(sw_procroot *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

int sw_procroot_path(const sw_procroot *r, char *out, size_t size)
{
	char link[64];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", r->fd);
	ssize_t n = size ? readlink(link, out, size - 1) : -1;
	if (n < 0)
		return -errno;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

int sw_procroot_read_stat(const sw_procroot *r, pid_t pid, sw_proc_stat *out)
{
	char name[24], buf[1024];
	snprintf(name, sizeof(name), "%d/stat", (int)pid);
	ssize_t n = sw_read_small_at(r->fd, name, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return n == 0 ? -ESRCH : sw_parse_stat(buf, (size_t)n, out);
}

int sw_procroot_pid(const sw_procroot *r, pid_t pid)
{
	char name[16];
	snprintf(name, sizeof(name), "%d", (int)pid);
	int fd = openat(r->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
			O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
