/* test_classify_linear.c -- the trained linear model: SHA-256, data files,
 * deterministic training, the model file format and its checks, and how
 * the linear model and the critical rules combine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "classify/linear.h"
#include "classify/model.h"
#include "classify/train.h"

static const char *const posts[] = {
    "{\"text\":\"my parcel never arrived\",\"complaint\":1,\"category\":\"delivery\","
    "\"severity\":\"medium\"}",
    "{\"text\":\"parcel arrived early, thanks\",\"complaint\":0,\"category\":\"delivery\","
    "\"severity\":\"low\"}",
    "{\"text\":\"charged twice on my bill\",\"complaint\":1,\"category\":\"billing\","
    "\"severity\":\"medium\"}",
    "{\"text\":\"how do I pay my bill?\",\"complaint\":0,\"category\":\"billing\"}",
    "{\"text\":\"the app keeps crashing\",\"complaint\":1,\"category\":\"technical\","
    "\"severity\":\"medium\"}",
    "{\"text\":\"love the new app\",\"complaint\":0,\"category\":\"technical\"}",
    "{\"text\":\"internet down AGAIN, cancelling\",\"complaint\":true,\"category\":"
    "\"technical\",\"severity\":\"high\"}",
    "{\"text\":\"the charger caught fire\",\"complaint\":1,\"category\":\"safety\","
    "\"severity\":\"critical\"}",
};

static void write_file(const char *path, const char *const *lines, size_t n)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%s\n", lines[i]);
    }
    assert_int_equal(fclose(f), 0);
}

static void test_data_load(void **state)
{
    char path[] = "/tmp/cl-test-data-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[512];
    cl_dataset_t d;
    write_file(path, posts, sizeof posts / sizeof posts[0]);
    assert_int_equal(cl_data_load(&d, path, err, sizeof err), 0);
    assert_int_equal(d.n, 8);
    assert_int_equal(d.ex[3].severity, -1); /* unknown */
    assert_int_equal(d.ex[6].complaint, 1); /* true */
    assert_int_equal(d.ex[7].category, CL_CAT_SAFETY);
    cl_data_free(&d);

    const char *bad[][2] = {
        {"{\"text\":\"x\"}", "complaint"},
        {"{\"text\":\"\",\"complaint\":1}", "text"},
        {"{\"text\":\"x\",\"complaint\":1,\"severity\":\"huge\"}", "severity"},
        {"[1,2]", "not a JSON object"},
        {"{\"text\":", "not JSON"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *lines[] = {posts[0], bad[i][0]};
        write_file(path, lines, 2);
        assert_int_equal(cl_data_load(&d, path, err, sizeof err), -1);
        assert_non_null(strstr(err, "line 2"));
        assert_non_null(strstr(err, bad[i][1]));
    }
    unlink(path);
    assert_int_equal(cl_data_load(&d, "/nonexistent/x.jsonl", err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
}

/* Trains on posts with o; returns the model (caller frees). */
static void train_posts(const cl_train_opts_t *o, cl_lin_t *lin, cl_dataset_t *d, cl_model_t **lex)
{
    char path[] = "/tmp/cl-test-train-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[512];
    write_file(path, posts, sizeof posts / sizeof posts[0]);
    assert_int_equal(cl_data_load(d, path, err, sizeof err), 0);
    unlink(path);
    *lex = cl_model_new(NULL, err, sizeof err);
    assert_non_null(*lex);
    size_t idx[8];
    for (size_t i = 0; i < d->n; i++) {
        idx[i] = i;
    }
    assert_int_equal(cl_train(*lex, d, idx, d->n, o, lin, err, sizeof err), 0);
}

static void test_train_deterministic_and_learns(void **state)
{
    cl_train_opts_t o;
    cl_train_opts_default(&o);
    o.bits = 12;
    o.epochs = 30;
    o.lr = 0.3;
    cl_lin_t a, b;
    cl_dataset_t d1, d2;
    cl_model_t *m1, *m2;
    train_posts(&o, &a, &d1, &m1);
    train_posts(&o, &b, &d2, &m2);
    size_t nw = (size_t)CL_LIN_NOUT << o.bits;
    assert_memory_equal(a.w, b.w, nw * sizeof(float));
    assert_memory_equal(a.data_sha, d1.sha, 32);

    /* it fits its training posts */
    cl_model_set_linear(m1, &a);
    cl_eval_t e;
    memset(&e, 0, sizeof e);
    cl_thresholds_t th;
    cl_thresholds_default(&th);
    assert_int_equal(cl_eval_run(m1, &th, &d1, NULL, d1.n, &e), 0);
    cl_eval_summary_t s;
    cl_eval_summarise(&e, &s);
    assert_true(s.complaint_accuracy >= 0.99);
    assert_true(s.category_accuracy >= 0.99);

    /* another seed, another order, other weights */
    cl_lin_t c;
    cl_dataset_t d3;
    cl_model_t *m3;
    o.seed = 99;
    train_posts(&o, &c, &d3, &m3);
    assert_true(memcmp(a.w, c.w, nw * sizeof(float)) != 0);

    cl_model_set_linear(m1, NULL);
    cl_model_free(m1);
    cl_model_free(m2);
    cl_model_free(m3);
    cl_lin_free(&a);
    cl_lin_free(&b);
    cl_lin_free(&c);
    cl_data_free(&d1);
    cl_data_free(&d2);
    cl_data_free(&d3);
}

static void test_file_round_trip_and_checks(void **state)
{
    cl_train_opts_t o;
    cl_train_opts_default(&o);
    o.bits = 10;
    cl_lin_t lin, back;
    cl_dataset_t d;
    cl_model_t *lex;
    train_posts(&o, &lin, &d, &lex);
    assert_int_equal(cl_lin_quantise(&lin), 0);
    snprintf(lin.name, sizeof lin.name, "outcry-linear/1-test");
    char path[] = "/tmp/cl-test-model-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[1024];
    assert_int_equal(
        cl_lin_save(&lin, path, "{\"name\":\"outcry-linear/1-test\",\"x\":1}", err, sizeof err), 0);
    assert_int_equal(cl_lin_load(&back, path, err, sizeof err), 0);
    assert_int_equal(back.bits, 10);
    assert_string_equal(back.name, "outcry-linear/1-test");
    assert_non_null(strstr(back.meta, "\"x\":1"));
    assert_memory_equal(back.data_sha, d.sha, 32);
    size_t nw = (size_t)CL_LIN_NOUT << 10;
    assert_memory_equal(back.w, lin.w, nw * sizeof(float)); /* quantised: exact */
    assert_memory_equal(back.q, lin.q, nw * sizeof(int16_t));
    cl_lin_free(&back);

    /* the model behind model.h loads it and uses it */
    cl_model_t *m = cl_model_new(path, err, sizeof err);
    assert_non_null(m);
    assert_string_equal(cl_model_name(m), "outcry-linear/1-test");
    cl_result_t r;
    cl_thresholds_t th;
    cl_thresholds_default(&th);
    const char *t = "my new kettle caught fire";
    assert_int_equal(cl_model_classify(m, t, strlen(t), &th, &r, NULL), 0);
    if (r.complaint) {
        assert_int_equal(r.severity, CL_SEV_CRITICAL); /* the critical-term rule */
    }
    th.complaint = 0.0;
    assert_int_equal(cl_model_classify(m, t, strlen(t), &th, &r, NULL), 0);
    assert_true(r.complaint);
    assert_int_equal(r.severity, CL_SEV_CRITICAL);
    th.complaint = 2.0; /* the brand's own posts: never */
    assert_int_equal(cl_model_classify(m, t, strlen(t), &th, &r, NULL), 0);
    assert_false(r.complaint);
    assert_int_equal(r.severity, CL_SEV_LOW);
    cl_model_free(m);

    /* every byte counts: flip one, the checksum fails */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, 200, SEEK_SET), 0);
    int ch = fgetc(f);
    assert_int_equal(fseek(f, 200, SEEK_SET), 0);
    fputc(ch ^ 1, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(cl_lin_load(&back, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "checksum"));
    assert_null(cl_model_new(path, err, sizeof err));
    assert_non_null(strstr(err, "make model"));
    unlink(path);
    assert_int_equal(cl_lin_load(&back, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));

    cl_model_free(lex);
    cl_lin_free(&lin);
    cl_data_free(&d);
}

static void count_feature(uint32_t h, float v, void *arg)
{
    (*(int *)arg)++;
}

static void test_features_allocate_nothing_per_feature(void **state)
{
    cl_features_t f = {0};
    const char *t = "@acme WHY is my bill £50 higher?! not happy 😡 https://x.co/a";
    assert_int_equal(cl_features_extract(&f, t, strlen(t)), 0);
    cl_lexfeat_t lx = {.z = 1.0, .signals = 1u};
    int n = 0;
    cl_lin_features(&f, &lx, count_feature, &n);
    assert_true(n > 30); /* words, bigrams, character n-grams, counts, lexicon */
    int n2 = 0;
    cl_lin_features(&f, NULL, count_feature, &n2);
    assert_true(n2 < n);
    cl_features_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_data_load),
        cmocka_unit_test(test_train_deterministic_and_learns),
        cmocka_unit_test(test_file_round_trip_and_checks),
        cmocka_unit_test(test_features_allocate_nothing_per_feature),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
