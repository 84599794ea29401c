/* signals.c - `make bench`: what the leak signals cost per group, in CPU
 * per full read and in memory, for a group of 2,000 members of which 20
 * (1%) are replaced by new processes at every read (a pool of workers),
 * each growing for its first 10 reads (young: its warm-up), then flat, so
 * the chain must stay at 0. It times the signal code only, on members already
 * read: the ledger's link (begin, 2,000 adds, commit), the growth update
 * and the fits the plugins publish (12 series); the smaps reads
 * themselves are the first parts of `make bench`.
 *
 * usage: bench_signals [READS] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "smapwatch/growth.h"
#include "smapwatch/ledger.h"

#define MEMBERS 2000
#define CHURN 20

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sw_ledger_member pool[MEMBERS];

/* Read k: members keep their slot; CHURN slots get a new process. */
static void next_read(uint64_t k)
{
	for (int i = 0; i < MEMBERS; i++) {
		sw_ledger_member *m = &pool[i];
		if (k == 0 || (uint64_t)i % (MEMBERS / CHURN) == k % (MEMBERS / CHURN)) {
			m->pid = (pid_t)(i * 2 + (int)(k & 1) + 1);  /* new pid */
			m->start = k;
		}
		uint64_t age = k - m->start, warm = age < 10 ? age : 10;
		for (int c = 0; c < SW_LEDGER_SERIES; c++) {
			/* grows for its first 10 reads (young), then flat */
			m->own[c] = (uint64_t)(1 << 20) + warm * 4096u;
			m->held[c] = m->own[c] + (uint64_t)(2 << 20);
		}
	}
}

static double fits(const sw_growth *g)
{
	double sum = 0;
	sw_fit f;
	for (int c = 0; c < SW_LEDGER_SERIES; c++)
		if (sw_trend_fit(&g->mem[c], &f) == 0)
			sum += sw_fit_leak_rate(&f, g->mem[c].window, 0.9);
	const sw_trend *rest[] = {&g->threads, &g->fds, &g->sockets};
	for (int i = 0; i < 3; i++)
		if (sw_trend_fit(rest[i], &f) == 0)
			sum += f.slope;
	return sum;
}

int main(int argc, char **argv)
{
	long reads = argc > 1 ? atol(argv[1]) : 3000;
	static sw_ledger l;
	static sw_growth g;
	sw_group_stats s;
	double spent = 0, sink = 0;
	memset(&s, 0, sizeof(s));
	sw_ledger_init(&l);
	sw_growth_init(&g, 3600);
	s.live.processes = s.measured.processes = MEMBERS;
	size_t cap = 0;
	for (long k = 0; k < reads + 100; k++) {
		next_read((uint64_t)k);
		double t0 = now();
		sw_ledger_begin(&l);
		for (int i = 0; i < MEMBERS; i++)
			if (sw_ledger_add(&l, &pool[i]))
				return 1;
		sw_ledger_commit(&l, (uint64_t)(k > 10 ? k - 10 : 0), 0, 0);
		memcpy(s.measured.owned, l.chained, sizeof(s.measured.owned));
		s.measured.owned_epoch = l.epoch;
		sw_growth_update(&g, &s, 60.0 * (double)k);
		sink += fits(&g);
		if (k >= 100)
			spent += now() - t0;
		if (k == 99)
			cap = l.cap_prev + l.cap_cur;
	}
	size_t per_member = 2 * sizeof(sw_ledger_member);
	printf("signals: %d members, %d replaced per read: %.1f us CPU per "
	       "full read (mean of %ld), chain %.0f B (0: no drift)\n",
	       MEMBERS, CHURN, 1e6 * spent / (double)reads, reads,
	       l.chained[SW_CAT_COUNT]);
	printf("signals: memory per group %zu B (growth windows) + %zu B per "
	       "member (two reads of the ledger, capacities doubling: %zu slots held, %s after "
	       "warm-up)\n", sizeof(sw_growth), per_member,
	       l.cap_prev + l.cap_cur,
	       l.cap_prev + l.cap_cur == cap ? "none allocated" : "GREW");
	return sink < 0;   /* keeps the fits from being optimised away */
}
