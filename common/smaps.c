/* smaps.c - the smaps parser: one pass, no allocation, keys by name.
 *
 * The kernel prints each mapping as a header line
 *   start-end perms offset major:minor inode   name
 * followed by "Key:   value kB" lines and, since 3.8, a VmFlags line last.
 * Field lines are the hot path (about 25 per mapping). Three paths read
 * them, each taking only what the next would read the same way:
 * - the block path: a mapping's field lines that are, values aside, the
 *   same text as the last mapping's (sw_block_run, smaps_fast.c);
 * - the kernel's fixed columns, a line at a time (sw_column_run);
 * - the general path, for any layout, which alone reports errors.
 * Headers in the usual 64-bit layout are read a word at a time
 * (sw_header_fixed), others a digit at a time. Other lines are located with
 * memchr. Any check that runs into the end of the buffer means
 * "incomplete line": the caller feeds it again with more data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/error.h"
#include "fieldkey.h"
#include "smaps_parser.h"

#define INCOMPLETE 0

static inline int is_key_char(unsigned char c)
{
	unsigned char l = c | 0x20;
	return (l >= 'a' && l <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int hexval_of(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int fail_at(sw_smaps_parser *p, unsigned long line, int code,
		   const char *what)
{
	p->err = -code;
	snprintf(p->detail, sizeof(p->detail), "line %lu: %s", line, what);
	return p->err;
}

static void build_hex(sw_smaps_parser *p)
{
	for (int c = 0; c < 256; c++)
		p->hex[c] = (signed char)hexval_of((unsigned char)c);
}

static inline int hexval(const sw_smaps_parser *p, unsigned char c)
{
	return p->hex[c];
}

static int fail(sw_smaps_parser *p, int code, const char *what)
{
	return fail_at(p, p->line + 1, code, what);
}

sw_smaps_parser *sw_smaps_parser_new(void)
{
	sw_smaps_parser *p = malloc(sizeof(*p));
	if (p) {
		p->general_only = 0;
		sw_fast_init(p);
		sw_smaps_parser_baseline_only(p, 0);
		sw_smaps_parser_reset(p);
		build_hex(p);
	}
	return p;
}

void sw_smaps_parser_general_only(sw_smaps_parser *p, int on)
{
	p->general_only = on;
}

void sw_smaps_parser_baseline_only(sw_smaps_parser *p, int on)
{
	p->avx2 = !on && sw_fast_has_avx2();
}

void sw_smaps_parser_free(sw_smaps_parser *p)
{
	free(p);
}

void sw_smaps_parser_reset(sw_smaps_parser *p)
{
	memset(&p->cur, 0, sizeof(p->cur));
	p->stale = 0;
	p->block_in_place = 0;
	p->in_mapping = 0;
	p->fresh = 0;
	p->cur_has_vmflags = 0;
	p->vmflags_mode = -1;
	p->line = 0;
	memset(&p->paths, 0, sizeof(p->paths));
	p->mappings = 0;
	p->err = 0;
	p->detail[0] = '\0';
}

const char *sw_smaps_parser_detail(const sw_smaps_parser *p)
{
	return p->detail;
}

void sw_smaps_parser_paths(const sw_smaps_parser *p, sw_smaps_paths *out)
{
	*out = p->paths;
	out->lines = p->line;
}

/* Hands the finished mapping to fn after checking it is whole. A mapping's
 * faults are found at the next header or at the end, so they name the
 * mapping's own header line. A positive return from fn is made negative:
 * feed() and finish() return counts, and the parse must stop either way. */
static int emit_mapping(sw_smaps_parser *p, sw_mapping_fn fn, void *ctx)
{
	if (!(p->cur.counts.present & (1u << SW_F_RSS)))
		return fail_at(p, p->cur_line, SW_ENOFIELDS,
			       "mapping has no Rss line");
	if (p->vmflags_mode < 0)
		p->vmflags_mode = p->cur_has_vmflags;
	else if (p->vmflags_mode && !p->cur_has_vmflags)
		return fail_at(p, p->cur_line, SW_ETRUNC,
			       "mapping ends before its VmFlags line");
	/* Fields the mapping did not have were not zeroed at its header
	 * (cheaper than clearing them all for every mapping): those that
	 * may hold an earlier value are zeroed now. */
	for (uint32_t absent = ~p->cur.counts.present & p->stale; absent;
	     absent &= absent - 1)
		p->cur.counts.v[__builtin_ctz(absent)] = 0;
	p->stale = p->cur.counts.present;
	p->in_mapping = 0;
	p->mappings++;
	int r = fn ? fn(ctx, &p->cur) : 0;
	if (r)
		p->err = r > 0 ? -r : r;
	return p->err;
}

/* Parses up to 16 hex digits at s (64 bits); NULL when there are none or
 * more. s <= e, and *e ends the header line ('\r' or '\n'): no bound
 * check is needed to find where the digits end. They are converted 8 at a
 * time where the line has room for the loads. */
