/* pid.c - see pid.h. */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include "smapwatch/pid.h"

pid_t sw_parse_pid(const char *text, size_t len, pid_t max)
{
	long v = 0;
	if (max <= 0 || max > SW_PID_MAX_LIMIT)
		max = SW_PID_MAX_LIMIT;
	if (len == 0 || len > 7 || text[0] == '0')
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (text[i] < '0' || text[i] > '9')
			return 0;
		v = v * 10 + (text[i] - '0');
	}
	return v <= max ? (pid_t)v : 0;
}

pid_t sw_pid_max(int root_fd)
{
	char buf[16];
	int fd = openat(root_fd, "sys/kernel/pid_max",
			O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return SW_PID_MAX_LIMIT;
	ssize_t n = read(fd, buf, sizeof(buf));
	close(fd);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	/* pid_max is one more than the largest pid the kernel gives */
	pid_t v = n > 0 ? sw_parse_pid(buf, (size_t)n, SW_PID_MAX_LIMIT) : 0;
	return v > 1 ? v - 1 : SW_PID_MAX_LIMIT;
}
