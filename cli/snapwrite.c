/* snapwrite.c - the snapshot file format, version 1, written as it goes.
 * Keys are lower snake_case (sw_field_key for the smaps fields); names
 * and paths go through sw_json_string, so every byte round-trips. */
#include <inttypes.h>
#include <string.h>
#include "output.h"
#include "snap.h"
#include "smapwatch/escape.h"

static void str(FILE *f, const char *key, const snap_str *s)
{
	fprintf(f, "\"%s\":", key);
	sw_json_string(f, s->s ? s->s : "", s->len);
}

/* The same counts object as `smapwatch --json` (json.c). */
void snap_json_counts(FILE *f, const sw_counts *c, long vmas)
{
	json_counts(f, c, c->present, vmas);
}

/* Absent strings (a saved tree without sys/kernel) are left out. */
static void opt_str(FILE *f, const char *key, const snap_str *s)
{
	if (s->len) {
		fputc(',', f);
		str(f, key, s);
	}
}

void snap_write_begin(FILE *f, const snap *h)
{
	fprintf(f, "{\"format\":\"%s\",\"version\":%d,\n\"time\":",
		SNAP_FORMAT, SNAP_VERSION);
	sw_json_string(f, h->time, strlen(h->time));  /* read back: any bytes */
	fprintf(f, ",\"time_unix\":%.6f", h->time_unix);
	opt_str(f, "kernel", &h->kernel);
	opt_str(f, "hostname", &h->hostname);
	opt_str(f, "proc_root", &h->proc_root);
	opt_str(f, "command", &h->command);
	fputs(",\n\"processes\":[", f);
}

static void status(FILE *f, const sw_proc_status *s)
{
	fprintf(f, ",\"status\":{\"vm_rss\":%" PRIu64 ",\"rss_anon\":%" PRIu64
		   ",\"rss_file\":%" PRIu64 ",\"rss_shmem\":%" PRIu64
		   ",\"vm_swap\":%" PRIu64 "}",
		s->rss, s->rss_anon, s->rss_file, s->rss_shmem, s->swap);
}

void snap_write_proc_begin(FILE *f, const snap_proc *p, int first)
{
	fprintf(f, "%s\n{\"pid\":%d,\"start_time\":%" PRIu64 ",",
		first ? "" : ",", (int)p->pid, p->start_time);
	str(f, "comm", &p->comm);
	fputc(',', f);
	str(f, "cmdline", &p->cmdline);
	opt_str(f, "exe", &p->exe);
	fprintf(f, ",\"threads\":%ld", p->threads);
	if (p->has_status)
		status(f, &p->status);
	fputs(",\"maps\":[", f);
}

void snap_write_map(FILE *f, const snap_map *m, int first)
{
	fprintf(f, "%s\n {\"start\":\"%" PRIx64 "\",\"end\":\"%" PRIx64
		   "\",\"perms\":", first ? "" : ",", m->start, m->end);
	sw_json_string(f, m->perms, strlen(m->perms));
	fprintf(f, ",\"offset\":\"%08" PRIx64
		   "\",\"dev\":\"%02" PRIx32 ":%02" PRIx32 "\",\"inode\":%" PRIu64
		   ",\"category\":\"%s\",",
		m->offset, m->dev_major, m->dev_minor, m->inode,
		sw_category_name(m->cat));
	str(f, "name", &m->name);
	fputc(',', f);
	str(f, "vmflags", &m->vmflags);
	fputs(",\"counts\":", f);
	snap_json_counts(f, &m->counts, -1);
	fputc('}', f);
}

/* Empty categories carry the fields the kernel printed (total.present),
 * at 0, so every category has the same keys. */
void snap_write_proc_end(FILE *f, const sw_memsum *s)
{
	fputs("\n],\"categories\":{", f);
	for (int i = 0; i < SW_CAT_COUNT; i++) {
		sw_counts c = s->cat[i];
		c.present = s->total.present;
		fprintf(f, "%s\"%s\":", i ? "," : "",
			sw_category_name((sw_category)i));
		snap_json_counts(f, &c, s->vmas[i]);
	}
	fputs("},\"total\":", f);
	snap_json_counts(f, &s->total, s->total_vmas);
	fputc('}', f);
}

void snap_write_end(FILE *f)
{
	fputs("\n]}\n", f);
}

void snap_write(FILE *f, const snap *sn)
{
	snap_write_begin(f, sn);
	for (size_t i = 0; i < sn->nprocs; i++) {
		const snap_proc *p = &sn->procs[i];
		snap_write_proc_begin(f, p, i == 0);
		for (size_t k = 0; k < p->nmaps; k++)
			snap_write_map(f, &p->maps[k], k == 0);
		snap_write_proc_end(f, &p->sum);
	}
	snap_write_end(f);
}
