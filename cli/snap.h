/* snap.h - one look at one or more processes, in memory and on disk.
 *
 * A snap is what `smapwatch snapshot` writes and what `diff`, `top`,
 * `findings` and `report` work on: every mapping with every field, the
 * sums, and who the process was. It comes from a live proc root
 * (snap_look_*, look.c) or from a snapshot file (snap_read, snapread.c);
 * snap_write (snapshot.c) writes the file format, version SNAP_VERSION,
 * documented in README.md ("The leak hunt at the console") and smapwatch(1).
 *
 * Ownership: a snap owns everything it points to; snap_free releases it.
 * Names and paths are raw bytes with a length (any byte but none lost):
 * they are NUL-terminated too, for convenience, but may hold NULs in
 * principle, so always use the _len. */
#ifndef SMAPWATCH_CLI_SNAP_H
#define SMAPWATCH_CLI_SNAP_H

#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>
#include "smapwatch/category.h"
#include "smapwatch/counts.h"
#include "smapwatch/memsum.h"
#include "smapwatch/procfs.h"

#define SNAP_FORMAT  "smapwatch-snapshot"
#define SNAP_VERSION 1

typedef struct {
	char *s;
	size_t len;
} snap_str;

typedef struct {
	uint64_t start, end, offset, inode;
	uint32_t dev_major, dev_minor;
	char perms[5];
	sw_category cat;
	snap_str name;        /* "" for an anonymous mapping */
	snap_str vmflags;
	sw_counts counts;
} snap_map;

typedef struct {
	pid_t pid;
	uint64_t start_time;  /* clock ticks after boot (stat field 22) */
	snap_str comm, cmdline, exe;
	long threads;
	int has_status;
	sw_proc_status status;
	snap_map *maps;       /* sorted by start, as the kernel prints them */
	size_t nmaps, cap;
	sw_memsum sum;        /* the sums of maps[] */
} snap_proc;

typedef struct {
	char time[32];        /* "2026-12-01T09:30:00Z", UTC */
	double time_unix;     /* seconds since the epoch; 0 when unknown */
	snap_str kernel, hostname, proc_root, command;
	snap_str label;       /* where it came from: a file name or "live" */
	snap_proc *procs;
	size_t nprocs, cap;
} snap;

/* snap_str_set - s = a copy of p[0..n), NUL-terminated; -ENOMEM. */
int snap_str_set(snap_str *s, const char *p, size_t n);

/* snap_new_proc - a zeroed process appended to sn, or NULL on ENOMEM. */
snap_proc *snap_new_proc(snap *sn);
/* snap_add_map - a copy of m (its name and vmflags copied) appended to p
 * and summed into p->sum; 0 or -ENOMEM. */
int snap_add_map(snap_proc *p, const snap_map *m);
/* snap_push_map - the same, but p takes ownership of m's strings (freed
 * by snap_free, or here on failure). */
int snap_push_map(snap_proc *p, const snap_map *m);
/* snap_drop_last - remove (and free) the last process of sn. */
void snap_drop_last(snap *sn);
/* snap_remove_proc - remove (and free) process i, keeping the order. */
void snap_remove_proc(snap *sn, size_t i);
/* snap_free - release everything sn owns and zero it. */
void snap_free(snap *sn);
/* snap_find_pid - the process of sn with this pid, or NULL. */
const snap_proc *snap_find_pid(const snap *sn, pid_t pid);

/* snap_set_now - time and time_unix from the clock; kernel and hostname
 * from root's sys/kernel/osrelease and hostname (uname's release and node
 * name on a live /proc; left empty for a saved tree without them);
 * proc_root, command, and label "live". 0 or -ENOMEM. */
int snap_set_now(snap *sn, const char *root, const char *command);
/* snap_command - "smapwatch" and argv[0..argc) (a subcommand's argv)
 * joined by spaces, malloc'ed; NULL on ENOMEM. */
char *snap_command(int argc, char **argv);

/* snap_look_pid - append one live look at root/pid to sn. start_time,
 * when non-zero, must match (a reused pid is refused with -SW_ECHANGED).
 * 0 or a negative code (-ENOENT, -EACCES, SW_E*); on failure sn is as it
 * was. detail, when not NULL, receives the parser's "line N: ..." on a
 * parse error (or ""). */
int snap_look_pid(snap *sn, const char *root, pid_t pid, uint64_t start_time,
		  char *detail, size_t detail_size);

/* snap_look_stream - the same look, but each mapping is written to stream
 * as it is read (the process object whole: snap_write_proc_begin with
 * first = 1, the mappings, snap_write_proc_end) and not kept: the process
 * appended to sn has its identity and sums, nmaps 0. Memory stays the
 * same whatever the number of mappings. On failure what was written to
 * stream is to be discarded. */
int snap_look_stream(snap *sn, const char *root, pid_t pid, FILE *stream,
		     char *detail, size_t detail_size);

/* Streaming writer. snap_write_begin writes the document's head (format,
 * version, time, kernel, ... and "processes":[); then one
 * snap_write_proc_begin, any number of snap_write_map, one
 * snap_write_proc_end per process; then snap_write_end. Nothing is
 * buffered beyond stdio: a process of 10^6 mappings costs no memory. */
void snap_write_begin(FILE *f, const snap *head);
void snap_write_proc_begin(FILE *f, const snap_proc *p, int first);
void snap_write_map(FILE *f, const snap_map *m, int first);
void snap_write_proc_end(FILE *f, const sw_memsum *sum);
void snap_write_end(FILE *f);
/* snap_write - the whole of sn, through the functions above. */
void snap_write(FILE *f, const snap *sn);

/* snap_json_counts - {"uss":..,"vmas":vmas,"size":..,...}: the fields
 * present in c, keys by sw_field_key(). vmas < 0 leaves "vmas" out. */
void snap_json_counts(FILE *f, const sw_counts *c, long vmas);

/* snap_read - read the snapshot file path (or "-": stdin) into sn, with
 * label = path. Returns 0, or -1 with one line in err ("snapshot F is
 * format version 2; this smapwatch reads up to 1: upgrade smapwatch",
 * "snapshot F: byte 812: expected ':'", ...). Linear in the file's size. */
int snap_read(const char *path, snap *sn, char *err, size_t err_size);

/* snap_parse - the same over a document already in memory. */
int snap_parse(const char *text, size_t len, const char *label, snap *sn,
	       char *err, size_t err_size);

#endif
