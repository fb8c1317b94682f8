/* modelint.h -- the classifier's insides, shared by model.c (building the
 * model, deciding a text) and lexpass.c (the lexicon passes): the model's
 * fields and what the passes find in one text. Nothing outside those two
 * files includes it; the rest of classify sees model.h. */
#ifndef CL_MODELINT_H
#define CL_MODELINT_H

#include <jansson.h>
#include <stddef.h>

#include "features.h"
#include "lexicon.h"
#include "linear.h"
#include "model.h"
#include "vocab.h"

struct cl_model {
    cl_lex_t complaint; /* complaint terms */
    cl_lex_t category;  /* category terms */
    cl_lex_t polarity;  /* valences */
    cl_lex_t signal;    /* signal terms */
    cl_lin_t *lin;      /* the trained model; NULL: the lexicon alone */
    int lin_owned;      /* lin is freed with the model */
    cl_vocab_t vocab;   /* the word cache (vocab.h), for lex and lin; filled as texts come */
    size_t vocab_cap;   /* its capacity; 0: no cache, every token worked out directly */
};

/* What the passes gather for one text. */
typedef struct cl_scan {
    const cl_features_t *f; /* the tokens */
    int lead;               /* first content word, for the sarcasm cue; -1 none */
    double z_plain;         /* complaint logit from non-praise terms */
    double z_praise;        /* from praise terms (dropped under sarcasm) */
    double evidence;        /* sum of positive complaint weights */
    int lead_praise;        /* a praise word opens the text as an interjection */
    double catz[CL_NCAT];   /* category logits */
    double pos, neg;        /* positive and negative valence sums */
    unsigned sig;           /* signals that count for any text */
    unsigned sig_c;         /* signals that count only for complaints */
    int critical;           /* a critical term, any text */
    int critical_c;         /* a critical term that needs a complaint */
    int n_critical;         /* critical terms that count for any text */
    int n_signal;           /* churn and outage terms that count for any text */
    int anger_cues;         /* profanity, insults, angry emoji */
    int sarcasm_cue;        /* "thanks for nothing", rolling eyes, #not */
    json_t *trace;          /* explain output, or NULL */
} cl_scan_t;

/* The lexicon passes over f: fills s (zeroed by the caller, its trace set)
 * and returns the lexicon's complaint logit; *sarcasm tells whether its
 * sarcasm rule fired, *asking whether the text opens with a question word,
 * *lead_out the index of its first word (-1: none). vt: what the word cache
 * gave f's tokens, or NULL. */
double cl_lexpass_scan(const cl_model_t *m, const cl_features_t *f, const cl_vtext_t *vt,
                       cl_scan_t *s, int *sarcasm, int *asking, int *lead_out);

/* The lexicon's sentiment of f, -1..1, from what cl_lexpass_scan() put in s. */
double cl_lexpass_sentiment(const cl_features_t *f, const cl_scan_t *s, int sarcasm);

/* n, at most cap: counts that stop adding evidence past a few. */
static inline int cl_capped(int n, int cap)
{
    return n > cap ? cap : n;
}

#endif
