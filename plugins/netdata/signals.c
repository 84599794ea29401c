/* signals.c - see signals.h. */
#include "signals.h"

#include <math.h>

/* The kinds read from a fit come first, up to S_CGROWTH. */
typedef enum {
	S_LEAK, S_GROWTH, S_STEADY, S_CLEAK, S_CGROWTH, S_PER_SOCKET,
	S_REQUEST_PATH, S_ANON_REGIONS, S_RESERVED, S_LARGEST, S_PD_RATIO,
	S_SWAP_RATIO, S_DUPS
} sig_kind;

typedef struct {
	const char *suffix, *title, *units, *type;
	sig_kind k;
	int divisor;
	int prio;             /* offset within the group (chartio.h) */
	int detail;           /* only with --all-charts */
} sig_def;

static const sig_def defs[ND_SIGNAL_CHARTS] = {
	{"leak_rate", "Leak rate: steady growth of the floor of owned memory",
	 "B/s", "line", S_LEAK, 1, ND_PRIO_SUMMARY + 1, 0},
	{"growth", "Growth of the floor of owned memory (Pss + SwapPss)",
	 "B/s", "line", S_GROWTH, 1, ND_PRIO_SUMMARY + 5, 0},
	{"steadiness", "Steadiness of growth (r2 of the floor fit)",
	 "percentage", "line", S_STEADY, 1000, ND_PRIO_SUMMARY + 6, 0},
	{"counter_leak_rate", "Leak rate of threads, fds and sockets",
	 "items/s", "line", S_CLEAK, 1000, ND_PRIO_SUMMARY + 2, 0},
	{"counter_growth", "Growth of threads, fds and sockets",
	 "items/s", "line", S_CGROWTH, 1000, ND_PRIO_DETAIL + 10, 1},
	{"memory_per_socket", "Memory leaked per added socket",
	 "bytes", "line", S_PER_SOCKET, 1, ND_PRIO_SUMMARY + 3, 0},
	{"request_path_leak", "Leak rate with flat sockets (request path)",
	 "B/s", "line", S_REQUEST_PATH, 1, ND_PRIO_SUMMARY + 4, 0},
	{"anon_regions", "Anonymous regions (heap and anon mappings)",
	 "mappings", "line", S_ANON_REGIONS, 1, ND_PRIO_DETAIL + 11, 1},
	{"reserved", "Reserved address space neither resident nor swapped",
	 "MiB", "line", S_RESERVED, 1048576, ND_PRIO_DETAIL + 12, 1},
	{"largest_member_vmas", "Mappings of the largest member",
	 "mappings", "line", S_LARGEST, 1, ND_PRIO_COUNTERS + 5, 0},
	{"private_dirty_ratio", "Private dirty share of resident memory",
	 "percentage", "line", S_PD_RATIO, 1000, ND_PRIO_DETAIL + 13, 1},
	{"swap_ratio", "Swapped share of memory",
	 "percentage", "line", S_SWAP_RATIO, 1000, ND_PRIO_DETAIL + 14, 1},
	{"duplicate_libs", "Duplicate library loads",
	 "loads", "line", S_DUPS, 1, ND_PRIO_DETAIL + 15, 1},
};

static const char *const counters[] = {"threads", "fds", "sockets"};
static const sw_category frag_cats[] = {SW_CAT_HEAP, SW_CAT_ANON};
#define NCOUNTERS 3
#define TOTAL SW_CAT_COUNT   /* dimension index of "total" */

const char *nd_signals_suffix(size_t k)
{
	return k < ND_SIGNAL_CHARTS ? defs[k].suffix : NULL;
}

/* dims - how many dimensions a kind has: categories, then "total", then
 * the counters (steadiness has both). */
static int dims(sig_kind k)
{
	switch (k) {
	case S_CLEAK: case S_CGROWTH: return NCOUNTERS;
	case S_STEADY: return SW_CAT_COUNT + 1 + NCOUNTERS;
	case S_ANON_REGIONS: case S_RESERVED: return 2;
	case S_DUPS: case S_PER_SOCKET: case S_REQUEST_PATH: case S_LARGEST:
		return 1;
	default: return SW_CAT_COUNT + 1;
	}
}

static const char *dim_name(sig_kind k, int d)
{
	switch (k) {
	case S_DUPS: return "duplicates";
	case S_PER_SOCKET: return "per_socket";
	case S_REQUEST_PATH: return "leak";
	case S_LARGEST: return "largest";
	case S_ANON_REGIONS: case S_RESERVED:
		return sw_category_name(frag_cats[d]);
	case S_CLEAK: case S_CGROWTH: return counters[d];
	default: break;
	}
	if (d < SW_CAT_COUNT)
		return sw_category_name((sw_category)d);
	return d == TOTAL ? "total" : counters[d - TOTAL - 1];
}

