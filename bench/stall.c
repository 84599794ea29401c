/* stall.c - `make bench`, the stall: what reading costs the watched process.
 *
 * A target with 20,000 mappings whose second thread maps and unmaps one
 * page, sleeping 200 us between, times each mmap+munmap; for 5 s while a
 * reader does one thing in a loop (or runs the plugins' cycle as they run
 * by default), its p50/p99/max latency and its ops in the window, as
 * ratios against a window where the reader does nothing. One run, rows in
 * turn, on the same target.
 *
 * usage: bench_stall SMAPWATCH [SECONDS]   (the target is this program,
 * re-run as "bench_stall --target N") */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "smapwatch/group.h"
#include "pagemaps.h"

#define MAPS 20000
#define MAX_OPS 100000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- the target --------------------------------------------------------- */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static double lat[MAX_OPS];
static long nlat;

static void *churn(void *arg)
{
	struct timespec gap = {0, 200000};
	(void)arg;
	for (;;) {
		double t0 = now();
		void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p != MAP_FAILED)
			munmap(p, 4096);
		double t = now() - t0;
		pthread_mutex_lock(&lock);
		if (nlat < MAX_OPS)
			lat[nlat++] = t;
		pthread_mutex_unlock(&lock);
		nanosleep(&gap, NULL);
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Unmergeable mappings (neighbours differ in protection), each resident;
 * then on "start" the latencies are reset, on "stop" reported. */
static int target(long n)
{
	pthread_t t;
	char cmd[16];
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (!pagemaps_make(n))
		return 1;
	if (pthread_create(&t, NULL, churn, NULL))
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	while (fgets(cmd, sizeof(cmd), stdin)) {
		pthread_mutex_lock(&lock);
		if (cmd[0] == 's' && cmd[2] == 'o') {  /* stop */
			long k = nlat;
			qsort(lat, (size_t)k, sizeof(double), cmp_double);
			printf("%ld %.9f %.9f %.9f\n", k, k ? lat[k / 2] : 0,
			       k ? lat[(long)(k * 0.99)] : 0, k ? lat[k - 1] : 0);
		} else
			nlat = 0;
		pthread_mutex_unlock(&lock);
	}
	return 0;
}

/* ---- the reader --------------------------------------------------------- */

typedef struct {
	pid_t pid;
	FILE *in, *out;
} proc;

static proc start_target(const char *self)
{
	int to[2], from[2];
	proc p = {0};
	char line[16];
	if (pipe(to) || pipe(from) || (p.pid = fork()) < 0)
		exit(1);
	if (p.pid == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		close(to[1]);
		close(from[0]);
		execl(self, self, "--target", "20000", (char *)NULL);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	p.in = fdopen(to[1], "w");
	p.out = fdopen(from[0], "r");
	setvbuf(p.in, NULL, _IOLBF, 0);
	if (!fgets(line, sizeof(line), p.out)) {
		fprintf(stderr, "bench_stall: the target did not start\n");
		exit(1);
	}
	return p;
}

typedef struct {
	long ops;
	double p50, p99, max;
	long reads;
} window;

typedef struct {
	const char *name;
	pid_t of;             /* whose file is read */
	const char *file;     /* loop reading it, or NULL */
	size_t chunk;
	int kind;
} row;

enum { NOTHING, LOOP_FILE, CYCLE_COLLECTD, CYCLE_NETDATA, CYCLE_EVERY,
       RUN_CLI, RUN_PMAP };

static void read_whole(pid_t pid, const char *file, char *buf, size_t chunk)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while (read(fd, buf, chunk) > 0)
		;
	close(fd);
}

static void run_once(const char *prog, const char *a1, pid_t pid)
{
	char p[16];
	snprintf(p, sizeof(p), "%d", (int)pid);
	pid_t c = fork();
	if (c == 0) {
		int fd = open("/dev/null", O_WRONLY);
		dup2(fd, 1);
		if (a1)
			execlp(prog, prog, a1, p, (char *)NULL);
		else
			execlp(prog, prog, p, (char *)NULL);
		_exit(127);
	}
	int st;
	if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "bench_stall: %s did not run (procps installed? "
			"sh .ci/deps)\n", prog);
		exit(1);
	}
}

