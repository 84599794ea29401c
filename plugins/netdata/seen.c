/* seen.c - see seen.h. */
#include "seen.h"

int nd_seen_add(nd_seen *s, pid_t pid, uint64_t start_time)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->e[i].pid == pid && s->e[i].start_time == start_time)
			return 0;
	s->e[s->next].pid = pid;
	s->e[s->next].start_time = start_time;
	s->next = (s->next + 1) % ND_SEEN_MAX;
	if (s->n < ND_SEEN_MAX)
		s->n++;
	return 1;
}
