/* model.h -- the classifier: text in, classification out.
 *
 * Everything outside model.c, lexpass.c, linear.c and the word lists (the
 * stage, main, the tests) sees only cl_model_t and cl_result_t. The default
 * classifier is a trained hashed-feature linear model
 * ("outcry-linear/1-<data hash>", linear.h) loaded from a model file: it
 * decides complaint, category and severity from hashed features of the text
 * plus the findings of the lexicon passes below; sentiment and signals stay
 * the lexicon's, and a critical term (safety, legal, fraud, data exposure)
 * keeps a complaint critical whatever the weights say.
 *
 * Without a model file the lexicon alone, "outcry-lexicon/0.1", decides: a
 * hand-weighted linear model:
 *   complaint score = sigmoid(bias + sum of complaint-term weights + weights
 *                     of '!', '?', capitals, question openers, sarcasm),
 *   category        = softmax over per-category term weights ("other" has a
 *                     prior, so a text with no category words is "other"),
 *   sentiment       = VADER-style sum of valences with negation, capitals,
 *                     '!' and "but" handling, squashed into [-1, 1],
 *   severity        = rules over signals (see docs/classify.md). */
#ifndef CL_MODEL_H
#define CL_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include "features.h"

#define CL_MODEL_NAME        "outcry-lexicon/0.1"
#define CL_DEFAULT_THRESHOLD 0.5 /* complaint score cut-off */
#define CL_DEFAULT_HIGH      0.5 /* P(severity >= high) cut-off */
#define CL_DEFAULT_CRITICAL  0.5 /* P(severity = critical) cut-off */

typedef enum {
    CL_CAT_BILLING = 0,
    CL_CAT_DELIVERY,
    CL_CAT_PRODUCT,
    CL_CAT_TECHNICAL,
    CL_CAT_ACCOUNT,
    CL_CAT_SERVICE,
    CL_CAT_SAFETY,
    CL_CAT_PRIVACY,
    CL_CAT_OTHER,
    CL_NCAT
} cl_category_t;

typedef enum { CL_SEV_LOW = 0, CL_SEV_MEDIUM, CL_SEV_HIGH, CL_SEV_CRITICAL, CL_NSEV } cl_severity_t;

/* Signals, as bits of cl_result_t.signals; names in cl_signal_name(). */
#define CL_SIG_CHURN    0x001u /* "churn_threat": cancel, switching to, leaving */
#define CL_SIG_SAFETY   0x002u /* "safety": injury, fire, food poisoning */
#define CL_SIG_LEGAL    0x004u /* "legal": lawyer, sue, regulator */
#define CL_SIG_FRAUD    0x008u /* "fraud": scam, unauthorised charge, hacked */
#define CL_SIG_OUTAGE   0x010u /* "outage": service down, no signal */
#define CL_SIG_PRIVACY  0x020u /* "privacy": data exposed, leaked, someone else's account */
#define CL_SIG_REPEAT   0x040u /* "repeat": again, still, third time, for days */
#define CL_SIG_ANGER    0x080u /* "anger": capitals, '!!!', profanity (2 of them) */
#define CL_SIG_QUESTION 0x100u /* "question": asks something */
#define CL_SIG_PRAISE   0x200u /* "praise": thanks, compliments, not a complaint */
#define CL_SIG_SARCASM  0x400u /* "sarcasm": praise words used against a complaint */
#define CL_NSIG         11

/* Signal-table flags (wordlists.c), above the signal bits. */
#define CL_SF_CRITICAL  0x10000u  /* makes a complaint critical */
#define CL_SF_COMPLAINT 0x20000u  /* only counts when the text is a complaint */
#define CL_SF_NEGATED   0x40000u  /* only counts inside a negation scope */
#define CL_SF_EITHER    0x80000u  /* counts negated or not */
#define CL_SF_CUE       0x100000u /* a cue for a rule (anger, sarcasm), not a signal itself */
#define CL_SIG_MASK     0x0FFFFu

typedef struct cl_result {
    int complaint;          /* 1 when score >= threshold */
    double score;           /* complaint probability, 0..1 */
    cl_category_t category; /* most likely category */
    double category_score;  /* its probability, 0..1 */
    cl_severity_t severity; /* low for anything that is not a complaint */
    double sentiment;       /* -1 (negative) .. 1 (positive) */
    unsigned signals;       /* CL_SIG_* bits */
    const char *model;      /* model name and version; static */
} cl_result_t;

