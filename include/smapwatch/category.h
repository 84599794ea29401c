/* category.h - which kind of memory a mapping is. Every mapping goes to
 * exactly one category, so the categories always sum to the process. */
#ifndef SMAPWATCH_CATEGORY_H
#define SMAPWATCH_CATEGORY_H

#include <stdint.h>
#include "smapwatch/smaps.h"

typedef enum {
	SW_CAT_HEAP,   /* [heap]: the brk area grown by malloc */
	SW_CAT_STACK,  /* [stack], [stack:TID]: the main thread's stack */
	SW_CAT_ANON,   /* private anonymous: arenas, thread stacks, big mallocs */
	SW_CAT_SHMEM,  /* shared anonymous, SysV, memfd, /dev/shm, hugetlbfs */
	SW_CAT_BINARY, /* the process's own executable */
	SW_CAT_LIBS,   /* shared objects: *.so, *.so.* */
	SW_CAT_FILES,  /* every other file mapping */
	SW_CAT_KERNEL, /* [vdso], [vvar], [vsyscall], ... */
	SW_CAT_COUNT
} sw_category;

/* Identity of the process's executable, from /proc/PID/exe. */
typedef struct {
	const char *path;   /* readlink target, " (deleted)" stripped; or NULL */
	size_t path_len;
	uint64_t inode;     /* 0 when unknown */
	uint32_t dev_major, dev_minor;
} sw_exe_id;

/* sw_category_name - "heap", "stack", ... ; NULL when out of range. */
const char *sw_category_name(sw_category c);
/* sw_category_lookup - the category called name, or -1. */
int sw_category_lookup(const char *name);

/* sw_classify - the category of m; exe may be NULL (no binary match). */
sw_category sw_classify(const sw_mapping *m, const sw_exe_id *exe);

/* sw_name_strip_deleted - len of name without a trailing " (deleted)". */
size_t sw_name_strip_deleted(const char *name, size_t len);

/* sw_is_named_anon - true for "[anon:NAME]"; points sub, sub_len at NAME. */
int sw_is_named_anon(const char *name, size_t len, const char **sub,
		     size_t *sub_len);

#endif
