/* dirents.h - the entries of a directory without opendir(3): getdents64
 * into the caller's buffer. opendir allocates a 32 KiB buffer per call;
 * a cycle lists /proc and every member's /proc/PID/fd, so it would be one
 * allocation and free per process per interval. Internal to the core. */
#ifndef SW_DIRENTS_H
#define SW_DIRENTS_H

#include <stddef.h>

/* Enough for a few hundred entries per getdents64 call. */
#define SW_DIRENTS_BUF 16384

/* sw_dirent_fn - called with the directory's fd and an entry's name
 * ("." and ".." included); a non-zero return stops the walk. */
typedef int (*sw_dirent_fn)(void *ctx, int dirfd, const char *name);

/* sw_dir_open - open path as a directory to list: an fd, or -errno. */
int sw_dir_open(const char *path);

/* sw_dirents - call fn for each entry of the directory fd (from
 * sw_dir_open; not closed), reading through buf (cap bytes, 8-byte
 * aligned, at least 1 KiB). 0, -errno, or fn's non-zero return. */
int sw_dirents(int fd, char *buf, size_t cap, sw_dirent_fn fn, void *ctx);

#endif
