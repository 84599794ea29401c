/* log.h - stderr log lines in Netdata's plugin format, which the daemon
 * copies into its error.log:
 *   2026-11-25 10:32:00: smaps.plugin ERROR : MAIN : message */
#ifndef ND_LOG_H
#define ND_LOG_H

typedef enum { ND_INFO, ND_ERROR, ND_FATAL } nd_level;

void nd_log(nd_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* nd_log_limited - the same, but at most `ND_LOG_BURST` lines per hour
 * per *budget, so a process failing every cycle cannot flood error.log. */
typedef struct {
	long window;     /* hour (epoch / 3600) the count belongs to */
	int count;
} nd_log_budget;

#define ND_LOG_BURST 20

void nd_log_limited(nd_log_budget *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
