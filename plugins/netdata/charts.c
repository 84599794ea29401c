/* charts.c - see charts.h. */
#include "charts.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "chartio.h"
#include "dimset.h"
#include "ids.h"
#include "log.h"
#include "signals.h"
#include "smapwatch/category.h"

#define MIB 1048576

typedef enum {
	K_MEM, K_USS, K_VMAS,   /* per category, from the last smaps read */
	K_STATUS,               /* the cheap tier: /proc/PID/status, fresh */
	K_TIER,                 /* how the last smaps read went */
	K_PROCS, K_THREADS, K_FDS, K_SOCKS
} kind;

typedef struct {
	const char *suffix, *title, *units, *type;
	kind k;
	sw_field field;       /* K_MEM only */
	int prio;             /* offset within the group (ND_PRIO_*) */
	int detail;           /* only with --all-charts */
} chart_def;

/* What a person reads first comes first: the group's real memory (Pss:
 * a page shared by k processes counts 1/k in each, so the group's sum is
 * what it holds, where Rss summed counts shared memory once per process),
 * then its leak rates (signals.c) and counters. Rss, USS, Private_Dirty,
 * size, mappings and the tiering's figures look alike on most services:
 * --all-charts. */
static const chart_def defs[] = {
	{"pss", "Real memory by category (Pss)", "MiB", "stacked", K_MEM,
	 SW_F_PSS, ND_PRIO_SUMMARY, 0},
	{"processes", "Processes", "processes", "line", K_PROCS, SW_F_SIZE,
	 ND_PRIO_COUNTERS, 0},
	{"threads", "Threads", "threads", "line", K_THREADS, SW_F_SIZE,
	 ND_PRIO_COUNTERS + 1, 0},
	{"fds", "Open file descriptors", "fds", "line", K_FDS, SW_F_SIZE,
	 ND_PRIO_COUNTERS + 2, 0},
	{"sockets", "Open sockets", "sockets", "line", K_SOCKS, SW_F_SIZE,
	 ND_PRIO_COUNTERS + 3, 0},
	{"swap", "Swapped out memory", "MiB", "stacked", K_MEM, SW_F_SWAP,
	 ND_PRIO_COUNTERS + 4, 0},
	{"rss", "Resident memory (Rss summed: shared pages once per process)",
	 "MiB", "stacked", K_MEM, SW_F_RSS, ND_PRIO_DETAIL, 1},
	{"uss", "Unique memory (USS)", "MiB", "stacked", K_USS, SW_F_RSS,
	 ND_PRIO_DETAIL + 1, 1},
	{"private_dirty", "Private dirty memory", "MiB", "stacked", K_MEM,
	 SW_F_PRIVATE_DIRTY, ND_PRIO_DETAIL + 2, 1},
	{"size", "Virtual size", "MiB", "stacked", K_MEM, SW_F_SIZE,
	 ND_PRIO_DETAIL + 3, 1},
	{"vmas", "Mappings", "mappings", "stacked", K_VMAS, SW_F_SIZE,
	 ND_PRIO_DETAIL + 4, 1},
	{"status", "Memory from /proc/PID/status (every update)", "MiB", "line",
	 K_STATUS, SW_F_SIZE, ND_PRIO_DETAIL + 5, 1},
	{"tier", "Processes at the last smaps read", "processes", "line", K_TIER,
	 SW_F_SIZE, ND_PRIO_DETAIL + 6, 1},
};

/* The cheap tier's figures (uint64_t fields of sw_proc_status) and the
 * tier chart's (long fields of sw_group_stats), by name. */
typedef struct { const char *name; size_t off; } field_dim;
static const field_dim status_dims[] = {
	{"rss", offsetof(sw_proc_status, rss)},
	{"anon", offsetof(sw_proc_status, rss_anon)},
	{"file", offsetof(sw_proc_status, rss_file)},
	{"shmem", offsetof(sw_proc_status, rss_shmem)},
	{"swap", offsetof(sw_proc_status, swap)},
};
#define NSTATUS (sizeof(status_dims) / sizeof(status_dims[0]))
static const field_dim tier_dims[] = {
	{"measured", offsetof(sw_group_stats, measured)},
	{"capped", offsetof(sw_group_stats, measured.capped)},
	{"backed_off", offsetof(sw_group_stats, measured.backed_off)},
};
#define NTIER (sizeof(tier_dims) / sizeof(tier_dims[0]))
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

