/* pidfile.c - see pidfile.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"
#include "pidfile.h"

long long pidfile_boot_time(const sw_procroot *root)
{
	/* /proc/stat: the CPUs' lines, the interrupts, then btime; read
	 * once per groupset. Cut short on a huge host: no btime, no check. */
	size_t cap = 256 * 1024;
	char *buf = malloc(cap);
	ssize_t n = buf ? sw_read_small_at(root->fd, "stat", buf, cap) : -1;
	const char *p = n > 0 ? strstr(buf, "\nbtime ") : NULL;
	long long t = p ? strtoll(p + 7, NULL, 10) : 0;
	free(buf);
	return t;
}

/* Followed only when owned by root or by the user the process it names
 * runs as: the owner of /proc/PID, or the effective uid in its status (a
 * process that is not dumpable, one that changed user after starting as
 * root, has a root-owned /proc/PID). Not the real uid: a set-user-ID
 * program started by the pidfile's owner (su, passwd) runs as root. */
static int owner_ok(int pidfd, uid_t owner)
{
	struct stat st;
	sw_proc_status ps;
	if (owner == 0 || (fstat(pidfd, &st) == 0 && st.st_uid == owner))
		return 1;
	return sw_proc_read_status_at(pidfd, &ps) == 0 && ps.has_uid &&
	       ps.euid == owner;
}

/* A service writes its pidfile after it starts: one last written before
 * its process started names a pid reused since (the service died and
 * left it). Start times are ticks after boot; the boot time is whole
 * seconds, hence a second's slack, and one more for the file system's
 * clock. (A wall clock stepped forward after the file was written makes
 * it look older: then the pidfile is refused, and says why.) */
static int stale(const pidfile_ctx *c, int pidfd, const struct stat *st)
{
	sw_proc_stat ps;
	if (!c->boot_time || c->ticks_per_second <= 0 ||
	    sw_proc_read_stat_at(pidfd, &ps))
		return 0;
	long long started = c->boot_time +
			    (long long)(ps.start_time / (uint64_t)c->ticks_per_second);
	return (long long)st->st_mtim.tv_sec + 2 < started;
}

int pidfile_follow(const pidfile_ctx *c, const char *path, pid_t *pid)
{
	struct stat st;
	int r = sw_read_pidfile_stat(path, c->as_caller, pid, &st);
	if (r)
		return r;
	int pidfd = sw_procroot_pid(c->root, *pid);
	if (pidfd < 0)
		return 0;  /* no such process: it matches nothing anyway */
	r = !owner_ok(pidfd, st.st_uid) ? -SW_EUNSAFE
	    : stale(c, pidfd, &st)      ? -SW_ESTALE : 0;
	close(pidfd);
	return r;
}
