/* sharedexit - a group sharing memory whose members exit one by one: the
 * parent maps --mib MiB of MAP_SHARED|MAP_ANONYMOUS memory and writes it,
 * forks --members children that read all of it (so each maps every page),
 * and child i exits at --first-exit + i * --exit-every seconds. The group
 * gains nothing: its pages only change hands (the sum of their Pss stays,
 * while a survivor's USS jumps as sharers leave). Not a leak.
 *
 *   sharedexit [--comm NAME] [--seconds N] [--mib M] [--members N]
 *              [--first-exit S] [--exit-every S] */
#include <signal.h>
#include "shape.h"

static void member(const volatile char *p, size_t len, double life)
{
	struct timespec start;
	unsigned sum = 0;
	for (size_t i = 0; i < len; i += 4096)
		sum += p[i];
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, life))
		;
	_exit(sum == 0xffffffffu);
}

int main(int argc, char **argv)
{
	shape_opt o[] = {{"mib", 32}, {"members", 5}, {"first-exit", 20},
			 {"exit-every", 6}};
	double seconds;
	struct timespec start;
	shape_parse(argc, argv, o, 4, &seconds);
	size_t len = (size_t)o[0].value << 20;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	memset(p, 0x33, len);
	signal(SIGCHLD, SIG_IGN);
	for (int i = 0; i < (int)o[1].value; i++) {
		pid_t pid = fork();
		if (pid == 0)
			member(p, len, o[2].value + i * o[3].value);
		if (pid < 0)
			return 1;
	}
	shape_ready();
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, seconds))
		;
	return 0;
}
