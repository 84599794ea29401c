/* smaps.c - the smaps parser: one pass, no allocation, keys by name.
 *
 * The kernel prints each mapping as a header line
 *   start-end perms offset major:minor inode   name
 * followed by "Key:   value kB" lines and, since 3.8, a VmFlags line last.
 * Field lines are the hot path (about 25 per mapping), so they are parsed
 * in one forward scan without first searching for the newline; other lines
 * are located with memchr. Any check that runs into the end of the buffer
 * means "incomplete line": the caller feeds it again with more data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/error.h"
#include "smapwatch/smaps.h"
#include "fieldkey.h"

#define INCOMPLETE 0

/* The keys of the column fast path (column_run): the kept fields, then two
 * printed with "kB" and two without (COL_FIRST_NUM on), all skipped. */
#define COL_FIRST_NUM (SW_F_COUNT + 2)
#define COL_KEYS (SW_F_COUNT + 4)

struct sw_smaps_parser {
	sw_mapping cur;
	int in_mapping;
	int cur_has_vmflags;
	int vmflags_mode;        /* -1 unknown, else whether mappings have it */
	int general_only;        /* no fast path (differential tests) */
	unsigned long line;      /* lines consumed so far */
	unsigned long cur_line;  /* line number of the current header */
	long mappings;
	int err;
	char detail[160];
	char vmflags[SW_VMFLAGS_MAX];
	signed char col_slot[32]; /* column_run(): col_hash -> key_col index */
	signed char col_next[COL_KEYS + 1]; /* the key that followed each key
				   * (the header: COL_KEYS) last time */
	signed char hex[256];     /* digit value of a hex character, or -1 */
	char name[SW_LINE_MAX];
};

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

static void build_col_slots(sw_smaps_parser *p);

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
		sw_smaps_parser_reset(p);
		build_col_slots(p);
		build_hex(p);
	}
	return p;
}

void sw_smaps_parser_general_only(sw_smaps_parser *p, int on)
{
	p->general_only = on;
}

void sw_smaps_parser_free(sw_smaps_parser *p)
{
	free(p);
}

void sw_smaps_parser_reset(sw_smaps_parser *p)
{
	memset(&p->cur, 0, sizeof(p->cur));
	p->in_mapping = 0;
	p->cur_has_vmflags = 0;
	p->vmflags_mode = -1;
	p->line = 0;
	p->mappings = 0;
	p->err = 0;
	p->detail[0] = '\0';
	p->vmflags[0] = '\0';
}

const char *sw_smaps_parser_detail(const sw_smaps_parser *p)
{
	return p->detail;
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
	 * (cheaper than clearing them all for every mapping). */
	for (uint32_t absent = ~p->cur.counts.present &
			       ((1u << SW_F_COUNT) - 1);
	     absent; absent &= absent - 1)
		p->cur.counts.v[__builtin_ctz(absent)] = 0;
	p->cur.vmflags = p->vmflags;
	p->in_mapping = 0;
	p->mappings++;
	int r = fn ? fn(ctx, &p->cur) : 0;
	if (r)
		p->err = r > 0 ? -r : r;
	return p->err;
}

static inline uint64_t load64(const char *s)
{
	uint64_t v;
	memcpy(&v, s, 8);
	return v;
}

#define BYTES(x) (0x0101010101010101ull * (x))

/* The value of 8 hex digits loaded as one little-endian word (the first,
 * most significant, in the lowest byte); NUL bytes count as 0 digits. */
