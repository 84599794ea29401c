/* report_page.c - the report's page around its data: the template
 * (cli/report_page.html, with its style and script put in place of @CSS@
 * and @JS@, all compiled in from report_page.h, which the Makefile makes)
 * and the data as JSON (see report.h) in place of @DATA@. */
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include "report.h"
#include "report_page.h"
#include "smapwatch/escape.h"

/* Figures in KiB, exactly: a figure that is not a multiple of 1024 gets
 * the decimal fraction, which has at most ten digits since 1024 = 2^10. */
static void units(FILE *f, uint64_t v)
{
	if (v % 1024 == 0) {
		fprintf(f, "%" PRIu64, v / 1024);
		return;
	}
	char frac[16];
	snprintf(frac, sizeof(frac), "%010" PRIu64, (v % 1024) * 9765625u);
	size_t n = strlen(frac);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	fprintf(f, "%" PRIu64 ".%s", v / 1024, frac);
}

static void map_row(FILE *f, const snap_map *m)
{
	fprintf(f, "[\"%" PRIx64 "\",\"%" PRIx64 "\",", m->start, m->end);
	sw_json_string(f, m->perms, strlen(m->perms));
	fprintf(f, ",\"%08" PRIx64 "\",\"%02" PRIx32 ":%02" PRIx32 "\",%" PRIu64
		   ",\"%s\",", m->offset, m->dev_major, m->dev_minor,
		m->inode, sw_category_name(m->cat));
	sw_json_string(f, m->name.s ? m->name.s : "", m->name.len);
	fputc(',', f);
	sw_json_string(f, m->vmflags.s ? m->vmflags.s : "", m->vmflags.len);
	for (int i = 0; i < SW_F_COUNT; i++) {
		fputc(',', f);
		if (m->counts.present & (1u << i))
			units(f, m->counts.v[i]);
		else
			fputs("null", f);
	}
	fputc(']', f);
}

/* The snapshot document, its mappings as rows (or left out). */
static void snapshot(FILE *f, const snap *sn, int with_maps)
{
	snap_write_begin(f, sn);
	for (size_t i = 0; i < sn->nprocs; i++) {
		const snap_proc *p = &sn->procs[i];
		snap_write_proc_begin(f, p, i == 0);
		for (size_t k = 0; with_maps && k < p->nmaps; k++) {
			fputs(k ? ",\n" : "\n", f);
			map_row(f, &p->maps[k]);
		}
		snap_write_proc_end(f, &p->sum);
	}
	snap_write_end(f);
}

static void side(FILE *f, int has, const snap_map *m)
{
	fputc(',', f);
	if (has)
		map_row(f, m);
	else
		fputs("null", f);
}

static int same_str(const snap_str *x, const snap_str *y)
{
	return x->len == y->len && (!x->len || !memcmp(x->s, y->s, x->len));
}

/* A and B alike in every field: A is then written as 0, "as B" (most
 * mappings of a process do not change between two looks). */
static int unchanged(const diff_row *r)
{
	const snap_map *a = &r->a, *b = &r->b;
	if (!r->has_a || !r->has_b || a->start != b->start || a->end != b->end ||
	    a->offset != b->offset || a->inode != b->inode ||
	    a->dev_major != b->dev_major || a->dev_minor != b->dev_minor ||
	    strcmp(a->perms, b->perms) || a->counts.present != b->counts.present ||
	    !same_str(&a->name, &b->name) || !same_str(&a->vmflags, &b->vmflags))
		return 0;
	for (int i = 0; i < SW_F_COUNT; i++)
		if ((a->counts.present & (1u << i)) && a->counts.v[i] != b->counts.v[i])
			return 0;
	return 1;
}

static void diff_proc_rows(FILE *f, const diff *d, const diff_proc *p)
{
	fprintf(f, "{\"pid\":%d,\"comm\":", (int)p->b->pid);
	sw_json_string(f, p->b->comm.s ? p->b->comm.s : "", p->b->comm.len);
	fprintf(f, ",\"a\":%td,\"b\":%td,\"rows\":[", p->a - d->a->procs,
		p->b - d->b->procs);
	for (size_t i = 0; i < p->nrows; i++) {
		const diff_row *r = &p->rows[i];
		fprintf(f, "%s\n[\"%s\",\"%s\",%" PRIu32 ",%" PRIu32,
			i ? "," : "", diff_change_name(r->change),
			diff_match_name(r->match), r->pieces_a, r->pieces_b);
		if (unchanged(r))
			fputs(",0", f);
		else
			side(f, r->has_a, &r->a);
		side(f, r->has_b, &r->b);
		fputc(']', f);
	}
	fputs("]}", f);
}

static void comparison(FILE *f, const report_input *in)
{
	const diff *d = in->d;
	fputs("\"findings\":null,\"diff\":{\"seconds\":", f);
	if (d->seconds >= 0)
		fprintf(f, "%.17g", d->seconds);   /* the rates exactly as diff's */
	else
		fputs("null", f);
	fprintf(f, ",\"has_rate\":%s,\"by\":\"%s\",\"findings\":",
		diff_has_rate(d) ? "true" : "false", sw_field_key(d->by));
	findings_json(f, in->findings);
	fputs(",\"processes\":[", f);
	for (size_t i = 0; i < d->nprocs; i++) {
		fputs(i ? ",\n" : "\n", f);
		diff_proc_rows(f, d, &d->procs[i]);
	}
	fputs("]}", f);
}

static void label(FILE *f, const snap *sn)
{
	sw_json_string(f, sn->label.s ? sn->label.s : "", sn->label.len);
}

static void data(FILE *f, const report_input *in)
{
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	fputs("{\"format\":\"smapwatch-report\",\"version\":1,\"command\":", f);
	sw_json_string(f, in->command, strlen(in->command));
	fprintf(f, ",\"time\":\"%s\",\"unit\":1024,\"fields\":[", now);
	for (int i = 0; i < SW_F_COUNT; i++)
		fprintf(f, "%s\"%s\"", i ? "," : "", sw_field_key((sw_field)i));
	fputs("],\n\"labels\":[", f);
	label(f, in->a);
	if (in->b) {
		fputc(',', f);
		label(f, in->b);
	}
	fputs("],\n\"snapshots\":[", f);
	snapshot(f, in->a, !in->b);
	if (in->b) {
		fputc(',', f);
		snapshot(f, in->b, 0);
	}
	fputs("],\n", f);
	if (in->b) {
		comparison(f, in);
	} else {
		fputs("\"findings\":", f);
		findings_json(f, in->findings);
		fputs(",\"diff\":null", f);
	}
	fputs("}", f);
}

/* The template's text from p up to the marker (or its end); returns what
 * follows the marker's line, or NULL at the end. */
static const char *upto(FILE *out, const char *p, const char *marker)
{
	const char *m = strstr(p, marker);
	if (!m) {
		fputs(p, out);
		return NULL;
	}
	fwrite(p, 1, (size_t)(m - p), out);
	return m + strlen(marker);
}

int report_write(FILE *out, const report_input *in)
{
	const char *p = upto(out, report_page_html, "@CSS@");
	fputs(report_page_css, out);
	p = p ? upto(out, p, "@DATA@") : NULL;
	FILE *esc = report_escape_open(out);
	if (!esc)
		return -1;
	data(esc, in);
	if (fclose(esc) != 0)
		return -1;
	p = p ? upto(out, p, "@JS@") : NULL;
	fputs(report_page_js, out);
	if (p)
		fputs(p, out);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
