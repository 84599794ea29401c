/* churn.c - the soak's process churn (README.md, "Soak").
 *
 *   churn --seconds N [--seed S] [--burn PER_S] [--stats FILE]
 *
 * Starts a short-lived named process every 8-28 ms (lifetime 0.1-3 s,
 * random), each re-executing this binary as
 *   ARGV0 --child NAME LIFETIME_MS ALLOC_KIB
 * which names itself NAME (prctl PR_SET_NAME), touches ALLOC_KIB of heap,
 * sleeps and exits. ARGV0 (the command line) and NAME (comm) come from a
 * small set of groups, some hostile (spaces, quotes, a newline, non-UTF-8).
 * Groups are switched off in turn for a while so they empty out and come
 * back; "rare" has a member only now and then.
 *
 * --burn forks that many instant-exit children per second besides (no
 * exec), so the pid counter wraps (pid_max) during the run and the named
 * processes reuse pids seen before; the reuses are counted.
 *
 * Bounded: stops starting after --seconds, kills what is left and exits.
 * Every child has PR_SET_PDEATHSIG(SIGKILL) and checks its parent, so all
 * die with churn; churn itself gets SIGKILL if its parent dies. On SIGTERM
 * or SIGINT it kills its children and writes the stats. Stats (one line,
 * key=value) go to --stats and stderr. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct name { const char *group, *argv0, *comm; };

/* Groups (see soakrun.py for the configs that match them):
 *   alpha   comm exactly "sw-alpha"
 *   beta    comm prefix "sw-beta"         (collectd: regex on cmdline)
 *   gamma   command-line substring "swgamma-cmd"
 *   hostile comm prefix "swh", hostile bytes after it
 *   rare    comm "sw-rare", seldom started (mostly empty) */
static const struct name names[] = {
	{"alpha", "sw-alpha", "sw-alpha"},
	{"beta", "sw-beta-one", "sw-beta-1"},
	{"beta", "sw-beta-two", "sw-beta-2"},
	{"gamma", "x/swgamma-cmd --flag", "g"},
	{"hostile", "swh sp ace", "swh sp ace"},
	{"hostile", "swh\"q'uote", "swh\"q'uote"},
	{"hostile", "swh\nBEGIN x", "swh\nBEGIN x"},
	{"hostile", "swh\xff\xfe\xc3(", "swh\xff\xfe\xc3("},
	{"hostile", "swh|=SET x;`$", "swh|=SET x"},
	{"rare", "sw-rare", "sw-rare"},
};
#define NNAMES (sizeof names / sizeof names[0])
#define NGROUPS 5
static const char *groups[NGROUPS] = {"alpha", "beta", "gamma", "hostile", "rare"};

