/* snapread.c - a snapshot file back into a snap. Unknown keys are skipped
 * (a writer of the same version may add some); the sums are recomputed
 * from the mappings, so a file cannot disagree with itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "jread.h"
#include "smapwatch/pid.h"
#include "snap.h"

#define KEY_MAX 64

static int hex_u64(jr *j, uint64_t *v)
{
	char buf[24], *e;
	size_t n;
	if (jr_string_buf(j, buf, sizeof(buf), &n))
		return -1;
	errno = 0;
	*v = strtoull(buf, &e, 16);
	if (n == 0 || *e || errno || buf[0] == '-' || buf[0] == '+' ||
	    buf[0] == ' ')
		return jr_fail(j, "expected a hex number in a string");
	return 0;
}

static int str(jr *j, snap_str *s)
{
	free(s->s);
	s->s = NULL;
	return jr_string(j, &s->s, &s->len);
}

static int field_of(const char *key)
{
	for (int i = 0; i < SW_F_COUNT; i++)
		if (strcmp(key, sw_field_key((sw_field)i)) == 0)
			return i;
	return -1;
}

static int counts(jr *j, sw_counts *c)
{
	char key[KEY_MAX];
	int first = 1, r;
	memset(c, 0, sizeof(*c));
	while ((r = jr_obj_next(j, &first, key, sizeof(key))) == 1) {
		int f = field_of(key);
		if (f < 0 ? jr_skip(j) : jr_u64(j, &c->v[f]))
			return -1;
		if (f >= 0)
			c->present |= 1u << f;
	}
	return r;
}

static int dev(jr *j, snap_map *m)
{
	char buf[24];
	size_t n;
	unsigned ma, mi;
	int used = 0;
	if (jr_string_buf(j, buf, sizeof(buf), &n))
		return -1;
	if (sscanf(buf, "%x:%x%n", &ma, &mi, &used) != 2 || (size_t)used != n)
		return jr_fail(j, "expected a device \"MAJ:MIN\"");
	m->dev_major = ma;
	m->dev_minor = mi;
	return 0;
}

static int small(jr *j, char *buf, size_t size)
{
	size_t n;
	return jr_string_buf(j, buf, size, &n);
}

static int map_key(jr *j, const char *key, snap_map *m)
{
	char cat[16];
	if (!strcmp(key, "start"))
		return hex_u64(j, &m->start);
	if (!strcmp(key, "end"))
		return hex_u64(j, &m->end);
	if (!strcmp(key, "offset"))
		return hex_u64(j, &m->offset);
	if (!strcmp(key, "inode"))
		return jr_u64(j, &m->inode);
	if (!strcmp(key, "perms"))
		return small(j, m->perms, sizeof(m->perms));
	if (!strcmp(key, "dev"))
		return dev(j, m);
	if (!strcmp(key, "name"))
		return str(j, &m->name);
	if (!strcmp(key, "vmflags"))
		return str(j, &m->vmflags);
	if (!strcmp(key, "counts"))
		return counts(j, &m->counts);
	if (strcmp(key, "category"))
		return jr_skip(j);
	if (small(j, cat, sizeof(cat)))
		return -1;
	int c = sw_category_lookup(cat);
	if (c < 0)
		return jr_fail(j, "unknown category");
	m->cat = (sw_category)c;
	return 0;
}

static int one_map(jr *j, snap_proc *p)
{
	char key[KEY_MAX];
	int first = 1, r;
	snap_map m = {.cat = SW_CAT_ANON};
	while ((r = jr_obj_next(j, &first, key, sizeof(key))) == 1)
		if (map_key(j, key, &m))
			break;
	if (r == 0 && m.end < m.start)
		r = jr_fail(j, "mapping ends before it starts");
	if (r == 0 && (!m.name.s || !m.vmflags.s) &&
	    (snap_str_set(&m.name, m.name.s, m.name.len) ||
	     snap_str_set(&m.vmflags, m.vmflags.s, m.vmflags.len)))
		r = jr_fail(j, "out of memory");
	if (r != 0) {
		free(m.name.s);
		free(m.vmflags.s);
		return -1;
	}
	return snap_push_map(p, &m) ? jr_fail(j, "out of memory") : 0;
}

static int status(jr *j, sw_proc_status *s)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{"vm_rss", offsetof(sw_proc_status, rss)},
		{"rss_anon", offsetof(sw_proc_status, rss_anon)},
		{"rss_file", offsetof(sw_proc_status, rss_file)},
		{"rss_shmem", offsetof(sw_proc_status, rss_shmem)},
		{"vm_swap", offsetof(sw_proc_status, swap)},
	};
	char key[KEY_MAX];
	int first = 1, r;
	while ((r = jr_obj_next(j, &first, key, sizeof(key))) == 1) {
		size_t i = 0;
		while (i < 5 && strcmp(key, keys[i].key))
			i++;
		if (i == 5 ? jr_skip(j)
			   : jr_u64(j, (uint64_t *)((char *)s + keys[i].off)))
			return -1;
	}
	return r;
}

static int proc_key(jr *j, const char *key, snap_proc *p)
{
	uint64_t v;
	int first = 1, r;
	if (!strcmp(key, "pid")) {
		if (jr_u64(j, &v) || v == 0 || v > SW_PID_MAX_LIMIT)
			return jr_fail(j, "bad pid");
		p->pid = (pid_t)v;
		return 0;
	}
	if (!strcmp(key, "start_time"))
		return jr_u64(j, &p->start_time);
	if (!strcmp(key, "threads")) {
		r = jr_u64(j, &v);
		p->threads = v > 1000000000 ? 0 : (long)v;
		return r;
	}
	if (!strcmp(key, "comm"))
		return str(j, &p->comm);
	if (!strcmp(key, "cmdline"))
		return str(j, &p->cmdline);
	if (!strcmp(key, "exe"))
		return str(j, &p->exe);
	if (!strcmp(key, "status")) {
		p->has_status = 1;
		return status(j, &p->status);
	}
	if (strcmp(key, "maps"))
		return jr_skip(j);   /* categories, total: recomputed */
	while ((r = jr_arr_next(j, &first)) == 1)
		if (one_map(j, p))
			return -1;
	return r;
}

