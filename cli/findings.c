/* findings.c - the suspicious patterns of findings.h, judged on one look
 * (findings_look) or on a comparison (findings_diff). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "findings.h"
#include "smapwatch/escape.h"

/* A bounded string being built; what does not fit is cut, never overrun. */
typedef struct {
	char *s;
	size_t size, len;
} sbuf;

__attribute__((format(printf, 2, 3)))
static void sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->len >= b->size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(b->s + b->len, b->size - b->len, fmt, ap);
	va_end(ap);
	b->len = n < 0 ? b->len : b->len + (size_t)n;
	if (b->len >= b->size)
		b->len = b->size - 1;
}

/* Raw bytes as sw_escape prints them (for text) ... */
static void sb_escaped(sbuf *b, const char *s, size_t n)
{
	char tmp[256 * 4 + 1];
	sw_escape(tmp, sizeof(tmp), s, n < 256 ? n : 256);
	sb_printf(b, "%s", tmp);
}

/* ... and as a JSON string (for evidence), like sw_json_string; at most
 * FIND_EVIDENCE_NAME bytes of it, so the evidence always fits whole. */
#define FIND_EVIDENCE_NAME 96
static void sb_json(sbuf *b, const char *s, size_t n)
{
	sb_printf(b, "\"");
	for (size_t i = 0; i < n && i < FIND_EVIDENCE_NAME; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			sb_printf(b, "\\u%04x", c);
		else
			sb_printf(b, "%c", c);
	}
	sb_printf(b, "\"");
}

const char *fmt_bytes(char *buf, size_t size, double v)
{
	double a = v < 0 ? -v : v;
	if (a >= 10.0 * (1 << 30))
		snprintf(buf, size, "%.0f GiB", v / (1 << 30));
	else if (a >= 1 << 30)
		snprintf(buf, size, "%.1f GiB", v / (1 << 30));
	else if (a >= 1 << 20)
		snprintf(buf, size, "%.0f MiB", v / (1 << 20));
	else
		snprintf(buf, size, "%.0f KiB", v / 1024);
	return buf;
}

const char *fmt_duration(char *buf, size_t size, double s)
{
	if (s >= 36000)
		snprintf(buf, size, "%.0f h", s / 3600);
	else if (s >= 3600)
		snprintf(buf, size, "%d h %d min", (int)(s / 3600),
			 (int)(s / 60) % 60);
	else if (s >= 60)
		snprintf(buf, size, "%.0f min", s / 60);
	else
		snprintf(buf, size, "%.0f s", s);
	return buf;
}

static finding *add(finding_list *l, const char *id, const char *sev,
		    pid_t pid, const char *next)
{
	if (l->n == l->cap) {
		size_t want = l->cap ? l->cap * 2 : 16;
		finding *more = realloc(l->v, want * sizeof(*more));
		if (!more)
			return NULL;
		l->v = more;
		l->cap = want;
	}
	finding *f = &l->v[l->n++];
	f->id = id;
	f->severity = sev;
	f->pid = pid;
	f->next = next;
	f->text[0] = f->evidence[0] = '\0';
	return f;
}

