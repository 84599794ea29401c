/* subtotal.h - bounded per-name sub-totals (per library path, per
 * [anon:NAME] region), with duplicate-load detection for libraries.
 *
 * A sw_subtotals holds at most `max_names` distinct names; memory for them
 * is allocated once in sw_subtotals_new(). Further names are folded into
 * one "(other)" entry, so the figures still sum to the category. */
#ifndef SMAPWATCH_SUBTOTAL_H
#define SMAPWATCH_SUBTOTAL_H

#include <stddef.h>
#include <stdint.h>
#include "smapwatch/counts.h"

#define SW_SUBTOTAL_OTHER "(other)"

typedef struct {
	const char *name;   /* NUL-terminated, owned by the sw_subtotals */
	size_t name_len;
	sw_counts counts;
	uint32_t vmas;
	uint32_t dup_loads; /* extra loads of this library in one process */
} sw_subtotal;

typedef struct sw_subtotals sw_subtotals;

/* sw_subtotals_new - room for max_names names of up to name_bytes in total;
 * NULL on ENOMEM. */
sw_subtotals *sw_subtotals_new(size_t max_names, size_t name_bytes);
void sw_subtotals_free(sw_subtotals *s);
/* sw_subtotals_clear - drop every entry, keep the memory. */
void sw_subtotals_clear(sw_subtotals *s);

/* sw_subtotals_add - account one mapping of `name` (len bytes). */
void sw_subtotals_add(sw_subtotals *s, const char *name, size_t len,
		      const sw_counts *c);

/* sw_subtotals_add_file - the same for a mapped file of one process, also
 * detecting a file (a library) loaded twice: each offset-0 mapping is one
 * load, and a second inode under the same path is another. */
void sw_subtotals_add_file(sw_subtotals *s, const char *name, size_t len,
			   const sw_counts *c, uint64_t offset, uint64_t inode);

/* sw_subtotals_merge - add every entry of src into dst (a group summing its
 * processes; dup_loads add up). Use a dst only for merging. */
void sw_subtotals_merge(sw_subtotals *dst, const sw_subtotals *src);

/* sw_subtotals_count - number of entries, "(other)" included. */
size_t sw_subtotals_count(const sw_subtotals *s);
/* sw_subtotals_get - entry i, in insertion order. */
const sw_subtotal *sw_subtotals_get(const sw_subtotals *s, size_t i);

/* sw_subtotals_top - fill out[0..n) with the entries of largest Rss, ties
 * broken by name; returns how many were written. */
size_t sw_subtotals_top(const sw_subtotals *s, const sw_subtotal **out,
			size_t n);

/* sw_subtotals_dup_loads - sum of dup_loads: the extra copies of libraries
 * mapped more than once. */
uint32_t sw_subtotals_dup_loads(const sw_subtotals *s);

#endif
