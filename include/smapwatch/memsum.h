/* memsum.h - the categorised memory of one process or one group. */
#ifndef SMAPWATCH_MEMSUM_H
#define SMAPWATCH_MEMSUM_H

#include <stdint.h>
#include "smapwatch/category.h"
#include "smapwatch/counts.h"

typedef struct {
	sw_counts cat[SW_CAT_COUNT];  /* an empty category has present 0:
				       * total.present says what the
				       * kernel prints */
	uint32_t vmas[SW_CAT_COUNT];  /* of heap and anon: the anonymous
				       * regions malloc made; many, with
				       * much reserved, is fragmentation */
	sw_counts total;            /* always the exact sum of cat[] */
	uint32_t total_vmas;
	uint32_t lib_dup_loads;     /* extra loads of the same library */
} sw_memsum;

/* sw_reserved - address space reserved but neither resident nor swapped
 * out (Size - Rss - Swap), bytes: in heap and anon, what an allocator
 * holds without using (freed holes, arenas' untouched tails). */
static inline uint64_t sw_reserved(const sw_counts *c)
{
	uint64_t used = c->v[SW_F_RSS] + c->v[SW_F_SWAP];
	return c->v[SW_F_SIZE] > used ? c->v[SW_F_SIZE] - used : 0;
}

/* sw_memsum_clear - all zero. */
void sw_memsum_clear(sw_memsum *s);
/* sw_memsum_add_mapping - account m under category c. */
void sw_memsum_add_mapping(sw_memsum *s, sw_category c, const sw_counts *m);
/* sw_memsum_merge - dst += src (a group summing its processes). */
void sw_memsum_merge(sw_memsum *dst, const sw_memsum *src);

#endif
