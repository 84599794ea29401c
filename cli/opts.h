/* opts.h - option values shared by the leak hunt's subcommands. */
#ifndef SMAPWATCH_CLI_OPTS_H
#define SMAPWATCH_CLI_OPTS_H

#include <stdint.h>

/* cli_parse_size - "4096", "64K", "1M", "2G" (powers of 1024) into
 * bytes; -1 for anything else (a sign, a space, overflow). */
int cli_parse_size(const char *s, uint64_t *out);
/* cli_parse_categories - "heap,anon" into a mask of 1 << sw_category. */
int cli_parse_categories(const char *s, unsigned *mask);
/* cli_parse_field - a smaps field by its JSON key ("rss",
 * "private_dirty"), or -1. */
int cli_parse_field(const char *s);
/* cli_parse_seconds - a positive number of seconds (0.1 to 10^7). */
int cli_parse_seconds(const char *s, double *out);
/* cli_parse_count - a whole number in 1..max. */
int cli_parse_count(const char *s, unsigned long max, unsigned long *out);

#endif
