/* snap.c - the in-memory snapshot: growing arrays, owned strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "snap.h"

int snap_str_set(snap_str *s, const char *p, size_t n)
{
	char *c = malloc(n + 1);
	if (!c)
		return -ENOMEM;
	if (n)
		memcpy(c, p, n);
	c[n] = '\0';
	free(s->s);
	s->s = c;
	s->len = n;
	return 0;
}

/* Doubles the capacity of *arr when full: amortised O(1) appends, so
 * reading 10^6 mappings stays linear. */
static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t want = *cap ? *cap * 2 : 16;
	if (want > SIZE_MAX / elem)
		return -ENOMEM;
	void *more = realloc(*arr, want * elem);
	if (!more)
		return -ENOMEM;
	*arr = more;
	*cap = want;
	return 0;
}

snap_proc *snap_new_proc(snap *sn)
{
	void *arr = sn->procs;
	if (grow(&arr, &sn->cap, sn->nprocs, sizeof(snap_proc)))
		return NULL;
	sn->procs = arr;
	snap_proc *p = &sn->procs[sn->nprocs++];
	memset(p, 0, sizeof(*p));
	sw_memsum_clear(&p->sum);
	return p;
}

static void free_map(snap_map *m)
{
	free(m->name.s);
	free(m->vmflags.s);
}

int snap_push_map(snap_proc *p, const snap_map *m)
{
	void *arr = p->maps;
	if (grow(&arr, &p->cap, p->nmaps, sizeof(snap_map))) {
		snap_map tmp = *m;
		free_map(&tmp);
		return -ENOMEM;
	}
	p->maps = arr;
	p->maps[p->nmaps++] = *m;
	sw_memsum_add_mapping(&p->sum, m->cat, &m->counts);
	return 0;
}

int snap_add_map(snap_proc *p, const snap_map *m)
{
	snap_map c = *m;
	c.name.s = c.vmflags.s = NULL;
	if (snap_str_set(&c.name, m->name.s, m->name.len) ||
	    snap_str_set(&c.vmflags, m->vmflags.s, m->vmflags.len)) {
		free_map(&c);
		return -ENOMEM;
	}
	return snap_push_map(p, &c);
}

static void free_proc(snap_proc *p)
{
	for (size_t i = 0; i < p->nmaps; i++)
		free_map(&p->maps[i]);
	free(p->maps);
	free(p->comm.s);
	free(p->cmdline.s);
	free(p->exe.s);
}

void snap_free(snap *sn)
{
	for (size_t i = 0; i < sn->nprocs; i++)
		free_proc(&sn->procs[i]);
	free(sn->procs);
	free(sn->kernel.s);
	free(sn->hostname.s);
	free(sn->proc_root.s);
	free(sn->command.s);
	free(sn->label.s);
	memset(sn, 0, sizeof(*sn));
}

/* Drops the last process (a look that failed half-way). */
void snap_drop_last(snap *sn)
{
	if (sn->nprocs)
		free_proc(&sn->procs[--sn->nprocs]);
}

void snap_remove_proc(snap *sn, size_t i)
{
	if (i >= sn->nprocs)
		return;
	free_proc(&sn->procs[i]);
	memmove(&sn->procs[i], &sn->procs[i + 1],
		(sn->nprocs - i - 1) * sizeof(*sn->procs));
	sn->nprocs--;
}

const snap_proc *snap_find_pid(const snap *sn, pid_t pid)
{
	for (size_t i = 0; i < sn->nprocs; i++)
		if (sn->procs[i].pid == pid)
			return &sn->procs[i];
	return NULL;
}
