/* top.c - `smapwatch top`: the targets looked at every few seconds, what
 * grew since the first look, per category and per mapping, redrawn in
 * place (or, in batch form, one plain table per interval). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "console.h"
#include "diff.h"
#include "findings.h"
#include "opts.h"
#include "target.h"
#include "term.h"
#include "smapwatch/clock.h"
#include "smapwatch/escape.h"

static const sw_field sorts[] = {SW_F_RSS, SW_F_PSS, SW_F_PRIVATE_DIRTY,
				 SW_F_SWAP, SW_F_SIZE};
#define NSORTS ((int)(sizeof(sorts) / sizeof(*sorts)))

typedef struct {
	double interval;
	int batch;
	unsigned long iters;   /* 0: until stopped */
	unsigned long rows;    /* mapping rows in batch form */
	int sort;              /* index in sorts[] */
	int cat;               /* -1: every category, else the one shown */
	const char *root;
	char *command;
	snap base, cur;
	char status[300];
} top;

typedef struct {
	pid_t pid;
	const diff_row *r;
} top_row;

static void usage(FILE *f)
{
	fputs("Usage: smapwatch top [OPTION]... TARGET...\n"
	      "What grew since the start, per category and per mapping, looked\n"
	      "at again every SECS and redrawn in place. Keys: q quit, s / S\n"
	      "next / previous sort column, c next category.\n\n"
	      "  -d, --delay SECS      between looks (2)\n"
	      "  -b, --batch           one plain table per look, no terminal\n"
	      "                        codes (also when stdout is not a terminal)\n"
	      "  -n, --iterations N    stop after N tables\n"
	      "  -m, --maps N          mapping rows in batch form (15)\n"
	      "  -S, --sort FIELD      rss, pss, private_dirty, swap or size\n"
	      "  -c, --category NAME   only this category's mappings\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc\n"
	      "  -h, --help            this help\n", f);
}

static int sort_index(const char *s)
{
	int f = cli_parse_field(s);
	for (int i = 0; i < NSORTS; i++)
		if ((int)sorts[i] == f)
			return i;
	return -1;
}

static int parse(top *t, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"delay", required_argument, 0, 'd'}, {"batch", no_argument, 0, 'b'},
		{"iterations", required_argument, 0, 'n'},
		{"maps", required_argument, 0, 'm'},
		{"sort", required_argument, 0, 'S'},
		{"category", required_argument, 0, 'c'},
		{"proc-root", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	int opt, bad = 0;
	while (!bad && (opt = cli_getopt(argc, argv, "d:bn:m:S:c:r:h", longopts)) != -1) {
		switch (opt) {
		case 'd': bad = cli_parse_seconds(optarg, &t->interval); break;
		case 'b': t->batch = 1; break;
		case 'n': bad = cli_parse_count(optarg, 100000000, &t->iters); break;
		case 'm': bad = cli_parse_count(optarg, 100000, &t->rows); break;
		case 'S': bad = (t->sort = sort_index(optarg)) < 0; break;
		case 'c': bad = (t->cat = sw_category_lookup(optarg)) < 0; break;
		case 'r': t->root = optarg; break;
		case 'h': usage(stdout); exit(0);
		default: return -1;
		}
		if (bad)
			fprintf(stderr, "smapwatch: top: bad value '%s' for -%c\n",
				optarg, opt);
	}
	return bad ? -1 : 0;
}

static void put_escaped(FILE *f, const snap_str *s)
{
	char buf[4 * 128 + 1];
	sw_escape(buf, sizeof(buf), s->s, s->len < 128 ? s->len : 128);
	fputs(buf, f);
}

static void head(FILE *f, const top *t, const diff *d, int keys)
{
	char since[32];
	fprintf(f, "smapwatch top  %s  %zu process%s  every %g s  since start "
		   "%s  sort %s  category %s\n",
		t->cur.time, d->nprocs, d->nprocs == 1 ? "" : "es", t->interval,
		fmt_duration(since, sizeof(since), d->seconds > 0 ? d->seconds : 0),
		sw_field_key(sorts[t->sort]),
		t->cat < 0 ? "all" : sw_category_name((sw_category)t->cat));
	if (keys)
		fprintf(f, "keys: q quit  s/S sort column  c category   %s\n",
			t->status);
}

static void cat_line(FILE *f, const diff *d, const char *name,
		     uint64_t now, int64_t delta, uint32_t maps)
{
	fprintf(f, "%-8s %12" PRIu64 " %+12" PRId64, name, now / 1024,
		delta / 1024);
	if (diff_has_rate(d))
		fprintf(f, " %+12.0f", diff_rate(d, delta) / 1024);
	else
		fprintf(f, " %12s", "-");
	fprintf(f, " %6" PRIu32 "\n", maps);
}

