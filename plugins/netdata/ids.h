/* ids.h - making untrusted names (group names from the config, library
 * paths, process names) safe for the plugins.d protocol (JSON strings:
 * sw_json_string in the core).
 *
 * Netdata splits a protocol line into words at spaces, tabs, CR, LF and
 * '=', honours '...' and "..." quotes, and keeps a backslash and the byte
 * after it as they are (there is no escape that removes a quote). So an id
 * is written unquoted and may only hold [A-Za-z0-9_-]; a free text (title,
 * family, label value, dimension name) is written in single quotes and may
 * only hold bytes Netdata stores unchanged in a label value, which include
 * neither quote nor backslash. Every byte is mapped through a 256-entry
 * table, so no input can add a word or a line. */
#ifndef ND_IDS_H
#define ND_IDS_H

#include <stddef.h>
#include <stdio.h>

#define ND_ID_MAX 48     /* bytes of an id we make, NUL included */
#define ND_TEXT_MAX 200  /* Netdata's label value limit in characters */

/* nd_id - src[0..len) as an id: bytes outside [A-Za-z0-9_-] become '_';
 * truncated to size-1; "_" when empty. Returns dst. */
char *nd_id(char *dst, size_t size, const char *src, size_t len);

/* nd_text - src[0..len) as a quotable free text: bytes Netdata would
 * change or that could end the quote become '_'; truncated to size-1.
 * Returns dst. */
char *nd_text(char *dst, size_t size, const char *src, size_t len);

#endif
