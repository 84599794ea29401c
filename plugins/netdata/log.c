/* log.c - see log.h. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

static const char *const level_names[] = {"INFO", "ERROR", "FATAL"};

__attribute__((format(printf, 2, 0)))
static void vlog(nd_level level, const char *fmt, va_list ap)
{
	char date[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s: smaps.plugin %-5.5s : MAIN : ", date,
		level_names[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
}

void nd_log(nd_level level, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vlog(level, fmt, ap);
	va_end(ap);
}

void nd_log_reported(sw_report_verdict v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (v == SW_REPORT_LOG)
		vlog(ND_ERROR, fmt, ap);
	else if (v == SW_REPORT_LAST)
		nd_log(ND_ERROR, "too many errors: silent until the next hour");
	va_end(ap);
}
