/* held.c - a process's output held until it is whole (see cli.h). A
 * memory stream, not stdio's buffer, so that a process failing mid-read
 * can be dropped unseen; its size is bounded by CLI_HOLD_MAPS mappings,
 * after which the rest streams (10^6 mappings held ~267 MB before). */
#include <errno.h>
#include <stdlib.h>
#include "cli.h"

int held_open(cli *c)
{
	c->held = NULL;
	c->held_len = 0;
	c->held_maps = 0;
	c->out = open_memstream(&c->held, &c->held_len);
	c->holding = c->out != NULL;
	return c->out ? 0 : -ENOMEM;
}

static void spill(cli *c)
{
	fclose(c->out);  /* sets held and held_len */
	fwrite(c->held, 1, c->held_len, stdout);
	free(c->held);
	c->held = NULL;
	c->out = stdout;
	c->holding = 0;
}

void held_mapping(cli *c)
{
	if (c->holding && ++c->held_maps >= CLI_HOLD_MAPS)
		spill(c);
}

int held_close(cli *c, int keep)
{
	if (!c->holding)
		return 1;
	if (keep) {
		spill(c);
		return 1;
	}
	fclose(c->out);
	free(c->held);
	c->held = NULL;
	c->out = NULL;
	c->holding = 0;
	return 0;
}
