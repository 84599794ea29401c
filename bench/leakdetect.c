/* leakdetect.c - `make bench`: the detection limits of the leak signals at
 * the defaults, measured by feeding the real core growth code (sw_growth,
 * its floor fit and sw_fit_leak_rate) synthetic series of a group's owned
 * memory, one full read every 60 s, a 1-hour window, steady from r2 90%.
 *
 * The alarm is the shipped one: WARNING above 1 MiB/hour, CRITICAL above
 * 10 MiB/hour, on the minimum of leak_rate over the last minute (the value
 * of this full read and of the one before it).
 *
 * A sawtooth of amplitude A is a swing faster than the reads (a collector,
 * a per-request arena): each read sees it at a random phase, uniform in
 * [0, A). Every figure is over RUNS runs (default 100) with different
 * phases.
 *
 * usage: bench_leakdetect [RUNS] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/growth.h"

#define WINDOW 3600.0
#define EVERY 60.0
#define MIN_R2 0.9
#define MIB 1048576.0
#define WARN (1 * MIB / 3600)
#define CRIT (10 * MIB / 3600)
#define HOURS(h) ((h) * 3600.0)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / 9007199254740992.0;
}

typedef struct {
	double warn_at, crit_at;   /* seconds after the leak's start; -1 never */
	long seen, readings;       /* readings after 2 windows with rate > 0 */
	long false_warn;           /* readings warning before the leak */
} run_result;

/* One run: flat for `before` seconds, then a leak of `rate` B/s, for
 * `after` seconds, under a swing of `amp` bytes. */
static void run(double rate, double amp, double before, double after,
		run_result *r)
{
	static sw_growth g;
	sw_group_stats s;
	double prev_lr = 0;
	memset(&s, 0, sizeof(s));
	memset(r, 0, sizeof(*r));
	r->warn_at = r->crit_at = -1;
	s.live.processes = s.measured.processes = 1;
	s.measured.owned_epoch = 1;
	sw_growth_init(&g, WINDOW);
	for (double t = 0; t <= before + after; t += EVERY) {
		double leak = t > before ? rate * (t - before) : 0;
		s.measured.owned[SW_CAT_COUNT] = 512 * MIB + leak + amp * uniform();
		sw_growth_update(&g, &s, t);
		sw_fit f;
		const sw_trend *tr = &g.mem[SW_CAT_COUNT];
		double lr = sw_trend_fit(tr, &f) ? 0
			    : sw_fit_leak_rate(&f, WINDOW, MIN_R2);
		double alarm = lr < prev_lr ? lr : prev_lr;   /* min over 1 min */
		prev_lr = lr;
		if (t <= before) {
			r->false_warn += alarm > WARN;
			continue;
		}
		if (alarm > WARN && r->warn_at < 0)
			r->warn_at = t - before;
		if (alarm > CRIT && r->crit_at < 0)
			r->crit_at = t - before;
		if (t - before > 2 * WINDOW) {
			r->readings++;
			r->seen += lr > 0;
		}
	}
}

/* Over `runs` runs: the share of runs that warned within 3 hours, and
 * the share of readings in the third hour with a leak rate. */
static void detect(double rate, double amp, int runs, double *warned,
		   double *seen)
{
	long w = 0, sn = 0, rd = 0;
	for (int i = 0; i < runs; i++) {
		run_result r;
		run(rate, amp, 0, HOURS(3), &r);
		w += r.warn_at >= 0;
		sn += r.seen;
		rd += r.readings;
	}
	*warned = (double)w / runs;
	*seen = rd ? (double)sn / rd : 0;
}

/* The smallest rate (MiB/hour, on a 1.1x grid) warned of in every run. */
static double smallest_warned(double amp, int runs)
{
	for (double mh = 0.5; mh < 10000; mh *= 1.1) {
		double w, sn;
		detect(mh * MIB / 3600, amp, runs, &w, &sn);
		if (w == 1 && sn >= 0.95)
			return mh;
	}
	return -1;
}

static void limits(int runs)
{
	static const double amps[] = {0, 4, 16, 64};
	printf("leakdetect: smallest leak warned of in all %d runs within 3 h "
	       "(and leak_rate > 0 at >= 95%% of the third hour's reads), "
	       "1 h window, a read a minute:\n", runs);
	for (size_t i = 0; i < sizeof(amps) / sizeof(amps[0]); i++)
		printf("  sawtooth %3.0f MiB: %7.2f MiB/hour\n", amps[i],
		       smallest_warned(amps[i] * MIB, runs));
}

static void delays(int runs)
{
	static const double rates[] = {2, 12, 50, 200};   /* MiB/hour */
	static const double amps[] = {0, 16};
	printf("leakdetect: from a leak's start to WARNING / CRITICAL "
	       "(minutes, worst of %d runs; - never within 3 h):\n", runs);
	for (size_t a = 0; a < 2; a++)
		for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
			double worst_w = 0, worst_c = 0;
			for (int k = 0; k < runs; k++) {
				run_result r;
				/* after an hour of flat memory, as a service
				 * that starts leaking */
				run(rates[i] * MIB / 3600, amps[a] * MIB,
				    HOURS(1), HOURS(3), &r);
				worst_w = r.warn_at < 0 || worst_w < 0 ? -1
					  : fmax(worst_w, r.warn_at);
				worst_c = r.crit_at < 0 || worst_c < 0 ? -1
					  : fmax(worst_c, r.crit_at);
			}
			char w[16], c[16];
			snprintf(w, sizeof(w), worst_w < 0 ? "-" : "%.0f",
				 worst_w / 60);
			snprintf(c, sizeof(c), worst_c < 0 ? "-" : "%.0f",
				 worst_c / 60);
			printf("  %4.0f MiB/hour, sawtooth %2.0f MiB: WARNING "
			       "%4s, CRITICAL %4s\n", rates[i], amps[a], w, c);
		}
}

/* Pure sawtooths for 48 hours each: readings that would warn. */
static void quiet(int runs)
{
	static const double amps[] = {4, 16, 64, 256};
	printf("leakdetect: pure sawtooth (flat floor), %d runs of 48 h:\n",
	       runs);
	for (size_t i = 0; i < sizeof(amps) / sizeof(amps[0]); i++) {
		long bad = 0, all = 0;
		for (int k = 0; k < runs; k++) {
			run_result r;
			run(0, amps[i] * MIB, HOURS(48), 0, &r);
			bad += r.false_warn;
			all += (long)(HOURS(48) / EVERY);
		}
		printf("  sawtooth %3.0f MiB: %ld of %ld readings warned\n",
		       amps[i], bad, all);
	}
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 100;
	if (runs < 1)
		runs = 100;
	limits(runs);
	delays(runs);
	quiet(runs);
	return 0;
}
