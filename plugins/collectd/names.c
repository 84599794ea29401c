/* names.c - the table of every value's collectd name, and the selection.
 * README "Values" maps each row to what Prometheus, Graphite and InfluxDB
 * show; keep the two in step. */
#include "collectd/core/daemon/collectd.h"
#include "collectd/core/daemon/plugin.h"

#include "smapwatch/category.h"
#include "names.h"

#define PLUGIN "smaps"
#define SELF "smaps_self"

typedef struct {
	const char *plugin;
	const char *type;     /* the unit: a stock types.db type */
	const char *prefix;   /* before the subject ("lib", "named") */
	const char *measure;  /* after SUBJECT[_FIELD] */
	const char *signal;   /* its name in Signals; NULL: not a signal */
	int by_category;      /* a subject that is a category must be in
			       * Categories (a field, when given, must
			       * always be in Fields) */
} cd_kind_row;

static const cd_kind_row kinds[CD_KINDS] = {
	[CD_MEMORY]       = {PLUGIN, "memory", "", "", NULL, 1},
	[CD_LIB]          = {PLUGIN, "memory", "lib", "", NULL, 0},
	[CD_NAMED]        = {PLUGIN, "memory", "named", "", NULL, 0},
	[CD_VMAS]         = {PLUGIN, "count", "", "vmas", NULL, 1},
	[CD_PS_COUNT]     = {PLUGIN, "ps_count", "", "", NULL, 0},
	[CD_STATUS_RSS]   = {PLUGIN, "ps_rss", "", "", NULL, 0},
	[CD_STATUS_SWAP]  = {PLUGIN, "swap", "", "", NULL, 0},
	[CD_FDS]          = {PLUGIN, "file_handles", "", "", NULL, 0},
	[CD_PROCESSES]    = {PLUGIN, "ps_state", "", "", NULL, 0},
	[CD_AGE]          = {PLUGIN, "duration", "", "figures_age", NULL, 0},
	[CD_DUP_LOADS]    = {PLUGIN, "objects", "", "duplicate_loads", NULL, 0},
	[CD_GROWTH]       = {PLUGIN, "gauge", "", "growth", "growth", 1},
	[CD_LEAK_RATE]    = {PLUGIN, "gauge", "", "leak_rate", "leak_rate", 1},
	[CD_STEADY]       = {PLUGIN, "percent", "", "steady", "steady", 1},
	[CD_PRIVATE_DIRTY_RATIO] = {PLUGIN, "percent", "", "private_dirty_ratio",
				    "private_dirty_ratio", 1},
	[CD_SWAP_RATIO]   = {PLUGIN, "percent", "", "swap_ratio", "swap_ratio", 1},
	[CD_RESERVED]     = {PLUGIN, "memory", "", "reserved", "reserved", 1},
	[CD_PER_SOCKET]   = {PLUGIN, "bytes", "", "per_socket", "per_socket", 0},
	[CD_REQUEST_PATH] = {PLUGIN, "gauge", "", "request_path_leak",
			     "request_path_leak", 0},
	[CD_LARGEST_MEMBER] = {PLUGIN, "count", "", "largest_member_vmas",
			       "largest_member_vmas", 0},
	[CD_SELF_READS]   = {SELF, "count", "", "", NULL, 0},
	[CD_SELF_BYTES]   = {SELF, "bytes", "", "", NULL, 0},
	[CD_SELF_SECONDS] = {SELF, "duration", "", "", NULL, 0},
	[CD_SELF_PROCESSES] = {SELF, "ps_state", "", "", NULL, 0},
};

static const char *const field_names[CD_FIELDS] = {
	"rss", "pss", "uss", "private_dirty", "swap", "size",
};

static cd_select current;

const char *cd_field_name(cd_field f)
{
	return (unsigned)f < CD_FIELDS ? field_names[f] : NULL;
}

uint64_t cd_field_value(const sw_counts *c, cd_field f)
{
	static const int index[CD_FIELDS] = {
		[CD_F_RSS] = SW_F_RSS, [CD_F_PSS] = SW_F_PSS,
		[CD_F_PRIVATE_DIRTY] = SW_F_PRIVATE_DIRTY,
		[CD_F_SWAP] = SW_F_SWAP, [CD_F_SIZE] = SW_F_SIZE,
	};
	return f == CD_F_USS ? sw_counts_uss(c) : c->v[index[f]];
}

/* The index of a category or "total" (SW_CAT_COUNT), else -1. */
static int category_index(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "total") == 0)
		return SW_CAT_COUNT;
	return sw_category_lookup(s);
}

static int field_index(const char *s)
{
	for (int f = 0; s && f < CD_FIELDS; f++)
		if (strcmp(s, field_names[f]) == 0)
			return f;
	return -1;
}

static int selected(cd_kind kind, const char *subject, const char *field)
{
	const cd_kind_row *k = &kinds[kind];
	int c = category_index(subject);
	int f = field_index(field);
	if (k->signal && !(current.signals & (1u << kind)))
		return 0;
	if (k->by_category && c >= 0 && !(current.categories & (1u << c)))
		return 0;
	return !field || (f >= 0 && (current.fields & (1u << f)));
}