static sw_groupset *make_set(pid_t pid, double interval, int tiered)
{
	char err[128], p[16];
	double every = SW_DEFAULT_FULL_INTERVAL / interval;
	sw_groupset_opts o = {.count_sockets = 1, .full_every = 1};
	if (tiered) {
		o.full_every = every > 1 ? (unsigned)(every + 0.5) : 1;
		o.early_change = SW_DEFAULT_EARLY_CHANGE;
		o.early_min = SW_DEFAULT_EARLY_MIN;
		o.read_budget = SW_DEFAULT_READ_BUDGET;
		o.rss_cap = SW_DEFAULT_RSS_CAP;
	}
	sw_groupset *gs = sw_groupset_new(&o);
	snprintf(p, sizeof(p), "%d", (int)pid);
	if (!gs || sw_groupset_add(gs, "target", SW_SEL_PID, p, err, sizeof(err)))
		exit(1);
	return gs;
}

/* Cheap cycles back to back (before a window) until the next one is the
 * minute's full read. */
static void make_due(sw_groupset *gs, double interval)
{
	unsigned full_every = (unsigned)(SW_DEFAULT_FULL_INTERVAL / interval + 0.5);
	while (sw_groupset_get(gs, 0)->measured.age + 1 < full_every &&
	       sw_groupset_collect(gs, NULL, NULL) >= 0)
		;
}

/* The plugin's cycle at its interval through the window; the smaps reads. */
static long cycles(sw_groupset *gs, double interval, double secs)
{
	long full = 0;
	double t0 = now();
	for (double next = t0; next < t0 + secs; next += interval) {
		while (now() < next)
			usleep(1000);
		if (sw_groupset_collect(gs, NULL, NULL) > 0)
			full += sw_groupset_cost(gs)->full_reads;
	}
	while (now() < t0 + secs)
		usleep(1000);
	return full;
}

static window measure(proc *t, const row *r, double secs, sw_groupset *gs,
		      double interval, const char *cli)
{
	static char buf[256 << 10];
	window w = {0};
	fprintf(t->in, "start\n");
	double t0 = now();
	switch (r->kind) {
	case LOOP_FILE:
		while (now() - t0 < secs) {
			read_whole(r->of, r->file, buf, r->chunk);
			w.reads++;
		}
		break;
	case CYCLE_COLLECTD: case CYCLE_NETDATA: case CYCLE_EVERY:
		w.reads = cycles(gs, interval, secs);
		break;
	case RUN_CLI: case RUN_PMAP:
		if (r->kind == RUN_CLI)
			run_once(cli, NULL, t->pid);
		else
			run_once("pmap", "-X", t->pid);
		w.reads = 1;
		/* fall through: the rest of the window, idle */
	default:
		while (now() - t0 < secs)
			usleep(10000);
	}
	fprintf(t->in, "stop\n");
	if (fscanf(t->out, "%ld %lf %lf %lf", &w.ops, &w.p50, &w.p99, &w.max) != 4)
		exit(1);
	return w;
}

