/* smaps_parser.h - private: the smaps parser's state, shared by the
 * general parser (smaps.c) and its fast paths for the kernel's own layout
 * (smaps_fast.c). */
#ifndef SMAPWATCH_SMAPS_PARSER_H
#define SMAPWATCH_SMAPS_PARSER_H

#include <stdint.h>
#include <string.h>
#include "smapwatch/smaps.h"

/* The keys of the column fast path (sw_column_run): the kept fields, then
 * two printed with "kB" and two without (COL_FIRST_NUM on), all skipped. */
#define COL_FIRST_NUM (SW_F_COUNT + 2)
#define COL_KEYS (SW_F_COUNT + 4)
/* sw_block_run(): a mapping's field lines in the kernel's layout, at most
 * one of each key, rounded up to whole 32-byte compares. */
#define BLOCK_MAX ((COL_KEYS * 28 + 31) & ~31)

/* sw_header_fixed(): the header's words, each as last seen in its place */
enum { HEADER_START, HEADER_END, HEADER_LOWS, HEADER_OFFSET, HEADER_DEV,
       HEADER_WORDS };
struct hex_seen {
	uint64_t word, value;
};

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
	signed char col_slot[32]; /* col_hash() -> key_col index */
	signed char col_next[COL_KEYS + 1]; /* the key that followed each key
				   * (the header: COL_KEYS) last time */
	signed char hex[256];     /* digit value of a hex character, or -1 */
	int fresh;                /* no line read since the header */
	sw_smaps_paths paths;     /* which path the lines took */
	uint32_t stale;           /* fields of cur that may not be 0: those
				   * present, and any sw_block_run() wrote */
	int avx2;                 /* block_matches_avx2() may run here */
	struct hex_seen header_seen[HEADER_WORDS];
	/* sw_block_run(): the field lines that followed the last header read
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
	int block_in_place;       /* cur.counts holds each line's ->bytes */
	_Alignas(16) unsigned char block_text[BLOCK_MAX];
	_Alignas(16) unsigned char block_mask[BLOCK_MAX];
	char name[SW_LINE_MAX];
};

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

/* smaps_fast.c: the fast paths. Each takes only text that the next path
 * would read the same way, and leaves the rest (returning 0 or NULL). */
/* The fast paths' state of a new parser (kept across resets). */
void sw_fast_init(sw_smaps_parser *p);
/* Whether this CPU can take the block path's AVX2 compares. */
int sw_fast_has_avx2(void);
/* The header's numbers in the usual 64-bit layout, into p->cur: where the
 * inode starts, or NULL. */
const char *sw_header_fixed(sw_smaps_parser *p, const char *s, const char *e);
/* A mapping's field lines, right after its header, that are the last
 * block's text: the bytes they take, or 0. */
size_t sw_block_run(sw_smaps_parser *p, const char *s, const char *end);
/* Field lines in the kernel's columns from s on: the bytes, or 0. */
size_t sw_column_run(sw_smaps_parser *p, const char *s, const char *end);

#endif
