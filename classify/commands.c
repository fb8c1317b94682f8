/* commands.c -- train, eval and model-info (commands.h). */
#include "commands.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "linear.h"
#include "sha256.h"
#include "train.h"

typedef struct opts {
    const char *data;       /* --data */
    const char *out;        /* --out (train) */
    const char *eval;       /* --eval (train) */
    const char *model;      /* --model (eval, model-info) */
    long folds;             /* --folds (eval) */
    long rounds;            /* --rounds (bench) */
    cl_train_opts_t train;  /* --epochs, --seed, --hash-bits, --lr, --l2 */
    const char *threshold;  /* --threshold */
} opts_t;

static int num(const char *flag, const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "outcry-classify: %s '%s': want a number from %g to %g\n", flag, s, lo,
                hi);
        return -1;
    }
    *out = v;
    return 0;
}

/* Parses the flags of a subcommand; allowed lists the ones it takes. */
static int parse(const char *cmd, int argc, char **argv, const char *allowed, opts_t *o)
{
    memset(o, 0, sizeof *o);
    cl_train_opts_default(&o->train);
    for (int i = 0; i < argc; i++) {
        const char *f = argv[i];
        char key[32];
        snprintf(key, sizeof key, "%s ", f);
        if (strncmp(f, "--", 2) != 0 || strstr(allowed, key) == NULL) {
            fprintf(stderr, "outcry-classify %s: unknown argument '%s' (takes: %s)\n", cmd, f,
                    allowed);
            return -1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "outcry-classify %s: %s needs a value\n", cmd, f);
            return -1;
        }
        const char *v = argv[++i];
        double d = 0;
        int rc = 0;
        if (strcmp(f, "--data") == 0) {
            o->data = v;
        } else if (strcmp(f, "--out") == 0) {
            o->out = v;
        } else if (strcmp(f, "--eval") == 0) {
            o->eval = v;
        } else if (strcmp(f, "--model") == 0) {
            o->model = v;
        } else if (strcmp(f, "--threshold") == 0) {
            o->threshold = v;
        } else if (strcmp(f, "--folds") == 0) {
            rc = num(f, v, 2, 100, &d);
            o->folds = (long)d;
        } else if (strcmp(f, "--rounds") == 0) {
            rc = num(f, v, 1, 1e6, &d);
            o->rounds = (long)d;
        } else if (strcmp(f, "--epochs") == 0) {
            rc = num(f, v, 1, 1000, &d);
            o->train.epochs = (unsigned)d;
        } else if (strcmp(f, "--seed") == 0) {
            rc = num(f, v, 1, 4294967295.0, &d);
            o->train.seed = (uint64_t)d;
        } else if (strcmp(f, "--hash-bits") == 0) {
            rc = num(f, v, CL_LIN_BITS_MIN, CL_LIN_BITS_MAX, &d);
            o->train.bits = (unsigned)d;
        } else if (strcmp(f, "--lr") == 0) {
            rc = num(f, v, 1e-6, 10, &o->train.lr);
        } else if (strcmp(f, "--l2") == 0) {
            rc = num(f, v, 0, 1, &o->train.l2);
        }
        if (rc != 0) {
            return -1;
        }
    }
    return 0;
}

static int thresholds(const opts_t *o, cl_thresholds_t *th)
{
    char err[256];
    /* The cut-offs as the service reads them, without loading a model. */
    cl_thresholds_default(th);
    const char *envs[] = {CL_THRESHOLD_ENV, CL_HIGH_ENV, CL_CRITICAL_ENV, CL_CATEGORY_MIN_ENV};
    double *dst[] = {&th->complaint, &th->high, &th->critical, &th->category_min};
    for (int i = 0; i < 4; i++) {
        const char *v = getenv(envs[i]);
        if (v != NULL && v[0] != '\0' && cl_parse_threshold(envs[i], v, dst[i], err, sizeof err)) {
            fprintf(stderr, "outcry-classify: %s\n", err);
            return -1;
        }
    }
    if (o->threshold != NULL &&
        cl_parse_threshold("--threshold", o->threshold, &th->complaint, err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify: %s\n", err);
        return -1;
    }
    return 0;
}

static double r4(double x)
{
    return round(x * 10000) / 10000;
}

/* The metadata JSON text (owned) of a model trained on d with o; ev is
 * the evaluation set and es its figures, or NULL. */
static char *build_meta(const cl_lin_t *lin, const cl_dataset_t *d, const cl_train_opts_t *o,
                        const cl_dataset_t *ev, const cl_eval_summary_t *es)
{
    char hex[65], ehex[65];
    cl_sha256_hex(d->sha, hex);
    json_t *m = json_pack(
        "{s:s,s:i,s:i,s:{s:s,s:s,s:I},s:{s:s,s:I,s:I,s:f,s:f,s:I}}", "name", lin->name, "format",
        (int)CL_LIN_VERSION, "feature_set", (int)CL_LIN_FEATSET, "trained_on", "file", d->path,
        "sha256", hex, "examples", (json_int_t)d->n, "training", "algorithm", "adagrad-sgd",
        "epochs", (json_int_t)o->epochs, "seed", (json_int_t)o->seed, "learning_rate", o->lr,
        "l2", o->l2, "hash_bits", (json_int_t)o->bits);
    if (m == NULL) {
        return NULL;
    }
    if (ev != NULL) {
        cl_sha256_hex(ev->sha, ehex);
        json_object_set_new(
            m, "evaluation",
            json_pack("{s:s,s:s,s:I,s:f,s:f,s:f,s:f,s:f}", "file", ev->path, "sha256", ehex,
                      "examples", (json_int_t)ev->n, "complaint_macro_f1",
                      r4(es->complaint_macro_f1), "complaint_accuracy",
                      r4(es->complaint_accuracy), "category_accuracy", r4(es->category_accuracy),
                      "category_macro_f1", r4(es->category_macro_f1), "severity_accuracy",
                      r4(es->severity_accuracy)));
    }
    char *s = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(8));
    json_decref(m);
    return s;
}