static void print_row(const char *name, const window *w, const window *base,
		      const char *reads)
{
	printf("%-54s %8.1f us %8.1f us %8.2f ms %6ld  %5.1fx %6.2fx  %s\n",
	       name, w->p50 * 1e6, w->p99 * 1e6, w->max * 1e3, w->ops,
	       base ? w->p99 / base->p99 : 1.0,
	       base ? (double)w->ops / (double)base->ops : 1.0, reads);
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "--target") == 0)
		return target(strtol(argv[2], NULL, 10));
	if (argc < 2) {
		fprintf(stderr, "usage: bench_stall SMAPWATCH [SECONDS]\n");
		return 2;
	}
	double secs = argc > 2 ? strtod(argv[2], NULL) : 5.0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	proc t = start_target("/proc/self/exe"), other = start_target("/proc/self/exe");
	const row rows[] = {
		{"nothing", 0, NULL, 0, NOTHING},
		{"another process's smaps (same CPU load)", other.pid, "smaps", 256 << 10, LOOP_FILE},
		{"its smaps, reads of 4 KiB", t.pid, "smaps", 4096, LOOP_FILE},
		{"its smaps, reads of 256 KiB", t.pid, "smaps", 256 << 10, LOOP_FILE},
		{"its smaps_rollup", t.pid, "smaps_rollup", 4096, LOOP_FILE},
		{"its status", t.pid, "status", 4096, LOOP_FILE},
		{"its maps", t.pid, "maps", 256 << 10, LOOP_FILE},
	};
	window base = {0}, w;
	char reads[64];
	printf("\nstall: a %d-mapping target maps+unmaps a page every 200 us; "
	       "%.0f s windows (p99 of ~%.0f ops)\n", MAPS, secs, secs / 250e-6);
	printf("%-54s %11s %11s %11s %6s  %6s %7s\n", "reader", "p50", "p99", "max",
	       "ops", "p99/0", "ops/0");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		w = measure(&t, &rows[i], secs, NULL, 0, NULL);
		if (i == 0)
			base = w;
		snprintf(reads, sizeof(reads), i ? "%ld reads" : "", w.reads);
		print_row(rows[i].name, &w, i ? &base : NULL, reads);
	}
	kill(other.pid, SIGKILL);
	waitpid(other.pid, NULL, 0);
	/* The plugins as they run by default: collectd every 10 s, Netdata
	 * every 1 s, smaps once a minute (SW_DEFAULT_FULL_INTERVAL). */
	static const struct {
		const char *name;
		int kind;
		double interval;
		int tiered, due_now;
	} cyc[] = {
		{"collectd default (10 s), window with its full read", CYCLE_COLLECTD, 10, 1, 1},
		{"collectd default (10 s), window without", CYCLE_COLLECTD, 10, 1, 0},
		{"smaps.plugin default (1 s), window with its full read", CYCLE_NETDATA, 1, 1, 1},
		{"smaps.plugin default (1 s), window without", CYCLE_NETDATA, 1, 1, 0},
		{"every interval (1 s, --full-interval 1)", CYCLE_EVERY, 1, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cyc) / sizeof(cyc[0]); i++) {
		static sw_groupset *gs;
		row r = {cyc[i].name, t.pid, NULL, 0, cyc[i].kind};
		if (cyc[i].due_now || !cyc[i].tiered) {
			sw_groupset_free(gs);
			gs = make_set(t.pid, cyc[i].interval, cyc[i].tiered);
			sw_groupset_collect(gs, NULL, NULL);  /* first read */
		}
		if (cyc[i].due_now)
			make_due(gs, cyc[i].interval);
		w = measure(&t, &r, secs, gs, cyc[i].interval, NULL);
		snprintf(reads, sizeof(reads), "%ld smaps reads", w.reads);
		print_row(cyc[i].name, &w, &base, reads);
	}
	row cli = {"smapwatch PID once", t.pid, NULL, 0, RUN_CLI};
	w = measure(&t, &cli, secs, NULL, 0, argv[1]);
	print_row(cli.name, &w, &base, "1 read");
	row pmap = {"pmap -X PID once", t.pid, NULL, 0, RUN_PMAP};
	w = measure(&t, &pmap, secs, NULL, 0, NULL);
	print_row(pmap.name, &w, &base, "1 read");
	kill(t.pid, SIGKILL);
	waitpid(t.pid, NULL, 0);
	return 0;
}
