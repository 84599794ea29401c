/* diffout.c - a diff as text tables and as the "smapwatch-diff" JSON. */
#include <inttypes.h>
#include <string.h>
#include "diff.h"
#include "findings.h"
#include "output.h"
#include "snap.h"
#include "smapwatch/escape.h"

#define KB(x) ((x) / 1024)

int diff_row_shown(const diff_view *v, const diff_row *r)
{
	uint64_t sa = r->has_a ? r->a.counts.v[SW_F_SIZE] : 0;
	uint64_t sb = r->has_b ? r->b.counts.v[SW_F_SIZE] : 0;
	return (v->all || r->change != DIFF_SAME || r->match != DIFF_M_START) &&
	       (v->cat_mask & (1u << r->cat)) &&
	       (sa > sb ? sa : sb) >= v->min_size;
}

static void text_escaped(FILE *f, const snap_str *s)
{
	char buf[4 * 256 + 1];
	for (size_t i = 0; i < s->len; i += 256) {
		sw_escape(buf, sizeof(buf), s->s + i, s->len - i < 256 ? s->len - i : 256);
		fputs(buf, f);
	}
}

static void text_head(FILE *f, const diff *d)
{
	char dur[32];
	/* labels are paths, times come from the files: escaped */
	fputs("A: ", f);
	out_escape(f, d->a->label.s, d->a->label.len);
	fputs("  ", f);
	out_escape(f, d->a->time, strlen(d->a->time));
	fputs("\nB: ", f);
	out_escape(f, d->b->label.s, d->b->label.len);
	fputs("  ", f);
	out_escape(f, d->b->time, strlen(d->b->time));
	if (d->seconds > 0)
		fprintf(f, "  (%s later)", fmt_duration(dur, sizeof(dur), d->seconds));
	fputs("\n\n", f);
}

static void text_cat(FILE *f, const diff *d, const char *label,
		     const sw_counts *a, const sw_counts *b, const diff_delta *x,
		     uint32_t va, uint32_t vb)
{
	sw_field by = d->by;
	fprintf(f, "%-8s %11" PRIu64 " %11" PRIu64 " %+11" PRId64, label,
		KB(a->v[by]), KB(b->v[by]), x->v[by] / 1024);
	if (diff_has_rate(d))
		fprintf(f, " %+11.0f", diff_rate(d, x->v[by]) / 1024);
	else
		fprintf(f, " %11s", "-");
	fprintf(f, " %+11" PRId64 " %+11" PRId64 " %+11" PRId64 " %7" PRIu32
		   " %7" PRIu32 "\n", x->v[SW_F_PRIVATE_DIRTY] / 1024,
		x->v[SW_F_SWAP] / 1024, x->v[SW_F_SIZE] / 1024, va, vb);
}

static void text_categories(FILE *f, const diff *d, const diff_proc *p)
{
	char ka[24], kb[24], kd[24];
	const char *k = sw_field_key(d->by);
	snprintf(ka, sizeof(ka), "%.11s A", k);
	snprintf(kb, sizeof(kb), "%.11s B", k);
	snprintf(kd, sizeof(kd), "+-%.11s", k);
	fprintf(f, "%-8s %11s %11s %11s %11s %11s %11s %11s %7s %7s\n",
		"KiB", ka, kb, kd, "per hour", "+-dirty", "+-swap",
		"+-size", "maps A", "maps B");
	for (int c = 0; c < SW_CAT_COUNT; c++)
		text_cat(f, d, sw_category_name((sw_category)c),
			 &p->a->sum.cat[c], &p->b->sum.cat[c], &p->cat[c],
			 p->a->sum.vmas[c], p->b->sum.vmas[c]);
	text_cat(f, d, "total", &p->a->sum.total, &p->b->sum.total, &p->total,
		 p->a->sum.total_vmas, p->b->sum.total_vmas);
}

