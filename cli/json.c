/* json.c - the same data as text.c, as one JSON object per run, figures
 * in bytes. Keys are lower snake_case: a smaps field under sw_field_key()
 * ("private_dirty"), only when the kernel printed it (absent, not 0).
 * Raw bytes in names are written as \u00XX escapes. */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "output.h"
#include "smapwatch/error.h"
#include "smapwatch/escape.h"

#define PRIVATE_BITS ((1u << SW_F_PRIVATE_CLEAN) | (1u << SW_F_PRIVATE_DIRTY))

void json_counts(FILE *f, const sw_counts *c, uint32_t present, long vmas)
{
	const char *sep = "{";
	if (present & PRIVATE_BITS) {
		fprintf(f, "%s\"uss\":%" PRIu64, sep, sw_counts_uss(c));
		sep = ",";
	}
	if (vmas >= 0) {
		fprintf(f, "%s\"vmas\":%ld", sep, vmas);
		sep = ",";
	}
	for (int i = 0; i < SW_F_COUNT; i++)
		if (present & (1u << i)) {
			fprintf(f, "%s\"%s\":%" PRIu64, sep,
				sw_field_key((sw_field)i), c->v[i]);
			sep = ",";
		}
	fputs(*sep == '{' ? "{}" : "}", f);
}

void json_time(FILE *f, const struct timespec *now)
{
	struct tm tm;
	char iso[32] = "";
	if (gmtime_r(&now->tv_sec, &tm))
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(f, "\"time\":\"%s\",\"time_unix\":%lld.%03ld", iso,
		(long long)now->tv_sec, now->tv_nsec / 1000000);
}

void json_document_begin(FILE *f, const struct timespec *now)
{
	fputc('{', f);
	json_time(f, now);
	fputc(',', f);
}

void json_process_begin(FILE *f, const sw_proc_stat *st, const char *cmdline,
			size_t cmdline_len, int first)
{
	fprintf(f, "%s{\"pid\":%d,\"comm\":", first ? "" : ",\n", (int)st->pid);
	sw_json_string(f, st->comm, st->comm_len);
	fputs(",\"cmdline\":", f);
	sw_json_string(f, cmdline, cmdline_len);
	fprintf(f, ",\"threads\":%ld,\"maps\":[", st->threads);
}

void json_mapping(FILE *f, const sw_mapping *m, sw_category c, int first)
{
	fprintf(f, "%s\n {\"start\":\"%" PRIx64 "\",\"end\":\"%" PRIx64
		   "\",\"perms\":", first ? "" : ",", m->start, m->end);
	sw_json_string(f, m->perms, strlen(m->perms));
	fprintf(f, ",\"category\":\"%s\",\"name\":", sw_category_name(c));
	sw_json_string(f, m->name, m->name_len);
	fputs(",\"vmflags\":", f);
	sw_json_string(f, m->vmflags, strlen(m->vmflags));
	fputs(",\"counts\":", f);
	json_counts(f, &m->counts, m->counts.present, -1);
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
		json_counts(f, &best[i]->counts, present, best[i]->vmas);
		fputc('}', f);
	}
	fputc(']', f);
}

/* "categories" and "total" of a process or a sum. */
static void categories(FILE *f, const sw_memsum *s)
{
	uint32_t present = s->total.present;
	fputs("\"categories\":{", f);
	for (int i = 0; i < SW_CAT_COUNT; i++) {
		fprintf(f, "%s\"%s\":", i ? "," : "",
			sw_category_name((sw_category)i));
		json_counts(f, &s->cat[i], present, s->vmas[i]);
	}
	fputs("},\"total\":", f);
	json_counts(f, &s->total, present, s->total_vmas);
}

void json_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c, const cli_listed *l)
{
	uint32_t present = s->total.present;
	fputs("],", f);
	if (o->maps && cli_opts_filtered(o)) {
		fputs("\"listed\":", f);
		json_counts(f, &l->counts, present, l->vmas);
		fputc(',', f);
	}
	categories(f, s);
	fprintf(f, ",\"lib_dup_loads\":%" PRIu32, s->lib_dup_loads);
	if (o->libs) {
		subtotals(f, "libraries", sw_collector_libs(c), present, o->top);
		subtotals(f, "named_regions", sw_collector_named(c), present,
			  o->top);
	}
	fputc('}', f);
}

/* Ends a process whose maps were already streamed when its read failed:
 * no totals, an "error" instead. */
void json_incomplete(FILE *f, int code)
{
	const char *e = sw_strerror(code);
	fputs("],\"error\":", f);
	sw_json_string(f, e, strlen(e));
	fputc('}', f);
}

void json_sums(FILE *f, const cli_sum *const *sums, size_t n)
{
	fputs(",\"sums\":[", f);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ",\n{" : "\n{", f);
		if (sums[i]->name) {
			fputs("\"name\":", f);
			sw_json_string(f, sums[i]->name, strlen(sums[i]->name));
			fputc(',', f);
		}
		fputs("\"pids\":[", f);
		for (size_t p = 0; p < sums[i]->n; p++)
			fprintf(f, "%s%d", p ? "," : "", (int)sums[i]->pids[p]);
		fputs("],", f);
		categories(f, &sums[i]->sum);
		fputc('}', f);
	}
	fputs("]", f);
}

void json_overview(FILE *f, const cli_proc_row *rows, size_t n,
		   size_t total_procs, const cli_unread *u)
{
	fprintf(f, "\"processes_read\":%zu,\"unreadable\":%zu,\"processes\":[",
		total_procs, u->denied + u->other);
	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s\n{\"pid\":%d,\"comm\":", i ? "," : "",
			(int)rows[i].st.pid);
		sw_json_string(f, rows[i].st.comm, rows[i].st.comm_len);
		fputs(",\"rollup\":", f);
		json_counts(f, &rows[i].rollup, rows[i].rollup.present, -1);
		fputc('}', f);
	}
	fputs("\n]}\n", f);
}
