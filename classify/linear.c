/* linear.c -- hashed features and scoring (linear.h); the model in memory
 * and its file are linfile.c's. */
#include "linear.h"

#include <stdio.h>
#include <string.h>

#define FNV_BASIS       2166136261u
#define FNV_PRIME       16777619u
#define CHAR_GRAM_VALUE 0.25f /* character n-grams are many; each counts less */

static uint32_t fnv_str(uint32_t h, const char *s)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        h ^= *c;
        h *= FNV_PRIME;
    }
    return h;
}

static uint32_t fnv_mem(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return h;
}

/* Murmur3's finaliser: FNV-1a's low bits are poorly mixed for short
 * names, and the bucket is the low bits. */
static uint32_t mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static int cap(int n, int max)
{
    return n > max ? max : n;
}

static double clamp(double x, double lo, double hi)
{
    return x < lo ? lo : x > hi ? hi : x;
}

/* Character 3- and 4-grams of "^word$". */
static void char_grams(const char *word, cl_hash_cb cb, void *arg)
{
    char buf[CL_TOKEN_MAX + 2];
    size_t n = strlen(word);
    if (n < 2) {
        return;
    }
    buf[0] = '^';
    memcpy(buf + 1, word, n);
    buf[n + 1] = '$';
    n += 2;
    uint32_t base = fnv_str(FNV_BASIS, "c:");
    for (size_t g = 3; g <= 4; g++) {
        for (size_t i = 0; i + g <= n; i++) {
            cb(fnv_mem(base, buf + i, g), CHAR_GRAM_VALUE, arg);
        }
    }
}

uint32_t cl_lin_bucket(const cl_lin_t *lin, uint32_t h)
{
    return mix(h) & lin->mask;
}

/* The whole-text features (tail_features), by index into lin->fixed: their
 * names are constant, so their buckets are worked out once per model
 * instead of hashing the names again for every text. */
enum {
    FX_BIAS = 0,
    FX_META, /* m:exclaim m:question m:caps m:url m:mention m:emoji */
    FX_EXCLAIM_RUN = FX_META + 6,
    FX_SHOUTING,
    FX_LEN, /* m:len0 .. m:len4 */
    FX_LXZ = FX_LEN + 5,
    FX_LXSENT,
    FX_NOCAT,
    FX_CAT,                    /* lx:cat0 .. */
    FX_SIG = FX_CAT + CL_NCAT, /* lx:sig0 .. */
    FX_CRITICAL = FX_SIG + CL_NSIG,
    FX_SARCASM,
    FX_N
};
_Static_assert(FX_N <= CL_LIN_NFIXED, "CL_LIN_NFIXED too small for the whole-text features");

static const char *const meta_names[] = {"m:exclaim", "m:question", "m:caps",
                                         "m:url",     "m:mention",  "m:emoji"};
static const char *const len_names[] = {"m:len0", "m:len1", "m:len2", "m:len3", "m:len4"};

void cl_lin_set_fixed(cl_lin_t *lin)
{
    char name[24];
    lin->fixed[FX_BIAS] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "m:bias"));
    for (int i = 0; i < 6; i++) {
        lin->fixed[FX_META + i] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, meta_names[i]));
    }
    lin->fixed[FX_EXCLAIM_RUN] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "m:exclaim_run"));
    lin->fixed[FX_SHOUTING] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "m:shouting"));
    for (int i = 0; i < 5; i++) {
        lin->fixed[FX_LEN + i] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, len_names[i]));
    }
    lin->fixed[FX_LXZ] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "lx:z"));
    lin->fixed[FX_LXSENT] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "lx:sent"));
    lin->fixed[FX_NOCAT] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "lx:nocat"));
    for (int c = 0; c < CL_NCAT; c++) {
        snprintf(name, sizeof name, "lx:cat%d", c);
        lin->fixed[FX_CAT + c] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, name));
    }
    for (int b = 0; b < CL_NSIG; b++) {
        snprintf(name, sizeof name, "lx:sig%d", b);
        lin->fixed[FX_SIG + b] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, name));
    }
    lin->fixed[FX_CRITICAL] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "lx:critical"));
    lin->fixed[FX_SARCASM] = cl_lin_bucket(lin, fnv_str(FNV_BASIS, "lx:sarcasm"));
}