static const char *parse_hex(const sw_smaps_parser *p, const char *s,
			     const char *e, uint64_t *out)
{
	size_t n = 0;
	while (p->hex[(unsigned char)s[n]] >= 0)
		n++;
	if (n == 0 || n > 16)
		return NULL;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (e - s >= 16 && !p->general_only) {
		/* shifting left brings in NUL bytes, that is leading 0s */
		if (n <= 8)
			*out = hex8(load64(s) << (8 * (8 - n)));
		else
			*out = hex8(load64(s) << (8 * (16 - n))) << 32 |
			       hex8(load64(s + n - 8));
		return s + n;
	}
#endif
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++)
		v = v << 4 | (uint64_t)p->hex[(unsigned char)s[i]];
	*out = v;
	return s + n;
}

static const char *parse_dec(const char *s, const char *e, uint64_t *out)
{
	uint64_t v = 0;
	const char *b = s;
	while (s < e && *s >= '0' && *s <= '9') {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*s - '0'), &v))
			return NULL;
		s++;
	}
	*out = v;
	return s > b ? s : NULL;
}

static const char *expect(const char *s, const char *e, char c)
{
	return (s && s < e && *s == c) ? s + 1 : NULL;
}

/* The same one digit at a time, for any width and case: where the
 * inode ends (NULL for a bad header), or the parse's error. */
static int header_numbers(sw_smaps_parser *p, const char *s, const char *e,
			  const char **after)
{
	sw_mapping *m = &p->cur;
	uint64_t maj = 0, min = 0;
	s = parse_hex(p, s, e, &m->start);
	s = expect(s, e, '-');
	s = s ? parse_hex(p, s, e, &m->end) : NULL;
	s = expect(s, e, ' ');
	if (!s || e - s < 5 || s[4] != ' ')
		return fail(p, SW_ESYNTAX, "bad address range or permissions");
	memcpy(m->perms, s, 4);
	m->perms[4] = '\0';
	s = parse_hex(p, s + 5, e, &m->offset);
	s = expect(s, e, ' ');
	s = s ? parse_hex(p, s, e, &maj) : NULL;
	s = expect(s, e, ':');
	s = s ? parse_hex(p, s, e, &min) : NULL;
	s = expect(s, e, ' ');
	s = s ? parse_dec(s, e, &m->inode) : NULL;
	if (s && (m->start > m->end || maj > UINT32_MAX || min > UINT32_MAX))
		s = NULL;
	m->dev_major = (uint32_t)maj;
	m->dev_minor = (uint32_t)min;
	*after = s;
	return 0;
}

/* "start-end perms offset major:minor inode[ +name]" within [s, e). */
static int parse_header_fields(sw_smaps_parser *p, const char *s,
			       const char *e)
{
	sw_mapping *m = &p->cur;
	const char *q = p->general_only ? NULL : sw_header_fixed(p, s, e);
	if (q)
		q = parse_dec(q, e, &m->inode);
	else if (header_numbers(p, s, e, &q))
		return p->err;
	if (!q || (q < e && *q != ' '))
		return fail(p, SW_ESYNTAX, "bad mapping header");
	while (q < e && *q == ' ')
		q++;
	m->name_len = (size_t)(e - q);
	if (m->name_len)  /* most are anonymous: no call */
		memcpy(p->name, q, m->name_len);
	m->name = p->name;
	return 0;
}

static ssize_t header_line(sw_smaps_parser *p, const char *s, const char *end,
			   sw_mapping_fn fn, void *ctx)
{
	const char *nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		return INCOMPLETE;
	const char *e = (nl > s && nl[-1] == '\r') ? nl - 1 : nl;
	if (nl - s >= SW_LINE_MAX)
		return fail(p, SW_ETOOLONG, "line longer than 32 KiB");
	if (p->in_mapping && emit_mapping(p, fn, ctx))
		return p->err;
	p->cur.counts.present = 0;  /* values: see emit_mapping() */
	p->cur_has_vmflags = 0;
	p->cur.vmflags = "";
	if (parse_header_fields(p, s, e))
		return p->err;
	p->in_mapping = 1;
	p->fresh = 1;
	p->cur_line = p->line + 1;
	return nl + 1 - s;
}

static ssize_t vmflags_line(sw_smaps_parser *p, const char *s, const char *q,
			    const char *end)
{
	const char *nl = memchr(q, '\n', (size_t)(end - q));
	if (!nl)
		return INCOMPLETE;
	const char *e = nl;
	while (q < e && (*q == ' ' || *q == '\t'))
		q++;
	while (e > q && (e[-1] == ' ' || e[-1] == '\r' || e[-1] == '\t'))
		e--;
	size_t n = (size_t)(e - q);
	if (n >= SW_VMFLAGS_MAX)
		n = SW_VMFLAGS_MAX - 1;
	memcpy(p->vmflags, q, n);
	p->vmflags[n] = '\0';
	p->cur_has_vmflags = 1;
	p->cur.vmflags = p->vmflags;
	return nl + 1 - s;
}

