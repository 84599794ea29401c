/* target.h - what a TARGET argument of snapshot, diff, top, findings and
 * report names, and a snap of it.
 *
 *   all digits                              a pid (live)
 *   an existing regular file, or has a '/'  a snapshot file
 *   anything else                           a process name (comm, exact)
 *
 * Every function prints its own one-line errors to err ("smapwatch: ...")
 * and returns -1 after them; the caller only decides the exit status. */
#ifndef SMAPWATCH_CLI_TARGET_H
#define SMAPWATCH_CLI_TARGET_H

#include <stdio.h>
#include "snap.h"

typedef enum {
	CLI_TARGET_PID,
	CLI_TARGET_FILE,
	CLI_TARGET_NAME,
} cli_target_kind;

/* cli_target_classify - the kind of arg; *pid is set for CLI_TARGET_PID
 * (an all-digits arg beyond the kernel's pid range is still a pid, and
 * no such process). */
cli_target_kind cli_target_classify(const char *arg, pid_t *pid);

/* cli_target_pids - the live pids arg names, malloc'ed in *out: the pid
 * itself (not checked), or every process whose comm is arg. Returns how
 * many, or -1 after a line on err (no process of that name, a bad pid,
 * a snapshot file). */
int cli_target_pids(const char *root, const char *arg, pid_t **out, FILE *err);

/* cli_target_look - add the live processes arg names (a pid, or every
 * process whose comm is arg) to sn. Returns how many were added; -1 (with
 * a line on err) when none: no such process, not readable, no process of
 * that name, or arg is a file. */
int cli_target_look(snap *sn, const char *root, const char *arg, FILE *err);

/* cli_target_load - a whole snap of one target: a snapshot file read
 * back, or a live look (snap_set_now with command) at a pid or a name.
 * 0, or -1 after the error line; *out is then empty. */
int cli_target_load(const char *arg, const char *root, const char *command,
		    snap *out, FILE *err);

/* cli_target_relook - a new live look at each process of like, same pids,
 * same start times: a pid whose process exited is left out with a line
 * ("pid N exited"), one whose start time changed with "pid N was reused
 * (start time A, now B): refusing to compare". Returns the number of
 * processes looked at (0 when none remain), -1 on ENOMEM. */
int cli_target_relook(const snap *like, const char *root, const char *command,
		      snap *out, FILE *err);

/* cli_target_complain - "smapwatch: WHAT: why" for a look's error code. */
void cli_target_complain(FILE *err, const char *what, int code,
			 const char *detail);

#endif