/* The categories of every process, summed. */
static void categories(FILE *f, const diff *d, sw_field by)
{
	uint64_t now[SW_CAT_COUNT + 1] = {0};
	int64_t delta[SW_CAT_COUNT + 1] = {0};
	uint32_t maps[SW_CAT_COUNT + 1] = {0};
	for (size_t i = 0; i < d->nprocs; i++) {
		const diff_proc *p = &d->procs[i];
		for (int c = 0; c < SW_CAT_COUNT; c++) {
			now[c] += p->b->sum.cat[c].v[by];
			delta[c] += p->cat[c].v[by];
			maps[c] += p->b->sum.vmas[c];
		}
		now[SW_CAT_COUNT] += p->b->sum.total.v[by];
		delta[SW_CAT_COUNT] += p->total.v[by];
		maps[SW_CAT_COUNT] += p->b->sum.total_vmas;
	}
	fprintf(f, "%-8s %8s KiB %12s %12s %6s\n", "CATEGORY", sw_field_key(by),
		"+- KiB", "KiB/hour", "MAPS");
	for (int c = 0; c <= SW_CAT_COUNT; c++)
		cat_line(f, d, c < SW_CAT_COUNT ? sw_category_name((sw_category)c)
						: "total", now[c], delta[c], maps[c]);
}

static int by_growth(const void *x, const void *y, void *ctx)
{
	sw_field by = *(const sw_field *)ctx;
	const diff_row *a = ((const top_row *)x)->r, *b = ((const top_row *)y)->r;
	if (a->delta.v[by] != b->delta.v[by])
		return a->delta.v[by] > b->delta.v[by] ? -1 : 1;
	uint64_t va = a->has_b ? a->b.counts.v[by] : 0;
	uint64_t vb = b->has_b ? b->b.counts.v[by] : 0;
	return (va < vb) - (va > vb);
}

static void map_line(FILE *f, const diff *d, const top_row *t, sw_field by)
{
	const diff_row *r = t->r;
	const snap_map *m = r->has_b ? &r->b : &r->a;
	fprintf(f, "%7d %-8s %-6s %012" PRIx64 "-%012" PRIx64 " %10" PRIu64
		   " %+10" PRId64, (int)t->pid, diff_change_name(r->change),
		sw_category_name(r->cat), m->start, m->end,
		(r->has_b ? r->b.counts.v[by] : 0) / 1024, r->delta.v[by] / 1024);
	if (diff_has_rate(d))
		fprintf(f, " %+10.0f ", diff_rate(d, r->delta.v[by]) / 1024);
	else
		fprintf(f, " %10s ", "-");
	put_escaped(f, &m->name);
	fputc('\n', f);
}

/* Every process's mappings, merged and sorted by growth. */
static void mappings(FILE *f, const top *t, const diff *d, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < d->nprocs; i++)
		n += d->procs[i].nrows;
	top_row *v = malloc((n ? n : 1) * sizeof(*v));
	if (!v)
		return;
	n = 0;
	for (size_t i = 0; i < d->nprocs; i++)
		for (size_t k = 0; k < d->procs[i].nrows; k++)
			if (t->cat < 0 || d->procs[i].rows[k].cat == (sw_category)t->cat)
				v[n++] = (top_row){d->procs[i].b->pid, &d->procs[i].rows[k]};
	sw_field by = sorts[t->sort];
	qsort_r(v, n, sizeof(*v), by_growth, &by);
	fprintf(f, "%7s %-8s %-6s %-25s %6s KiB %10s %10s NAME\n", "PID",
		"CHANGE", "CAT", "RANGE", sw_field_key(by), "+- KiB", "KiB/hour");
	for (size_t i = 0; i < n && i < max; i++)
		map_line(f, d, &v[i], by);
	free(v);
}

/* One screen or table into text; lines to fit rows when rows > 0. */
static int render(top *t, char **text, size_t *len, int keys, int rows)
{
	diff d;
	FILE *quiet = fopen("/dev/null", "w");
	int r = diff_build(&d, &t->base, &t->cur, sorts[t->sort],
			   quiet ? quiet : stderr);
	if (quiet)
		fclose(quiet);
	FILE *f = r ? NULL : open_memstream(text, len);
	if (!f) {
		if (r == 0)
			diff_free(&d);
		return -1;
	}
	head(f, t, &d, keys);
	fputc('\n', f);
	categories(f, &d, sorts[t->sort]);
	fputc('\n', f);
	size_t used = (keys ? 2 : 1) + 1 + (SW_CAT_COUNT + 2) + 1 + 1;
	mappings(f, t, &d, rows > 0 ? (rows > (int)used ? (size_t)rows - used : 0)
				    : t->rows);
	fclose(f);
	diff_free(&d);
	return 0;
}

/* In place: home, each line cut to the width and cleared to its end,
 * then the rest of the screen cleared. */
