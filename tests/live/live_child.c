/* live_child.c - a process with memory in known places, for live tests:
 * the heap grown by sbrk (what malloc does for small blocks, independent
 * of the allocator), a private anonymous map, a shared anonymous map, a
 * mapped file, /dev/zero mapped private and shared, and two threads. Then it stops itself with SIGSTOP, so its
 * smaps cannot change while a test reads it twice. It dies with its parent.
 * "live_child many N": instead, N unmergeable mappings (neighbours differ
 * in protection), "r" on stdout when they are made, then it waits to be
 * killed (exiting, it takes a while to unmap them all), or SIGUSR1 to exec
 * into "live_child idle", which waits to be killed. */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "live_child.h"
#include "pagemaps.h"

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static char *self_path;

/* SIGUSR1 in "many" mode: exec into "idle", a new address space (the
 * old one's smaps, being read, ends early at a record boundary). */
static void exec_idle(int sig)
{
	(void)sig;
	execl(self_path, self_path, "idle", (char *)NULL);
	_exit(4);
}

static int many_maps(long n)
{
	signal(SIGUSR1, exec_idle);
	if (!pagemaps_make(n))
		return 3;
	if (write(1, "r", 1) != 1)
		return 3;
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	pthread_t t;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	self_path = argv[0];
	if (argc == 3 && strcmp(argv[1], "many") == 0)
		return many_maps(strtol(argv[2], NULL, 10));
	if (argc == 2 && strcmp(argv[1], "idle") == 0)
		for (;;)
			pause();
	char *heap = sbrk(LIVE_HEAP_BYTES);
	char *anon = mmap(NULL, LIVE_ANON_BYTES, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *shm = mmap(NULL, LIVE_SHM_BYTES, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int fd = open("/etc/passwd", O_RDONLY);
	volatile char *file = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	int zfd = open("/dev/zero", O_RDWR);
	char *zp = mmap(NULL, LIVE_ZERO_PRIVATE_BYTES, PROT_READ | PROT_WRITE,
			MAP_PRIVATE, zfd, 0);
	char *zs = mmap(NULL, LIVE_ZERO_SHARED_BYTES, PROT_READ | PROT_WRITE,
			MAP_SHARED, zfd, 0);
	if (heap == (void *)-1 || anon == MAP_FAILED || shm == MAP_FAILED ||
	    file == MAP_FAILED || zp == MAP_FAILED || zs == MAP_FAILED)
		return 3;
	memset(zp, 4, LIVE_ZERO_PRIVATE_BYTES);
	memset(zs, 5, LIVE_ZERO_SHARED_BYTES);
	memset(heap, 1, LIVE_HEAP_BYTES);
	memset(anon, 2, LIVE_ANON_BYTES);
	memset(shm, 3, LIVE_SHM_BYTES);
	(void)file[0];
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t, NULL, idle_thread, NULL))
			return 4;
	raise(SIGSTOP);
	return 0;
}
