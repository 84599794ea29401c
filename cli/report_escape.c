/* report_escape.c - a stdio stream that keeps JSON safe inside <script>.
 * A browser ends a script element at "</script" whatever the JSON means,
 * and "<!--" changes how it scans; U+2028/U+2029 are line terminators to
 * older JavaScript. Each is written as a \u escape, which JSON reads back
 * as the same character (they can only occur inside strings). */
#include <stdlib.h>
#include "report.h"

typedef struct {
	FILE *out;
	int held;             /* bytes of E2 80 A8/A9 held back: 0, 1 or 2 */
} escaper;

static void put(escaper *e, unsigned char c)
{
	switch (c) {
	case '<': fputs("\\u003c", e->out); break;
	case '>': fputs("\\u003e", e->out); break;
	case '&': fputs("\\u0026", e->out); break;
	default: fputc(c, e->out);
	}
}

/* One byte; a held E2 or E2 80 is let go when what follows is not the
 * rest of U+2028/U+2029. */
static void feed(escaper *e, unsigned char c)
{
	if (e->held == 2 && (c == 0xa8 || c == 0xa9)) {
		fputs(c == 0xa8 ? "\\u2028" : "\\u2029", e->out);
		e->held = 0;
		return;
	}
	if (e->held == 1 && c == 0x80) {
		e->held = 2;
		return;
	}
	if (e->held)
		fputs(e->held == 2 ? "\xe2\x80" : "\xe2", e->out);
	e->held = c == 0xe2;
	if (!e->held)
		put(e, c);
}

static ssize_t esc_write(void *cookie, const char *buf, size_t n)
{
	escaper *e = cookie;
	for (size_t i = 0; i < n; i++)
		feed(e, (unsigned char)buf[i]);
	return ferror(e->out) ? -1 : (ssize_t)n;
}

static int esc_close(void *cookie)
{
	escaper *e = cookie;
	if (e->held)
		fputs(e->held == 2 ? "\xe2\x80" : "\xe2", e->out);
	int r = ferror(e->out) ? -1 : 0;
	free(e);
	return r;
}

FILE *report_escape_open(FILE *out)
{
	escaper *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->out = out;
	FILE *f = fopencookie(e, "w", (cookie_io_functions_t){
		.write = esc_write, .close = esc_close});
	if (!f)
		free(e);
	return f;
}
