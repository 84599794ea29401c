/* diffcmd.c - `smapwatch diff A B` and `smapwatch diff -i SECS TARGET`. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "console.h"
#include "diff.h"
#include "findings.h"
#include "opts.h"
#include "target.h"

typedef struct {
	diff_view view;
	int json;
	double interval;    /* > 0: two looks this far apart */
	sw_field by;
	const char *root, *out;
} diff_opts;

static void usage(FILE *f)
{
	fputs("Usage: smapwatch diff [OPTION]... A B\n"
	      "       smapwatch diff -i SECS [OPTION]... TARGET...\n"
	      "What grew, shrank, appeared and vanished between two looks, per\n"
	      "category and per mapping, sorted by growth, with the rate per\n"
	      "hour; then the findings. A and B are snapshot files, PIDs or\n"
	      "NAMEs (a live look now).\n\n"
	      "  -i, --interval SECS   look at TARGET twice, SECS apart\n"
	      "  -c, --category LIST   only mappings of these categories\n"
	      "  -s, --min-size SIZE   only mappings of at least SIZE (K, M, G)\n"
	      "  -n, --top N           mapping rows per process in tables (20)\n"
	      "  -a, --all             also the mappings that did not change\n"
	      "  -S, --sort FIELD      grow by this smaps field (rss; pss,\n"
	      "                        private_dirty, swap, size, ...)\n"
	      "  -j, --json            the smapwatch-diff JSON document\n"
	      "  -o, --output FILE     write FILE instead of stdout\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc\n"
	      "  -h, --help            this help\n", f);
}

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, "smapwatch: diff: bad %s '%s'\n", what, arg);
	return -1;
}

/* One option's value into o; -1 after a line when it is bad. */
static int option(diff_opts *o, int opt, const char *arg)
{
	unsigned long n;
	int f;
	switch (opt) {
	case 'i':
		return cli_parse_seconds(arg, &o->interval) ? bad("interval", arg) : 0;
	case 'c':
		return cli_parse_categories(arg, &o->view.cat_mask)
			       ? bad("category list", arg) : 0;
	case 's':
		return cli_parse_size(arg, &o->view.min_size) ? bad("size", arg) : 0;
	case 'n':
		if (cli_parse_count(arg, 1000000, &n))
			return bad("number", arg);
		o->view.top = n;
		return 0;
	case 'S':
		if ((f = cli_parse_field(arg)) < 0)
			return bad("field", arg);
		o->by = (sw_field)f;
		return 0;
	case 'a': o->view.all = 1; return 0;
	case 'j': o->json = 1; return 0;
	case 'o': o->out = arg; return 0;
	case 'r': o->root = arg; return 0;
	case 'h': usage(stdout); exit(0);
	default: return -1;
	}
}

static int parse(diff_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"interval", required_argument, 0, 'i'},
		{"category", required_argument, 0, 'c'},
		{"min-size", required_argument, 0, 's'},
		{"top", required_argument, 0, 'n'}, {"all", no_argument, 0, 'a'},
		{"sort", required_argument, 0, 'S'}, {"json", no_argument, 0, 'j'},
		{"output", required_argument, 0, 'o'},
		{"proc-root", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	int opt;
	while ((opt = getopt_long(argc, argv, "i:c:s:n:aS:jo:r:h", longopts,
				  NULL)) != -1)
		if (option(o, opt, optarg))
			return -1;
	return 0;
}

static void pause_for(double s)
{
	struct timespec t = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&t, &t) == -1 && errno == EINTR)
		;
}

/* The two looks: A and B given, or one target looked at twice. */
static int load_both(const diff_opts *o, int argc, char **argv,
		     const char *command, snap *a, snap *b)
{
	memset(b, 0, sizeof(*b));
	if (o->interval > 0) {
		if (cli_target_load(argv[0], o->root, command, a, stderr))
			return -1;
		for (int i = 1; i < argc; i++)
			cli_target_look(a, o->root, argv[i], stderr);
		pause_for(o->interval);
		return cli_target_relook(a, o->root, command, b, stderr) > 0 ? 0 : -1;
	}
	if (cli_target_load(argv[0], o->root, command, a, stderr))
		return -1;
	return cli_target_load(argv[1], o->root, command, b, stderr);
}

static int render(const diff_opts *o, const diff *d)
{
	finding_list fl = {0};
	for (size_t i = 0; i < d->nprocs; i++)
		findings_diff(&fl, d, &d->procs[i]);
	for (size_t i = 0; i < d->nprocs; i++)
		findings_look(&fl, d->procs[i].b);
	cli_output *out = cli_output_open(o->out);
	if (!out) {
		findings_free(&fl);
		return 1;
	}
	if (o->json)
		diff_json(cli_output_file(out), d, &o->view, &fl);
	else
		diff_text(cli_output_file(out), d, &o->view, &fl);
	findings_free(&fl);
	return cli_output_close(out, 1) ? 1 : 0;
}

int cli_diff_main(int argc, char **argv)
{
	diff_opts o = {.view = {.cat_mask = ~0u, .top = 20}, .by = SW_F_RSS,
		       .root = "/proc"};
	if (parse(&o, argc, argv))
		return usage(stderr), 2;
	int n = argc - optind;
	if (o.interval > 0 ? n < 1 : n != 2)
		return usage(stderr), 2;
	char *command = snap_command(argc, argv);
	snap a = {0}, b = {0};
	diff d;
	int st = 1;
	if (command && load_both(&o, n, argv + optind, command, &a, &b) == 0 &&
	    diff_build(&d, &a, &b, o.by, stderr) == 0) {
		st = render(&o, &d);
		st |= d.refused > 0;
		diff_free(&d);
	}
	snap_free(&a);
	snap_free(&b);
	free(command);
	return st;
}
