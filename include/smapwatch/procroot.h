/* procroot.h - the proc root as a handle: opened once, then each process
 * is reached through a directory fd of its /proc/PID (openat for stat,
 * status, cmdline, cgroup, fd), so the files of one process are that
 * process's (a pid reused meanwhile gives ESRCH, not another's files)
 * and no path is walked again per file.
 *
 * The root is opened with the caller's own rights when asked (as_caller:
 * a program with raised privileges), so whether it exists or is readable
 * tells nothing its caller could not see; whether it is the root of a
 * proc file system is then a fact of the open directory, not of a path
 * string that could be swapped. */
#ifndef SMAPWATCH_PROCROOT_H
#define SMAPWATCH_PROCROOT_H

#include <stddef.h>
#include <sys/types.h>
#include "smapwatch/procfs.h"

typedef struct {
	int fd;            /* the root directory; -1 when closed */
	int is_procfs;     /* the root of a proc file system (its magic,
			    * inode 1), not a saved tree or a subdirectory */
	pid_t pid_max;     /* the largest pid its kernel gives */
} sw_procroot;

/* sw_procroot_open - open path as the proc root; as_caller: with the
 * caller's rights (sw_caller_open). 0, or -errno (r->fd is then -1). */
int sw_procroot_open(sw_procroot *r, const char *path, int as_caller);

/* sw_procroot_close - closes it (a closed one may be closed again). */
void sw_procroot_close(sw_procroot *r);

/* sw_procroot_path - the directory it holds with every link resolved (as
 * the kernel names it), into out. 0, or -errno. */
int sw_procroot_path(const sw_procroot *r, char *out, size_t size);

/* sw_procroot_pid - a directory fd of process pid (the caller closes it),
 * or -errno (-ENOENT: no such process). */
int sw_procroot_pid(const sw_procroot *r, pid_t pid);

/* sw_procroot_read_stat - PID/stat read from the root (one open, for the
 * processes the cycle only looks at), parsed as sw_proc_read_stat. */
int sw_procroot_read_stat(const sw_procroot *r, pid_t pid, sw_proc_stat *out);

#endif