static volatile sig_atomic_t stop;
static void on_sig(int s) { (void)s; stop = 1; }

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int child(char **argv)
{
	pid_t parent = getppid();
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent || parent == 1)
		_exit(0);
	prctl(PR_SET_NAME, argv[2]);
	long ms = atol(argv[3]), kib = atol(argv[4]);
	if (kib > 0) {
		char *p = malloc((size_t)kib * 1024);
		if (p)
			memset(p, 0x5a, (size_t)kib * 1024);
	}
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "--child"))
		return child(argv);
	double seconds = 60, burn = 0;
	unsigned seed = (unsigned)getpid();
	const char *stats = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--seconds")) seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--seed")) seed = (unsigned)atol(argv[i + 1]);
		else if (!strcmp(argv[i], "--burn")) burn = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--stats")) stats = argv[i + 1];
		else { fprintf(stderr, "churn: bad option %s\n", argv[i]); return 2; }
	}
	setpgid(0, 0);   /* our own process group: the end kills it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGTERM, on_sig);
	signal(SIGINT, on_sig);
	srand(seed);

	long pid_max = 32768;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	if (f) { if (fscanf(f, "%ld", &pid_max) != 1) pid_max = 32768; fclose(f); }
	unsigned char *seen = calloc((size_t)pid_max + 1, 1);
	if (!seen) return 1;

	long started = 0, burned = 0, reused = 0, failed = 0, live = 0, maxlive = 0;
	long per_group[NGROUPS] = {0};
	long empty_phases = 0;
	double t0 = now(), next = t0, next_burn = t0;
	int off = -1;            /* the group switched off in this phase */
	double phase_end = t0;
	while (!stop && now() - t0 < seconds) {
		double t = now();
		int st;
		pid_t w;
		while ((w = waitpid(-1, &st, WNOHANG)) > 0)
			if (w > 0 && w <= pid_max && seen[w] == 2)
				seen[w] = 1, live--;
		if (t >= phase_end) {   /* 12 s phases: one group off in turn */
			off = (off + 1) % (NGROUPS + 1);   /* NGROUPS: none off */
			phase_end = t + 12;
			if (off < NGROUPS)
				empty_phases++;
		}
		if (burn > 0 && t >= next_burn) {
			int n = (int)(burn / 50) + 1;   /* in batches, 50 Hz */
			for (int i = 0; i < n; i++) {
				pid_t p = fork();
				if (p == 0)
					_exit(0);
				if (p > 0) burned++;
			}
			next_burn = t + 0.02;
		}
		if (t >= next) {
			const struct name *nm;
			int k;
			for (;;) {
				k = rand() % (int)NNAMES;
				nm = &names[k];
				if (off < NGROUPS && !strcmp(nm->group, groups[off]))
					continue;
				if (!strcmp(nm->group, "rare") && rand() % 10)
					continue;
				break;
			}
			long ms = 100 + rand() % 2901;
			long kib = rand() % 3 ? 0 : (rand() % 8192);
			char sms[32], skib[32];
			snprintf(sms, sizeof sms, "%ld", ms);
			snprintf(skib, sizeof skib, "%ld", kib);
			pid_t p = fork();
			if (p == 0) {
				char *cargv[] = {(char *)nm->argv0, "--child",
					(char *)nm->comm, sms, skib, NULL};
				execv("/proc/self/exe", cargv);
				_exit(127);
			}
			if (p < 0) {
				failed++;
			} else {
				started++;
				live++;
				if (live > maxlive) maxlive = live;
				for (int g = 0; g < NGROUPS; g++)
					if (!strcmp(nm->group, groups[g])) per_group[g]++;
				if (p <= pid_max) {
					if (seen[p]) reused++;
					seen[p] = 2;
				}
			}
			/* Paced from the last start's due time, not from
			 * now: a loaded machine's late wakeups and the burn's
			 * forks delay a start without lowering the rate (a
			 * lag beyond 0.2 s is dropped, never made up in a
			 * burst). */
			next += (8 + rand() % 21) / 1000.0;
			if (next < t - 0.2)
				next = t;
		}
		double wake = next < next_burn || burn <= 0 ? next : next_burn;
		double d = wake - now();
		if (d > 0.05) d = 0.05;
		if (d > 0) {
			struct timespec ts = {0, (long)(d * 1e9)};
			nanosleep(&ts, NULL);
		}
	}
	/* The end: kill the remaining children, reap them all. */
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);   /* our own process group (setpgid above) */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	char line[512];
	snprintf(line, sizeof line,
		 "started=%ld burned=%ld reused=%ld fork_failed=%ld max_live=%ld "
		 "off_phases=%ld pid_max=%ld seconds=%.1f alpha=%ld beta=%ld "
		 "gamma=%ld hostile=%ld rare=%ld\n",
		 started, burned, reused, failed, maxlive, empty_phases, pid_max,
		 now() - t0, per_group[0], per_group[1], per_group[2],
		 per_group[3], per_group[4]);
	fputs(line, stderr);
	if (stats && (f = fopen(stats, "w"))) {
		fputs(line, f);
		fclose(f);
	}
	return 0;
}
