/* helper.h - the benchmarks' helper process (manymaps), started with its
 * stdout on a pipe and killed at exit. */
#ifndef BENCH_HELPER_H
#define BENCH_HELPER_H

#include <sys/types.h>

/* helper_start - runs `path count`, waits for its "ready N" line; its pid,
 * or -1 (with a message on stderr). */
pid_t helper_start(const char *path, const char *count);

/* helper_stop - kills and reaps it, if running (an atexit handler). */
void helper_stop(void);

#endif
