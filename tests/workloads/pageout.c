/* pageout - a leak being swapped out: --resident MiB written at start, then
 * a steady leak of --rate KiB/s, while the oldest resident pages are pushed
 * to swap with MADV_PAGEOUT at --out KiB/s. With --out above --rate, Rss
 * falls while the memory the process owns (Rss + Swap) keeps growing at
 * --rate. All of it is one anonymous mapping. Needs swap: without it the
 * kernel keeps the pages resident, which the test sees in VmSwap.
 *
 *   pageout [--comm NAME] [--seconds N] [--rate KIB_PER_S]
 *           [--resident MIB] [--out KIB_PER_S] [--max MIB] */
#include <errno.h>
#include "shape.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

int main(int argc, char **argv)
{
	shape_opt o[] = {{"rate", 256}, {"resident", 24}, {"out", 512},
			 {"max", 256}};
	double seconds;
	struct timespec start;
	shape_parse(argc, argv, o, 4, &seconds);
	size_t max = (size_t)o[3].value << 20, used = (size_t)o[1].value << 20;
	size_t leak = ((size_t)(o[0].value * 1024 / 10) + 4095) & ~(size_t)4095;
	size_t out = ((size_t)(o[2].value * 1024 / 10) + 4095) & ~(size_t)4095;
	size_t paged = 0;
	char *p = shape_reserve(max);
	if (!p || used > max)
		return 1;
	memset(p, 0x44, used);
	shape_ready();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, seconds)) {
		if (used + leak > max)
			return 1;
		memset(p + used, 0x45, leak);
		used += leak;
		size_t n = paged + out <= used ? out : used - paged;
		if (n && madvise(p + paged, n, MADV_PAGEOUT)) {
			fprintf(stderr, "pageout: MADV_PAGEOUT: %s\n", strerror(errno));
			return 1;
		}
		paged += n;
	}
	return 0;
}
