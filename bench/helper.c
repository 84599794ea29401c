#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "helper.h"

static pid_t helper = -1;

void helper_stop(void)
{
	if (helper > 0) {
		kill(helper, SIGKILL);
		waitpid(helper, NULL, 0);
		helper = -1;
	}
}

pid_t helper_start(const char *path, const char *count)
{
	int fd[2];
	char line[64];
	long n;
	if (pipe(fd) != 0 || (helper = fork()) < 0) {
		fprintf(stderr, "bench: pipe/fork: %s\n", strerror(errno));
		return -1;
	}
	if (helper == 0) {
		dup2(fd[1], STDOUT_FILENO);
		close(fd[0]);
		close(fd[1]);
		execl(path, path, count, (char *)NULL);
		fprintf(stderr, "bench: %s: %s\n", path, strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	FILE *f = fdopen(fd[0], "r");
	int ok = f && fgets(line, sizeof(line), f) &&
		 sscanf(line, "ready %ld", &n) == 1;
	if (f)
		fclose(f);
	return ok ? helper : -1;
}
