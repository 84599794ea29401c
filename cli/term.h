/* term.h - the terminal of the live view: raw keys in, the screen redrawn
 * in place, and everything put back as it was on the way out. */
#ifndef SMAPWATCH_CLI_TERM_H
#define SMAPWATCH_CLI_TERM_H

#include <signal.h>
#include <termios.h>

typedef struct {
	int keys_fd;          /* -1: no keyboard (stdin not a terminal) */
	int raw;              /* termios changed, to restore */
	int screen;           /* alternate screen entered, to leave */
	struct termios saved;
	struct sigaction old_int, old_term, old_winch;
} cli_term;

/* The signals seen, set by the handlers term_open installs. */
extern volatile sig_atomic_t term_stop, term_resized;

/* term_open - keys without echo or line editing (when stdin is a
 * terminal), the alternate screen, no cursor; SIGINT and SIGTERM make
 * term_stop true, SIGWINCH term_resized. 0 or -1. */
int term_open(cli_term *t);
/* term_close - the terminal and the signal handlers as they were. */
void term_close(cli_term *t);
/* term_key - wait up to ms for a key: the byte, 0 on timeout or a signal,
 * -1 at end of input. */
int term_key(cli_term *t, int ms);
/* term_size - rows and columns of stdout (24 x 80 if unknown). */
void term_size(int *rows, int *cols);

#endif
