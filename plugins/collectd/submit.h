/* submit.h - one group's figures as collectd values, stock types only:
 *   memory-CATEGORY_FIELD, count-vmas_CATEGORY, ps_count, file_handles,
 *   count-sockets, count-duplicate_library_loads,
 *   count-unreadable_processes, memory-lib_NAME_FIELD,
 *   memory-named_NAME_FIELD. */
#ifndef SMAPS_CD_SUBMIT_H
#define SMAPS_CD_SUBMIT_H

#include <stddef.h>
#include "smapwatch/group.h"

typedef struct {
	int libraries;         /* memory-lib_* values */
	int named;             /* memory-named_* values */
	size_t max_subtotals;  /* of each, per group */
} cd_submit_opts;

/* cd_submit_value - dispatches one gauge as smaps-ID/TYPE-TI (ti may be
 * ""). Every value of this plugin goes through here. */
void cd_submit_value(const char *id, const char *type, const char *ti,
		     double value);

/* cd_submit_cost - the plugin's own cost in the last cycle, under plugin
 * instance "" (no group has an empty identifier): count-status_reads,
 * count-full_reads, bytes-smaps_read, gauge-read_seconds,
 * count-backed_off, count-capped. */
void cd_submit_cost(const sw_collect_cost *c);

/* cd_submit_group - dispatches g's values under plugin instance id. A
 * group with no process gets ps_count 0 0 and nothing else. */
void cd_submit_group(const char *id, const sw_group_stats *g,
		     const cd_submit_opts *o);

#endif
