#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "smapwatch/counts.h"
#include "fieldkey.h"

const char *const sw_field_names[SW_F_COUNT] = {
	"Size", "Rss", "Pss", "Pss_Dirty", "Pss_Anon", "Pss_File", "Pss_Shmem",
	"Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty",
	"Referenced", "Anonymous", "KSM", "LazyFree", "AnonHugePages",
	"ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb", "Private_Hugetlb",
	"Swap", "SwapPss", "Locked",
};

/* Stable output keys: a rename is a NEWS entry (JSON, snapshot files). */
static const char *const sw_field_keys[SW_F_COUNT] = {
	"size", "rss", "pss", "pss_dirty", "pss_anon", "pss_file", "pss_shmem",
	"shared_clean", "shared_dirty", "private_clean", "private_dirty",
	"referenced", "anonymous", "ksm", "lazy_free", "anon_huge_pages",
	"shmem_pmd_mapped", "file_pmd_mapped", "shared_hugetlb",
	"private_hugetlb", "swap", "swap_pss", "locked",
};

/* Field ids by key length, each list ended by -1. */
const signed char sw_key_buckets[SW_KEY_MAXLEN + 1][5] = {
	[0] = {-1}, [1] = {-1}, [2] = {-1},
	[3] = {SW_F_RSS, SW_F_PSS, SW_F_KSM, -1},
	[4] = {SW_F_SIZE, SW_F_SWAP, -1},
	[5] = {-1},
	[6] = {SW_F_LOCKED, -1},
	[7] = {SW_F_SWAP_PSS, -1},
	[8] = {SW_F_PSS_ANON, SW_F_PSS_FILE, SW_F_LAZYFREE, -1},
	[9] = {SW_F_PSS_DIRTY, SW_F_PSS_SHMEM, SW_F_ANONYMOUS, -1},
	[10] = {SW_F_REFERENCED, -1},
	[11] = {-1},
	[12] = {SW_F_SHARED_CLEAN, SW_F_SHARED_DIRTY, -1},
	[13] = {SW_F_PRIVATE_CLEAN, SW_F_PRIVATE_DIRTY, SW_F_ANON_HUGE_PAGES,
		SW_F_FILE_PMD_MAPPED, -1},
	[14] = {SW_F_SHMEM_PMD_MAPPED, SW_F_SHARED_HUGETLB, -1},
	[15] = {SW_F_PRIVATE_HUGETLB, -1},
};

const char *sw_field_name(sw_field f)
{
	if ((unsigned)f >= SW_F_COUNT)
		return NULL;
	return sw_field_names[f];
}

const char *sw_field_key(sw_field f)
{
	if ((unsigned)f >= SW_F_COUNT)
		return NULL;
	return sw_field_keys[f];
}

int sw_field_lookup(const char *key, unsigned len)
{
	return sw_key_lookup(key, len);
}

/* Called for every mapping: two fields per instruction where there is SSE2
 * (compilers at -O2 leave this loop of 23 scalar). */
void sw_counts_add(sw_counts *dst, const sw_counts *src)
{
	int f = 0;
#ifdef __SSE2__
#pragma GCC unroll 12
	for (; f + 2 <= SW_F_COUNT; f += 2) {
		__m128i a = _mm_loadu_si128((const __m128i *)&dst->v[f]);
		__m128i b = _mm_loadu_si128((const __m128i *)&src->v[f]);
		_mm_storeu_si128((__m128i *)&dst->v[f], _mm_add_epi64(a, b));
	}
#endif
	for (; f < SW_F_COUNT; f++)
		dst->v[f] += src->v[f];
	dst->present |= src->present;
}
