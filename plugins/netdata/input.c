/* input.c - see input.h. */
#include "input.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "log.h"

void nd_input_init(nd_input *in, int fd)
{
	in->fd = fd;
	in->skipping = 0;
	in->len = 0;
}

/* serve_lines - hand every complete line in buf to fn, keep the rest. */
static void serve_lines(nd_input *in, nd_line_fn fn, void *ctx)
{
	char *start = in->buf, *nl;
	while ((nl = memchr(start, '\n', in->len - (size_t)(start - in->buf)))) {
		*nl = '\0';
		if (!in->skipping)
			fn(ctx, start);
		in->skipping = 0;
		start = nl + 1;
	}
	in->len -= (size_t)(start - in->buf);
	memmove(in->buf, start, in->len);
	if (in->len == ND_LINE_MAX) {
		if (!in->skipping)
			nd_log(ND_ERROR, "request longer than %d bytes on stdin, "
			       "ignored", ND_LINE_MAX);
		in->skipping = 1;
		in->len = 0;
	}
}

void nd_input_read(nd_input *in, nd_line_fn fn, void *ctx)
{
	ssize_t n = read(in->fd, in->buf + in->len, ND_LINE_MAX - in->len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n < 0)
			nd_log(ND_ERROR, "reading stdin: %s", strerror(errno));
		else
			nd_log(ND_INFO, "stdin closed: no more function calls");
		/* the last line may have no newline: 2.x writes "QUIT" bare
		 * before it closes the pipe */
		if (n == 0 && in->len && !in->skipping) {
			in->buf[in->len] = '\0';
			fn(ctx, in->buf);
		}
		in->fd = -1;
		in->len = 0;
		return;
	}
	in->len += (size_t)n;
	serve_lines(in, fn, ctx);
}