static void draw(const char *text, size_t len, int cols)
{
	fputs("\033[H", stdout);
	for (const char *p = text, *e = text + len; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(e - p);
		fwrite(p, 1, n < (size_t)cols ? n : (size_t)cols, stdout);
		fputs("\033[K\r\n", stdout);
		p += n + 1;
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

/* A new look at the same processes; those gone leave base too, so they
 * are said once. */
static int relook(top *t, FILE *err)
{
	snap next;
	if (cli_target_relook(&t->base, t->root, t->command, &next, err) <= 0) {
		snap_free(&next);
		return -1;
	}
	for (size_t i = t->base.nprocs; i-- > 0;)
		if (!snap_find_pid(&next, t->base.procs[i].pid))
			snap_remove_proc(&t->base, i);
	snap_free(&t->cur);
	t->cur = next;
	return 0;
}

static int run_batch(top *t)
{
	double start = sw_clock_monotonic();
	for (unsigned long i = 0;; i++) {
		char *text = NULL;
		size_t len = 0;
		if (render(t, &text, &len, 0, 0))
			return 1;
		fwrite(text, 1, len, stdout);
		fputc('\n', stdout);
		free(text);
		if (fflush(stdout) || ferror(stdout)) {
			perror("smapwatch: standard output");
			return 1;
		}
		if (t->iters && i + 1 >= t->iters)
			return 0;
		double wait = start + (double)(i + 1) * t->interval - sw_clock_monotonic();
		if (wait > 0) {
			struct timespec ts = {(time_t)wait,
					      (long)((wait - (double)(time_t)wait) * 1e9)};
			nanosleep(&ts, NULL);
		}
		if (relook(t, stderr))
			return 1;
	}
}

/* A key: 1 when the screen must be drawn again, -1 to quit. */
static int key(top *t, int k)
{
	switch (k) {
	case 'q': case 'Q': case -1:
		return -1;
	case 's':
		t->sort = (t->sort + 1) % NSORTS;
		return 1;
	case 'S':
		t->sort = (t->sort + NSORTS - 1) % NSORTS;
		return 1;
	case 'c':
		t->cat = t->cat + 1 < SW_CAT_COUNT ? t->cat + 1 : -1;
		return 1;
	default:
		return 0;
	}
}

static void screen(top *t)
{
	int rows, cols;
	char *text = NULL;
	size_t len = 0;
	term_size(&rows, &cols);
	if (render(t, &text, &len, 1, rows) == 0)
		draw(text, len, cols);
	free(text);
}

/* Waits for the next look, answering keys; -1 to quit. */
static int wait_keys(top *t, cli_term *term, double until)
{
	for (;;) {
		double left = until - sw_clock_monotonic();
		if (term_stop)
			return -1;
		if (left <= 0)
			return 0;
		int k = key(t, term_key(term, (int)(left * 1000) + 1));
		if (k < 0)
			return -1;
		if (k > 0 || term_resized) {
			term_resized = 0;
			screen(t);
		}
	}
}

static int run_screen(top *t)
{
	cli_term term;
	char *msgs = NULL;
	size_t mlen = 0;
	int st = 0;
	double start = sw_clock_monotonic();
	term_open(&term);
	for (unsigned long i = 0;; i++) {
		screen(t);
		if ((t->iters && i + 1 >= t->iters) ||
		    wait_keys(t, &term, start + (double)(i + 1) * t->interval))
			break;
		FILE *err = open_memstream(&msgs, &mlen);
		int r = err ? relook(t, err) : -1;
		if (err)
			fclose(err);
		snprintf(t->status, sizeof(t->status), "%.*s", (int)strcspn(msgs ? msgs : "", "\n"),
			 msgs ? msgs : "");
		if (r) {
			st = 1;
			break;
		}
		free(msgs);
		msgs = NULL;
	}
	term_close(&term);
	if (st)
		fprintf(stderr, "%s", msgs ? msgs : "smapwatch: top: no process left\n");
	free(msgs);
	return st;
}

int cli_top_main(int argc, char **argv)
{
	top t = {.interval = 2, .rows = 15, .cat = -1, .root = "/proc"};
	if (parse(&t, argc, argv))
		return usage(stderr), 2;
	if (optind == argc)
		return usage(stderr), 2;
	t.command = snap_command(argc, argv);
	if (!t.command ||
	    cli_target_load(argv[optind], t.root, t.command, &t.base, stderr)) {
		free(t.command);
		return 1;
	}
	for (int i = optind + 1; i < argc; i++)
		cli_target_look(&t.base, t.root, argv[i], stderr);
	if (relook(&t, stderr)) {
		snap_free(&t.base);
		free(t.command);
		return 1;
	}
	int st = t.batch || !isatty(1) ? run_batch(&t) : run_screen(&t);
	snap_free(&t.base);
	snap_free(&t.cur);
	free(t.command);
	return st;
}
