#include <stdint.h>
#include <stdio.h>
#include "ident.h"
#include "smapwatch/hash.h"

static int safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' ||
	       c == ':' || c == '@' || c == '=' || c == ',' || c == '-';
}

char *cd_ident(char *out, size_t max, const char *raw, size_t len)
{
	int changed = len > max || len == 0;
	for (size_t i = 0; i < len && !changed; i++)
		changed = !safe((unsigned char)raw[i]);
	size_t keep = changed ? max - 9 : len;
	if (keep > len)
		keep = len;
	for (size_t i = 0; i < keep; i++)
		out[i] = safe((unsigned char)raw[i]) ? raw[i] : '_';
	out[keep] = '\0';
	if (changed)
		snprintf(out + keep, CD_IDENT_SIZE - keep, "_%08x",
			 sw_fnv1a32(raw, len));
	return out;
}