/* Cut-offs applied to the model's probabilities; changeable without
 * retraining (flags and OUTCRY_CLASSIFY_* variables, see classify.h). */
typedef struct cl_thresholds {
    double complaint;    /* score >= this is a complaint; above 1: never */
    double high;         /* a complaint is at least high when P(high or critical) >= this */
    double critical;     /* critical when P(critical) >= this (critical terms always are) */
    double category_min; /* below this category probability the category is "other" */
} cl_thresholds_t;

void cl_thresholds_default(cl_thresholds_t *t);

typedef struct cl_model cl_model_t;
struct cl_lin;

/* Builds the model: indexes and checks the word lists and, when path is not
 * NULL, loads the trained model file at path (checked: see linear.h). With
 * path NULL the lexicon alone classifies. Returns NULL with the reason in
 * err. */
cl_model_t *cl_model_new(const char *path, char *err, size_t errlen);
void cl_model_free(cl_model_t *m); /* NULL-safe */

/* Puts a trained model in memory (borrowed: it must outlive m, and m does
 * not free it) in place of m's; NULL goes back to the lexicon alone. For
 * training and evaluation. */
void cl_model_set_linear(cl_model_t *m, struct cl_lin *lin);

/* The word cache (vocab.h): what each word contributes, worked out once and
 * kept by the model, filled with the word lists' words when the model is
 * built and with new words as texts come, up to cap words (allocated once;
 * default CL_VOCAB_CAP, 192 bytes a word). Results are the same with or
 * without it, bit for bit; cap 0 turns it off (every token worked out
 * directly). Since classifying fills the cache, one model must not classify
 * on two threads at once (each stage classifies on one). Returns 0, or -1
 * when cap is too large or out of memory (the cache is then off). */
int cl_model_set_cache(cl_model_t *m, size_t cap);

typedef struct cl_cache_stats {
    size_t capacity;             /* words it can hold; 0: off */
    size_t words;                /* words in it */
    size_t preset;               /* of which put in when it was built */
    unsigned long long hits;     /* tokens found in it */
    unsigned long long misses;   /* tokens worked out and added */
    unsigned long long uncached; /* tokens worked out directly: not in it, and it was full */
} cl_cache_stats_t;

/* The cache's figures since it was built (cl_model_new, cl_model_set_linear,
 * cl_model_set_cache). */
void cl_model_cache_stats(const cl_model_t *m, cl_cache_stats_t *st);

/* The model's name ("outcry-linear/1-3fa2c1d0", "outcry-lexicon/0.1"), and
 * the trained model's metadata JSON text (NULL for the lexicon). Borrowed. */
const char *cl_model_name(const cl_model_t *m);
const char *cl_model_meta(const cl_model_t *m);

/* Classifies text[0..len) under the cut-offs th (a complaint threshold
 * above 1 means "never a complaint", which the stage uses for the brand's
 * own posts). explain, when not NULL, receives the tokens, the terms that
 * matched and the logits, for humans tuning the model. Returns 0, or -1
 * when out of memory. */
int cl_model_classify(const cl_model_t *m, const char *text, size_t len, const cl_thresholds_t *th,
                      cl_result_t *r, json_t *explain);

/* cl_model_classify() with the caller's token buffer f (zeroed before its
 * first use, released with cl_features_free()): once f has grown to the
 * longest text, classifying allocates nothing. */
int cl_model_classify_with(const cl_model_t *m, cl_features_t *f, const char *text, size_t len,
                           const cl_thresholds_t *th, cl_result_t *r, json_t *explain);

/* Names as they appear in JSON. */
const char *cl_category_name(cl_category_t c);
const char *cl_severity_name(cl_severity_t s);
const char *cl_signal_name(unsigned bit); /* NULL for an unknown bit */

/* The "classification" object for r: complaint, score, category,
 * category_score, severity, sentiment, signals, model. New reference, or
 * NULL when out of memory. */
json_t *cl_result_json(const cl_result_t *r);

/* The same object as compact JSON text in buf (what oc_json_dumps() would
 * print for cl_result_json()), without building it: the stage's hot path.
 * Returns the length, or 0 when buf (CL_RESULT_TEXT_MAX is enough) is too
 * small. */
#define CL_RESULT_TEXT_MAX 512
size_t cl_result_text(const cl_result_t *r, char *buf, size_t size);

#endif
