#include <string.h>
#include "smapwatch/memsum.h"

void sw_memsum_clear(sw_memsum *s)
{
	memset(s, 0, sizeof(*s));
}

void sw_memsum_add_mapping(sw_memsum *s, sw_category c, const sw_counts *m)
{
	sw_counts_add(&s->cat[c], m);
	sw_counts_add(&s->total, m);
	s->vmas[c]++;
	s->total_vmas++;
}

void sw_memsum_merge(sw_memsum *dst, const sw_memsum *src)
{
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		sw_counts_add(&dst->cat[c], &src->cat[c]);
		dst->vmas[c] += src->vmas[c];
	}
	sw_counts_add(&dst->total, &src->total);
	dst->total_vmas += src->total_vmas;
	dst->lib_dup_loads += src->lib_dup_loads;
}
