/* names.h - every value of the collectd plugin, named in one place: its
 * plugin, type (the unit, from the stock types.db) and type instance, and
 * whether the Fields, Categories and Signals options let it through.
 *
 * A type instance is SUBJECT[_FIELD][_MEASURE]: SUBJECT is one word with
 * no '_' (a category, "total", or a counter: threads, fds, sockets), so
 * everything up to the first '_' is the category and the rest what is
 * measured of it, whatever the type. Sub-totals are lib_NAME_FIELD and
 * named_NAME_FIELD. The plugin's own figures are under another plugin
 * name, smaps_self, so that no group can ever look like one of them. */
#ifndef SMAPS_CD_NAMES_H
#define SMAPS_CD_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include "smapwatch/counts.h"

typedef enum {
	/* a group's figures */
	CD_MEMORY,         /* memory-CATEGORY_FIELD               bytes */
	CD_LIB,            /* memory-lib_NAME_FIELD               bytes */
	CD_NAMED,          /* memory-named_NAME_FIELD             bytes */
	CD_VMAS,           /* count-CATEGORY_vmas              mappings */
	CD_PS_COUNT,       /* ps_count: processes, threads */
	CD_STATUS_RSS,     /* ps_rss (VmRSS), ps_rss-{anon,file,shmem} */
	CD_STATUS_SWAP,    /* swap (VmSwap)                       bytes */
	CD_FDS,            /* file_handles, file_handles-sockets    fds */
	CD_PROCESSES,      /* ps_state-{measured,backed_off,capped,
			    * unreadable,fds_uncounted}       processes */
	CD_AGE,            /* duration-figures_age              seconds */
	CD_DUP_LOADS,      /* objects-libs_duplicate_loads    libraries */
	/* a group's signals, each named in Signals */
	CD_GROWTH,         /* gauge-SUBJECT_growth       per second, signed */
	CD_LEAK_RATE,      /* gauge-SUBJECT_leak_rate    per second, >= 0 */
	CD_STEADY,         /* percent-SUBJECT_steady */
	CD_PRIVATE_DIRTY_RATIO,  /* percent-CATEGORY_private_dirty_ratio */
	CD_SWAP_RATIO,     /* percent-CATEGORY_swap_ratio */
	CD_RESERVED,       /* memory-CATEGORY_reserved            bytes */
	CD_PER_SOCKET,     /* bytes-total_per_socket   bytes per socket */
	CD_REQUEST_PATH,   /* gauge-total_request_path_leak   bytes/s */
	CD_LARGEST_MEMBER, /* count-total_largest_member_vmas  mappings */
	/* the plugin's own (plugin smaps_self, no plugin instance) */
	CD_SELF_READS,     /* count-{status_reads,full_reads}     reads */
	CD_SELF_BYTES,     /* bytes-smaps_read                    bytes */
	CD_SELF_SECONDS,   /* duration-smaps_read               seconds */
	CD_SELF_PROCESSES, /* ps_state-{backed_off,capped,hidden} */
	CD_KINDS
} cd_kind;

/* The memory fields, in the order of the Fields option's list. */
typedef enum {
	CD_F_RSS, CD_F_PSS, CD_F_USS, CD_F_PRIVATE_DIRTY, CD_F_SWAP, CD_F_SIZE,
	CD_FIELDS
} cd_field;

/* What Fields, Categories and Signals chose: bit i set when field i,
 * category i (SW_CAT_COUNT: total) or signal kind i is dispatched. */
typedef struct {
	uint32_t fields, categories, signals;
} cd_select;

/* cd_select_defaults - Fields "rss pss uss swap", Categories "heap stack
 * anon shmem libs files total", Signals all but the two ratios. */
void cd_select_defaults(cd_select *s);

/* cd_select_parse - sets the list of option `key` (Fields, Categories or
 * Signals, any case) from words separated by spaces ("all": every one).
 * Returns 0; -1 when key is none of them; -2 when a word is unknown, with
 * that word and the known ones written in err. */
int cd_select_parse(cd_select *s, const char *key, const char *words,
		    char *err, size_t errlen);

/* cd_names_use - the selection every later dispatch follows. */
void cd_names_use(const cd_select *s);

/* cd_field_name, cd_field_value - "rss" ... and its figure in c. */
const char *cd_field_name(cd_field f);
uint64_t cd_field_value(const sw_counts *c, cd_field f);

/* cd_name - writes kind's type and type instance (subject and field may
 * be NULL where the kind has none) into type and ti (DATA_MAX_NAME_LEN
 * each). Returns 1 when the selection dispatches it, 0 when it leaves it
 * out, -1 when it does not fit. */
int cd_name(cd_kind kind, const char *subject, const char *field,
	    char *type, char *ti);

/* cd_dispatch - one gauge of group id (ignored for the CD_SELF_ kinds),
 * named by cd_name, when selected. Every value goes through here or
 * cd_dispatch_values. */
void cd_dispatch(const char *id, cd_kind kind, const char *subject,
		 const char *field, double value);

/* cd_dispatch_values - the same for a type of n data sources (ps_count). */
void cd_dispatch_values(const char *id, cd_kind kind, const char *subject,
			const char *field, const double *v, size_t n);

#endif
