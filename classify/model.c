/* model.c -- the classifier (model.h): the model built (the word lists'
 * indexes, the trained model, the word cache) and a text decided.
 *
 * The lexicon passes (lexpass.c) read the text first. Alone, they are
 * "outcry-lexicon/0.1": their complaint and category logits decide. With a
 * trained model (linear.h) their findings become features of the linear
 * model, which decides complaint, category and severity; sentiment and
 * signals stay the lexicon's, and critical terms keep a complaint
 * critical. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "lexicon.h"
#include "linear.h"
#include "modelint.h"
#include "vocab.h"

#define CAT_OTHER_PRIOR 1.0 /* logit of "other" with no category words */

static const char *const category_names[CL_NCAT] = {
    "billing", "delivery", "product", "technical", "account",
    "service", "safety",   "privacy", "other",
};

static const char *const severity_names[CL_NSEV] = {"low", "medium", "high", "critical"};
static const char *const signal_names[CL_NSIG] = {
    "churn_threat", "safety", "legal",    "fraud",  "outage",  "privacy",
    "repeat",       "anger",  "question", "praise", "sarcasm",
};

const char *cl_category_name(cl_category_t c)
{
    return (unsigned)c < CL_NCAT ? category_names[c] : "other";
}

const char *cl_severity_name(cl_severity_t s)
{
    return (unsigned)s < CL_NSEV ? severity_names[s] : "low";
}

const char *cl_signal_name(unsigned bit)
{
    for (int i = 0; i < CL_NSIG; i++) {
        if (bit == (1u << i)) {
            return signal_names[i];
        }
    }
    return NULL;
}

void cl_thresholds_default(cl_thresholds_t *t)
{
    t->complaint = CL_DEFAULT_THRESHOLD;
    t->high = CL_DEFAULT_HIGH;
    t->critical = CL_DEFAULT_CRITICAL;
    t->category_min = 0.0;
}

/* (Re)builds the word cache for m's tables and weights: whenever either
 * changes, since the cache holds what they give each word. */
static int build_vocab(cl_model_t *m)
{
    const cl_lex_t *lex[CL_VOCAB_NLEX] = {&m->complaint, &m->category, &m->polarity, &m->signal};
    cl_vocab_free(&m->vocab);
    return m->vocab_cap == 0 ? 0 : cl_vocab_init(&m->vocab, lex, m->lin, m->vocab_cap);
}

cl_model_t *cl_model_new(const char *path, char *err, size_t errlen)
{
    cl_model_t *m = calloc(1, sizeof *m);
    if (m == NULL) {
        snprintf(err, errlen, "classifier model: out of memory");
        return NULL;
    }
    if (cl_lex_init(&m->complaint, "complaint", cl_complaint_terms, cl_complaint_nterms, 0, err,
                    errlen) != 0 ||
        cl_lex_init(&m->category, "category", cl_category_terms, cl_category_nterms, 1, err,
                    errlen) != 0 ||
        cl_lex_init(&m->polarity, "polarity", cl_polarity_terms, cl_polarity_nterms, 0, err,
                    errlen) != 0 ||
        cl_lex_init(&m->signal, "signal", cl_signal_terms, cl_signal_nterms, 0, err, errlen) != 0) {
        cl_model_free(m);
        return NULL;
    }
    m->vocab_cap = CL_VOCAB_CAP;
    if (path == NULL) {
        if (build_vocab(m) != 0) {
            snprintf(err, errlen, "classifier model: out of memory");
            cl_model_free(m);
            return NULL;
        }
        return m;
    }
    m->lin = calloc(1, sizeof *m->lin);
    if (m->lin == NULL) {
        snprintf(err, errlen, "classifier model: out of memory");
        cl_model_free(m);
        return NULL;
    }
    m->lin_owned = 1;
    if (cl_lin_load(m->lin, path, err, errlen) != 0) {
        cl_model_free(m);
        return NULL;
    }
    if (build_vocab(m) != 0) {
        snprintf(err, errlen, "classifier model: out of memory");
        cl_model_free(m);
        return NULL;
    }
    return m;
}

