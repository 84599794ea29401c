/* findcmd.c - `smapwatch findings TARGET...`: the patterns on one look. */
#include <getopt.h>
#include <stdlib.h>
#include "console.h"
#include "findings.h"
#include "target.h"
#include "smapwatch/escape.h"

static void usage(FILE *f)
{
	fputs("Usage: smapwatch findings [-j] [-r DIR] TARGET...\n"
	      "The suspicious patterns of one look at each TARGET (a PID, a\n"
	      "NAME or a snapshot file), one line each with its evidence and\n"
	      "what to do next; thresholds in smapwatch(1).\n\n"
	      "  -j, --json            a JSON array of findings\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc\n"
	      "  -h, --help            this help\n", f);
}

static void none_line(FILE *f, const snap_proc *p)
{
	char buf[4 * 64 + 1];
	sw_escape(buf, sizeof(buf), p->comm.s, p->comm.len < 64 ? p->comm.len : 64);
	fprintf(f, "%d: %s: nothing suspicious\n", (int)p->pid, buf);
}

/* Adds sn's findings to l; in text, a process without any says so. */
static void collect(finding_list *l, FILE *f, int json, const snap *sn)
{
	for (size_t i = 0; i < sn->nprocs; i++) {
		size_t before = l->n;
		findings_look(l, &sn->procs[i]);
		if (!json && l->n == before)
			none_line(f, &sn->procs[i]);
	}
}

int cli_findings_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"json", no_argument, 0, 'j'},
		{"proc-root", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	const char *root = "/proc";
	int opt, json = 0, failed = 0;
	while ((opt = getopt_long(argc, argv, "jr:h", longopts, NULL)) != -1) {
		if (opt == 'j')
			json = 1;
		else if (opt == 'r')
			root = optarg;
		else if (opt == 'h')
			return usage(stdout), 0;
		else
			return usage(stderr), 2;
	}
	if (optind == argc)
		return usage(stderr), 2;
	snap all = {0}, one;
	finding_list fl = {0};
	char *command = snap_command(argc, argv);
	if (!command || snap_set_now(&all, root, command)) {
		free(command);
		snap_free(&all);
		fputs("smapwatch: out of memory\n", stderr);
		return 1;
	}
	/* Files are read whole; live targets join one look. */
	for (int i = optind; i < argc; i++) {
		pid_t pid;
		if (cli_target_classify(argv[i], &pid) != CLI_TARGET_FILE) {
			failed |= cli_target_look(&all, root, argv[i], stderr) < 0;
			continue;
		}
		if (cli_target_load(argv[i], root, command, &one, stderr)) {
			failed = 1;
			continue;
		}
		collect(&fl, stdout, json, &one);
		snap_free(&one);
	}
	collect(&fl, stdout, json, &all);
	if (json) {
		findings_json(stdout, &fl);
		fputc('\n', stdout);
	} else {
		findings_text(stdout, &fl);
	}
	findings_free(&fl);
	snap_free(&all);
	free(command);
	if (fflush(stdout) || ferror(stdout)) {
		perror("smapwatch: standard output");
		return 1;
	}
	return failed;
}
