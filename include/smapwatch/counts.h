/* counts.h - the numeric smaps fields of a mapping, in bytes.
 *
 * Every numeric field a 6.x kernel prints is kept. A field the running
 * kernel did not print has its bit clear in `present`, so consumers can
 * tell "absent" from "zero". */
#ifndef SMAPWATCH_COUNTS_H
#define SMAPWATCH_COUNTS_H

#include <stdint.h>

typedef enum {
	SW_F_SIZE, SW_F_RSS, SW_F_PSS, SW_F_PSS_DIRTY, SW_F_PSS_ANON,
	SW_F_PSS_FILE, SW_F_PSS_SHMEM, SW_F_SHARED_CLEAN, SW_F_SHARED_DIRTY,
	SW_F_PRIVATE_CLEAN, SW_F_PRIVATE_DIRTY, SW_F_REFERENCED, SW_F_ANONYMOUS,
	SW_F_KSM, SW_F_LAZYFREE, SW_F_ANON_HUGE_PAGES, SW_F_SHMEM_PMD_MAPPED,
	SW_F_FILE_PMD_MAPPED, SW_F_SHARED_HUGETLB, SW_F_PRIVATE_HUGETLB,
	SW_F_SWAP, SW_F_SWAP_PSS, SW_F_LOCKED,
	SW_F_COUNT
} sw_field;

typedef struct {
	uint64_t v[SW_F_COUNT]; /* bytes */
	uint32_t present;       /* bit (1u << sw_field) set when printed */
} sw_counts;

/* sw_field_name - the kernel's key for f ("Private_Dirty"), or NULL. */
const char *sw_field_name(sw_field f);

/* sw_field_key - f's stable lower snake_case key for JSON and snapshot
 * files ("private_dirty", "anon_huge_pages"), or NULL. */
const char *sw_field_key(sw_field f);

/* sw_field_lookup - the field whose kernel key is key[0..len), or -1. */
int sw_field_lookup(const char *key, unsigned len);

/* sw_counts_add - dst += src, field by field; present bits are OR-ed. */
void sw_counts_add(sw_counts *dst, const sw_counts *src);

/* sw_counts_uss - unique set size: Private_Clean + Private_Dirty. */
static inline uint64_t sw_counts_uss(const sw_counts *c)
{
	return c->v[SW_F_PRIVATE_CLEAN] + c->v[SW_F_PRIVATE_DIRTY];
}

#endif
