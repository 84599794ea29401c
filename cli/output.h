/* output.h - the CLI's two renderings (text tables, JSON) of the same data. */
#ifndef SMAPWATCH_CLI_OUTPUT_H
#define SMAPWATCH_CLI_OUTPUT_H

#include <stdio.h>
#include <time.h>
#include "smapwatch/collector.h"
#include "smapwatch/procfs.h"

#define CLI_ALL_CATS ((1u << SW_CAT_COUNT) - 1)

typedef struct {
	int json;
	int maps;               /* list every mapping */
	unsigned cat_mask;      /* categories to list with --maps */
	uint64_t min_size;      /* bytes of Size, for --maps */
	size_t top;             /* rows of the overview and sub-totals */
	int libs;               /* show per-library / named sub-totals */
} cli_opts;

/* cli_opts_filtered - -c or -s narrows the mapping list. */
static inline int cli_opts_filtered(const cli_opts *o)
{
	return (o->cat_mask & CLI_ALL_CATS) != CLI_ALL_CATS || o->min_size;
}

/* The mappings --maps listed after -c/-s: the summary still covers the
 * whole process, and says what the list left out. */
typedef struct {
	sw_counts counts;
	uint32_t vmas;
} cli_listed;

/* A sum over several processes: a NAME's (name set) or the command's. */
typedef struct {
	const char *name;       /* NULL: every process shown */
	pid_t *pids;
	size_t n, cap;
	sw_memsum sum;
} cli_sum;

/* One process for the overview (no arguments): totals from smaps_rollup. */
typedef struct {
	sw_proc_stat st;
	sw_counts rollup;
} cli_proc_row;

/* What the overview could not read: the reason is said once. */
typedef struct {
	size_t denied;          /* EACCES */
	size_t other;           /* any other failure but "gone" */
	int other_code;         /* the first such failure */
} cli_unread;

/* out_escape - writes n raw bytes (a comm, a path) so that no byte can
 * break the line: sw_escape()'s printable ASCII, \\ and \xNN. (JSON
 * strings: sw_json_string.) */
void out_escape(FILE *f, const char *s, size_t n);

void text_process_begin(FILE *f, const cli_opts *o, const sw_proc_stat *st,
			const char *cmdline, size_t cmdline_len);
void text_mapping(FILE *f, const sw_mapping *m, sw_category c);
void text_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c, const cli_listed *l);
void text_incomplete(FILE *f, pid_t pid, int code);
void text_sum(FILE *f, const cli_sum *s);
void text_overview(FILE *f, const cli_proc_row *rows, size_t n,
		   size_t total_procs);

/* json_counts - a counts object keyed by sw_field_key(), only the fields
 * in present (absent, not 0), "uss" when a Private_* field is; vmas < 0
 * leaves "vmas" out (a mapping is one; a rollup does not know). */
void json_counts(FILE *f, const sw_counts *c, uint32_t present, long vmas);
/* json_time - "time":"ISO 8601 UTC","time_unix":SECONDS.MMM (no braces). */
void json_time(FILE *f, const struct timespec *now);
/* JSON: one object per run, {"time":..,"time_unix":.., ...}. */
void json_document_begin(FILE *f, const struct timespec *now);
void json_process_begin(FILE *f, const sw_proc_stat *st, const char *cmdline,
			size_t cmdline_len, int first);
void json_mapping(FILE *f, const sw_mapping *m, sw_category c, int first);
void json_process_end(FILE *f, const cli_opts *o, const sw_memsum *s,
		      const sw_collector *c, const cli_listed *l);
void json_incomplete(FILE *f, int code);
void json_sums(FILE *f, const cli_sum *const *sums, size_t n);
void json_overview(FILE *f, const cli_proc_row *rows, size_t n,
		   size_t total_procs, const cli_unread *u);

#endif
