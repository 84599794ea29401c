/* procfs.h - small readers for the /proc files of one process.
 *
 * Each reader takes the proc root ("/proc", "/host/proc", or a fixture
 * tree) and a pid, or (the _at forms) a directory fd of one process's
 * /proc/PID (sw_procroot_pid), and returns 0 or a negative code; none
 * logs, none allocates except where it says so. Every file is opened
 * O_NONBLOCK: a FIFO planted in a saved proc tree cannot hang a read
 * (procfs itself ignores the flag). */
#ifndef SMAPWATCH_PROCFS_H
#define SMAPWATCH_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SW_COMM_MAX 64   /* the kernel's TASK_COMM_LEN is 16 */
#define SW_PATH_MAX 4352 /* a proc root + "/PID/" + a file name */

/* Identity and basics from /proc/PID/stat. comm holds the raw bytes
 * between the first '(' and the last ')': any byte but NUL may appear. */
typedef struct {
	pid_t pid;
	char comm[SW_COMM_MAX];
	size_t comm_len;
	char state;                /* 'R', 'S', 'Z', ... */
	uint64_t start_time;       /* clock ticks after boot: pid + this is
				    * the process's identity */
	long threads;
	uint64_t vsize;            /* bytes of address space (field 23); 0
				    * when none is attached: a kernel
				    * thread, or a process past exit_mm();
				    * UINT64_MAX when the line stops before
				    * it (a short saved line) */
	uint64_t exec_mark;        /* changes when the process execs: a hash
				    * of comm and of where its code, stack
				    * and arguments are (stat's startcode,
				    * endcode, startstack, arg_start,
				    * arg_end; 0 there without ptrace
				    * rights, then comm alone) */
	uint64_t mm_mark;          /* of startcode, endcode and startstack
				    * alone: the address space's (exec
				    * gives a new one); 0 when hidden or
				    * absent */
} sw_proc_stat;

/* The longest command line read (the kernel allows a quarter of the
 * stack limit for argv and environment: 2 MiB by default). Matching sees
 * all of it up to there. */
#define SW_CMDLINE_MAX (4u << 20)

/* The cheap counters of /proc/PID/status, in bytes: the kernel keeps them
 * as it goes, so reading them costs no page-table walk (unlike smaps); and
 * who the process runs as. */
typedef struct {
	uint64_t rss, rss_anon, rss_file, rss_shmem, swap;
	uint64_t vm_size;          /* VmSize: address space, for the maps
				    * probe (it changes when mappings come,
				    * go or grow) */
	int has_uid;               /* a "Uid:" line was read: */
	uid_t ruid, euid;          /* the real and effective user */
} sw_proc_status;

/* sw_proc_path - root + "/" + pid + "/" + file into out; -ENAMETOOLONG
 * when it does not fit. pid 0 means no pid component. */
int sw_proc_path(char *out, size_t size, const char *root, pid_t pid,
		 const char *file);

/* sw_read_small - read a whole small file (at most size-1 bytes) into buf,
 * NUL-terminated; returns its length or -errno. EINTR is retried. */
ssize_t sw_read_small(const char *path, char *buf, size_t size);
/* sw_read_small_at - the same for name relative to the directory fd
 * dirfd (or AT_FDCWD). */
ssize_t sw_read_small_at(int dirfd, const char *name, char *buf, size_t size);
/* sw_read_kept - the same through *fd, a file kept open by the caller
 * across reads: opened under dirfd when *fd < 0 (and then the caller's
 * even when the read fails), read whole from offset 0 each time. For
 * procfs files, which are made afresh at each read from 0 (a saved tree's
 * regular file would keep the text of a file since replaced). */
ssize_t sw_read_kept(int dirfd, const char *name, int *fd, char *buf,
		     size_t size);

