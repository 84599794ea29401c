/* jread.c - see jread.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jread.h"

#define SKIP_DEPTH 64

void jr_init(jr *j, const char *text, size_t len)
{
	j->p = j->start = text;
	j->end = text + len;
	j->err[0] = '\0';
}

int jr_fail(jr *j, const char *what)
{
	if (!j->err[0])
		snprintf(j->err, sizeof(j->err), "byte %td: %s",
			 j->p - j->start, what);
	return -1;
}

int jr_peek(jr *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\n' ||
				 *j->p == '\t' || *j->p == '\r'))
		j->p++;
	return j->p < j->end ? (unsigned char)*j->p : -1;
}

int jr_end(jr *j)
{
	return jr_peek(j) < 0 ? 0 : jr_fail(j, "data after the document");
}

static int expect(jr *j, char c)
{
	static char msg[] = "expected 'x'";
	if (jr_peek(j) != (unsigned char)c) {
		char m[sizeof(msg)];
		memcpy(m, msg, sizeof(msg));
		m[10] = c;
		return jr_fail(j, m);
	}
	j->p++;
	return 0;
}

/* Shared by both iterators: the opening bracket on the first call, then
 * either the closing one or a comma. */
static int next(jr *j, int *first, char open, char close)
{
	if (*first) {
		*first = 0;
		if (expect(j, open))
			return -1;
		if (jr_peek(j) == (unsigned char)close) {
			j->p++;
			return 0;
		}
		return 1;
	}
	int c = jr_peek(j);
	if (c == (unsigned char)close) {
		j->p++;
		return 0;
	}
	return expect(j, ',') ? -1 : 1;
}

int jr_arr_next(jr *j, int *first)
{
	return next(j, first, '[', ']');
}

int jr_obj_next(jr *j, int *first, char *key, size_t key_size)
{
	int r = next(j, first, '{', '}');
	if (r != 1)
		return r;
	size_t len;
	if (jr_string_buf(j, key, key_size, &len) || expect(j, ':'))
		return -1;
	return 1;
}

