/* linear.h -- the trained hashed-feature linear model ("outcry-linear").
 *
 * One weight vector per output over 2^bits hashed feature buckets:
 *   output 0          complaint logit (logistic regression),
 *   outputs 1..9      category logits (softmax, cl_category_t order),
 *   outputs 10..13    severity logits (softmax, cl_severity_t order).
 * Features (cl_lin_features) are hashed with FNV-1a into the buckets; a
 * bucket holds the NOUT weights of its features side by side so that one
 * feature touches one cache line.
 *
 * The file format is described in docs/classify.md ("Model file"): a fixed
 * header (magic, format version, feature-set version, hash bits, outputs,
 * training data SHA-256), a JSON metadata block (name, training parameters,
 * evaluation figures), per-output scales, int16 weights, and a SHA-256 of
 * all that before it. Everything is checked on load. */
#ifndef CL_LINEAR_H
#define CL_LINEAR_H

#include <stddef.h>
#include <stdint.h>

#include "features.h"
#include "model.h"

#define CL_LIN_MAGIC      "OUTCRYLM" /* 8 bytes, no NUL in the file */
#define CL_LIN_VERSION    1u         /* file format version */
#define CL_LIN_FEATSET    1u         /* version of cl_lin_features(); bump on any change */
#define CL_LIN_NOUT       (1 + CL_NCAT + CL_NSEV)
#define CL_LIN_QSTRIDE    16 /* int16 per row of the scoring copy: NOUT, padded */
#define CL_LIN_OUT_CAT    1
#define CL_LIN_OUT_SEV    (1 + CL_NCAT)
#define CL_LIN_BITS_MIN   10
#define CL_LIN_BITS_MAX   24
#define CL_LIN_BITS_DEF   16
#define CL_LIN_HEADER_LEN 60 /* bytes before the metadata */
#define CL_LIN_NFIXED     48 /* whole-text feature names whose buckets are kept */

/* What the lexicon passes (lexpass.c) found, fed to the linear model as
 * features: the hand-made knowledge the small training set cannot learn. */
typedef struct cl_lexfeat {
    double z;             /* the lexicon's complaint logit */
    double catz[CL_NCAT]; /* its category logits (without the "other" prior) */
    double sentiment;     /* its sentiment, -1..1 */
    unsigned signals;     /* signal bits raised for any text or for complaints */
    int critical;         /* a critical term (safety, legal, fraud, exposure) */
    int sarcasm;          /* its sarcasm rule fired */
} cl_lexfeat_t;

struct cl_lin {
    unsigned bits;                 /* log2 of the number of buckets */
    uint32_t mask;                 /* buckets - 1 */
    float *w;                      /* [buckets][CL_LIN_NOUT], owned */
    int16_t *q;                    /* the same as stored (w = q * scale), rows of
                                      CL_LIN_QSTRIDE, owned; NULL until
                                      quantised; scoring uses it */
    float scale[CL_LIN_NOUT];      /* int16 -> float factor per output */
    uint32_t fixed[CL_LIN_NFIXED]; /* buckets of the whole-text features' names (linear.c) */
    uint8_t data_sha[32];          /* SHA-256 of the training data */
    char name[64];                 /* e.g. "outcry-linear/1-3fa2c1d0" */
    char *meta;                    /* metadata JSON text, owned */
};
typedef struct cl_lin cl_lin_t;

/* The lexicon's findings for f (lexpass.c), as cl_model_classify() feeds
 * them to the linear model; for training. Returns 0. */
int cl_model_lexfeat(const cl_model_t *m, const cl_features_t *f, cl_lexfeat_t *lx);

/* Called once per feature with its bucket-independent hash and value. */
typedef void (*cl_hash_cb)(uint32_t h, float v, void *arg);

/* Enumerates the features of one text: word unigrams (negated ones apart),
 * bigrams within a clause, character 3- and 4-grams of words, emoji,
 * normalised mentions/links/numbers (as tokens), punctuation and casing
 * counts, and the lexicon's findings. Allocates nothing. */
void cl_lin_features(const cl_features_t *f, const cl_lexfeat_t *lx, cl_hash_cb cb, void *arg);

/* The bucket of feature hash h. */
uint32_t cl_lin_bucket(const cl_lin_t *lin, uint32_t h);

/* Adds the weights of every feature of f into z[CL_LIN_NOUT] (zeroed
 * first). */
void cl_lin_score(const cl_lin_t *lin, const cl_features_t *f, const cl_lexfeat_t *lx,
                  double z[CL_LIN_NOUT]);

/* What scoring needs of one token that depends on its text (and kind)
 * alone, worked out once per word (cl_lin_word) and kept in the model's
 * word cache (vocab.h): its unigram row and the sum of its character
 * n-gram rows in one int32 row, in quarters (a unigram's value is 1, an
 * n-gram's CHAR_GRAM_VALUE = 1/4: 4 x row + n-grams, exact, in any order),
 * one for each unigram ("w:" and "n:"), so that a token reads one line of
 * the two, and its bucket and bigram state. */
typedef struct cl_lin_word {
    int32_t sw[CL_LIN_QSTRIDE]; /* 4 x the row of "w:<text>" + its n-grams' rows */
    int32_t sn[CL_LIN_QSTRIDE]; /* 4 x the row of "n:<text>" + its n-grams' rows */
    uint32_t bs;                /* bucket of "s:<text>" */
    uint32_t hb;                /* FNV-1a state after "b:<text> ", for its bigrams */
} cl_lin_word_t;

/* Works out *w for token t under lin, which must be quantised (lin->q). */
void cl_lin_word(const struct cl_lin *lin, const cl_token_t *t, cl_lin_word_t *w);

/* cl_lin_score() with words[i] = cl_lin_word() of f->tok[i], or NULL for a
 * token to work out directly: the same sums, bit for bit. words NULL, or
 * lin not quantised, is cl_lin_score(). */
void cl_lin_score_words(const struct cl_lin *lin, const cl_features_t *f, const cl_lexfeat_t *lx,
                        const cl_lin_word_t *const *words, double z[CL_LIN_NOUT]);

/* Fills lin->fixed, the buckets of the whole-text features' names, for
 * lin->mask (cl_lin_init and cl_lin_load do). */
void cl_lin_set_fixed(cl_lin_t *lin);

/* malloc() for the tables scoring reads at random (weights, the word
 * cache): 64-byte aligned and, from 2 MB up, on huge pages where the kernel
 * gives them (fewer TLB misses). Released with free(); NULL when out of
 * memory. */
void *cl_big_alloc(size_t bytes);

/* A model of 2^bits zero weights. Returns 0, or -1 (out of memory). */
int cl_lin_init(cl_lin_t *lin, unsigned bits);
void cl_lin_free(cl_lin_t *lin); /* NULL-safe; leaves lin zeroed */

/* Rounds the weights to what the file stores (int16 with a scale per
 * output) and keeps the int16 copy that scoring reads (half the memory of
 * floats: fewer cache misses), so that figures measured in memory are
 * those of the file. Returns 0, or -1 when out of memory. */
int cl_lin_quantise(cl_lin_t *lin);

/* Writes the model to path (atomically: path.tmp, then rename); meta is the
 * metadata JSON text. Returns 0, or -1 with the reason in err. */
int cl_lin_save(const cl_lin_t *lin, const char *path, const char *meta, char *err, size_t errlen);

/* Loads and checks a model file. Returns 0, or -1 with the reason in err
 * (what is wrong with the file and what to do). */
int cl_lin_load(cl_lin_t *lin, const char *path, char *err, size_t errlen);

#endif
