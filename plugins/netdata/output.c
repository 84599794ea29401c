/* output.c - see output.h. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "heartbeat.h"
#include "log.h"

void nd_output_init(nd_output *o, int fd)
{
	struct stat st;
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		int fl = fcntl(fd, F_GETFL);
		if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
			nd_log(ND_ERROR, "stdout: cannot make it non-blocking "
			       "(%s): a full pipe will block the plugin",
			       strerror(errno));
	}
}

FILE *nd_output_batch(nd_output *o)
{
	if (!o->batch) {
		/* One stream for the plugin's life, rewound after each batch:
		 * no allocation per cycle once it has grown to the largest. */
		o->batch = open_memstream(&o->batch_buf, &o->batch_len);
		if (!o->batch)
			nd_log(ND_ERROR, "stdout: out of memory for a batch");
	}
	o->in_batch = o->batch != NULL;
	return o->batch;
}

int nd_output_busy(const nd_output *o)
{
	return o->queue_len > o->queue_off;
}

static void closed(nd_output *o, int err)
{
	if (!o->closed)
		nd_log(ND_INFO, "stdout closed (%s): exiting", strerror(err));
	o->closed = 1;
}

/* drained - the queue emptied: end a full episode with a line saying
 * what it cost. */
static void drained(nd_output *o)
{
	o->queue_len = o->queue_off = 0;
	if (o->full_logged)
		nd_log(ND_INFO, "stdout: Netdata reads again after %.1f s: "
		       "%lu updates skipped", nd_mono_s() - o->full_since,
		       o->skipped);
	if (o->dropped)
		nd_log(ND_INFO, "stdout: %lu batches were dropped while Netdata "
		       "did not read", o->dropped);
	o->dropped = 0;
	o->full_since = 0;
	o->skipped = 0;
	o->full_logged = 0;
}

/* write_direct - write from buf what fd takes now; the bytes written. */
static size_t write_direct(nd_output *o, const char *buf, size_t len)
{
	size_t done = 0;
	while (done < len && !o->closed) {
		ssize_t n = write(o->fd, buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			o->written += (uint64_t)n;
		}
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		else
			closed(o, n < 0 ? errno : EPIPE);
	}
	return done;
}

void nd_output_flush(nd_output *o)
{
	if (nd_output_busy(o))
		o->queue_off += write_direct(o, o->queue + o->queue_off,
					     o->queue_len - o->queue_off);
	if (!o->closed && !nd_output_busy(o))
		drained(o);
}

/* enqueue - append len bytes at buf to the queue (compacted first; the
 * capacity only grows). */
static int enqueue(nd_output *o, const char *buf, size_t len)
{
	if (o->queue_off) {
		memmove(o->queue, o->queue + o->queue_off,
			o->queue_len - o->queue_off);
		o->queue_len -= o->queue_off;
		o->queue_off = 0;
	}
	if (o->queue_len + len > o->queue_cap) {
		size_t cap = o->queue_cap ? o->queue_cap : 65536;
		while (cap < o->queue_len + len)
			cap *= 2;
		char *q = realloc(o->queue, cap);
		if (!q)
			return -1;
		o->queue = q;
		o->queue_cap = cap;
	}
	memcpy(o->queue + o->queue_len, buf, len);
	o->queue_len += len;
	return 0;
}

int nd_output_send(nd_output *o)
{
	if (!o->in_batch)
		return o->closed ? -1 : 0;
	o->in_batch = 0;
	if (fflush(o->batch) != 0) {
		nd_log(ND_ERROR, "stdout: out of memory: a batch was lost");
	} else if (!nd_output_busy(o)) {
		size_t done = write_direct(o, o->batch_buf, o->batch_len);
		if (!o->closed && done < o->batch_len &&
		    enqueue(o, o->batch_buf + done, o->batch_len - done) < 0)
			nd_log(ND_ERROR, "stdout: out of memory: %zu bytes of an "
			       "update were lost", o->batch_len - done);
	} else if (o->queue_len - o->queue_off + o->batch_len >
		   ND_OUTPUT_QUEUE_MAX) {
		if (!o->dropped++)
			nd_log(ND_ERROR, "stdout: %zu bytes wait for Netdata: "
			       "a batch of %zu bytes was dropped (and others "
			       "after it, counted until it reads)",
			       o->queue_len - o->queue_off, o->batch_len);
	} else if (enqueue(o, o->batch_buf, o->batch_len) < 0) {
		nd_log(ND_ERROR, "stdout: out of memory: a batch of %zu bytes "
		       "was lost", o->batch_len);
	}
	fseeko(o->batch, 0, SEEK_SET);
	if (nd_output_busy(o) && !o->full_since)
		o->full_since = nd_mono_s();
	else if (!nd_output_busy(o))
		drained(o);
	return o->closed ? -1 : 0;
}

int nd_output_moving(nd_output *o)
{
	int moved = o->written != o->written_seen;
	o->written_seen = o->written;
	return moved;
}

void nd_output_skip(nd_output *o)
{
	/* The first skip may be a daemon busy for a moment: say nothing
	 * until a second interval has passed with the bytes still there. */
	if (++o->skipped >= 2 && !o->full_logged) {
		o->full_logged = 1;
		nd_log(ND_ERROR, "stdout: Netdata has not read the last %zu "
		       "bytes for %.1f s: skipping updates until it does",
		       o->queue_len - o->queue_off, nd_mono_s() - o->full_since);
	}
}

void nd_output_free(nd_output *o)
{
	if (o->batch)
		fclose(o->batch);
	free(o->batch_buf);
	free(o->queue);
}
