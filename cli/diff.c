/* diff.c - pairing two looks' mappings: see diff.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "diff.h"

typedef struct {
	const snap_map *m;
	int side;           /* 0: a, 1: b */
	int used;
} ref;

const char *diff_change_name(diff_change c)
{
	static const char *const n[] = {"same", "grew", "shrank", "appeared",
					"vanished"};
	return n[c];
}

const char *diff_match_name(diff_match m)
{
	static const char *const n[] = {"none", "start", "overlap",
					"path_inode", "split", "merged"};
	return n[m];
}

void diff_delta_of(diff_delta *d, const sw_counts *a, const sw_counts *b)
{
	d->present = a->present & b->present;
	for (int i = 0; i < SW_F_COUNT; i++)
		d->v[i] = (int64_t)(b->v[i] - a->v[i]);
}

double diff_rate(const diff *d, int64_t delta)
{
	return diff_has_rate(d) ? (double)delta * 3600.0 / d->seconds : 0;
}

int diff_has_rate(const diff *d)
{
	return d->seconds >= DIFF_RATE_MIN_SECONDS;
}

/* A file deleted between the looks keeps its identity: its name gains
 * " (deleted)", its inode stays. */
static size_t name_len(const snap_map *m)
{
	return sw_name_strip_deleted(m->name.s, m->name.len);
}

static int same_identity(const snap_map *x, const snap_map *y)
{
	size_t n = name_len(x);
	return x->inode == y->inode && x->dev_major == y->dev_major &&
	       x->dev_minor == y->dev_minor && n == name_len(y) &&
	       memcmp(x->name.s, y->name.s, n) == 0;
}

static int by_identity_start(const void *p, const void *q)
{
	const snap_map *x = ((const ref *)p)->m, *y = ((const ref *)q)->m;
	size_t nx = name_len(x), ny = name_len(y);
	int c = memcmp(x->name.s, y->name.s, nx < ny ? nx : ny);
	if (c)
		return c;
	if (nx != ny)
		return nx < ny ? -1 : 1;
	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->dev_major != y->dev_major)
		return x->dev_major < y->dev_major ? -1 : 1;
	if (x->dev_minor != y->dev_minor)
		return x->dev_minor < y->dev_minor ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return ((const ref *)p)->side - ((const ref *)q)->side;
}

/* The union of one side's pieces in r[0..n). */
static void combine(snap_map *out, uint32_t *pieces, const ref *r, size_t n,
		    int side)
{
	*pieces = 0;
	for (size_t i = 0; i < n; i++) {
		const snap_map *m = r[i].m;
		if (r[i].side != side)
			continue;
		if ((*pieces)++ == 0) {
			*out = *m;
			continue;
		}
		out->start = m->start < out->start ? m->start : out->start;
		out->end = m->end > out->end ? m->end : out->end;
		sw_counts_add(&out->counts, &m->counts);
	}
}

static diff_change change_of(const diff_row *r, sw_field by)
{
	if (!r->has_a)
		return DIFF_APPEARED;
	if (!r->has_b)
		return DIFF_VANISHED;
	int64_t g = r->delta.v[by] ? r->delta.v[by] : r->delta.v[SW_F_SIZE];
	return g > 0 ? DIFF_GREW : g < 0 ? DIFF_SHRANK : DIFF_SAME;
}

static int add_row(diff_proc *p, size_t *cap, const ref *r, size_t n,
		   diff_match match, sw_field by)
{
	if (p->nrows == *cap) {
		size_t want = *cap ? *cap * 2 : 64;
		diff_row *more = realloc(p->rows, want * sizeof(*more));
		if (!more)
			return -ENOMEM;
		p->rows = more;
		*cap = want;
	}
	diff_row *row = &p->rows[p->nrows++];
	memset(row, 0, sizeof(*row));
	combine(&row->a, &row->pieces_a, r, n, 0);
	combine(&row->b, &row->pieces_b, r, n, 1);
	row->has_a = row->pieces_a > 0;
	row->has_b = row->pieces_b > 0;
	row->match = match;
	row->cat = row->has_b ? row->b.cat : row->a.cat;
	const sw_counts zero = {.present = 0};
	diff_delta_of(&row->delta, row->has_a ? &row->a.counts : &zero,
		      row->has_b ? &row->b.counts : &zero);
	if (!row->has_a || !row->has_b)
		row->delta.present = row->has_a ? row->a.counts.present
						: row->b.counts.present;
	row->change = change_of(row, by);
	return 0;
}

static diff_match match_of(const ref *r, size_t n, size_t na)
{
	size_t nb = n - na;
	if (na == 1 && nb == 1)
		return r[0].m->start == r[1].m->start ? DIFF_M_START
						      : DIFF_M_OVERLAP;
	return na < nb || na == nb ? DIFF_M_SPLIT : DIFF_M_MERGED;
}

/* Within one identity (r[0..n) sorted by start), runs of ranges that
 * overlap across the sides are one row each; the others are left unused
 * for the path+inode pass. */
static int overlap_runs(diff_proc *p, size_t *cap, ref *r, size_t n,
			sw_field by)
{
	size_t i = 0;
	while (i < n) {
		uint64_t end[2] = {0, 0};
		size_t k = i, na = 0;
		for (; k < n; k++) {
			int s = r[k].side;
			if (k > i && r[k].m->start >= end[!s])
				break;
			end[s] = r[k].m->end > end[s] ? r[k].m->end : end[s];
			na += s == 0;
		}
		if (na > 0 && na < k - i) {
			if (add_row(p, cap, r + i, k - i, match_of(r + i, k - i, na), by))
				return -ENOMEM;
			for (size_t u = i; u < k; u++)
				r[u].used = 1;
		}
		i = k;
	}
	return 0;
}

