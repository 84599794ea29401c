/* trend.h - the growth of one series over a sliding time window, as a
 * least-squares slope, with two measures of how steady that growth is.
 *
 * Memory is fixed: time is cut into slots of window / (SW_TREND_POINTS - 1)
 * seconds and the last sample of each slot is kept, so an hour at any
 * interval costs the same ~1 KiB per series. */
#ifndef SMAPWATCH_TREND_H
#define SMAPWATCH_TREND_H

#define SW_TREND_POINTS 64

typedef struct {
	double window;                 /* seconds */
	double t[SW_TREND_POINTS];     /* ring of points, oldest at head */
	double y[SW_TREND_POINTS];
	unsigned head, n;
} sw_trend;

typedef struct {
	double slope;        /* units of y per second */
	double r2;           /* goodness of the straight-line fit, 0..1 */
	double grew;         /* fraction of successive points that rose */
	double span;         /* seconds between the first and last point */
	unsigned points;
} sw_fit;

/* sw_trend_init - an empty series over a window of `window` seconds. */
void sw_trend_init(sw_trend *tr, double window);

/* sw_trend_reset - forget every point (a process restarted). */
void sw_trend_reset(sw_trend *tr);

/* sw_trend_add - a sample y at time t (seconds, non-decreasing). Points
 * older than the window are dropped; a sample in the same slot as the
 * newest point replaces it. Fewer than 3 slots (3/63 of the window) after
 * a start there is no fit yet. */
void sw_trend_add(sw_trend *tr, double t, double y);

/* sw_trend_fit - the fit over the points in the window; -1 when there are
 * fewer than 3 points (no trend yet), 0 otherwise. A flat series has slope
 * 0 and r2 0: no growth, and nothing steady about it. */
int sw_trend_fit(const sw_trend *tr, sw_fit *out);

/* The share of the window a fit must span to count as growth "for the
 * whole window": the first slot may be cut, and samples jitter. */
#define SW_TREND_FULL 0.9

/* sw_fit_leak_rate - f's slope when it is steady growth over the whole
 * window: a fit whose points, plus one sampling interval, span at least
 * SW_TREND_FULL of `window`, with r2 of at least min_r2 and a positive
 * slope; 0 otherwise. This is what alarms
 * watch: a warm-up, a sawtooth or a too-short history gives 0. */
double sw_fit_leak_rate(const sw_fit *f, double window, double min_r2);

#endif
