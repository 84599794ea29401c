/* smaps.c - the smaps parser: one pass, no allocation, keys by name.
 *
 * The kernel prints each mapping as a header line
 *   start-end perms offset major:minor inode   name
 * followed by "Key:   value kB" lines and, since 3.8, a VmFlags line last.
 * Field lines are the hot path (about 25 per mapping). Three paths read
 * them, each taking only what the next would read the same way:
 * - the block path: a mapping's field lines that are, values aside, the
 *   same text as the last mapping's (block_run);
 * - the kernel's fixed columns, a line at a time (column_run);
 * - the general path, for any layout, which alone reports errors.
 * Headers in the usual 64-bit layout are read a word at a time
 * (header_fixed), others a digit at a time. Other lines are located with
 * memchr. Any check that runs into the end of the buffer means
 * "incomplete line": the caller feeds it again with more data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2_PATH 1
#endif
#include "smapwatch/error.h"
#include "smapwatch/smaps.h"
#include "fieldkey.h"

#define INCOMPLETE 0

/* The keys of the column fast path (column_run): the kept fields, then two
 * printed with "kB" and two without (COL_FIRST_NUM on), all skipped. */
#define COL_FIRST_NUM (SW_F_COUNT + 2)
#define COL_KEYS (SW_F_COUNT + 4)
/* block_run(): a mapping's field lines in the kernel's layout, at most one
 * of each key, rounded up to whole 32-byte compares. */
#define BLOCK_MAX ((COL_KEYS * 28 + 31) & ~31)

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
	int fresh;                /* no line read since the header */
	sw_smaps_paths paths;     /* which path the lines took */
	uint32_t stale;           /* fields of cur that may not be 0: those
				   * present, and any block_run() wrote */
	int avx2;                 /* block_matches_avx2() may run here */
	/* block_run(): the field lines that followed the last header read
	 * line by line, as text whose value columns are masked out */
	unsigned block_len;       /* their bytes; 0: none yet */
	unsigned block_lines;
	uint32_t block_present;
	struct block_line {
		unsigned value_at;        /* where its value column is */
		uint64_t *to;             /* where its value goes */
		uint64_t column, bytes;   /* the last value column read here,
					   * and its value in bytes */
	} block_line[COL_KEYS];
	uint64_t block_skipped;           /* ->to for the keys not kept */
	_Alignas(16) unsigned char block_text[BLOCK_MAX];
	_Alignas(16) unsigned char block_mask[BLOCK_MAX];
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
		p->block_len = 0;
		sw_smaps_parser_baseline_only(p, 0);
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

static int cpu_has_avx2(void)
{
#ifdef HAVE_AVX2_PATH
	return __builtin_cpu_supports("avx2");
#else
	return 0;
#endif
}

void sw_smaps_parser_baseline_only(sw_smaps_parser *p, int on)
{
	p->avx2 = !on && cpu_has_avx2();
}

void sw_smaps_parser_free(sw_smaps_parser *p)
{
	free(p);
}

