/* trend.c - least squares over a small ring of points. The fit is two
 * passes over at most SW_TREND_POINTS points (means first, then centred
 * sums), which keeps it exact enough for byte counts in the terabytes,
 * where running sums of y^2 would lose the small variations. */
#include <math.h>
#include <string.h>
#include "smapwatch/trend.h"

void sw_trend_init(sw_trend *tr, double window)
{
	memset(tr, 0, sizeof(*tr));
	tr->window = window > 0 ? window : 3600;
}

void sw_trend_reset(sw_trend *tr)
{
	tr->head = 0;
	tr->n = 0;
}

static unsigned at(const sw_trend *tr, unsigned i)
{
	return (tr->head + i) % SW_TREND_POINTS;
}

/* Points are kept one per slot of window / (POINTS - 1) seconds, counted
 * from time 0, so a full window of them spans the whole window. */
void sw_trend_add(sw_trend *tr, double t, double y)
{
	double slot = tr->window / (SW_TREND_POINTS - 1);
	while (tr->n && t - tr->t[tr->head] > tr->window) {
		tr->head = at(tr, 1);
		tr->n--;
	}
	if (tr->n) {
		unsigned last = at(tr, tr->n - 1);
		if (floor(t / slot) == floor(tr->t[last] / slot)) {
			tr->t[last] = t;   /* same slot: keep the newest */
			tr->y[last] = y;
			return;
		}
	}
	if (tr->n == SW_TREND_POINTS) {
		tr->head = at(tr, 1);
		tr->n--;
	}
	unsigned i = at(tr, tr->n++);
	tr->t[i] = t;
	tr->y[i] = y;
}

int sw_trend_fit(const sw_trend *tr, sw_fit *out)
{
	double mt = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
	unsigned n = tr->n, rose = 0;
	memset(out, 0, sizeof(*out));
	out->points = n;
	if (n < 3)
		return -1;
	for (unsigned i = 0; i < n; i++) {
		mt += tr->t[at(tr, i)];
		my += tr->y[at(tr, i)];
	}
	mt /= n;
	my /= n;
	for (unsigned i = 0; i < n; i++) {
		double dt = tr->t[at(tr, i)] - mt, dy = tr->y[at(tr, i)] - my;
		sxx += dt * dt;
		sxy += dt * dy;
		syy += dy * dy;
		if (i && tr->y[at(tr, i)] > tr->y[at(tr, i - 1)])
			rose++;
	}
	out->span = tr->t[at(tr, n - 1)] - tr->t[tr->head];
	out->grew = (double)rose / (n - 1);
	if (sxx > 0)
		out->slope = sxy / sxx;
	if (sxx > 0 && syy > 0)
		out->r2 = sxy * sxy / (sxx * syy);
	return 0;
}

/* The points cover the window up to one sampling interval: the oldest
 * is dropped as soon as it is a window old, so with samples every `gap`
 * seconds the span is window - gap at best, and jitter takes a little
 * more. The average spacing stands for that interval. */
double sw_fit_leak_rate(const sw_fit *f, double window, double min_r2)
{
	if (f->points < 3)
		return 0;
	double gap = f->span / (f->points - 1);
	if (f->span + gap < SW_TREND_FULL * window || f->r2 < min_r2 ||
	    f->slope <= 0)
		return 0;
	return f->slope;
}
