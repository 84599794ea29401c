/* target.c - TARGET arguments: a pid, a snapshot file, or a name. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "target.h"
#include "smapwatch/error.h"
#include "smapwatch/escape.h"
#include "smapwatch/pid.h"

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

cli_target_kind cli_target_classify(const char *arg, pid_t *pid)
{
	struct stat st;
	if (all_digits(arg) && strlen(arg) <= 10) {
		pid_t v = sw_parse_pid(arg, strlen(arg), 0);
		*pid = v ? v : (pid_t)-1;
		return CLI_TARGET_PID;
	}
	if (strchr(arg, '/') || (stat(arg, &st) == 0 && S_ISREG(st.st_mode)))
		return CLI_TARGET_FILE;
	return CLI_TARGET_NAME;
}

void cli_target_complain(FILE *err, const char *what, int code,
			 const char *detail)
{
	char buf[256];
	sw_escape(buf, sizeof(buf), what, strlen(what));
	fprintf(err, "smapwatch: %s: %s%s%s%s\n", buf, sw_strerror(code),
		code == -EACCES && geteuid() != 0
			? " (needs root or CAP_SYS_PTRACE)" : "",
		detail && *detail ? ": " : "", detail ? detail : "");
}

/* 1, or -1 after a line; 0 quietly when a process found by name exited
 * before it could be read (the name did not promise that one). */
static int look_one(snap *sn, const char *root, pid_t pid, int by_name,
		    FILE *err)
{
	char detail[160], what[32];
	int r = snap_look_pid(sn, root, pid, 0, detail, sizeof(detail));
	if (r == 0)
		return 1;
	if (by_name && sw_error_is_gone(r))
		return 0;
	snprintf(what, sizeof(what), "%d", (int)pid);
	cli_target_complain(err, what, r, detail);
	return -1;
}

static pid_t entry_pid(const char *name)
{
	return *name >= '1' && *name <= '9' && all_digits(name) &&
	       strlen(name) <= 7 ? (pid_t)atol(name) : 0;
}

static int add_pid(pid_t **v, size_t *n, pid_t pid)
{
	pid_t *more = realloc(*v, (*n + 1) * sizeof(pid_t));
	if (!more)
		return -1;
	more[(*n)++] = pid;
	*v = more;
	return 0;
}

/* Every process whose comm is name, in the proc root's order. */
static int named(const char *root, const char *name, pid_t **out, FILE *err)
{
	DIR *d = opendir(root);
	size_t len = strlen(name), n = 0;
	struct dirent *de;
	sw_proc_stat st;
	if (!d) {
		cli_target_complain(err, root, -errno, NULL);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		pid_t pid = entry_pid(de->d_name);
		if (pid && sw_proc_read_stat(root, pid, &st) == 0 &&
		    st.comm_len == len && !memcmp(st.comm, name, len) &&
		    add_pid(out, &n, pid)) {
			closedir(d);
			fputs("smapwatch: out of memory\n", err);
			return -1;
		}
	}
	closedir(d);
	if (n == 0) {
		char buf[256];
		sw_escape(buf, sizeof(buf), name, len);
		fprintf(err, "smapwatch: no process named '%s'\n", buf);
		return -1;
	}
	return (int)n;
}

int cli_target_pids(const char *root, const char *arg, pid_t **out, FILE *err)
{
	pid_t pid = 0;
	size_t n = 0;
	*out = NULL;
	switch (cli_target_classify(arg, &pid)) {
	case CLI_TARGET_PID:
		if (pid <= 0) {
			cli_target_complain(err, arg, -ESRCH, NULL);
			return -1;
		}
		if (add_pid(out, &n, pid)) {
			fputs("smapwatch: out of memory\n", err);
			return -1;
		}
		return 1;
	case CLI_TARGET_NAME:
		return named(root, arg, out, err);
	default:
		fprintf(err, "smapwatch: %s: a snapshot file, not a process\n",
			arg);
		return -1;
	}
}

int cli_target_look(snap *sn, const char *root, const char *arg, FILE *err)
{
	pid_t *pids, pid;
	int n = cli_target_pids(root, arg, &pids, err), got = 0;
	int by_name = cli_target_classify(arg, &pid) == CLI_TARGET_NAME;
	for (int i = 0; i < n; i++)
		got += look_one(sn, root, pids[i], by_name, err) > 0;
	free(pids);
	if (n > 0 && got == 0 && by_name)
		fprintf(err, "smapwatch: every process named '%s' exited\n", arg);
	return got ? got : -1;
}

int cli_target_load(const char *arg, const char *root, const char *command,
		    snap *out, FILE *err)
{
	pid_t pid;
	char msg[512];
	memset(out, 0, sizeof(*out));
	if (cli_target_classify(arg, &pid) == CLI_TARGET_FILE) {
		if (snap_read(arg, out, msg, sizeof(msg)) == 0)
			return 0;
		fprintf(err, "smapwatch: %s\n", msg);
		return -1;
	}
	if (snap_set_now(out, root, command)) {
		fputs("smapwatch: out of memory\n", err);
		snap_free(out);
		return -1;
	}
	if (cli_target_look(out, root, arg, err) > 0)
		return 0;
	snap_free(out);
	return -1;
}

static void relook_one(snap *out, const char *root, const snap_proc *p,
		       FILE *err, int *n)
{
	char detail[160];
	sw_proc_stat st;
	int r = snap_look_pid(out, root, p->pid, p->start_time, detail,
			      sizeof(detail));
	if (r == 0) {
		(*n)++;
	} else if (r == -SW_ECHANGED &&
		   sw_proc_read_stat(root, p->pid, &st) == 0 &&
		   st.start_time != p->start_time) {
		fprintf(err, "smapwatch: pid %d was reused (start time %llu, "
			     "now %llu): refusing to compare\n", (int)p->pid,
			(unsigned long long)p->start_time,
			(unsigned long long)st.start_time);
	} else if (r == -ESRCH || r == -SW_ECHANGED || r == -SW_ENOMM) {
		fprintf(err, "smapwatch: pid %d exited\n", (int)p->pid);
	} else {
		char what[32];
		snprintf(what, sizeof(what), "%d", (int)p->pid);
		cli_target_complain(err, what, r, detail);
	}
}

int cli_target_relook(const snap *like, const char *root, const char *command,
		      snap *out, FILE *err)
{
	int n = 0;
	memset(out, 0, sizeof(*out));
	if (snap_set_now(out, root, command)) {
		fputs("smapwatch: out of memory\n", err);
		return -1;
	}
	for (size_t i = 0; i < like->nprocs; i++)
		relook_one(out, root, &like->procs[i], err, &n);
	return n;
}
