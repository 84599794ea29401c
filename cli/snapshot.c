/* snapshot.c - `smapwatch snapshot`: one look at the targets, written as a
 * snapshot file (snap.h) as the mappings are read. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "console.h"
#include "target.h"
#include "smapwatch/error.h"

static void usage(FILE *f)
{
	fputs("Usage: smapwatch snapshot [-o FILE] [-r DIR] TARGET...\n"
	      "Save one look at each TARGET (a PID, or every process of a NAME)\n"
	      "as a snapshot file: every mapping with every field, the sums,\n"
	      "status, command line, executable, time, kernel and host.\n"
	      "A snapshot file as the only TARGET is rewritten in the current\n"
	      "format version (upgrade).\n\n"
	      "  -o, --output FILE     write FILE (whole or not at all), not stdout\n"
	      "  -r, --proc-root DIR   read DIR instead of /proc (a saved tree)\n"
	      "  -h, --help            this help\n", f);
}

typedef struct {
	FILE *f;
	int wrote_head;
	pid_t *seen;
	size_t nseen;
} writer;

static int seen_before(writer *w, pid_t pid)
{
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i] == pid)
			return 1;
	pid_t *more = realloc(w->seen, (w->nseen + 1) * sizeof(pid_t));
	if (more) {
		more[w->nseen++] = pid;
		w->seen = more;
	}
	return 0;
}

/* Copies what tmp holds to f. */
static void copy(FILE *f, FILE *tmp)
{
	char buf[65536];
	size_t n;
	rewind(tmp);
	while ((n = fread(buf, 1, sizeof(buf), tmp)) > 0)
		fwrite(buf, 1, n, f);
}

/* One process streamed into an unlinked temporary file, then copied out
 * once whole: a process that exits half-way leaves nothing behind, and
 * memory stays flat however many mappings it has. */
static int stream_pid(writer *w, const snap *head, const char *root, pid_t pid,
		      int by_name)
{
	char detail[160], what[32];
	snap one = {0};
	FILE *tmp = tmpfile();
	int r = tmp ? snap_look_stream(&one, root, pid, tmp, detail,
				       sizeof(detail))
		    : -errno;
	if (r == 0 && ferror(tmp))
		r = -EIO;
	if (r == 0) {
		if (!w->wrote_head)
			snap_write_begin(w->f, head);
		else
			fputc(',', w->f);
		w->wrote_head = 1;
		copy(w->f, tmp);
	} else if (by_name && sw_error_is_gone(r)) {
		r = 0;   /* exited between the listing and the read */
	} else {
		snprintf(what, sizeof(what), "%d", (int)pid);
		cli_target_complain(stderr, what, r, tmp ? detail : NULL);
	}
	if (tmp)
		fclose(tmp);
	snap_free(&one);
	return r;
}

/* Live targets: each process looked at and written in turn. */
static int snapshot_live(FILE *f, const char *root, const char *command,
			 char **targets, int n)
{
	snap head = {0};
	writer w = {.f = f};
	int failed = 0;
	if (snap_set_now(&head, root, command)) {
		fputs("smapwatch: out of memory\n", stderr);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		pid_t *pids, pid;
		int k = cli_target_pids(root, targets[i], &pids, stderr);
		int by_name = cli_target_classify(targets[i], &pid) == CLI_TARGET_NAME;
		failed |= k < 0;
		for (int j = 0; j < k; j++)
			if (!seen_before(&w, pids[j]))
				failed |= stream_pid(&w, &head, root, pids[j],
						     by_name) != 0;
		free(pids);
	}
	if (w.wrote_head)
		snap_write_end(f);
	else if (!failed)
		fputs("smapwatch: snapshot: every process exited before it was "
		      "read\n", stderr);
	snap_free(&head);
	free(w.seen);
	return w.wrote_head ? failed : -1;
}

static int resave(FILE *f, const char *path)
{
	snap sn;
	char err[512];
	if (snap_read(path, &sn, err, sizeof(err))) {
		fprintf(stderr, "smapwatch: %s\n", err);
		return -1;
	}
	snap_write(f, &sn);
	snap_free(&sn);
	return 0;
}

int cli_snapshot_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"output", required_argument, 0, 'o'},
		{"proc-root", required_argument, 0, 'r'},
		{"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
	};
	const char *out = NULL, *root = "/proc";
	int opt;
	pid_t pid;
	while ((opt = getopt_long(argc, argv, "o:r:h", longopts, NULL)) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'r')
			root = optarg;
		else if (opt == 'h')
			return usage(stdout), 0;
		else
			return usage(stderr), 2;
	}
	int n = argc - optind;
	int file = n > 0 && cli_target_classify(argv[optind], &pid) == CLI_TARGET_FILE;
	if (n == 0 || (file && n > 1)) {
		if (file)
			fputs("smapwatch: snapshot: a snapshot file is rewritten "
			      "alone\n", stderr);
		return usage(stderr), 2;
	}
	char *command = snap_command(argc, argv);
	cli_output *o = command ? cli_output_open(out) : NULL;
	if (!o) {
		free(command);
		return 1;
	}
	int r = file ? resave(cli_output_file(o), argv[optind])
		     : snapshot_live(cli_output_file(o), root, command,
				     argv + optind, n);
	free(command);
	if (cli_output_close(o, r >= 0))
		return 1;
	return r != 0;
}
