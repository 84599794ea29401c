/* output.h - the CLI's two renderings (text tables, JSON) of the same data. */
#ifndef SMAPWATCH_CLI_OUTPUT_H
#define SMAPWATCH_CLI_OUTPUT_H

#include <stdio.h>
#include "smapwatch/collector.h"
#include "smapwatch/procfs.h"

typedef struct {
	int json;
	int maps;               /* list every mapping */
	unsigned cat_mask;      /* categories to list with --maps */
	uint64_t min_size;      /* bytes of Size, for --maps */
	size_t top;             /* rows of the overview and sub-totals */
	int libs;               /* show per-library / named sub-totals */
} cli_opts;

/* One process for the overview (no arguments): totals from smaps_rollup. */
typedef struct {
	sw_proc_stat st;
	sw_counts rollup;
} cli_proc_row;

/* out_escape - writes n raw bytes (a comm, a path) so that no byte can
 * break the line: sw_escape()'s printable ASCII, \\ and \xNN. (JSON
 * strings: sw_json_string.) */
void out_escape(FILE *f, const char *s, size_t n);

void text_process_begin(FILE *f, const sw_proc_stat *st);
void text_mapping(FILE *f, const sw_mapping *m, sw_category c);
void text_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c);
void text_overview(FILE *f, const cli_proc_row *rows, size_t n,
		   size_t total_procs);

void json_process_begin(FILE *f, const sw_proc_stat *st, int first);
void json_mapping(FILE *f, const sw_mapping *m, sw_category c, int first);
void json_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c);
void json_overview(FILE *f, const cli_proc_row *rows, size_t n);

#endif
