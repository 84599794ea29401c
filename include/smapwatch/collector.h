/* collector.h - read, parse, classify and sum one process's smaps.
 *
 * A sw_collector owns a read buffer, a parser and the sub-total tables,
 * allocated once and reused for every process, so collecting allocates
 * nothing in the steady state. Not thread-safe: one per thread. */
#ifndef SMAPWATCH_COLLECTOR_H
#define SMAPWATCH_COLLECTOR_H

#include <stddef.h>
#include <sys/types.h>
#include "smapwatch/memsum.h"
#include "smapwatch/procfs.h"
#include "smapwatch/smaps.h"
#include "smapwatch/subtotal.h"

/* How a collector reads smaps: into one buffer of SW_COLLECTOR_CHUNK
 * bytes, parsing what came once less than SW_COLLECTOR_ROOM is left (the
 * kernel's cost depends on the read sizes: the bench makes these reads to
 * compare with). */
#define SW_COLLECTOR_CHUNK (256 * 1024)
#define SW_COLLECTOR_ROOM (16 * 1024)

typedef struct {
	size_t max_names;      /* distinct libraries / named regions kept */
} sw_collector_opts;

typedef struct sw_collector sw_collector;

/* Called for each mapping with its category, after the process's sums
 * include it; for --maps style listings. May be NULL. */
typedef void (*sw_each_mapping_fn)(void *ctx, const sw_mapping *m,
				   sw_category c);

sw_collector *sw_collector_new(const sw_collector_opts *o);
void sw_collector_free(sw_collector *c);

/* sw_collect_process_at - collect the smaps of the process whose /proc/PID
 * directory is pidfd into *out. The sums in *out are written only on
 * success; on failure *out is left untouched and the code tells why
 * (-EACCES, SW_ENOMM, SW_ECHANGED, a parse error...). before, when not
 * NULL, is the process's stat as it was listed: stat is read again after
 * the smaps, and a process that exited, that exec'd (its mm_mark, when
 * known), that let go of its address space while exiting (its smaps may
 * be cut: see sw_stat_still_whole), or whose pid was reused is never
 * reported (-SW_ECHANGED). The process's libraries and named regions are
 * then in sw_collector_libs()/sw_collector_named() until the next call. */
int sw_collect_process_at(sw_collector *c, int pidfd,
			  const sw_proc_stat *before, sw_memsum *out,
			  sw_each_mapping_fn each, void *ctx);

/* sw_collect_process - the same for root/pid; start_time, when non-zero,
 * is the one the process must still have after the read (exec is then not
 * seen: sw_collect_process_at with the listed stat sees it). */
int sw_collect_process(sw_collector *c, const char *root, pid_t pid,
		       uint64_t start_time, sw_memsum *out,
		       sw_each_mapping_fn each, void *ctx);

/* sw_collect_buffer - the same over smaps text already in memory (tests,
 * fuzzing, offline files); exe may be NULL. */
int sw_collect_buffer(sw_collector *c, const char *buf, size_t len,
		      const sw_exe_id *exe, sw_memsum *out,
		      sw_each_mapping_fn each, void *ctx);

const sw_subtotals *sw_collector_libs(const sw_collector *c);
const sw_subtotals *sw_collector_named(const sw_collector *c);

/* sw_collector_bytes - bytes of smaps read by the last call. */
size_t sw_collector_bytes(const sw_collector *c);

/* sw_collector_detail - the parse error's "line N: ..." after a failure. */
const char *sw_collector_detail(const sw_collector *c);

/* sw_stat_still_whole - given the text of /proc/PID/stat read AFTER a
 * smaps read and the stat the process was listed with, whether that read
 * is whole: the same process (start time), the same address space
 * (mm_mark, when before has one: exec replaces it, and the old one's
 * smaps ends early), not a zombie, and its address space still attached
 * (vsize > 0). An exiting process (PF_EXITING, state still R or D) keeps
 * its address space until exit_mm(), and its smaps can be cut only after
 * that, when stat's vsize reads 0: so an exiting process read before then
 * is whole and is kept (its share of pages shared by fork still counts,
 * as the other sharers read it), and one read after may be cut and is
 * not. 0 for text that does not parse. */
int sw_stat_still_whole(const char *text, size_t len,
			const sw_proc_stat *before);

/* sw_collect_rollup - parse root/pid/smaps_rollup into *out (totals only,
 * Pss exact as the kernel sums it). */
int sw_collect_rollup(sw_collector *c, const char *root, pid_t pid,
		      sw_counts *out);

#endif
