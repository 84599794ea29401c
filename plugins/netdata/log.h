/* log.h - stderr log lines in Netdata's plugin format, which the daemon
 * copies into its error.log:
 *   2026-11-25 10:32:00: smaps.plugin ERROR : MAIN : message */
#ifndef ND_LOG_H
#define ND_LOG_H

#include "smapwatch/ratelimit.h"

typedef enum { ND_INFO, ND_ERROR, ND_FATAL } nd_level;

void nd_log(nd_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* nd_log_reported - an ERROR line as a sw_report verdict says: written
 * (SW_REPORT_LOG), replaced by "too many errors: silent until the next
 * hour" (SW_REPORT_LAST) or dropped, so a process failing every cycle
 * cannot flood error.log. */
void nd_log_reported(sw_report_verdict v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
