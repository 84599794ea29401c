/* report.c - `smapwatch report [-o FILE.html] [-r ROOT] A [B]`: one or
 * two looks (each a snapshot file, a pid or a process name: cli_target)
 * drawn as one self-contained HTML page (report_page.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "console.h"
#include "report.h"
#include "target.h"

static void usage(FILE *f)
{
	fputs("Usage: smapwatch report [-o FILE.html] [-r DIR] A [B]\n"
	      "Write one self-contained HTML page of A's memory (A: a snapshot\n"
	      "file, a PID or a process name): by category and by mapping, drawn\n"
	      "to scale, the mapping table and the findings; with B, what\n"
	      "changed from A to B.\n\n"
	      "  -o, --output FILE     write FILE (default: standard output)\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc\n"
	      "  -h, --help            this help\n", f);
}

/* Writes the page whole to path (NULL: stdout), or nothing: 0 or -1. */
static int emit(const char *path, const report_input *in)
{
	cli_output *o = cli_output_open(path);
	if (!o)
		return -1;
	FILE *f = cli_output_file(o);
	int ok = report_write(f, in) == 0;
	if (!ok && !ferror(f))   /* a write error is cli_output_close's line */
		fputs("smapwatch: out of memory\n", stderr);
	return cli_output_close(o, ok) == 0 && ok ? 0 : -1;
}

/* The findings as `smapwatch findings` (one look) or `smapwatch diff`
 * (growth, then B's one-look patterns) give them, and the page. */
static int draw(const char *path, const snap *a, const snap *b,
		const char *command)
{
	diff d = {0};
	finding_list fl = {0};
	report_input in = {.a = a, .b = b, .findings = &fl, .command = command};
	if (b) {
		int r = diff_build(&d, a, b, SW_F_RSS, stderr);
		if (r == -ENOMEM)
			fputs("smapwatch: out of memory\n", stderr);
		if (r)
			return -1;
		in.d = &d;
		for (size_t i = 0; i < d.nprocs; i++)
			findings_diff(&fl, &d, &d.procs[i]);
		for (size_t i = 0; i < d.nprocs; i++)
			findings_look(&fl, d.procs[i].b);
	} else {
		for (size_t i = 0; i < a->nprocs; i++)
			findings_look(&fl, &a->procs[i]);
	}
	int r = emit(path, &in);
	findings_free(&fl);
	if (b)
		diff_free(&d);
	return r;
}

int cli_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, 0, 'o'},
		{"proc-root", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	const char *out = NULL, *root = "/proc";
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:r:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 'r': root = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	int n = argc - optind;
	if (n < 1 || n > 2) {
		fprintf(stderr, "smapwatch report: %s\n", n < 1
			? "what to draw? a snapshot file, a PID or a name"
			: "at most two looks, A and B");
		usage(stderr);
		return 2;
	}
	snap a = {0}, b = {0};
	char *command = snap_command(argc, argv);
	int r = command ? 0 : -1;
	if (!command)
		fputs("smapwatch: out of memory\n", stderr);
	if (r == 0)
		r = cli_target_load(argv[optind], root, command, &a, stderr);
	if (r == 0 && n == 2)
		r = cli_target_load(argv[optind + 1], root, command, &b, stderr);
	if (r == 0)
		r = draw(out, &a, n == 2 ? &b : NULL, command);
	snap_free(&a);
	snap_free(&b);
	free(command);
	return r ? 1 : 0;
}
