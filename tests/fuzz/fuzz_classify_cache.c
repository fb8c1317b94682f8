/* fuzz_classify_cache.c -- the word cache (classify/vocab.h) against the
 * direct path: "results are the same with or without it, bit for bit".
 * The cache precomputes, per word, its word-list lookups and its linear
 * sums; the direct path works every token out each time. Any text is
 * classified by three copies of the trained model: cache off, the default
 * cache, and a cache of 64 words that fills at once (then new words are
 * worked out directly: the third path). Every field of the result must be
 * equal, doubles to the bit. The same texts also go through the word lists
 * alone, cached and not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "classify/model.h"
#include "classify/vocab.h"

static cl_model_t *trained[3], *lexicon[2];
static cl_thresholds_t th;

static cl_model_t *load(const char *path, size_t cache)
{
    char err[1024];
    cl_model_t *m = cl_model_new(path, err, sizeof err);
    if (m == NULL || cl_model_set_cache(m, cache) != 0) {
        fprintf(stderr, "fuzz: classify model %s: %s\n", path ? path : "(word lists)",
                m == NULL ? err : "cache");
        exit(2);
    }
    return m;
}

static void same(const cl_result_t *a, const cl_result_t *b, const char *what, const uint8_t *data,
                 size_t size)
{
    if (a->complaint != b->complaint || memcmp(&a->score, &b->score, sizeof a->score) != 0 ||
        a->category != b->category ||
        memcmp(&a->category_score, &b->category_score, sizeof a->category_score) != 0 ||
        a->severity != b->severity ||
        memcmp(&a->sentiment, &b->sentiment, sizeof a->sentiment) != 0 ||
        a->signals != b->signals) {
        fprintf(stderr,
                "fuzz: %s differ: complaint %d/%d score %.17g/%.17g category %d/%d "
                "(%.17g/%.17g) severity %d/%d sentiment %.17g/%.17g signals %x/%x\n"
                "  text: %.*s\n",
                what, a->complaint, b->complaint, a->score, b->score, a->category, b->category,
                a->category_score, b->category_score, a->severity, b->severity, a->sentiment,
                b->sentiment, a->signals, b->signals, (int)(size < 2000 ? size : 2000),
                (const char *)data);
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *path = getenv(CL_MODEL_ENV);
    path = path != NULL ? path : "classify/model.bin";
    trained[0] = load(path, 0);
    trained[1] = load(path, CL_VOCAB_CAP);
    trained[2] = load(path, 64);
    lexicon[0] = load(NULL, 0);
    lexicon[1] = load(NULL, CL_VOCAB_CAP);
    cl_thresholds_default(&th);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    cl_result_t r[3], l[2];
    for (int i = 0; i < 3; i++) {
        if (cl_model_classify(trained[i], text, size, &th, &r[i], NULL) != 0) {
            abort(); /* out of memory */
        }
    }
    for (int i = 0; i < 2; i++) {
        if (cl_model_classify(lexicon[i], text, size, &th, &l[i], NULL) != 0) {
            abort();
        }
    }
    same(&r[0], &r[1], "trained model, no cache vs cache", data, size);
    same(&r[0], &r[2], "trained model, no cache vs a full cache", data, size);
    same(&l[0], &l[1], "word lists, no cache vs cache", data, size);
    return 0;
}
