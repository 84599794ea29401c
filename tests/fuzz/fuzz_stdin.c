/* fuzz_stdin.c - libFuzzer target for what Netdata writes on the
 * plugin's stdin: the line reader (plugins/netdata/input.c) and the
 * function calls it hands on (function.c): FUNCTION, FUNCTION_PAYLOAD ...
 * FUNCTION_PAYLOAD_END, FUNCTION_CANCEL, QUIT, anything else.
 *
 * Each input is one stdin: written to a pipe and closed, read the way the
 * plugin reads it, every call answered from the saved proc tree of
 * tests/fixtures/hostile-perms into a file. Besides "no crash, no UB, no
 * leak" it checks the protocol's promise: every answer begun is ended
 * (FUNCTION_RESULT_BEGIN and FUNCTION_RESULT_END lines pair up), however
 * the calls were cut, quoted or interleaved. Seeds: tests/fuzz/corpus-stdin
 * (calls as Netdata 1.37.1 and 2.x write them, README). */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "charts.h"
#include "function.h"
#include "input.h"
#include "options.h"
#include "output.h"
#include "smapwatch/collector.h"
#include "smapwatch/group.h"

#define TREE FIXTURES "/hostile-perms"

static sw_groupset *gs;
static nd_charts *charts;
static sw_collector *coll;
static nd_options opts;

static void setup(void)
{
	char err[128], *argv[] = {"smaps.plugin", NULL};
	signal(SIGPIPE, SIG_IGN);
	if (nd_options_parse(&opts, 1, argv))
		abort();
	sw_groupset_opts o = {.proc_root = TREE, .max_names = 8};
	gs = sw_groupset_new(&o);
	coll = sw_collector_new(NULL);
	if (!gs || !coll ||
	    sw_groupset_add(gs, "hostile", SW_SEL_CMDLINE_SUBSTR, "hostileperms",
			    err, sizeof(err)) ||
	    sw_groupset_add(gs, "we\"ird grp", SW_SEL_COMM, "hp\x1b[31m", err,
			    sizeof(err)) ||
	    sw_groupset_collect(gs, NULL, NULL) < 0)
		abort();
	charts = nd_charts_new(gs, &opts);
	if (!charts)
		abort();
}

static size_t count(const char *s, size_t n, const char *word)
{
	size_t k = 0, w = strlen(word);
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), word, w));
	     p += w)
		k += p == s || p[-1] == '\n';
	return k;
}

/* The answers written: BEGIN and END pair up. */
static void check_answers(int fd)
{
	off_t n = lseek(fd, 0, SEEK_END);
	if (n <= 0)
		return;
	char *s = mmap(NULL, (size_t)n, PROT_READ, MAP_PRIVATE, fd, 0);
	if (s == MAP_FAILED)
		abort();
	if (count(s, (size_t)n, "FUNCTION_RESULT_BEGIN ") !=
	    count(s, (size_t)n, "FUNCTION_RESULT_END\n"))
		abort();
	munmap(s, (size_t)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int p[2];
	if (!gs)
		setup();
	if (size > 60000 || pipe2(p, O_CLOEXEC))
		return 0;  /* a pipe holds 64 KiB: written whole, then closed */
	if (size && write(p[1], data, size) != (ssize_t)size)
		abort();
	close(p[1]);
	int out_fd = memfd_create("fuzz-stdin-answers", MFD_CLOEXEC);
	if (out_fd < 0)
		abort();
	nd_output out;
	nd_output_init(&out, out_fd);
	nd_function_ctx fc = {.gs = gs, .charts = charts, .coll = coll,
			      .proc_root = TREE, .update_every = 1,
			      .output = &out};
	nd_input in;
	nd_input_init(&in, p[0]);
	while (in.fd >= 0 && !fc.quit)
		nd_input_read(&in, nd_function_line, &fc);
	close(p[0]);
	nd_output_flush(&out);
	check_answers(out_fd);
	nd_output_free(&out);
	close(out_fd);
	return 0;
}
