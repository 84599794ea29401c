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

/* One process's rows while they are being built. */
typedef struct {
	FILE *mem;
	const nd_maptable *t;
	const sw_proc_stat *ps;
	const char *group;
	size_t rows;
	uint64_t max[ND_MT_FIGURES];
} proc_rows;

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

static void write_row(proc_rows *r, const sw_mapping *m, sw_category c)
{
	FILE *f = r->mem;
	size_t nlen = m->name_len;
	char id[64];
	if (r->t->rows + r->rows)
		fputs(",\n", f);
	snprintf(id, sizeof(id), "%d:%llx", (int)r->ps->pid,
		 (unsigned long long)m->start);
	fprintf(f, "    [\"%s\", %d, ", id, (int)r->ps->pid);
	sw_json_string(f, r->ps->comm, r->ps->comm_len);
	fputs(", ", f);
	sw_json_string(f, r->group, strlen(r->group));
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

static void each_mapping(void *ctx, const sw_mapping *m, sw_category c)
{
	proc_rows *r = ctx;
	if (r->t->rows + r->rows < r->t->max_rows)
		write_row(r, m, c);
}

/* commit - append a process's finished rows to the payload. */
static void commit(nd_maptable *t, proc_rows *r, const char *buf, size_t len)
{
	fwrite(buf, 1, len, t->out);
	t->rows += r->rows;
	for (int k = 0; k < ND_MT_FIGURES; k++)
		t->max[k] = r->max[k] > t->max[k] ? r->max[k] : t->max[k];
}

int nd_maptable_process(nd_maptable *t, pid_t pid, uint64_t start_time,
			const char *group)
{
	if (t->rows >= t->max_rows)
		return -SW_ELIMIT;
	sw_proc_stat ps;
	int r = sw_proc_read_stat(t->proc_root, pid, &ps);
	if (r < 0)
		return r;
	if (ps.start_time != start_time)
		return -SW_ECHANGED;  /* the pid is another process's now */
	char *buf = NULL;
	size_t len = 0;
	proc_rows pr = {.t = t, .ps = &ps, .group = group};
	if (!(pr.mem = open_memstream(&buf, &len)))
		return -ENOMEM;
	sw_memsum sum;
	r = sw_collect_process(t->coll, t->proc_root, pid, ps.start_time,
			       &sum, each_mapping, &pr);
	fclose(pr.mem);
	if (r >= 0)
		commit(t, &pr, buf, len);
	free(buf);
	return r < 0 ? r : 0;
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
