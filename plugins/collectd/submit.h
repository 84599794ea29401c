/* submit.h - one group's figures, and the plugin's own, as collectd
 * values (named in names.h). */
#ifndef SMAPS_CD_SUBMIT_H
#define SMAPS_CD_SUBMIT_H

#include <stddef.h>
#include "smapwatch/group.h"

typedef struct {
	int libraries;         /* memory-lib_NAME_FIELD values */
	int named;             /* memory-named_NAME_FIELD values */
	size_t max_subtotals;  /* of each, per group */
} cd_submit_opts;

/* cd_submit_cost - the plugin's own cost in the last cycle, under plugin
 * smaps_self (no group can be mistaken for it): count-status_reads,
 * count-full_reads, bytes-smaps_read, duration-smaps_read,
 * ps_state-{backed_off,capped,hidden}. */
void cd_submit_cost(const sw_collect_cost *c);

/* cd_submit_group - dispatches g's values under plugin instance id. A
 * group with no process gets ps_count 0 0 and nothing else. */
void cd_submit_group(const char *id, const sw_group_stats *g,
		     const cd_submit_opts *o);

#endif