/* sw_parse_stat - parse the text of /proc/PID/stat; 0 or -SW_ESYNTAX. */
int sw_parse_stat(const char *text, size_t len, sw_proc_stat *out);
/* sw_proc_read_stat - read and parse /proc/PID/stat. */
int sw_proc_read_stat(const char *root, pid_t pid, sw_proc_stat *out);
int sw_proc_read_stat_at(int pidfd, sw_proc_stat *out);
/* sw_proc_read_stat_kept - through a kept fd of it (sw_read_kept). */
int sw_proc_read_stat_kept(int pidfd, int *fd, sw_proc_stat *out);

/* sw_parse_status - VmRSS, RssAnon, RssFile, RssShmem and VmSwap from the
 * text of /proc/PID/status, by key; absent keys stay 0 (a kernel thread has
 * none). 0, or -SW_ESYNTAX for a key without a number. */
int sw_parse_status(const char *text, size_t len, sw_proc_status *out);
/* sw_proc_read_status - read and parse /proc/PID/status. */
int sw_proc_read_status(const char *root, pid_t pid, sw_proc_status *out);
int sw_proc_read_status_at(int pidfd, sw_proc_status *out);
int sw_proc_read_status_kept(int pidfd, int *fd, sw_proc_status *out);

/* sw_proc_read_cmdline - /proc/PID/cmdline with NULs turned to spaces,
 * trailing NUL dropped, NUL-terminated in buf (truncated to size-1). */
ssize_t sw_proc_read_cmdline(const char *root, pid_t pid, char *buf,
			     size_t size);
/* sw_proc_read_cmdline_at - the whole command line the same way, into
 * *buf (malloc'd, *cap bytes; grown as needed up to SW_CMDLINE_MAX + 1,
 * the caller frees it): its length, or < 0. */
ssize_t sw_proc_read_cmdline_at(int pidfd, char **buf, size_t *cap);

/* sw_cgroup_in_unit - 1 when the text of a /proc/PID/cgroup file puts
 * the process in unit ("redis-server.service") or in a slice above it,
 * 0 when not. The process's cgroup is the systemd hierarchy's
 * ("N:name=systemd:PATH" under cgroup v1 or hybrid, "0::PATH" otherwise);
 * its unit is PATH's first component that is not a slice, as systemd
 * reads it: slices are the unit's containers (system.slice), and what is
 * below the unit is its own (a user's services are below
 * user@UID.service, so a user's api.service is never the system's). */
int sw_cgroup_in_unit(const char *text, size_t len, const char *unit);
/* sw_proc_in_unit - the same for /proc/PID/cgroup; < 0 when unreadable. */
int sw_proc_in_unit(const char *root, pid_t pid, const char *unit);
int sw_proc_in_unit_at(int pidfd, const char *unit);

/* sw_proc_each_child_at - fn(ctx, child) for each pid in pidfd's
 * task/PID/children: the children of the process's main thread (those
 * forked by its other threads are in their own task's file). Stops at
 * fn's first non-zero return, and returns it; else 0, or -errno (ENOENT:
 * a saved tree, or a kernel without CONFIG_PROC_CHILDREN). */
int sw_proc_each_child_at(int pidfd, pid_t pid,
			  int (*fn)(void *ctx, pid_t child), void *ctx);

/* sw_proc_count_fds - number of open fds, and of those that are sockets
 * (sockets may be NULL to skip the per-fd readlink). */
int sw_proc_count_fds(const char *root, pid_t pid, long *fds, long *sockets);
int sw_proc_count_fds_at(int pidfd, long *fds, long *sockets);

/* sw_read_pidfile - the pid written in path, and the file's owner. Only a
 * regular file is read, and not through a symlink at its last component
 * (-SW_EUNSAFE otherwise): anyone who can write a pidfile could point
 * monitoring at any process. With as_caller, it is opened with the
 * caller's rights only (sw_caller_open). -EINVAL when it holds no
 * plausible pid. */
int sw_read_pidfile(const char *path, int as_caller, pid_t *pid,
		    uid_t *owner);
/* sw_read_pidfile_stat - the same, with the file's whole stat (its
 * owner, its mtime). */
struct stat;
int sw_read_pidfile_stat(const char *path, int as_caller, pid_t *pid,
			 struct stat *st);

#endif
