/* sums.c - each pid shown once, and the sums over a NAME's processes and
 * over every process the command line named. */
#include <errno.h>
#include <stdlib.h>
#include "cli.h"

#include "smapwatch/pid.h"

#define PID_LIMIT SW_PID_MAX_LIMIT

int cli_seen(cli *c, pid_t pid)
{
	if (pid <= 0 || pid > PID_LIMIT)
		return 0;
	if (!c->seen && !(c->seen = calloc(PID_LIMIT / 8 + 1, 1)))
		return 0;  /* out of memory: shown twice, not lost */
	unsigned char bit = (unsigned char)(1u << (pid & 7));
	int was = (c->seen[pid >> 3] & bit) != 0;
	c->seen[pid >> 3] |= bit;
	return was;
}

int cli_sum_add(cli_sum *s, pid_t pid, const sw_memsum *m)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		pid_t *more = realloc(s->pids, cap * sizeof(*more));
		if (!more)
			return -ENOMEM;
		s->pids = more;
		s->cap = cap;
	}
	s->pids[s->n++] = pid;
	sw_memsum_merge(&s->sum, m);
	return 0;
}

void cli_sums_free(cli *c)
{
	for (size_t i = 0; i < c->n_names; i++)
		free(c->names[i].pids);
	free(c->names);
	free(c->all.pids);
	free(c->seen);
}
