/* escape.h - untrusted bytes (process names, paths) made safe to print. */
#ifndef SMAPWATCH_ESCAPE_H
#define SMAPWATCH_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* sw_escape - writes s[0..n) into out as printable ASCII: bytes 0x20-0x7e
 * as they are (but '\\' as "\\\\"), any other byte as "\\xNN". Always
 * NUL-terminates (when size > 0) and never cuts an escape in half; returns
 * the length written. A name escaped this way cannot break a log line. */
size_t sw_escape(char *out, size_t size, const char *s, size_t n);

/* sw_json_string - writes s[0..n) to f as a JSON string, quotes included:
 * printable ASCII as it is, but '"', '\\' and every other byte as \u00XX,
 * so invalid UTF-8 and control bytes stay visible and the JSON stays
 * valid whatever the bytes. */
void sw_json_string(FILE *f, const char *s, size_t n);

#endif
