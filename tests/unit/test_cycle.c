/* test_cycle.c - tiered collection: cheap status every cycle, smaps only
 * when due (cadence, a group appearing or emptying, early change), the read budget's
 * back-off, the Rss cap, and what a cycle cost. */
#include "fixture.h"
#include <sys/resource.h>
#include <dirent.h>
#include <limits.h>
#include <time.h>
#include "smapwatch/error.h"
#include "smapwatch/fdlimit.h"
#include "smapwatch/group.h"

/* A process whose one heap mapping has `rss_kb` resident, and whose
 * status says `status_kb`. */
static void put_proc(int pid, const char *comm, unsigned long long start,
		     unsigned rss_kb, unsigned status_kb)
{
	char rel[64], text[1024];
	snprintf(rel, sizeof(rel), "%d/fd", pid);
	fx_mkdirs(fx_root, rel);
	snprintf(rel, sizeof(rel), "%d/stat", pid);
	snprintf(text, sizeof(text), "%d (%s) S 1 %d %d 0 -1 0 0 0 0 0 0 0 0 0 "
		 "20 0 1 0 %llu 3133440 374\n", pid, comm, pid, pid, start);
	fx_write_str(fx_root, rel, text);
	snprintf(rel, sizeof(rel), "%d/status", pid);
	snprintf(text, sizeof(text), "Name:\t%s\nVmRSS:\t%8u kB\nRssAnon:\t%8u kB\n"
		 "RssFile:\t       0 kB\nRssShmem:\t       0 kB\nVmSwap:\t       0 kB\n",
		 comm, status_kb, status_kb);
	fx_write_str(fx_root, rel, text);
	snprintf(rel, sizeof(rel), "%d/smaps", pid);
	snprintf(text, sizeof(text),
		 "55d000000000-55d010000000 rw-p 00000000 00:00 0   [heap]\n"
		 "Size:             262144 kB\nRss:            %8u kB\n"
		 "Private_Dirty:  %8u kB\n", rss_kb, rss_kb);
	fx_write_str(fx_root, rel, text);
}

static sw_groupset *groupset(const sw_groupset_opts *o)
{
	char err[128];
	sw_groupset_opts opts = *o;
	opts.proc_root = fx_root;
	sw_groupset *gs = sw_groupset_new(&opts);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "app", SW_SEL_COMM, "app", err,
					 sizeof(err)), 0);
	return gs;
}

static const sw_group_stats *app(sw_groupset *gs)
{
	return sw_groupset_get(gs, 0);
}

static uint64_t heap_rss(sw_groupset *gs)
{
	return app(gs)->measured.mem.cat[SW_CAT_HEAP].v[SW_F_RSS] >> 10;
}

/* Between full reads the figures are the last full read's, the status
 * counters are this cycle's, and age says how old the figures are. */
static void test_cadence(void **state)
{
	(void)state;
	put_proc(10, "app", 100, 1000, 1000);
	sw_groupset_opts o = {.full_every = 3};
	sw_groupset *gs = groupset(&o);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(heap_rss(gs), 1000);
	put_proc(10, "app", 100, 1040, 1040);  /* +4%: not early */
	for (unsigned age = 1; age <= 2; age++) {
		assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
		assert_int_equal(app(gs)->measured.age, age);
		assert_int_equal(heap_rss(gs), 1000);
		assert_int_equal(app(gs)->live.status.rss, 1040u << 10);
		assert_int_equal(app(gs)->live.processes, 1);
		assert_int_equal(app(gs)->measured.processes, 1);
		assert_int_equal(sw_groupset_cost(gs)->full_reads, 0);
		assert_int_equal(sw_groupset_cost(gs)->status_reads, 1);
	}
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(app(gs)->measured.age, 0);
	assert_int_equal(heap_rss(gs), 1040);
	sw_groupset_free(gs);
}

/* A group that appears or empties is read at once; a member coming or
 * going in a group that stays is not by itself a reason (a pool of
 * workers would be read whole every cycle), a move of its status Rss past
 * the early rule is. */
