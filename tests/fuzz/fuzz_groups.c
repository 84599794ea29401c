/* fuzz_groups.c - libFuzzer target for the Netdata plugin's groups file
 * (plugins/netdata/groups_conf.c, the syntax of apps_groups.conf).
 *
 * Each input is written to a file and loaded into a new groupset: a bad
 * line is logged and skipped (stderr is closed by -close_fd_mask=2), and
 * what is added must then be collectable over a small proc tree (the
 * saved one of tests/fixtures/hostile-perms). It checks the promise of
 * nd_groups_load: a count of patterns added or -errno, never more
 * patterns than the file has words. Seeds: tests/fuzz/corpus-groups
 * (README). */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "groups_conf.h"
#include "smapwatch/group.h"

static char path[64];

static void rm_file(void)
{
	unlink(path);
}

static void put(const uint8_t *data, size_t size)
{
	if (!path[0]) {
		const char *b = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(path, sizeof(path), "%s/swfuzz-groups-XXXXXX", b);
		int fd = mkstemp(path);
		if (fd < 0)
			abort();
		close(fd);
		atexit(rm_file);
	}
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	put(data, size);
	sw_groupset_opts o = {.proc_root = FIXTURES "/hostile-perms"};
	sw_groupset *gs = sw_groupset_new(&o);
	if (!gs)
		abort();
	int n = nd_groups_load(gs, path, 0);
	if (n > 0 && (size_t)n > size / 2 + 1)
		abort();  /* a pattern is at least one byte and a separator */
	if (n >= 0 && sw_groupset_collect(gs, NULL, NULL) < 0)
		abort();
	sw_groupset_free(gs);
	return 0;
}
