/* growth.c - see growth.h. */
#include <math.h>
#include <string.h>
#include "smapwatch/growth.h"

#define TRENDS (SW_LEDGER_SERIES + 3)

static sw_trend *trend_at(sw_growth *g, unsigned i)
{
	if (i < SW_LEDGER_SERIES)
		return &g->mem[i];
	sw_trend *rest[] = {&g->threads, &g->fds, &g->sockets};
	return rest[i - SW_LEDGER_SERIES];
}

void sw_growth_init(sw_growth *g, double window)
{
	for (unsigned i = 0; i < TRENDS; i++)
		sw_trend_init(trend_at(g, i), window);
	g->epoch = 0;
	g->held = 0;
	g->dropped = 0;
}

/* Off reads dropped in a row before one is taken anyway. */
#define MAX_DROPPED 3

/* The point held from the last read goes in unless it was off (known
 * then, or now: sw_growth_update); this read's is held in its place. */
static void add_owned(sw_growth *g, const sw_group_measured *m, double now)
{
	if (g->held) {
		if (!(g->held_off || m->owned_last_off) ||
		    g->dropped >= MAX_DROPPED) {
			for (int c = 0; c < SW_LEDGER_SERIES; c++)
				sw_trend_add(&g->mem[c], g->held_t,
					     g->held_y[c]);
			g->dropped = 0;
		} else {
			g->dropped++;
		}
	}
	g->held = 1;
	g->held_t = now;
	g->held_off = m->owned_off;
	memcpy(g->held_y, m->owned, sizeof(g->held_y));
}

int sw_growth_update(sw_growth *g, const sw_group_stats *s, double now)
{
	if (s->measured.age != 0)
		return 0;  /* an older read's figures: no new point */
	int restarted = s->measured.owned_epoch != g->epoch;
	if (restarted) {
		for (unsigned i = 0; i < TRENDS; i++)
			sw_trend_reset(trend_at(g, i));
		g->epoch = s->measured.owned_epoch;
		g->held = 0;
		g->dropped = 0;
	}
	if (s->live.processes == 0 || s->measured.processes == 0)
		return restarted;
	add_owned(g, &s->measured, now);
	sw_trend_add(&g->threads, now, (double)s->live.threads);
	if (s->live.fds_uncounted == s->live.processes) {
		/* no member's fds counted: no figure, and none older may
		 * pass for flat sockets beside a growing memory */
		sw_trend_reset(&g->fds);
		sw_trend_reset(&g->sockets);
		return restarted;
	}
	sw_trend_add(&g->fds, now, (double)s->live.fds);
	sw_trend_add(&g->sockets, now, (double)s->live.sockets);
	return restarted;
}

static double leak_rate(const sw_trend *tr, double min_r2, sw_fit *f)
{
	if (sw_trend_fit(tr, f))
		return 0;
	return sw_fit_leak_rate(f, tr->window, min_r2);
}

void sw_growth_sockets(const sw_growth *g, double min_r2, int sockets_counted,
		       sw_socket_signals *out)
{
	sw_fit fm, fs;
	double mem = leak_rate(&g->mem[SW_CAT_COUNT], min_r2, &fm);
	double socks = leak_rate(&g->sockets, min_r2, &fs);
	memset(out, 0, sizeof(*out));
	if (!sockets_counted || mem <= 0)
		return;
	if (socks > 0) {
		out->per_socket = mem / socks;
		return;
	}
	/* flat: fitted over the window (as a leak rate must be), and the
	 * floor's line moves by less than one socket across it */
	double gap = fs.points > 1 ? fs.span / (fs.points - 1) : 0;
	int whole = fs.points >= 3 &&
		    fs.span + gap >= SW_TREND_FULL * g->sockets.window;
	if (whole && fabs(fs.slope) * g->sockets.window < 1)
		out->request_path = mem;
}
