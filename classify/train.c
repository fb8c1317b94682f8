/* train.c -- data files, AdaGrad training and evaluation (train.h). */
#include "train.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "grow.h"
#include "sha256.h"

void cl_train_opts_default(cl_train_opts_t *o)
{
    o->bits = CL_LIN_BITS_DEF;
    o->epochs = 8;
    o->lr = 0.05;
    o->l2 = 1e-5;
    o->seed = 20261123;
}

static int name_index(const char *s, const char *(*name)(int), int n)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(s, name(i)) == 0) {
            return i;
        }
    }
    return -1;
}

static const char *cat_name(int i)
{
    return cl_category_name((cl_category_t)i);
}

static const char *sev_name(int i)
{
    return cl_severity_name((cl_severity_t)i);
}

/* Parses one line into ex. Returns NULL, or what is wrong. */
static const char *parse_line(const char *line, size_t len, cl_example_t *ex, char *why,
                              size_t whylen)
{
    json_error_t jerr;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *bad = NULL;
    if (o == NULL) {
        snprintf(why, whylen, "not JSON (%s, column %d)", jerr.text, jerr.column);
        return why;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        return "not a JSON object (want {\"text\", \"complaint\", ...})";
    }
    json_t *t = json_object_get(o, "text"), *c = json_object_get(o, "complaint");
    json_t *cat = json_object_get(o, "category"), *sev = json_object_get(o, "severity");
    ex->category = ex->severity = -1;
    if (!json_is_string(t) || json_string_length(t) == 0) {
        bad = "\"text\" must be a non-empty string";
    } else if (json_is_boolean(c)) {
        ex->complaint = json_is_true(c);
    } else if (json_is_integer(c) && (json_integer_value(c) == 0 || json_integer_value(c) == 1)) {
        ex->complaint = (int)json_integer_value(c);
    } else {
        bad = "\"complaint\" must be 0, 1, true or false";
    }
    if (bad == NULL && cat != NULL && !json_is_null(cat) &&
        (!json_is_string(cat) ||
         (ex->category = name_index(json_string_value(cat), cat_name, CL_NCAT)) < 0)) {
        bad = "\"category\" must be one of billing, delivery, product, technical, account, "
              "service, safety, privacy, other";
    }
    if (bad == NULL && sev != NULL && !json_is_null(sev) &&
        (!json_is_string(sev) ||
         (ex->severity = name_index(json_string_value(sev), sev_name, CL_NSEV)) < 0)) {
        bad = "\"severity\" must be one of low, medium, high, critical";
    }
    if (bad == NULL) {
        ex->len = json_string_length(t);
        ex->text = malloc(ex->len + 1);
        if (ex->text == NULL) {
            bad = "out of memory";
        } else {
            memcpy(ex->text, json_string_value(t), ex->len + 1);
        }
    }
    json_decref(o);
    return bad;
}

int cl_data_load(cl_dataset_t *d, const char *path, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    snprintf(d->path, sizeof d->path, "%s", path);
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen, "data file %s: cannot open (%s)", path, strerror(errno));
        return -1;
    }
    oc_sha256_t sha;
    (void)oc_sha256_init(&sha); /* a failure is reported by final, below */
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    long lineno = 0;
    int rc = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        oc_sha256_update(&sha, line, (size_t)n);
        size_t len = (size_t)n;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
            len--;
        }
        if (len == 0) {
            continue;
        }
        if (d->n == alloc) {
            size_t na = alloc ? alloc * 2 : 1024;
            cl_example_t *ne = realloc(d->ex, na * sizeof *ne);
            if (ne == NULL) {
                snprintf(err, errlen, "data file %s: out of memory at line %ld", path, lineno);
                rc = -1;
                break;
            }
            d->ex = ne;
            alloc = na;
        }
        char why[200];
        const char *bad = parse_line(line, len, &d->ex[d->n], why, sizeof why);
        if (bad != NULL) {
            snprintf(err, errlen, "data file %s line %ld: %s", path, lineno, bad);
            rc = -1;
            break;
        }
        d->n++;
    }
    if (rc == 0 && ferror(fp)) {
        snprintf(err, errlen, "data file %s: read error (%s)", path, strerror(errno));
        rc = -1;
    }
    free(line);
    fclose(fp);
    if (oc_sha256_final(&sha, d->sha) != 0 && rc == 0) {
        snprintf(err, errlen, "data file %s: SHA-256 failed (OpenSSL out of memory?)", path);
        rc = -1;
    }
    if (rc == 0 && d->n == 0) {
        snprintf(err, errlen,
                 "data file %s: no examples (want JSON lines with text and "
                 "complaint)",
                 path);
        rc = -1;
    }
    if (rc != 0) {
        cl_data_free(d);
    }
    return rc;
}

void cl_data_free(cl_dataset_t *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->ex[i].text);
    }
    free(d->ex);
    d->ex = NULL;
    d->n = 0;
}

static uint64_t next_rand(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 2685821657736338717ull;
}

void cl_shuffle(size_t *idx, size_t n, uint64_t *state)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)(next_rand(state) % i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}