/* The two optional per-name charts. */
typedef struct {
	const char *suffix, *title;
	int prio;
} names_def;
static const names_def libs_def = {"libs_rss", "Rss per library",
				   ND_PRIO_NAMES};
static const names_def named_def = {"named_rss",
				    "Rss per named anonymous region",
				    ND_PRIO_NAMES + 1};
#define NSUFFIXES (NDEFS + 2 + ND_SIGNAL_CHARTS)

typedef struct {
	char id[ND_ID_MAX];
	char text[ND_TEXT_MAX + 1];
	nd_dimset libs, named;
	sw_growth growth;       /* the group's leak-signal windows */
} group_charts;

struct nd_charts {
	const nd_options *o;
	size_t n;
	group_charts *g;
};

static const char *suffix_of(size_t k)
{
	if (k < NDEFS)
		return defs[k].suffix;
	if (k < NDEFS + 2)
		return k == NDEFS ? libs_def.suffix : named_def.suffix;
	return nd_signals_suffix(k - NDEFS - 2);
}

/* prefixed - one of a, b starts with the other: only then can an id of
 * a's charts equal one of b's. */
static int prefixed(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	return !strncmp(a, b, la < lb ? la : lb);
}

/* id_taken - a chart of group id would have the id of a chart of an
 * earlier group: "a" + "_libs_rss" is "a_libs" + "_rss". */
static int id_taken(const nd_charts *c, size_t upto, const char *id)
{
	char mine[ND_ID_MAX + 32], theirs[ND_ID_MAX + 32];
	for (size_t i = 0; i < upto; i++) {
		if (!prefixed(id, c->g[i].id))
			continue;
		for (size_t a = 0; a < NSUFFIXES; a++)
			for (size_t b = 0; b < NSUFFIXES; b++) {
				snprintf(mine, sizeof(mine), "%s_%s", id,
					 suffix_of(a));
				snprintf(theirs, sizeof(theirs), "%s_%s",
					 c->g[i].id, suffix_of(b));
				if (!strcmp(mine, theirs))
					return 1;
			}
	}
	return 0;
}

/* unique_id - the sanitized name, with _2, _3... when already taken. */
static void unique_id(nd_charts *c, size_t i, const char *name)
{
	char base[ND_ID_MAX - 8];
	nd_id(base, sizeof(base), name, strlen(name));
	snprintf(c->g[i].id, ND_ID_MAX, "%s", base);
	for (unsigned k = 2; id_taken(c, i, c->g[i].id); k++)
		snprintf(c->g[i].id, ND_ID_MAX, "%s_%u", base, k);
}

nd_charts *nd_charts_new(const sw_groupset *gs, const nd_options *o)
{
	nd_charts *c = calloc(1, sizeof(*c));
	size_t n = sw_groupset_size(gs);
	if (!c || !(c->g = calloc(n ? n : 1, sizeof(*c->g)))) {
		free(c);
		return NULL;
	}
	c->o = o;
	c->n = n;
	for (size_t i = 0; i < n; i++) {
		const char *name = sw_groupset_get(gs, i)->name;
		unique_id(c, i, name);
		nd_text(c->g[i].text, sizeof(c->g[i].text), name, strlen(name));
		nd_dimset_init(&c->g[i].libs, 2 * o->top);
		nd_dimset_init(&c->g[i].named, 2 * o->top);
		sw_growth_init(&c->g[i].growth, o->growth_window);
	}
	return c;
}

void nd_charts_free(nd_charts *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		nd_dimset_free(&c->g[i].libs);
		nd_dimset_free(&c->g[i].named);
	}
	free(c->g);
	free(c);
}

long nd_charts_group_index(const nd_charts *c, const sw_groupset *gs,
			   const char *name)
{
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->g[i].id, name) ||
		    !strcmp(sw_groupset_get(gs, i)->name, name))
			return (long)i;
	return -1;
}

static nd_chart_ref ref(const nd_charts *c, size_t i)
{
	return (nd_chart_ref){c->g[i].id, c->g[i].text,
			      ND_PRIO_BASE + (int)i * ND_PRIO_GROUP,
			      c->o->update_every};
}

/* shown - the chart is in the default set, or --all-charts asked for it
 * (ids are made for every chart either way: they stay the same). */
static int shown(const nd_charts *c, const chart_def *def)
{
	return !def->detail || c->o->all_charts;
}

