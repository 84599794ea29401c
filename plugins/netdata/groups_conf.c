/* groups_conf.c - see groups_conf.h. */
#include "groups_conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"
#include "smapwatch/caller.h"

#define LINE_MAX_BYTES 4096

int nd_groups_find(char *out, size_t size, const char *user_dir,
		   const char *stock_dir)
{
	const char *dirs[2] = {user_dir, stock_dir};
	for (int i = 0; i < 2; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(out, size, "%s/%s", dirs[i], ND_GROUPS_FILE);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/* next_word - the next blank-separated or quoted word of *s, NUL-terminated
 * in place; NULL at the end of the line or at a comment. */
static char *next_word(char **s, int *unterminated)
{
	char *p = *s + strspn(*s, " \t\r\n");
	if (!*p || *p == '#')
		return NULL;
	char *w = p, *end;
	if (*p == '\'' || *p == '"') {
		w = p + 1;
		end = strchr(w, *p);
		*unterminated = !end;
		if (!end)
			end = w + strlen(w);
	} else {
		end = p + strcspn(p, " \t\r\n");
	}
	*s = *end ? end + 1 : end;
	*end = '\0';
	return w;
}

/* classify - the selector for one apps_groups.conf pattern; moves *arg
 * past the '*' or the prefix. */
static sw_selector_kind classify(char **arg)
{
	char *a = *arg;
	size_t n = strlen(a);
	if (!strncmp(a, "pidfile:", 8)) {
		*arg = a + 8;
		return SW_SEL_PIDFILE;
	}
	if (!strncmp(a, "unit:", 5)) {
		*arg = a + 5;
		return SW_SEL_UNIT;
	}
	if (n >= 2 && a[0] == '*' && a[n - 1] == '*') {
		a[n - 1] = '\0';
		*arg = a + 1;
		return SW_SEL_CMDLINE_SUBSTR;
	}
	if (n >= 1 && a[0] == '*') {
		*arg = a + 1;
		return SW_SEL_COMM_SUFFIX;
	}
	if (n >= 1 && a[n - 1] == '*') {
		a[n - 1] = '\0';
		return SW_SEL_COMM_PREFIX;
	}
	return SW_SEL_COMM;
}

static int add_pattern(sw_groupset *gs, const char *group, char *pat,
		       const char *where)
{
	char err[256];
	if (*pat == '+')
		pat++;
	sw_selector_kind k = classify(&pat);
	if (!*pat) {
		nd_log(ND_ERROR, "%s: empty pattern in group '%s', ignored",
		       where, group);
		return 0;
	}
	if (sw_groupset_add(gs, group, k, pat, err, sizeof(err)) < 0) {
		nd_log(ND_ERROR, "%s: %s, ignored", where, err);
		return 0;
	}
	return 1;
}

/* parse_line - one line; returns the patterns added. */
static int parse_line(sw_groupset *gs, char *line, const char *where)
{
	char *s = line + strspn(line, " \t\r\n");
	if (!*s || *s == '#')
		return 0;
	char *colon = strchr(s, ':');
	if (!colon) {
		nd_log(ND_ERROR, "%s: no 'group:' at the start, line ignored",
		       where);
		return 0;
	}
	*colon = '\0';
	char *group = s + (*s == '-');
	size_t glen = strcspn(group, " \t");
	if (!glen || group[glen + strspn(group + glen, " \t")]) {
		nd_log(ND_ERROR, "%s: bad group name, line ignored", where);
		return 0;
	}
	group[glen] = '\0';
	int added = 0, unterminated = 0;
	char *rest = colon + 1, *w;
	while ((w = next_word(&rest, &unterminated)))
		added += add_pattern(gs, group, w, where);
	if (unterminated)
		nd_log(ND_ERROR, "%s: unterminated quote", where);
	return added;
}

/* open_regular - a read-only FILE of path, a regular file (a FIFO would
 * block us, a device's open may act), opened with the caller's rights
 * only when as_caller. NULL and *err = -errno otherwise. */
static FILE *open_regular(const char *path, int as_caller, int *err)
{
	struct stat st;
	int fd = sw_caller_open(path, O_RDONLY | O_NONBLOCK, as_caller);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		*err = -EINVAL;
		return NULL;
	}
	FILE *f = fdopen(fd, "r");
	if (!f) {
		*err = -errno;
		close(fd);
	}
	return f;
}

int nd_groups_load(sw_groupset *gs, const char *path, int as_caller)
{
	int r;
	FILE *f = open_regular(path, as_caller, &r);
	if (!f)
		return r;
	char line[LINE_MAX_BYTES], where[4200];
	int added = 0;
	for (unsigned n = 1; fgets(line, sizeof(line), f); n++) {
		snprintf(where, sizeof(where), "%s:%u", path, n);
		if (!strchr(line, '\n') && !feof(f)) {
			nd_log(ND_ERROR, "%s: line too long, ignored", where);
			int c;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		added += parse_line(gs, line, where);
	}
	int bad = ferror(f);
	fclose(f);
	return bad ? -EIO : added;
}
