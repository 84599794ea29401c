/* console.h - the leak hunt's subcommands: smapwatch snapshot, diff, top,
 * findings. Each takes its own argv (argv[0] is the subcommand's name),
 * prints its own errors and returns the exit status: 0, 1 (a target could
 * not be read, or output failed), 2 (usage). */
#ifndef SMAPWATCH_CLI_CONSOLE_H
#define SMAPWATCH_CLI_CONSOLE_H

#include <stdio.h>

/* cli_subcommand - when argv[1] names a subcommand, run it, set *status
 * and return 1; else 0 (main goes on with its own options). */
int cli_subcommand(int argc, char **argv, int *status);

int cli_snapshot_main(int argc, char **argv);
int cli_diff_main(int argc, char **argv);
int cli_top_main(int argc, char **argv);
int cli_findings_main(int argc, char **argv);

/* cli_output_open - path (NULL or "-": stdout) for writing: a temporary
 * file beside it, renamed into place by cli_output_close, so a reader
 * never sees half a file. NULL after an error line. */
typedef struct cli_output cli_output;
cli_output *cli_output_open(const char *path);
FILE *cli_output_file(cli_output *o);
/* cli_output_close - flush and check: 0, or -1 after "smapwatch: PATH:
 * No space left on device" (the temporary removed); ok = 0 discards. */
int cli_output_close(cli_output *o, int ok);

#endif
