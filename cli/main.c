/* smapwatch - where a process's memory is, by category, from smaps. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "opts.h"
#include <linux/capability.h>
#include "console.h"
#include "smapwatch/caller.h"
#include "smapwatch/error.h"
#include "smapwatch/pid.h"
#include "smapwatch/version.h"

#define OVERVIEW_MAX 65536


static void usage(FILE *f)
{
	fputs("Usage: smapwatch [OPTION]... [PID|NAME]...\n"
	      "   or: smapwatch snapshot|diff|top|findings|report ... (each\n"
	      "       with its own --help; man smapwatch)\n"
	      "Show where the memory of each process is, by category, from\n"
	      "/proc/PID/smaps. An argument of digits is a PID; any other is a\n"
	      "NAME, the process name (comm) matched exactly. With several\n"
	      "processes, their sum follows (per NAME, and for all of them);\n"
	      "a process named twice is shown once.\n"
	      "With no PID or NAME, list the largest processes by Pss.\n\n"
	      "  -m, --maps            list every mapping with its category\n"
	      "  -c, --category LIST   with --maps, only these categories\n"
	      "                        (comma-separated: heap,stack,anon,shmem,\n"
	      "                        binary,libs,files,kernel)\n"
	      "  -s, --min-size SIZE   with --maps, only mappings of at least\n"
	      "                        SIZE (bytes, or with K, M, G suffix);\n"
	      "                        the summary still covers the whole\n"
	      "                        process and says what was listed\n"
	      "  -l, --libs            per-library and per-[anon:NAME] sub-totals\n"
	      "  -n, --top N           rows of the overview and sub-totals (20)\n"
	      "  -j, --json            JSON output, figures in bytes, keys in\n"
	      "                        snake_case, with the time it was taken\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         version\n\n"
	      "Figures are KiB in tables. USS = Private_Clean + Private_Dirty.\n"
	      "Reading another user's processes needs root or CAP_SYS_PTRACE.\n"
	      "Exit status: 0 all read, 1 some process could not be read (or\n"
	      "does not exist, or the overview met unreadable processes) or\n"
	      "stdout could not be written, 2 usage error.\n", f);
}

/* One line for what getopt refused (its own messages are off): a long
 * option by its name, a short one by its letter (it may sit in a bundle
 * such as -mX). */
static void bad_option(int opt, const char *arg)
{
	char name[64];
	if (strncmp(arg, "--", 2) == 0)
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(name, sizeof(name), "-%c", optopt ? optopt : '?');
	if (opt == ':')
		fprintf(stderr, "smapwatch: option '%s' needs an argument "
				"(see --help)\n", name);
	else
		fprintf(stderr, "smapwatch: unknown option '%s' (see --help)\n",
			name);
}

/* Options that would be silently ignored are refused instead. */
static int check_combination(const cli *c, int filters, int targets)
{
	const char *why = NULL;
	if (filters && !c->o.maps)
		why = "-c/--category and -s/--min-size filter --maps: add -m";
	else if (!targets && (c->o.maps || c->o.libs))
		why = "-m/--maps and -l/--libs need a PID or NAME";
	if (why)
		fprintf(stderr, "smapwatch: %s (see --help)\n", why);
	return why ? -1 : 0;
}

static int parse_args(cli *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"maps", no_argument, 0, 'm'}, {"category", required_argument, 0, 'c'},
		{"min-size", required_argument, 0, 's'}, {"libs", no_argument, 0, 'l'},
		{"top", required_argument, 0, 'n'}, {"json", no_argument, 0, 'j'},
		{"proc-root", required_argument, 0, 'r'}, {"help", no_argument, 0, 'h'},
		{"version", no_argument, 0, 'V'}, {0, 0, 0, 0},
	};
	int opt, filters = 0;
	char *end;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":mc:s:ln:jr:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm': c->o.maps = 1; break;
		case 'l': c->o.libs = 1; break;
		case 'j': c->o.json = 1; break;
		case 'r': c->root = optarg; break;
		case 'h': usage(stdout); exit(cli_stdout_status());
		case 'V':
			printf("smapwatch %s\n", SW_VERSION);
			exit(cli_stdout_status());
		case 'c':
			filters = 1;
			if (cli_parse_categories(optarg, &c->o.cat_mask) == 0)
				break;
			fprintf(stderr, "smapwatch: bad category list '%s'\n", optarg);
			return -1;
		case 's':
			filters = 1;
			if (cli_parse_size(optarg, &c->o.min_size) == 0)
				break;
			fprintf(stderr, "smapwatch: bad size '%s'\n", optarg);
			return -1;
		case 'n':
			c->o.top = strtoul(optarg, &end, 10);
			if (isdigit((unsigned char)*optarg) && *end == '\0' &&
			    c->o.top > 0 && c->o.top <= OVERVIEW_MAX)
				break;
			fprintf(stderr, "smapwatch: bad number '%s'\n", optarg);
			return -1;
		default:
			bad_option(opt, argv[optind - 1]);
			return -1;
		}
	}
	return check_combination(c, filters, optind < argc);
}

