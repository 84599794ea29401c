/* ratelimit.c - see ratelimit.h. */
#include "smapwatch/ratelimit.h"

static int seen(const sw_report *r, pid_t pid, uint64_t start_time)
{
	for (size_t i = 0; i < r->nseen; i++)
		if (r->seen[i].pid == pid && r->seen[i].start_time == start_time)
			return 1;
	return 0;
}

sw_report_verdict sw_report_line(sw_report *r, time_t now)
{
	long hour = (long)(now / 3600);
	if (hour != r->hour) {
		r->hour = hour;
		r->lines = 0;
	}
	if (r->lines > SW_REPORT_BURST)
		return SW_REPORT_SKIP;
	return r->lines++ < SW_REPORT_BURST ? SW_REPORT_LOG : SW_REPORT_LAST;
}

sw_report_verdict sw_report_process(sw_report *r, pid_t pid,
				    uint64_t start_time, time_t now)
{
	if (seen(r, pid, start_time))
		return SW_REPORT_SKIP;
	sw_report_verdict v = sw_report_line(r, now);
	if (v != SW_REPORT_LOG)
		return v;
	r->seen[r->next].pid = pid;
	r->seen[r->next].start_time = start_time;
	r->next = (r->next + 1) % SW_REPORT_SEEN;
	if (r->nseen < SW_REPORT_SEEN)
		r->nseen++;
	return SW_REPORT_LOG;
}
