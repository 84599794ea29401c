#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "ident.h"
#include "submit.h"

#define SUBTOTALS_MAX 64

static void submit(const char *id, const char *type, const char *ti,
		   gauge_t *g, size_t n)
{
	value_t v[2];
	value_list_t vl = VALUE_LIST_INIT;
	for (size_t i = 0; i < n; i++)
		v[i].gauge = g[i];
	vl.values = v;
	vl.values_len = n;
	snprintf(vl.plugin, sizeof(vl.plugin), "smaps");
	snprintf(vl.plugin_instance, sizeof(vl.plugin_instance), "%s", id);
	snprintf(vl.type, sizeof(vl.type), "%s", type);
	snprintf(vl.type_instance, sizeof(vl.type_instance), "%s", ti);
	plugin_dispatch_values(&vl);
}

void cd_submit_value(const char *id, const char *type, const char *ti,
		     double value)
{
	gauge_t g = value;
	submit(id, type, ti, &g, 1);
}

/* memory-PREFIX_FIELD. Prefixes are a category or KIND_NAME with NAME at
 * most CD_SUBNAME_MAX, so the identifier fits in CD_PART_MAX. */
static void submit_mem(const char *id, const char *prefix, const char *field,
		       uint64_t value)
{
	char ti[DATA_MAX_NAME_LEN];
	int n = snprintf(ti, sizeof(ti), "%s_%s", prefix, field);
	if (n > 0 && (size_t)n < sizeof(ti))
		cd_submit_value(id, "memory", ti, (double)value);
}

/* The six figures of a category, as memory-PREFIX_FIELD. */
static void submit_counts(const char *id, const char *prefix,
			  const sw_counts *c)
{
	static const struct { const char *name; int field; } f[] = {
		{"rss", SW_F_RSS}, {"pss", SW_F_PSS},
		{"private_dirty", SW_F_PRIVATE_DIRTY}, {"swap", SW_F_SWAP},
		{"size", SW_F_SIZE},
	};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		submit_mem(id, prefix, f[i].name, c->v[f[i].field]);
	submit_mem(id, prefix, "uss", sw_counts_uss(c));
}

static void submit_categories(const char *id, const sw_memsum *m)
{
	char ti[DATA_MAX_NAME_LEN];
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const char *name = c < SW_CAT_COUNT ? sw_category_name(c) : "total";
		submit_counts(id, name, c < SW_CAT_COUNT ? &m->cat[c] : &m->total);
		snprintf(ti, sizeof(ti), "vmas_%s", name);
		cd_submit_value(id, "count", ti,
			   c < SW_CAT_COUNT ? m->vmas[c] : m->total_vmas);
	}
}

/* The last path component: sub-totals are named by library file name. */
static const char *base_name(const char *s, size_t *len)
{
	const char *b = s;
	for (const char *p = s; *p; p++)
		if (*p == '/' && p[1])
			b = p + 1;
	*len = strlen(b);
	return b;
}


/* Top sub-totals as memory-KIND_NAME_rss/pss/private_dirty. Two libraries
 * of the same file name in different directories would share an
 * identifier: the later one is named by its whole path instead. */
static void submit_subtotals(const char *id, const char *kind,
			     const sw_subtotals *s, size_t max)
{
	const sw_subtotal *top[SUBTOTALS_MAX];
	char names[SUBTOTALS_MAX][CD_IDENT_SIZE];
	size_t n = sw_subtotals_top(s, top, max < SUBTOTALS_MAX ? max : SUBTOTALS_MAX);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *b = base_name(top[i]->name, &len);
		cd_ident(names[i], CD_SUBNAME_MAX, b, len);
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				cd_ident(names[i], CD_SUBNAME_MAX, top[i]->name,
					 top[i]->name_len);
		const sw_counts *c = &top[i]->counts;
		char prefix[DATA_MAX_NAME_LEN];
		int w = snprintf(prefix, sizeof(prefix), "%s_%s", kind, names[i]);
		if (w < 0 || (size_t)w >= sizeof(prefix))
			continue;
		submit_mem(id, prefix, "rss", c->v[SW_F_RSS]);
		submit_mem(id, prefix, "pss", c->v[SW_F_PSS]);
		submit_mem(id, prefix, "private_dirty", c->v[SW_F_PRIVATE_DIRTY]);
	}
}

void cd_submit_cost(const sw_collect_cost *c)
{
	cd_submit_value("", "count", "status_reads", (double)c->status_reads);
	cd_submit_value("", "count", "full_reads", (double)c->full_reads);
	cd_submit_value("", "bytes", "smaps_read", (double)c->bytes_read);
	cd_submit_value("", "gauge", "read_seconds", c->read_seconds);
	cd_submit_value("", "count", "backed_off", (double)c->backed_off);
	cd_submit_value("", "count", "capped", (double)c->capped);
	cd_submit_value("", "count", "hidden", (double)c->hidden);
}

/* Counters from /proc/PID/status, fresh every interval whatever the
 * tiering: memory-status_{rss,anon,file,shmem,swap}. */
static void submit_status(const char *id, const sw_proc_status *s)
{
	cd_submit_value(id, "memory", "status_rss", (double)s->rss);
	cd_submit_value(id, "memory", "status_anon", (double)s->rss_anon);
	cd_submit_value(id, "memory", "status_file", (double)s->rss_file);
	cd_submit_value(id, "memory", "status_shmem", (double)s->rss_shmem);
	cd_submit_value(id, "memory", "status_swap", (double)s->swap);
}

void cd_submit_group(const char *id, const sw_group_stats *g,
		     const cd_submit_opts *o)
{
	gauge_t ps[2] = {(gauge_t)g->processes, (gauge_t)g->threads};
	submit(id, "ps_count", "", ps, 2);
	/* Processes that could not be read are not in the figures; say how
	 * many, even when no other process was read. */
	if (g->unreadable)
		cd_submit_value(id, "count", "unreadable_processes",
			   (double)g->unreadable);
	if (g->processes == 0)
		return;
	submit_status(id, &g->status);
	cd_submit_value(id, "count", "measured_processes", (double)g->measured);
	cd_submit_value(id, "count", "backed_off_processes", (double)g->backed_off);
	cd_submit_value(id, "count", "capped_processes", (double)g->capped);
	cd_submit_value(id, "count", "figures_age", (double)g->age);
	submit_categories(id, &g->mem);
	cd_submit_value(id, "file_handles", "", (double)g->fds);
	cd_submit_value(id, "count", "sockets", (double)g->sockets);
	cd_submit_value(id, "count", "duplicate_library_loads", g->mem.lib_dup_loads);
	if (!g->unreadable)
		cd_submit_value(id, "count", "unreadable_processes", 0);
	if (o->libraries && g->libs)
		submit_subtotals(id, "lib", g->libs, o->max_subtotals);
	if (o->named && g->named)
		submit_subtotals(id, "named", g->named, o->max_subtotals);
}
