/* input.h - Netdata's requests on the plugin's stdin (FUNCTION lines),
 * read without blocking the collection: the main loop polls in->fd while it
 * waits for its next tick and calls nd_input_read() when it is readable. */
#ifndef ND_INPUT_H
#define ND_INPUT_H

#include <stddef.h>

/* Netdata's own line limit for this protocol. */
#define ND_LINE_MAX 15360

typedef void (*nd_line_fn)(void *ctx, char *line);

typedef struct {
	int fd;                  /* -1 once stdin is closed */
	int skipping;            /* inside a line longer than ND_LINE_MAX */
	size_t len;
	char buf[ND_LINE_MAX + 1];
} nd_input;

void nd_input_init(nd_input *in, int fd);

/* nd_input_read - read what in->fd has (it polled readable) and pass each
 * complete line (newline removed, NUL-terminated) to fn. A closed stdin is
 * logged once and in->fd becomes -1. */
void nd_input_read(nd_input *in, nd_line_fn fn, void *ctx);

#endif