int cl_cmd_train(int argc, char **argv)
{
    opts_t o;
    char err[512];
    if (parse("train", argc, argv,
              "--data --out --eval --epochs --seed --hash-bits --lr --l2 ", &o) != 0) {
        return 2;
    }
    if (o.data == NULL || o.out == NULL) {
        fprintf(stderr, "outcry-classify train: needs --data FILE.jsonl and --out MODEL "
                        "(e.g. --data data/train.jsonl --out classify/model.bin)\n");
        return 2;
    }
    cl_dataset_t d, ev = {0};
    if (cl_data_load(&d, o.data, err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify train: %s\n", err);
        return 1;
    }
    if (o.eval != NULL && cl_data_load(&ev, o.eval, err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify train: %s\n", err);
        cl_data_free(&d);
        return 1;
    }
    int rc = 1;
    cl_lin_t lin = {0};
    char *meta = NULL;
    size_t *idx = malloc(d.n * sizeof *idx);
    cl_model_t *m = cl_model_new(NULL, err, sizeof err);
    if (idx == NULL || m == NULL) {
        fprintf(stderr, "outcry-classify train: %s\n", m == NULL ? err : "out of memory");
        goto out;
    }
    for (size_t i = 0; i < d.n; i++) {
        idx[i] = i;
    }
    if (cl_train(m, &d, idx, d.n, &o.train, &lin, err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify train: %s\n", err);
        goto out;
    }
    if (cl_lin_quantise(&lin) != 0) {
        fprintf(stderr, "outcry-classify train: out of memory\n");
        goto out;
    }
    char hex[65];
    cl_sha256_hex(d.sha, hex);
    snprintf(lin.name, sizeof lin.name, "outcry-linear/%u-%.8s", CL_LIN_VERSION, hex);
    cl_eval_summary_t es;
    cl_model_set_linear(m, &lin);
    if (ev.n > 0) {
        cl_eval_t e;
        cl_thresholds_t th;
        memset(&e, 0, sizeof e);
        cl_thresholds_default(&th);
        if (cl_eval_run(m, &th, &ev, NULL, ev.n, &e) != 0) {
            fprintf(stderr, "outcry-classify train: out of memory evaluating\n");
            goto out;
        }
        cl_eval_summarise(&e, &es);
        printf("evaluation on %s (default thresholds):\n", ev.path);
        cl_eval_print(stdout, &e);
    }
    meta = build_meta(&lin, &d, &o.train, ev.n > 0 ? &ev : NULL, &es);
    if (meta == NULL || cl_lin_save(&lin, o.out, meta, err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify train: %s\n", meta == NULL ? "out of memory" : err);
        goto out;
    }
    printf("wrote %s: model %s, %zu examples, 2^%u buckets\n", o.out, lin.name, d.n, lin.bits);
    rc = 0;
out:
    if (m != NULL) {
        cl_model_set_linear(m, NULL);
    }
    cl_model_free(m);
    cl_lin_free(&lin);
    free(meta);
    free(idx);
    cl_data_free(&d);
    cl_data_free(&ev);
    return rc;
}

/* K-fold cross-validation: a fresh model per fold, pooled figures. */
static int cross_validate(const opts_t *o, const cl_thresholds_t *th, const cl_dataset_t *d)
{
    char err[512];
    size_t *order = malloc(d->n * sizeof *order), *tr = malloc(d->n * sizeof *tr);
    size_t *te = malloc(d->n * sizeof *te);
    cl_model_t *m = cl_model_new(NULL, err, sizeof err);
    int rc = 1;
    cl_eval_t all;
    memset(&all, 0, sizeof all);
    if (order == NULL || tr == NULL || te == NULL || m == NULL) {
        fprintf(stderr, "outcry-classify eval: %s\n", m == NULL ? err : "out of memory");
        goto out;
    }
    for (size_t i = 0; i < d->n; i++) {
        order[i] = i;
    }
    uint64_t state = o->train.seed;
    cl_shuffle(order, d->n, &state);
    for (long k = 0; k < o->folds; k++) {
        size_t ntr = 0, nte = 0;
        for (size_t i = 0; i < d->n; i++) {
            if ((long)(i % (size_t)o->folds) == k) {
                te[nte++] = order[i];
            } else {
                tr[ntr++] = order[i];
            }
        }
        cl_lin_t lin;
        if (cl_train(m, d, tr, ntr, &o->train, &lin, err, sizeof err) != 0) {
            fprintf(stderr, "outcry-classify eval: fold %ld: %s\n", k + 1, err);
            goto out;
        }
        if (cl_lin_quantise(&lin) != 0) {
            cl_lin_free(&lin);
            fprintf(stderr, "outcry-classify eval: out of memory\n");
            goto out;
        }
        cl_model_set_linear(m, &lin);
        cl_eval_t e;
        memset(&e, 0, sizeof e);
        int erc = cl_eval_run(m, th, d, te, nte, &e);
        cl_model_set_linear(m, NULL);
        cl_lin_free(&lin);
        if (erc != 0) {
            fprintf(stderr, "outcry-classify eval: out of memory\n");
            goto out;
        }
        cl_eval_summary_t s;
        cl_eval_summarise(&e, &s);
        printf("fold %ld/%ld: n=%ld complaint_macro_f1=%.4f category_accuracy=%.4f\n", k + 1,
               o->folds, s.n, s.complaint_macro_f1, s.category_accuracy);
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 2; b++) {
                all.complaint[a][b] += e.complaint[a][b];
            }
        }
        for (int a = 0; a < CL_NCAT; a++) {
            for (int b = 0; b < CL_NCAT; b++) {
                all.category[a][b] += e.category[a][b];
            }
        }
        for (int a = 0; a < CL_NSEV; a++) {
            for (int b = 0; b < CL_NSEV; b++) {
                all.severity[a][b] += e.severity[a][b];
            }
        }
    }
    printf("%ld-fold cross-validation on %s (pooled):\n", o->folds, d->path);
    cl_eval_print(stdout, &all);
    rc = 0;
out:
    cl_model_free(m);
    free(order);
    free(tr);
    free(te);
    return rc;
}

int cl_cmd_eval(int argc, char **argv)
{
    opts_t o;
    char err[1200];
    cl_thresholds_t th;
    if (parse("eval", argc, argv,
              "--data --model --folds --threshold --epochs --seed --hash-bits --lr --l2 ",
              &o) != 0 ||
        thresholds(&o, &th) != 0) {
        return 2;
    }
    if (o.data == NULL) {
        fprintf(stderr, "outcry-classify eval: needs --data FILE.jsonl\n");
        return 2;
    }
    cl_dataset_t d;
    if (cl_data_load(&d, o.data, err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify eval: %s\n", err);
        return 1;
    }
    int rc = 1;
    if (o.folds > 0) {
        rc = cross_validate(&o, &th, &d);
        cl_data_free(&d);
        return rc;
    }
    cl_ctx_t ctx;
    if (cl_ctx_init(&ctx, o.model) != 0) {
        fprintf(stderr, "outcry-classify eval: %s\n", ctx.err);
    } else {
        cl_eval_t e;
        memset(&e, 0, sizeof e);
        if (cl_eval_run(ctx.model, &th, &d, NULL, d.n, &e) != 0) {
            fprintf(stderr, "outcry-classify eval: out of memory\n");
        } else {
            printf("model %s (%s) on %s:\n", cl_model_name(ctx.model),
                   ctx.model_path[0] ? ctx.model_path : "word lists", d.path);
            cl_eval_print(stdout, &e);
            rc = 0;
        }
    }
    cl_ctx_free(&ctx);
    cl_data_free(&d);
    return rc;
}

int cl_cmd_info(int argc, char **argv)
{
    opts_t o;
    if (parse("model-info", argc, argv, "--model ", &o) != 0) {
        return 2;
    }
    cl_ctx_t ctx;
    int rc = 1;
    if (cl_ctx_init(&ctx, o.model) != 0) {
        fprintf(stderr, "outcry-classify model-info: %s\n", ctx.err);
    } else {
        const char *meta = cl_model_meta(ctx.model);
        json_t *jm = meta != NULL ? json_loads(meta, 0, NULL) : json_null();
        json_t *out = json_pack("{s:s,s:s,s:o}", "path", ctx.model_path, "name",
                                cl_model_name(ctx.model), "metadata", jm ? jm : json_null());
        char *txt = out != NULL ? json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6)) : NULL;
        if (txt != NULL) {
            puts(txt);
            rc = 0;
        } else {
            fprintf(stderr, "outcry-classify model-info: out of memory\n");
        }
        free(txt);
        json_decref(out);
    }
    cl_ctx_free(&ctx);
    return rc;
}

static double cpu_seconds(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) {
        return 0;
    }
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The bench's texts: the data file's, joined with the next ones until each
 * has at least min bytes (the posts are ~140 characters; the
 * evaluation set's average 67). Returns the count, or 0 when out of memory;
 * *out is a malloc'd array of malloc'd strings. */
static size_t bench_texts(const cl_dataset_t *d, size_t min, char ***out)
{
    char **t = calloc(d->n ? d->n : 1, sizeof *t);
    size_t n = 0;
    if (t == NULL) {
        return 0;
    }
    for (size_t i = 0; i < d->n;) {
        size_t len = 0, j = i;
        while (j < d->n && len < min) {
            len += d->ex[j++].len + 1;
        }
        char *s = malloc(len + 2);
        if (s == NULL) {
            goto fail;
        }
        size_t o = 0;
        for (size_t k = i; k < j; k++) {
            memcpy(s + o, d->ex[k].text, d->ex[k].len);
            o += d->ex[k].len;
            s[o++] = ' ';
        }
        s[o > 0 ? o - 1 : 0] = '\0';
        t[n++] = s;
        i = j;
    }
    *out = t;
    return n;
fail:
    while (n > 0) {
        free(t[--n]);
    }
    free(t);
    return 0;
}

int cl_cmd_bench(int argc, char **argv)
{
    opts_t o;
    char err[1200];
    cl_thresholds_t th;
    if (parse("bench", argc, argv, "--data --model --rounds ", &o) != 0 ||
        thresholds(&o, &th) != 0) {
        return 2;
    }
    cl_dataset_t d;
    if (cl_data_load(&d, o.data != NULL ? o.data : "data/eval.jsonl", err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify bench: %s (give --data FILE.jsonl)\n", err);
        return 1;
    }
    cl_ctx_t ctx;
    char **texts = NULL;
    size_t nt = 0;
    int rc = 1;
    if (cl_ctx_init(&ctx, o.model) != 0) {
        fprintf(stderr, "outcry-classify bench: %s\n", ctx.err);
    } else if ((nt = bench_texts(&d, 100, &texts)) == 0) {
        fprintf(stderr, "outcry-classify bench: out of memory\n");
    } else {
        long rounds = o.rounds > 0 ? o.rounds : 100, n = 0, complaints = 0;
        size_t bytes = 0;
        cl_result_t r;
        /* one pass first, untimed, so the token buffer has grown: what is
         * timed allocates nothing */
        for (size_t i = 0; i < nt; i++) {
            if (cl_model_classify_with(ctx.model, &ctx.scratch, texts[i], strlen(texts[i]), &th,
                                       &r, NULL) != 0) {
                fprintf(stderr, "outcry-classify bench: out of memory\n");
                goto done;
            }
        }
        double t0 = cpu_seconds();
        for (long k = 0; k < rounds; k++) {
            for (size_t i = 0; i < nt; i++) {
                size_t len = strlen(texts[i]);
                if (cl_model_classify_with(ctx.model, &ctx.scratch, texts[i], len, &th, &r,
                                           NULL) != 0) {
                    fprintf(stderr, "outcry-classify bench: out of memory\n");
                    goto done;
                }
                complaints += r.complaint;
                bytes += len;
                n++;
            }
        }
        double dt = cpu_seconds() - t0;
        printf("bench: model %s, %ld texts (avg %.0f bytes) in %.3f CPU-s: %.0f posts/s "
               "(scoring only, no JSON, no allocation), %ld complaints\n",
               cl_model_name(ctx.model), n, n ? (double)bytes / (double)n : 0, dt,
               dt > 0 ? (double)n / dt : 0, complaints);
        rc = 0;
    }
done:
    while (nt > 0) {
        free(texts[--nt]);
    }
    free(texts);
    cl_ctx_free(&ctx);
    cl_data_free(&d);
    return rc;
}
