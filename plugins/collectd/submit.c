#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "ident.h"
#include "names.h"
#include "submit.h"

#define SUBTOTALS_MAX 64

/* memory-CATEGORY_FIELD for each field, and count-CATEGORY_vmas. */
static void submit_categories(const char *id, const sw_memsum *m)
{
	for (int c = 0; c <= SW_CAT_COUNT; c++) {
		const char *name = c < SW_CAT_COUNT ? sw_category_name(c) : "total";
		const sw_counts *counts = c < SW_CAT_COUNT ? &m->cat[c] : &m->total;
		for (int f = 0; f < CD_FIELDS; f++)
			cd_dispatch(id, CD_MEMORY, name, cd_field_name(f),
				    (double)cd_field_value(counts, f));
		cd_dispatch(id, CD_VMAS, name, NULL,
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


/* Top sub-totals as memory-KIND_NAME_FIELD (kind CD_LIB or CD_NAMED).
 * Two libraries of the same file name in different directories would
 * share an identifier: the later one is named by its whole path instead. */
static void submit_subtotals(const char *id, cd_kind kind,
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
		for (int f = 0; f < CD_FIELDS; f++)
			cd_dispatch(id, kind, names[i], cd_field_name(f),
				    (double)cd_field_value(&top[i]->counts, f));
	}
}

void cd_submit_cost(const sw_collect_cost *c)
{
	cd_dispatch(NULL, CD_SELF_READS, "status_reads", NULL,
		    (double)c->status_reads);
	cd_dispatch(NULL, CD_SELF_READS, "full_reads", NULL,
		    (double)c->full_reads);
	cd_dispatch(NULL, CD_SELF_BYTES, "smaps_read", NULL,
		    (double)c->bytes_read);
	cd_dispatch(NULL, CD_SELF_SECONDS, "smaps_read", NULL, c->read_seconds);
	cd_dispatch(NULL, CD_SELF_PROCESSES, "backed_off", NULL,
		    (double)c->backed_off);
	cd_dispatch(NULL, CD_SELF_PROCESSES, "capped", NULL, (double)c->capped);
	cd_dispatch(NULL, CD_SELF_PROCESSES, "hidden", NULL, (double)c->hidden);
	cd_dispatch(NULL, CD_SELF_PROCESSES, "failed", NULL, (double)c->failed);
}

/* Counters from /proc/PID/status, fresh every interval whatever the
 * tiering: ps_rss (VmRSS), ps_rss-{anon,file,shmem}, swap (VmSwap). */
static void submit_status(const char *id, const sw_proc_status *s)
{
	cd_dispatch(id, CD_STATUS_RSS, NULL, NULL, (double)s->rss);
	cd_dispatch(id, CD_STATUS_RSS, "anon", NULL, (double)s->rss_anon);
	cd_dispatch(id, CD_STATUS_RSS, "file", NULL, (double)s->rss_file);
	cd_dispatch(id, CD_STATUS_RSS, "shmem", NULL, (double)s->rss_shmem);
	cd_dispatch(id, CD_STATUS_SWAP, NULL, NULL, (double)s->swap);
}

/* Who is in the memory figures: ps_state-{measured,backed_off,capped},
 * and how old they are, in seconds. */
static void submit_members(const char *id, const sw_group_stats *g)
{
	cd_dispatch(id, CD_PROCESSES, "measured", NULL, (double)g->measured.processes);
	cd_dispatch(id, CD_PROCESSES, "backed_off", NULL, (double)g->measured.backed_off);
	cd_dispatch(id, CD_PROCESSES, "capped", NULL, (double)g->measured.capped);
	cd_dispatch(id, CD_AGE, NULL, NULL, (double)g->measured.age *
		    CDTIME_T_TO_DOUBLE(plugin_get_interval()));
}

void cd_submit_group(const char *id, const sw_group_stats *g,
		     const cd_submit_opts *o)
{
	double ps[2] = {(double)g->live.processes, (double)g->live.threads};
	cd_dispatch_values(id, CD_PS_COUNT, NULL, NULL, ps, 2);
	/* Processes that could not be read are not in the figures; say how
	 * many, even when no other process was read. */
	if (g->measured.unreadable || g->live.processes)
		cd_dispatch(id, CD_PROCESSES, "unreadable", NULL,
			    (double)g->measured.unreadable);
	/* Members alive but not read at all this cycle (out of fds or
	 * memory): not in processes, so said even when that is 0. */
	if (g->measured.unreadable || g->live.processes || g->live.failed)
		cd_dispatch(id, CD_PROCESSES, "unreachable", NULL,
			    (double)g->live.failed);
	if (g->live.processes == 0)
		return;
	submit_status(id, &g->live.status);
	submit_members(id, g);
	submit_categories(id, &g->measured.mem);
	/* Members whose fds could not be counted are in neither sum; when
	 * none could be, there is no figure: nothing is dispatched, not 0. */
	cd_dispatch(id, CD_PROCESSES, "fds_uncounted", NULL,
		    (double)g->live.fds_uncounted);
	if (g->live.fds_uncounted < g->live.processes) {
		cd_dispatch(id, CD_FDS, NULL, NULL, (double)g->live.fds);
		cd_dispatch(id, CD_FDS, "sockets", NULL, (double)g->live.sockets);
	}
	cd_dispatch(id, CD_DUP_LOADS, "libs", NULL, g->measured.mem.lib_dup_loads);
	if (o->libraries && g->measured.libs)
		submit_subtotals(id, CD_LIB, g->measured.libs, o->max_subtotals);
	if (o->named && g->measured.named)
		submit_subtotals(id, CD_NAMED, g->measured.named, o->max_subtotals);
}
