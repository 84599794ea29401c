/* trend.c - the floor of a small ring of points, and least squares over
 * it. The fit is two passes over at most SW_TREND_BUCKETS points (means
 * first, then centred sums), which keeps it exact enough for byte counts
 * in the terabytes, where running sums of y^2 would lose the small
 * variations. */
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
 * from time 0, so a full window of them spans the whole window. A slot
 * keeps its smallest sample (and that sample's time): the floor is what
 * the fit follows. */
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
			if (y < tr->y[last]) {   /* same slot: keep the lowest */
				tr->t[last] = t;
				tr->y[last] = y;
			}
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

/* floor_points - each bucket's lowest point (the first of equals), the
 * points cut into nb buckets of (nearly) equal counts, oldest first. */
static void floor_points(const sw_trend *tr, unsigned nb, double *t,
			 double *y)
{
	for (unsigned b = 0; b < nb; b++) {
		unsigned lo = b * tr->n / nb, hi = (b + 1) * tr->n / nb;
		unsigned best = at(tr, lo);
		for (unsigned i = lo + 1; i < hi; i++)
			if (tr->y[at(tr, i)] < tr->y[best])
				best = at(tr, i);
		t[b] = tr->t[best];
		y[b] = tr->y[best];
	}
}

/* line_fit - least squares of y on t over n points, into out. */
static void line_fit(const double *t, const double *y, unsigned n,
		     sw_fit *out)
{
	double mt = 0, my = 0, sxx = 0, sxy = 0, syy = 0;
	unsigned rose = 0, lag = n > SW_TREND_LAG ? SW_TREND_LAG : n - 1;
	for (unsigned i = 0; i < n; i++) {
		mt += t[i];
		my += y[i];
	}
	mt /= n;
	my /= n;
	for (unsigned i = 0; i < n; i++) {
		double dt = t[i] - mt, dy = y[i] - my;
		sxx += dt * dt;
		sxy += dt * dy;
		syy += dy * dy;
		rose += i >= lag && y[i] > y[i - lag];
	}
	out->grew = (double)rose / (n - lag);
	if (sxx > 0)
		out->slope = sxy / sxx;
	if (sxx > 0 && syy > 0)
		out->r2 = sxy * sxy / (sxx * syy);
}

int sw_trend_fit(const sw_trend *tr, sw_fit *out)
{
	double t[SW_TREND_BUCKETS], y[SW_TREND_BUCKETS];
	unsigned n = tr->n, nb = n < SW_TREND_BUCKETS ? n : SW_TREND_BUCKETS;
	memset(out, 0, sizeof(*out));
	out->points = n;
	if (n < 3)
		return -1;
	floor_points(tr, nb, t, y);
	line_fit(t, y, nb, out);
	out->span = tr->t[at(tr, n - 1)] - tr->t[tr->head];
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
	    f->grew < SW_TREND_ROSE || f->slope <= 0)
		return 0;
	return f->slope;
}