/* "Key:<blanks>digits<blanks>kB[\r]\n" for a known field f; q is past ':'. */
static ssize_t value_line(sw_smaps_parser *p, int f, const char *s,
			  const char *q, const char *end)
{
	uint64_t v = 0;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end)
		return INCOMPLETE;
	if (*q < '0' || *q > '9')
		return fail(p, SW_ESYNTAX, "expected a number after the key");
	while (q < end && *q >= '0' && *q <= '9') {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*q - '0'), &v))
			return fail(p, SW_ERANGE, "number over 64 bits");
		q++;
	}
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q == end || (q[0] == 'k' && q + 1 == end))
		return INCOMPLETE;
	if (q[0] != 'k' || q[1] != 'B')
		return fail(p, SW_ESYNTAX, "expected \"kB\" after the number");
	q += 2;
	if (q < end && *q == '\r')
		q++;
	if (q == end)
		return INCOMPLETE;
	if (*q != '\n')
		return fail(p, SW_ESYNTAX, "text after \"kB\"");
	if (v > (UINT64_MAX >> 10))
		return fail(p, SW_ERANGE, "kB value over 64 bits in bytes");
	uint32_t bit = 1u << f;
	if (p->cur.counts.present & bit)
		return fail(p, SW_EDUPFIELD, "field repeated within a mapping");
	p->cur.counts.present |= bit;
	p->cur.counts.v[f] = v << 10;
	p->block_in_place = 0;
	return q + 1 - s;
}

static ssize_t field_line(sw_smaps_parser *p, const char *s, const char *end)
{
	const char *q = s;
	while (q < end && is_key_char((unsigned char)*q))
		q++;
	if (q == end)
		return INCOMPLETE;
	if (*q != ':')
		return fail(p, SW_ESYNTAX, "expected ':' after the key");
	if (!p->in_mapping)
		return fail(p, SW_ESYNTAX, "field before the first mapping header");
	unsigned klen = (unsigned)(q - s);
	int f = sw_key_lookup(s, klen);
	if (f >= 0)
		return value_line(p, f, s, q + 1, end);
	if (klen == 7 && memcmp(s, "VmFlags", 7) == 0)
		return vmflags_line(p, s, q + 1, end);
	const char *nl = memchr(q, '\n', (size_t)(end - q));
	return nl ? nl + 1 - s : INCOMPLETE;
}

ssize_t sw_smaps_parser_feed(sw_smaps_parser *p, const char *buf, size_t len,
			     sw_mapping_fn fn, void *ctx)
{
	const char *end = buf + len;
	size_t pos = 0;
	if (p->err)
		return p->err;
	while (pos < len) {
		const char *s = buf + pos;
		unsigned char c = (unsigned char)*s;
		ssize_t r;
		if (c >= 'A' && c <= 'Z') {
			size_t run = 0;
			/* the line after each mapping's fields: straight to it */
			if (end - s >= 8 && p->in_mapping && !p->general_only &&
			    memcmp(s, "VmFlags:", 8) == 0)
				r = vmflags_line(p, s, s + 8, end);
			else if ((p->fresh && (run = sw_block_run(p, s, end))) ||
				 (run = sw_column_run(p, s, end)) != 0) {
				p->fresh = 0;
				pos += run;  /* its lines counted */
				continue;
			} else
				r = field_line(p, s, end);
			if (r > 0)
				p->fresh = 0;
		} else if (hexval(p, c) >= 0)
			r = header_line(p, s, end, fn, ctx);
		else
			r = fail(p, SW_ESYNTAX,
				 "line starts with neither an address nor a key");
		if (r < 0)
			return r;
		if (r == INCOMPLETE)
			break;
		/* Same limit whether the text comes whole or streamed, where a
		 * longer line could not fit the reader's buffer. */
		if (r > SW_LINE_MAX)
			return fail(p, SW_ETOOLONG, "line longer than 32 KiB");
		pos += (size_t)r;
		p->line++;
	}
	if (len - pos >= SW_LINE_MAX)
		return fail(p, SW_ETOOLONG, "line longer than 32 KiB");
	return (ssize_t)pos;
}

long sw_smaps_parser_finish(sw_smaps_parser *p, size_t leftover,
			    sw_mapping_fn fn, void *ctx)
{
	if (p->err)
		return p->err;
	if (leftover)
		return fail(p, SW_ETRUNC, "input ends in the middle of a line");
	if (p->in_mapping && emit_mapping(p, fn, ctx))
		return p->err;
	return p->mappings;
}

long sw_smaps_parse(sw_smaps_parser *p, const char *buf, size_t len,
		    sw_mapping_fn fn, void *ctx)
{
	ssize_t used = sw_smaps_parser_feed(p, buf, len, fn, ctx);
	if (used < 0)
		return used;
	return sw_smaps_parser_finish(p, len - (size_t)used, fn, ctx);
}
