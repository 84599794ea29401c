/* group.c - see grp.h: one group's figures. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "grp.h"

int grp_init(grp *g, const char *name, size_t max_names)
{
	memset(g, 0, sizeof(*g));
	g->name = strdup(name);
	if (max_names) {
		g->libs = sw_subtotals_new(max_names, max_names * 128);
		g->named = sw_subtotals_new(max_names, max_names * 64);
	}
	if (!g->name || (max_names && (!g->libs || !g->named))) {
		free(g->name);
		sw_subtotals_free(g->libs);
		sw_subtotals_free(g->named);
		return -ENOMEM;
	}
	sw_ledger_init(&g->ledger);
	g->st.name = g->name;
	g->st.measured.libs = g->libs;
	g->st.measured.named = g->named;
	return 0;
}

void grp_free(grp *g)
{
	free(g->name);
	free(g->pids);
	free(g->starts);
	sw_subtotals_free(g->libs);
	sw_subtotals_free(g->named);
	sw_ledger_free(&g->ledger);
}

void grp_begin_cycle(grp *g)
{
	sw_group_live *l = &g->st.live;
	l->pidfile_error = 0;
	l->processes = l->threads = l->fds = l->sockets = l->failed = 0;
	l->fds_uncounted = 0;
	memset(&l->status, 0, sizeof(l->status));
	l->npids = 0;
	sw_maps_probe_begin(&g->maps_now);
	g->maps_failed = 0;
}

static int add_pid(grp *g, const sw_proc_stat *ps)
{
	sw_group_live *l = &g->st.live;
	if (l->npids == g->pids_cap) {
		size_t cap = g->pids_cap ? 2 * g->pids_cap : 16;
		pid_t *p = realloc(g->pids, cap * sizeof(*p));
		if (p)
			g->pids = p;
		uint64_t *s = p ? realloc(g->starts, cap * sizeof(*s)) : NULL;
		if (!s)
			return -ENOMEM;
		g->starts = s;
		g->pids_cap = cap;
	}
	g->starts[l->npids] = ps->start_time;
	g->pids[l->npids++] = ps->pid;
	l->pids = g->pids;
	l->start_times = g->starts;
	return 0;
}

int grp_add_live(grp *g, const sw_proc_stat *ps, const sw_proc_status *st,
		 long fds, long sockets)
{
	sw_group_live *l = &g->st.live;
	if (add_pid(g, ps))
		return -ENOMEM;
	l->processes++;
	l->threads += ps->threads;
	l->fds_uncounted += fds < 0;
	l->fds += fds < 0 ? 0 : fds;
	l->sockets += sockets;
	l->status.rss += st->rss;
	l->status.rss_anon += st->rss_anon;
	l->status.rss_file += st->rss_file;
	l->status.rss_shmem += st->rss_shmem;
	l->status.swap += st->swap;
	l->status.vm_size += st->vm_size;
	return 0;
}

void grp_begin_full(grp *g)
{
	sw_group_measured *m = &g->st.measured;
	memset(&m->mem, 0, sizeof(m->mem));
	m->processes = m->unreadable = m->failed = 0;
	m->backed_off = m->capped = 0;
	m->age = 0;
	m->identity = 0;
	m->largest_vmas = 0;
	sw_ledger_begin(&g->ledger);
	g->off = 0;
	g->tier.processes_then = g->st.live.processes;
	g->tier.rss_then = g->st.live.status.rss;
	g->tier.ever_read = 1;
	if (g->libs) {
		sw_subtotals_clear(g->libs);
		sw_subtotals_clear(g->named);
	}
}

/* A sum of well-mixed hashes: the same set of processes gives the same
 * value in any order, a different set almost surely another. `salt`
 * tells a measured process from one left out (capped, backed off). */
static uint64_t process_identity(const sw_proc_stat *ps, uint64_t salt)
{
	uint64_t x = (uint64_t)ps->pid * 0x9e3779b97f4a7c15ull ^ ps->start_time;
	x ^= salt;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return (x ^ (x >> 31)) | 1;
}

void grp_measured(grp *g, const sw_proc_stat *ps, const sw_memsum *mem,
		  const sw_subtotals *libs, const sw_subtotals *named)
{
	sw_group_measured *m = &g->st.measured;
	sw_ledger_member lm;
	sw_ledger_member_of(&lm, ps->pid, ps->start_time, mem);
	m->processes++;
	m->identity += process_identity(ps, 0);
	sw_memsum_merge(&m->mem, mem);
	if (mem->total_vmas > m->largest_vmas)
		m->largest_vmas = mem->total_vmas;
	/* out of memory: left out of the ledger, i.e. a leaver */
	(void)sw_ledger_add(&g->ledger, &lm);
	if (g->libs && libs) {
		sw_subtotals_merge(g->libs, libs);
		sw_subtotals_merge(g->named, named);
	}
}

/* The ledger sees a member left out as a leaver, then a joiner when it is
 * measured again; the identity (the set of processes in mem) tells it. */
void grp_left_out(grp *g, const sw_proc_stat *ps, int why)
{
	sw_group_measured *m = &g->st.measured;
	if (why == GRP_CAPPED)
		m->capped++;
	else
		m->backed_off++;
	m->identity += process_identity(ps, (uint64_t)why);
}

void grp_read_off(grp *g)
{
	g->off++;
}

/* A read that measured none of a group's live processes (all backed off,
 * capped or failing this time) is no read for the ledger: its members
 * stay as last read, so the chain goes on at the next read instead of
 * starting again (a single slow process would otherwise never span a
 * window). Only an empty group ends the chain: not one whose members
 * could not be read this cycle (out of fds, of memory). A read during
 * which a member vanished or forked is linked, and said to be off
 * (ledger.h). */
void grp_commit(grp *g, uint64_t young_since, uint64_t began, uint64_t ended)
{
	sw_group_stats *s = &g->st;
	if (!g->due || (s->measured.processes == 0 &&
			(s->live.processes > 0 || s->live.failed > 0)))
		return;
	sw_ledger_commit(&g->ledger, young_since, began, ended);
	s->measured.owned_off = g->off > 0;
	s->measured.owned_last_off = g->ledger.last_off;
	memcpy(g->st.measured.owned, g->ledger.chained,
	       sizeof(g->st.measured.owned));
	g->st.measured.owned_epoch = g->ledger.epoch;
}
