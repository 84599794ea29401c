/* bench.c - `make bench`: the parser's throughput against a plain
 * fgets+sscanf baseline, and the end-to-end cost of collecting a live
 * process against plainly reading its smaps, all in one run on one input.
 *
 * usage: bench MANYMAPS_HELPER [MAPPINGS]
 *
 * Exits 0 whatever the figures (it reports, it is not a test), non-zero
 * when the parsers' totals disagree or something cannot be run. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "smapwatch/collector.h"
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"
#include "baseline.h"
#include "helper.h"

#define MIN_REPS 7
#define MAX_REPS 1001
/* Time budgets per measurement, in seconds; the whole run stays < 60 s. */
#define PARSER_BUDGET 3.0
#define BASELINE_BUDGET 4.0
#define E2E_BUDGET 20.0

#define TARGET_MBS 4000.0
#define TARGET_RATIO 7.0
#define TARGET_E2E 1.05

__attribute__((format(printf, 1, 2)))
static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1); /* atexit kills the helper */
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

/* How many repetitions of something taking `one` seconds fit the budget
 * (odd, so the median is one of the samples). */
static int reps_for(double budget, double one)
{
	double r = one > 0 ? budget / one : MAX_REPS;
	int n = r > MAX_REPS ? MAX_REPS : (int)r;
	if (n < MIN_REPS)
		n = MIN_REPS;
	return n | 1;
}

