/* cost.c - see cost.h. Priority 140000 puts the charts among Netdata's
 * own plugin charts, far below the groups'. */
#include "cost.h"

#define PRIO 140000

static void chart(FILE *out, const char *id, const char *title,
		  const char *units, int prio, int update_every)
{
	fprintf(out, "CHART netdata.%s '' '%s' '%s' 'smaps.plugin' "
		"'netdata.%s' line %d %d '' 'smaps.plugin' 'cost'\n",
		id, title, units, id, prio, update_every);
}

void nd_cost_define(FILE *out, int ue)
{
	chart(out, "smaps_reads", "smaps.plugin reads per cycle", "reads",
	      PRIO, ue);
	fputs("DIMENSION status '' absolute 1 1\n"
	      "DIMENSION full '' absolute 1 1\n"
	      "DIMENSION function '' absolute 1 1\n"
	      "DIMENSION maps '' absolute 1 1\n", out);
	chart(out, "smaps_read_bytes", "smaps.plugin smaps bytes read per cycle",
	      "KiB", PRIO + 1, ue);
	fputs("DIMENSION smaps '' absolute 1 1024\n"
	      "DIMENSION function '' absolute 1 1024\n", out);
	chart(out, "smaps_read_time", "smaps.plugin time reading smaps per cycle",
	      "milliseconds", PRIO + 2, ue);
	fputs("DIMENSION smaps '' absolute 1 1000\n"
	      "DIMENSION function '' absolute 1 1000\n", out);
	chart(out, "smaps_skipped", "smaps.plugin processes not read in full",
	      "processes", PRIO + 3, ue);
	fputs("DIMENSION backed_off '' absolute 1 1\n"
	      "DIMENSION capped '' absolute 1 1\n"
	      "DIMENSION hidden '' absolute 1 1\n"
	      "DIMENSION failed '' absolute 1 1\n", out);
}

static void begin(FILE *out, const char *id, uint64_t dt_us)
{
	if (dt_us)
		fprintf(out, "BEGIN netdata.%s %llu\n", id,
			(unsigned long long)dt_us);
	else
		fprintf(out, "BEGIN netdata.%s\n", id);
}

void nd_cost_update(FILE *out, const sw_collect_cost *c,
		    const nd_function_cost *fn, uint64_t dt_us)
{
	begin(out, "smaps_reads", dt_us);
	fprintf(out, "SET status = %ld\nSET full = %ld\nSET function = %ld\n"
		"SET maps = %ld\nEND\n", c->status_reads, c->full_reads,
		fn->reads, c->maps_reads);
	begin(out, "smaps_read_bytes", dt_us);
	fprintf(out, "SET smaps = %llu\nSET function = %llu\nEND\n",
		(unsigned long long)c->bytes_read,
		(unsigned long long)fn->bytes);
	begin(out, "smaps_read_time", dt_us);
	fprintf(out, "SET smaps = %lld\nSET function = %lld\nEND\n",
		(long long)(c->read_seconds * 1e6),   /* microseconds */
		(long long)(fn->seconds * 1e6));
	begin(out, "smaps_skipped", dt_us);
	fprintf(out, "SET backed_off = %ld\nSET capped = %ld\nSET hidden = %ld\n"
		"SET failed = %ld\nEND\n", c->backed_off, c->capped, c->hidden,
		c->failed);
}