static void test_membership_change(void **state)
{
	(void)state;
	sw_groupset_opts o = {.full_every = 100, .early_change = 0.10,
			      .early_min = 64 << 10};
	sw_groupset *gs = groupset(&o);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.processes, 0);
	put_proc(10, "app", 100, 1000, 1000);         /* appears: read */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(heap_rss(gs), 1000);
	uint64_t id1 = app(gs)->measured.identity;
	put_proc(11, "app", 200, 50, 50);             /* +5%: not read */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.processes, 2);
	assert_int_equal(app(gs)->measured.processes, 1);
	assert_int_equal(heap_rss(gs), 1000);
	assert_int_equal(app(gs)->measured.age, 1);
	put_proc(12, "app", 300, 500, 500);           /* +55%, 550 kB: read */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 3);
	assert_int_equal(heap_rss(gs), 1550);
	assert_int_equal(app(gs)->measured.processes, 3);
	assert_true(app(gs)->measured.identity != id1);
	char path[4096];
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "11"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);  /* -3% */
	assert_int_equal(heap_rss(gs), 1550);
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "12"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);  /* -33% */
	assert_int_equal(heap_rss(gs), 1000);
	assert_int_equal(app(gs)->measured.identity, id1);
	fx_rmtree(fx_join(path, sizeof(path), fx_root, "10"));
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);  /* empties */
	assert_int_equal(app(gs)->measured.age, 0);
	assert_int_equal(app(gs)->measured.processes, 0);
	assert_int_equal(heap_rss(gs), 0);
	sw_groupset_free(gs);
}

/* The status Rss moving by more than early_change (and early_min) since
 * the last full read brings the next one forward. */
static void test_early_change(void **state)
{
	(void)state;
	put_proc(10, "app", 100, 1000, 1000);
	sw_groupset_opts o = {.full_every = 100, .early_change = 0.10,
			      .early_min = 64 << 10};
	sw_groupset *gs = groupset(&o);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	put_proc(10, "app", 100, 1090, 1090);  /* +9% */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	put_proc(10, "app", 100, 1110, 1110);  /* +11%, 110 kB > 64 kB */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(heap_rss(gs), 1110);
	/* The base is the last full read (1110), not the first (1000). */
	put_proc(10, "app", 100, 1230, 1230);  /* +10.8%, 120 kB */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(heap_rss(gs), 1230);
	put_proc(10, "app", 100, 1300, 1300);  /* +5.7% (30% over 1000) */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	o.early_min = 200 << 10;               /* another set, higher floor */
	sw_groupset *gs2 = groupset(&o);
	put_proc(10, "app", 100, 1000, 1000);
	assert_int_equal(sw_groupset_collect(gs2, NULL, NULL), 1);
	put_proc(10, "app", 100, 1150, 1150);  /* +15% yet only 150 kB */
	assert_int_equal(sw_groupset_collect(gs2, NULL, NULL), 0);
	sw_groupset_free(gs2);
	sw_groupset_free(gs);
}

/* Over rss_cap a process stays on the cheap tier unless its group
 * allows large processes. */