/* The features of token i (not punctuation): its unigram, the opening
 * word when *first is set (then cleared), the bigram with the next token,
 * a word's character n-grams. */
static void token_features(const cl_features_t *f, size_t i, int *first, cl_hash_cb cb, void *arg)
{
    const cl_token_t *t = &f->tok[i];
    cb(fnv_str(fnv_str(FNV_BASIS, (t->flags & CL_TF_NEGATED) ? "n:" : "w:"), t->text), 1.0f, arg);
    if (*first && t->kind != CL_TOK_MENTION && t->kind != CL_TOK_URL) {
        /* The opening word: questions ("how", "can"), greetings,
         * sarcastic praise ("great, ..."). */
        cb(fnv_str(fnv_str(FNV_BASIS, "s:"), t->text), 1.0f, arg);
        *first = 0;
    }
    if (i + 1 < f->n && f->tok[i + 1].kind != CL_TOK_PUNCT) {
        uint32_t h = fnv_str(fnv_str(FNV_BASIS, "b:"), t->text);
        h = fnv_mem(h, " ", 1);
        cb(fnv_str(h, f->tok[i + 1].text), 1.0f, arg);
    }
    if (t->kind == CL_TOK_WORD) {
        char_grams(t->text, cb, arg);
    }
}

static void tail_features(const cl_features_t *f, const cl_lexfeat_t *lx, cl_hash_cb cb, void *arg);

/* The text's length bucket: m:len0 .. m:len4. */
static int len_bucket(const cl_features_t *f)
{
    return f->words < 4 ? 0 : f->words < 8 ? 1 : f->words < 16 ? 2 : f->words < 32 ? 3 : 4;
}

void cl_lin_features(const cl_features_t *f, const cl_lexfeat_t *lx, cl_hash_cb cb, void *arg)
{
    int first = 1;
    cb(fnv_str(FNV_BASIS, "m:bias"), 1.0f, arg);
    for (size_t i = 0; i < f->n; i++) {
        if (f->tok[i].kind != CL_TOK_PUNCT) {
            token_features(f, i, &first, cb, arg);
        }
    }
    tail_features(f, lx, cb, arg);
}

/* The whole-text features after the tokens': counts, length, the
 * lexicon's findings. Their values are not all 1 or CHAR_GRAM_VALUE, so
 * scoring sums some as doubles: their order is kept. */
static void tail_features(const cl_features_t *f, const cl_lexfeat_t *lx, cl_hash_cb cb, void *arg)
{
    int counts[] = {f->exclaim, f->question, f->caps_words, f->urls, f->mentions, f->emoji};
    for (size_t i = 0; i < sizeof meta_names / sizeof meta_names[0]; i++) {
        if (counts[i] > 0) {
            cb(fnv_str(FNV_BASIS, meta_names[i]), (float)cap(counts[i], 3), arg);
        }
    }
    if (f->exclaim_run >= 3) {
        cb(fnv_str(FNV_BASIS, "m:exclaim_run"), 1.0f, arg);
    }
    if (f->letters >= 12 && f->upper * 10 >= f->letters * 8) {
        cb(fnv_str(FNV_BASIS, "m:shouting"), 1.0f, arg);
    }
    cb(fnv_str(FNV_BASIS, len_names[len_bucket(f)]), 1.0f, arg);
    if (lx == NULL) {
        return;
    }
    cb(fnv_str(FNV_BASIS, "lx:z"), (float)(clamp(lx->z, -5, 5) / 2), arg);
    cb(fnv_str(FNV_BASIS, "lx:sent"), (float)lx->sentiment, arg);
    char name[24];
    int any = 0;
    for (int c = 0; c < CL_NCAT; c++) {
        any |= lx->catz[c] > 0;
    }
    if (!any) {
        /* No topic word at all: the mark of "other". */
        cb(fnv_str(FNV_BASIS, "lx:nocat"), 1.0f, arg);
    }
    for (int c = 0; c < CL_NCAT; c++) {
        if (lx->catz[c] > 0) {
            snprintf(name, sizeof name, "lx:cat%d", c);
            cb(fnv_str(FNV_BASIS, name), (float)(clamp(lx->catz[c], 0, 5) / 2), arg);
        }
    }
    for (int b = 0; b < CL_NSIG; b++) {
        if (lx->signals & (1u << b)) {
            snprintf(name, sizeof name, "lx:sig%d", b);
            cb(fnv_str(FNV_BASIS, name), 1.0f, arg);
        }
    }
    if (lx->critical) {
        cb(fnv_str(FNV_BASIS, "lx:critical"), 1.0f, arg);
    }
    if (lx->sarcasm) {
        cb(fnv_str(FNV_BASIS, "lx:sarcasm"), 1.0f, arg);
    }
}

