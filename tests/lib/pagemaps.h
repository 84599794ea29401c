/* pagemaps.h - the many-mappings target of the stall bench and the live
 * tests: n one-page private anonymous mappings cut from one region, each
 * page touched (resident), every other one made read-only so that the
 * kernel cannot merge neighbours: n VMAs, so a read of smaps is long and
 * its page walk holds the mmap_lock for a while. Header-only, for the
 * single-file programs that use it. */
#ifndef TESTS_PAGEMAPS_H
#define TESTS_PAGEMAPS_H

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

/* pagemaps_make - the region's start, or NULL (errno set). */
static inline char *pagemaps_make(long n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	char *base = mmap(NULL, (size_t)n * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	for (long i = 0; i < n; i++)
		base[(size_t)i * page] = 1;
	for (long i = 1; i < n; i += 2)
		if (mprotect(base + (size_t)i * page, page, PROT_READ))
			return NULL;
	return base;
}

#endif