static void define_one(const nd_charts *c, size_t i, size_t d, FILE *out)
{
	const chart_def *def = &defs[d];
	nd_chart_ref r = ref(c, i);
	nd_chart_line(&r, out, def->suffix, def->title, def->units, def->type,
		      def->prio);
	if (def->k == K_STATUS) {
		for (size_t k = 0; k < NSTATUS; k++)
			fprintf(out, "DIMENSION %s '' absolute 1 %d\n",
				status_dims[k].name, MIB);
	} else if (def->k == K_TIER) {
		for (size_t k = 0; k < NTIER; k++)
			fprintf(out, "DIMENSION %s '' absolute 1 1\n",
				tier_dims[k].name);
	} else if (def->k >= K_PROCS) {
		fprintf(out, "DIMENSION %s '' absolute 1 1\n", def->suffix);
		if (def->k == K_PROCS) /* matched but not read: not hidden */
			fputs("DIMENSION unreadable '' absolute 1 1\n"
			      "DIMENSION failed '' absolute 1 1\n"
			      "DIMENSION fds_uncounted '' absolute 1 1\n"
			      "DIMENSION unreachable '' absolute 1 1\n", out);
	} else {
		for (int cat = 0; cat < SW_CAT_COUNT; cat++)
			fprintf(out, "DIMENSION %s '' absolute 1 %d\n",
				sw_category_name((sw_category)cat),
				def->k == K_VMAS ? 1 : MIB);
	}
	nd_chart_labels(&r, out);
}

static void define_names(const nd_charts *c, size_t i, const names_def *nd,
			 const nd_dimset *s, FILE *out)
{
	nd_chart_ref r = ref(c, i);
	nd_chart_line(&r, out, nd->suffix, nd->title, "MiB", "stacked",
		      nd->prio);
	for (size_t k = 0; k < s->n; k++)
		fprintf(out, "DIMENSION %s '%s' absolute 1 %d\n", s->d[k].id,
			s->d[k].text, MIB);
	fprintf(out, "DIMENSION other '' absolute 1 %d\n", MIB);
	nd_chart_labels(&r, out);
}

void nd_charts_define(nd_charts *c, FILE *out)
{
	for (size_t i = 0; i < c->n; i++) {
		nd_chart_ref r = ref(c, i);
		for (size_t d = 0; d < NDEFS; d++)
			if (shown(c, &defs[d]))
				define_one(c, i, d, out);
		nd_signals_define(&r, c->o->all_charts, out);
		if (c->o->libs)
			define_names(c, i, &libs_def, &c->g[i].libs, out);
		if (c->o->named)
			define_names(c, i, &named_def, &c->g[i].named, out);
	}
}

static long scalar(const sw_group_stats *st, kind k)
{
	switch (k) {
	case K_PROCS: return st->live.processes;
	case K_THREADS: return st->live.threads;
	case K_FDS: return st->live.fds;
	default: return st->live.sockets;
	}
}

static void set_cat(const sw_group_stats *st, const chart_def *def,
		    int cat, FILE *out)
{
	const sw_counts *cn = &st->measured.mem.cat[cat];
	const char *name = sw_category_name((sw_category)cat);
	uint32_t bit = 1u << def->field;
	if (def->k == K_VMAS)
		fprintf(out, "SET %s = %u\n", name, (unsigned)st->measured.mem.vmas[cat]);
	else if (st->live.processes && !(st->measured.mem.total.present & bit))
		fprintf(out, "SET %s =\n", name); /* the kernel has no such field */
	else
		fprintf(out, "SET %s = %llu\n", name, (unsigned long long)
			(def->k == K_USS ? sw_counts_uss(cn) : cn->v[def->field]));
}

static void set_status(const sw_group_stats *st, FILE *out)
{
	for (size_t k = 0; k < NSTATUS; k++) {
		const char *f = (const char *)&st->live.status + status_dims[k].off;
		fprintf(out, "SET %s = %llu\n", status_dims[k].name,
			(unsigned long long)*(const uint64_t *)f);
	}
}

static void set_tier(const sw_group_stats *st, FILE *out)
{
	for (size_t k = 0; k < NTIER; k++) {
		const char *f = (const char *)st + tier_dims[k].off;
		fprintf(out, "SET %s = %ld\n", tier_dims[k].name,
			*(const long *)f);
	}
}

