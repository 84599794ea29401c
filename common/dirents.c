/* dirents.c - see dirents.h. */
#include "dirents.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/types.h>

int sw_dir_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

int sw_dirents(int fd, char *buf, size_t cap, sw_dirent_fn fn, void *ctx)
{
	int r = 0;
	for (;;) {
		ssize_t n = getdents64(fd, buf, cap);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				r = -errno;
			break;
		}
		/* Records are read by offset: the buffer is bytes, and the
		 * name is NUL-terminated by the kernel. */
		for (size_t off = 0; off < (size_t)n && !r;) {
			unsigned short reclen;
			memcpy(&reclen, buf + off + offsetof(struct dirent64, d_reclen),
			       sizeof(reclen));
			if (reclen == 0)
				break;
			r = fn(ctx, fd, buf + off + offsetof(struct dirent64, d_name));
			off += reclen;
		}
		if (r)
			break;
	}
	return r;
}
