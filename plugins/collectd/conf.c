#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include <regex.h>

#include "conf.h"
#include "smapwatch/growth.h"

#define MAX_SUBTOTALS_LIMIT 64

void cd_conf_defaults(cd_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->count_sockets = 1;
	c->max_subtotals = 10;
	c->growth_window = 3600;
	sw_settings_default(&c->tier);
	c->steady_r2 = 0.9;
	/* Tiering: the core's defaults (group.h says why). */
	cd_select_defaults(&c->select);
}

static int string_args(cd_conf *c, const oconfig_item_t *ci, int n)
{
	int ok = ci->values_num == n;
	for (int i = 0; ok && i < n; i++)
		ok = ci->values[i].type == OCONFIG_TYPE_STRING &&
		     ci->values[i].value.string[0] != '\0';
	if (!ok) {
		ERROR("smaps plugin: %s expects %s non-empty string argument%s.",
		      ci->key, n == 1 ? "one" : "two", n == 1 ? "" : "s");
		c->failed = 1;
	}
	return ok;
}

static int get_bool(cd_conf *c, const oconfig_item_t *ci, int *out)
{
	if (ci->values_num != 1 || ci->values[0].type != OCONFIG_TYPE_BOOLEAN) {
		ERROR("smaps plugin: %s expects a boolean (true or false).", ci->key);
		c->failed = 1;
		return 0;
	}
	*out = ci->values[0].value.boolean ? 1 : 0;
	return 1;
}

/* Compiled here only to report a bad one in config order, by option. */
static void check_regex(cd_conf *c, const cd_selector *s)
{
	regex_t re;
	char msg[128];
	int r = regcomp(&re, s->arg, REG_EXTENDED | REG_NOSUB);
	if (r == 0) {
		regfree(&re);
		return;
	}
	regerror(r, &re, msg, sizeof(msg));
	ERROR("smaps plugin: ProcessMatch \"%s\": bad regular expression "
	      "\"%s\": %s.", s->group, s->arg, msg);
	c->failed = 1;
}

static void add_selector(cd_conf *c, const oconfig_item_t *ci,
			 sw_selector_kind kind)
{
	int single = kind == SW_SEL_COMM;
	if (!string_args(c, ci, single ? 1 : 2))
		return;
	cd_selector *v = realloc(c->sels, (c->nsels + 1) * sizeof(*v));
	if (!v) {
		ERROR("smaps plugin: out of memory reading %s.", ci->key);
		c->failed = 1;
		return;
	}
	c->sels = v;
	cd_selector *s = &c->sels[c->nsels++];
	s->kind = kind;
	s->option = kind == SW_SEL_COMM ? "Process" :
		    kind == SW_SEL_CMDLINE ? "ProcessMatch" :
		    kind == SW_SEL_PIDFILE ? "PidFile" : "Unit";
	s->group = strdup(ci->values[0].value.string);
	s->arg = strdup(ci->values[single ? 0 : 1].value.string);
	if (!s->group || !s->arg)
		c->failed = 1;
	else if (kind == SW_SEL_CMDLINE)
		check_regex(c, s);
}

/* A whole number in [min, max] into *out, or one ERROR line. */
static void read_number(cd_conf *c, const oconfig_item_t *ci, double min,
			double max, double *out)
{
	double v = ci->values_num == 1 && ci->values[0].type == OCONFIG_TYPE_NUMBER
			   ? ci->values[0].value.number : min - 1;
	if (v < min || v > max || v != (double)(long long)v) {
		ERROR("smaps plugin: %s expects a whole number from %.0f to %.0f.",
		      ci->key, min, max);
		c->failed = 1;
		return;
	}
	*out = v;
}

static void add_allow_large(cd_conf *c, const oconfig_item_t *ci)
{
	if (!string_args(c, ci, 1))
		return;
	char **v = realloc(c->allow_large, (c->nallow + 1) * sizeof(*v));
	if (v)
		c->allow_large = v;
	if (!v || !(v[c->nallow] = strdup(ci->values[0].value.string))) {
		ERROR("smaps plugin: out of memory reading %s.", ci->key);
		c->failed = 1;
		return;
	}
	c->nallow++;
}

static void read_proc_root(cd_conf *c, const oconfig_item_t *ci)
{
	if (!string_args(c, ci, 1))
		return;
	free(c->proc_root);
	c->proc_root = strdup(ci->values[0].value.string);
	if (!c->proc_root)
		c->failed = 1;
}

/* Fields, Categories, Signals: names in one or more strings. 1 when k is
 * one of them. */
static int read_select(cd_conf *c, const oconfig_item_t *ci)
{
	char err[384], words[1024] = "";
	size_t n = 0;
	if (strcasecmp(ci->key, "Fields") && strcasecmp(ci->key, "Categories") &&
	    strcasecmp(ci->key, "Signals"))
		return 0;
	int ok = ci->values_num > 0;
	for (int i = 0; ok && i < ci->values_num && n < sizeof(words); i++) {
		ok = ci->values[i].type == OCONFIG_TYPE_STRING;
		if (ok)
			n += (size_t)snprintf(words + n, sizeof(words) - n, "%s ",
					      ci->values[i].value.string);
	}
	if (!ok)
		snprintf(err, sizeof(err), "expects one or more strings of names");
	else if (n >= sizeof(words))
		snprintf(err, sizeof(err), "too many names");
	else if (cd_select_parse(&c->select, ci->key, words, err, sizeof(err)) == 0)
		return 1;
	ERROR("smaps plugin: %s %s.", ci->key, err);
	c->failed = 1;
	return 1;
}

