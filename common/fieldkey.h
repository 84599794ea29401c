/* fieldkey.h - private: smaps key -> sw_field, inlined into the parser.
 *
 * Keys are bucketed by length; no bucket holds more than four names, and
 * the first character usually settles it before memcmp runs. */
#ifndef SMAPWATCH_FIELDKEY_H
#define SMAPWATCH_FIELDKEY_H

#include <string.h>
#include "smapwatch/counts.h"

#define SW_KEY_MAXLEN 15

extern const char *const sw_field_names[SW_F_COUNT];
extern const signed char sw_key_buckets[SW_KEY_MAXLEN + 1][5];

static inline int sw_key_lookup(const char *key, unsigned len)
{
	if (len == 0 || len > SW_KEY_MAXLEN)
		return -1;
	for (const signed char *f = sw_key_buckets[len]; *f >= 0; f++) {
		const char *n = sw_field_names[*f];
		if (n[0] == key[0] && memcmp(n, key, len) == 0)
			return *f;
	}
	return -1;
}

#endif