static void test_rss_cap(void **state)
{
	(void)state;
	put_proc(10, "app", 100, 1000, 1000);
	put_proc(11, "app", 200, 500, 3000);   /* status over the cap */
	sw_groupset_opts o = {.rss_cap = 2000 << 10};
	sw_groupset *gs = groupset(&o);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(app(gs)->live.processes, 2);
	assert_int_equal(app(gs)->measured.processes, 1);
	assert_int_equal(app(gs)->measured.capped, 1);
	assert_int_equal(heap_rss(gs), 1000);
	assert_int_equal(app(gs)->live.status.rss, 4000u << 10);
	assert_int_equal(sw_groupset_cost(gs)->capped, 1);
	/* the same rule for a read on demand (the drill-down table) */
	assert_int_equal(sw_groupset_may_read(gs, 0, 11, 200), -SW_ECAPPED);
	assert_int_equal(sw_groupset_may_read(gs, 0, 10, 100), 0);
	assert_int_equal(sw_groupset_may_read(gs, 0, 10, 999), -ESRCH);
	assert_int_equal(sw_groupset_may_read(gs, 0, 12, 100), -ESRCH);
	assert_int_equal(sw_groupset_may_read(gs, 1, 10, 100), -ESRCH);
	sw_groupset_free(gs);
	gs = groupset(&o);
	assert_int_equal(sw_groupset_allow_large(gs, "app"), 0);
	assert_int_equal(sw_groupset_allow_large(gs, "nope"), -ENOENT);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(app(gs)->measured.capped, 0);
	assert_int_equal(heap_rss(gs), 1500);
	assert_int_equal(sw_groupset_may_read(gs, 0, 11, 200), 0);
	sw_groupset_free(gs);
	/* in two groups, one allowing large ones: read, for both */
	char err[128];
	gs = groupset(&o);
	assert_int_equal(sw_groupset_add(gs, "big", SW_SEL_COMM, "app", err,
					 sizeof(err)), 0);
	assert_int_equal(sw_groupset_allow_large(gs, "big"), 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(sw_groupset_may_read(gs, 0, 11, 200), 0);
	assert_int_equal(sw_groupset_may_read(gs, 1, 11, 200), 0);
	sw_groupset_free(gs);
}

typedef struct {
	int slow;
} slow_log;

static void on_error(void *ctx, const char *group, const sw_proc_stat *ps,
		     int code, const char *detail)
{
	(void)group, (void)ps, (void)detail;
	if (code == -SW_ESLOW)
		((slow_log *)ctx)->slow++;
}

/* Every read over a budget of a nanosecond: the process is read, skipped
 * once, read, skipped 3 times, read, skipped 7 times... and each read
 * over budget is reported. */
static void test_budget_backoff(void **state)
{
	(void)state;
	put_proc(10, "app", 100, 1000, 1000);
	sw_groupset_opts o = {.read_budget = 1e-9};
	sw_groupset *gs = groupset(&o);
	slow_log log = {0};
	static const int want[] = {1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1};
	const size_t n = sizeof(want) / sizeof(want[0]);
	for (size_t i = 0; i < n; i++) {
		int r = sw_groupset_collect(gs, on_error, &log);
		if (r != want[i])
			fail_msg("cycle %zu: read %d, want %d", i, r, want[i]);
		assert_int_equal(app(gs)->measured.backed_off, !want[i]);
		assert_int_equal(app(gs)->measured.processes, want[i]);
		assert_int_equal(app(gs)->live.processes, 1);
		/* a read on demand is refused while the next cycle skips */
		int skips = i + 1 < n ? !want[i + 1] : 1;
		assert_int_equal(sw_groupset_may_read(gs, 0, 10, 100),
				 skips ? -SW_ESLOW : 0);
	}
	assert_int_equal(log.slow, 4);
	sw_groupset_free(gs);
	/* a generous budget: read every cycle, nothing reported */
	o.read_budget = 10;
	gs = groupset(&o);
	log.slow = 0;
	for (int i = 0; i < 3; i++)
		assert_int_equal(sw_groupset_collect(gs, on_error, &log), 1);
	assert_int_equal(log.slow, 0);
	sw_groupset_free(gs);
}

/* The cost of a cycle: reads, bytes (the smaps files' sizes), time. */
static void test_cost(void **state)
{
	(void)state;
	put_proc(10, "app", 100, 1000, 1000);
	put_proc(11, "app", 200, 500, 500);
	put_proc(12, "other", 300, 500, 500);
	sw_groupset_opts o = {0};
	sw_groupset *gs = groupset(&o);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	const sw_collect_cost *c = sw_groupset_cost(gs);
	char path[4096];
	struct stat a, b;
	assert_int_equal(stat(fx_join(path, sizeof(path), fx_root, "10/smaps"), &a), 0);
	assert_int_equal(stat(fx_join(path, sizeof(path), fx_root, "11/smaps"), &b), 0);
	assert_int_equal(c->status_reads, 2);
	assert_int_equal(c->full_reads, 2);
	assert_int_equal(c->bytes_read, (uint64_t)(a.st_size + b.st_size));
	assert_true(c->read_seconds > 0 && c->read_seconds < 1);
	sw_groupset_free(gs);
}

/* put_proc()'s "app" of 1000 kB, its status with a "Uid:" line (real,
 * effective, saved, fs). */
static void put_status_uid(int pid, unsigned r, unsigned e, unsigned s)
{
	char rel[64], path[4096], line[80];
	put_proc(pid, "app", 100, 1000, 1000);
	snprintf(rel, sizeof(rel), "%d/status", pid);
	FILE *f = fopen(fx_join(path, sizeof(path), fx_root, rel), "a");
	assert_non_null(f);
	snprintf(line, sizeof(line), "Uid:\t%u\t%u\t%u\t%u\n", r, e, s, s);
	fputs(line, f);
	assert_int_equal(fclose(f), 0);
}

/* A pidfile owned by neither fx_root nor the user of the process it names is
 * not followed: the group matches nothing and says why. */
static void test_pidfile_owner(void **state)
{
	(void)state;
	char path[4096], err[128];
	if (geteuid() != 0) {
		print_message("skipped: chown needs root\n");
		skip();
	}
	put_proc(10, "app", 100, 1000, 1000);
	fx_write_str(fx_root, "app.pid", "10\n");
	sw_groupset_opts o = {.proc_root = fx_root};
	sw_groupset *gs = sw_groupset_new(&o);
	fx_join(path, sizeof(path), fx_root, "app.pid");
	assert_int_equal(sw_groupset_add(gs, "db", SW_SEL_PIDFILE, path, err,
					 sizeof(err)), 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);  /* fx_root's */
	assert_int_equal(app(gs)->live.pidfile_error, 0);
	assert_int_equal(chown(path, 65534, 65534), 0);  /* nobody's now */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.processes, 0);
	assert_int_equal(app(gs)->live.pidfile_error, -SW_EUNSAFE);
	char dir[4096];
	assert_int_equal(chown(fx_join(dir, sizeof(dir), fx_root, "10"), 65534,
			       65534), 0);  /* the process runs as nobody */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(app(gs)->live.pidfile_error, 0);
	/* Not dumpable (it switched to nobody after starting as root):
	 * /proc/PID is root's, its status names the user. */
	assert_int_equal(chown(dir, 0, 0), 0);
	put_status_uid(10, 1000, 1000, 65534);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.pidfile_error, -SW_EUNSAFE);
	put_status_uid(10, 1000, 65534, 65534);   /* effective: nobody */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(app(gs)->live.pidfile_error, 0);
	/* real uid nobody, effective root: a set-user-ID program nobody
	 * started (su, passwd) is root's, not nobody's */
	put_status_uid(10, 65534, 0, 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.pidfile_error, -SW_EUNSAFE);
	unlink(path);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.pidfile_error, -ENOENT);
	sw_groupset_free(gs);
}