typedef struct score_acc {
    const cl_lin_t *lin; /* the weights */
    double *z;           /* CL_LIN_NOUT sums */
} score_acc_t;

static void add_feature(uint32_t h, float v, void *arg)
{
    score_acc_t *a = arg;
    const float *wb = a->lin->w + (size_t)(mix(h) & a->lin->mask) * CL_LIN_NOUT;
    for (int k = 0; k < CL_LIN_NOUT; k++) {
        a->z[k] += (double)v * wb[k];
    }
}

/* Quantised scoring, the hot path. Features are gathered in chunks: their
 * buckets are prefetched while more are hashed, then summed. Weights are
 * int16; a feature's value is almost always 1 (words, bigrams) or
 * CHAR_GRAM_VALUE (character n-grams), so those sums stay integers, exact,
 * and are scaled once at the end; the few other values (counts, lexicon
 * findings) are summed as doubles. */
#define QCHUNK 256

typedef struct qacc {
    const cl_lin_t *lin;          /* the weights */
    uint32_t bucket[QCHUNK];      /* buckets gathered, not yet summed */
    float value[QCHUNK];          /* their values */
    int n;                        /* entries gathered */
    int32_t one[CL_LIN_QSTRIDE];  /* sums of features of value 1 (padding lanes too) */
    int32_t gram[CL_LIN_QSTRIDE]; /* sums of features of value CHAR_GRAM_VALUE */
    double other[CL_LIN_NOUT];    /* sums of value x weight for the rest */
} qacc_t;

/* acc += the scoring row of bucket b: all 16 lanes, the zero padding too,
 * one aligned row, vectorised. */
static inline void row_add(int32_t acc[CL_LIN_QSTRIDE], const cl_lin_t *lin, uint32_t b)
{
    const int16_t *qb = lin->q + (size_t)b * CL_LIN_QSTRIDE;
    for (int k = 0; k < CL_LIN_QSTRIDE; k++) {
        acc[k] += qb[k];
    }
}

static void qacc_flush(qacc_t *a)
{
    for (int i = 0; i < a->n; i++) {
        float v = a->value[i];
        if (v == 1.0f) {
            row_add(a->one, a->lin, a->bucket[i]);
        } else if (v == CHAR_GRAM_VALUE) {
            row_add(a->gram, a->lin, a->bucket[i]);
        } else {
            const int16_t *qb = a->lin->q + (size_t)a->bucket[i] * CL_LIN_QSTRIDE;
            for (int k = 0; k < CL_LIN_NOUT; k++) {
                a->other[k] += (double)v * qb[k];
            }
        }
    }
    a->n = 0;
}

static void add_feature_q(uint32_t h, float v, void *arg)
{
    qacc_t *a = arg;
    uint32_t b = mix(h) & a->lin->mask;
    __builtin_prefetch(a->lin->q + (size_t)b * CL_LIN_QSTRIDE);
    a->bucket[a->n] = b;
    a->value[a->n] = v;
    if (++a->n == QCHUNK) {
        qacc_flush(a);
    }
}

