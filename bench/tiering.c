/* tiering.c - `make bench`, second part: the CPU one minute of collection
 * costs with the default tiering, against reading every smaps every
 * interval, on a host running a 20,000-mapping process and 200 small ones,
 * then the same while one of the small ones is replaced by a new one every
 * cycle (a pool of workers); and what one read of each tier (status,
 * smaps_rollup, smaps) and of maps of the large process costs.
 *
 * usage: bench_tiering MANYMAPS_HELPER
 *
 * A minute is 6 cycles at collectd's default interval of 10 s, run back to
 * back; CPU is this process's user + system time (getrusage), where the
 * system time is the kernel generating smaps: the page-table walks that
 * hold each target's mmap_lock. The two ways are measured in alternate
 * minutes so that the machine's state is the same for both. */
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "smapwatch/group.h"
#include "helper.h"

#define INTERVAL 10.0
#define CYCLES (int)(60 / INTERVAL)
#define MINUTES 5
#define SMALL 200

static pid_t small[SMALL];

static void stop_small(void)
{
	for (int i = 0; i < SMALL; i++)
		if (small[i] > 0) {
			kill(small[i], SIGKILL);
			waitpid(small[i], NULL, 0);
		}
}

static int start_one(int i)
{
	small[i] = fork();
	if (small[i] < 0)
		return -1;
	if (small[i] == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		prctl(PR_SET_NAME, "bench_small", 0, 0, 0);
		for (;;)
			pause();
	}
	return 0;
}

static int start_small(void)
{
	for (int i = 0; i < SMALL; i++)
		if (start_one(i))
			return -1;
	return 0;
}

/* A worker of the pool ends and a new one takes its place. */
static void replace_one(void)
{
	static int next;
	int i = next++ % SMALL;
	kill(small[i], SIGKILL);
	waitpid(small[i], NULL, 0);
	if (start_one(i))
		exit(1);
}

static double cpu(double *sys)
{
	struct rusage r;
	getrusage(RUSAGE_SELF, &r);
	*sys = r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
	return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + *sys;
}

/* tiered: 0 every smaps every interval, 1 the defaults, 2 the defaults
 * without the maps probe. */
static sw_groupset *make_set(int tiered, pid_t big)
{
	char err[128], pid[16];
	sw_groupset_opts o = {.count_sockets = 1};
	if (tiered) {
		o.full_every = (unsigned)ceil(SW_DEFAULT_FULL_INTERVAL / INTERVAL);
		o.early_change = SW_DEFAULT_EARLY_CHANGE;
		o.early_min = SW_DEFAULT_EARLY_MIN;
		o.read_budget = SW_DEFAULT_READ_BUDGET;
		o.rss_cap = SW_DEFAULT_RSS_CAP;
		o.maps_every = tiered == 2 ? SW_MAPS_NEVER : 0;
	}
	sw_groupset *gs = sw_groupset_new(&o);
	snprintf(pid, sizeof(pid), "%d", (int)big);
	if (!gs || sw_groupset_add(gs, "big", SW_SEL_PID, pid, err, sizeof(err)) ||
	    sw_groupset_add(gs, "small", SW_SEL_COMM, "bench_small", err,
			    sizeof(err))) {
		fprintf(stderr, "bench_tiering: groups: %s\n", err);
		exit(1);
	}
	return gs;
}

typedef struct {
	double cpu, sys;
	long full_reads, maps_reads;
	long members;
} minute_cost;

static void one_minute(sw_groupset *gs, minute_cost *m, int churn)
{
	double s0, s1, c0 = cpu(&s0);
	for (int i = 0; i < CYCLES; i++) {
		if (churn)
			replace_one();
		if (sw_groupset_collect(gs, NULL, NULL) < 0)
			exit(1);
		m->full_reads += sw_groupset_cost(gs)->full_reads;
		m->maps_reads += sw_groupset_cost(gs)->maps_reads;
	}
	double c1 = cpu(&s1);
	m->cpu += c1 - c0;
	m->sys += s1 - s0;
	m->members = sw_groupset_get(gs, 0)->live.processes +
		     sw_groupset_get(gs, 1)->live.processes;
}

