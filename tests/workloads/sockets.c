/* sockets - memory that grows with connections, or with connections flat.
 * Every --conn-every seconds it opens one more socket and keeps --per-conn
 * KiB of heap for it (a per-connection leak); beside that it leaks --rate
 * KiB/s of heap whatever its sockets (a request-path leak), holding
 * --sockets sockets open from the start.
 *
 *   sockets [--comm NAME] [--seconds N] [--conn-every S] [--per-conn KIB]
 *           [--rate KIB_PER_S] [--sockets N] */
#include <sys/socket.h>
#include "shape.h"

int main(int argc, char **argv)
{
	shape_opt o[] = {{"conn-every", 1}, {"per-conn", 256}, {"rate", 0},
			 {"sockets", 2}};
	double seconds;
	struct timespec start;
	shape_parse(argc, argv, o, 4, &seconds);
	long every = (long)(o[0].value * 10);
	size_t per_conn = (size_t)(o[1].value * 1024), leak = (size_t)(o[2].value * 1024 / 10);
	for (int i = 0; i < (int)o[3].value; i++)
		if (socket(AF_UNIX, SOCK_DGRAM, 0) < 0)
			return 1;
	shape_ready();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, seconds)) {
		if (every > 0 && k % every == every - 1 &&
		    (socket(AF_UNIX, SOCK_DGRAM, 0) < 0 || shape_leak(per_conn, 0)))
			return 1;
		if (shape_leak(leak, 0))
			return 1;
	}
	return 0;
}
