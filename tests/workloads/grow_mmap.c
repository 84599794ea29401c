/* grow_mmap - grows anonymous memory by mmap at a known rate: every 100 ms
 * one private anonymous mapping of rate/10 KiB, every page written. The
 * heap does not move. */
#include <sys/mman.h>
#include "grow.h"

int main(int argc, char **argv)
{
	grow_args a;
	struct timespec start;
	grow_parse(argc, argv, &a);
	size_t len = (size_t)a.rate_kib * 1024 / 10;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long t = 0; t >= 0; t = grow_tick(&start, t, a.seconds)) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memset(p, 0x5a, len);
	}
	return 0;
}
