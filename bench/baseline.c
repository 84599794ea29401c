/* baseline.c - smaps parsed the way most tools do it: fgets each line and
 * sscanf it. It does the same work as the real parser: every header's
 * fields and name are parsed and kept, every "Key: N kB" line is matched
 * by key name and summed. Keys are looked up with the library's own
 * sw_field_lookup(), so the comparison measures line handling only. */
#include <inttypes.h>
#include <string.h>
#include "smapwatch/smaps.h"
#include "baseline.h"

static void add_mapping(sw_counts *total, const sw_mapping *m)
{
	sw_counts_add(total, &m->counts);
}

long baseline_parse(FILE *f, sw_counts *total)
{
	static char line[SW_LINE_MAX + 2], name[SW_LINE_MAX + 2];
	sw_mapping m;
	long mappings = 0;

	memset(total, 0, sizeof(*total));
	memset(&m, 0, sizeof(m));
	while (fgets(line, sizeof(line), f)) {
		char key[32];
		uint64_t v;
		if (line[0] >= 'A' && line[0] <= 'Z') {
			/* VmFlags, THPeligible... fail or aren't fields */
			if (sscanf(line, "%31[A-Za-z0-9_]: %" SCNu64 " kB",
				   key, &v) != 2)
				continue;
			int fi = sw_field_lookup(key, (unsigned)strlen(key));
			if (fi < 0)
				continue;
			m.counts.v[fi] = v << 10;
			m.counts.present |= 1u << fi;
			continue;
		}
		/* a header: start-end perms offset major:minor inode name */
		if (mappings)
			add_mapping(total, &m);
		memset(&m, 0, sizeof(m));
		int name_at = 0;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64
			   " %x:%x %" SCNu64 " %n", &m.start, &m.end, m.perms,
			   &m.offset, &m.dev_major, &m.dev_minor, &m.inode,
			   &name_at) != 7 || !name_at)
			return -1;
		size_t len = strcspn(line + name_at, "\r\n");
		memcpy(name, line + name_at, len);
		name[len] = '\0';
		m.name = name;
		m.name_len = len;
		mappings++;
	}
	if (mappings)
		add_mapping(total, &m);
	return mappings;
}
