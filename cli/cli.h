/* cli.h - state shared by the CLI's files. */
#ifndef SMAPWATCH_CLI_H
#define SMAPWATCH_CLI_H

#include <stdio.h>
#include "output.h"

typedef struct {
	cli_opts o;
	const char *root;
	sw_collector *col;
	FILE *out;           /* this process's output, kept until it is whole */
	int first_map;
	int first_proc;
	int failed;
} cli;

/* cli_overview - the largest processes by Pss; returns the exit status. */
int cli_overview(cli *c);

/* cli_each_named - calls fn for every process whose comm is name;
 * returns how many, or < 0 when the proc root cannot be listed. */
int cli_each_named(cli *c, const char *name, void (*fn)(cli *, pid_t));

#endif
