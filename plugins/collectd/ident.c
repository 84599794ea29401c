#include <stdint.h>
#include <stdio.h>
#include "ident.h"

static int safe(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' ||
	       c == ':' || c == '@' || c == '=' || c == ',' || c == '-';
}

static uint32_t fnv1a32(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

char *cd_ident(char *out, const char *raw, size_t len)
{
	size_t n = len < CD_IDENT_MAX ? len : CD_IDENT_MAX;
	int changed = len > CD_IDENT_MAX || len == 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)raw[i];
		out[i] = safe(c) ? (char)c : '_';
		changed |= !safe(c);
	}
	out[n] = '\0';
	if (changed)
		snprintf(out + n, CD_IDENT_SIZE - n, "_%08x", fnv1a32(raw, len));
	return out;
}