static inline uint64_t hex8(uint64_t w)
{
	uint64_t d = (w & BYTES(0x0f)) + 9 * ((w >> 6) & BYTES(0x01));
	d = (d * 16 + (d >> 8)) & 0x00ff00ff00ff00ffull;
	d = (d * 256 + (d >> 16)) & 0x0000ffff0000ffffull;
	return (d * 65536 + (d >> 32)) & 0xffffffffull;
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

/* "start-end perms offset major:minor inode[ +name]" within [s, e). */
static int parse_header_fields(sw_smaps_parser *p, const char *s,
			       const char *e)
{
	sw_mapping *m = &p->cur;
	uint64_t maj, min;
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
	if (!s || (s < e && *s != ' ') || m->start > m->end ||
	    maj > UINT32_MAX || min > UINT32_MAX)
		return fail(p, SW_ESYNTAX, "bad mapping header");
	m->dev_major = (uint32_t)maj;
	m->dev_minor = (uint32_t)min;
	while (s < e && *s == ' ')
		s++;
	m->name_len = (size_t)(e - s);
	memcpy(p->name, s, m->name_len);
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
	p->vmflags[0] = '\0';
	if (parse_header_fields(p, s, e))
		return p->err;
	p->in_mapping = 1;
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
	return q + 1 - s;
}

static ssize_t field_line(sw_smaps_parser *p, const char *s, const char *end)
{
	const char *q = s;
	/* the line after every mapping's fields: straight to it */
	if (end - s >= 8 && p->in_mapping && !p->general_only &&
	    memcmp(s, "VmFlags:", 8) == 0)
		return vmflags_line(p, s, s + 8, end);
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

/* Fast path. The kernel prints each field as "%-16s%8lu kB\n" (SEQ_PUT_DEC
 * in fs/proc/task_mmu.c): key, ':' and blanks fill 16 columns, the value
 * is right-aligned in the next 8. A line in exactly that layout is 28
 * bytes, so where the next line starts is known without scanning this
 * one, the key is found by hashing its 16 columns and confirmed by two
 * 8-byte compares, and the value is a fixed 8-byte column. THPeligible and
 * ProtectionKey come as "%-16s%8u\n" (25 bytes, no unit) and are skipped
 * the same way. Any other line (a wider value, tabs, CRLF, an unknown key)
 * takes the general path, which alone decides what is an error. */
#define COL_LINE 28
#define COL_NUM_LINE 25

/* The 16 columns of each key (COL_KEYS, at the top). */
static const char key_col[COL_KEYS][17] = {
	"Size:           ", "Rss:            ", "Pss:            ",
	"Pss_Dirty:      ", "Pss_Anon:       ", "Pss_File:       ",
	"Pss_Shmem:      ", "Shared_Clean:   ", "Shared_Dirty:   ",
	"Private_Clean:  ", "Private_Dirty:  ", "Referenced:     ",
	"Anonymous:      ", "KSM:            ", "LazyFree:       ",
	"AnonHugePages:  ", "ShmemPmdMapped: ", "FilePmdMapped:  ",
	"Shared_Hugetlb: ", "Private_Hugetlb:", "Swap:           ",
	"SwapPss:        ", "Locked:         ",
	"KernelPageSize: ", "MMUPageSize:    ",
	"THPeligible:    ", "ProtectionKey:  ",
};

/* Collision-free over key_col on little-endian machines (the multiplier
 * was found by search); a collision elsewhere, or after a key is added,
 * only sends that key to the general path. */
static inline unsigned col_hash(uint64_t w0, uint64_t w1)
{
	return (unsigned)(((w0 ^ w1) * 0x2c9deafc912a3815ull) >> 59);
}

static void build_col_slots(sw_smaps_parser *p)
{
	memset(p->col_next, 0, sizeof(p->col_next));
	memset(p->col_slot, -1, sizeof(p->col_slot));
	for (int f = 0; f < COL_KEYS; f++) {
		unsigned h = col_hash(load64(key_col[f]), load64(key_col[f] + 8));
		if (p->col_slot[h] < 0)
			p->col_slot[h] = (signed char)f;
	}
}

/* The value column: blanks, then 1 to 8 digits; its value, or -1. On a
 * little-endian machine the 8 bytes are checked and converted as one word
 * (the first byte is the lowest): no branch per character. */
static inline int64_t value8(const char *s)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t w = load64(s), t = w ^ BYTES(' ');
	unsigned last = (unsigned)(w >> 56) - '0';
	/* most values are one digit (0 kB above all): seven blanks first */
	if ((t & 0x00ffffffffffffffull) == 0)
		return last <= 9 ? (int64_t)last : -1;
	/* 0xff in each blank byte, exactly (no carry between bytes) */
	uint64_t nonblank = (((t & BYTES(0x7f)) + BYTES(0x7f)) | t) & BYTES(0x80);
	uint64_t blank = ((nonblank ^ BYTES(0x80)) >> 7) * 0xff;
	/* blanks only before the digits, and at least one digit */
	if ((blank & (blank + 1)) != 0 || blank == UINT64_MAX)
		return -1;
	uint64_t z = w + (blank & BYTES(0x10));  /* leading blanks -> '0' */
	if ((z & BYTES(0xf0)) != BYTES(0x30) ||
	    ((z + BYTES(0x06)) & BYTES(0xf0)) != BYTES(0x30))
		return -1;
	uint64_t d = z - BYTES('0');  /* digit values, most significant first */
	d = (d * 10 + (d >> 8)) & 0x00ff00ff00ff00ffull;     /* 4 x 2 digits */
	d = (d * 100 + (d >> 16)) & 0x0000ffff0000ffffull;   /* 2 x 4 digits */
	return (int64_t)((d * 10000 + (d >> 32)) & 0xffffffffull);
#else
	int i = 0;
	int64_t v = 0;
	while (i < 7 && s[i] == ' ')
		i++;
	for (; i < 8; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d > 9)
			return -1;
		v = v * 10 + d;
	}
	return v;
#endif
}

/* The field lines in the kernel's layout from s on (a mapping's are
 * consecutive): the bytes they take, 0 when the line at s is not one
 * (then nothing has changed). The present bits and the line count stay
 * in registers for the run: through *p they would chain every line to
 * the previous one's store. */
static size_t column_run(sw_smaps_parser *p, const char *s, const char *end)
{
	const char *b = s;
	uint32_t present = p->cur.counts.present;
	unsigned long lines = 0;
	if (!p->in_mapping || p->general_only)
		return 0;
	int prev = COL_KEYS;  /* the header */
	while (end - s >= COL_NUM_LINE) {
		uint64_t w0 = load64(s), w1 = load64(s + 8);
		/* The kernel prints the keys in one order: try the key that
		 * came next last time before hashing. */
		int f = p->col_next[prev];
		if (load64(key_col[f]) != w0 || load64(key_col[f] + 8) != w1) {
			f = p->col_slot[col_hash(w0, w1)];
			if (f < 0 || load64(key_col[f]) != w0 ||
			    load64(key_col[f] + 8) != w1)
				break;
			p->col_next[prev] = (signed char)f;
		}
		prev = f;
		int64_t v = value8(s + 16);
		if (v < 0)
			break;
		if (f >= COL_FIRST_NUM) {
			if (s[24] != '\n')
				break;
			s += COL_NUM_LINE;
			lines++;
			continue;
		}
		if (end - s < COL_LINE || memcmp(s + 24, " kB\n", 4) != 0)
			break;
		if (f < SW_F_COUNT) {
			uint32_t bit = 1u << f;
			if (present & bit)
				break; /* the general path reports it */
			present |= bit;
			p->cur.counts.v[f] = (uint64_t)v << 10;
		}
		s += COL_LINE;
		lines++;
	}
	p->cur.counts.present = present;
	p->line += lines;
	return (size_t)(s - b);
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
			size_t run = column_run(p, s, end);
			if (run) {
				pos += run;  /* its lines counted */
				continue;
			}
			r = field_line(p, s, end);
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
