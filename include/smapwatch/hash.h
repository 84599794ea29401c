/* hash.h - FNV-1a, the one string hash of the core and the frontends:
 * short keys (names, ids), where its speed and spread are enough. */
#ifndef SMAPWATCH_HASH_H
#define SMAPWATCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#define SW_FNV64_INIT 1469598103934665603ull

/* sw_fnv1a64_more - h extended by the bytes p[0..n): start from
 * SW_FNV64_INIT, or chain several pieces into one hash. */
static inline uint64_t sw_fnv1a64_more(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

static inline uint64_t sw_fnv1a64(const void *p, size_t n)
{
	return sw_fnv1a64_more(SW_FNV64_INIT, p, n);
}

static inline uint32_t sw_fnv1a32(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#endif
