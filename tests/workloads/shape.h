/* shape.h - shared by the leak-shape workloads (sawleak, forking,
 * sharedexit, pageout, sockets): a command line of numeric options, memory
 * that grows steadily in a chosen category, and the 10 Hz tick of grow.h.
 *
 *   WORKLOAD [--comm NAME] [--seconds N] [--OPTION NUMBER]...
 *
 * Each workload lists its options with their defaults; --comm renames the
 * process (children inherit it), --seconds ends it (0: run until killed).
 * It prints "ready PID" once set up. */
#ifndef SHAPE_H
#define SHAPE_H

#include <sys/mman.h>
#include "grow.h"

typedef struct {
	const char *name;   /* without the leading "--" */
	double value;
} shape_opt;

/* Fills opts from argv, sets *seconds, renames the process; exits 2 on a
 * word it does not know. */
static inline void shape_parse(int argc, char **argv, shape_opt *opts,
			       size_t n, double *seconds)
{
	*seconds = 0;
	for (int i = 1; i < argc; i += 2) {
		const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		size_t k = 0;
		if (!v || strncmp(o, "--", 2))
			goto usage;
		if (!strcmp(o, "--comm")) {
			prctl(PR_SET_NAME, v, 0, 0, 0);
			continue;
		}
		if (!strcmp(o, "--seconds")) {
			*seconds = atof(v);
			continue;
		}
		while (k < n && strcmp(o + 2, opts[k].name))
			k++;
		if (k == n)
			goto usage;
		opts[k].value = atof(v);
	}
	return;
usage:
	fprintf(stderr, "usage: %s [--comm NAME] [--seconds N]", argv[0]);
	for (size_t k = 0; k < n; k++)
		fprintf(stderr, " [--%s %g]", opts[k].name, opts[k].value);
	fputc('\n', stderr);
	exit(2);
}

static inline void shape_ready(void)
{
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
}

/* Memory that only grows: `bytes` more a call, written at once. In the
 * heap, by malloc in chunks under glibc's mmap threshold (128 KiB) so brk
 * serves them; in anon, by one private mapping a call (whole pages). */
static inline int shape_leak(size_t bytes, int in_anon)
{
	if (in_anon) {
		size_t len = (bytes + 4095) & ~(size_t)4095;
		if (!len)
			return 0;
		void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		memset(p, 0x6b, len);
		return 0;
	}
	while (bytes) {
		size_t len = bytes < 65536 ? bytes : 65536;
		char *p = malloc(len);
		if (!p)
			return -1;
		memset(p, 0x6b, len);
		__asm__ volatile("" : : "r"(p) : "memory");
		bytes -= len;
	}
	return 0;
}

/* A private anonymous region of len bytes reserved (not yet resident). */
static inline char *shape_reserve(size_t len)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

#endif
