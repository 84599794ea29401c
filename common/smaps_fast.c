/* smaps_fast.c - the smaps parser's fast paths for the text exactly as
 * the kernel prints it (fs/proc/task_mmu.c): a header's numbers a word at
 * a time, field lines by their fixed columns, and whole blocks of field
 * lines at once. Each takes only what the general path in smaps.c would
 * read the same way and leaves it everything else, errors above all:
 * test_fastpath and the fuzzer check that every input gives the same
 * result, code and detail on every path. */
#include <string.h>
#include "smaps_parser.h"
#if defined(__x86_64__) && defined(__GNUC__)
#define HAVE_AVX2_PATH 1  /* block_matches_avx2(), chosen at run time */
#endif
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#ifdef HAVE_AVX2_PATH
#include <immintrin.h>
#endif

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

/* One of the header's words, checked and converted; or, the same as the
 * last one in its place (an address's first 8 digits change every 64 KiB,
 * the offset and the device seldom for anonymous memory), taken from
 * there. 0 if not hex where the word must be. */
static inline int hex_word(struct hex_seen *seen, uint64_t w, uint64_t others,
			   uint64_t *value)
{
	if (w != seen->word) {
		if ((hex_bytes(w) | others) != BYTES(0x80))
			return 0;
		seen->word = w;
		seen->value = hex8(w);
	}
	*value = seen->value;
	return 1;
}

/* The header's numbers in the layout of nearly every user mapping on a
 * 64-bit machine, "%012lx-%012lx %4c %08lx %02x:%02x " (the kernel pads
 * to 8 digits, and user addresses have 12): checked and converted a word
 * at a time. Where the inode starts, or NULL for any other layout (other
 * widths, capitals), which parse_hex() takes one digit at a time. */
const char *sw_header_fixed(sw_smaps_parser *p, const char *s, const char *e)
{
	sw_mapping *m = &p->cur;
	struct hex_seen *seen = p->header_seen;
	if (e - s < 47 || s[12] != '-' || s[25] != ' ' || s[30] != ' ' ||
	    s[39] != ' ' || s[42] != ':' || s[45] != ' ')
		return NULL;
	/* the first 8 digits of each address, then the last 4 of both in
	 * one word, the offset, and the device's two halves in one word */
	uint64_t lows = load64(s + 4) >> 32 | load64(s + 17) >> 32 << 32;
	uint64_t dev = load64(s + 40);
	uint64_t devs = (dev & 0xffff) << 32 | (dev >> 24 & 0xffff) << 48;
	uint64_t start, end, low, offset, both;
	if (!hex_word(&seen[HEADER_START], load64(s), 0, &start) ||
	    !hex_word(&seen[HEADER_END], load64(s + 13), 0, &end) ||
	    !hex_word(&seen[HEADER_LOWS], lows, 0, &low) ||
	    !hex_word(&seen[HEADER_OFFSET], load64(s + 31), 0, &offset) ||
	    !hex_word(&seen[HEADER_DEV], devs, 0x0000000080808080ull, &both))
		return NULL;
	m->start = start << 16 | low >> 16;
	m->end = end << 16 | (low & 0xffff);
	if (m->start > m->end)
		return NULL;  /* the general path reports it */
	memcpy(m->perms, s + 26, 4);
	m->perms[4] = '\0';
	m->offset = offset;
	m->dev_major = (uint32_t)(both >> 8);
	m->dev_minor = (uint32_t)(both & 0xff);
	return s + 46;
}
#else
const char *sw_header_fixed(sw_smaps_parser *p, const char *s, const char *e)
{
	(void)p, (void)s, (void)e;
	return NULL;
}
#endif

/* Column path. The kernel prints each field as "%-16s%8lu kB\n" (SEQ_PUT_DEC
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

void sw_fast_init(sw_smaps_parser *p)
{
	p->block_len = 0;  /* no block learned yet */
	memset(p->col_next, 0, sizeof(p->col_next));
	memset(p->col_slot, -1, sizeof(p->col_slot));
	for (int f = 0; f < COL_KEYS; f++) {
		unsigned h = col_hash(load64(key_col[f]), load64(key_col[f] + 8));
		if (p->col_slot[h] < 0)
			p->col_slot[h] = (signed char)f;
	}
	/* each header word's place starts as a valid word of zeros, so that
	 * a match is a value */
	for (int k = 0; k < HEADER_WORDS; k++) {
		p->header_seen[k].word = BYTES('0');
		p->header_seen[k].value = 0;
	}
	p->header_seen[HEADER_DEV].word = BYTES('0') << 32;
}

