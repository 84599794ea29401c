/* trend.h - the growth of one series' floor over a sliding time window,
 * as a least-squares slope through its lower envelope, with two measures
 * of how steady that growth is.
 *
 * Why the floor: memory that swings (a collector, a per-request arena, a
 * batch buffer freed each round) around a rising floor gives a fit of the
 * raw samples an r2 near 0, so a leak under a sawtooth was never seen.
 * The minimum of a stretch of samples is where the swing is at its low,
 * so the window is cut into SW_TREND_BUCKETS buckets and the line is
 * fitted through each bucket's minimum: a flat floor gives a flat line
 * whatever the swing, a rising one a steady line, and a straight series
 * gives its own slope exactly (each bucket's minimum is on the line). A
 * swing slower than a bucket (window / 10: 6 minutes at the default hour)
 * is not floored.
 *
 * Why 10 buckets (measured by bench/leakdetect.c, a read a minute, a
 * 1-hour window, swings at random phase, 500 runs of 48 hours of pure
 * sawtooth at each of 4, 16, 64 and 256 MiB): more buckets have fewer
 * samples each, so a noisier minimum, and fewer points reach r2 0.9 by
 * chance. Of those 5,760,000 reads, 8 buckets would have warned at 168, 10
 * at 6, 12 at 1, 16 at none; the smallest leak seen under a 16 MiB swing
 * in every run is 27, 30, 33 and 40 MiB/hour (the raw fit needed 80). 10
 * also keeps a bucket as long as 2 s sawtooth periods in a 20 s window.
 *
 * Memory is fixed: time is cut into slots of window / (SW_TREND_POINTS - 1)
 * seconds and the smallest sample of each slot is kept, so an hour at any
 * interval costs the same ~1 KiB. */
#ifndef SMAPWATCH_TREND_H
#define SMAPWATCH_TREND_H

#define SW_TREND_POINTS 64
#define SW_TREND_BUCKETS 10
#define SW_TREND_LAG 2   /* buckets: a fifth of the window */

typedef struct {
	double window;                 /* seconds */
	double t[SW_TREND_POINTS];     /* ring of points, oldest at head */
	double y[SW_TREND_POINTS];
	unsigned head, n;
} sw_trend;

typedef struct {
	double slope;        /* of the floor, units of y per second */
	double r2;           /* goodness of the floor's straight-line fit */
	double grew;         /* fraction of bucket minima above the one a
			      * fifth of the window (SW_TREND_LAG buckets)
			      * before */
	double span;         /* seconds between the first and last point */
	unsigned points;
} sw_fit;

/* sw_trend_init - an empty series over a window of `window` seconds. */
void sw_trend_init(sw_trend *tr, double window);

/* sw_trend_reset - forget every point (a process restarted). */
void sw_trend_reset(sw_trend *tr);

/* sw_trend_add - a sample y at time t (seconds, non-decreasing). Points
 * older than the window are dropped; a sample in the same slot as the
 * newest point replaces it when it is smaller. Fewer than 3 slots (3/63
 * of the window) after a start there is no fit yet. */
void sw_trend_add(sw_trend *tr, double t, double y);

/* sw_trend_fit - the floor's fit over the points in the window (with
 * fewer than SW_TREND_BUCKETS points, each point is a bucket); -1 when
 * there are fewer than 3 points (no trend yet), 0 otherwise. A flat floor
 * has slope 0 and r2 0: no growth, and nothing steady about it. */
int sw_trend_fit(const sw_trend *tr, sw_fit *out);

/* The share of the window a fit must span to count as growth "for the
 * whole window": the first slot may be cut, and samples jitter. */
#define SW_TREND_FULL 0.9

/* The share of bucket minima that must be above the one a fifth of the
 * window before for growth to be steady. A line through 10 points can
 * have a high r2 from a one-off jump (0.75 at the window's middle, so
 * under a --steady-percent of 80 or less) or from a cache that filled and
 * stopped; a leak's floor rises at (nearly) every step. Compared over a
 * fifth of the window, not bucket to bucket: a leak that grows in steps
 * (pages, chunks) a bucket or more apart rises only at some buckets
 * (measured: 4 KiB every 2 s read every second gave half). Half costs
 * nothing against a swing (bench/leakdetect.c). A leak in steps more than
 * about a third of the window apart is a few one-off steps, not steady
 * growth. */
#define SW_TREND_ROSE 0.5

/* sw_fit_leak_rate - f's slope when it is steady growth over the whole
 * window: a fit whose points, plus one sampling interval, span at least
 * SW_TREND_FULL of `window`, with r2 of at least min_r2, grew of at least
 * SW_TREND_ROSE and a positive slope; 0 otherwise. This is what alarms watch: a warm-up, a sawtooth, a step or
 * a too-short history gives 0. */
double sw_fit_leak_rate(const sw_fit *f, double window, double min_r2);

#endif
