/* output_file.c - an output that is whole or absent: a temporary file
 * beside the target, renamed over it once every byte is written (a
 * regular file or a new one; devices and fifos are written in place). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "console.h"

struct cli_output {
	FILE *f;
	char *path, *tmp;
};

cli_output *cli_output_open(const char *path)
{
	cli_output *o = calloc(1, sizeof(*o));
	if (!o) {
		fputs("smapwatch: out of memory\n", stderr);
		return NULL;
	}
	struct stat st;
	if (!path || !strcmp(path, "-")) {
		o->f = stdout;
		return o;
	}
	/* A device or a fifo (/dev/null, /dev/full, a pipe) is written as
	 * it is: renaming over it would replace it with a file. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		o->f = fopen(path, "w");
		o->path = strdup(path);
		if (o->f && o->path)
			return o;
		fprintf(stderr, "smapwatch: %s: %s\n", path, strerror(errno));
		if (o->f)
			fclose(o->f);
		free(o->path);
		free(o);
		return NULL;
	}
	size_t n = strlen(path);
	o->path = strdup(path);
	o->tmp = malloc(n + 8);
	int fd = -1;
	if (o->path && o->tmp) {
		memcpy(o->tmp, path, n);
		memcpy(o->tmp + n, ".XXXXXX", 8);
		fd = mkstemp(o->tmp);
	}
	if (fd >= 0)
		o->f = fdopen(fd, "w");
	if (!o->f) {
		fprintf(stderr, "smapwatch: %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->path);
		free(o->tmp);
		free(o);
		return NULL;
	}
	return o;
}

FILE *cli_output_file(cli_output *o)
{
	return o->f;
}

int cli_output_close(cli_output *o, int ok)
{
	int bad = fflush(o->f) != 0 || ferror(o->f);
	int e = errno;
	if (o->f != stdout && fclose(o->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	if (!bad && ok && o->tmp && rename(o->tmp, o->path) != 0) {
		bad = 1;
		e = errno;
	}
	if (o->tmp && (bad || !ok))
		unlink(o->tmp);
	if (bad)
		fprintf(stderr, "smapwatch: %s: %s\n",
			o->path ? o->path : "standard output", strerror(e));
	free(o->path);
	free(o->tmp);
	free(o);
	return bad ? -1 : 0;
}
