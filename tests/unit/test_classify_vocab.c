/* test_classify_vocab.c -- the model's word cache (classify/vocab.h) gives
 * what the direct computation gives: per word (n-gram row sums, unigram
 * buckets, word-list lookups) and per text (every field of the result, bit
 * for bit), with the cache on, off, and too small to hold every word. The
 * texts are written for this test; run from the repository root (it loads
 * classify/model.bin). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "classify/features.h"
#include "classify/lexicon.h"
#include "classify/linear.h"
#include "classify/model.h"
#include "classify/vocab.h"

#define MODEL_PATH "classify/model.bin"

/* Texts with what the fast path must get right: phrases and their
 * prefixes, prefix terms, letter runs, negation scopes, "but", capitals,
 * hashtags, numbers and money, mentions and links, emoji and emoticons,
 * accents, words longer than a token, punctuation between phrase words. */
static const char *const texts[] = {
    "@acmetel I was charged twice and nobody will give me a refund!!!",
    "customer service customer service service customer, customer. service",
    "I was OVERCHARGED overcharged overchargeddd OVERCHARGING overcharges",
    "great, another outage. thanks for nothing #not",
    "love how you never answer my calls but the app is great",
    "not bad at all, actually quite good :) <3",
    "can't log in, won't load, doesn't work, isn't fixed, n'est pas bon",
    "Llegó tarde otra vez, el pedido NUNCA llegó 😡😡 no hay servicio",
    "Très déçu du service client, je n'ai jamais reçu ma commande",
    "WHY IS MY INTERNET DOWN AGAIN FIX IT NOW!!!",
    "soooooo baaaad pleaseeee helpppp ughhhhh nooooo",
    "paid $50 and £20 for 1,000.50 minutes at 10:30 on 3.5 plans",
    "wi-fi keeps dropping every single time, www.example.com http://x.co/a",
    "supercalifragilisticexpialidociousandthensomemorelettersbeyondthirtytwo bytes",
    "Überraschungsbeförderungsunternehmensangestellterinnenschaft ist nicht gut",
    "no one helps. no. one. still waiting for my money back",
    "my package is missing, the driver left it in the rain, where is my parcel?",
    "the charger caught fire next to my kid's bed, I'm calling my lawyer",
    "thank you so much, brilliant service 👍🏽 ❤️",
    "how do i change my plan? anyone?",
    "xD :-D ;) :/ :( >:( XD hello world",
    "I I I I a b c d e f g",
    "qwzx vbnm plokijuh zzyzx frobnicate glorp snarf wibble",
};

/* A text of words not in any list, made up from an index: words the cache
 * has not seen. */
static void made_up(char *buf, size_t size, unsigned i)
{
    static const char *const syl[] = {"ka", "lo", "mi", "zu", "re", "pt", "ve", "gno", "sh", "ax"};
    size_t o = 0;
    for (unsigned w = 0; w < 6 && o + 16 < size; w++) {
        unsigned x = i * 7919u + w * 104729u;
        for (unsigned k = 0; k < 2 + x % 3; k++) {
            const char *s = syl[(x >> (3 * k)) % 10];
            size_t n = strlen(s);
            memcpy(buf + o, s, n);
            o += n;
        }
        buf[o++] = w == 2 ? ',' : ' ';
        if (w == 2) {
            buf[o++] = ' ';
        }
    }
    memcpy(buf + o, "refund not working", 19);
}

static void assert_same(const cl_result_t *a, const cl_result_t *b, const char *text)
{
    if (a->complaint != b->complaint || memcmp(&a->score, &b->score, sizeof a->score) != 0 ||
        a->category != b->category ||
        memcmp(&a->category_score, &b->category_score, sizeof a->score) != 0 ||
        a->severity != b->severity ||
        memcmp(&a->sentiment, &b->sentiment, sizeof a->sentiment) != 0 ||
        a->signals != b->signals) {
        fail_msg("fast and direct results differ for \"%s\": score %.17g/%.17g sentiment "
                 "%.17g/%.17g signals %x/%x",
                 text, a->score, b->score, a->sentiment, b->sentiment, a->signals, b->signals);
    }
}

/* Classifies every test text (and made-up ones) with m and with direct,
 * twice (the second time from the cache), and compares. */
static void compare_models(cl_model_t *m, cl_model_t *direct)
{
    cl_thresholds_t th;
    cl_thresholds_default(&th);
    cl_features_t f1 = {0}, f2 = {0};
    char buf[256];
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < 200 + sizeof texts / sizeof texts[0]; i++) {
            const char *t = texts[i % (sizeof texts / sizeof texts[0])];
            if (i >= sizeof texts / sizeof texts[0]) {
                made_up(buf, sizeof buf, i);
                t = buf;
            }
            cl_result_t a, b;
            assert_int_equal(cl_model_classify_with(m, &f1, t, strlen(t), &th, &a, NULL), 0);
            assert_int_equal(cl_model_classify_with(direct, &f2, t, strlen(t), &th, &b, NULL), 0);
            assert_same(&a, &b, t);
        }
    }
    cl_features_free(&f1);
    cl_features_free(&f2);
}

