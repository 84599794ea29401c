/* maptable.c - see maptable.h. */
#include "maptable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "ids.h"
#include "smapwatch/escape.h"
#include "function.h"
#include "smapwatch/error.h"
#include "smapwatch/procfs.h"

typedef nd_rowbuild proc_rows;

static const sw_field figure_fields[ND_MT_FIGURES] = {
	SW_F_RSS, SW_F_PSS, SW_F_PRIVATE_CLEAN /* USS */, SW_F_PRIVATE_DIRTY,
	SW_F_SWAP, SW_F_SIZE,
};
static const char *const figure_names[ND_MT_FIGURES] = {
	"Rss", "Pss", "USS", "Private_Dirty", "Swap", "Size",
};

void nd_maptable_begin(nd_maptable *t, int update_every)
{
	t->rows = 0;
	memset(t->max, 0, sizeof(t->max));
	fprintf(t->out, "{\n  \"status\": 200,\n  \"type\": \"table\",\n"
		"  \"update_every\": %d,\n  \"data\": [\n", update_every);
}

static uint64_t figure_kib(const sw_counts *c, int f)
{
	uint64_t b = f == 2 ? sw_counts_uss(c) : c->v[figure_fields[f]];
	return b / 1024;
}

/* grow_split - room for one more row's two offsets. */
static void grow_split(proc_rows *pr)
{
	nd_procrows *r = &pr->r;
	if (2 * r->rows + 2 <= pr->cap)
		return;
	size_t cap = pr->cap ? 2 * pr->cap : 256;
	size_t *s = realloc(r->split, cap * sizeof(*s));
	if (!s) {
		pr->nomem = 1;
		return;
	}
	r->split = s;
	pr->cap = cap;
}

/* write_row - head: "[id, pid, comm, "; tail: ", start, end, ...]". The
 * group's name goes between them when the row is written out. */
static void write_row(proc_rows *pr, const sw_mapping *m, sw_category c)
{
	FILE *f = pr->mem;
	nd_procrows *r = &pr->r;
	size_t nlen = m->name_len;
	grow_split(pr);
	if (pr->nomem)
		return;
	r->split[2 * r->rows] = (size_t)ftello(f);
	fprintf(f, "    [\"%d:%llx\", %d, ", (int)pr->ps.pid,
		(unsigned long long)m->start, (int)pr->ps.pid);
	sw_json_string(f, pr->ps.comm, pr->ps.comm_len);
	fputs(", ", f);
	r->split[2 * r->rows + 1] = (size_t)ftello(f);
	fprintf(f, ", \"%llx\", \"%llx\", ", (unsigned long long)m->start,
		(unsigned long long)m->end);
	sw_json_string(f, m->perms, strlen(m->perms));  /* any 4 bytes */
	fprintf(f, ", \"%s\", ", sw_category_name(c));
	/* bounded so a row stays under Netdata's line limit */
	sw_json_string(f, m->name, nlen > ND_FUNCTION_NAME_MAX ?
		       ND_FUNCTION_NAME_MAX : nlen);
	for (int k = 0; k < ND_MT_FIGURES; k++) {
		uint64_t v = figure_kib(&m->counts, k);
		r->max[k] = v > r->max[k] ? v : r->max[k];
		fprintf(f, ", %llu", (unsigned long long)v);
	}
	fputs(", ", f);
	sw_json_string(f, m->vmflags, strlen(m->vmflags));
	fputc(']', f);
	r->rows++;
}

int nd_rowbuild_begin(nd_rowbuild *b, const sw_proc_stat *ps,
		      size_t max_rows)
{
	*b = (nd_rowbuild){.ps = *ps, .max_rows = max_rows,
			   .r = {.pid = ps->pid, .start_time = ps->start_time}};
	b->mem = open_memstream(&b->r.text, &b->r.len);
	return b->mem ? 0 : -ENOMEM;
}

void nd_rowbuild_mapping(nd_rowbuild *b, const sw_mapping *m, sw_category c)
{
	if (b->mem && b->r.rows < b->max_rows)
		write_row(b, m, c);
}

int nd_rowbuild_end(nd_rowbuild *b, int result, nd_procrows *out)
{
	if (b->mem && (fclose(b->mem) || b->nomem) && result >= 0)
		result = -ENOMEM;
	if (!b->mem && result >= 0)
		result = -ENOMEM;
	b->mem = NULL;
	if (result < 0) {
		nd_procrows_free(&b->r);
		b->r = (nd_procrows){.pid = b->ps.pid,
				     .start_time = b->ps.start_time,
				     .error = result};
	}
	*out = b->r;
	return result < 0 ? result : 0;
}

