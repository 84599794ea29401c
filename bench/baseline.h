/* baseline.h - the plain fgets+sscanf smaps parser the benchmark compares
 * against. */
#ifndef SMAPWATCH_BENCH_BASELINE_H
#define SMAPWATCH_BENCH_BASELINE_H

#include <stdio.h>
#include "smapwatch/counts.h"

/* baseline_parse - read smaps text from f and sum every known numeric field
 * of every mapping into *total (zeroed first). Returns the number of
 * mappings, or -1 on a line it cannot parse. */
long baseline_parse(FILE *f, sw_counts *total);

#endif
