/* opts.c - see opts.h. Every parser takes the whole string or fails. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "opts.h"
#include "smapwatch/category.h"

int cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	int shift = 0;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	}
	if (errno || *end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

int cli_parse_categories(const char *s, unsigned *mask)
{
	const char *p = s;
	*mask = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		char name[16];
		if (n == 0 || n >= sizeof(name))
			return -1;
		memcpy(name, p, n);
		name[n] = '\0';
		int c = sw_category_lookup(name);
		if (c < 0)
			return -1;
		*mask |= 1u << c;
		p += n + (comma != NULL);
	}
	return *mask ? 0 : -1;
}

int cli_parse_field(const char *s)
{
	for (int i = 0; i < SW_F_COUNT; i++)
		if (!strcmp(s, sw_field_key((sw_field)i)))
			return i;
	return -1;
}

int cli_parse_seconds(const char *s, double *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v >= 0.1 && v <= 1e7))
		return -1;
	*out = v;
	return 0;
}

int cli_parse_count(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}
