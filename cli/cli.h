/* cli.h - state shared by the CLI's files. */
#ifndef SMAPWATCH_CLI_H
#define SMAPWATCH_CLI_H

#include <stdio.h>
#include <time.h>
#include "output.h"

typedef struct {
	cli_opts o;
	const char *root;
	sw_collector *col;
	struct timespec now;  /* when the run started: JSON's "time" */
	FILE *out;            /* this process's output: held.c's memory
			       * stream until it is whole or large, then
			       * stdout itself */
	char *held;
	size_t held_len;
	int holding;          /* out is the memory stream */
	unsigned long held_maps;
	int first_map;
	int first_proc;
	int failed;
	int can_ptrace;       /* CAP_SYS_PTRACE is effective: no hint */
	cli_listed listed;    /* what -c/-s let through, this process */
	unsigned char *seen;  /* bitmap of the pids shown: each once */
	cli_sum all;          /* every process shown */
	cli_sum *names;       /* one per NAME argument */
	cli_sum *group;       /* the NAME being shown, or NULL */
	size_t n_names;
} cli;

/* cli_overview - the largest processes by Pss; returns the exit status. */
int cli_overview(cli *c);

/* cli_each_named - calls fn for every process whose comm is name;
 * returns how many, or < 0 when the proc root cannot be listed. */
int cli_each_named(cli *c, const char *name, void (*fn)(cli *, pid_t));

/* cli_complain - one line on stderr for pid (or what) failing with
 * code; the CAP_SYS_PTRACE hint only when it could help. */
void cli_complain(const cli *c, const char *what, int code);

/* held.c: one process's output is held in memory until it is whole, so
 * a process that fails mid-read prints nothing but its error line; past
 * CLI_HOLD_MAPS mappings it is streamed instead (bounded memory), and a
 * failure then ends it with a clean mark. */
#define CLI_HOLD_MAPS 2048
int held_open(cli *c);
void held_mapping(cli *c);
/* held_close - ends the process's output; returns 1 when some of it
 * reached stdout (kept, or streamed), 0 when it was dropped. */
int held_close(cli *c, int keep);

/* sums.c: the pids shown, and the sums over a name's processes and over
 * the whole command line. */
int cli_seen(cli *c, pid_t pid);  /* 1 when shown already; marks it */
int cli_sum_add(cli_sum *s, pid_t pid, const sw_memsum *m);
void cli_sums_free(cli *c);

/* cli_stdout_status - 0, or 1 after one line on stderr when writing
 * stdout failed (a full disk, /dev/full). Closes stdout. */
int cli_stdout_status(void);

#endif
