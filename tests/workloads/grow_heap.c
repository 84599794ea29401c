/* grow_heap - grows [heap] by small mallocs at a known rate.
 * Each malloc(48) takes one 64-byte chunk from glibc's main arena, which
 * grows the brk heap: so the heap's Private_Dirty rises by rate KiB/s. */
#include "grow.h"

int main(int argc, char **argv)
{
	grow_args a;
	struct timespec start;
	grow_parse(argc, argv, &a);
	long per_tick = a.rate_kib * 1024 / 10 / 64;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long t = 0; t >= 0; t = grow_tick(&start, t, a.seconds))
		for (long i = 0; i < per_tick; i++) {
			char *p = malloc(48);
			if (!p)
				return 1;
			memset(p, 0x5a, 48);
		}
	return 0;
}
