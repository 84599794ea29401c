/* text.c - pmap -x style tables, by category. Figures in KiB. */
#include <inttypes.h>
#include <string.h>
#include "output.h"
#include "smapwatch/error.h"
#include "smapwatch/escape.h"

#define KB(x) ((x) >> 10)

void out_escape(FILE *f, const char *s, size_t n)
{
	char buf[4 * 256 + 1];
	for (size_t i = 0; i < n; i += 256) {
		sw_escape(buf, sizeof(buf), s + i, n - i < 256 ? n - i : 256);
		fputs(buf, f);
	}
}

/* The mapping list's columns, above its first row. */
static void maps_header(FILE *f)
{
	fprintf(f, "%-25s %-4s %-6s %10s %10s %10s %10s %10s %10s  %s\n",
		"Address (KiB)", "Perm", "Cat", "Rss", "Pss", "USS",
		"Priv_Dirty", "Swap", "Size", "Mapping");
}

void text_process_begin(FILE *f, const cli_opts *o, const sw_proc_stat *st,
			const char *cmdline, size_t cmdline_len)
{
	fprintf(f, "%d: ", (int)st->pid);
	out_escape(f, st->comm, st->comm_len);
	fprintf(f, "  threads %ld", st->threads);
	if (cmdline_len) {
		fputs("  cmdline: ", f);
		out_escape(f, cmdline, cmdline_len);
	}
	fputc('\n', f);
	if (o->maps)
		maps_header(f);
}

static void row(FILE *f, const char *label, const sw_counts *c, uint32_t vmas)
{
	fprintf(f, "%-8s %11" PRIu64 " %11" PRIu64 " %11" PRIu64 " %11" PRIu64
		   " %11" PRIu64 " %11" PRIu64 " %7" PRIu32 "\n",
		label, KB(c->v[SW_F_RSS]), KB(c->v[SW_F_PSS]),
		KB(sw_counts_uss(c)), KB(c->v[SW_F_PRIVATE_DIRTY]),
		KB(c->v[SW_F_SWAP]), KB(c->v[SW_F_SIZE]), vmas);
}

/* The per-category table of a process or of a sum. */
static void table(FILE *f, const sw_memsum *s)
{
	fprintf(f, "%-8s %11s %11s %11s %11s %11s %11s %7s\n", "KiB", "Rss",
		"Pss", "USS", "Priv_Dirty", "Swap", "Size", "Maps");
	for (int i = 0; i < SW_CAT_COUNT; i++)
		row(f, sw_category_name((sw_category)i), &s->cat[i], s->vmas[i]);
	row(f, "total", &s->total, s->total_vmas);
}

static void subtotals(FILE *f, const char *title, const sw_subtotals *s,
		      size_t top)
{
	const sw_subtotal *best[64];
	size_t n = sw_subtotals_top(s, best, top < 64 ? top : 64);
	if (!n)
		return;
	fprintf(f, "%s (top %zu by Rss, KiB): Rss Pss USS Private_Dirty maps\n",
		title, n);
	for (size_t i = 0; i < n; i++) {
		const sw_counts *c = &best[i]->counts;
		fprintf(f, "  %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
			   " %5" PRIu32 "  ",
			KB(c->v[SW_F_RSS]), KB(c->v[SW_F_PSS]),
			KB(sw_counts_uss(c)), KB(c->v[SW_F_PRIVATE_DIRTY]),
			best[i]->vmas);
		out_escape(f, best[i]->name, best[i]->name_len);
		fputc('\n', f);
	}
}

/* After -c/-s, what was listed, and that the table is the whole process. */
static void listed(FILE *f, const cli_listed *l, uint32_t total_vmas)
{
	const sw_counts *c = &l->counts;
	fprintf(f, "listed %" PRIu32 " of %" PRIu32 " mappings (KiB): Rss %"
		   PRIu64 " Pss %" PRIu64 " USS %" PRIu64 " Priv_Dirty %" PRIu64
		   " Swap %" PRIu64 " Size %" PRIu64 "\n"
		   "the table below covers the whole process\n",
		l->vmas, total_vmas, KB(c->v[SW_F_RSS]), KB(c->v[SW_F_PSS]),
		KB(sw_counts_uss(c)), KB(c->v[SW_F_PRIVATE_DIRTY]),
		KB(c->v[SW_F_SWAP]), KB(c->v[SW_F_SIZE]));
}

