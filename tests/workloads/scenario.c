/* scenario - leaking and non-leaking processes for the leak-signal tests.
 *
 *   scenario KIND [--comm NAME] [--rate KIB_PER_S] [--seconds N]
 *
 * Leaks, each at --rate KiB/s (or items/s for threads and fds):
 *   memfd    a memfd grown and written, mapped shared   -> shmem
 *            (by whole pages: rate/10 rounded down to 4 KiB per tick)
 *   threads  one new idle thread per second, stack touched -> anon, threads
 *   fds      one new socket pair per second              -> fds, sockets
 * Not leaks:
 *   stable   4 MiB written once, then nothing
 *   sawtooth grows the heap for 4 s at --rate, frees all, again and again
 *   warmup   grows the heap at --rate for 4 s, then stays flat */
#include <malloc.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "grow.h"

static void *idle(void *arg)
{
	char stack_use[64 * 1024];
	memset(stack_use, 1, sizeof(stack_use));
	__asm__ volatile("" : : "r"(stack_use) : "memory");
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* Grows one memfd by `step` bytes a tick, mapping and writing the new part. */
static int memfd_tick(int fd, size_t *size, size_t step)
{
	if (ftruncate(fd, (off_t)(*size + step)))
		return -1;
	char *p = mmap(NULL, step, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       (off_t)*size);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 0x5a, step);
	*size += step;
	return 0;
}

/* Heap blocks for sawtooth and warmup, freed all at once. */
static char *blocks[1 << 20];
static size_t nblocks;

static void heap_grow(size_t bytes)
{
	for (size_t i = 0; i < bytes / 64 && nblocks < sizeof(blocks) / sizeof(*blocks); i++) {
		blocks[nblocks] = malloc(48);
		memset(blocks[nblocks++], 0x5a, 48);
	}
}

static void heap_free_all(void)
{
	while (nblocks)
		free(blocks[--nblocks]);
	malloc_trim(0);
}

int main(int argc, char **argv)
{
	grow_args a;
	struct timespec start;
	const char *kind = argc > 1 ? argv[1] : "";
	int fd = memfd_create("scenario", 0);
	size_t size = 0, step;
	pthread_t t;
	int sv[2];
	grow_parse(argc - 1, argv + 1, &a);
	step = (size_t)a.rate_kib * 1024 / 10;
	if (!strcmp(kind, "memfd"))
		step -= step % 4096;   /* mmap offsets are whole pages */
	if (!strcmp(kind, "stable"))
		heap_grow(4 << 20);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long k = 0; k >= 0; k = grow_tick(&start, k, a.seconds)) {
		if (!strcmp(kind, "memfd") && memfd_tick(fd, &size, step))
			return 1;
		if (!strcmp(kind, "threads") && k % 10 == 0 &&
		    pthread_create(&t, NULL, idle, NULL))
			return 1;
		if (!strcmp(kind, "fds") && k % 10 == 0 &&
		    socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			return 1;
		if (!strcmp(kind, "sawtooth") && k % 50 == 49)
			heap_free_all();
		else if (!strcmp(kind, "sawtooth") || (!strcmp(kind, "warmup") && k < 40))
			heap_grow(step);
	}
	return 0;
}
