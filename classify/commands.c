/* commands.c -- train, eval and model-info (commands.h). */
#include "commands.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "benchtext.h"
#include "classify.h"
#include "linear.h"
#include "sha256.h"
#include "train.h"

typedef struct opts {
    const char *data;      /* --data */
    const char *out;       /* --out (train) */
    const char *eval;      /* --eval (train) */
    const char *model;     /* --model (eval, model-info) */
    long folds;            /* --folds (eval) */
    long rounds;           /* --rounds (bench) */
    cl_train_opts_t train; /* --epochs, --seed, --hash-bits, --lr, --l2 */
    const char *threshold; /* --threshold */
    const char *twcs;      /* --twcs (bench): TWCS CSV file, or "none" */
} opts_t;

static int num(const char *flag, const char *s, double lo, double hi, double *out)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (s[0] == '\0' || *end != '\0' || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "outcry-classify: %s '%s': want a number from %g to %g\n", flag, s, lo, hi);
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
        } else if (strcmp(f, "--twcs") == 0) {
            o->twcs = v;
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
    oc_sha256_hex(d->sha, hex);
    json_t *m = json_pack("{s:s,s:i,s:i,s:{s:s,s:s,s:I},s:{s:s,s:I,s:I,s:f,s:f,s:I}}", "name",
                          lin->name, "format", (int)CL_LIN_VERSION, "feature_set",
                          (int)CL_LIN_FEATSET, "trained_on", "file", d->path, "sha256", hex,
                          "examples", (json_int_t)d->n, "training", "algorithm", "adagrad-sgd",
                          "epochs", (json_int_t)o->epochs, "seed", (json_int_t)o->seed,
                          "learning_rate", o->lr, "l2", o->l2, "hash_bits", (json_int_t)o->bits);
    if (m == NULL) {
        return NULL;
    }
    if (ev != NULL) {
        oc_sha256_hex(ev->sha, ehex);
        json_object_set_new(
            m, "evaluation",
            json_pack("{s:s,s:s,s:I,s:f,s:f,s:f,s:f,s:f}", "file", ev->path, "sha256", ehex,
                      "examples", (json_int_t)ev->n, "complaint_macro_f1",
                      r4(es->complaint_macro_f1), "complaint_accuracy", r4(es->complaint_accuracy),
                      "category_accuracy", r4(es->category_accuracy), "category_macro_f1",
                      r4(es->category_macro_f1), "severity_accuracy", r4(es->severity_accuracy)));
    }
    char *s = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(8));
    json_decref(m);
    return s;
}

