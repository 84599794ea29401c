/* wl_common.h - shared by the capture workloads: announce readiness, then
 * idle until stdin reaches EOF, so capture.sh can read /proc/PID/smaps of a
 * process whose memory does not move. */
#ifndef WL_COMMON_H
#define WL_COMMON_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Touches every page of [p, p + len) so it counts in Rss. The empty asm
 * tells the compiler the memory is used, or it drops the memset of a
 * buffer that is freed without being read. */
static inline void wl_touch(void *p, size_t len, int byte)
{
	memset(p, byte, len);
	__asm__ volatile("" : : "r"(p) : "memory");
}

/* Prints "ready PID" and blocks until the capture script closes stdin. */
static inline void wl_ready_and_wait(void)
{
	char buf[64];
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
}

#endif