/* open + read() the whole file into *buf (grown as needed) + close. */
static size_t read_file(const char *path, char **buf, size_t *cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t have = 0;
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	for (;;) {
		if (have == *cap) {
			*cap = *cap ? 2 * *cap : 1 << 20;
			*buf = realloc(*buf, *cap);
			if (!*buf)
				die("out of memory");
		}
		ssize_t n = read(fd, *buf + have, *cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		have += (size_t)n;
	}
	close(fd);
	return have;
}

/* The parse-only callback: the collector's work minus classification. */
static int sum_cb(void *ctx, const sw_mapping *m)
{
	sw_counts_add(ctx, &m->counts);
	return 0;
}

static long run_baseline(const char *buf, size_t len, sw_counts *total)
{
	FILE *f = fmemopen((void *)buf, len, "r");
	if (!f)
		die("fmemopen: %s", strerror(errno));
	long n = baseline_parse(f, total);
	fclose(f);
	return n;
}

/* Field-by-field comparison; prints every difference. */
static int same_counts(const char *what, const sw_counts *a,
		       const sw_counts *b)
{
	int ok = a->present == b->present;
	if (!ok)
		printf("MISMATCH %s: present bits %#x vs %#x\n", what,
		       a->present, b->present);
	for (int f = 0; f < SW_F_COUNT; f++)
		if (a->v[f] != b->v[f]) {
			printf("MISMATCH %s: %s %llu vs %llu\n", what,
			       sw_field_name((sw_field)f),
			       (unsigned long long)a->v[f],
			       (unsigned long long)b->v[f]);
			ok = 0;
		}
	return ok;
}

/* Collector, bare parser and baseline must agree on the same bytes, or
 * the throughput comparison means nothing: exits 1 if they do not. */
static void check_totals(sw_collector *col, sw_smaps_parser *parser,
			 const char *buf, size_t len, sw_memsum *ours)
{
	sw_counts base, parsed;
	int r = sw_collect_buffer(col, buf, len, NULL, ours, NULL, NULL);
	if (r)
		die("sw_collect_buffer: %s (%s)", sw_strerror(r),
		    sw_collector_detail(col));
	memset(&parsed, 0, sizeof(parsed));
	sw_smaps_parser_reset(parser);
	long np = sw_smaps_parse(parser, buf, len, sum_cb, &parsed);
	long nb = run_baseline(buf, len, &base);
	if (nb != (long)ours->total_vmas || np != nb)
		die("mapping counts disagree: collector %u, parser %ld, "
		    "baseline %ld", ours->total_vmas, np, nb);
	if (!same_counts("collector vs baseline", &ours->total, &base) ||
	    !same_counts("parser vs baseline", &parsed, &base))
		die("totals disagree");
	if (ours->total_vmas < 20000)
		die("only %u mappings, need at least 20000", ours->total_vmas);
	printf("check: collector, parser and baseline totals agree "
	       "(%u mappings, Rss %.1f MiB, Private_Dirty %.1f MiB)\n",
	       ours->total_vmas, (double)base.v[SW_F_RSS] / 1048576.0,
	       (double)base.v[SW_F_PRIVATE_DIRTY] / 1048576.0);
}

enum { COLLECT_BUFFER, PARSE_ONLY, BASELINE };

/* Which of the parser's paths the input took (check_totals() parsed it). */
static void print_paths(const sw_smaps_parser *parser)
{
	sw_smaps_paths paths;
	sw_smaps_parser_paths(parser, &paths);
	unsigned long field = paths.block_lines + paths.column_lines;
	printf("paths: of %lu lines, %lu field lines in the kernel's layout, "
	       "%lu of those on the block path (%.2f%%)\n",
	       paths.lines, field, paths.block_lines,
	       field ? 100.0 * (double)paths.block_lines / (double)field : 0.0);
}

static void run_once(int what, sw_collector *col, sw_smaps_parser *parser,
		     const char *buf, size_t len)
{
	sw_memsum sum;
	sw_counts c = { .present = 0 };
	switch (what) {
	case COLLECT_BUFFER:
		sw_collect_buffer(col, buf, len, NULL, &sum, NULL, NULL);
		break;
	case PARSE_ONLY:
		sw_smaps_parser_reset(parser);
		sw_smaps_parse(parser, buf, len, sum_cb, &c);
		break;
	default:
		run_baseline(buf, len, &c);
	}
}

/* Median throughput in MB/s of `what` over buf; *reps gets the count and
 * *best the fastest run's (on a shared machine, the others' load only
 * ever slows a run down: the best is the code's own speed). */
static double throughput(int what, double budget, sw_collector *col,
			 sw_smaps_parser *parser, const char *buf, size_t len,
			 int *reps, double *best)
{
	double t0 = now();
	run_once(what, col, parser, buf, len); /* warm-up, and sizes n */
	int n = reps_for(budget, now() - t0);
	double *t = malloc(sizeof(*t) * (size_t)n);
	if (!t)
		die("out of memory");
	for (int i = 0; i < n; i++) {
		t0 = now();
		run_once(what, col, parser, buf, len);
		t[i] = now() - t0;
	}
	double mbs = (double)len / 1e6 / median(t, n);
	*best = (double)len / 1e6 / t[0];  /* sorted by median() */
	free(t);
	*reps = n;
	return mbs;
}

/* The collector (parse+classify) and the bare parser timed in turns, so
 * that the host's changes of speed (twofold here, seconds apart) hit
 * both alike and their ratio is classification's own cost. */
typedef struct {
	double collect_mbs, collect_best, parse_mbs, parse_best;
	double classify;  /* median of each turn's collect/parse time */
	int reps;
} side_by_side;

static void collect_and_parse(double budget, sw_collector *col,
			      sw_smaps_parser *parser, const char *buf,
			      size_t len, side_by_side *out)
{
	double t0 = now();
	run_once(COLLECT_BUFFER, col, parser, buf, len);
	run_once(PARSE_ONLY, col, parser, buf, len);
	int n = reps_for(budget, now() - t0);
	double *tc = malloc(sizeof(*tc) * (size_t)n);
	double *tp = malloc(sizeof(*tp) * (size_t)n);
	double *r = malloc(sizeof(*r) * (size_t)n);
	if (!tc || !tp || !r)
		die("out of memory");
	for (int i = 0; i < n; i++) {
		int first = i & 1 ? PARSE_ONLY : COLLECT_BUFFER;
		double *tf = i & 1 ? tp : tc, *ts = i & 1 ? tc : tp;
		t0 = now();
		run_once(first, col, parser, buf, len);
		double t1 = now();
		run_once(first == PARSE_ONLY ? COLLECT_BUFFER : PARSE_ONLY, col,
			 parser, buf, len);
		tf[i] = t1 - t0;
		ts[i] = now() - t1;
		r[i] = tc[i] / tp[i];
	}
	double mb = (double)len / 1e6;
	out->collect_mbs = mb / median(tc, n);
	out->collect_best = mb / tc[0];
	out->parse_mbs = mb / median(tp, n);
	out->parse_best = mb / tp[0];
	out->classify = median(r, n);
	out->reps = n;
	free(tc);
	free(tp);
	free(r);
}

/* The kernel takes the address space again at each read(), so its own
 * cost depends on the read sizes: here reads of the whole file at once
 * cost it 3-6% less than 256 KiB reads, and 256 KiB reads 6% more than the
 * collector's (which ask for what is left of its buffer). So the plain
 * read makes the collector's very reads (collector.h), and parses nothing. */
/* open + the collector's read()s into one buffer + close: it fills the
 * buffer until less than SW_COLLECTOR_ROOM is left, then keeps the part
 * after the last newline (what its parser leaves) and reads on. */
static void read_plain(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t have = 0;
	ssize_t n;
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	while ((n = read(fd, buf + have, SW_COLLECTOR_CHUNK - have)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("%s: %s", path, strerror(errno));
		have += (size_t)n;
		if (SW_COLLECTOR_CHUNK - have < SW_COLLECTOR_ROOM) {
			const char *nl = memrchr(buf, '\n', have);
			size_t keep = nl ? have - (size_t)(nl + 1 - buf) : have;
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
	close(fd);
}

/* Median seconds of sw_collect_process() and of a plain read of the same
 * smaps, interleaved (alternating which goes first) so the machine's
 * drift hits both alike; and the median of each pair's ratio, which the
 * drift between pairs does not move. */
static void end_to_end(sw_collector *col, pid_t pid, uint64_t start_time,
		       const char *path, double *t_coll, double *t_read,
		       double *ratio, int *reps)
{
	char *buf = malloc(SW_COLLECTOR_CHUNK);
	sw_memsum sum;
	if (!buf)
		die("out of memory");
	double t0 = now();
	read_plain(path, buf); /* warm-up, and sizes n */
	int n = reps_for(E2E_BUDGET, 2 * (now() - t0));
	double *tc = malloc(sizeof(*tc) * (size_t)n);
	double *tr = malloc(sizeof(*tr) * (size_t)n);
	double *pair = malloc(sizeof(*pair) * (size_t)n);
	if (!tc || !tr || !pair)
		die("out of memory");
	for (int i = 0; i < 2 * n; i++) {
		/* pairs go read,collect then collect,read, and so on */
		int collect = (i & 1) ^ ((i >> 1) & 1);
		t0 = now();
		if (collect) {
			int r = sw_collect_process(col, "/proc", pid,
						   start_time, &sum, NULL,
						   NULL);
			if (r)
				die("sw_collect_process: %s", sw_strerror(r));
			tc[i / 2] = now() - t0;
		} else {
			read_plain(path, buf);
			tr[i / 2] = now() - t0;
		}
	}
	for (int i = 0; i < n; i++)
		pair[i] = tc[i] / tr[i];
	*ratio = median(pair, n);
	*t_coll = median(tc, n);
	*t_read = median(tr, n);
	*reps = n;
	free(pair);
	free(tc);
	free(tr);
	free(buf);
}

static const char *verdict(int ok)
{
	return ok ? "PASS" : "MISS";
}

static void row(const char *what, const char *value, const char *note,
		const char *target, const char *result)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "%-30s %14s  %-20s %-13s %s",
			 what, value, note, target, result);
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = '\0';
	puts(line);
}

int main(int argc, char **argv)
{
	char path[SW_PATH_MAX], v[32], note[32], tg[32];
	char *snap = NULL;
	size_t cap = 0;
	sw_memsum sum, live;
	sw_proc_stat st;
	int base_n, e2e_n;
	double t_coll, t_read, e2e;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: bench MANYMAPS_HELPER [MAPPINGS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0); /* keep order with stderr */
	atexit(helper_stop);
	pid_t pid = helper_start(argv[1], argc > 2 ? argv[2] : "30000");
	if (pid < 0)
		die("helper %s did not get ready", argv[1]);
	if (sw_proc_read_stat("/proc", pid, &st) != 0)
		die("cannot read /proc/%d/stat", (int)pid);
	sw_proc_path(path, sizeof(path), "/proc", pid, "smaps");
	sw_collector *col = sw_collector_new(NULL);
	sw_smaps_parser *parser = sw_smaps_parser_new();
	if (!col || !parser)
		die("out of memory");

	/* The one input every in-memory measurement uses. */
	size_t len = read_file(path, &snap, &cap);
	printf("input: /proc/%d/smaps of the helper, %.1f MB "
	       "(MB = 10^6 bytes)\n", (int)pid, (double)len / 1e6);
	check_totals(col, parser, snap, len, &sum);
	print_paths(parser);

	side_by_side ours;
	double base_best;
	collect_and_parse(2 * PARSER_BUDGET, col, parser, snap, len, &ours);
	double base_mbs = throughput(BASELINE, BASELINE_BUDGET, col, parser,
				     snap, len, &base_n, &base_best);
	double ratio = ours.collect_mbs / base_mbs;

	/* The live process must be what the snapshot showed. */
	int r = sw_collect_process(col, "/proc", pid, st.start_time, &live,
				   NULL, NULL);
	if (r)
		die("sw_collect_process: %s", sw_strerror(r));
	if (live.total_vmas != sum.total_vmas ||
	    live.total.v[SW_F_RSS] != sum.total.v[SW_F_RSS])
		die("live collection disagrees with the snapshot");
	end_to_end(col, pid, st.start_time, path, &t_coll, &t_read, &e2e,
		   &e2e_n);

	snprintf(v, sizeof(v), "%.1f MB/s", ours.collect_mbs);
	snprintf(note, sizeof(note), "median of %d", ours.reps);
	snprintf(tg, sizeof(tg), ">= %.0f MB/s", TARGET_MBS);
	row("parser (sw_collect_buffer)", v, note, tg,
	    verdict(ours.collect_mbs >= TARGET_MBS));
	snprintf(v, sizeof(v), "%.1f MB/s", ours.collect_best);
	row("  best run", v, "", tg, verdict(ours.collect_best >= TARGET_MBS));
	snprintf(v, sizeof(v), "%.1f MB/s", ours.parse_mbs);
	row("  parse only (sw_smaps_parse)", v, "in turns with it", "", "");
	snprintf(v, sizeof(v), "%.1f MB/s", ours.parse_best);
	row("  parse only, best run", v, "", "", "");
	snprintf(v, sizeof(v), "%.3fx", ours.classify);
	row("  ratio collect/parse only", v, "classification's cost", "", "");
	snprintf(v, sizeof(v), "%.1f MB/s", base_mbs);
	snprintf(note, sizeof(note), "median of %d", base_n);
	row("baseline (fgets+sscanf)", v, note, "", "");
	snprintf(v, sizeof(v), "%.1f MB/s", base_best);
	row("  best run", v, "", "", "");
	snprintf(v, sizeof(v), "%.2fx", ratio);
	snprintf(tg, sizeof(tg), ">= %.0fx", TARGET_RATIO);
	row("ratio parser/baseline", v, "", tg, verdict(ratio >= TARGET_RATIO));
	snprintf(v, sizeof(v), "%.2f ms", t_coll * 1e3);
	snprintf(note, sizeof(note), "median of %d", e2e_n);
	row("e2e sw_collect_process", v, note, "", "");
	snprintf(v, sizeof(v), "%.2f ms", t_read * 1e3);
	row("plain open+read()+close", v, "its reads, in turns", "", "");
	snprintf(v, sizeof(v), "%.3fx", e2e);
	snprintf(tg, sizeof(tg), "<= %.2fx", TARGET_E2E);
	row("ratio collect/plain read", v, "median of the pairs'", tg,
	    verdict(e2e <= TARGET_E2E));

	free(snap);
	sw_smaps_parser_free(parser);
	sw_collector_free(col);
	return 0;
}
