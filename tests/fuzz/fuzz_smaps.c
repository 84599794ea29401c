/* fuzz_smaps.c - libFuzzer target for the smaps parser and collector.
 *
 * Besides "no crash, no UB, no leak" it checks one property: parsing the
 * input in one buffer and feeding it in pieces (as the reader does from a
 * pipe of arbitrary read sizes) give the same result, byte for byte; and
 * so do a parser with its fast paths off (sw_smaps_parser_general_only)
 * and one with only the baseline instruction set's (no AVX2:
 * sw_smaps_parser_baseline_only), with the same code and error detail. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "smapwatch/collector.h"
#include "smapwatch/smaps.h"

typedef struct {
	long maps;
	sw_counts sum;
	uint64_t name_hash;
} outcome;

static int add(void *ctx, const sw_mapping *m)
{
	outcome *o = ctx;
	o->maps++;
	sw_counts_add(&o->sum, &m->counts);
	for (size_t i = 0; i < m->name_len; i++)
		o->name_hash = o->name_hash * 31 + (unsigned char)m->name[i];
	o->name_hash += strlen(m->vmflags) + m->start + m->end + m->inode;
	return 0;
}

/* Feeds data in pieces of `step` bytes, keeping the unconsumed tail the
 * way the file reader does. */
static long chunked(sw_smaps_parser *p, const uint8_t *data, size_t size,
		    size_t step, outcome *o)
{
	char *buf = malloc(size + 1);
	size_t have = 0, off = 0;
	long r = 0;
	while (off < size && r >= 0) {
		size_t n = size - off < step ? size - off : step;
		memcpy(buf + have, data + off, n);
		have += n;
		off += n;
		ssize_t used = sw_smaps_parser_feed(p, buf, have, add, o);
		if (used < 0)
			r = used;
		else {
			have -= (size_t)used;
			memmove(buf, buf + used, have);
		}
	}
	if (r >= 0)
		r = sw_smaps_parser_finish(p, have, add, o);
	free(buf);
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static sw_smaps_parser *p, *general, *baseline;
	static sw_collector *c;
	if (!p) {
		p = sw_smaps_parser_new();
		general = sw_smaps_parser_new();
		sw_smaps_parser_general_only(general, 1);
		baseline = sw_smaps_parser_new();
		sw_smaps_parser_baseline_only(baseline, 1);
		c = sw_collector_new(NULL);
	}
	outcome whole, parts, slow, base;
	memset(&whole, 0, sizeof(whole));  /* padding too: compared bytewise */
	memset(&parts, 0, sizeof(parts));
	memset(&slow, 0, sizeof(slow));
	memset(&base, 0, sizeof(base));
	sw_smaps_parser_reset(p);
	long r1 = sw_smaps_parse(p, (const char *)data, size, add, &whole);
	sw_smaps_parser_reset(general);
	long r0 = sw_smaps_parse(general, (const char *)data, size, add, &slow);
	if (r0 != r1 || memcmp(&whole, &slow, sizeof(whole)) ||
	    strcmp(sw_smaps_parser_detail(p), sw_smaps_parser_detail(general)))
		abort();
	sw_smaps_parser_reset(baseline);
	long rb = sw_smaps_parse(baseline, (const char *)data, size, add, &base);
	if (rb != r1 || memcmp(&whole, &base, sizeof(whole)) ||
	    strcmp(sw_smaps_parser_detail(p), sw_smaps_parser_detail(baseline)))
		abort();
	sw_smaps_parser_reset(p);
	size_t step = size ? 1 + data[0] % 97 : 1;
	long r2 = chunked(p, data, size, step, &parts);
	if (r1 != r2 || (r1 >= 0 && memcmp(&whole, &parts, sizeof(whole))))
		abort();
	sw_memsum s;
	int r3 = sw_collect_buffer(c, (const char *)data, size, NULL, &s, NULL, NULL);
	if ((r3 == 0) != (r1 > 0))
		abort();
	if (r3 == 0 && s.total_vmas != (uint32_t)r1)
		abort();
	return 0;
}
