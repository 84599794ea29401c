/* caller.h - a program given more rights than whoever starts it (file
 * capabilities from setcap, or setuid root where the file system has
 * none) reads /proc with them, and everything its caller names (a config
 * file, pidfiles) with the caller's own rights only, so that lending it
 * out lends nothing. Linux only; for a single-threaded program (the
 * capability calls act on the calling thread). */
#ifndef SMAPWATCH_CALLER_H
#define SMAPWATCH_CALLER_H

#include <stddef.h>

/* sw_caller_privileged - 1 when the kernel started this program with more
 * rights than its caller (AT_SECURE: setuid, setgid, file capabilities). */
int sw_caller_privileged(void);

/* sw_caller_drop_root - when setuid root: become the real user again,
 * keeping only the n capabilities of keep (CAP_SYS_PTRACE...: which ones
 * is the frontend's, as its package's setcap line is), permitted and
 * effective. Does nothing otherwise. 0, or -errno. */
int sw_caller_drop_root(const int *keep, size_t n);

/* sw_caller_open - open(path, flags | O_CLOEXEC); with as_caller, with
 * the effective capabilities lowered for the call: the caller's rights,
 * the whole path walk included. The fd, or -errno. */
int sw_caller_open(const char *path, int flags, int as_caller);

/* sw_caller_has_cap - 1 when cap (CAP_SYS_PTRACE...) is in this thread's
 * effective set, 0 when not or when it cannot be told. */
int sw_caller_has_cap(int cap);

#endif