void findings_free(finding_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static uint64_t held(const sw_counts *c)
{
	return c->v[SW_F_RSS] + c->v[SW_F_SWAP];
}

static unsigned pct(uint64_t part, uint64_t whole)
{
	return whole ? (unsigned)(part * 100.0 / whole) : 0;
}

/* "anon region 7f00..-7f00.. [anon:x]" into b. */
static void region(sbuf *b, const snap_map *m)
{
	sb_printf(b, "%s region %" PRIx64 "-%" PRIx64, sw_category_name(m->cat),
		  m->start, m->end);
	if (m->name.len) {
		sb_printf(b, " ");
		sb_escaped(b, m->name.s, m->name.len);
	}
}

static void region_evidence(sbuf *e, const snap_map *m)
{
	const sw_counts *c = &m->counts;
	sb_printf(e, "{\"start\":\"%" PRIx64 "\",\"end\":\"%" PRIx64
		     "\",\"category\":\"%s\",\"name\":", m->start, m->end,
		  sw_category_name(m->cat));
	sb_json(e, m->name.s, m->name.len);
	sb_printf(e, ",\"size\":%" PRIu64 ",\"rss\":%" PRIu64
		     ",\"private_dirty\":%" PRIu64 ",\"swap\":%" PRIu64 "}",
		  c->v[SW_F_SIZE], c->v[SW_F_RSS], c->v[SW_F_PRIVATE_DIRTY],
		  c->v[SW_F_SWAP]);
}

static void region_finding(finding_list *l, const char *id, pid_t pid,
			   const snap_map *m, const char *what,
			   const char *next)
{
	finding *f = add(l, id, "warning", pid, next);
	if (!f)
		return;
	sbuf t = {f->text, sizeof(f->text), 0};
	sbuf e = {f->evidence, sizeof(f->evidence), 0};
	region(&t, m);
	sb_printf(&t, " %s", what);
	region_evidence(&e, m);
}

static int large_anon(const snap_map *m, uint64_t total, char *what, size_t n)
{
	char b[32];
	uint64_t h = held(&m->counts);
	if (m->cat != SW_CAT_ANON || h < FIND_LARGE_ANON_BYTES ||
	    pct(h, total) < FIND_LARGE_ANON_PCT)
		return 0;
	snprintf(what, n, "holds %s, %u%% of the process's Rss + Swap",
		 fmt_bytes(b, sizeof(b), (double)h), pct(h, total));
	return 1;
}

static int dirty(const snap_map *m, char *what, size_t n)
{
	uint64_t size = m->counts.v[SW_F_SIZE], d = m->counts.v[SW_F_PRIVATE_DIRTY];
	char b[32], b2[32];
	if (size < FIND_DIRTY_MIN_SIZE || d * 100 <= size * FIND_DIRTY_PCT)
		return 0;
	snprintf(what, n, "is %u%% Private_Dirty (%s of %s written and "
		 "owned by this process)", pct(d, size),
		 fmt_bytes(b, sizeof(b), (double)d),
		 fmt_bytes(b2, sizeof(b2), (double)size));
	return 1;
}

static int swapped(const snap_map *m, char *what, size_t n)
{
	uint64_t s = m->counts.v[SW_F_SWAP];
	char b[32];
	if (s < FIND_SWAP_REGION_MIN ||
	    pct(s, held(&m->counts)) <= FIND_SWAP_PCT)
		return 0;
	snprintf(what, n, "is %u%% swapped out (%s in swap)",
		 pct(s, held(&m->counts)), fmt_bytes(b, sizeof(b), (double)s));
	return 1;
}

static const char NEXT_LARGE[] =
	"watch whether it grows: smapwatch diff -i 60 PID (or snapshot now "
	"and diff later)";
static const char NEXT_DIRTY[] =
	"memory written and never given back: if it grows over time it is "
	"the leak (smapwatch diff)";
static const char NEXT_SWAP[] =
	"the memory is held but idle: a leak under memory pressure moves "
	"here from Rss; compare Rss + Swap over time";

/* The per-region patterns, at most FIND_MAX_REGIONS of each. */
static void regions(finding_list *l, const snap_proc *p)
{
	char what[200];
	int n_large = 0, n_dirty = 0, n_swap = 0;
	uint64_t total = held(&p->sum.total);
	for (size_t i = 0; i < p->nmaps; i++) {
		const snap_map *m = &p->maps[i];
		if (n_large < FIND_MAX_REGIONS && large_anon(m, total, what, sizeof(what)) &&
		    ++n_large)
			region_finding(l, "large_anon_region", p->pid, m, what,
				       NEXT_LARGE);
		if (n_dirty < FIND_MAX_REGIONS && dirty(m, what, sizeof(what)) &&
		    ++n_dirty)
			region_finding(l, "dirty_region", p->pid, m, what,
				       NEXT_DIRTY);
		if (n_swap < FIND_MAX_REGIONS && swapped(m, what, sizeof(what)) &&
		    ++n_swap)
			region_finding(l, "swapped_region", p->pid, m, what,
				       NEXT_SWAP);
	}
}

static finding *simple(finding_list *l, const char *id, const char *sev,
		       pid_t pid, const char *next, sbuf *t, sbuf *e)
{
	finding *f = add(l, id, sev, pid, next);
	if (f) {
		*t = (sbuf){f->text, sizeof(f->text), 0};
		*e = (sbuf){f->evidence, sizeof(f->evidence), 0};
	}
	return f;
}

static void many_anon(finding_list *l, const snap_proc *p)
{
	sbuf t, e;
	uint32_t n = p->sum.vmas[SW_CAT_ANON];
	if (n < FIND_MANY_ANON_REGIONS ||
	    !simple(l, "many_anon_regions", "warning", p->pid,
		    "if the count grows, mmaps are not unmapped or threads not "
		    "joined (each thread stack is an anon mapping): "
		    "smapwatch diff -i 60 PID", &t, &e))
		return;
	sb_printf(&t, "%" PRIu32 " anon mappings (threads %ld)", n, p->threads);
	sb_printf(&e, "{\"anon_vmas\":%" PRIu32 ",\"threads\":%ld}", n,
		  p->threads);
}

/* A thread's stack: an anon rw region right above its guard, a small
 * PROT_NONE anon mapping ending where it starts (glibc, musl). Mostly
 * untouched by design, so it says nothing of the allocator. */
static int thread_stack(const snap_proc *p, size_t i)
{
	const snap_map *g = i ? &p->maps[i - 1] : NULL;
	return g && g->end == p->maps[i].start && g->name.len == 0 &&
	       !strcmp(g->perms, "---p") &&
	       g->end - g->start <= FIND_GUARD_MAX;
}

/* Writable heap and anon mappings (PROT_NONE reservations, guard pages
 * and thread stacks excluded): address space handed out but not
 * resident. */
static void fragmentation(finding_list *l, const snap_proc *p)
{
	uint64_t size = 0, res = 0;
	sbuf t, e;
	char b1[32], b2[32];
	for (size_t i = 0; i < p->nmaps; i++) {
		const snap_map *m = &p->maps[i];
		if ((m->cat == SW_CAT_HEAP || m->cat == SW_CAT_ANON) &&
		    m->perms[1] == 'w' && !thread_stack(p, i)) {
			size += m->counts.v[SW_F_SIZE];
			res += held(&m->counts);
		}
	}
	if (size < FIND_FRAG_MIN_SIZE || pct(res, size) >= FIND_FRAG_RESIDENT_PCT ||
	    !simple(l, "fragmentation", "warning", p->pid,
		    "address space reserved but not used: an allocator keeping "
		    "sparse arenas (glibc: MALLOC_ARENA_MAX, malloc_trim) or "
		    "mmaps touched once; harmless for RAM, watch Maps and Size",
		    &t, &e))
		return;
	sb_printf(&t, "writable heap + anon: %s mapped, only %s (%u%%) resident "
		      "or swapped", fmt_bytes(b1, sizeof(b1), (double)size),
		  fmt_bytes(b2, sizeof(b2), (double)res), pct(res, size));
	sb_printf(&e, "{\"size\":%" PRIu64 ",\"rss_swap\":%" PRIu64
		      ",\"percent\":%u}", size, res, pct(res, size));
}

static int by_name(const void *x, const void *y)
{
	const snap_map *a = *(const snap_map *const *)x;
	const snap_map *b = *(const snap_map *const *)y;
	size_t n = a->name.len < b->name.len ? a->name.len : b->name.len;
	int c = memcmp(a->name.s, b->name.s, n);
	return c ? c : (a->name.len > b->name.len) - (a->name.len < b->name.len);
}

static void twice(finding_list *l, const snap_proc *p, const snap_map *m,
		  unsigned loads)
{
	sbuf t, e;
	if (!simple(l, "library_loaded_twice", "warning", p->pid,
		    "two copies of one library: dlopen of another path to the "
		    "same file, or a copy; each has its own globals and heap",
		    &t, &e))
		return;
	sb_printf(&t, "library ");
	sb_escaped(&t, m->name.s, m->name.len);
	sb_printf(&t, " is loaded %u times", loads);
	sb_printf(&e, "{\"path\":");
	sb_json(&e, m->name.s, m->name.len);
	sb_printf(&e, ",\"loads\":%u}", loads);
}

/* A load is an offset-0 mapping of the library: two of one path is the
 * library mapped twice. */
static void libraries_twice(finding_list *l, const snap_proc *p)
{
	size_t n = 0;
	const snap_map **v = malloc((p->nmaps ? p->nmaps : 1) * sizeof(*v));
	if (!v)
		return;
	for (size_t i = 0; i < p->nmaps; i++)
		if (p->maps[i].cat == SW_CAT_LIBS && p->maps[i].offset == 0)
			v[n++] = &p->maps[i];
	qsort(v, n, sizeof(*v), by_name);
	for (size_t i = 0, k; i < n; i = k) {
		for (k = i + 1; k < n && by_name(&v[i], &v[k]) == 0; k++)
			;
		if (k - i > 1)
			twice(l, p, v[i], (unsigned)(k - i));
	}
	free(v);
}

static void swapped_process(finding_list *l, const snap_proc *p)
{
	uint64_t s = p->sum.total.v[SW_F_SWAP], h = held(&p->sum.total);
	sbuf t, e;
	char b[32];
	if (s < FIND_SWAP_PROCESS_MIN || pct(s, h) <= FIND_SWAP_PCT ||
	    !simple(l, "swapped_process", "warning", p->pid, NEXT_SWAP, &t, &e))
		return;
	sb_printf(&t, "process is %u%% swapped out (%s in swap)", pct(s, h),
		  fmt_bytes(b, sizeof(b), (double)s));
	sb_printf(&e, "{\"rss\":%" PRIu64 ",\"swap\":%" PRIu64 ",\"percent\":%u}",
		  p->sum.total.v[SW_F_RSS], s, pct(s, h));
}

static void allocators(finding_list *l, const snap_proc *p)
{
	alloc_hit hits[ALLOC_COUNT];
	size_t n = alloc_detect(p, hits);
	for (size_t i = 0; i < n; i++) {
		sbuf t, e;
		const snap_map *m = hits[i].evidence;
		if (!simple(l, "allocator", "info", p->pid,
			    "read the categories with this in mind", &t, &e))
			return;
		sb_printf(&t, "%s%s: %s", alloc_name(hits[i].kind),
			  hits[i].static_binary ? " (static binary)" : "",
			  alloc_heap(hits[i].kind));
		if (hits[i].kind == ALLOC_PYTHON && m)
			sb_printf(&t, "; the interpreter is in libpython (libs), "
				      "so binary is small");
		sb_printf(&e, "{\"runtime\":\"%s\",\"mapping\":",
			  alloc_name(hits[i].kind));
		if (m)
			sb_json(&e, m->name.s, m->name.len);
		else
			sb_printf(&e, "null");
		if (m && m->name.len == 0)
			sb_printf(&e, ",\"start\":\"%" PRIx64 "\"", m->start);
		sb_printf(&e, "}");
	}
}

void findings_look(finding_list *l, const snap_proc *p)
{
	regions(l, p);
	many_anon(l, p);
	fragmentation(l, p);
	libraries_twice(l, p);
	swapped_process(l, p);
	allocators(l, p);
}

/* " in 2 h, 156 MiB/h" when the time between the looks is known. */
static void over_time(sbuf *t, sbuf *e, const diff *d, int64_t delta)
{
	char b1[32], b2[32];
	if (!diff_has_rate(d)) {
		sb_printf(e, ",\"seconds\":null,\"per_hour\":null}");
		return;
	}
	sb_printf(t, " in %s, %s/h", fmt_duration(b1, sizeof(b1), d->seconds),
		  fmt_bytes(b2, sizeof(b2), diff_rate(d, delta)));
	sb_printf(e, ",\"seconds\":%.3f,\"per_hour\":%.0f}", d->seconds,
		  diff_rate(d, delta));
}

static const char NEXT_GREW[] =
	"snapshot again later and diff: steady growth at this rate is a leak "
	"in this region's owner (see the category table in the README)";

static void region_grew(finding_list *l, const diff *d, const diff_proc *p,
			const diff_row *r)
{
	int64_t g = r->delta.v[SW_F_RSS] + r->delta.v[SW_F_SWAP];
	sbuf t, e;
	char b[32];
	const snap_map *m = r->has_b ? &r->b : &r->a;
	if (g < (int64_t)FIND_GREW_REGION_MIN ||
	    !simple(l, "region_grew", "warning", p->b->pid, NEXT_GREW, &t, &e))
		return;
	region(&t, m);
	sb_printf(&t, " %s %s", r->has_a ? "grew" : "appeared with",
		  fmt_bytes(b, sizeof(b), (double)g));
	e.len = 0;
	region_evidence(&e, m);
	e.len--;  /* reopen the object */
	sb_printf(&e, ",\"change\":\"%s\",\"match\":\"%s\",\"grew\":%" PRId64,
		  diff_change_name(r->change), diff_match_name(r->match), g);
	over_time(&t, &e, d, g);
}

static void category_grew(finding_list *l, const diff *d, const diff_proc *p,
			  int c)
{
	int64_t g = p->cat[c].v[SW_F_RSS] + p->cat[c].v[SW_F_SWAP];
	sbuf t, e;
	char b[32];
	if (g < (int64_t)FIND_GREW_CATEGORY_MIN ||
	    !simple(l, "category_grew", "warning", p->b->pid, NEXT_GREW, &t, &e))
		return;
	sb_printf(&t, "category %s grew %s (Rss + Swap)",
		  sw_category_name((sw_category)c),
		  fmt_bytes(b, sizeof(b), (double)g));
	sb_printf(&e, "{\"category\":\"%s\",\"grew\":%" PRId64,
		  sw_category_name((sw_category)c), g);
	over_time(&t, &e, d, g);
}

void findings_diff(finding_list *l, const diff *d, const diff_proc *p)
{
	int n = 0;
	for (int c = 0; c < SW_CAT_COUNT; c++)
		category_grew(l, d, p, c);
	for (size_t i = 0; i < p->nrows && n < FIND_MAX_REGIONS; i++) {
		size_t before = l->n;
		region_grew(l, d, p, &p->rows[i]);
		n += l->n > before;
	}
}

void findings_text(FILE *f, const finding_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%-7s %s %d: %s. next: %s\n", l->v[i].severity,
			l->v[i].id, (int)l->v[i].pid, l->v[i].text, l->v[i].next);
}

void findings_json(FILE *f, const finding_list *l)
{
	fputc('[', f);
	for (size_t i = 0; i < l->n; i++) {
		const finding *x = &l->v[i];
		fprintf(f, "%s\n{\"id\":\"%s\",\"severity\":\"%s\",\"process\":%d,"
			   "\"text\":", i ? "," : "", x->id, x->severity,
			(int)x->pid);
		sw_json_string(f, x->text, strlen(x->text));
		fprintf(f, ",\"evidence\":%s,\"next\":", x->evidence);
		sw_json_string(f, x->next, strlen(x->next));
		fputc('}', f);
	}
	fputs(l->n ? "\n]" : "]", f);
}
