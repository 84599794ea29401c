/* plain.c - a single-threaded C process: brk heap, a large malloc (its own
 * anonymous mapping), a read-only file mapping, the binary and libc. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "wl_common.h"

#define SMALL (64 * 1024)        /* under M_MMAP_THRESHOLD: from [heap] */
#define LARGE (1024 * 1024)      /* over it: an unnamed private mapping */

int main(void)
{
	char *small = malloc(SMALL), *large = malloc(LARGE);
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	if (!small || !large || fd < 0) {
		perror("plain: setup");
		return 1;
	}
	void *file = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	if (file == MAP_FAILED) {
		perror("plain: mmap /etc/passwd");
		return 1;
	}
	wl_touch(small, SMALL, 1);
	wl_touch(large, LARGE, 2);
	volatile char first = *(const char *)file;
	(void)first;
	wl_ready_and_wait();
	munmap(file, 4096);
	close(fd);
	free(small);
	free(large);
	return 0;
}