/* One definition of "may be read in full": a large process in a normal
 * group and in one allowing large ones is read whenever either is due,
 * for both. Here the normal group is due early (its small member grew)
 * while the other is not: its figures must not drop the large member
 * (they went 6000 then 1000 kB of heap, and its identity changed). */
static void test_overlap_cap(void **state)
{
	(void)state;
	char err[128];
	put_proc(10, "app", 100, 1000, 1000);
	put_proc(11, "app", 200, 5000, 5000);   /* status over the cap */
	sw_groupset_opts o = {.rss_cap = 4000 << 10, .full_every = 10,
			      .early_change = 0.1};
	sw_groupset *gs = groupset(&o);
	assert_int_equal(sw_groupset_add(gs, "big", SW_SEL_PID, "11", err,
					 sizeof(err)), 0);
	assert_int_equal(sw_groupset_allow_large(gs, "big"), 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(heap_rss(gs), 6000);
	uint64_t identity = app(gs)->measured.identity;
	put_proc(10, "app", 100, 1000, 3000);   /* app: early; big: not */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(app(gs)->measured.age, 0);
	assert_int_equal(sw_groupset_get(gs, 1)->measured.age, 1);
	assert_int_equal(app(gs)->measured.capped, 0);
	assert_int_equal(heap_rss(gs), 6000);
	assert_int_equal(app(gs)->measured.identity, identity);
	/* and the same answer on demand, for either group */
	assert_int_equal(sw_groupset_may_read(gs, 0, 11, 200), 0);
	assert_int_equal(sw_groupset_may_read(gs, 1, 11, 200), 0);
	sw_groupset_free(gs);
}

/* A pidfile last written before the process it names started names a
 * pid reused since: refused, with the reason. The boot time is the proc
 * root's (its stat's btime), start times ticks after it. */
static void test_pidfile_stale(void **state)
{
	(void)state;
	char path[4096], err[128], text[128];
	long long boot = (long long)time(NULL) - 100000;
	long hz = sysconf(_SC_CLK_TCK);
	snprintf(text, sizeof(text), "cpu  1 2 3 4\nbtime %lld\nprocesses 9\n", boot);
	fx_write_str(fx_root, "stat", text);
	put_proc(10, "app", 5000ull * (unsigned long long)hz, 1000, 1000);
	fx_write_str(fx_root, "app.pid", "10\n");
	fx_join(path, sizeof(path), fx_root, "app.pid");
	sw_groupset_opts o = {.proc_root = fx_root};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_int_equal(sw_groupset_add(gs, "db", SW_SEL_PIDFILE, path, err,
					 sizeof(err)), 0);
	/* the process started at boot + 5000 s */
	struct timespec t[2] = {{.tv_sec = boot + 4000}, {.tv_sec = boot + 4000}};
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	assert_int_equal(app(gs)->live.processes, 0);
	assert_int_equal(app(gs)->live.pidfile_error, -SW_ESTALE);
	assert_non_null(strstr(sw_strerror(-SW_ESTALE), "older than the process"));
	t[0].tv_sec = t[1].tv_sec = boot + 5001;  /* written after it started */
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(app(gs)->live.pidfile_error, 0);
	t[0].tv_sec = t[1].tv_sec = boot + 4999;  /* within the slack */
	assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	sw_groupset_free(gs);
}

typedef struct {
	int calls, code;
	char group[32];
} fail_log;

static void on_fail(void *ctx, const char *group, const sw_proc_stat *ps,
		    int code, const char *detail)
{
	fail_log *l = ctx;
	(void)ps, (void)detail;
	l->calls++;
	l->code = code;
	snprintf(l->group, sizeof(l->group), "%s", group);
}

/* Every fd taken but `spare` (the soft limit lowered to 64 first); undone
 * by fds_back. */
typedef struct {
	struct rlimit was;
	int fds[64], n;
} fd_hog;

static void fds_take(fd_hog *h, int spare)
{
	struct rlimit low;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &h->was), 0);
	low = h->was;
	low.rlim_cur = 64;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	h->n = 0;
	while (h->n < 64 && (h->fds[h->n] = dup(0)) >= 0)
		h->n++;
	assert_int_equal(errno, EMFILE);
	while (spare-- > 0 && h->n > 0)
		close(h->fds[--h->n]);
}