void cl_lin_score(const cl_lin_t *lin, const cl_features_t *f, const cl_lexfeat_t *lx,
                  double z[CL_LIN_NOUT])
{
    if (lin->q == NULL) {
        score_acc_t a = {lin, z};
        memset(z, 0, sizeof(double) * CL_LIN_NOUT);
        cl_lin_features(f, lx, add_feature, &a);
        return;
    }
    qacc_t a;
    a.lin = lin;
    a.n = 0;
    memset(a.one, 0, sizeof a.one);
    memset(a.gram, 0, sizeof a.gram);
    memset(a.other, 0, sizeof a.other);
    cl_lin_features(f, lx, add_feature_q, &a);
    qacc_flush(&a);
    for (int k = 0; k < CL_LIN_NOUT; k++) {
        z[k] =
            ((double)a.one[k] + (double)CHAR_GRAM_VALUE * a.gram[k] + a.other[k]) * lin->scale[k];
    }
}

typedef struct gram_sum {
    const cl_lin_t *lin; /* the weights */
    int32_t *gram;       /* CL_LIN_QSTRIDE sums */
} gram_sum_t;

/* Sums the scoring rows of character n-grams (cl_hash_cb for char_grams). */
static void add_gram_row(uint32_t h, float v, void *arg)
{
    gram_sum_t *g = arg;
    row_add(g->gram, g->lin, mix(h) & g->lin->mask);
}

void cl_lin_word(const cl_lin_t *lin, const cl_token_t *t, cl_lin_word_t *w)
{
    memset(w, 0, sizeof *w);
    int32_t gram[CL_LIN_QSTRIDE] = {0};
    if (t->kind == CL_TOK_WORD) {
        gram_sum_t g = {lin, gram};
        char_grams(t->text, add_gram_row, &g);
    }
    uint32_t bw = mix(fnv_str(fnv_str(FNV_BASIS, "w:"), t->text)) & lin->mask;
    uint32_t bn = mix(fnv_str(fnv_str(FNV_BASIS, "n:"), t->text)) & lin->mask;
    const int16_t *rw = lin->q + (size_t)bw * CL_LIN_QSTRIDE;
    const int16_t *rn = lin->q + (size_t)bn * CL_LIN_QSTRIDE;
    for (int k = 0; k < CL_LIN_QSTRIDE; k++) {
        w->sw[k] = 4 * (int32_t)rw[k] + gram[k];
        w->sn[k] = 4 * (int32_t)rn[k] + gram[k];
    }
    w->bs = mix(fnv_str(fnv_str(FNV_BASIS, "s:"), t->text)) & lin->mask;
    w->hb = fnv_mem(fnv_str(fnv_str(FNV_BASIS, "b:"), t->text), " ", 1);
}

/* Adds bucket b of value v to a (add_feature_q without the hashing). */
static void qacc_add(qacc_t *a, uint32_t b, float v)
{
    __builtin_prefetch(a->lin->q + (size_t)b * CL_LIN_QSTRIDE);
    a->bucket[a->n] = b;
    a->value[a->n] = v;
    if (++a->n == QCHUNK) {
        qacc_flush(a);
    }
}

