/* fdlimit.c - see fdlimit.h. */
#include <errno.h>
#include <limits.h>
#include <sys/resource.h>
#include "smapwatch/fdlimit.h"

long sw_fd_limit_raise(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return -errno;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			return -errno;
	}
	return rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > LONG_MAX
		       ? LONG_MAX : (long)rl.rlim_cur;
}
