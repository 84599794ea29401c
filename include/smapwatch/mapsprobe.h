/* mapsprobe.h - what /proc/PID/maps tells for free, to decide when a full
 * smaps read is worth its stall.
 *
 * maps is printed under per-VMA locks on Linux 6.x, with no page-table
 * walk: reading it costs the process nothing measurable (make bench,
 * bench_stall), where a smaps read stalls its mmap/munmap for up to the
 * whole read. It says how many mappings there are and how much anonymous
 * address space they hold: an mmap leak, a thread leak (a stack and a
 * guard per thread) or a reserved-but-untouched arena shows there before
 * status Rss moves enough for the early rule. The probe is a pure
 * function over text; reading is the caller's. */
#ifndef SMAPWATCH_MAPSPROBE_H
#define SMAPWATCH_MAPSPROBE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct {
	uint32_t mappings;
	uint64_t anon_bytes;   /* size of private mappings with no file:
				* [heap], [stack], unnamed, [anon:...] */
	uint64_t layout;       /* changes when any mapping's range,
				* permissions or name changes */
} sw_maps_probe;

/* sw_maps_probe_begin - an empty probe, ready for the first line. */
void sw_maps_probe_begin(sw_maps_probe *p);

/* sw_maps_probe_feed - account the complete lines at the start of buf
 * ("start-end perms offset dev inode [name]"); the bytes consumed (the
 * caller keeps the rest for the next call), or -SW_ESYNTAX for a line
 * that is not a maps line. */
ssize_t sw_maps_probe_feed(sw_maps_probe *p, const char *buf, size_t len);

/* sw_maps_probe_add - dst += src: a group's members summed (layout hashes
 * added, so the members' order does not matter). */
void sw_maps_probe_add(sw_maps_probe *dst, const sw_maps_probe *src);

/* sw_maps_probe_read_at - reads "maps" under dirfd (a /proc/PID directory)
 * through buf, cap bytes (a line longer than that is -SW_ETOOLONG), into
 * *out. 0, -errno or -SW_E*. */
int sw_maps_probe_read_at(int dirfd, char *buf, size_t cap, sw_maps_probe *out);

/* Thresholds of sw_maps_warrants_full(). */
#define SW_MAPS_MIN_MAPPINGS 64          /* and 10% of them */
#define SW_MAPS_MIN_ANON (64ull << 20)   /* and 10% of it, bytes */

/* sw_maps_warrants_full - whether the change from `then` (at the last
 * full read) to `now` is worth a full read before it is due: the mapping
 * count moved by at least 10% and SW_MAPS_MIN_MAPPINGS, or the anonymous
 * address space by at least 10% and SW_MAPS_MIN_ANON. 1 or 0. */
int sw_maps_warrants_full(const sw_maps_probe *then, const sw_maps_probe *now);

#endif
