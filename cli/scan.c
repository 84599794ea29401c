/* scan.c - walks the proc root: by name, and the overview by Pss. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "smapwatch/error.h"
#include "smapwatch/pid.h"

static pid_t entry_pid(const char *name)
{
	return sw_parse_pid(name, strlen(name), 0);
}

int cli_each_named(cli *c, const char *name, void (*fn)(cli *, pid_t))
{
	DIR *d = opendir(c->root);
	if (!d)
		return -errno;
	size_t len = strlen(name);
	int n = 0;
	struct dirent *de;
	sw_proc_stat st;
	while ((de = readdir(d)) != NULL) {
		pid_t pid = entry_pid(de->d_name);
		if (pid && sw_proc_read_stat(c->root, pid, &st) == 0 &&
		    st.comm_len == len && memcmp(st.comm, name, len) == 0) {
			fn(c, pid);
			n++;
		}
	}
	closedir(d);
	return n;
}

static int by_pss_desc(const void *a, const void *b)
{
	uint64_t x = ((const cli_proc_row *)a)->rollup.v[SW_F_PSS];
	uint64_t y = ((const cli_proc_row *)b)->rollup.v[SW_F_PSS];
	return (x < y) - (x > y);
}

/* Kernel threads, zombies and processes gone since the listing have no
 * memory to show: not a failure, and no hint (root cannot read them
 * either). */
static void count_unread(cli_unread *u, int r)
{
	if (r == 0 || sw_error_is_gone(r))
		return;
	if (r == -EACCES) {
		u->denied++;
	} else if (!u->other++) {
		u->other_code = r;
	}
}

static void report_unread(const cli *c, const cli_unread *u)
{
	if (u->denied)
		fprintf(stderr, "smapwatch: %zu process(es) not readable: %s%s\n",
			u->denied, sw_strerror(-EACCES),
			c->can_ptrace ? "" : " (needs root or CAP_SYS_PTRACE)");
	if (u->other)
		fprintf(stderr, "smapwatch: %zu process(es) not readable: %s\n",
			u->other, sw_strerror(u->other_code));
}

static void print_overview(cli *c, cli_proc_row *rows, size_t n,
			   const cli_unread *u)
{
	qsort(rows, n, sizeof(*rows), by_pss_desc);
	size_t shown = n < c->o.top ? n : c->o.top;
	if (c->o.json) {
		json_document_begin(stdout, &c->now);
		json_overview(stdout, rows, shown, n, u);
	} else {
		text_overview(stdout, rows, shown, n);
	}
}

/* smaps_rollup gives each process's totals at a fraction of the cost of
 * smaps: the kernel sums for us and prints one record. */
int cli_overview(cli *c)
{
	DIR *d = opendir(c->root);
	if (!d) {
		fprintf(stderr, "smapwatch: %s: %s\n", c->root, strerror(errno));
		return 1;
	}
	size_t n = 0, cap = 256;
	cli_unread u = {0};
	cli_proc_row *rows = malloc(cap * sizeof(*rows));
	struct dirent *de;
	while (rows && (de = readdir(d)) != NULL) {
		pid_t pid = entry_pid(de->d_name);
		if (!pid || sw_proc_read_stat(c->root, pid, &rows[n].st))
			continue;
		int r = sw_collect_rollup(c->col, c->root, pid, &rows[n].rollup);
		count_unread(&u, r);
		if (r == 0 && ++n == cap) {
			cli_proc_row *more = realloc(rows, 2 * cap * sizeof(*rows));
			if (!more)
				break;
			rows = more;
			cap *= 2;
		}
	}
	closedir(d);
	if (!rows) {
		fputs("smapwatch: out of memory\n", stderr);
		return 1;
	}
	print_overview(c, rows, n, &u);
	report_unread(c, &u);
	free(rows);
	return u.denied || u.other;
}