static int one_proc(jr *j, snap *sn)
{
	char key[KEY_MAX];
	int first = 1, r;
	snap_proc *p = snap_new_proc(sn);
	if (!p)
		return jr_fail(j, "out of memory");
	while ((r = jr_obj_next(j, &first, key, sizeof(key))) == 1)
		if (proc_key(j, key, p))
			return -1;
	if (r == 0 && p->pid == 0)
		return jr_fail(j, "a process without a pid");
	if (r == 0 && !p->comm.s && snap_str_set(&p->comm, "", 0))
		return jr_fail(j, "out of memory");
	return r;
}

typedef struct {
	int has_format;
	uint64_t version;
} head_seen;

static int top_key(jr *j, const char *key, snap *sn, head_seen *h)
{
	char fmt[32];
	size_t n;
	int first = 1, r;
	if (!strcmp(key, "format")) {
		if (jr_string_buf(j, fmt, sizeof(fmt), &n) ||
		    strcmp(fmt, SNAP_FORMAT))
			return jr_fail(j, "not a smapwatch snapshot");
		h->has_format = 1;
		return 0;
	}
	if (!strcmp(key, "version"))
		return jr_u64(j, &h->version) ? -1
			: h->version > SNAP_VERSION ? -2 : 0;
	if (!strcmp(key, "time"))
		return jr_string_buf(j, sn->time, sizeof(sn->time), &n);
	if (!strcmp(key, "time_unix"))
		return jr_double(j, &sn->time_unix);
	if (!strcmp(key, "kernel"))
		return str(j, &sn->kernel);
	if (!strcmp(key, "hostname"))
		return str(j, &sn->hostname);
	if (!strcmp(key, "proc_root"))
		return str(j, &sn->proc_root);
	if (!strcmp(key, "command"))
		return str(j, &sn->command);
	if (strcmp(key, "processes"))
		return jr_skip(j);
	while ((r = jr_arr_next(j, &first)) == 1)
		if (one_proc(j, sn))
			return -1;
	return r;
}

static int parse(jr *j, snap *sn, head_seen *h)
{
	char key[KEY_MAX];
	int first = 1, r;
	while ((r = jr_obj_next(j, &first, key, sizeof(key))) == 1)
		if ((r = top_key(j, key, sn, h)) != 0)
			return r;
	if (r == 0 && (!h->has_format || !h->version))
		return jr_fail(j, "not a smapwatch snapshot (no format or version)");
	return r ? r : jr_end(j);
}

int snap_parse(const char *text, size_t len, const char *label, snap *sn,
	       char *err, size_t err_size)
{
	jr j;
	head_seen h = {0, 0};
	memset(sn, 0, sizeof(*sn));
	jr_init(&j, text, len);
	int r = parse(&j, sn, &h);
	if (r == -2)
		snprintf(err, err_size, "snapshot %s is format version %llu; "
			 "this smapwatch reads up to %d: upgrade smapwatch",
			 label, (unsigned long long)h.version, SNAP_VERSION);
	else if (r)
		snprintf(err, err_size, "snapshot %s: %s", label, j.err);
	if (r == 0 && snap_str_set(&sn->label, label, strlen(label)) == 0)
		return 0;
	if (r == 0)
		snprintf(err, err_size, "snapshot %s: out of memory", label);
	snap_free(sn);
	return -1;
}

/* The whole file into memory: the format is read in one linear pass. */
static char *slurp(int fd, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n == cap) {
			char *more = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
			if (!more)
				break;
			buf = more;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0) {
				*len = n;
				return buf;
			}
			break;
		}
		n += (size_t)r;
	}
	free(buf);
	return NULL;
}

int snap_read(const char *path, snap *sn, char *err, size_t err_size)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	size_t len = 0;
	memset(sn, 0, sizeof(*sn));
	if (fd < 0) {
		snprintf(err, err_size, "snapshot %s: %s", path, strerror(errno));
		return -1;
	}
	char *text = slurp(fd, &len);
	int e = errno;
	if (fd)
		close(fd);
	if (!text) {
		snprintf(err, err_size, "snapshot %s: %s", path, strerror(e));
		return -1;
	}
	int r = snap_parse(text, len, path, sn, err, err_size);
	free(text);
	return r;
}