static void text_row(FILE *f, const diff *d, const diff_row *r)
{
	const snap_map *m = r->has_b ? &r->b : &r->a;
	char pieces[24] = "";
	if (r->match == DIFF_M_SPLIT || r->match == DIFF_M_MERGED)
		snprintf(pieces, sizeof(pieces), " %" PRIu32 "->%" PRIu32,
			 r->pieces_a, r->pieces_b);
	fprintf(f, "%-8s %-10s%-6s %012" PRIx64 "-%012" PRIx64 " %-6s %+10"
		   PRId64, diff_change_name(r->change), diff_match_name(r->match),
		pieces, m->start, m->end, sw_category_name(r->cat),
		r->delta.v[d->by] / 1024);
	if (diff_has_rate(d))
		fprintf(f, " %+10.0f", diff_rate(d, r->delta.v[d->by]) / 1024);
	else
		fprintf(f, " %10s", "-");
	fprintf(f, " %+10" PRId64 " ", r->delta.v[SW_F_SIZE] / 1024);
	text_escaped(f, &m->name);
	fputc('\n', f);
}

static void text_rows(FILE *f, const diff *d, const diff_view *v,
		      const diff_proc *p)
{
	size_t shown = 0, total = 0;
	for (size_t i = 0; i < p->nrows; i++)
		total += diff_row_shown(v, &p->rows[i]);
	if (!total) {
		fputs("no mapping changed (of those selected)\n", f);
		return;
	}
	fprintf(f, "\nmappings by growth of %s (KiB; %zu of %zu shown):\n",
		sw_field_key(d->by), total < v->top ? total : v->top, total);
	fprintf(f, "%-8s %-16s %-25s %-6s %10s %10s %10s %s\n", "change",
		"match", "range", "cat", "+-", "per hour", "+-size", "name");
	for (size_t i = 0; i < p->nrows && shown < v->top; i++)
		if (diff_row_shown(v, &p->rows[i])) {
			text_row(f, d, &p->rows[i]);
			shown++;
		}
}

void diff_text(FILE *f, const diff *d, const diff_view *v,
	       const finding_list *findings)
{
	text_head(f, d);
	for (size_t i = 0; i < d->nprocs; i++) {
		const diff_proc *p = &d->procs[i];
		fprintf(f, "%d: ", (int)p->b->pid);
		text_escaped(f, &p->b->comm);
		fputs("  ", f);
		text_escaped(f, &p->b->cmdline);
		fputc('\n', f);
		text_categories(f, d, p);
		text_rows(f, d, v, p);
		fputc('\n', f);
	}
	if (findings && findings->n) {
		fputs("findings:\n", f);
		findings_text(f, findings);
	}
}

static void json_delta(FILE *f, const diff_delta *x)
{
	const char *sep = "";
	fputc('{', f);
	for (int i = 0; i < SW_F_COUNT; i++)
		if (x->present & (1u << i)) {
			fprintf(f, "%s\"%s\":%" PRId64, sep,
				sw_field_key((sw_field)i), x->v[i]);
			sep = ",";
		}
	fputc('}', f);
}

static void json_rate(FILE *f, const diff *d, const diff_delta *x)
{
	const char *sep = "";
	if (!diff_has_rate(d)) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	for (int i = 0; i < SW_F_COUNT; i++)
		if (x->present & (1u << i)) {
			fprintf(f, "%s\"%s\":%.0f", sep, sw_field_key((sw_field)i),
				diff_rate(d, x->v[i]));
			sep = ",";
		}
	fputc('}', f);
}

static void json_side(FILE *f, const char *key, const snap *s)
{
	fprintf(f, "\"%s\":{\"time\":", key);
	sw_json_string(f, s->time, strlen(s->time));
	fprintf(f, ",\"time_unix\":%.6f,\"label\":", s->time_unix);
	sw_json_string(f, s->label.s, s->label.len);
	fputc('}', f);
}