/* A named mapping left over on both sides with the same offset: the same
 * file or library mapped at another address. Then the rest, alone. */
static int leftovers(diff_proc *p, size_t *cap, ref *r, size_t n, sw_field by)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].used || r[i].side != 0 || r[i].m->name.len == 0)
			continue;
		for (size_t k = 0; k < n; k++)
			if (!r[k].used && r[k].side == 1 &&
			    r[k].m->offset == r[i].m->offset) {
				ref pair[2] = {r[i], r[k]};
				if (add_row(p, cap, pair, 2, DIFF_M_PATH_INODE, by))
					return -ENOMEM;
				r[i].used = r[k].used = 1;
				break;
			}
	}
	for (size_t i = 0; i < n; i++)
		if (!r[i].used && add_row(p, cap, &r[i], 1, DIFF_M_NONE, by))
			return -ENOMEM;
	return 0;
}

static int by_growth(const void *p, const void *q, void *ctx)
{
	const diff_row *x = p, *y = q;
	sw_field by = *(const sw_field *)ctx;
	int64_t gx = x->delta.v[by], gy = y->delta.v[by];
	if (gx != gy)
		return gx > gy ? -1 : 1;
	gx = x->delta.v[SW_F_SIZE];
	gy = y->delta.v[SW_F_SIZE];
	if (gx != gy)
		return gx > gy ? -1 : 1;
	uint64_t sx = x->has_a ? x->a.start : x->b.start;
	uint64_t sy = y->has_a ? y->a.start : y->b.start;
	return (sx > sy) - (sx < sy);
}

static int pair_maps(diff_proc *p, sw_field by)
{
	size_t n = p->a->nmaps + p->b->nmaps, cap = 0, o = 0;
	ref *r = malloc((n ? n : 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < p->a->nmaps; i++)
		r[o++] = (ref){&p->a->maps[i], 0, 0};
	for (size_t i = 0; i < p->b->nmaps; i++)
		r[o++] = (ref){&p->b->maps[i], 1, 0};
	qsort(r, n, sizeof(*r), by_identity_start);
	int err = 0;
	for (size_t i = 0, k; i < n && !err; i = k) {
		for (k = i + 1; k < n && same_identity(r[i].m, r[k].m); k++)
			;
		err = overlap_runs(p, &cap, r + i, k - i, by);
		if (!err)
			err = leftovers(p, &cap, r + i, k - i, by);
	}
	free(r);
	if (!err && p->nrows)
		qsort_r(p->rows, p->nrows, sizeof(*p->rows), by_growth, &by);
	diff_delta_of(&p->total, &p->a->sum.total, &p->b->sum.total);
	/* An empty category has every field the kernel prints, at 0. */
	for (int c = 0; c < SW_CAT_COUNT; c++) {
		diff_delta_of(&p->cat[c], &p->a->sum.cat[c], &p->b->sum.cat[c]);
		p->cat[c].present = p->total.present;
	}
	return err;
}

/* Pairs b's processes with a's by pid; a reused pid is refused. */
static int pair_procs(diff *d, FILE *err)
{
	for (size_t i = 0; i < d->b->nprocs; i++) {
		const snap_proc *pb = &d->b->procs[i];
		const snap_proc *pa = snap_find_pid(d->a, pb->pid);
		if (!pa) {
			fprintf(err, "smapwatch: pid %d is only in B\n", (int)pb->pid);
			continue;
		}
		if (pa->start_time != pb->start_time) {
			fprintf(err, "smapwatch: pid %d was reused (start time %llu "
				     "in A, %llu in B): refusing to compare\n",
				(int)pb->pid, (unsigned long long)pa->start_time,
				(unsigned long long)pb->start_time);
			d->refused++;
			continue;
		}
		diff_proc *p = &d->procs[d->nprocs++];
		memset(p, 0, sizeof(*p));
		p->a = pa;
		p->b = pb;
		if (pair_maps(p, d->by))
			return -ENOMEM;
	}
	for (size_t i = 0; i < d->a->nprocs; i++)
		if (!snap_find_pid(d->b, d->a->procs[i].pid))
			fprintf(err, "smapwatch: pid %d is only in A\n",
				(int)d->a->procs[i].pid);
	return 0;
}

int diff_build(diff *d, const snap *a, const snap *b, sw_field by, FILE *err)
{
	memset(d, 0, sizeof(*d));
	d->a = a;
	d->b = b;
	d->by = by;
	d->seconds = a->time_unix > 0 && b->time_unix > 0
			     ? b->time_unix - a->time_unix : -1;
	d->procs = calloc(b->nprocs ? b->nprocs : 1, sizeof(*d->procs));
	if (!d->procs || pair_procs(d, err)) {
		diff_free(d);
		fputs("smapwatch: out of memory\n", err);
		return -ENOMEM;
	}
	if (d->nprocs == 0) {
		fputs("smapwatch: no process in both looks to compare\n", err);
		diff_free(d);
		return -1;
	}
	return 0;
}

void diff_free(diff *d)
{
	for (size_t i = 0; d->procs && i < d->nprocs; i++)
		free(d->procs[i].rows);
	free(d->procs);
	d->procs = NULL;
	d->nprocs = 0;
}