static void fds_back(fd_hog *h)
{
	while (h->n > 0)
		close(h->fds[--h->n]);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &h->was), 0);
}

/* Out of file descriptors (EMFILE on every /proc/PID), the members are
 * not gone: each is counted in live.failed and reported, and the group
 * keeps its measured figures and its chain (it used to read 0 processes,
 * silently, and start its windows again). */
static void test_out_of_fds(void **state)
{
	(void)state;
	for (int pid = 10; pid < 13; pid++)
		put_proc(pid, "app", 100 + (unsigned)pid, 1000, 1000);
	sw_groupset_opts o = {.full_every = 1};
	sw_groupset *gs = groupset(&o);
	fail_log log = {0};
	assert_int_equal(sw_groupset_collect(gs, on_fail, &log), 3);
	uint64_t epoch = app(gs)->measured.owned_epoch;
	assert_true(epoch != 0);
	fd_hog hog;
	fds_take(&hog, 0);
	int r = sw_groupset_collect(gs, on_fail, &log);
	fds_back(&hog);
	assert_int_equal(r, 0);
	assert_int_equal(app(gs)->live.processes, 0);
	assert_int_equal(app(gs)->live.failed, 3);
	assert_int_equal(sw_groupset_cost(gs)->failed, 3);
	assert_int_equal(log.calls, 3);
	assert_int_equal(log.code, -EMFILE);
	assert_string_equal(log.group, "app");
	assert_int_equal(app(gs)->measured.processes, 3);
	assert_int_equal(heap_rss(gs), 3000);
	assert_int_equal(app(gs)->measured.age, 1);
	assert_int_equal(app(gs)->measured.owned_epoch, epoch);
	/* fds again: read as before, the same chain */
	assert_int_equal(sw_groupset_collect(gs, on_fail, &log), 3);
	assert_int_equal(app(gs)->live.failed, 0);
	assert_int_equal(app(gs)->measured.owned_epoch, epoch);
	sw_groupset_free(gs);
}

