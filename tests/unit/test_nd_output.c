/* test_nd_output.c - the Netdata plugin's stdout writer (output.h) on a
 * real pipe shrunk to one page: a batch larger than the pipe is written
 * whole and in order across several flushes, a function answer queued
 * behind it comes after it, a queue over ND_OUTPUT_QUEUE_MAX drops the
 * answer and keeps the rest, skips are counted and the episode ends when
 * the queue drains, a closed reader is EPIPE, and a regular file (no
 * O_NONBLOCK) takes everything at once. */
#include "fixture.h"
#include "output.h"

#include <fcntl.h>
#include <signal.h>

/* A pipe shrunk to one page, its write end given to an nd_output. */
typedef struct {
	int r, w;
	nd_output o;
} piped;

static int setup_pipe(void **state)
{
	static piped p;
	int fd[2];
	if (pipe(fd) || fcntl(fd[1], F_SETPIPE_SZ, 4096) < 4096 ||
	    fcntl(fd[0], F_SETFL, O_NONBLOCK))
		return -1;
	p.r = fd[0];
	p.w = fd[1];
	nd_output_init(&p.o, p.w);
	*state = &p;
	return 0;
}

static int teardown_pipe(void **state)
{
	piped *p = *state;
	nd_output_free(&p->o);
	if (p->r >= 0)
		close(p->r);
	close(p->w);
	return 0;
}

/* read_all - everything the pipe holds now, appended to buf at *len. */
static void read_all(int fd, char *buf, size_t cap, size_t *len)
{
	ssize_t n;
	while (*len < cap && (n = read(fd, buf + *len, cap - *len)) > 0)
		*len += (size_t)n;
}

#define LINE 14   /* "TAG NNNNNNNN\n" */

/* drain - read the pipe and flush until nothing is queued; the number of
 * rounds it took. */
static int drain(piped *p, char *buf, size_t cap, size_t *len)
{
	int rounds = 0;
	while (nd_output_busy(&p->o)) {
		read_all(p->r, buf, cap, len);
		nd_output_flush(&p->o);
		assert_true(++rounds < 100);
	}
	read_all(p->r, buf, cap, len);
	return rounds;
}

/* batch_size - the bytes batch(tag, bytes) writes: whole lines. */
static size_t batch_size(size_t bytes)
{
	return (bytes + LINE - 1) / LINE * LINE;
}

/* batch - a batch of lines "TAG NNNNNNNN\n", batch_size(bytes) long. */
static void batch(nd_output *o, const char *tag, size_t bytes)
{
	FILE *f = nd_output_batch(o);
	assert_non_null(f);
	for (size_t i = 0; i * LINE < bytes; i++)
		fprintf(f, "%s %08zu\n", tag, i);
}

/* expect_lines - buf holds exactly the lines of batch(tag, bytes). */
static const char *expect_lines(const char *buf, const char *tag, size_t bytes)
{
	char want[32];
	for (size_t i = 0; i * LINE < bytes; i++) {
		int n = snprintf(want, sizeof(want), "%s %08zu\n", tag, i);
		assert_memory_equal(buf, want, (size_t)n);
		buf += n;
	}
	return buf;
}

static void test_large_batch_whole_and_in_order(void **state)
{
	piped *p = *state;
	nd_output *o = &p->o;
	static char got[1 << 17];
	size_t len = 0;
	assert_true(fcntl(p->w, F_GETFL) & O_NONBLOCK);
	batch(o, "AAAA", 40000);           /* ten times the pipe */
	assert_int_equal(nd_output_send(o), 0);
	assert_true(nd_output_busy(o));
	/* An answer sent meanwhile queues behind, never in between. */
	batch(o, "FUNC", 3000);
	assert_int_equal(nd_output_send(o), 0);
	assert_true(drain(p, got, sizeof(got), &len) > 5);  /* several writes */
	const char *end = expect_lines(got, "AAAA", 40000);
	end = expect_lines(end, "FUNC", 3000);
	assert_int_equal((size_t)(end - got), len);
	assert_false(o->closed);
}

static void test_skips_counted_and_episode_ends(void **state)
{
	piped *p = *state;
	nd_output *o = &p->o;
	static char got[1 << 16];
	size_t len = 0;
	batch(o, "BBBB", 20000);
	nd_output_send(o);
	assert_true(nd_output_busy(o));
	assert_true(o->full_since > 0);
	nd_output_skip(o);
	assert_false(o->full_logged);       /* one skip: a busy moment */
	nd_output_skip(o);
	nd_output_skip(o);
	assert_true(o->full_logged);
	assert_int_equal(o->skipped, 3);
	drain(p, got, sizeof(got), &len);
	assert_int_equal(len, batch_size(20000));
	assert_int_equal(o->skipped, 0);
	assert_false(o->full_logged);
	assert_true(o->full_since == 0);
}

static void test_queue_bound_drops_the_answer(void **state)
{
	nd_output *o = &((piped *)*state)->o;
	batch(o, "CCCC", ND_OUTPUT_QUEUE_MAX - 8192);
	nd_output_send(o);
	size_t queued = o->queue_len - o->queue_off;
	assert_true(queued > 0);           /* the pipe took one page at most */
	batch(o, "DROP", 16384);           /* would pass the bound */
	nd_output_send(o);
	assert_int_equal(o->queue_len - o->queue_off, queued);
	batch(o, "KEEP", 1000);            /* still fits */
	nd_output_send(o);
	assert_int_equal(o->queue_len - o->queue_off, queued + batch_size(1000));
}

static void test_closed_reader_is_epipe(void **state)
{
	piped *p = *state;
	close(p->r);
	p->r = -1;
	batch(&p->o, "GONE", 100);
	assert_int_equal(nd_output_send(&p->o), -1);
	assert_true(p->o.closed);
	assert_int_equal(nd_output_send(&p->o), -1);   /* stays closed */
}

static void test_regular_file_blocking_and_whole(void **state)
{
	(void)state;
	char path[] = "/tmp/test_nd_output.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	nd_output o;
	nd_output_init(&o, fd);
	assert_false(fcntl(fd, F_GETFL) & O_NONBLOCK);
	batch(&o, "FILE", 50000);
	assert_int_equal(nd_output_send(&o), 0);
	assert_false(nd_output_busy(&o));
	static char got[1 << 16];
	ssize_t n = pread(fd, got, sizeof(got), 0);
	assert_true(n > 0);
	assert_int_equal((size_t)(expect_lines(got, "FILE", 50000) - got),
			 (size_t)n);
	nd_output_free(&o);
	close(fd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);   /* as the plugin's main() does */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_large_batch_whole_and_in_order,
						setup_pipe, teardown_pipe),
		cmocka_unit_test_setup_teardown(test_skips_counted_and_episode_ends,
						setup_pipe, teardown_pipe),
		cmocka_unit_test_setup_teardown(test_queue_bound_drops_the_answer,
						setup_pipe, teardown_pipe),
		cmocka_unit_test_setup_teardown(test_closed_reader_is_epipe,
						setup_pipe, teardown_pipe),
		cmocka_unit_test(test_regular_file_blocking_and_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