/* a and b with the fields of the delta (an empty category's at 0). */
static void json_cat(FILE *f, const diff *d, const sw_counts *a,
		     const sw_counts *b, const diff_delta *x, uint32_t va,
		     uint32_t vb)
{
	sw_counts ca = *a, cb = *b;
	ca.present = cb.present = x->present;
	fputs("{\"a\":", f);
	snap_json_counts(f, &ca, va);
	fputs(",\"b\":", f);
	snap_json_counts(f, &cb, vb);
	fputs(",\"delta\":", f);
	json_delta(f, x);
	fputs(",\"rate_per_hour\":", f);
	json_rate(f, d, x);
	fputc('}', f);
}

static void json_map(FILE *f, int has, const snap_map *m)
{
	if (has)
		snap_write_map(f, m, 1);
	else
		fputs("null", f);
}

static void json_row(FILE *f, const diff *d, const diff_row *r, int first)
{
	fprintf(f, "%s\n {\"change\":\"%s\",\"match\":\"%s\",\"category\":\"%s\","
		   "\"pieces\":{\"a\":%" PRIu32 ",\"b\":%" PRIu32 "},\"a\":",
		first ? "" : ",", diff_change_name(r->change),
		diff_match_name(r->match), sw_category_name(r->cat),
		r->pieces_a, r->pieces_b);
	json_map(f, r->has_a, &r->a);
	fputs(",\"b\":", f);
	json_map(f, r->has_b, &r->b);
	fputs(",\"delta\":", f);
	json_delta(f, &r->delta);
	fputs(",\"rate_per_hour\":", f);
	json_rate(f, d, &r->delta);
	fputc('}', f);
}

static void json_proc(FILE *f, const diff *d, const diff_view *v,
		      const diff_proc *p, int first)
{
	fprintf(f, "%s\n{\"pid\":%d,\"start_time\":%" PRIu64 ",\"comm\":",
		first ? "" : ",", (int)p->b->pid, p->b->start_time);
	sw_json_string(f, p->b->comm.s, p->b->comm.len);
	fputs(",\"cmdline\":", f);
	sw_json_string(f, p->b->cmdline.s, p->b->cmdline.len);
	fputs(",\"categories\":{", f);
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		fprintf(f, "%s\"%s\":", c ? "," : "", sw_category_name((sw_category)c));
		json_cat(f, d, &p->a->sum.cat[c], &p->b->sum.cat[c], &p->cat[c],
			 p->a->sum.vmas[c], p->b->sum.vmas[c]);
	}
	fputs("},\"total\":", f);
	json_cat(f, d, &p->a->sum.total, &p->b->sum.total, &p->total,
		 p->a->sum.total_vmas, p->b->sum.total_vmas);
	fputs(",\"maps\":[", f);
	int firstrow = 1;
	for (size_t i = 0; i < p->nrows; i++)
		if (diff_row_shown(v, &p->rows[i])) {
			json_row(f, d, &p->rows[i], firstrow);
			firstrow = 0;
		}
	fputs("\n]}", f);
}

void diff_json(FILE *f, const diff *d, const diff_view *v,
	       const finding_list *findings)
{
	fputs("{\"format\":\"smapwatch-diff\",\"version\":1,", f);
	json_side(f, "a", d->a);
	fputc(',', f);
	json_side(f, "b", d->b);
	if (d->seconds > 0)
		fprintf(f, ",\"seconds\":%.3f", d->seconds);
	else
		fputs(",\"seconds\":null", f);
	fprintf(f, ",\"sort\":\"%s\",\n\"processes\":[", sw_field_key(d->by));
	for (size_t i = 0; i < d->nprocs; i++)
		json_proc(f, d, v, &d->procs[i], i == 0);
	fputs("\n],\n\"findings\":", f);
	if (findings)
		findings_json(f, findings);
	else
		fputs("[]", f);
	fputs("}\n", f);
}
