/* smaps.h - an incremental parser for /proc/PID/smaps and smaps_rollup.
 *
 * The parser is a pure function over text: it never reads files, never
 * allocates after sw_smaps_parser_new(), and calls back once per complete
 * mapping. Keys are matched by name, never by position; unknown keys and
 * lines without "kB" (THPeligible, ProtectionKey, Android's Name:) are
 * skipped; CRLF line ends are accepted. Malformed input stops the parse with
 * a negative SW_E* code and a one-line explanation from
 * sw_smaps_parser_detail(); no mapping after the error is reported. */
#ifndef SMAPWATCH_SMAPS_H
#define SMAPWATCH_SMAPS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "smapwatch/counts.h"

/* The longest line accepted. The kernel's longest is a path of PATH_MAX
 * bytes with every newline escaped as \012, so 4 x 4096 plus the header. */
#define SW_LINE_MAX 32768
#define SW_VMFLAGS_MAX 160

typedef struct {
	uint64_t start, end, offset, inode;
	uint32_t dev_major, dev_minor;
	char perms[5];          /* "rw-p", NUL-terminated */
	const char *name;       /* everything after the inode; NOT terminated */
	size_t name_len;        /* 0 for an unnamed (anonymous) mapping */
	const char *vmflags;    /* "rd wr mr ...", NUL-terminated, may be "" */
	sw_counts counts;
} sw_mapping;

/* Called once per mapping; a non-zero return r stops the parse, and
 * feed/finish return -abs(r). The pointers live until the callback
 * returns. */
typedef int (*sw_mapping_fn)(void *ctx, const sw_mapping *m);

typedef struct sw_smaps_parser sw_smaps_parser;

/* sw_smaps_parser_new - a parser ready for the first line; NULL on ENOMEM. */
sw_smaps_parser *sw_smaps_parser_new(void);
void sw_smaps_parser_free(sw_smaps_parser *p);
/* sw_smaps_parser_reset - forget all state, ready for a new file. */
void sw_smaps_parser_reset(sw_smaps_parser *p);

/* sw_smaps_parser_feed - parse the complete lines at the start of buf.
 * Returns the number of bytes consumed (the caller keeps the rest and feeds
 * it again with more data) or a negative code. */
ssize_t sw_smaps_parser_feed(sw_smaps_parser *p, const char *buf, size_t len,
			     sw_mapping_fn fn, void *ctx);

/* sw_smaps_parser_finish - end of input: reports the last mapping.
 * leftover is the number of bytes feed() did not consume (a last line with
 * no newline): non-zero is SW_ETRUNC, as is a last mapping cut short.
 * Returns the number of mappings parsed, or a negative code. */
long sw_smaps_parser_finish(sw_smaps_parser *p, size_t leftover,
			    sw_mapping_fn fn, void *ctx);

/* sw_smaps_parse - feed + finish over one whole buffer. Trailing bytes
 * without a newline are SW_ETRUNC. Returns mappings parsed or < 0. */
long sw_smaps_parse(sw_smaps_parser *p, const char *buf, size_t len,
		    sw_mapping_fn fn, void *ctx);

/* sw_smaps_parser_general_only - on: every line takes the general path
 * (none the fast one for the kernel's exact layout). For differential
 * tests and the fuzzer: both must give the same mappings, codes and
 * details on any input. Kept across resets. */
void sw_smaps_parser_general_only(sw_smaps_parser *p, int on);

/* sw_smaps_parser_baseline_only - on: the fast paths without what is
 * chosen at run time for the CPU (AVX2 compares), so that a test on a
 * machine that has it covers the baseline code too. Kept across resets. */
void sw_smaps_parser_baseline_only(sw_smaps_parser *p, int on);

/* sw_smaps_parser_detail - "line N: what was wrong", or "" when no error. */
const char *sw_smaps_parser_detail(const sw_smaps_parser *p);

/* Which path the lines since the last reset took: the block path (a
 * mapping's field lines the same text as the last mapping's, values
 * aside), one line at a time in the kernel's layout, or the general path
 * (the rest: headers, VmFlags, any other layout). For the bench and the
 * tests: the result is the same whichever path a line takes. */
typedef struct {
	unsigned long lines;         /* all lines read */
	unsigned long block_maps;    /* mappings read by the block path */
	unsigned long block_lines;   /* their field lines */
	unsigned long column_lines;  /* field lines read one at a time */
} sw_smaps_paths;
void sw_smaps_parser_paths(const sw_smaps_parser *p, sw_smaps_paths *out);

#endif
