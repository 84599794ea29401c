/* fuzz_snapshot.c - libFuzzer target for the snapshot reader (cli/
 * snapread.c over cli/jread.c): any bytes, no crash, no UB, no leak; and
 * a document it accepts, written again and read back, is written the
 * same: write(read(write(read(x)))) == write(read(x)), byte for byte. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "snap.h"

static char *written(const snap *sn, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		abort();
	snap_write(f, sn);
	fclose(f);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	snap a, b;
	char err[512];
	if (snap_parse((const char *)data, size, "fuzz", &a, err, sizeof(err)))
		return 0;
	size_t n1, n2;
	char *t1 = written(&a, &n1);
	if (snap_parse(t1, n1, "fuzz", &b, err, sizeof(err))) {
		fprintf(stderr, "written snapshot refused: %s\n", err);
		abort();
	}
	char *t2 = written(&b, &n2);
	if (n1 != n2 || memcmp(t1, t2, n1))
		abort();
	free(t1);
	free(t2);
	snap_free(&a);
	snap_free(&b);
	return 0;
}
