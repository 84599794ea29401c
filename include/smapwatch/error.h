/* error.h - result codes shared by every smapwatch module.
 *
 * Functions return 0 (or a count) on success and a negative code on failure:
 * either -errno from a system call (-ENOENT, -EACCES, -ESRCH, ...) or one of
 * the SW_E* codes below, all of which lie outside the errno range. */
#ifndef SMAPWATCH_ERROR_H
#define SMAPWATCH_ERROR_H

enum {
	SW_EBASE = 4096,
	SW_ETRUNC,     /* input ended in the middle of a line or a mapping */
	SW_ESYNTAX,    /* a line that is not in the kernel's smaps format */
	SW_ERANGE,     /* a number that does not fit 64 bits once in bytes */
	SW_ETOOLONG,   /* a line longer than SW_LINE_MAX */
	SW_EDUPFIELD,  /* the same field twice in one mapping */
	SW_ENOFIELDS,  /* a mapping header with no Rss line after it */
	SW_ENOMM,      /* no address space: a zombie or a kernel thread */
	SW_ECHANGED,   /* the process exited or its pid was reused mid-read */
	SW_ELIMIT,     /* a configured bound was reached */
	SW_ESLOW,      /* a smaps read took longer than its budget */
	SW_EUNSAFE,    /* a pidfile not to be trusted (type or owner) */
	SW_ECAPPED,    /* Rss over the cap: only its status is read */
	SW_ESTALE,     /* a pidfile older than the process it names */
	SW_ENOTPROC,   /* a proc root that is not the root of a proc file
			* system, refused with raised privileges */
	SW_EMAX
};

/* sw_strerror - a short English description of code, never NULL. Accepts
 * both -errno and -SW_E* (and their positive forms). */
const char *sw_strerror(int code);

/* sw_error_is_gone - true when code means the process no longer exists
 * (exited, zombie, pid reused), which callers treat as "skip quietly". */
int sw_error_is_gone(int code);

#endif