void sw_smaps_parser_reset(sw_smaps_parser *p)
{
	memset(&p->cur, 0, sizeof(p->cur));
	p->stale = 0;
	p->in_mapping = 0;
	p->fresh = 0;
	p->cur_has_vmflags = 0;
	p->vmflags_mode = -1;
	p->line = 0;
	memset(&p->paths, 0, sizeof(p->paths));
	p->mappings = 0;
	p->err = 0;
	p->detail[0] = '\0';
	p->vmflags[0] = '\0';
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

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* The bytes of w that are lowercase hex digits, as 0x80 in each. Bytes
 * under 0x80 are compared with no carry between them: adding 0x80 - c
 * sets a byte's top bit when it is at least c. */
static inline uint64_t hex_bytes(uint64_t w)
{
	uint64_t digit = (w + BYTES(0x80 - '0')) & ~(w + BYTES(0x80 - '9' - 1));
	uint64_t letter = (w + BYTES(0x80 - 'a')) & ~(w + BYTES(0x80 - 'f' - 1));
	return (digit | letter) & ~w & BYTES(0x80);
}

/* The header's numbers in the layout of nearly every user mapping on a
 * 64-bit machine, "%012lx-%012lx %4c %08lx %02x:%02x " (the kernel pads
 * to 8 digits, and user addresses have 12): checked and converted a word
 * at a time. Where the inode starts, or NULL for any other layout (other
 * widths, capitals), which parse_hex() takes one digit at a time. */
static const char *header_fixed(sw_mapping *m, const char *s, const char *e)
{
	if (e - s < 47 || s[12] != '-' || s[25] != ' ' || s[30] != ' ' ||
	    s[39] != ' ' || s[42] != ':' || s[45] != ' ')
		return NULL;
	uint64_t start = load64(s), start_lo = load64(s + 4) >> 32;
	uint64_t end = load64(s + 13), end_lo = load64(s + 17) >> 32;
	uint64_t offset = load64(s + 31), dev = load64(s + 40);
	uint64_t ok = hex_bytes(start) & hex_bytes(end) & hex_bytes(offset) &
		      (hex_bytes(start_lo) | 0x8080808000000000ull) &
		      (hex_bytes(end_lo) | 0x8080808000000000ull) &
		      (hex_bytes(dev) | 0x8080800000800000ull);
	if (ok != BYTES(0x80))
		return NULL;
	m->start = hex8(start) << 16 | hex8(start_lo << 32);
	m->end = hex8(end) << 16 | hex8(end_lo << 32);
	if (m->start > m->end)
		return NULL;  /* the general path reports it */
	memcpy(m->perms, s + 26, 4);
	m->perms[4] = '\0';
	m->offset = hex8(offset);
	m->dev_major = (uint32_t)hex8(dev << 48);
	m->dev_minor = (uint32_t)hex8((dev >> 24) << 48);
	return s + 46;
}
#else
static const char *header_fixed(sw_mapping *m, const char *s, const char *e)
{
	(void)m, (void)s, (void)e;
	return NULL;
}
#endif

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
	const char *q = p->general_only ? NULL : header_fixed(m, s, e);
	if (q)
		q = parse_dec(q, e, &m->inode);
	else if (header_numbers(p, s, e, &q))
		return p->err;
	if (!q || (q < e && *q != ' '))
		return fail(p, SW_ESYNTAX, "bad mapping header");
	while (q < e && *q == ' ')
		q++;
	m->name_len = (size_t)(e - q);
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
	if (w == (BYTES(' ') >> 8 | (uint64_t)'0' << 56))
		return 0;  /* "       0", the most common value by far */
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

/* Block path. The kernel prints every mapping's field lines with the same
 * keys in the same order, and a value column that is all that changes. So
 * the block that followed the last header is kept as text with its value
 * columns masked out, and a block that is the same text once masked is
 * checked with 16-byte compares and its values read at known places: no
 * key to find, no line end to look for. Anything else (a key more or
 * less, a wider value, the end of the buffer) is left to column_run(),
 * which takes exactly the same lines, so the block path changes no
 * result, only the cost. */
static void learn_block(sw_smaps_parser *p, const signed char *keys,
			unsigned lines)
{
	unsigned off = 0;
	uint32_t present = 0;
	for (unsigned i = 0; i < lines; i++) {
		int f = keys[i];
		uint32_t bit = f < SW_F_COUNT ? 1u << f : 0;
		if (present & bit)
			return;
		present |= bit;
		int num = f >= COL_FIRST_NUM;
		unsigned len = num ? COL_NUM_LINE : COL_LINE;
		memcpy(p->block_text + off, key_col[f], 16);
		memcpy(p->block_text + off + 24, num ? "\n" : " kB\n",
		       len - 24);
		memset(p->block_mask + off, 0xff, len);
		memset(p->block_mask + off + 16, 0, 8);
		struct block_line *l = &p->block_line[i];
		l->value_at = off + 16;
		l->to = f < SW_F_COUNT ? &p->cur.counts.v[f] : &p->block_skipped;
		l->column = BYTES(' ') >> 8 | (uint64_t)'0' << 56;  /* "0" */
		l->bytes = 0;
		off += len;
	}
	memset(p->block_mask + off, 0, BLOCK_MAX - off);
	p->block_len = off;
	p->block_lines = lines;
	p->block_present = present;
}

/* Whether the BLOCK_MAX bytes at s are block_text where block_mask is set. */
static inline int block_matches(const sw_smaps_parser *p, const char *s)
{
#ifdef __SSE2__
	__m128i diff = _mm_setzero_si128();
#pragma GCC unroll 48
	for (unsigned i = 0; i < BLOCK_MAX; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i t = _mm_load_si128((const __m128i *)(p->block_text + i));
		__m128i m = _mm_load_si128((const __m128i *)(p->block_mask + i));
		diff = _mm_or_si128(diff, _mm_and_si128(_mm_xor_si128(x, t), m));
	}
	return _mm_movemask_epi8(_mm_cmpeq_epi8(diff, _mm_setzero_si128())) ==
	       0xffff;
#else
	uint64_t diff = 0;
	for (unsigned i = 0; i < BLOCK_MAX; i += 8)
		diff |= (load64(s + i) ^ load64((const char *)p->block_text + i)) &
			load64((const char *)p->block_mask + i);
	return diff == 0;
#endif
}

#ifdef HAVE_AVX2_PATH
/* The same 32 bytes at a time, where the CPU has AVX2 (most x86-64 since
 * 2013; the build is for the baseline, so it is chosen at run time). */
__attribute__((target("avx2")))
static int block_matches_avx2(const sw_smaps_parser *p, const char *s)
{
	__m256i diff = _mm256_setzero_si256();
#pragma GCC unroll 24
	for (unsigned i = 0; i < BLOCK_MAX; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(s + i));
		__m256i t = _mm256_loadu_si256((const __m256i *)(p->block_text + i));
		__m256i m = _mm256_loadu_si256((const __m256i *)(p->block_mask + i));
		diff = _mm256_or_si256(diff,
				       _mm256_and_si256(_mm256_xor_si256(x, t), m));
	}
	return _mm256_testz_si256(diff, diff);
}
#endif

