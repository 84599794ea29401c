/* selector.c - see selector.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/error.h"
#include "smapwatch/pid.h"
#include "selector.h"

static int parse_arg(sel *s, const char *arg, char *err, size_t errlen)
{
	int r;
	switch (s->kind) {
	case SW_SEL_CMDLINE:
		r = regcomp(&s->re, arg, REG_EXTENDED | REG_NOSUB);
		if (r) {
			char msg[128];
			regerror(r, &s->re, msg, sizeof(msg));
			snprintf(err, errlen, "bad regular expression \"%s\": %s",
				 arg, msg);
			return -EINVAL;
		}
		return 0;
	case SW_SEL_PID:
		s->pid = sw_parse_pid(arg, strlen(arg), 0);
		if (!s->pid) {
			snprintf(err, errlen, "bad pid \"%s\"", arg);
			return -EINVAL;
		}
		return 0;
	default:
		return 0;
	}
}

int sel_add(sel_set *s, size_t g, sw_selector_kind k, const char *arg,
	    char *err, size_t errlen)
{
	sel n = {.kind = k, .group = g};
	int r = parse_arg(&n, arg, err, errlen);
	if (r)
		return r;
	sel *v = realloc(s->v, (s->n + 1) * sizeof(*v));
	if (v)
		s->v = v;
	n.arg = v ? strdup(arg) : NULL;
	if (!n.arg) {
		if (k == SW_SEL_CMDLINE)
			regfree(&n.re);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	n.arg_len = strlen(arg);
	s->v[s->n++] = n;
	return 0;
}

void sel_free(sel_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].kind == SW_SEL_CMDLINE)
			regfree(&s->v[i].re);
		free(s->v[i].arg);
	}
	free(s->v);
	free(s->cmdline);
	memset(s, 0, sizeof(*s));
}

/* The costly facts of one process, each read at most once per match. */
typedef struct {
	const sw_procroot *root;
	pid_t pid;
	int *pidfd;
	int cmdline_read;
	ssize_t cmdline_len;   /* or -errno */
	int cgroup_read;
	char cgroup[8192];
	ssize_t cgroup_len;    /* or -errno */
	int failed;            /* a fact failed, not for the process's exit */
} facts;

/* The process's /proc/PID, opened on first need: most processes are in
 * no group, and what they are is known from stat alone. */
static int pidfd_of(facts *f)
{
	if (*f->pidfd < 0 && f->root)
		*f->pidfd = sw_procroot_pid(f->root, f->pid);
	return *f->pidfd;
}

static ssize_t cmdline_of(sel_set *s, facts *f)
{
	if (!f->cmdline_read) {
		f->cmdline_len = sw_proc_read_cmdline_at(pidfd_of(f), &s->cmdline,
							 &s->cmdline_cap);
		f->cmdline_read = 1;
		s->fact_reads++;
	}
	return f->cmdline_len;
}

static ssize_t cgroup_of(sel_set *s, facts *f)
{
	if (!f->cgroup_read) {
		f->cgroup_len = sw_read_small_at(pidfd_of(f), "cgroup", f->cgroup,
						 sizeof(f->cgroup));
		f->cgroup_read = 1;
		s->fact_reads++;
	}
	return f->cgroup_len;
}

/* SEL_UNKNOWN for a fact that could not be read (not cached then); one
 * that failed for another reason than the process's exit is noted. */
static unsigned char unknown(facts *f, long code)
{
	if (f->root && !sw_error_is_gone((int)code))
		f->failed = 1;
	return SEL_UNKNOWN;
}

/* SEL_YES or SEL_NO; SEL_UNKNOWN when the fact could not be read (gone,
 * out of fds, or no root to read it from). */
static unsigned char learn(sel_set *s, const sel *x, facts *f)
{
	ssize_t n;
	int hit;
	if (pidfd_of(f) < 0)
		return unknown(f, *f->pidfd);
	if (x->kind == SW_SEL_UNIT) {
		if ((n = cgroup_of(s, f)) < 0)
			return unknown(f, n);
		hit = sw_cgroup_in_unit(f->cgroup, (size_t)n, x->arg);
	} else {
		if ((n = cmdline_of(s, f)) < 0)
			return unknown(f, n);
		hit = x->kind == SW_SEL_CMDLINE
			      ? regexec(&x->re, s->cmdline, 0, NULL, 0) == 0
			      : memmem(s->cmdline, (size_t)n, x->arg,
				       x->arg_len) != NULL;
	}
	return hit ? SEL_YES : SEL_NO;
}

static int comm_matches(const sel *x, const sw_proc_stat *ps)
{
	const char *c = ps->comm;
	size_t l = ps->comm_len, a = x->arg_len;
	switch (x->kind) {
	case SW_SEL_COMM:
		return l == a && memcmp(c, x->arg, a) == 0;
	case SW_SEL_COMM_PREFIX:
		return l >= a && memcmp(c, x->arg, a) == 0;
	default:  /* SW_SEL_COMM_SUFFIX */
		return l >= a && memcmp(c + l - a, x->arg, a) == 0;
	}
}

static int one(sel_set *s, const sel *x, const sw_proc_stat *ps, facts *f,
	       unsigned char *cached)
{
	switch (x->kind) {
	case SW_SEL_COMM:
	case SW_SEL_COMM_PREFIX:
	case SW_SEL_COMM_SUFFIX:
		return comm_matches(x, ps);
	case SW_SEL_PID:
	case SW_SEL_PIDFILE:
		return x->pid == ps->pid;
	case SW_SEL_CMDLINE:
	case SW_SEL_CMDLINE_SUBSTR:
	case SW_SEL_UNIT:
		if (*cached == SEL_UNKNOWN)
			*cached = learn(s, x, f);
		return *cached == SEL_YES;
	case SW_SEL_KIND_COUNT:
		break;
	}
	return 0;
}

size_t sel_match(sel_set *s, const sw_proc_stat *ps, const sw_procroot *root,
		 int *pidfd, unsigned char *row, unsigned char *matched,
		 size_t ngroups)
{
	facts f = {.root = root, .pid = ps->pid, .pidfd = pidfd};
	size_t n = 0;
	memset(matched, 0, ngroups);
	for (size_t i = 0; i < s->n; i++) {
		const sel *x = &s->v[i];
		unsigned char scratch = SEL_UNKNOWN;
		if (matched[x->group])
			continue;
		if (one(s, x, ps, &f, row ? &row[i] : &scratch)) {
			matched[x->group] = 1;
			n++;
		}
	}
	s->fact_failures += f.failed;
	return n;
}