/* tail_features() through lin->fixed: the same features, values and order. */
static void tail_fixed(qacc_t *a, const cl_features_t *f, const cl_lexfeat_t *lx)
{
    const uint32_t *fx = a->lin->fixed;
    int counts[] = {f->exclaim, f->question, f->caps_words, f->urls, f->mentions, f->emoji};
    for (int i = 0; i < 6; i++) {
        if (counts[i] > 0) {
            qacc_add(a, fx[FX_META + i], (float)cap(counts[i], 3));
        }
    }
    if (f->exclaim_run >= 3) {
        qacc_add(a, fx[FX_EXCLAIM_RUN], 1.0f);
    }
    if (f->letters >= 12 && f->upper * 10 >= f->letters * 8) {
        qacc_add(a, fx[FX_SHOUTING], 1.0f);
    }
    qacc_add(a, fx[FX_LEN + len_bucket(f)], 1.0f);
    if (lx == NULL) {
        return;
    }
    qacc_add(a, fx[FX_LXZ], (float)(clamp(lx->z, -5, 5) / 2));
    qacc_add(a, fx[FX_LXSENT], (float)lx->sentiment);
    int any = 0;
    for (int c = 0; c < CL_NCAT; c++) {
        any |= lx->catz[c] > 0;
    }
    if (!any) {
        qacc_add(a, fx[FX_NOCAT], 1.0f);
    }
    for (int c = 0; c < CL_NCAT; c++) {
        if (lx->catz[c] > 0) {
            qacc_add(a, fx[FX_CAT + c], (float)(clamp(lx->catz[c], 0, 5) / 2));
        }
    }
    for (int b = 0; b < CL_NSIG; b++) {
        if (lx->signals & (1u << b)) {
            qacc_add(a, fx[FX_SIG + b], 1.0f);
        }
    }
    if (lx->critical) {
        qacc_add(a, fx[FX_CRITICAL], 1.0f);
    }
    if (lx->sarcasm) {
        qacc_add(a, fx[FX_SARCASM], 1.0f);
    }
}

void cl_lin_score_words(const cl_lin_t *lin, const cl_features_t *f, const cl_lexfeat_t *lx,
                        const cl_lin_word_t *const *words, double z[CL_LIN_NOUT])
{
    if (lin->q == NULL || words == NULL) {
        cl_lin_score(lin, f, lx, z);
        return;
    }
    qacc_t a;
    a.lin = lin;
    a.n = 0;
    memset(a.one, 0, sizeof a.one);
    memset(a.gram, 0, sizeof a.gram);
    memset(a.other, 0, sizeof a.other);
    /* The features of cl_lin_features() in its order where the order
     * matters (the double sums of the tail); the integer sums of value-1
     * and n-gram features are exact in any order, so a cached word's
     * unigram row and n-gram sum are added at once, and only the bigrams
     * (which depend on the next word) are looked up, prefetched first. */
    qacc_add(&a, lin->fixed[FX_BIAS], 1.0f);
    /* the cached sums go to local lanes the compiler keeps in registers
     * (a's escape to the calls below) */
    int32_t quarters[CL_LIN_QSTRIDE] = {0}; /* the cached words' sums, in quarters */
    int first = 1;
    for (size_t i = 0; i < f->n; i++) {
        const cl_token_t *t = &f->tok[i];
        const cl_lin_word_t *w = words[i];
        if (t->kind == CL_TOK_PUNCT) {
            continue;
        }
        if (w == NULL) {
            token_features(f, i, &first, add_feature_q, &a);
            continue;
        }
        const int32_t *sum = (t->flags & CL_TF_NEGATED) ? w->sn : w->sw;
        for (int k = 0; k < CL_LIN_QSTRIDE; k++) {
            quarters[k] += sum[k];
        }
        if (first && t->kind != CL_TOK_MENTION && t->kind != CL_TOK_URL) {
            qacc_add(&a, w->bs, 1.0f);
            first = 0;
        }
        if (i + 1 < f->n && f->tok[i + 1].kind != CL_TOK_PUNCT) {
            const cl_token_t *u = &f->tok[i + 1];
            qacc_add(&a, mix(fnv_mem(w->hb, u->text, u->len)) & lin->mask, 1.0f);
        }
    }
    tail_fixed(&a, f, lx);
    qacc_flush(&a);
    /* one + gram / 4 as (4 one + gram) / 4: both exact in a double, so
     * the same value to the bit as cl_lin_score()'s */
    for (int k = 0; k < CL_LIN_NOUT; k++) {
        int64_t q = 4 * (int64_t)a.one[k] + a.gram[k] + quarters[k];
        z[k] = ((double)q * (double)CHAR_GRAM_VALUE + a.other[k]) * lin->scale[k];
    }
}
