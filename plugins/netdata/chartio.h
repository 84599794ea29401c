/* chartio.h - the protocol lines every chart of a group shares: CHART
 * (type "smaps", the group as family, context smaps.SUFFIX), the `group`
 * label, and BEGIN with the cycle's microseconds. */
#ifndef ND_CHARTIO_H
#define ND_CHARTIO_H

#include <stdint.h>
#include <stdio.h>

/* Priority offsets within a group (nd_chart_line's offset): its section
 * opens on its real memory (Pss by category) and its leak rates, then the
 * counters; --all-charts' detail after them, the per-name charts last. */
#define ND_PRIO_SUMMARY 0
#define ND_PRIO_COUNTERS 10
#define ND_PRIO_DETAIL 40
#define ND_PRIO_NAMES 80

/* One group as its charts see it. */
typedef struct {
	const char *id;       /* chart ids are smaps.ID_SUFFIX */
	const char *text;     /* sanitized group name: titles, family, label */
	int prio;             /* priority of the group's first chart */
	int update_every;
} nd_chart_ref;

/* nd_chart_line - CHART smaps.ID_SUFFIX with context smaps.SUFFIX and
 * priority r->prio + offset. */
void nd_chart_line(const nd_chart_ref *r, FILE *out, const char *suffix,
		   const char *title, const char *units, const char *type,
		   int offset);

/* nd_chart_labels - the `group` label, committed. */
void nd_chart_labels(const nd_chart_ref *r, FILE *out);

/* nd_chart_begin - BEGIN smaps.ID_SUFFIX [dt_us] (none when dt_us is 0). */
void nd_chart_begin(const nd_chart_ref *r, const char *suffix, uint64_t dt_us,
		    FILE *out);

#endif
