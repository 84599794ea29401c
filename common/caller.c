/* caller.c - see caller.h. */
#include "smapwatch/caller.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

typedef struct {
	struct __user_cap_header_struct h;
	struct __user_cap_data_struct d[2];  /* capabilities 0-31, 32-63 */
} caps;

/* glibc has no wrapper (libcap has): the raw calls, version 3. */
static int caps_io(long nr, caps *c)
{
	c->h.version = _LINUX_CAPABILITY_VERSION_3;
	c->h.pid = 0;
	return syscall(nr, &c->h, c->d) ? -errno : 0;
}

int sw_caller_privileged(void)
{
	return getauxval(AT_SECURE) != 0;
}

int sw_caller_has_cap(int cap)
{
	caps c;
	if (cap < 0 || cap > 63 || caps_io(SYS_capget, &c))
		return 0;
	return (c.d[cap >> 5].effective & CAP_TO_MASK(cap)) != 0;
}

int sw_caller_drop_root(const int *keep, size_t n)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (geteuid() != 0 || uid == 0)
		return 0;
	/* keep the permitted set across the change of every uid from 0 */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) ||
	    setresgid(gid, gid, gid) || setresuid(uid, uid, uid))
		return -errno;
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	caps c = {0};
	for (size_t i = 0; i < n; i++) {
		if (keep[i] < 0 || keep[i] > 63)
			return -EINVAL;
		c.d[keep[i] >> 5].permitted |= CAP_TO_MASK(keep[i]);
	}
	c.d[0].effective = c.d[0].permitted;
	c.d[1].effective = c.d[1].permitted;
	return caps_io(SYS_capset, &c);
}

int sw_caller_open(const char *path, int flags, int as_caller)
{
	if (!as_caller) {
		int fd = open(path, flags | O_CLOEXEC);
		return fd < 0 ? -errno : fd;
	}
	caps saved, low;
	int r = caps_io(SYS_capget, &saved);
	if (r)
		return r;
	low = saved;
	low.d[0].effective = low.d[1].effective = 0;
	if ((r = caps_io(SYS_capset, &low)))
		return r;
	int fd = open(path, flags | O_CLOEXEC);
	int e = errno;
	/* permitted is untouched, so raising effective again cannot fail
	 * but by a kernel bug: then we stay lowered, which is safe */
	caps_io(SYS_capset, &saved);
	return fd < 0 ? -e : fd;
}
