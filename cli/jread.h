/* jread.h - a small pull parser for the JSON smapwatch writes.
 *
 * The caller walks the document: jr_obj_next/jr_arr_next step through an
 * object's keys or an array's items, jr_string/jr_u64/jr_double read one
 * value, jr_skip passes over any value (unknown keys). Strings decode
 * \u00XX to the single byte XX (the convention of sw_json_string, so raw
 * bytes round-trip), other \u as UTF-8. Every function returns 0 (or 1 /
 * 0 for the iterators) or -1 with "byte N: what" in j->err. Linear time;
 * nesting is bounded by the caller's structure and jr_skip's depth cap. */
#ifndef SMAPWATCH_CLI_JREAD_H
#define SMAPWATCH_CLI_JREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *p, *start, *end;
	char err[160];
} jr;

void jr_init(jr *j, const char *text, size_t len);
/* jr_fail - record "byte N: what" (the first error wins); returns -1. */
int jr_fail(jr *j, const char *what);
/* jr_peek - the next non-blank byte (not consumed), or -1 at the end. */
int jr_peek(jr *j);
/* jr_end - 0 when only blanks remain, else -1. */
int jr_end(jr *j);

/* jr_obj_next - *first starts at 1. Returns 1 with the next key in key
 * (NUL-terminated, ':' consumed), 0 at the closing '}', -1 on error. */
int jr_obj_next(jr *j, int *first, char *key, size_t key_size);
/* jr_arr_next - *first starts at 1: 1 when an item follows, 0 at ']'. */
int jr_arr_next(jr *j, int *first);

/* jr_string - a malloc'ed copy in *out (NUL-terminated), length *len. */
int jr_string(jr *j, char **out, size_t *len);
/* jr_string_buf - the same into buf (fails when it does not fit). */
int jr_string_buf(jr *j, char *buf, size_t size, size_t *len);
int jr_u64(jr *j, uint64_t *v);
int jr_double(jr *j, double *v);
/* jr_null - 1 when the next value is null (consumed), 0 when not. */
int jr_null(jr *j);
int jr_skip(jr *j);

#endif