static void test_results_identical(void **state)
{
    char err[1024];
    for (int trained = 0; trained < 2; trained++) {
        const char *path = trained ? MODEL_PATH : NULL;
        cl_model_t *fast = cl_model_new(path, err, sizeof err);
        cl_model_t *small = cl_model_new(path, err, sizeof err);
        cl_model_t *direct = cl_model_new(path, err, sizeof err);
        assert_non_null(fast);
        assert_non_null(small);
        assert_non_null(direct);
        assert_int_equal(cl_model_set_cache(direct, 0), 0);
        assert_int_equal(cl_model_set_cache(small, 40), 0);
        compare_models(fast, direct);
        compare_models(small, direct);

        cl_cache_stats_t st;
        cl_model_cache_stats(fast, &st);
        assert_true(st.preset > 1000); /* the word lists' words */
        assert_true(st.hits > 0);
        assert_true(st.misses > 0); /* the made-up words */
        assert_int_equal(st.uncached, 0);
        cl_model_cache_stats(small, &st);
        assert_int_equal(st.words, 40);
        assert_true(st.uncached > 0); /* full: worked out directly */
        cl_model_cache_stats(direct, &st);
        assert_int_equal(st.capacity, 0);
        assert_int_equal(st.hits + st.misses + st.uncached, 0);
        cl_model_free(fast);
        cl_model_free(small);
        cl_model_free(direct);
    }
}

typedef struct gram_acc {
    const cl_lin_t *lin;
    int32_t gram[CL_LIN_QSTRIDE];
    uint32_t unigram; /* bucket of the first feature of value 1 after the bias */
    int ones;
} gram_acc_t;

static void sum_grams(uint32_t h, float v, void *arg)
{
    gram_acc_t *a = arg;
    uint32_t b = cl_lin_bucket(a->lin, h);
    if (v == 0.25f) {
        for (int k = 0; k < CL_LIN_QSTRIDE; k++) {
            a->gram[k] += a->lin->q[(size_t)b * CL_LIN_QSTRIDE + (size_t)k];
        }
    } else if (v == 1.0f && a->ones++ == 1) {
        a->unigram = b; /* the first is m:bias */
    }
}

/* Per word: the cached n-gram sums and buckets equal what the feature
 * enumeration gives, and the cached word-list lookups find what a scan of
 * the word alone finds. */
static void count_terms(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    ++*(int *)arg;
}

static void test_words_identical(void **state)
{
    char err[1024];
    cl_lin_t lin;
    assert_int_equal(cl_lin_load(&lin, MODEL_PATH, err, sizeof err), 0);
    cl_lex_t lex[CL_VOCAB_NLEX];
    assert_int_equal(cl_lex_init(&lex[0], "complaint", cl_complaint_terms, cl_complaint_nterms, 0,
                                 err, sizeof err),
                     0);
    assert_int_equal(
        cl_lex_init(&lex[1], "category", cl_category_terms, cl_category_nterms, 1, err, sizeof err),
        0);
    assert_int_equal(
        cl_lex_init(&lex[2], "polarity", cl_polarity_terms, cl_polarity_nterms, 0, err, sizeof err),
        0);
    assert_int_equal(
        cl_lex_init(&lex[3], "signal", cl_signal_terms, cl_signal_nterms, 0, err, sizeof err), 0);
    const cl_lex_t *lp[CL_VOCAB_NLEX] = {&lex[0], &lex[1], &lex[2], &lex[3]};
    cl_vocab_t v;
    assert_int_equal(cl_vocab_init(&v, lp, &lin, 64), 0);
    cl_features_t f = {0};
    char buf[256];
    size_t checked = 0;
    for (unsigned i = 0; i < 100 + sizeof texts / sizeof texts[0]; i++) {
        const char *t = i < sizeof texts / sizeof texts[0] ? texts[i] : buf;
        if (i >= sizeof texts / sizeof texts[0]) {
            made_up(buf, sizeof buf, i);
        }
        assert_int_equal(cl_features_extract(&f, t, strlen(t)), 0);
        for (size_t j = 0; j < f.n; j++) {
            cl_token_t tok = f.tok[j];
            if (tok.kind == CL_TOK_PUNCT) {
                continue;
            }
            tok.flags = 0; /* alone and not negated: "w:<text>" */
            cl_features_t one = {.tok = &tok, .n = 1, .cap = 1};
            gram_acc_t a = {.lin = &lin};
            cl_lin_features(&one, NULL, sum_grams, &a);
            cl_vword_t e;
            cl_vocab_word(&v, &tok, &e);
            for (int k = 0; k < CL_LIN_QSTRIDE; k++) {
                /* in quarters: 4 x the unigram row + the n-grams' rows */
                assert_int_equal(e.lin.sw[k],
                                 4 * lin.q[(size_t)a.unigram * CL_LIN_QSTRIDE + (size_t)k] +
                                     a.gram[k]);
            }
            assert_string_equal(e.text, tok.text);
            for (int k = 0; k < CL_VOCAB_NLEX; k++) {
                int direct = 0;
                cl_lex_scan(&lex[k], &one, NULL, count_terms, &direct);
                int cached = e.lex[k].n + ((e.lex[k].flags & CL_LW_PREFIX) != 0);
                assert_int_equal(direct > 0, cached > 0);
                if (!(e.lex[k].flags & CL_LW_PREFIX)) {
                    assert_int_equal(direct, e.lex[k].n);
                }
            }
            /* and the cache hands back the same entry, when it has room */
            const cl_vword_t *got = cl_vocab_get(&v, &tok);
            if (got != NULL) {
                assert_memory_equal(&got->lin, &e.lin, sizeof e.lin);
                assert_memory_equal(got->lex, e.lex, sizeof e.lex);
            }
            checked++;
        }
    }
    assert_true(checked > 500);
    cl_features_free(&f);
    cl_vocab_free(&v);
    for (int k = 0; k < CL_VOCAB_NLEX; k++) {
        cl_lex_free(&lex[k]);
    }
    cl_lin_free(&lin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_results_identical),
        cmocka_unit_test(test_words_identical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