int sw_fast_has_avx2(void)
{
#ifdef HAVE_AVX2_PATH
	return __builtin_cpu_supports("avx2");
#else
	return 0;
#endif
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
 * checked with 32-byte compares (16 without AVX2) and its values read at
 * known places: no key to find, no line end to look for. Anything else (a
 * key more or less, a wider value, the end of the buffer) is left to
 * sw_column_run(), which takes exactly the same lines, so the block path
 * changes no result, only the cost. */
static void learn_block(sw_smaps_parser *p, const signed char *keys,
			unsigned lines)
{
	unsigned off = 0;
	uint32_t present = 0;
	p->block_len = 0;  /* none, until it is whole */
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
		l->to = f < SW_F_COUNT ? &p->cur.counts.v[f]
				       : &p->block_skipped;
		l->column = BYTES(' ') >> 8 | (uint64_t)'0' << 56;  /* "0" */
		l->bytes = 0;
		off += len;
	}
	memset(p->block_mask + off, 0, BLOCK_MAX - off);
	p->block_in_place = 0;
	p->block_len = off;
	p->block_lines = lines;
	p->block_present = present;
}

/* Whether the BLOCK_MAX bytes at s are block_text where block_mask is set. */
static inline int block_matches(const sw_smaps_parser *p, const char *s)
{
	const char *text = (const char *)p->block_text;
	const char *mask = (const char *)p->block_mask;
#ifdef __SSE2__
	__m128i diff = _mm_setzero_si128();
#pragma GCC unroll 48
	for (unsigned i = 0; i < BLOCK_MAX; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i t = _mm_load_si128((const __m128i *)(text + i));
		__m128i m = _mm_load_si128((const __m128i *)(mask + i));
		diff = _mm_or_si128(diff, _mm_and_si128(_mm_xor_si128(x, t), m));
	}
	__m128i same = _mm_cmpeq_epi8(diff, _mm_setzero_si128());
	return _mm_movemask_epi8(same) == 0xffff;
#else
	uint64_t diff = 0;
	for (unsigned i = 0; i < BLOCK_MAX; i += 8)
		diff |= (load64(s + i) ^ load64(text + i)) & load64(mask + i);
	return diff == 0;
#endif
}

#ifdef HAVE_AVX2_PATH
/* The same 32 bytes at a time, where the CPU has AVX2 (most x86-64 since
 * 2013; the build is for the baseline, so it is chosen at run time). */
__attribute__((target("avx2")))
static int block_matches_avx2(const sw_smaps_parser *p, const char *s)
{
	const char *text = (const char *)p->block_text;
	const char *mask = (const char *)p->block_mask;
	__m256i diff = _mm256_setzero_si256();
#pragma GCC unroll 24
	for (unsigned i = 0; i < BLOCK_MAX; i += 32) {
		__m256i x = _mm256_loadu_si256((const __m256i *)(s + i));
		__m256i t = _mm256_loadu_si256((const __m256i *)(text + i));
		__m256i m = _mm256_loadu_si256((const __m256i *)(mask + i));
		x = _mm256_and_si256(_mm256_xor_si256(x, t), m);
		diff = _mm256_or_si256(diff, x);
	}
	return _mm256_testz_si256(diff, diff);
}
#endif

/* The field lines right after a header, if they are the learned block:
 * the bytes they take, else 0 (then nothing has changed). */
size_t sw_block_run(sw_smaps_parser *p, const char *s, const char *end)
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
	struct block_line *l = p->block_line, *last = l + p->block_lines;
	/* The values are where they go if the last mapping was read here
	 * too and nothing wrote over them since; if not, they are put back. */
	if (!p->block_in_place)
		for (struct block_line *k = l; k < last; k++)
			*k->to = k->bytes;
	p->block_in_place = 0;
	for (; l < last; l++) {
		/* a column as in the last mapping needs no converting and no
		 * storing (the page sizes, the zeros, many more) */
		uint64_t column = load64(s + l->value_at);
		if (column != l->column) {
			int64_t v = value8(s + l->value_at);
			if (v < 0) {
				p->stale = (1u << SW_F_COUNT) - 1;
				return 0;
			}
			l->column = column;
			*l->to = l->bytes = (uint64_t)v << 10;
		}
	}
	p->block_in_place = 1;
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
size_t sw_column_run(sw_smaps_parser *p, const char *s, const char *end)
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
			p->block_in_place = 0;
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
