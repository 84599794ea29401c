/* pidfile.h - the pid a pidfile selector follows this cycle, when it may
 * be trusted. Internal to the core. */
#ifndef SW_PIDFILE_H
#define SW_PIDFILE_H

#include <sys/types.h>
#include "smapwatch/procroot.h"

typedef struct {
	const sw_procroot *root;
	int as_caller;            /* open pidfiles with the caller's rights */
	long ticks_per_second;    /* of stat's start times */
	long long boot_time;      /* the root's "btime" (its stat), seconds
				   * since the epoch; 0: unknown */
} pidfile_ctx;

/* pidfile_boot_time - the proc root's boot time (the btime line of its
 * stat file), or 0 when it has none (a saved tree without it). */
long long pidfile_boot_time(const sw_procroot *root);

/* pidfile_follow - the pid in path into *pid: 0, or why not: -errno,
 * -SW_EUNSAFE (type or owner), -SW_ESTALE (older than its process),
 * -EINVAL (no pid in it). A pid with no process is 0: it matches nothing. */
int pidfile_follow(const pidfile_ctx *c, const char *path, pid_t *pid);

#endif