static int hex4(jr *j, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++, j->p++) {
		int c = j->p < j->end ? (unsigned char)*j->p : -1;
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return jr_fail(j, "bad \\u escape");
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

/* One code point above 0xff, as UTF-8 (a surrogate pair joined). */
static int put_utf8(jr *j, unsigned u, char *out, size_t *n)
{
	if (u >= 0xd800 && u < 0xdc00) {
		unsigned lo;
		if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
			return jr_fail(j, "lone surrogate");
		j->p += 2;
		if (hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return jr_fail(j, "bad surrogate pair");
		u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (u < 0x800) {
		out[(*n)++] = (char)(0xc0 | u >> 6);
	} else if (u < 0x10000) {
		out[(*n)++] = (char)(0xe0 | u >> 12);
		out[(*n)++] = (char)(0x80 | (u >> 6 & 0x3f));
	} else {
		out[(*n)++] = (char)(0xf0 | u >> 18);
		out[(*n)++] = (char)(0x80 | (u >> 12 & 0x3f));
		out[(*n)++] = (char)(0x80 | (u >> 6 & 0x3f));
	}
	out[(*n)++] = (char)(0x80 | (u & 0x3f));
	return 0;
}

static int unescape(jr *j, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	if (j->p >= j->end)
		return jr_fail(j, "unterminated string");
	const char *e = strchr(from, *j->p);
	if (e && *j->p) {
		out[(*n)++] = to[e - from];
		j->p++;
		return 0;
	}
	if (*j->p++ != 'u')
		return jr_fail(j, "bad escape");
	unsigned u;
	if (hex4(j, &u))
		return -1;
	if (u <= 0xff) {
		out[(*n)++] = (char)u;  /* \u00XX is the raw byte XX */
		return 0;
	}
	return put_utf8(j, u, out, n);
}

/* Decodes the string at j->p into out, which has room for the raw length
 * (no escape grows). out may be NULL to measure and validate only. */
static int decode(jr *j, char *out, size_t *n)
{
	char tmp[4];
	if (expect(j, '"'))
		return -1;
	*n = 0;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;
		if (c < 0x20)
			return jr_fail(j, "control byte in a string");
		if (c != '\\') {
			if (out)
				out[*n] = (char)c;
			(*n)++;
			j->p++;
			continue;
		}
		j->p++;
		size_t k = 0;
		if (unescape(j, out ? out + *n : tmp, &k))
			return -1;
		*n += k;
	}
	if (j->p >= j->end)
		return jr_fail(j, "unterminated string");
	j->p++;
	return 0;
}

/* Escapes never grow ("\u00e9" is 6 bytes for 1, a pair 12 for 4), so the
 * raw length up to the closing quote bounds the decoded one. */
static size_t raw_span(const jr *j)
{
	const char *p = j->p + 1;
	while (p < j->end && *p != '"')
		p += *p == '\\' && p + 1 < j->end ? 2 : 1;
	return (size_t)(p - j->p - 1);
}

int jr_string(jr *j, char **out, size_t *len)
{
	if (jr_peek(j) != '"')
		return jr_fail(j, "expected a string");
	char *buf = malloc(raw_span(j) + 1);
	if (!buf)
		return jr_fail(j, "out of memory");
	if (decode(j, buf, len)) {
		free(buf);
		return -1;
	}
	buf[*len] = '\0';
	*out = buf;
	return 0;
}

int jr_string_buf(jr *j, char *buf, size_t size, size_t *len)
{
	if (jr_peek(j) != '"')
		return jr_fail(j, "expected a string");
	/* The decoded length decides: "\u00ff" is one byte, and a field of
	 * 4 bytes (perms) may be written as 24 when it holds hostile ones. */
	const char *start = j->p;
	if (decode(j, NULL, len))
		return -1;
	j->p = start;
	if (*len + 1 > size)
		return jr_fail(j, "string too long");
	if (decode(j, buf, len))
		return -1;
	buf[*len] = '\0';
	return 0;
}

int jr_u64(jr *j, uint64_t *v)
{
	if (jr_peek(j) < '0' || jr_peek(j) > '9')
		return jr_fail(j, "expected an unsigned integer");
	uint64_t x = 0;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
		unsigned d = (unsigned)(*j->p - '0');
		if (x > (UINT64_MAX - d) / 10)
			return jr_fail(j, "number does not fit 64 bits");
		x = x * 10 + d;
		j->p++;
	}
	if (j->p < j->end && strchr(".eE", *j->p) && *j->p)
		return jr_fail(j, "expected an integer");
	*v = x;
	return 0;
}

int jr_double(jr *j, double *v)
{
	char buf[64];
	size_t n = 0;
	jr_peek(j);
	while (j->p + n < j->end && n < sizeof(buf) - 1 && j->p[n] &&
	       strchr("+-0123456789.eE", j->p[n]))
		n++;
	memcpy(buf, j->p, n);
	buf[n] = '\0';
	char *e;
	*v = strtod(buf, &e);
	if (n == 0 || (size_t)(e - buf) != n)
		return jr_fail(j, "expected a number");
	j->p += n;
	return 0;
}

int jr_null(jr *j)
{
	if (jr_peek(j) == 'n' && j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
		j->p += 4;
		return 1;
	}
	return 0;
}

static int skip_word(jr *j)
{
	static const char *const words[] = {"true", "false", "null"};
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if ((size_t)(j->end - j->p) >= n && !memcmp(j->p, words[i], n)) {
			j->p += n;
			return 0;
		}
	}
	double d;
	return jr_double(j, &d);
}

static int skip(jr *j, int depth)
{
	char key[256];
	int first = 1, r;
	size_t n;
	if (depth > SKIP_DEPTH)
		return jr_fail(j, "nested too deep");
	switch (jr_peek(j)) {
	case '"':
		return decode(j, NULL, &n);
	case '{':
		while ((r = jr_obj_next(j, &first, key, sizeof(key))) == 1)
			if (skip(j, depth + 1))
				return -1;
		return r;
	case '[':
		while ((r = jr_arr_next(j, &first)) == 1)
			if (skip(j, depth + 1))
				return -1;
		return r;
	default:
		return skip_word(j);
	}
}

int jr_skip(jr *j)
{
	return skip(j, 0);
}