int cl_cmd_train(int argc, char **argv)
{
    opts_t o;
    char err[512];
    if (parse("train", argc, argv, "--data --out --eval --epochs --seed --hash-bits --lr --l2 ",
              &o) != 0) {
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
    oc_sha256_hex(d.sha, hex);
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
        char *txt = out != NULL
                        ? json_dumps(out, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6))
                        : NULL;
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

/* Classifies every text rounds times; adds the posts classified and the
 * complaints found. Returns the CPU seconds taken, or -1 when out of
 * memory. */
static double bench_pass(cl_ctx_t *ctx, const cl_thresholds_t *th, const cl_bench_texts_t *bt,
                         long rounds, long *n, long *complaints)
{
    cl_result_t r;
    double t0 = cpu_seconds();
    for (long k = 0; k < rounds; k++) {
        for (size_t i = 0; i < bt->n; i++) {
            if (cl_model_classify_with(ctx->model, &ctx->scratch, bt->text[i], strlen(bt->text[i]),
                                       th, &r, NULL) != 0) {
                return -1;
            }
            *complaints += r.complaint;
            ++*n;
        }
    }
    return cpu_seconds() - t0;
}

static double rate(long n, double dt)
{
    return dt > 0 ? (double)n / dt : 0;
}

static double hit_pct(const cl_cache_stats_t *a, const cl_cache_stats_t *b)
{
    unsigned long long hits = b->hits - a->hits;
    unsigned long long all = hits + (b->misses - a->misses) + (b->uncached - a->uncached);
    return all ? 100.0 * (double)hits / (double)all : 0;
}

int cl_cmd_bench(int argc, char **argv)
{
    opts_t o;
    char err[1200];
    cl_thresholds_t th;
    if (parse("bench", argc, argv, "--data --model --rounds --twcs ", &o) != 0 ||
        thresholds(&o, &th) != 0) {
        return 2;
    }
    cl_dataset_t d;
    if (cl_data_load(&d, o.data != NULL ? o.data : "data/eval.jsonl", err, sizeof err) != 0) {
        fprintf(stderr, "outcry-classify bench: %s (give --data FILE.jsonl)\n", err);
        return 1;
    }
    const char *twcs = o.twcs != NULL ? o.twcs : CL_BENCH_TWCS;
    if (strcmp(twcs, "none") == 0) {
        twcs = NULL;
    }
    cl_ctx_t ctx;
    cl_bench_texts_t bt = {0};
    int rc = 1;
    if (cl_ctx_init(&ctx, o.model) != 0) {
        fprintf(stderr, "outcry-classify bench: %s\n", ctx.err);
        cl_data_free(&d);
        return 1;
    }
    if (cl_bench_texts_load(&bt, &d, twcs, 100) != 0 || bt.n == 0) {
        fprintf(stderr, "outcry-classify bench: out of memory, or %s is not a TWCS CSV file\n",
                twcs ? twcs : "-");
        goto done;
    }
    size_t bytes = 0;
    for (size_t i = 0; i < bt.n; i++) {
        /* the token buffer grows here, untimed: what is timed allocates
         * nothing (the word cache was allocated with the model) */
        if (cl_features_extract(&ctx.scratch, bt.text[i], strlen(bt.text[i])) != 0) {
            goto oom;
        }
        bytes += strlen(bt.text[i]);
    }
    long rounds = o.rounds > 0 ? o.rounds : 100;
    long n_cold = 0, n_steady = 0, n_direct = 0, complaints = 0, c2 = 0, c3 = 0;
    cl_cache_stats_t s0, s1, s2;
    cl_model_cache_stats(ctx.model, &s0);
    /* cold: one pass with the cache as built (the word lists' and common
     * words only): every other word is worked out and added on first sight */
    double dt_cold = bench_pass(&ctx, &th, &bt, 1, &n_cold, &complaints);
    cl_model_cache_stats(ctx.model, &s1);
    /* steady: the same texts again, every word now cached (flattering:
     * real traffic keeps bringing new words; see the cold figure) */
    double dt_steady = bench_pass(&ctx, &th, &bt, rounds, &n_steady, &c2);
    cl_model_cache_stats(ctx.model, &s2);
    /* direct: no cache, each token worked out every time */
    long drounds = rounds / 10 > 0 ? rounds / 10 : 1;
    if (dt_cold < 0 || dt_steady < 0 || cl_model_set_cache(ctx.model, 0) != 0) {
        goto oom;
    }
    double dt_direct = bench_pass(&ctx, &th, &bt, drounds, &n_direct, &c3);
    if (dt_direct < 0) {
        goto oom;
    }
    printf("bench: model %s, %zu texts (avg %.0f bytes; %zu from %s, %zu from %zu TWCS inbound "
           "posts%s), scoring only: no JSON, no allocation\n",
           cl_model_name(ctx.model), bt.n, (double)bytes / (double)bt.n, bt.ndata, d.path,
           bt.n - bt.ndata, bt.ntwcs, twcs && bt.ntwcs ? "" : ": sample absent");
    printf("  cold   (1 pass, word cache with %zu preset words): %.0f posts/s, cache hits "
           "%.1f%%, %llu words added\n",
           s0.words, rate(n_cold, dt_cold), hit_pct(&s0, &s1), s1.misses - s0.misses);
    printf("  steady (%ld rounds, same texts, %zu words cached): %.0f posts/s, cache hits "
           "%.1f%%\n",
           rounds, s2.words, rate(n_steady, dt_steady), hit_pct(&s1, &s2));
    printf("  direct (%ld rounds, no word cache): %.0f posts/s; %ld complaints a pass\n", drounds,
           rate(n_direct, dt_direct), complaints);
    rc = 0;
    goto done;
oom:
    fprintf(stderr, "outcry-classify bench: out of memory\n");
done:
    cl_bench_texts_free(&bt);
    cl_ctx_free(&ctx);
    cl_data_free(&d);
    return rc;
}
