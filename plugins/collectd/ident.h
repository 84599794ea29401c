/* ident.h - collectd identifier parts (plugin/type instances) from names
 * that may come from processes: safe characters, bounded, and unique. */
#ifndef SMAPS_CD_IDENT_H
#define SMAPS_CD_IDENT_H

#include <stddef.h>

#define CD_IDENT_MAX 63                /* characters kept from the name */
#define CD_IDENT_SIZE (CD_IDENT_MAX + 10)  /* + "_" + 8 hex + NUL */

/* cd_ident - writes into out (CD_IDENT_SIZE bytes) the name raw[0..len)
 * with every character outside [A-Za-z0-9_.+:@=,-] made '_'. When that
 * changed the name or it was longer than CD_IDENT_MAX, "_" and the FNV-1a
 * hash of the raw bytes (8 hex digits) are appended, so two different
 * names never end up as the same identifier. Returns out. */
char *cd_ident(char *out, const char *raw, size_t len);

#endif