/* Features of all training examples, flattened. */
typedef struct fbuf {
    uint32_t *h;         /* bucket of each feature */
    float *v;            /* its value */
    size_t n, cap;       /* features stored, allocated */
    const cl_lin_t *lin; /* for the bucket of a hash */
    int oom;             /* an allocation failed */
} fbuf_t;

static void push_feature(uint32_t h, float v, void *arg)
{
    fbuf_t *b = arg;
    if (oc_grow2(&b->h, sizeof *b->h, &b->v, sizeof *b->v, &b->cap, b->n, 65536) != 0) {
        b->oom = 1;
        return;
    }
    b->h[b->n] = cl_lin_bucket(b->lin, h);
    b->v[b->n] = v;
    b->n++;
}

/* One AdaGrad step of example features [from, to) with gradient g. */
static void step(cl_lin_t *lin, float *G, const fbuf_t *b, size_t from, size_t to, const double *g,
                 const cl_train_opts_t *o)
{
    for (size_t i = from; i < to; i++) {
        float *w = lin->w + (size_t)b->h[i] * CL_LIN_NOUT;
        float *gg = G + (size_t)b->h[i] * CL_LIN_NOUT;
        for (int k = 0; k < CL_LIN_NOUT; k++) {
            if (g[k] == 0) {
                continue;
            }
            double gr = g[k] * b->v[i] + o->l2 * w[k];
            gg[k] += (float)(gr * gr);
            w[k] -= (float)(o->lr * gr / (sqrt((double)gg[k]) + 1e-6));
        }
    }
}

static void softmax_grad(const double *z, int n, int y, double *g)
{
    double max = z[0], sum = 0;
    for (int i = 1; i < n; i++) {
        max = z[i] > max ? z[i] : max;
    }
    for (int i = 0; i < n; i++) {
        g[i] = exp(z[i] - max);
        sum += g[i];
    }
    for (int i = 0; i < n; i++) {
        g[i] = g[i] / sum - (i == y ? 1.0 : 0.0);
    }
}

int cl_train(const cl_model_t *lexicon, const cl_dataset_t *d, const size_t *idx, size_t n,
             const cl_train_opts_t *o, cl_lin_t *lin, char *err, size_t errlen)
{
    if (cl_lin_init(lin, o->bits) != 0) {
        snprintf(err, errlen, "training: out of memory for 2^%u buckets", o->bits);
        return -1;
    }
    memcpy(lin->data_sha, d->sha, sizeof lin->data_sha);
    fbuf_t b = {.lin = lin};
    size_t *start = malloc((n + 1) * sizeof *start);
    size_t *order = malloc((n ? n : 1) * sizeof *order);
    float *G = calloc((size_t)CL_LIN_NOUT << o->bits, sizeof *G);
    double *avg = calloc((size_t)CL_LIN_NOUT << o->bits, sizeof *avg);
    size_t nw = (size_t)CL_LIN_NOUT << o->bits;
    cl_features_t f = {0};
    int rc = -1;
    if (start == NULL || order == NULL || G == NULL || avg == NULL) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        const cl_example_t *ex = &d->ex[idx[i]];
        cl_lexfeat_t lx;
        start[i] = b.n;
        if (cl_features_extract(&f, ex->text, ex->len) != 0) {
            goto out;
        }
        cl_model_lexfeat(lexicon, &f, &lx);
        cl_lin_features(&f, &lx, push_feature, &b);
        if (b.oom) {
            goto out;
        }
        order[i] = i;
    }
    start[n] = b.n;
    uint64_t state = o->seed ? o->seed : 1;
    for (unsigned e = 0; e < o->epochs; e++) {
        cl_shuffle(order, n, &state);
        for (size_t j = 0; j < n; j++) {
            size_t i = order[j];
            const cl_example_t *ex = &d->ex[idx[i]];
            double z[CL_LIN_NOUT] = {0}, g[CL_LIN_NOUT] = {0};
            for (size_t k = start[i]; k < start[i + 1]; k++) {
                const float *w = lin->w + (size_t)b.h[k] * CL_LIN_NOUT;
                for (int q = 0; q < CL_LIN_NOUT; q++) {
                    z[q] += (double)b.v[k] * w[q];
                }
            }
            g[0] = 1.0 / (1.0 + exp(-z[0])) - ex->complaint;
            if (ex->category >= 0) {
                softmax_grad(z + CL_LIN_OUT_CAT, CL_NCAT, ex->category, g + CL_LIN_OUT_CAT);
            }
            if (ex->complaint && ex->severity >= 0) {
                softmax_grad(z + CL_LIN_OUT_SEV, CL_NSEV, ex->severity, g + CL_LIN_OUT_SEV);
            }
            step(lin, G, &b, start[i], start[i + 1], g, o);
        }
        /* The model is the mean of the weights after each epoch: steadier
         * than the last SGD iterate on a small data set. */
        for (size_t k = 0; k < nw; k++) {
            avg[k] += lin->w[k];
        }
    }
    for (size_t k = 0; k < nw && o->epochs > 0; k++) {
        lin->w[k] = (float)(avg[k] / o->epochs);
    }
    rc = 0;
