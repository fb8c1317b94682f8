/* model.c -- the classifier (model.h): the lexicon passes and, when a
 * trained model is loaded, the hashed-feature linear model on top.
 *
 * Four passes over one tokenisation: complaint terms (logit), category
 * terms (softmax), polarity terms (sentiment) and signal terms (rules). The
 * weights live in wordlists.c and topics.c; the few numbers here are the
 * weights of whole-text features and the rules that combine the passes.
 * Alone, the passes are "outcry-lexicon/0.1". With a trained model
 * (linear.h) their findings become features of the linear model, which
 * decides complaint, category and severity; sentiment and signals stay the
 * lexicon's, and critical terms keep a complaint critical. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "lexicon.h"
#include "linear.h"
#include "vocab.h"

/* Whole-text weights of the complaint logit. */
#define W_BIAS          -1.0  /* a text with no evidence is not a complaint */
#define W_EXCLAIM       0.25  /* per '!', up to 3 */
#define W_CAPS          0.35  /* per word in capitals, up to 3 */
#define W_SHOUTING      0.5   /* most letters of the text in capitals */
#define W_QUESTION      -0.4  /* the text asks something */
#define W_ASKING_START  -0.3  /* it opens with how/what/can/is... */
#define W_SARCASM       1.2   /* praise words used against a complaint */
#define W_CRITICAL      2.0   /* per critical term (safety, legal, fraud, exposure), up to 2 */
#define W_SIGNAL        0.8   /* per churn or outage term, up to 2 */
#define SARCASM_MIN     1.5   /* complaint evidence that an opening "great," needs */
#define SARCASM_CUE_MIN 1.0   /* and that an explicit cue ("love how") needs */
#define BEFORE_BUT      0.5   /* praise before "but" counts half */
#define AFTER_BUT       1.25  /* complaint words after "but" count more */
#define CAT_OTHER_PRIOR 1.0   /* logit of "other" with no category words */
#define NEG_VALENCE     -0.74 /* a negated valence flips and weakens (VADER) */
#define CAPS_VALENCE    1.25  /* a valence word in capitals */
#define EXCLAIM_VALENCE 0.29  /* each '!' (up to 4) adds this to |sentiment| */
#define SENT_ALPHA      15.0  /* sentiment = s / sqrt(s^2 + alpha) */

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

/* What the passes gather for one text. */
typedef struct scan {
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
} scan_t;

static void trace_term(scan_t *s, const char *list, const char *term, double w)
{
    if (s->trace == NULL) {
        return;
    }
    json_t *a = json_object_get(s->trace, list);
    if (a == NULL) {
        a = json_array();
        json_object_set_new(s->trace, list, a);
    }
    json_array_append_new(a, json_pack("[s,f]", term, round(w * 1000) / 1000));
}

static int token_is(const cl_features_t *f, size_t i, const char *text)
{
    return i < f->n && strcmp(f->tok[i].text, text) == 0;
}

static void on_complaint(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    scan_t *s = arg;
    const cl_features_t *f = s->f;
    double w = negated ? t->w_neg : t->w;
    int before_but = f->last_contrast >= 0 && (int)first < f->last_contrast;
    int after_but = f->last_contrast >= 0 && (int)first > f->last_contrast;
    if (w < 0 && before_but) {
        w *= BEFORE_BUT;
    } else if (w > 0 && after_but) {
        w *= AFTER_BUT;
    }
    if ((t->aux & CL_TERM_PRAISE) && !negated) {
        s->z_praise += w;
        if ((int)first == s->lead) {
            size_t next = first + ntok;
            const cl_token_t *nt = next < f->n ? &f->tok[next] : NULL;
            if (nt != NULL && ((nt->kind == CL_TOK_PUNCT && strcmp(nt->text, "?") != 0) ||
                               nt->kind == CL_TOK_EMOJI || token_is(f, next, "another") ||
                               token_is(f, next, "again"))) {
                s->lead_praise = 1;
            }
        }
    } else {
        s->z_plain += w;
        if (w > 0) {
            s->evidence += w;
        }
    }
    trace_term(s, "complaint_terms", t->term, w);
}

static void on_category(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    scan_t *s = arg;
    if (t->aux < CL_NCAT) {
        s->catz[t->aux] += t->w;
    }
    trace_term(s, cl_category_name((cl_category_t)t->aux), t->term, t->w);
}

