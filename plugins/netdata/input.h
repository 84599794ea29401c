/* input.h - Netdata's requests on the plugin's stdin (FUNCTION lines),
 * read without blocking the collection: the main loop polls in->fd while it
 * waits for its next tick and calls nd_input_read() when it is readable.
 *
 * A line longer than ND_LINE_MAX is discarded up to its newline, with one
 * log line. Netdata never writes one, so whoever does is not owed our CPU:
 * past ND_DISCARD_PER_TICK bytes discarded in one update interval, stdin
 * is not polled again until the next (nd_input_wanted), and the writer
 * waits on a full pipe instead of the plugin spinning on it. */
#ifndef ND_INPUT_H
#define ND_INPUT_H

#include <stddef.h>

/* Netdata's own line limit for this protocol. */
#define ND_LINE_MAX 15360
#define ND_DISCARD_PER_TICK (4 * ND_LINE_MAX)

typedef void (*nd_line_fn)(void *ctx, char *line);

typedef struct {
	int fd;                  /* -1 once stdin is closed */
	int skipping;            /* inside a line longer than ND_LINE_MAX */
	size_t discarded;        /* bytes of it discarded this interval */
	size_t len;
	char buf[ND_LINE_MAX + 1];
} nd_input;

void nd_input_init(nd_input *in, int fd);

/* nd_input_read - read what in->fd has (it polled readable) and pass each
 * complete line (newline removed, NUL-terminated) to fn. A closed stdin is
 * logged once and in->fd becomes -1. */
void nd_input_read(nd_input *in, nd_line_fn fn, void *ctx);

/* nd_input_feed - the same for len bytes at data, as if read from fd:
 * the parser alone, for tests and fuzzers. */
void nd_input_feed(nd_input *in, const char *data, size_t len, nd_line_fn fn,
		   void *ctx);

/* nd_input_wanted - the fd to poll now, or -1 (closed, or enough
 * discarded this interval). */
int nd_input_wanted(const nd_input *in);

/* nd_input_tick - a new update interval begins. */
void nd_input_tick(nd_input *in);

#endif
