/* escape.h - untrusted bytes (process names, paths) made safe to print. */
#ifndef SMAPWATCH_ESCAPE_H
#define SMAPWATCH_ESCAPE_H

#include <stddef.h>

/* sw_escape - writes s[0..n) into out as printable ASCII: bytes 0x20-0x7e
 * as they are (but '\\' as "\\\\"), any other byte as "\\xNN". Always
 * NUL-terminates (when size > 0) and never cuts an escape in half; returns
 * the length written. A name escaped this way cannot break a log line. */
size_t sw_escape(char *out, size_t size, const char *s, size_t n);

#endif
