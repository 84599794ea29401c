/* pid.h - the one parser of process ids, for every place one is read:
 * /proc directory names, pidfiles, "pid:N" selectors and command lines. */
#ifndef SMAPWATCH_PID_H
#define SMAPWATCH_PID_H

#include <stddef.h>
#include <sys/types.h>

/* The kernel's PID_MAX_LIMIT: no pid_max can be set above it. */
#define SW_PID_MAX_LIMIT 4194304

/* sw_parse_pid - the pid written as text[0..len): decimal digits only,
 * the first not '0' (the kernel never writes a leading zero, so "010" is
 * no pid but a name that looks like one), at most max (0: the limit).
 * The pid, or 0 when it is not one. */
pid_t sw_parse_pid(const char *text, size_t len, pid_t max);

/* sw_pid_max - the kernel's pid_max under a proc root (its
 * sys/kernel/pid_max), or SW_PID_MAX_LIMIT when it cannot be read (a
 * saved tree has none). root_fd: a directory fd of the proc root. */
pid_t sw_pid_max(int root_fd);

#endif
