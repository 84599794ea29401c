/* memsum.h - the categorised memory of one process or one group. */
#ifndef SMAPWATCH_MEMSUM_H
#define SMAPWATCH_MEMSUM_H

#include <stdint.h>
#include "smapwatch/category.h"
#include "smapwatch/counts.h"

#define SW_SMALL_VMA (1u << 20)

typedef struct {
	sw_counts cat[SW_CAT_COUNT];  /* an empty category has present 0:
				       * total.present says what the
				       * kernel prints */
	uint32_t vmas[SW_CAT_COUNT];
	uint32_t small_vmas[SW_CAT_COUNT];  /* of Size < SW_SMALL_VMA: many
					     * small heap or anon regions is
					     * fragmentation */
	sw_counts total;            /* always the exact sum of cat[] */
	uint32_t total_vmas;
	uint32_t lib_dup_loads;     /* extra loads of the same library */
} sw_memsum;

/* sw_memsum_clear - all zero. */
void sw_memsum_clear(sw_memsum *s);
/* sw_memsum_add_mapping - account m under category c. */
void sw_memsum_add_mapping(sw_memsum *s, sw_category c, const sw_counts *m);
/* sw_memsum_merge - dst += src (a group summing its processes). */
void sw_memsum_merge(sw_memsum *dst, const sw_memsum *src);

#endif