typedef struct {
	int begins, ends, mappings, bad;
	pid_t last;
	uint64_t heap;
} watch_log;

static void w_begin(void *ctx, const sw_proc_stat *ps)
{
	watch_log *l = ctx;
	l->bad += l->last != 0;   /* begin twice without end */
	l->begins++;
	l->last = ps->pid;
}

static void w_mapping(void *ctx, const sw_mapping *m, sw_category c)
{
	watch_log *l = ctx;
	l->mappings++;
	if (c == SW_CAT_HEAP)
		l->heap += m->counts.v[SW_F_RSS];
}

static void w_end(void *ctx, const sw_proc_stat *ps, int result,
		  const sw_memsum *mem)
{
	watch_log *l = ctx;
	l->bad += ps->pid != l->last || result != 0 || !mem ||
		  mem->total_vmas != 1;
	l->ends++;
	l->last = 0;
}

/* What the cycle reads in full is told to a watcher (the Netdata
 * function answers from it): each process read once, its mappings in
 * between, nothing on cycles that read nothing. */
static void test_watch_reads(void **state)
{
	(void)state;
	put_proc(10, "app", 100, 1000, 1000);
	put_proc(11, "app", 200, 500, 500);
	sw_groupset_opts o = {.full_every = 2};
	sw_groupset *gs = groupset(&o);
	watch_log log = {0};
	sw_read_watch w = {w_begin, w_mapping, w_end, &log};
	sw_groupset_watch_reads(gs, &w);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(log.begins, 2);
	assert_int_equal(log.ends, 2);
	assert_int_equal(log.mappings, 2);
	assert_int_equal(log.heap, 1500u << 10);
	assert_int_equal(log.bad, 0);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);  /* not due */
	assert_int_equal(log.begins, 2);
	sw_groupset_watch_reads(gs, NULL);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 2);
	assert_int_equal(log.begins, 2);
	sw_groupset_free(gs);
}

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;
	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n - 3;  /* ., .. and the DIR's own */
}

static uint64_t start_of(sw_groupset *gs, pid_t pid)
{
	for (size_t i = 0; i < app(gs)->live.npids; i++)
		if (app(gs)->live.pids[i] == pid)
			return app(gs)->live.start_times[i];
	return 0;
}

/* A process whose command line cannot be read to match it (out of fds:
 * its stat is read from the root with the one fd left, then its /proc/PID
 * takes that fd and cmdline finds none) is not taken as a non-member in
 * silence: it is counted in the cost's failed; with fds again it joins. */
