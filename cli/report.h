/* report.h - `smapwatch report`: one look (or a comparison of two) as one
 * self-contained HTML file: the page (cli/report_page.*, compiled in) and
 * the data as JSON inside it.
 *
 * The embedded JSON ("smapwatch-report", version 1):
 *   {"format":"smapwatch-report","version":1,"command":..,"time":..,
 *    "unit":1024,"fields":[KEY...],"labels":[..],
 *    "snapshots":[SNAPSHOT, SNAPSHOT?], "findings":[..]|null, "diff":..|null}
 * where each SNAPSHOT is the snapshot file's document (snap_write_*) but
 * for its mappings: each one a row, not an object, to keep 20,000
 * mappings within a few MB:
 *   [start,end,perms,offset,dev,inode,category,name,vmflags,F0,F1,...]
 * F0.. are the counts in the order of "fields", in units of "unit" bytes
 * (exact: a fraction when a figure is not a multiple), null when the
 * kernel did not print the field. "findings" are findings_json's, of the
 * one look. A comparison has two SNAPSHOTs without their mappings (their
 * sums and identities only) and
 *   "diff":{"seconds":S|null,"has_rate":B,"by":KEY,"findings":[..],"processes":[
 *     {"pid":..,"comm":..,"a":I,"b":J,      (indexes in the snapshots)
 *      "rows":[[change,match,pieces_a,pieces_b,ROW|null,ROW|null],..]}]}
 * with diff.h's rows (split/merged: the union of the pieces); A is 0
 * when it is B to the byte ("as B": most mappings do not change).
 * has_rate: the looks are far enough apart for a rate (diff_has_rate). */
#ifndef SMAPWATCH_CLI_REPORT_H
#define SMAPWATCH_CLI_REPORT_H

#include <stdio.h>
#include "diff.h"
#include "findings.h"
#include "snap.h"

typedef struct {
	const snap *a, *b;          /* b NULL: one look */
	const diff *d;              /* with b: the comparison of a and b */
	const finding_list *findings;
	const char *command;        /* how the report was asked for */
} report_input;

/* cli_report - `smapwatch report [OPTION]... A [B]`, argv[0] being
 * "report"; returns the exit status (0, 1 failed, 2 usage). */
int cli_report(int argc, char **argv);

/* report_write - the whole page for in to out. Returns 0, or -1 when out
 * could not be written. */
int report_write(FILE *out, const report_input *in);

/* report_escape_open - a stream whose bytes go to out with '<', '>', '&'
 * and U+2028/U+2029 written as JSON \u escapes, so that JSON put inside a
 * <script> element cannot end it. Valid JSON stays valid and equal: these
 * characters only occur inside its strings. NULL on ENOMEM. */
FILE *report_escape_open(FILE *out);

#endif