static void each_mapping(void *ctx, const sw_mapping *m, sw_category cat)
{
	cli *c = ctx;
	if (!(c->o.cat_mask & (1u << cat)) ||
	    m->counts.v[SW_F_SIZE] < c->o.min_size)
		return;
	if (c->o.json)
		json_mapping(c->out, m, cat, c->first_map);
	else
		text_mapping(c->out, m, cat);
	sw_counts_add(&c->listed.counts, &m->counts);
	c->listed.vmas++;
	c->first_map = 0;
	held_mapping(c);
}

void cli_complain(const cli *c, const char *what, int code)
{
	if (code == -ENOENT || code == -ESRCH) {
		fprintf(stderr, "smapwatch: %s: no such process\n", what);
		return;
	}
	fprintf(stderr, "smapwatch: %s: %s%s\n", what, sw_strerror(code),
		code == -EACCES && !c->can_ptrace
			? " (needs root or CAP_SYS_PTRACE)" : "");
	if (code == -SW_ESYNTAX || code == -SW_ETRUNC || code == -SW_ERANGE)
		fprintf(stderr, "smapwatch: %s: %s\n", what,
			sw_collector_detail(c->col));
}

static void process_begin(cli *c, const sw_proc_stat *st)
{
	char cmd[4096];
	ssize_t n = sw_proc_read_cmdline(c->root, st->pid, cmd, sizeof(cmd));
	size_t len = n > 0 ? (size_t)n : 0;
	c->first_map = 1;
	c->listed = (cli_listed){0};
	if (c->o.json)
		json_process_begin(c->out, st, cmd, len, c->first_proc);
	else
		text_process_begin(c->out, &c->o, st, cmd, len);
}

/* Exited (or its pid reused), not a zombie or a kernel thread (ENOMM). */
static int exited(int r)
{
	return r == -ENOENT || r == -ESRCH || r == -SW_ECHANGED;
}

/* Collects one process; its output is held (held.c) until it is whole.
 * Of a NAME's processes, one that exited since the listing is left out
 * quietly; a PID asked for fails with its line. */
static void show_process(cli *c, pid_t pid)
{
	char what[32];
	sw_proc_stat st;
	sw_memsum sum;
	if (cli_seen(c, pid))
		return;
	snprintf(what, sizeof(what), "%d", (int)pid);
	int r = sw_proc_read_stat(c->root, pid, &st), shown = 0;
	if (r == 0 && (r = held_open(c)) == 0) {
		process_begin(c, &st);
		r = sw_collect_process(c->col, c->root, pid, st.start_time, &sum,
				       c->o.maps ? each_mapping : NULL, c);
		if (r == 0 && c->o.json)
			json_process_end(c->out, &c->o, &sum, c->col, &c->listed);
		else if (r == 0)
			text_process_end(c->out, &c->o, &sum, c->col, &c->listed);
		shown = held_close(c, r == 0);
		if (r && shown && c->o.json)
			json_incomplete(stdout, r);
		else if (r && shown)
			text_incomplete(stdout, pid, r);
		if (shown)
			c->first_proc = 0;
	}
	if (r == 0 && (cli_sum_add(&c->all, pid, &sum) ||
		       (c->group && cli_sum_add(c->group, pid, &sum))))
		r = -ENOMEM;
	if (r && c->group && !shown && exited(r))
		return;  /* a NAME's process gone since the listing: churn */
	if (r) {
		cli_complain(c, what, r);
		c->failed = 1;
	}
}

