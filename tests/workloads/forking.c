/* forking - a forking server: a master that forks a child every
 * --fork-every seconds on average (each interval half to one and a half
 * of it, at random); each child lives --child-life seconds (give or take
 * half a second, at random), grows
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

/* A worker is forked and ends at moments of its own, as a real pool's
 * are (on demand, when their requests end), not in step with whoever
 * reads the pool. In step with the reads, to the millisecond, a fork or
 * an exit can fall inside every read, which is then off by a sharer's
 * share (docs/leaks.md: the core leaves such reads out, but for every
 * fourth in a row). */
static void child(long life_ticks, size_t warm_tick)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	srand((unsigned)getpid() ^ (unsigned)start.tv_nsec);
	long life_ms = life_ticks * 100 - 500 + rand() % 1000;
	long warm = life_ms / 100 < 10 ? life_ms / 100 : 10;
	for (long k = 0; k >= 0 && k < warm; k = grow_tick(&start, k, 0))
		if (shape_leak(warm_tick, 0))
			_exit(1);
	grow_sleep_until(&start, life_ms);
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
	srand((unsigned)getpid() ^ (unsigned)start.tv_nsec);
	long next = every - 1;   /* the tick of the next fork */
	for (long k = 0; k >= 0; k = grow_tick(&start, k, seconds)) {
		if (shape_leak(leak, o[1].value != 0))
			return 1;
		if (k == next) {
			pid_t pid = fork();
			if (pid == 0)
				child(life, warm);
			if (pid < 0)
				return 1;
			next = k + (every + 1) / 2 + rand() % (every + 1);
		}
	}
	return 0;
}
