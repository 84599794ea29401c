/* smapwatch - where a process's memory is, by category, from smaps. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "console.h"
#include "smapwatch/error.h"
#include "smapwatch/version.h"

#define OVERVIEW_MAX 65536


static void usage(FILE *f)
{
	fputs("Usage: smapwatch [OPTION]... [PID|NAME]...\n"
	      "Show where the memory of each process is, by category, from\n"
	      "/proc/PID/smaps. NAME matches the process name (comm) exactly.\n"
	      "With no PID or NAME, list the largest processes by Pss.\n\n"
	      "  -m, --maps            list every mapping with its category\n"
	      "  -c, --category LIST   with --maps, only these categories\n"
	      "                        (comma-separated: heap,stack,anon,shmem,\n"
	      "                        binary,libs,files,kernel)\n"
	      "  -s, --min-size SIZE   with --maps, only mappings of at least\n"
	      "                        SIZE (bytes, or with K, M, G suffix)\n"
	      "  -l, --libs            per-library and per-[anon:NAME] sub-totals\n"
	      "  -n, --top N           rows of the overview and sub-totals (20)\n"
	      "  -j, --json            JSON output, figures in bytes\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         version\n\n"
	      "Figures are KiB in tables. USS = Private_Clean + Private_Dirty.\n"
	      "Reading another user's processes needs root or CAP_SYS_PTRACE.\n"
	      "Exit status: 0 all read, 1 some process could not be read,\n"
	      "2 usage error.\n", f);
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	switch (toupper((unsigned char)*end)) {
	case 'K': shift = 10; end++; break;
	case 'M': shift = 20; end++; break;
	case 'G': shift = 30; end++; break;
	}
	if (errno || end == s || *end || *s == '-' || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int parse_categories(const char *s, unsigned *mask)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", s);
	*mask = 0;
	for (char *save, *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int c = sw_category_lookup(t);
		if (c < 0)
			return -1;
		*mask |= 1u << c;
	}
	return *mask ? 0 : -1;
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
	int opt;
	char *end;
	while ((opt = getopt_long(argc, argv, "mc:s:ln:jr:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'm': c->o.maps = 1; break;
		case 'l': c->o.libs = 1; break;
		case 'j': c->o.json = 1; break;
		case 'r': c->root = optarg; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("smapwatch %s\n", SW_VERSION); exit(0);
		case 'c':
			if (parse_categories(optarg, &c->o.cat_mask) == 0)
				break;
			fprintf(stderr, "smapwatch: bad category list '%s'\n", optarg);
			return -1;
		case 's':
			if (parse_size(optarg, &c->o.min_size) == 0)
				break;
			fprintf(stderr, "smapwatch: bad size '%s'\n", optarg);
			return -1;
		case 'n':
			c->o.top = strtoul(optarg, &end, 10);
			if (*end == '\0' && c->o.top > 0 && c->o.top <= OVERVIEW_MAX)
				break;
			fprintf(stderr, "smapwatch: bad number '%s'\n", optarg);
			return -1;
		default:
			return -1;
		}
	}
	return 0;
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
	c->first_map = 0;
}

static void complain(const char *what, int code)
{
	fprintf(stderr, "smapwatch: %s: %s%s\n", what, sw_strerror(code),
		code == -EACCES ? " (needs root or CAP_SYS_PTRACE)" : "");
}

/* Collects one process into a memory stream, printed only when whole. */
static void show_process(cli *c, pid_t pid)
{
	char *text = NULL, what[32];
	size_t len = 0;
	sw_proc_stat st;
	sw_memsum sum;
	snprintf(what, sizeof(what), "%d", (int)pid);
	int r = sw_proc_read_stat(c->root, pid, &st);
	c->out = r ? NULL : open_memstream(&text, &len);
	if (r == 0 && !c->out)
		r = -ENOMEM;
	if (r == 0) {
		c->first_map = 1;
		if (c->o.json)
			json_process_begin(c->out, &st, c->first_proc);
		else
			text_process_begin(c->out, &st);
		r = sw_collect_process(c->col, c->root, pid, st.start_time, &sum,
				       c->o.maps ? each_mapping : NULL, c);
	}
	if (r == 0 && c->o.json)
		json_process_end(c->out, &c->o, &sum, c->col);
	else if (r == 0)
		text_process_end(c->out, &c->o, &sum, c->col);
	if (c->out)
		fclose(c->out);
	if (r == 0) {
		fwrite(text, 1, len, stdout);
		c->first_proc = 0;
	} else {
		complain(what, r);
		if (r == -SW_ESYNTAX || r == -SW_ETRUNC || r == -SW_ERANGE)
			fprintf(stderr, "smapwatch: %s: %s\n", what,
				sw_collector_detail(c->col));
		c->failed = 1;
	}
	free(text);
}

static void show_target(cli *c, const char *arg)
{
	char *end;
	long pid = strtol(arg, &end, 10);
	if (*arg && *end == '\0' && pid > 0 && pid <= 4194304) {
		show_process(c, (pid_t)pid);
		return;
	}
	int n = cli_each_named(c, arg, show_process);
	if (n == 0) {
		fprintf(stderr, "smapwatch: no process named '%s'\n", arg);
		c->failed = 1;
	} else if (n < 0) {
		complain(c->root, n);
		c->failed = 1;
	}
}

int main(int argc, char **argv)
{
	cli c = {.root = "/proc", .first_proc = 1,
		 .o = {.cat_mask = ~0u, .top = 20}};
	int status;
	if (cli_subcommand(argc, argv, &status)) /* snapshot, diff, top, ... */
		return status;
	if (parse_args(&c, argc, argv)) {
		usage(stderr);
		return 2;
	}
	sw_collector_opts co = {.max_names = 1024};
	c.col = sw_collector_new(&co);
	if (!c.col) {
		fputs("smapwatch: out of memory\n", stderr);
		return 1;
	}
	if (optind == argc) {
		int r = cli_overview(&c);
		sw_collector_free(c.col);
		return r;
	}
	if (c.o.json)
		fputs("[", stdout);
	for (int i = optind; i < argc; i++)
		show_target(&c, argv[i]);
	if (c.o.json)
		fputs("\n]\n", stdout);
	sw_collector_free(c.col);
	return c.failed;
}