static void on_polarity(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    scan_t *s = arg;
    const cl_features_t *f = s->f;
    double v = t->w;
    if (negated) {
        v *= NEG_VALENCE;
    }
    if ((f->tok[first].flags & CL_TF_CAPS) && f->caps_words < f->words) {
        v *= CAPS_VALENCE;
    }
    if (f->last_contrast >= 0) {
        v *= (int)first < f->last_contrast ? 0.5 : 1.5;
    }
    if (v > 0) {
        s->pos += v;
    } else {
        s->neg += v;
    }
    trace_term(s, "polarity_terms", t->term, v);
}

static void on_signal(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    scan_t *s = arg;
    unsigned a = t->aux;
    if (a & CL_SF_NEGATED) {
        if (!negated) {
            return;
        }
    } else if (!(a & CL_SF_EITHER) && negated) {
        return;
    }
    if (a & CL_SF_CUE) {
        if (a & CL_SIG_ANGER) {
            s->anger_cues++;
        }
        if (a & CL_SIG_SARCASM) {
            s->sarcasm_cue = 1;
        }
    } else if (a & CL_SF_COMPLAINT) {
        s->sig_c |= a & CL_SIG_MASK;
        s->critical_c |= (a & CL_SF_CRITICAL) != 0;
    } else {
        s->sig |= a & CL_SIG_MASK;
        s->critical |= (a & CL_SF_CRITICAL) != 0;
        if (a & CL_SF_CRITICAL) {
            s->n_critical++;
        } else if (a & (CL_SIG_CHURN | CL_SIG_OUTAGE)) {
            s->n_signal++;
        }
    }
    if (s->trace != NULL) {
        json_t *a2 = json_object_get(s->trace, "signal_terms");
        if (a2 == NULL) {
            a2 = json_array();
            json_object_set_new(s->trace, "signal_terms", a2);
        }
        json_array_append_new(a2, json_string(t->term));
    }
}

#define NWORDS(a) (sizeof(a) / sizeof((a)[0]))

/* Index of the first word after mentions, links, greetings and, when
 * fillers is set, interjections such as "oh" and "wow"; -1 when none. */
