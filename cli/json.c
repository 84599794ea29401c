/* json.c - the same data as text.c, as JSON, figures in bytes. Every field
 * the kernel printed is included under its kernel name; absent ones are
 * left out. Raw bytes in names are written as \u00XX escapes. */
#include <inttypes.h>
#include <string.h>
#include "output.h"
#include "smapwatch/escape.h"

static void counts(FILE *f, const sw_counts *c, uint32_t present,
		   uint32_t vmas)
{
	fprintf(f, "{\"uss\":%" PRIu64 ",\"vmas\":%" PRIu32, sw_counts_uss(c),
		vmas);
	for (int i = 0; i < SW_F_COUNT; i++)
		if (present & (1u << i))
			fprintf(f, ",\"%s\":%" PRIu64, sw_field_name((sw_field)i),
				c->v[i]);
	fputc('}', f);
}

void json_process_begin(FILE *f, const sw_proc_stat *st, int first)
{
	fprintf(f, "%s{\"pid\":%d,\"comm\":", first ? "" : ",\n", (int)st->pid);
	sw_json_string(f, st->comm, st->comm_len);
	fprintf(f, ",\"threads\":%ld,\"maps\":[", st->threads);
}

void json_mapping(FILE *f, const sw_mapping *m, sw_category c, int first)
{
	fprintf(f, "%s\n {\"start\":\"%" PRIx64 "\",\"end\":\"%" PRIx64
		   "\",\"perms\":\"%s\",\"category\":\"%s\",\"name\":",
		first ? "" : ",", m->start, m->end, m->perms,
		sw_category_name(c));
	sw_json_string(f, m->name, m->name_len);
	fputs(",\"vmflags\":", f);
	sw_json_string(f, m->vmflags, strlen(m->vmflags));
	fputs(",\"counts\":", f);
	counts(f, &m->counts, m->counts.present, 1);
	fputc('}', f);
}

static void subtotals(FILE *f, const char *key, const sw_subtotals *s,
		      uint32_t present, size_t top)
{
	const sw_subtotal *best[64];
	size_t n = sw_subtotals_top(s, best, top < 64 ? top : 64);
	fprintf(f, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",{\"name\":" : "{\"name\":", f);
		sw_json_string(f, best[i]->name, best[i]->name_len);
		fprintf(f, ",\"dup_loads\":%" PRIu32 ",\"counts\":",
			best[i]->dup_loads);
		counts(f, &best[i]->counts, present, best[i]->vmas);
		fputc('}', f);
	}
	fputc(']', f);
}

void json_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c)
{
	uint32_t present = s->total.present;
	fputs("],\"categories\":{", f);
	for (int i = 0; i < SW_CAT_COUNT; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "",
			sw_category_name((sw_category)i));
		counts(f, &s->cat[i], present, s->vmas[i]);
	}
	fputs("},\"total\":", f);
	counts(f, &s->total, present, s->total_vmas);
	fprintf(f, ",\"lib_dup_loads\":%" PRIu32, s->lib_dup_loads);
	if (o->libs) {
		subtotals(f, "libraries", sw_collector_libs(c), present, o->top);
		subtotals(f, "named_regions", sw_collector_named(c), present,
			  o->top);
	}
	fputc('}', f);
}

void json_overview(FILE *f, const cli_proc_row *rows, size_t n)
{
	fputs("[", f);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\n{\"pid\":%d,\"comm\":", i ? "," : "",
			(int)rows[i].st.pid);
		sw_json_string(f, rows[i].st.comm, rows[i].st.comm_len);
		fputs(",\"rollup\":", f);
		counts(f, &rows[i].rollup, rows[i].rollup.present, 0);
		fputc('}', f);
	}
	fputs("\n]\n", f);
}