static void each_mapping(void *ctx, const sw_mapping *m, sw_category c)
{
	nd_rowbuild_mapping(ctx, m, c);
}

int nd_maptable_read(sw_collector *coll, const char *proc_root, pid_t pid,
		     uint64_t start_time, size_t max_rows, nd_procrows *r,
		     size_t *bytes)
{
	sw_proc_stat ps;
	nd_rowbuild b;
	*bytes = 0;
	int e = sw_proc_read_stat(proc_root, pid, &ps);
	if (e >= 0 && ps.start_time != start_time)
		e = -SW_ECHANGED;  /* the pid is another process's now */
	if (e < 0) {
		*r = (nd_procrows){.pid = pid, .start_time = start_time,
				   .error = e};
		return e;
	}
	e = nd_rowbuild_begin(&b, &ps, max_rows);
	if (e >= 0) {
		sw_memsum sum;
		e = sw_collect_process(coll, proc_root, pid, ps.start_time,
				       &sum, each_mapping, &b);
		*bytes = sw_collector_bytes(coll);
	}
	return nd_rowbuild_end(&b, e, r);
}

int nd_maptable_rows(nd_maptable *t, const nd_procrows *r, const char *group)
{
	for (size_t i = 0; i < r->rows; i++) {
		if (t->rows >= t->max_rows)
			return -SW_ELIMIT;
		size_t head = r->split[2 * i], tail = r->split[2 * i + 1];
		size_t end = i + 1 < r->rows ? r->split[2 * i + 2] : r->len;
		if (t->rows++)
			fputs(",\n", t->out);
		fwrite(r->text + head, 1, tail - head, t->out);
		sw_json_string(t->out, group, strlen(group));
		fwrite(r->text + tail, 1, end - tail, t->out);
	}
	for (int k = 0; k < ND_MT_FIGURES; k++)
		t->max[k] = r->max[k] > t->max[k] ? r->max[k] : t->max[k];
	return 0;
}

static void column(FILE *f, int index, const char *key, const char *name,
		   const char *type, int visible, int unique, uint64_t max)
{
	int bar = !strcmp(type, "bar-with-integer");
	fprintf(f, "%s\n    \"%s\": {\"index\": %d, \"unique_key\": %s, "
		"\"name\": \"%s\", \"visible\": %s, \"type\": \"%s\", ",
		index ? "," : "", key, index, unique ? "true" : "false", name,
		visible ? "true" : "false", type);
	if (bar)
		fprintf(f, "\"units\": \"KiB\", \"max\": %llu, ",
			(unsigned long long)max);
	fprintf(f, "\"sort\": \"%s\", \"sortable\": true, \"sticky\": %s, "
		"\"summary\": \"%s\"}", bar ? "descending" : "ascending",
		index <= 2 ? "true" : "false", bar ? "sum" : "count_unique");
}

void nd_maptable_end(nd_maptable *t, long long expires)
{
	static const struct {
		const char *key, *name, *type;
		int visible;
	} cols[] = {
		{"Id", "Process and start address", "string", 0},
		{"Pid", "Process ID", "integer", 1},
		{"Process", "Process name", "string", 1},
		{"Group", "Group (smaps_groups.conf)", "string", 1},
		{"Start", "Start address", "string", 0},
		{"End", "End address", "string", 0},
		{"Perms", "Permissions", "string", 1},
		{"Category", "Category", "string", 1},
		{"Name", "Mapping", "string", 1},
	};
	size_t ncols = sizeof(cols) / sizeof(cols[0]);
	int i = 0;
	fputs("\n  ],\n  \"columns\": {", t->out);
	for (size_t k = 0; k < ncols; k++, i++)
		column(t->out, i, cols[k].key, cols[k].name, cols[k].type,
		       cols[k].visible, k == 0, 0);
	for (int k = 0; k < ND_MT_FIGURES; k++, i++)
		column(t->out, i, figure_names[k], figure_names[k],
		       "bar-with-integer", k != 5, 0, t->max[k]);
	column(t->out, i, "VmFlags", "VmFlags", "string", 0, 0, 0);
	fprintf(t->out, "\n  },\n  \"default_sort_column\": \"Rss\",\n"
		"  \"expires\": %lld\n}", expires);
}