static void update_one(const nd_chart_ref *r, const sw_group_stats *st,
		       const chart_def *def, uint64_t dt, FILE *out)
{
	nd_chart_begin(r, def->suffix, dt, out);
	if (def->k == K_STATUS)
		set_status(st, out);
	else if (def->k == K_TIER)
		set_tier(st, out);
	else if (def->k >= K_PROCS) {
		if (def->k == K_PROCS)
			/* failed: smaps reads that failed at the last full
			 * read; unreachable: members alive but not read at
			 * all this cycle (out of fds or memory) */
			fprintf(out, "SET unreadable = %ld\nSET failed = %ld\n"
				"SET fds_uncounted = %ld\nSET unreachable = %ld\n",
				st->measured.unreadable, st->measured.failed,
				st->live.fds_uncounted, st->live.failed);
		if ((def->k == K_FDS || def->k == K_SOCKS) && st->live.processes &&
		    st->live.fds_uncounted == st->live.processes)
			fprintf(out, "SET %s =\n", def->suffix); /* none counted: a gap */
		else
			fprintf(out, "SET %s = %ld\n", def->suffix, scalar(st, def->k));
	} else
		for (int cat = 0; cat < SW_CAT_COUNT; cat++)
			set_cat(st, def, cat, out);
	fputs("END\n", out);
}

static int has_name(const sw_subtotals *t, const char *name, size_t len)
{
	for (size_t k = 0; k < sw_subtotals_count(t); k++) {
		const sw_subtotal *e = sw_subtotals_get(t, k);
		if (e->name_len == len && !memcmp(e->name, name, len))
			return 1;
	}
	return 0;
}

/* grow_dims - make dimensions of this cycle's top names; 1 if any new. */
static int grow_dims(nd_dimset *s, const sw_subtotals *t, size_t top)
{
	const sw_subtotal *best[ND_TOP_MAX];
	size_t n = sw_subtotals_top(t, best, top);
	int grown = 0;
	for (size_t k = 0; k < n; k++) {
		if (!strcmp(best[k]->name, SW_SUBTOTAL_OTHER))
			continue;
		int r = nd_dimset_add(s, best[k]->name, best[k]->name_len);
		if (r < 0)
			nd_log(ND_ERROR, "out of memory for a dimension");
		grown |= r > 0;
	}
	return grown;
}

static void update_names(const nd_charts *c, size_t i, const names_def *nd,
			 nd_dimset *s, const sw_subtotals *t, uint64_t dt,
			 FILE *out)
{
	if (t && grow_dims(s, t, c->o->top))
		define_names(c, i, nd, s, out);
	uint64_t total = 0, shown = 0;
	size_t n = t ? sw_subtotals_count(t) : 0;
	nd_chart_ref r = ref(c, i);
	nd_chart_begin(&r, nd->suffix, dt, out);
	for (size_t k = 0; k < n; k++) {
		const sw_subtotal *e = sw_subtotals_get(t, k);
		long d = nd_dimset_find(s, e->name, e->name_len);
		uint64_t rss = e->counts.v[SW_F_RSS];
		total += rss;
		if (d >= 0) {
			shown += rss;
			fprintf(out, "SET %s = %llu\n", s->d[d].id,
				(unsigned long long)rss);
		}
	}
	/* a known name absent this cycle is 0, not a gap */
	for (size_t d = 0; d < s->n; d++)
		if (!t || !has_name(t, s->d[d].name, s->d[d].len))
			fprintf(out, "SET %s = 0\n", s->d[d].id);
	fprintf(out, "SET other = %llu\nEND\n",
		(unsigned long long)(total - shown));
}

void nd_charts_update(nd_charts *c, const sw_groupset *gs, FILE *out,
		      uint64_t dt_us, double now)
{
	double min_r2 = c->o->steady_percent / 100.0;
	for (size_t i = 0; i < c->n; i++) {
		const sw_group_stats *st = sw_groupset_get(gs, i);
		nd_chart_ref r = ref(c, i);
		for (size_t d = 0; d < NDEFS; d++)
			if (shown(c, &defs[d]))
				update_one(&r, st, &defs[d], dt_us, out);
		if (st->measured.age == 0)  /* a stale figure at a new time is no point */
			sw_growth_update(&c->g[i].growth, st, now);
		nd_signals_update(&r, st, &c->g[i].growth, min_r2,
				  c->o->sockets, c->o->all_charts, dt_us, out);
		if (c->o->libs)
			update_names(c, i, &libs_def, &c->g[i].libs, st->measured.libs,
				     dt_us, out);
		if (c->o->named)
			update_names(c, i, &named_def, &c->g[i].named,
				     st->measured.named, dt_us, out);
	}
}