void text_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c, const cli_listed *l)
{
	if (o->maps && cli_opts_filtered(o))
		listed(f, l, s->total_vmas);
	table(f, s);
	if (s->lib_dup_loads)
		fprintf(f, "duplicate library loads: %" PRIu32 "\n",
			s->lib_dup_loads);
	if (o->libs) {
		subtotals(f, "libraries", sw_collector_libs(c), o->top);
		subtotals(f, "named regions", sw_collector_named(c), o->top);
	}
	fputc('\n', f);
}

/* A process whose output was already streamed when its read failed. */
void text_incomplete(FILE *f, pid_t pid, int code)
{
	fprintf(f, "%d: incomplete: %s\n\n", (int)pid, sw_strerror(code));
}

void text_sum(FILE *f, const cli_sum *s)
{
	fprintf(f, "sum of %zu processes", s->n);
	if (s->name) {
		fputs(" named ", f);
		out_escape(f, s->name, strlen(s->name));
	}
	fputs(", pids", f);
	for (size_t i = 0; i < s->n; i++)
		fprintf(f, " %d", (int)s->pids[i]);
	fputc('\n', f);
	table(f, &s->sum);
	fputs("(Pss and USS add up; Rss and Size count a shared page in "
	      "every process that maps it)\n\n", f);
}

/* The permissions column: 4 bytes from the smaps line, which a saved
 * proc tree may fill with anything (ESC, quotes): escaped, then padded. */
static void perms_column(FILE *f, const char *perms)
{
	char buf[4 * sizeof(((sw_mapping *)0)->perms) + 1];
	size_t n = sw_escape(buf, sizeof(buf), perms, strlen(perms));
	fprintf(f, " %s%*s", buf, n < 4 ? (int)(4 - n) : 0, "");
}

void text_mapping(FILE *f, const sw_mapping *m, sw_category c)
{
	const sw_counts *k = &m->counts;
	fprintf(f, "%012" PRIx64 "-%012" PRIx64, m->start, m->end);
	perms_column(f, m->perms);
	fprintf(f, " %-6s %10" PRIu64
		   " %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64
		   " %10" PRIu64 "  ",
		sw_category_name(c), KB(k->v[SW_F_RSS]), KB(k->v[SW_F_PSS]), KB(sw_counts_uss(k)),
		KB(k->v[SW_F_PRIVATE_DIRTY]), KB(k->v[SW_F_SWAP]),
		KB(k->v[SW_F_SIZE]));
	out_escape(f, m->name, m->name_len);
	fputc('\n', f);
}

void text_overview(FILE *f, const cli_proc_row *rows, size_t n,
		   size_t total_procs)
{
	fprintf(f, "Largest %zu of %zu processes by Pss (KiB, from smaps_rollup)\n",
		n, total_procs);
	fprintf(f, "%8s %11s %11s %11s %11s %11s  %s\n", "PID", "Pss", "Rss",
		"USS", "Priv_Dirty", "Swap", "COMMAND");
	for (size_t i = 0; i < n; i++) {
		const sw_counts *c = &rows[i].rollup;
		fprintf(f, "%8d %11" PRIu64 " %11" PRIu64 " %11" PRIu64
			   " %11" PRIu64 " %11" PRIu64 "  ",
			(int)rows[i].st.pid, KB(c->v[SW_F_PSS]),
			KB(c->v[SW_F_RSS]), KB(sw_counts_uss(c)),
			KB(c->v[SW_F_PRIVATE_DIRTY]), KB(c->v[SW_F_SWAP]));
		out_escape(f, rows[i].st.comm, rows[i].st.comm_len);
		fputc('\n', f);
	}
}
