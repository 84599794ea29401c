/* conf.h - the <Plugin smaps> block, read the way collectd's processes
 * plugin reads its own: keys case-insensitive, Process/ProcessMatch/PidFile
 * /Unit each adding a selector to a named group. */
#ifndef SMAPS_CD_CONF_H
#define SMAPS_CD_CONF_H

#include <stddef.h>
#include "smapwatch/group.h"
#include "smapwatch/settings.h"
#include "names.h"

typedef struct {
	char *group;
	sw_selector_kind kind;
	char *arg;
	const char *option;      /* the config key, for error messages */
} cd_selector;

typedef struct {
	int collect_libraries;
	int collect_named;
	int count_sockets;
	size_t max_subtotals;
	double growth_window;    /* seconds */
	sw_settings tier;        /* tiered collection and warm-up
				  * (settings.h) */
	char **allow_large;      /* groups exempt from the cap */
	size_t nallow;
	double steady_r2;        /* r2 from which growth counts as steady */
	char *proc_root;
	cd_selector *sels;
	size_t nsels;
	cd_select select;        /* Fields, Categories, Signals */
	int failed;              /* an error was logged: refuse to init */
} cd_conf;

/* cd_conf_defaults - the documented defaults. */
void cd_conf_defaults(cd_conf *c);

/* cd_conf_read - adds one <Plugin smaps> block to c. Each problem is
 * logged as one ERROR line naming the option and sets c->failed. Always
 * returns 0: a non-zero return would make collectd give up reading its
 * whole configuration, where only this plugin should step aside. */
int cd_conf_read(cd_conf *c, const void *oconfig_item);

/* cd_conf_groupset - a groupset with every selector of c, collected every
 * `interval` seconds, or NULL after logging why. */
sw_groupset *cd_conf_groupset(const cd_conf *c, double interval);

void cd_conf_free(cd_conf *c);

#endif