#define TIER_READS 31

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* read_file - seconds to open, read to the end and close /proc/PID/NAME. */
static double read_file(pid_t pid, const char *name)
{
	static char buf[256 << 10];
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	double t0 = now_s();
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NAN;
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return now_s() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* tiers - the median time of one read of each tier of pid, the three
 * interleaved: the kernel's cost of each, whoever reads it. */
static void tiers(pid_t pid)
{
	static const char *const name[4] = {"status", "smaps_rollup", "smaps",
					    "maps"};
	double t[4][TIER_READS], med[4];
	for (int i = 0; i < TIER_READS; i++)
		for (int k = 0; k < 4; k++)
			t[k][i] = read_file(pid, name[k]);
	printf("\none read of each tier of the 20000-mapping process "
	       "(median of %d, interleaved):\n", TIER_READS);
	for (int k = 0; k < 4; k++) {
		qsort(t[k], TIER_READS, sizeof(double), cmp_double);
		med[k] = t[k][TIER_READS / 2];
		printf("  %-14s %9.3f ms\n", name[k], 1000 * med[k]);
	}
	printf("ratio smaps/smaps_rollup          %8.1fx\n", med[2] / med[1]);
	printf("ratio smaps/status                %8.0fx\n", med[2] / med[0]);
	printf("ratio smaps/maps                  %8.1fx\n", med[2] / med[3]);
}

/* ---- the maps probe's use: a thread leak status Rss does not show ----- */

static void *idle(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/* A child that, told to, starts `n` threads (stacks of 8 MiB, barely
 * touched: status Rss moves by well under the early rule's 16 MiB). */
static pid_t thread_leaker(int n, int *go)
{
	int to[2], from[2];
	char c;
	if (pipe(to) || pipe(from))
		exit(1);
	pid_t pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		pthread_t t;
		if (read(to[0], &c, 1) != 1)
			_exit(1);
		for (int i = 0; i < n; i++)
			pthread_create(&t, NULL, idle, NULL);
		if (write(from[1], "d", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(to[0]);
	close(from[1]);
	go[0] = to[1];
	go[1] = from[0];
	return pid;
}

/* Cycles from the leak to the group's next full read (collectd's 10 s
 * cycles, run back to back), with the defaults or without the probe. */
static int cycles_to_read(int probe)
{
	int go[2];
	char err[128], p[16], c;
	pid_t pid = thread_leaker(100, go);
	sw_groupset_opts o = {
		.full_every = (unsigned)ceil(SW_DEFAULT_FULL_INTERVAL / INTERVAL),
		.early_change = SW_DEFAULT_EARLY_CHANGE,
		.early_min = SW_DEFAULT_EARLY_MIN,
		.maps_every = probe ? 0 : SW_MAPS_NEVER};
	sw_groupset *gs = sw_groupset_new(&o);
	snprintf(p, sizeof(p), "%d", (int)pid);
	if (!gs || sw_groupset_add(gs, "leaker", SW_SEL_PID, p, err, sizeof(err)))
		exit(1);
	sw_groupset_collect(gs, NULL, NULL);  /* the first full read */
	if (write(go[0], "g", 1) != 1 || read(go[1], &c, 1) != 1)
		exit(1);
	int n = 1;
	for (; n <= 10; n++)
		if (sw_groupset_collect(gs, NULL, NULL) > 0)
			break;
	sw_groupset_free(gs);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(go[0]);
	close(go[1]);
	return n;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_tiering MANYMAPS_HELPER\n");
		return 2;
	}
	atexit(helper_stop);
	atexit(stop_small);
	pid_t big = helper_start(argv[1], "20000");
	if (big < 0 || start_small() < 0)
		return 1;
	enum { SETS = 3 };
	sw_groupset *sets[SETS] = {make_set(1, big), make_set(0, big),
				   make_set(2, big)};
	const char *name[SETS] = {"tiered (defaults)", "every smaps every interval",
				  "tiered, no maps probe"};
	printf("\ntiering: 1 process of 20000 mappings + %d small, %d cycles a "
	       "minute (Interval %.0f s), %d minutes each\n", SMALL, CYCLES,
	       INTERVAL, MINUTES);
	for (int churn = 0; churn < 2; churn++) {
		minute_cost cost[SETS] = {{0}}, warm = {0};
		for (int k = 0; k < SETS; k++)  /* first reads, caches */
			one_minute(sets[k], &warm, churn);
		for (int m = 0; m < MINUTES; m++)
			for (int k = 0; k < SETS; k++)
				one_minute(sets[(m + k) % SETS],
					   &cost[(m + k) % SETS], churn);
		if (churn)
			printf("the same, one small process replaced by a new "
			       "one every cycle (a pool of workers):\n");
		for (int k = 0; k < SETS; k++)
			printf("%-28s %8.1f ms CPU/minute (%6.1f ms system), "
			       "%4ld smaps reads/minute, %4ld maps reads/minute, "
			       "%ld processes\n",
			       name[k], 1000 * cost[k].cpu / MINUTES,
			       1000 * cost[k].sys / MINUTES,
			       cost[k].full_reads / MINUTES,
			       cost[k].maps_reads / MINUTES, cost[k].members);
		printf("ratio every-interval/tiered CPU   %8.2fx\n",
		       cost[1].cpu / cost[0].cpu);
		printf("ratio tiered/tiered without maps  %8.2fx\n",
		       cost[0].cpu / cost[2].cpu);
	}
	tiers(big);
	printf("\na leak of 100 threads (8 MiB stacks barely touched: status Rss "
	       "moves under the early rule's 16 MiB): cycles to the next full "
	       "read: %d with the maps probe, %d without (cadence: every %.0f)\n",
	       cycles_to_read(1),
	       cycles_to_read(0), ceil(SW_DEFAULT_FULL_INTERVAL / INTERVAL));
	for (int k = 0; k < SETS; k++)
		sw_groupset_free(sets[k]);
	return 0;
}
