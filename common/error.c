#include <string.h>
#include <errno.h>
#include "smapwatch/error.h"

static const char *const sw_messages[SW_EMAX - SW_EBASE] = {
	[SW_ETRUNC - SW_EBASE] = "truncated smaps (ends mid-line or mid-mapping)",
	[SW_ESYNTAX - SW_EBASE] = "malformed smaps line",
	[SW_ERANGE - SW_EBASE] = "number out of range",
	[SW_ETOOLONG - SW_EBASE] = "line too long",
	[SW_EDUPFIELD - SW_EBASE] = "field repeated within a mapping",
	[SW_ENOFIELDS - SW_EBASE] = "mapping header without fields",
	[SW_ENOMM - SW_EBASE] = "no address space (zombie or kernel thread)",
	[SW_ECHANGED - SW_EBASE] = "process exited or pid reused during the read",
	[SW_ELIMIT - SW_EBASE] = "configured limit reached",
	[SW_ESLOW - SW_EBASE] = "smaps read over its time budget: backing off",
	[SW_EUNSAFE - SW_EBASE] = "pidfile is not a regular file owned by root "
				  "or by its process's user",
	[SW_ECAPPED - SW_EBASE] = "Rss over the cap: smaps not read",
	[SW_ESTALE - SW_EBASE] = "pidfile older than the process it names "
				 "(its pid reused since?)",
	[SW_ENOTPROC - SW_EBASE] = "not the root of a proc file system, "
				   "refused with raised privileges",
};

const char *sw_strerror(int code)
{
	if (code < 0)
		code = -code;
	if (code > SW_EBASE && code < SW_EMAX)
		return sw_messages[code - SW_EBASE];
	if (code == 0)
		return "success";
	return strerror(code);
}

int sw_error_is_gone(int code)
{
	if (code < 0)
		code = -code;
	return code == ENOENT || code == ESRCH || code == SW_ENOMM ||
	       code == SW_ECHANGED;
}