static void read_option(cd_conf *c, const oconfig_item_t *ci)
{
	const char *k = ci->key;
	if (read_select(c, ci))
		;
	else if (strcasecmp(k, "Process") == 0)
		add_selector(c, ci, SW_SEL_COMM);
	else if (strcasecmp(k, "ProcessMatch") == 0)
		add_selector(c, ci, SW_SEL_CMDLINE);
	else if (strcasecmp(k, "PidFile") == 0)
		add_selector(c, ci, SW_SEL_PIDFILE);
	else if (strcasecmp(k, "Unit") == 0)
		add_selector(c, ci, SW_SEL_UNIT);
	else if (strcasecmp(k, "CollectLibraries") == 0)
		get_bool(c, ci, &c->collect_libraries);
	else if (strcasecmp(k, "CollectNamedRegions") == 0)
		get_bool(c, ci, &c->collect_named);
	else if (strcasecmp(k, "CountSockets") == 0)
		get_bool(c, ci, &c->count_sockets);
	else if (strcasecmp(k, "MaxSubtotals") == 0) {
		double v = (double)c->max_subtotals;
		read_number(c, ci, 1, MAX_SUBTOTALS_LIMIT, &v);
		c->max_subtotals = (size_t)v;
	} else if (strcasecmp(k, "GrowthWindow") == 0)
		read_number(c, ci, 10, 7 * 86400, &c->growth_window);
	else if (strcasecmp(k, "WarmUp") == 0)
		read_number(c, ci, 0, 7 * 86400, &c->tier.warm_up);
	else if (strcasecmp(k, "FullInterval") == 0)
		read_number(c, ci, 0, 86400, &c->tier.full_interval);
	else if (strcasecmp(k, "MapsInterval") == 0)
		read_number(c, ci, 0, 86400, &c->tier.maps_interval);
	else if (strcasecmp(k, "EarlyChangePercent") == 0)
		read_number(c, ci, 0, 1000, &c->tier.early_percent);
	else if (strcasecmp(k, "EarlyChangeMiB") == 0)
		read_number(c, ci, 0, 1 << 20, &c->tier.early_mib);
	else if (strcasecmp(k, "ReadBudgetMs") == 0)
		read_number(c, ci, 0, 600000, &c->tier.budget_ms);
	else if (strcasecmp(k, "RssCapMiB") == 0)
		read_number(c, ci, 0, 1 << 30, &c->tier.rss_cap_mib);
	else if (strcasecmp(k, "AllowLarge") == 0)
		add_allow_large(c, ci);
	else if (strcasecmp(k, "SteadyPercent") == 0) {
		double v = 100 * c->steady_r2;
		read_number(c, ci, 1, 100, &v);
		c->steady_r2 = v / 100;
	}
	else if (strcasecmp(k, "ProcRoot") == 0)
		read_proc_root(c, ci);
	else {
		ERROR("smaps plugin: unknown option \"%s\".", k);
		c->failed = 1;
	}
}

int cd_conf_read(cd_conf *c, const void *item)
{
	const oconfig_item_t *ci = item;
	for (int i = 0; i < ci->children_num; i++) {
		const oconfig_item_t *child = &ci->children[i];
		if (child->children_num > 0) {
			ERROR("smaps plugin: \"%s\" does not take a block.", child->key);
			c->failed = 1;
			continue;
		}
		read_option(c, child);
	}
	return 0;
}

sw_groupset *cd_conf_groupset(const cd_conf *c, double interval)
{
	int subtotals = c->collect_libraries || c->collect_named;
	sw_groupset_opts o = {
		.proc_root = c->proc_root,
		.max_names = subtotals ? 1024 : 0,
		.count_sockets = c->count_sockets,
	};
	sw_settings_apply(&c->tier, interval, c->growth_window, &o);
	char err[256];
	sw_groupset *gs = sw_groupset_new(&o);
	if (!gs) {
		ERROR("smaps plugin: out of memory.");
		return NULL;
	}
	for (size_t i = 0; i < c->nsels; i++) {
		const cd_selector *s = &c->sels[i];
		if (sw_groupset_add(gs, s->group, s->kind, s->arg, err, sizeof(err))) {
			ERROR("smaps plugin: %s \"%s\": %s.", s->option, s->group, err);
			sw_groupset_free(gs);
			return NULL;
		}
	}
	for (size_t i = 0; i < c->nallow; i++)
		if (sw_groupset_allow_large(gs, c->allow_large[i])) {
			ERROR("smaps plugin: AllowLarge \"%s\": no such group.",
			      c->allow_large[i]);
			sw_groupset_free(gs);
			return NULL;
		}
	return gs;
}

void cd_conf_free(cd_conf *c)
{
	for (size_t i = 0; i < c->nsels; i++) {
		free(c->sels[i].group);
		free(c->sels[i].arg);
	}
	free(c->sels);
	for (size_t i = 0; i < c->nallow; i++)
		free(c->allow_large[i]);
	free(c->allow_large);
	free(c->proc_root);
	cd_conf_defaults(c);
}
