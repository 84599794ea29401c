/* groups_conf.h - smaps_groups.conf: the groups to chart, in the syntax of
 * Netdata's apps_groups.conf:
 *
 *   group: pattern pattern ...     # a group may be given on several lines
 *
 *   name      the exact process name (/proc/PID/comm)
 *   name*     process names starting with name
 *   *name     process names ending with name
 *   *name*    command lines containing name
 *   pidfile:/path        the process whose pid is in /path   (ours)
 *   unit:NAME.service    the processes of a systemd unit     (ours)
 *
 * Patterns with spaces go in '...' or "..."; '#' starts a comment; as in
 * apps_groups.conf a leading '-' on a group and a leading '+' on a pattern
 * are accepted and ignored. */
#ifndef ND_GROUPS_CONF_H
#define ND_GROUPS_CONF_H

#include <stddef.h>
#include "smapwatch/group.h"

#define ND_GROUPS_FILE "smaps_groups.conf"

/* nd_groups_find - the groups file: user_dir's when it exists, else
 * stock_dir's (either dir may be NULL). 0, or -ENOENT with out holding
 * the last path tried. */
int nd_groups_find(char *out, size_t size, const char *user_dir,
		   const char *stock_dir);

/* nd_groups_load - add every pattern of the file at path to gs. A bad line
 * or pattern is logged ("path:line: why") and skipped; nothing else is
 * lost. Only a regular file is read (-EINVAL otherwise); with as_caller,
 * opened with the caller's rights (sw_caller_open). Returns the number
 * of patterns added, or -errno when the file cannot be read. */
int nd_groups_load(sw_groupset *gs, const char *path, int as_caller);

#endif
