/* fuzz_procfs.c - libFuzzer target for the small /proc readers: stat,
 * status, cmdline, cgroup (unit matching) and pidfiles, and the selectors
 * that match on them (issue 18).
 *
 * Every input goes through every reader: parsed as stat and as status
 * text, and written as one process's status, cmdline and cgroup (and as a
 * pidfile) in a temporary proc tree that a groupset with one selector of
 * each kind then collects. Besides "no crash, no UB, no leak" it checks
 * what the readers promise: a parsed comm is bounded and NUL-terminated,
 * a command line comes back without NULs and within its buffer, a unit
 * match is 0 or 1, a pidfile's pid is positive. The corpus is captured
 * /proc files of this machine (tests/fuzz/corpus-procfs/README). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "smapwatch/group.h"
#include "smapwatch/procfs.h"

#define PID 4242
/* A process named "fz" (a valid stat: the tree's fixed part). */
static const char stat_text[] =
	"4242 (fz) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 777 "
	"3592192 599\n";
static const char smaps_text[] =
	"55d0c1000000-55d0c1021000 rw-p 00000000 00:00 0"
	"                          [heap]\nSize:                132 kB\n"
	"Rss:                  64 kB\nPss:                  64 kB\n"
	"Private_Dirty:        64 kB\nVmFlags: rd wr mr mw me ac sd \n";

static char root[64], dir[96];

static void rm_tree(void)
{
	static const char *const files[] = {"stat", "status", "cmdline",
					    "cgroup", "smaps", "pidfile"};
	char path[160];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
	rmdir(root);
}

static void put(const char *name, const void *data, size_t size)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

static void make_tree(void)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(root, sizeof(root), "%s/swfuzz-procfs-XXXXXX", base);
	if (!mkdtemp(root))
		abort();
	snprintf(dir, sizeof(dir), "%s/%d", root, PID);
	if (mkdir(dir, 0755))
		abort();
	put("stat", stat_text, sizeof(stat_text) - 1);
	put("smaps", smaps_text, sizeof(smaps_text) - 1);
	atexit(rm_tree);
}

static void check_stat(const uint8_t *data, size_t size)
{
	sw_proc_stat st;
	if (sw_parse_stat((const char *)data, size, &st) == 0 &&
	    (st.comm_len >= SW_COMM_MAX || st.comm[st.comm_len] != '\0'))
		abort();
	sw_proc_status ps;
	(void)sw_parse_status((const char *)data, size, &ps);
}

static void check_files(void)
{
	char buf[4096];
	ssize_t n = sw_proc_read_cmdline(root, PID, buf, sizeof(buf));
	if (n >= 0 && ((size_t)n >= sizeof(buf) || buf[n] != '\0' ||
		       memchr(buf, '\0', (size_t)n)))
		abort();
	int in = sw_proc_in_unit(root, PID, "api.service");
	if (in != 0 && in != 1 && in >= 0)
		abort();
	char path[160];
	pid_t pid;
	uid_t owner;
	snprintf(path, sizeof(path), "%s/pidfile", dir);
	if (sw_read_pidfile(path, 0, &pid, &owner) == 0 && pid <= 0)
		abort();
}

/* One selector of each kind, over the tree: matching reads the files. */
static void collect(void)
{
	static const struct {
		sw_selector_kind k;
		const char *arg;
	} sel[] = {
		{SW_SEL_COMM, "fz"}, {SW_SEL_CMDLINE, "^/usr/bin/[a-z]+ .*-D"},
		{SW_SEL_CMDLINE_SUBSTR, "myapp.jar"}, {SW_SEL_UNIT, "api.service"},
		{SW_SEL_COMM_PREFIX, "f"}, {SW_SEL_COMM_SUFFIX, "z"},
		{SW_SEL_PID, "4242"},
	};
	char err[128], pidfile[160];
	sw_groupset_opts o = {.proc_root = root, .max_names = 8,
			      .count_sockets = 1};
	sw_groupset *gs = sw_groupset_new(&o);
	if (!gs)
		abort();
	for (size_t i = 0; i < sizeof(sel) / sizeof(sel[0]); i++)
		if (sw_groupset_add(gs, i & 1 ? "a" : "b", sel[i].k, sel[i].arg,
				    err, sizeof(err)))
			abort();
	snprintf(pidfile, sizeof(pidfile), "%s/pidfile", dir);
	if (sw_groupset_add(gs, "p", SW_SEL_PIDFILE, pidfile, err, sizeof(err)))
		abort();
	if (sw_groupset_collect(gs, NULL, NULL) < 0)
		abort();
	for (size_t g = 0; g < sw_groupset_size(gs); g++)
		if (sw_groupset_get(gs, g)->live.processes > 1)
			abort();  /* one process in the tree */
	sw_groupset_free(gs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!root[0])
		make_tree();
	check_stat(data, size);
	put("status", data, size);
	put("cmdline", data, size);
	put("cgroup", data, size);
	put("pidfile", data, size);
	check_files();
	collect();
	return 0;
}