/* A NAME's processes, then their sum (text; JSON sums come at the end). */
static void show_name(cli *c, const char *name)
{
	cli_sum *more = realloc(c->names, (c->n_names + 1) * sizeof(*more));
	if (!more) {
		cli_complain(c, name, -ENOMEM);
		c->failed = 1;
		return;
	}
	c->names = more;
	cli_sum *s = &c->names[c->n_names++];
	*s = (cli_sum){.name = name};
	c->group = s;
	int n = cli_each_named(c, name, show_process);
	c->group = NULL;
	if (n == 0) {
		fputs("smapwatch: no process named '", stderr);
		out_escape(stderr, name, strlen(name));
		fputs("'\n", stderr);
		c->failed = 1;
	} else if (n < 0) {
		cli_complain(c, c->root, n);
		c->failed = 1;
	} else if (s->n >= 2 && !c->o.json) {
		text_sum(stdout, s);
	}
}

/* An argument of digits is a pid (SNAPSHOT-CONTRACT.md), any other a name. */
static void show_target(cli *c, const char *arg)
{
	if (arg[strspn(arg, "0123456789")] != '\0') {
		show_name(c, arg);
		return;
	}
	pid_t pid = sw_parse_pid(arg, strlen(arg), 0);
	if (pid) {
		show_process(c, pid);
		return;
	}
	cli_complain(c, arg, -ESRCH);
	c->failed = 1;
}

/* The sums worth printing: a NAME's when it had several processes; the
 * whole command's when no NAME's sum already covers every process. */
static size_t pick_sums(const cli *c, const cli_sum **out)
{
	size_t n = 0;
	int covered = 0;
	for (size_t i = 0; i < c->n_names; i++) {
		if (c->names[i].n >= 2)
			out[n++] = &c->names[i];
		covered |= c->names[i].n == c->all.n;
	}
	if (c->all.n >= 2 && !covered)
		out[n++] = &c->all;
	return n;
}

static int show_targets(cli *c, int argc, char **argv)
{
	if (c->o.json) {
		json_document_begin(stdout, &c->now);
		fputs("\"processes\":[", stdout);
	}
	for (int i = optind; i < argc; i++)
		show_target(c, argv[i]);
	const cli_sum **sums = malloc((c->n_names + 1) * sizeof(*sums));
	size_t n = sums ? pick_sums(c, sums) : 0;
	if (c->o.json) {
		fputs("\n]", stdout);
		json_sums(stdout, sums, n);
		fputs("}\n", stdout);
	} else if (n && sums[n - 1] == &c->all) {
		text_sum(stdout, &c->all);
	}
	free(sums);
	return c->failed;
}

int cli_stdout_status(void)
{
	int bad = ferror(stdout), e = 0;
	if (fflush(stdout))
		e = errno;
	bad |= ferror(stdout);
	if (fclose(stdout) && !e)
		e = errno;
	if (!bad && !e)
		return 0;
	fprintf(stderr, "smapwatch: writing stdout: %s\n",
		e ? strerror(e) : "write error");
	return 1;
}

int main(int argc, char **argv)
{
	cli c = {.root = "/proc", .first_proc = 1,
		 .o = {.cat_mask = ~0u, .top = 20}};
	int status;
	if (cli_subcommand(argc, argv, &status)) /* snapshot, diff, top, ... */
		return status;
	if (parse_args(&c, argc, argv))
		return 2;
	sw_collector_opts co = {.max_names = 1024};
	c.col = sw_collector_new(&co);
	if (!c.col) {
		fputs("smapwatch: out of memory\n", stderr);
		return 1;
	}
	clock_gettime(CLOCK_REALTIME, &c.now);
	c.can_ptrace = sw_caller_has_cap(CAP_SYS_PTRACE);
	int r = optind == argc ? cli_overview(&c) : show_targets(&c, argc, argv);
	cli_sums_free(&c);
	sw_collector_free(c.col);
	return cli_stdout_status() ? 1 : r;
}
