/* output.h - the plugin's stdout to Netdata. Protocol text is built one
 * batch at a time in memory (a cycle's updates, a function's answer) and
 * written without blocking when stdout is a pipe or a socket, so a Netdata
 * that stops reading costs skipped updates and one log line, never a
 * plugin stuck in write(2) with its function calls unanswered.
 *
 * Batches are never cut: what write(2) did not take stays queued and is
 * written whole before anything else, so Netdata never sees half a line.
 * The caller skips a cycle's updates while bytes are queued and Netdata
 * has not read any since the last cycle (see nd_output_moving) rather
 * than queueing them: old values are worthless and the queue stays
 * bounded by one cycle plus function answers. While Netdata reads (a
 * long answer), updates are queued behind and flow. */
#ifndef ND_OUTPUT_H
#define ND_OUTPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Queued bytes beyond which a function answer is dropped (logged). */
#define ND_OUTPUT_QUEUE_MAX (16u << 20)

typedef struct {
	int fd;
	int closed;          /* a write failed for good (EPIPE: Netdata left) */
	FILE *batch;         /* memstream of the batches, rewound after each */
	char *batch_buf;
	size_t batch_len;
	int in_batch;        /* nd_output_batch was called, not yet sent */
	char *queue;         /* bytes written to us, not yet to fd */
	size_t queue_len, queue_off, queue_cap;
	double full_since;   /* monotonic time bytes were first left queued */
	unsigned long skipped;   /* updates skipped since then */
	int full_logged;     /* the episode was logged: log its end too */
	unsigned long dropped;   /* batches dropped in the episode */
	uint64_t written, written_seen;  /* bytes written; at the last
				  * nd_output_moving */
} nd_output;

/* nd_output_init - take fd over; O_NONBLOCK is set only on a pipe or a
 * socket (a terminal's open file is shared with the shell). SIGPIPE must
 * be ignored: a reader gone is seen as EPIPE. */
void nd_output_init(nd_output *o, int fd);

/* nd_output_batch - a stream for the next batch (the same one until
 * nd_output_send); NULL when out of memory (logged). */
FILE *nd_output_batch(nd_output *o);

/* nd_output_send - end the batch, queue it and write what fd takes now.
 * Returns -1 once stdout is closed (logged once), else 0. */
int nd_output_send(nd_output *o);

/* nd_output_flush - write queued bytes while fd takes them (on POLLOUT). */
void nd_output_flush(nd_output *o);

/* nd_output_busy - bytes are still queued from an earlier batch. */
int nd_output_busy(const nd_output *o);

/* nd_output_moving - bytes were written since the last call: Netdata is
 * reading (a long answer, say), not stuck. */
int nd_output_moving(nd_output *o);

/* nd_output_skip - count an update skipped because bytes are still
 * queued. An episode of two skips or more is logged once when it starts
 * (ERROR) and once when Netdata reads again (INFO, with the count). */
void nd_output_skip(nd_output *o);

void nd_output_free(nd_output *o);

#endif
