/* sawleak - a sawtooth in anonymous memory, over a floor that rises
 * steadily or stays flat: a batch buffer filled over each period and
 * released at its end, beside memory that is never released.
 *
 *   sawleak [--comm NAME] [--seconds N] [--rate KIB_PER_S] [--swing KIB]
 *           [--period S]
 *
 * --rate 0 is a pure sawtooth (not a leak). Both parts are in anon: the
 * swing is one reserved region written a slice a tick and dropped with
 * MADV_DONTNEED at the end of each period (Rss falls at once), the floor
 * a new mapping a tick (shape_leak). */
#include "shape.h"

int main(int argc, char **argv)
{
	shape_opt o[] = {{"rate", 128}, {"swing", 16384}, {"period", 2}};
	double seconds;
	struct timespec start;
	shape_parse(argc, argv, o, 3, &seconds);
	size_t swing = (size_t)o[1].value * 1024, leak = (size_t)(o[0].value * 1024 / 10);
	long ticks = (long)(o[2].value * 10);
	size_t slice = (swing / (size_t)(ticks > 0 ? ticks : 1) + 4095) & ~(size_t)4095;
	char *buf = shape_reserve(swing + slice);
	if (!buf || ticks < 2)
		return 1;
	shape_ready();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, seconds)) {
		long at = k % ticks;
		if (at == ticks - 1)
			madvise(buf, swing + slice, MADV_DONTNEED);
		else
			memset(buf + (size_t)at * slice, 0x5a, slice);
		if (shape_leak(leak, 1))
			return 1;
	}
	return 0;
}
