/* ident.h - collectd identifier parts (plugin/type instances) from names
 * that may come from processes: safe characters, bounded, and unique. */
#ifndef SMAPS_CD_IDENT_H
#define SMAPS_CD_IDENT_H

#include <stddef.h>

/* collectd's client library (collectdctl, libcollectdclient) reads at most
 * 63 characters per identifier part; the daemon takes 127. */
#define CD_PART_MAX 63
#define CD_IDENT_SIZE (CD_PART_MAX + 1)
/* Room a sub-name leaves in "named_NAME_private_dirty", the longest type
 * instance built around one. */
#define CD_SUBNAME_MAX (CD_PART_MAX - 6 - 14)

/* cd_ident - writes into out (CD_IDENT_SIZE bytes) an identifier of at
 * most max characters (10 <= max <= CD_PART_MAX) for the name raw[0..len):
 * every character outside [A-Za-z0-9_.+:@=,-] made '_'. When that changed
 * the name, or it is longer than max, it is cut to max - 9 characters and
 * "_" and the FNV-1a hash of the raw bytes (8 hex digits) are appended, so
 * two different names end up as one identifier only by a 32-bit hash
 * collision (made on purpose, it merges two series; it breaks nothing
 * else: the identifier is still valid). Returns out. */
char *cd_ident(char *out, size_t max, const char *raw, size_t len);

#endif
