/* exit_half - holds 4 MiB of heap, then exits after --seconds N: a process
 * whose group must drop to 0 processes halfway through a test. */
#include "grow.h"

int main(int argc, char **argv)
{
	grow_args a;
	struct timespec start;
	grow_parse(argc, argv, &a);
	char *p = malloc(4 << 20);
	if (!p)
		return 1;
	memset(p, 1, 4 << 20);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long t = 0; t >= 0; t = grow_tick(&start, t, a.seconds))
		;
	free(p);
	return 0;
}