static int first_word(const cl_features_t *f, int fillers)
{
    static const char *const greetings[] = {"hi", "hello", "hey", "hiya", "yo", "dear"};
    static const char *const interjections[] = {"oh", "wow", "well", "just", "yeah",
                                                "ah", "ahh", "gee",  "so",   "really"};
    for (size_t i = 0; i < f->n; i++) {
        const cl_token_t *t = &f->tok[i];
        if (t->kind == CL_TOK_MENTION || t->kind == CL_TOK_URL) {
            continue;
        }
        if (t->kind == CL_TOK_PUNCT && i + 1 < f->n) {
            continue;
        }
        if (t->kind == CL_TOK_WORD && cl_in_list(t->text, greetings, NWORDS(greetings))) {
            continue;
        }
        if (fillers && t->kind == CL_TOK_WORD &&
            cl_in_list(t->text, interjections, NWORDS(interjections))) {
            continue;
        }
        return t->kind == CL_TOK_WORD ? (int)i : -1;
    }
    return -1;
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

static int capped(int n, int cap)
{
    return n > cap ? cap : n;
}

/* The whole-text part of the complaint logit. */
static double meta_logit(const cl_features_t *f, int asking, json_t *trace)
{
    double z = W_BIAS;
    z += W_EXCLAIM * capped(f->exclaim, 3);
    z += W_CAPS * capped(f->caps_words, 3);
    int shouting = f->letters >= 12 && f->upper * 10 >= f->letters * 8;
    if (shouting) {
        z += W_SHOUTING;
    }
    if (f->question > 0) {
        z += W_QUESTION;
    }
    if (asking) {
        z += W_ASKING_START;
    }
    if (trace != NULL) {
        json_object_set_new(trace, "meta",
                            json_pack("{s:i,s:i,s:i,s:b,s:b}", "exclaim", f->exclaim, "question",
                                      f->question, "caps_words", f->caps_words, "shouting",
                                      shouting, "asking_start", asking));
    }
    return z;
}

/* One table's scan: over the tokens the word cache names (vt), or over all
 * of them. */
static void scan_table(const cl_lex_t *lx, const cl_features_t *f, const cl_vtext_t *vt, int k,
                       cl_lex_cb cb, scan_t *s)
{
    if (vt != NULL) {
        cl_lex_scan_inner(lx, f, vt->lw[k], vt->at[k], vt->n[k], vt->inner, 1u << k, cb, s);
    } else {
        cl_lex_scan(lx, f, NULL, cb, s);
    }
}

/* The lexicon passes over f: fills s and returns the lexicon's complaint
 * logit; *sarcasm tells whether its sarcasm rule fired. vt: what the word
 * cache gave f's tokens, or NULL. */
static double lex_scan(const cl_model_t *m, const cl_features_t *f, const cl_vtext_t *vt, scan_t *s,
                       int *sarcasm, int *asking, int *lead_out)
{
    static const char *const asking_words[] = {"how",  "what",  "when",   "where", "which", "who",
                                               "can",  "could", "does",   "do",    "is",    "are",
                                               "will", "would", "anyone", "any",   "should"};
    s->f = f;
    s->lead = first_word(f, 1);
    if (s->trace != NULL) {
        json_t *toks = json_array();
        for (size_t i = 0; i < f->n; i++) {
            char buf[CL_TOKEN_MAX + 16];
            snprintf(buf, sizeof buf, "%s%s%s", f->tok[i].text,
                     (f->tok[i].flags & CL_TF_NEGATED) ? "/neg" : "",
                     (f->tok[i].flags & CL_TF_CAPS) ? "/caps" : "");
            json_array_append_new(toks, json_string(buf));
        }
        json_object_set_new(s->trace, "tokens", toks);
    }
    scan_table(&m->complaint, f, vt, 0, on_complaint, s);
    scan_table(&m->category, f, vt, 1, on_category, s);
    scan_table(&m->polarity, f, vt, 2, on_polarity, s);
    scan_table(&m->signal, f, vt, 3, on_signal, s);
    for (size_t i = 0; i < f->n; i++) {
        if ((f->tok[i].flags & CL_TF_HASHTAG) && strcmp(f->tok[i].text, "not") == 0) {
            s->sarcasm_cue = 1; /* "#not" */
        }
    }
    int lead = first_word(f, 0);
    *lead_out = lead;
    *asking = lead >= 0 && cl_in_list(f->tok[lead].text, asking_words, NWORDS(asking_words));
    double z_sig = W_CRITICAL * capped(s->n_critical, 2) + W_SIGNAL * capped(s->n_signal, 2);
    s->evidence += z_sig;
    *sarcasm = (s->sarcasm_cue && s->evidence >= SARCASM_CUE_MIN) ||
               (s->lead_praise && s->evidence >= SARCASM_MIN);
    double z = meta_logit(f, *asking, s->trace) + s->z_plain + z_sig;
    z += *sarcasm ? W_SARCASM : s->z_praise;
    return z;
}

static double lex_sentiment(const cl_features_t *f, const scan_t *s, int sarcasm)
{
    double v = sarcasm ? s->neg - s->pos : s->pos + s->neg;
    if (v != 0) {
        double amp = EXCLAIM_VALENCE * capped(f->exclaim, 4);
        v += v > 0 ? amp : -amp;
    }
    return v / sqrt(v * v + SENT_ALPHA);
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

int cl_model_lexfeat(const cl_model_t *m, const cl_features_t *f, cl_lexfeat_t *lx)
{
    scan_t s;
    int sarcasm = 0, asking = 0, lead = -1;
    memset(&s, 0, sizeof s);
    memset(lx, 0, sizeof *lx);
    lx->z = lex_scan(m, f, NULL, &s, &sarcasm, &asking, &lead);
    memcpy(lx->catz, s.catz, sizeof lx->catz);
    lx->sentiment = lex_sentiment(f, &s, sarcasm);
    lx->signals = s.sig | s.sig_c;
    lx->critical = s.critical || s.critical_c;
    lx->sarcasm = sarcasm;
    return 0;
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
    scan_t s;
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
    double z = lex_scan(m, &f, cached ? &vt : NULL, &s, &sarcasm, &asking, &lead);
    r->sentiment = lex_sentiment(&f, &s, sarcasm);
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
        int points = shouting + (f.exclaim >= 3 || f.exclaim_run >= 3) + capped(s.anger_cues, 2);
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
