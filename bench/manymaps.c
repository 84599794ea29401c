/* manymaps - benchmark helper: a process with many small anonymous
 * mappings that hold resident memory, like an allocator-heavy server.
 *
 * One anonymous region of N two-page chunks is dirtied, then every other
 * chunk is made read-only: neighbours differ in protection, so the kernel
 * cannot merge them and the process ends up with N separate mappings, each
 * with present pages for smaps to walk. Prints "ready N" on stdout once
 * set up, then sleeps until killed (or until its parent dies).
 *
 * usage: manymaps [N]   (default 30000) */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#define CHUNK_PAGES 2
#define SPARE_MAPS 1000 /* the executable, libraries, stack... */

static long max_map_count(void)
{
	FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

int main(int argc, char **argv)
{
	pid_t parent = getppid();
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 30000;
	long limit = max_map_count();
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t chunk = CHUNK_PAGES * page;

	/* Never outlive the benchmark, even if it is killed. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		return 1;
	if (n < 2) {
		fprintf(stderr, "manymaps: bad mapping count\n");
		return 2;
	}
	if (limit >= 0 && n + SPARE_MAPS > limit) {
		fprintf(stderr, "manymaps: %ld mappings need vm.max_map_count "
			">= %ld (it is %ld)\n", n, n + SPARE_MAPS, limit);
		return 2;
	}
	char *base = mmap(NULL, (size_t)n * chunk, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		fprintf(stderr, "manymaps: mmap: %s\n", strerror(errno));
		return 1;
	}
	/* Huge pages would turn many chunks into one PMD: keep 4 KiB PTEs. */
	madvise(base, (size_t)n * chunk, MADV_NOHUGEPAGE);
	for (long i = 0; i < n; i++) {
		char *c = base + (size_t)i * chunk;
		c[0] = (char)i;               /* every chunk: one page resident */
		if (i % 3 == 0)
			c[page] = (char)i;    /* some: both pages, so Rss varies */
	}
	for (long i = 1; i < n; i += 2)
		if (mprotect(base + (size_t)i * chunk, chunk, PROT_READ) != 0) {
			fprintf(stderr, "manymaps: mprotect: %s\n",
				strerror(errno));
			return 1;
		}
	printf("ready %ld\n", n);
	fflush(stdout);
	for (;;)
		pause();
}
