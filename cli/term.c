/* term.c - see term.h. The only file-scope state is the two flags the
 * signal handlers set: a handler can do nothing else safely. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "term.h"

volatile sig_atomic_t term_stop, term_resized;

static void on_stop(int sig)
{
	(void)sig;
	term_stop = 1;
}

static void on_winch(int sig)
{
	(void)sig;
	term_resized = 1;
}

static void handle(int sig, void (*fn)(int), struct sigaction *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, old);   /* no SA_RESTART: poll returns EINTR */
}

int term_open(cli_term *t)
{
	memset(t, 0, sizeof(*t));
	t->keys_fd = -1;
	handle(SIGINT, on_stop, &t->old_int);
	handle(SIGTERM, on_stop, &t->old_term);
	handle(SIGWINCH, on_winch, &t->old_winch);
	if (isatty(0) && tcgetattr(0, &t->saved) == 0) {
		struct termios raw = t->saved;
		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		if (tcsetattr(0, TCSAFLUSH, &raw) == 0) {
			t->raw = 1;
			t->keys_fd = 0;
		}
	}
	fputs("\033[?1049h\033[?25l", stdout);   /* alternate screen, no cursor */
	fflush(stdout);
	t->screen = 1;
	return 0;
}

void term_close(cli_term *t)
{
	if (t->screen) {
		fputs("\033[?25h\033[?1049l", stdout);
		fflush(stdout);
	}
	if (t->raw)
		tcsetattr(0, TCSAFLUSH, &t->saved);
	sigaction(SIGINT, &t->old_int, NULL);
	sigaction(SIGTERM, &t->old_term, NULL);
	sigaction(SIGWINCH, &t->old_winch, NULL);
	t->raw = t->screen = 0;
}

int term_key(cli_term *t, int ms)
{
	struct pollfd p = {.fd = t->keys_fd, .events = POLLIN};
	if (t->keys_fd < 0) {
		poll(NULL, 0, ms);
		return 0;
	}
	int r = poll(&p, 1, ms);
	if (r <= 0)
		return 0;   /* timeout, or EINTR from a signal */
	unsigned char c;
	ssize_t n = read(t->keys_fd, &c, 1);
	if (n == 1)
		return c;
	return n == 0 ? -1 : 0;
}

void term_size(int *rows, int *cols)
{
	struct winsize ws;
	*rows = 24;
	*cols = 80;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}
