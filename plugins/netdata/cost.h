/* cost.h - the plugin's own cost, on charts of type "netdata" as Netdata's
 * own plugins report theirs: netdata.smaps_reads (status and full reads
 * per cycle), netdata.smaps_read_bytes (bytes of smaps read),
 * netdata.smaps_read_time (milliseconds reading smaps) and
 * netdata.smaps_skipped (processes backed off or capped), from the core's
 * sw_collect_cost of the last cycle; the reads, bytes and time of the
 * smaps function's reads since the last update are the dimension
 * "function" of the first three. */
#ifndef ND_COST_H
#define ND_COST_H

#include <stdint.h>
#include <stdio.h>
#include "smapwatch/group.h"

/* The function's own smaps reads since the last update. */
typedef struct {
	long reads;
	uint64_t bytes;
	double seconds;
} nd_function_cost;

void nd_cost_define(FILE *out, int update_every);
void nd_cost_update(FILE *out, const sw_collect_cost *c,
		    const nd_function_cost *fn, uint64_t dt_us);

#endif
