/* ids.c - see ids.h. */
#include "ids.h"

#include <string.h>

enum { ID_OK = 1, TEXT_OK = 2 };

/* What each byte may be: ID_OK | TEXT_OK (3), TEXT_OK only (2) for
 * " ()+./:@", or 0. Generated from the two sets in ids.h's comment. */
static const unsigned char byte_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x10 */
	2, 0, 0, 0, 0, 0, 0, 0, 2, 2, 0, 2, 0, 3, 2, 2,  /* 0x20 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 0, 0, 0, 0, 0,  /* 0x30 */
	2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  /* 0x40 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 3,  /* 0x50 */
	0, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,  /* 0x60 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0, 0, 0, 0, 0,  /* 0x70 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0x90 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xa0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xb0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xc0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xd0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xe0 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  /* 0xf0 */
};

static char *map_bytes(char *dst, size_t size, const char *src, size_t len,
		       unsigned char need)
{
	size_t n = len < size - 1 ? len : size - 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)src[i];
		dst[i] = (byte_class[c] & need) ? (char)c : '_';
	}
	dst[n] = '\0';
	return dst;
}

char *nd_id(char *dst, size_t size, const char *src, size_t len)
{
	if (!len)
		return map_bytes(dst, size, "_", 1, ID_OK);
	return map_bytes(dst, size, src, len, ID_OK);
}

char *nd_text(char *dst, size_t size, const char *src, size_t len)
{
	return map_bytes(dst, size, src, len, TEXT_OK);
}