int cd_name(cd_kind kind, const char *subject, const char *field,
	    char *type, char *ti)
{
	const cd_kind_row *k = &kinds[kind];
	const char *part[4] = {k->prefix, subject, field, k->measure};
	size_t n = 0;
	ti[0] = '\0';
	for (int i = 0; i < 4; i++) {
		if (!part[i] || !part[i][0])
			continue;
		int w = snprintf(ti + n, DATA_MAX_NAME_LEN - n, "%s%s",
				 n ? "_" : "", part[i]);
		if (w < 0 || (size_t)w >= DATA_MAX_NAME_LEN - n)
			return -1;
		n += (size_t)w;
	}
	snprintf(type, DATA_MAX_NAME_LEN, "%s", k->type);
	return selected(kind, subject, field);
}

void cd_dispatch_values(const char *id, cd_kind kind, const char *subject,
			const char *field, const double *v, size_t n)
{
	value_t val[2];
	value_list_t vl = VALUE_LIST_INIT;
	if (n == 0 || n > 2 ||
	    cd_name(kind, subject, field, vl.type, vl.type_instance) != 1)
		return;
	for (size_t i = 0; i < n; i++)
		val[i].gauge = v[i];
	vl.values = val;
	vl.values_len = n;
	snprintf(vl.plugin, sizeof(vl.plugin), "%s", kinds[kind].plugin);
	if (strcmp(kinds[kind].plugin, PLUGIN) == 0)  /* a group's */
		snprintf(vl.plugin_instance, sizeof(vl.plugin_instance), "%s", id);
	plugin_dispatch_values(&vl);
}

void cd_dispatch(const char *id, cd_kind kind, const char *subject,
		 const char *field, double value)
{
	cd_dispatch_values(id, kind, subject, field, &value, 1);
}

void cd_names_use(const cd_select *s)
{
	current = *s;
}

/* ---------------------------------------------------------------- options */

void cd_select_defaults(cd_select *s)
{
	s->fields = 1u << CD_F_RSS | 1u << CD_F_PSS | 1u << CD_F_USS |
		    1u << CD_F_SWAP;
	s->categories = ((1u << (SW_CAT_COUNT + 1)) - 1) &
			~(1u << SW_CAT_BINARY | 1u << SW_CAT_KERNEL);
	s->signals = 0;
	for (int k = 0; k < CD_KINDS; k++)
		if (kinds[k].signal && k != CD_PRIVATE_DIRTY_RATIO &&
		    k != CD_SWAP_RATIO)
			s->signals |= 1u << k;
}

/* The i-th name of list (Fields 0, Categories 1, Signals 2), or NULL. */
static const char *list_name(int list, int i)
{
	if (list == 0)
		return i < CD_FIELDS ? field_names[i] : NULL;
	if (list == 1)
		return i < SW_CAT_COUNT ? sw_category_name(i)
		       : i == SW_CAT_COUNT ? "total" : NULL;
	return i < CD_KINDS ? kinds[i].signal : NULL;
}

/* Adds the bit of word[0..len) ("all": every bit) to *bits; -1 after
 * writing into err why it is not a name of list. */
static int add_word(int list, const char *word, size_t len, uint32_t *bits,
		    char *err, size_t errlen)
{
	char known[256] = "";
	size_t n = 0;
	if (len == 3 && strncasecmp(word, "all", 3) == 0) {
		*bits = UINT32_MAX;
		return 0;
	}
	for (int i = 0; i < CD_KINDS; i++) {
		const char *name = list_name(list, i);
		if (name && strlen(name) == len && strncasecmp(word, name, len) == 0) {
			*bits |= 1u << i;
			return 0;
		}
		int w = name ? snprintf(known + n, sizeof(known) - n, "%s%s",
					n ? " " : "", name) : 0;
		if (w > 0 && (size_t)w < sizeof(known) - n)
			n += (size_t)w;
	}
	snprintf(err, errlen, "has an unknown name \"%.*s\" (known: %s, or all)",
		 (int)(len < 64 ? len : 64), word, known);
	return -1;
}

int cd_select_parse(cd_select *s, const char *key, const char *words,
		    char *err, size_t errlen)
{
	static const char *const keys[] = {"Fields", "Categories", "Signals"};
	uint32_t *dst[] = {&s->fields, &s->categories, &s->signals};
	uint32_t bits = 0;
	int list = -1;
	for (int i = 0; i < 3; i++)
		if (strcasecmp(key, keys[i]) == 0)
			list = i;
	if (list < 0)
		return -1;
	for (const char *p = words + strspn(words, " \t"); *p;) {
		size_t len = strcspn(p, " \t");
		if (add_word(list, p, len, &bits, err, errlen))
			return -2;
		p += len;
		p += strspn(p, " \t");
	}
	*dst[list] = bits;
	return 0;
}
