/* subcmd.c - `smapwatch SUBCOMMAND ...`: the leak hunt's commands. A
 * first argument naming one of them runs it with argv from there on;
 * anything else is the classic `smapwatch [OPTION]... [PID|NAME]...`. */
#include <string.h>
#include "console.h"
#include "report.h"

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} subcommands[] = {
	{"snapshot", cli_snapshot_main},
	{"diff", cli_diff_main},
	{"findings", cli_findings_main},
	{"top", cli_top_main},
	{"report", cli_report},
};

int cli_subcommand(int argc, char **argv, int *status)
{
	if (argc < 2)
		return 0;
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(*subcommands); i++)
		if (!strcmp(argv[1], subcommands[i].name)) {
			*status = subcommands[i].run(argc - 1, argv + 1);
			return 1;
		}
	return 0;
}
