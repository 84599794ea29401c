/* chartio.c - see chartio.h. */
#include "chartio.h"

void nd_chart_line(const nd_chart_ref *r, FILE *out, const char *suffix,
		   const char *title, const char *units, const char *type,
		   int offset)
{
	fprintf(out, "CHART smaps.%s_%s '' '%s of %s' '%s' '%s' 'smaps.%s' "
		"%s %d %d '' 'smaps.plugin' 'smaps'\n", r->id, suffix, title,
		r->text, units, r->text, suffix, type, r->prio + offset,
		r->update_every);
}

void nd_chart_labels(const nd_chart_ref *r, FILE *out)
{
	fprintf(out, "CLABEL 'group' '%s' 1\nCLABEL_COMMIT\n", r->text);
}

void nd_chart_begin(const nd_chart_ref *r, const char *suffix, uint64_t dt_us,
		    FILE *out)
{
	if (dt_us)
		fprintf(out, "BEGIN smaps.%s_%s %llu\n", r->id, suffix,
			(unsigned long long)dt_us);
	else
		fprintf(out, "BEGIN smaps.%s_%s\n", r->id, suffix);
}