void cl_model_set_linear(cl_model_t *m, cl_lin_t *lin)
{
    if (m->lin != NULL && m->lin_owned) {
        cl_lin_free(m->lin);
        free(m->lin);
    }
    m->lin = lin;
    m->lin_owned = 0;
    if (build_vocab(m) != 0) {
        m->vocab_cap = 0; /* out of memory: classify without the cache, as correctly */
    }
}

int cl_model_set_cache(cl_model_t *m, size_t cap)
{
    if (cap > CL_VOCAB_CAPMAX) {
        return -1;
    }
    m->vocab_cap = cap;
    if (build_vocab(m) != 0) {
        m->vocab_cap = 0;
        return -1;
    }
    return 0;
}

void cl_model_cache_stats(const cl_model_t *m, cl_cache_stats_t *st)
{
    st->capacity = m->vocab.cap;
    st->words = m->vocab.n;
    st->preset = m->vocab.preset;
    st->hits = m->vocab.hits;
    st->misses = m->vocab.misses;
    st->uncached = m->vocab.uncached;
}

const char *cl_model_name(const cl_model_t *m)
{
    return m->lin != NULL ? m->lin->name : CL_MODEL_NAME;
}

const char *cl_model_meta(const cl_model_t *m)
{
    return m->lin != NULL ? m->lin->meta : NULL;
}

