/* look.c - one live look at a process into a snap: stat, status,
 * cmdline, exe, then every mapping of smaps through the core's collector. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "snap.h"
#include "smapwatch/collector.h"
#include "smapwatch/error.h"

#define CMDLINE_MAX 4096

typedef struct {
	snap_proc *p;
	FILE *stream;   /* NULL: keep the mappings in p */
	int first;
	int failed;
} look_ctx;

static void on_mapping(void *ctx, const sw_mapping *m, sw_category cat)
{
	look_ctx *l = ctx;
	snap_map s = {
		.start = m->start, .end = m->end, .offset = m->offset,
		.inode = m->inode, .dev_major = m->dev_major,
		.dev_minor = m->dev_minor, .cat = cat, .counts = m->counts,
		.name = {(char *)m->name, m->name_len},
		.vmflags = {(char *)m->vmflags, strlen(m->vmflags)},
	};
	memcpy(s.perms, m->perms, sizeof(s.perms));
	if (l->stream) {
		snap_write_map(l->stream, &s, l->first);
		l->first = 0;
		sw_memsum_add_mapping(&l->p->sum, cat, &m->counts);
	} else if (!l->failed && snap_add_map(l->p, &s)) {
		l->failed = 1;
	}
}

/* The identity of the process: comm, cmdline, exe, status. */
static int look_identity(snap_proc *p, const char *root, pid_t pid,
			 const sw_proc_stat *st)
{
	char buf[CMDLINE_MAX], path[SW_PATH_MAX];
	p->pid = pid;
	p->start_time = st->start_time;
	p->threads = st->threads;
	if (snap_str_set(&p->comm, st->comm, st->comm_len))
		return -ENOMEM;
	ssize_t n = sw_proc_read_cmdline(root, pid, buf, sizeof(buf));
	if (snap_str_set(&p->cmdline, buf, n > 0 ? (size_t)n : 0))
		return -ENOMEM;
	n = -1;
	if (sw_proc_path(path, sizeof(path), root, pid, "exe") == 0)
		n = readlink(path, buf, sizeof(buf) - 1);
	if (snap_str_set(&p->exe, buf, n > 0 ? (size_t)n : 0))
		return -ENOMEM;
	p->has_status = sw_proc_read_status(root, pid, &p->status) == 0;
	return 0;
}

static int look(snap *sn, const char *root, pid_t pid, uint64_t start_time,
		FILE *stream, char *detail, size_t detail_size)
{
	sw_proc_stat st;
	sw_memsum sum;
	if (detail_size)
		detail[0] = '\0';
	int r = sw_proc_read_stat(root, pid, &st);
	if (r == -ENOENT)
		r = -ESRCH;
	if (r)
		return r;
	if (start_time && st.start_time != start_time)
		return -SW_ECHANGED;
	sw_collector_opts co = {.max_names = 256};
	sw_collector *col = sw_collector_new(&co);
	snap_proc *p = col ? snap_new_proc(sn) : NULL;
	if (!p) {
		sw_collector_free(col);
		return -ENOMEM;
	}
	look_ctx l = {.p = p, .stream = stream, .first = 1};
	r = look_identity(p, root, pid, &st);
	if (r == 0 && stream)
		snap_write_proc_begin(stream, p, 1);
	if (r == 0)
		r = sw_collect_process(col, root, pid, st.start_time, &sum,
				       on_mapping, &l);
	if (r == 0 && stream)
		snap_write_proc_end(stream, &p->sum);
	if (r == 0 && l.failed)
		r = -ENOMEM;
	if (r && detail_size && (r == -SW_ESYNTAX || r == -SW_ETRUNC ||
				 r == -SW_ERANGE))
		snprintf(detail, detail_size, "%s", sw_collector_detail(col));
	sw_collector_free(col);
	if (r)
		snap_drop_last(sn);
	return r;
}

int snap_look_pid(snap *sn, const char *root, pid_t pid, uint64_t start_time,
		  char *detail, size_t detail_size)
{
	return look(sn, root, pid, start_time, NULL, detail, detail_size);
}

int snap_look_stream(snap *sn, const char *root, pid_t pid, FILE *stream,
		     char *detail, size_t detail_size)
{
	return look(sn, root, pid, 0, stream, detail, detail_size);
}

/* A small file of the proc root (sys/kernel/osrelease), newline dropped;
 * absent (len 0) when it cannot be read: a saved tree may not have it. */
static int root_file(snap_str *s, const char *root, const char *file)
{
	char path[SW_PATH_MAX], buf[256];
	ssize_t n = -1;
	if (sw_proc_path(path, sizeof(path), root, 0, file) == 0)
		n = sw_read_small(path, buf, sizeof(buf));
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
		n--;
	return snap_str_set(s, buf, n > 0 ? (size_t)n : 0);
}

char *snap_command(int argc, char **argv)
{
	static const char prog[] = "smapwatch";
	size_t len = sizeof(prog), o = sizeof(prog) - 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *c = malloc(len);
	if (c)
		memcpy(c, prog, o);
	for (int i = 0; c && i < argc; i++) {
		size_t n = strlen(argv[i]);
		c[o++] = ' ';
		memcpy(c + o, argv[i], n);
		o += n;
	}
	if (c)
		c[o] = '\0';
	return c;
}

int snap_set_now(snap *sn, const char *root, const char *command)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	sn->time_unix = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	gmtime_r(&ts.tv_sec, &tm);
	strftime(sn->time, sizeof(sn->time), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (root_file(&sn->kernel, root, "sys/kernel/osrelease") ||
	    root_file(&sn->hostname, root, "sys/kernel/hostname") ||
	    snap_str_set(&sn->proc_root, root, strlen(root)) ||
	    snap_str_set(&sn->command, command, strlen(command)) ||
	    snap_str_set(&sn->label, "live", 4))
		return -ENOMEM;
	return 0;
}