void nd_signals_define(const nd_chart_ref *r, int all, FILE *out)
{
	for (int i = 0; i < ND_SIGNAL_CHARTS; i++) {
		const sig_def *s = &defs[i];
		if (s->detail && !all)
			continue;
		nd_chart_line(r, out, s->suffix, s->title, s->units, s->type,
			      s->prio);
		for (int d = 0; d < dims(s->k); d++)
			fprintf(out, "DIMENSION %s '' absolute 1 %d\n",
				dim_name(s->k, d), s->divisor);
		nd_chart_labels(r, out);
	}
}

/* The series behind dimension d of a growth kind. */
static const sw_trend *trend_of(const sw_growth *g, const sig_def *s, int d)
{
	int c = d;
	if (s->k == S_CLEAK || s->k == S_CGROWTH)
		c = d + TOTAL + 1;
	if (c <= TOTAL)
		return &g->mem[c];
	const sw_trend *rest[NCOUNTERS] = {&g->threads, &g->fds, &g->sockets};
	return rest[c - TOTAL - 1];
}

/* growth_value - the kind's figure from the fit, scaled by the divisor;
 * 0 when absent for leak rates (0 means "no leak"), else -1: a gap. */
static int growth_value(const sig_def *s, const sw_trend *tr, double min_r2,
			double *v)
{
	sw_fit f;
	int fitted = sw_trend_fit(tr, &f) == 0;
	if (s->k == S_LEAK || s->k == S_CLEAK)
		*v = fitted ? sw_fit_leak_rate(&f, tr->window, min_r2) : 0;
	else if (!fitted)
		return -1;
	else
		*v = s->k == S_STEADY ? 100 * f.r2 : f.slope;
	*v *= s->divisor;
	return 0;
}

static double ratio(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* memsum_value - the figures read straight from the group's memory. */
static int memsum_value(const sig_def *s, const sw_group_stats *st, int d,
			double *v)
{
	const sw_counts *c = d < SW_CAT_COUNT ? &st->measured.mem.cat[d] : &st->measured.mem.total;
	uint64_t rss = c->v[SW_F_RSS], swap = c->v[SW_F_SWAP];
	if (s->k == S_DUPS)
		*v = st->measured.mem.lib_dup_loads;
	else if (s->k == S_ANON_REGIONS)
		*v = st->measured.mem.vmas[frag_cats[d]];
	else if (s->k == S_RESERVED)
		*v = (double)sw_reserved(&st->measured.mem.cat[frag_cats[d]]);
	else if (s->k == S_LARGEST)
		*v = st->measured.largest_vmas;
	else if (s->k == S_PD_RATIO)
		*v = s->divisor * ratio(c->v[SW_F_PRIVATE_DIRTY], rss);
	else if (st->live.processes && !(st->measured.mem.total.present & (1u << SW_F_SWAP)))
		return -1;  /* a kernel without Swap: unknown, not 0 */
	else
		*v = s->divisor * ratio(swap, rss + swap);
	return 0;
}

static void update_one(const nd_chart_ref *r, const sig_def *s,
		       const sw_group_stats *st, const sw_growth *g,
		       double min_r2, const sw_socket_signals *ss,
		       uint64_t dt_us, FILE *out)
{
	nd_chart_begin(r, s->suffix, dt_us, out);
	for (int d = 0; d < dims(s->k); d++) {
		double v = 0;
		int rc = 0;
		if (s->k <= S_CGROWTH)
			rc = growth_value(s, trend_of(g, s, d), min_r2, &v);
		else if (s->k == S_PER_SOCKET || s->k == S_REQUEST_PATH)
			v = s->k == S_PER_SOCKET ? ss->per_socket : ss->request_path;
		else
			rc = memsum_value(s, st, d, &v);
		if (rc < 0)
			fprintf(out, "SET %s =\n", dim_name(s->k, d));
		else
			fprintf(out, "SET %s = %lld\n", dim_name(s->k, d),
				(long long)llround(v));
	}
	fputs("END\n", out);
}

void nd_signals_update(const nd_chart_ref *r, const sw_group_stats *st,
		       const sw_growth *g, double min_r2, int sockets_counted,
		       int all, uint64_t dt_us, FILE *out)
{
	sw_socket_signals ss;
	sw_growth_sockets(g, min_r2, sockets_counted, &ss);
	for (int i = 0; i < ND_SIGNAL_CHARTS; i++)
		if (!defs[i].detail || all)
			update_one(r, &defs[i], st, g, min_r2, &ss, dt_us, out);
}