out:
    if (rc != 0) {
        snprintf(err, errlen, "training: out of memory");
        cl_lin_free(lin);
    }
    cl_features_free(&f);
    free(b.h);
    free(b.v);
    free(start);
    free(order);
    free(G);
    free(avg);
    return rc;
}

void cl_eval_add(cl_eval_t *e, const cl_example_t *ex, const cl_result_t *r)
{
    e->complaint[ex->complaint][r->complaint ? 1 : 0]++;
    if (ex->category >= 0) {
        e->category[ex->category][r->category]++;
    }
    if (ex->severity >= 0) {
        e->severity[ex->severity][r->severity]++;
    }
}

int cl_eval_run(const cl_model_t *m, const cl_thresholds_t *th, const cl_dataset_t *d,
                const size_t *idx, size_t n, cl_eval_t *e)
{
    for (size_t i = 0; i < n; i++) {
        const cl_example_t *ex = &d->ex[idx ? idx[i] : i];
        cl_result_t r;
        if (cl_model_classify(m, ex->text, ex->len, th, &r, NULL) != 0) {
            return -1;
        }
        cl_eval_add(e, ex, &r);
    }
    return 0;
}

/* Precision, recall and F1 of class c of a k x k matrix; returns F1, or
 * -1 when the class has neither labels nor predictions. */
static double prf(const long *m, int k, int c, double *p, double *r, long *support)
{
    long tp = m[c * k + c], lab = 0, pred = 0;
    for (int i = 0; i < k; i++) {
        lab += m[c * k + i];
        pred += m[i * k + c];
    }
    *support = lab;
    *p = pred ? (double)tp / (double)pred : 0;
    *r = lab ? (double)tp / (double)lab : 0;
    if (lab == 0 && pred == 0) {
        return -1;
    }
    return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

/* Accuracy and macro-F1 of a k x k matrix. */
static void mat_summary(const long *m, int k, double *acc, double *macro, long *total)
{
    long right = 0, all = 0;
    double sum = 0;
    int classes = 0;
    for (int c = 0; c < k; c++) {
        double p, r;
        long sup;
        double f = prf(m, k, c, &p, &r, &sup);
        if (f >= 0) {
            sum += f;
            classes++;
        }
        right += m[c * k + c];
        all += sup;
    }
    *acc = all ? (double)right / (double)all : 0;
    *macro = classes ? sum / classes : 0;
    *total = all;
}

void cl_eval_summarise(const cl_eval_t *e, cl_eval_summary_t *s)
{
    double macro;
    long n;
    mat_summary(&e->complaint[0][0], 2, &s->complaint_accuracy, &s->complaint_macro_f1, &s->n);
    mat_summary(&e->category[0][0], CL_NCAT, &s->category_accuracy, &s->category_macro_f1, &n);
    mat_summary(&e->severity[0][0], CL_NSEV, &s->severity_accuracy, &macro, &n);
}

static void print_matrix(FILE *out, const char *title, const long *m, int k,
                         const char *(*name)(int))
{
    double acc, macro;
    long total;
    mat_summary(m, k, &acc, &macro, &total);
    fprintf(out, "%s (n=%ld)\n  %-10s %9s %9s %9s %9s\n", title, total, "class", "precision",
            "recall", "f1", "support");
    for (int c = 0; c < k; c++) {
        double p, r;
        long sup;
        double f = prf(m, k, c, &p, &r, &sup);
        if (f >= 0) {
            fprintf(out, "  %-10s %9.3f %9.3f %9.3f %9ld\n", name(c), p, r, f, sup);
        }
    }
    fprintf(out,
            "  macro-F1 %.3f  accuracy %.3f\n  confusion (rows: label, columns: predicted)\n"
            "  %-10s",
            macro, acc, "");
    for (int c = 0; c < k; c++) {
        fprintf(out, " %5.5s", name(c));
    }
    fputc('\n', out);
    for (int r = 0; r < k; r++) {
        fprintf(out, "  %-10s", name(r));
        for (int c = 0; c < k; c++) {
            fprintf(out, " %5ld", m[r * k + c]);
        }
        fputc('\n', out);
    }
}

static const char *yes_no(int i)
{
    return i ? "yes" : "no";
}

void cl_eval_print(FILE *out, const cl_eval_t *e)
{
    cl_eval_summary_t s;
    cl_eval_summarise(e, &s);
    print_matrix(out, "complaint", &e->complaint[0][0], 2, yes_no);
    print_matrix(out, "category", &e->category[0][0], CL_NCAT, cat_name);
    print_matrix(out, "severity", &e->severity[0][0], CL_NSEV, sev_name);
    fprintf(out,
            "summary: n=%ld complaint_macro_f1=%.4f complaint_accuracy=%.4f "
            "category_accuracy=%.4f category_macro_f1=%.4f severity_accuracy=%.4f\n",
            s.n, s.complaint_macro_f1, s.complaint_accuracy, s.category_accuracy,
            s.category_macro_f1, s.severity_accuracy);
}
