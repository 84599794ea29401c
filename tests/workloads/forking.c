/* forking - a forking server: a master that forks a child every
 * --fork-every seconds; each child lives --child-life seconds, grows
 * --warm KiB of heap over its first second (a worker's warm-up), then
 * stays flat and exits. The master leaks --rate KiB/s (0: no leak) in the
 * heap, or in anon with --anon 1; its pages are shared copy-on-write with
 * the children forked after them.
 *
 *   forking [--comm NAME] [--seconds N] [--rate KIB_PER_S] [--anon 0|1]
 *           [--fork-every S] [--child-life S] [--warm KIB]
 *
 * A leaking master with churning children: --rate 256 --fork-every 1
 * --child-life 3. A churning pool that does not leak: --rate 0 --warm 4096.
 * A leak in memory shared by fork: --rate 256 --fork-every 2
 * --child-life 8 (most of the master's leak is mapped by children too). */
#include <signal.h>
#include "shape.h"

static void child(long life_ticks, size_t warm_tick)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, life_ticks / 10.0))
		if (k < 10 && shape_leak(warm_tick, 0))
			_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	shape_opt o[] = {{"rate", 256}, {"anon", 0}, {"fork-every", 1},
			 {"child-life", 3}, {"warm", 0}};
	double seconds;
	struct timespec start;
	shape_parse(argc, argv, o, 5, &seconds);
	size_t leak = (size_t)(o[0].value * 1024 / 10);
	long every = (long)(o[2].value * 10), life = (long)(o[3].value * 10);
	size_t warm = (size_t)(o[4].value * 1024 / 10);
	if (every < 1 || life < 1)
		return 2;
	signal(SIGCHLD, SIG_IGN);   /* children reaped by the kernel */
	shape_ready();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, seconds)) {
		if (shape_leak(leak, o[1].value != 0))
			return 1;
		if (k % every == every - 1) {
			pid_t pid = fork();
			if (pid == 0)
				child(life, warm);
			if (pid < 0)
				return 1;
		}
	}
	return 0;
}
