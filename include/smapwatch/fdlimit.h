/* fdlimit.h - the open files a frontend may hold. The core keeps each
 * member's /proc/PID open across cycles, up to half the soft
 * RLIMIT_NOFILE (proccache.h): a frontend that owns its process (not a
 * plugin inside another's daemon) raises the soft limit to the hard one
 * at start, so that a group of thousands keeps them all. */
#ifndef SMAPWATCH_FDLIMIT_H
#define SMAPWATCH_FDLIMIT_H

/* sw_fd_limit_raise - soft RLIMIT_NOFILE := the hard one. The soft limit
 * now (>= 0), or -errno (the limit is then as it was). */
long sw_fd_limit_raise(void);

#endif