void cl_model_free(cl_model_t *m)
{
    if (m == NULL) {
        return;
    }
    cl_lex_free(&m->complaint);
    cl_lex_free(&m->category);
    cl_lex_free(&m->polarity);
    cl_lex_free(&m->signal);
    cl_vocab_free(&m->vocab);
    if (m->lin != NULL && m->lin_owned) {
        cl_lin_free(m->lin);
        free(m->lin);
    }
    free(m);
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* Softmax of z[0..n) into p; returns the index of the largest. */
static int softmax(const double *z, int n, double *p)
{
    int best = 0;
    for (int i = 1; i < n; i++) {
        if (z[i] > z[best]) {
            best = i;
        }
    }
    double sum = 0;
    for (int i = 0; i < n; i++) {
        p[i] = exp(z[i] - z[best]);
        sum += p[i];
    }
    for (int i = 0; i < n; i++) {
        p[i] /= sum;
    }
    return best;
}

int cl_model_classify(const cl_model_t *m, const char *text, size_t len, const cl_thresholds_t *th,
                      cl_result_t *r, json_t *explain)
{
    cl_features_t f = {0};
    int rc = cl_model_classify_with(m, &f, text, len, th, r, explain);
    cl_features_free(&f);
    return rc;
}

int cl_model_classify_with(const cl_model_t *m, cl_features_t *fp, const char *text, size_t len,
                           const cl_thresholds_t *th, cl_result_t *r, json_t *explain)
{
    cl_features_t f;
    cl_scan_t s;
    memset(&s, 0, sizeof s);
    memset(r, 0, sizeof *r);
    r->model = cl_model_name(m);
    if (cl_features_extract(fp, text, len) != 0) {
        return -1;
    }
    f = *fp; /* a copy of the header: the tokens stay the caller's */
    s.trace = explain;
    /* Each token's cached entry, spread per table for the scans and as
     * the linear model's per-word parts. explain keeps the direct path: it
     * is for humans, not speed. */
    cl_vtext_t vt;
    int cached = m->vocab.cap > 0 && explain == NULL;
    if (cached) {
        /* the cache is the model's memo; see model.h */
        cl_vocab_text((cl_vocab_t *)&m->vocab, &f, &vt);
    }
    int sarcasm = 0, asking = 0, lead = -1;
    double z = cl_lexpass_scan(m, &f, cached ? &vt : NULL, &s, &sarcasm, &asking, &lead);
    r->sentiment = cl_lexpass_sentiment(&f, &s, sarcasm);
    double psev[CL_NSEV] = {0};
    if (m->lin != NULL) {
        cl_lexfeat_t lx = {.z = z,
                           .sentiment = r->sentiment,
                           .signals = s.sig | s.sig_c,
                           .critical = s.critical || s.critical_c,
                           .sarcasm = sarcasm};
        memcpy(lx.catz, s.catz, sizeof lx.catz);
        double out[CL_LIN_NOUT], pcat[CL_NCAT];
        if (cached && m->vocab.lin == m->lin) {
            cl_lin_score_words(m->lin, &f, &lx, vt.words, out);
        } else {
            cl_lin_score(m->lin, &f, &lx, out);
        }
        r->score = sigmoid(out[0]);
        int best = softmax(out + CL_LIN_OUT_CAT, CL_NCAT, pcat);
        r->category = (cl_category_t)best;
        r->category_score = pcat[best];
        if (r->category_score < th->category_min) {
            r->category = CL_CAT_OTHER;
            r->category_score = pcat[CL_CAT_OTHER];
        }
        if (r->score >= th->complaint) {
            /* severity is read for complaints only: the exps are spared */
            softmax(out + CL_LIN_OUT_SEV, CL_NSEV, psev);
        }
        if (explain != NULL) {
            json_t *o = json_array();
            for (int k = 0; k < CL_LIN_NOUT; k++) {
                json_array_append_new(o, json_real(round(out[k] * 1000) / 1000));
            }
            json_object_set_new(explain, "linear_logits", o);
        }
    } else {
        r->score = sigmoid(z);
        double p[CL_NCAT];
        s.catz[CL_CAT_OTHER] += CAT_OTHER_PRIOR;
        /* Ties go to "other", the prior's category. */
        double max = s.catz[CL_CAT_OTHER];
        int best = CL_CAT_OTHER;
        for (int c = 0; c < CL_NCAT; c++) {
            if (s.catz[c] > max) {
                max = s.catz[c];
                best = c;
            }
        }
        softmax(s.catz, CL_NCAT, p);
        r->category = (cl_category_t)best;
        r->category_score = p[best];
    }
    r->complaint = r->score >= th->complaint;

    /* signals and severity */
    unsigned sig = s.sig;
    int critical = s.critical;
    if (r->complaint) {
        sig |= s.sig_c;
        critical |= s.critical_c;
        int shouting = f.caps_words > 0 || (f.letters >= 12 && f.upper * 10 >= f.letters * 8);
        int points = shouting + (f.exclaim >= 3 || f.exclaim_run >= 3) + cl_capped(s.anger_cues, 2);
        if (points >= 2) {
            sig |= CL_SIG_ANGER;
        }
    }
    if (sarcasm) {
        sig |= CL_SIG_SARCASM;
    }
    if (f.question > 0 || (lead >= 0 && (asking || strcmp(f.tok[lead].text, "why") == 0))) {
        sig |= CL_SIG_QUESTION;
    }
    if (!r->complaint && !sarcasm && s.z_praise <= -1.0 && r->sentiment >= 0.2) {
        sig |= CL_SIG_PRAISE;
    }
    r->signals = sig;
    int high_rule = (sig & (CL_SIG_CHURN | CL_SIG_REPEAT | CL_SIG_ANGER)) != 0;
    if (!r->complaint) {
        r->severity = CL_SEV_LOW;
    } else if (m->lin == NULL) {
        r->severity = critical ? CL_SEV_CRITICAL : high_rule ? CL_SEV_HIGH : CL_SEV_MEDIUM;
    } else if (critical || psev[CL_SEV_CRITICAL] >= th->critical) {
        r->severity = CL_SEV_CRITICAL;
    } else if (psev[CL_SEV_HIGH] + psev[CL_SEV_CRITICAL] >= th->high) {
        r->severity = CL_SEV_HIGH;
    } else {
        r->severity = CL_SEV_MEDIUM;
    }
    if (explain != NULL) {
        json_object_set_new(explain, "z", json_real(round(z * 1000) / 1000));
        json_object_set_new(explain, "evidence", json_real(round(s.evidence * 1000) / 1000));
        json_object_set_new(explain, "praise", json_real(round(s.z_praise * 1000) / 1000));
    }
    return 0;
}