static void test_match_out_of_fds(void **state)
{
	(void)state;
	char err[128];
	sw_groupset_opts o = {.full_every = 1, .proc_root = fx_root};
	sw_groupset *gs = sw_groupset_new(&o);
	assert_non_null(gs);
	assert_int_equal(sw_groupset_add(gs, "app", SW_SEL_CMDLINE_SUBSTR,
					 "--serve", err, sizeof(err)), 0);
	/* a first cycle opens the root (kept), with nothing in it */
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 0);
	put_proc(10, "worker", 110, 1000, 1000);
	fx_write(fx_root, "10/cmdline", "app\0--serve\0", 13);
	fd_hog hog;
	fds_take(&hog, 1);               /* one left: for the stat */
	int r = sw_groupset_collect(gs, NULL, NULL);
	long failed = sw_groupset_cost(gs)->failed;
	long processes = app(gs)->live.processes;
	fds_back(&hog);
	assert_int_equal(r, 0);
	assert_int_equal(processes, 0);
	assert_int_equal(failed, 1);
	assert_int_equal(sw_groupset_collect(gs, NULL, NULL), 1);
	assert_int_equal(app(gs)->live.processes, 1);
	assert_int_equal(sw_groupset_cost(gs)->failed, 0);
	sw_groupset_free(gs);
}

/* Each member's /proc/PID stays open across cycles (stat read once
 * through it), at most half the soft RLIMIT_NOFILE, and closed once the
 * process is gone: a pid reused meanwhile is read afresh, as the new
 * process it is. */
static void test_kept_dirfds(void **state)
{
	(void)state;
	for (int pid = 100; pid < 160; pid++)
		put_proc(pid, "app", 1000 + (unsigned)pid, 10, 10);
	struct rlimit was, low;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
	low = was;
	low.rlim_cur = 80;  /* 40 kept at most */
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	int base = open_fds();
	sw_groupset_opts o = {.full_every = 100};
	sw_groupset *gs = groupset(&o);
	for (int cycle = 0; cycle < 3; cycle++) {
		sw_groupset_collect(gs, NULL, NULL);
		assert_int_equal(app(gs)->live.processes, 60);
		assert_int_equal(app(gs)->live.failed, 0);
		assert_int_equal(app(gs)->live.status.rss, 600u << 10);
		assert_int_equal(open_fds(), base + 1 + 40);  /* the root's too */
	}
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
	char rel[sizeof(fx_root) + 16];
	for (int pid = 100; pid < 130; pid++) {  /* 30 exit, 100 is reused */
		snprintf(rel, sizeof(rel), "%s/%d", fx_root, pid);
		fx_rmtree(rel);
	}
	put_proc(100, "app", 5, 70, 70);
	assert_int_equal(start_of(gs, 100), 1100);
	sw_groupset_collect(gs, NULL, NULL);
	assert_int_equal(app(gs)->live.processes, 31);
	assert_int_equal(app(gs)->live.status.rss, (300u + 70u) << 10);
	assert_int_equal(start_of(gs, 100), 5);
	/* the leavers' fds are closed at the end of the cycle, so the room
	 * they leave is taken by the others the next */
	assert_true(open_fds() <= base + 1 + 40);
	sw_groupset_collect(gs, NULL, NULL);
	assert_int_equal(app(gs)->live.processes, 31);
	assert_int_equal(open_fds(), base + 1 + 31);
	sw_groupset_free(gs);
	assert_int_equal(open_fds(), base);
}

/* A frontend raises its soft open files limit to the hard one. */
static void test_fd_limit_raise(void **state)
{
	(void)state;
	struct rlimit was, low, now;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &was), 0);
	low = was;
	low.rlim_cur = 100;
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	long r = sw_fd_limit_raise();
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &now), 0);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &was), 0);
	assert_true(now.rlim_cur == was.rlim_max);
	assert_true(r == (was.rlim_max > LONG_MAX ? LONG_MAX : (long)was.rlim_max));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_cadence, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_membership_change, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_early_change, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_rss_cap, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_budget_backoff, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_cost, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_pidfile_owner, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_overlap_cap, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_pidfile_stale, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_fds, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_match_out_of_fds, fx_root_setup, fx_root_teardown),
		cmocka_unit_test_setup_teardown(test_kept_dirfds, fx_root_setup, fx_root_teardown),
		cmocka_unit_test(test_fd_limit_raise),
		cmocka_unit_test_setup_teardown(test_watch_reads, fx_root_setup, fx_root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
