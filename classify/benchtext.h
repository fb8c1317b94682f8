/* benchtext.h -- the texts `outcry-classify bench` classifies. */
#ifndef CL_BENCHTEXT_H
#define CL_BENCHTEXT_H

#include <stddef.h>

#include "train.h"

/* The default TWCS sample, relative to the repository root: read, never
 * copied into the repository (see ../shared/data/README.md). */
#define CL_BENCH_TWCS "../shared/data/twcs-sample.csv"

typedef struct cl_bench_texts {
    char **text;  /* NUL-terminated texts, each owned; the array owned */
    size_t n;     /* texts */
    size_t ndata; /* of which made from the data file (the first ones) */
    size_t ntwcs; /* TWCS inbound posts read (0 when the file is absent) */
} cl_bench_texts_t;

/* The data file's texts, then the inbound (customer) texts of the TWCS
 * sample at twcs when that file exists (NULL or absent: none), each list
 * joined text after text until each has at least min bytes (the issue's
 * posts are ~140 characters). Returns 0, or -1 when out of memory or the
 * TWCS file cannot be parsed; release with cl_bench_texts_free(). */
int cl_bench_texts_load(cl_bench_texts_t *bt, const cl_dataset_t *d, const char *twcs, size_t min);
void cl_bench_texts_free(cl_bench_texts_t *bt);

#endif