/* The field lines right after a header, if they are the learned block:
 * the bytes they take, else 0 (then nothing has changed). */
static size_t block_run(sw_smaps_parser *p, const char *s, const char *end)
{
	if (!p->block_len || p->general_only || end - s < BLOCK_MAX)
		return 0;
#ifdef HAVE_AVX2_PATH
	if (p->avx2 ? !block_matches_avx2(p, s) : !block_matches(p, s))
		return 0;
#else
	if (!block_matches(p, s))
		return 0;
#endif
	for (unsigned i = 0, n = p->block_lines; i < n; i++) {
		/* a column as in the last mapping needs no converting (the
		 * page sizes, the zeros, many more) */
		struct block_line *l = &p->block_line[i];
		uint64_t column = load64(s + l->value_at);
		if (column != l->column) {
			int64_t v = value8(s + l->value_at);
			if (v < 0) {
				p->stale = (1u << SW_F_COUNT) - 1;
				return 0;
			}
			l->column = column;
			l->bytes = (uint64_t)v << 10;
		}
		*l->to = l->bytes;
	}
	p->cur.counts.present = p->block_present;
	p->line += p->block_lines;
	p->paths.block_maps++;
	p->paths.block_lines += p->block_lines;
	return p->block_len;
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
	signed char keys[COL_KEYS];  /* the run's, for learn_block() */
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
		if (lines < COL_KEYS)
			keys[lines] = (signed char)f;
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
	/* A whole block, from the header to VmFlags: the next one is
	 * likely the same (learn_block() takes each key once at most). */
	if (p->fresh && lines && lines <= COL_KEYS && end - s >= 8 &&
	    memcmp(s, "VmFlags:", 8) == 0)
		learn_block(p, keys, (unsigned)lines);
	p->cur.counts.present = present;
	p->line += lines;
	p->paths.column_lines += lines;
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
			size_t run = p->fresh ? block_run(p, s, end) : 0;
			if (!run)
				run = column_run(p, s, end);
			if (run) {
				p->fresh = 0;
				pos += run;  /* its lines counted */
				continue;
			}
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
