/* train.h -- labelled data, training and evaluation of the linear model.
 *
 * Data files are JSON lines: {"text": "...", "complaint": 0|1,
 * "category": "billing"|..., "severity": "low"|...}; category and severity
 * may be left out where unknown. Training is AdaGrad SGD over the three
 * heads at once (logistic complaint, softmax category, softmax severity on
 * complaints), in a fixed order drawn from a seeded generator, on one
 * thread: the same data, options and build give the same bytes. */
#ifndef CL_TRAIN_H
#define CL_TRAIN_H

#include <stdint.h>
#include <stdio.h>

#include "linear.h"
#include "model.h"

typedef struct cl_example {
    char *text;    /* the post's text, owned */
    size_t len;    /* its length in bytes */
    int complaint; /* 0 or 1 */
    int category;  /* cl_category_t, or -1 when unknown */
    int severity;  /* cl_severity_t, or -1 when unknown */
} cl_example_t;

typedef struct cl_dataset {
    cl_example_t *ex; /* examples in file order, owned */
    size_t n;         /* examples */
    uint8_t sha[32];  /* SHA-256 of the file's bytes */
    char path[1024];  /* the file, as given */
} cl_dataset_t;

/* Reads a data file. Returns 0, or -1 with the file, line and problem in
 * err. */
int cl_data_load(cl_dataset_t *d, const char *path, char *err, size_t errlen);
void cl_data_free(cl_dataset_t *d);

typedef struct cl_train_opts {
    unsigned bits;   /* log2 of the feature buckets */
    unsigned epochs; /* passes over the data */
    double lr;       /* AdaGrad learning rate */
    double l2;       /* L2 penalty on touched weights */
    uint64_t seed;   /* shuffle seed */
} cl_train_opts_t;

void cl_train_opts_default(cl_train_opts_t *o);

/* Trains lin (initialised here) on the examples idx[0..n) of d; lexicon is
 * a lexicon-only model (cl_model_new(NULL, ...)) for the lexicon features.
 * Returns 0, or -1 (out of memory) with err set. */
int cl_train(const cl_model_t *lexicon, const cl_dataset_t *d, const size_t *idx, size_t n,
             const cl_train_opts_t *o, cl_lin_t *lin, char *err, size_t errlen);

/* Counts for evaluation. */
typedef struct cl_eval {
    long complaint[2][2];            /* [label][predicted] */
    long category[CL_NCAT][CL_NCAT]; /* [label][predicted], labelled examples */
    long severity[CL_NSEV][CL_NSEV]; /* [label][predicted], labelled examples */
} cl_eval_t;

void cl_eval_add(cl_eval_t *e, const cl_example_t *ex, const cl_result_t *r);

/* The headline figures. */
typedef struct cl_eval_summary {
    long n;                    /* examples */
    double complaint_macro_f1; /* mean F1 of "no" and "yes" */
    double complaint_accuracy; /* share right */
    double category_accuracy;  /* share of labelled examples right */
    double category_macro_f1;  /* mean F1 over the categories present */
    double severity_accuracy;  /* share of labelled examples right */
} cl_eval_summary_t;

void cl_eval_summarise(const cl_eval_t *e, cl_eval_summary_t *s);

/* Prints per-class precision, recall, F1, macro-F1 and the confusion
 * matrices of complaint and category (and severity), then a "summary:"
 * line of key=value figures. */
void cl_eval_print(FILE *out, const cl_eval_t *e);

/* Classifies every example of idx[0..n) with m under th into e. Returns
 * 0, or -1 when out of memory. */
int cl_eval_run(const cl_model_t *m, const cl_thresholds_t *th, const cl_dataset_t *d,
                const size_t *idx, size_t n, cl_eval_t *e);

/* A permutation of 0..n-1 drawn from seed (xorshift64*, Fisher-Yates). */
void cl_shuffle(size_t *idx, size_t n, uint64_t *state);

#endif
