/* model.c -- "outcry-lexicon/0.1", a hand-weighted linear model (model.h).
 *
 * Four passes over one tokenisation: complaint terms (logit), category
 * terms (softmax), polarity terms (sentiment) and signal terms (rules). The
 * weights live in wordlists.c and topics.c; the few numbers here are the
 * weights of whole-text features and the rules that combine the passes. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "features.h"
#include "lexicon.h"

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

cl_model_t *cl_model_new(char *err, size_t errlen)
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
    return m;
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

static int in_words(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(w, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
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
        if (t->kind == CL_TOK_WORD && in_words(t->text, greetings, NWORDS(greetings))) {
            continue;
        }
        if (fillers && t->kind == CL_TOK_WORD &&
            in_words(t->text, interjections, NWORDS(interjections))) {
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

int cl_model_classify(const cl_model_t *m, const char *text, size_t len, double threshold,
                      cl_result_t *r, json_t *explain)
{
    static const char *const asking_words[] = {"how",  "what",  "when",   "where", "which", "who",
                                               "can",  "could", "does",   "do",    "is",    "are",
                                               "will", "would", "anyone", "any",   "should"};
    cl_features_t f = {0};
    scan_t s;
    memset(&s, 0, sizeof s);
    memset(r, 0, sizeof *r);
    r->model = CL_MODEL_NAME;
    if (cl_features_extract(&f, text, len) != 0) {
        cl_features_free(&f);
        return -1;
    }
    s.f = &f;
    s.trace = explain;
    s.lead = first_word(&f, 1);
    if (explain != NULL) {
        json_t *toks = json_array();
        for (size_t i = 0; i < f.n; i++) {
            char buf[CL_TOKEN_MAX + 16];
            snprintf(buf, sizeof buf, "%s%s%s", f.tok[i].text,
                     (f.tok[i].flags & CL_TF_NEGATED) ? "/neg" : "",
                     (f.tok[i].flags & CL_TF_CAPS) ? "/caps" : "");
            json_array_append_new(toks, json_string(buf));
        }
        json_object_set_new(explain, "tokens", toks);
    }
    cl_lex_scan(&m->complaint, &f, on_complaint, &s);
    cl_lex_scan(&m->category, &f, on_category, &s);
    cl_lex_scan(&m->polarity, &f, on_polarity, &s);
    cl_lex_scan(&m->signal, &f, on_signal, &s);
    for (size_t i = 0; i < f.n; i++) {
        if ((f.tok[i].flags & CL_TF_HASHTAG) && strcmp(f.tok[i].text, "not") == 0) {
            s.sarcasm_cue = 1; /* "#not" */
        }
    }

    /* complaint */
    int lead = first_word(&f, 0);
    int asking = lead >= 0 && in_words(f.tok[lead].text, asking_words, NWORDS(asking_words));
    double z_sig = W_CRITICAL * capped(s.n_critical, 2) + W_SIGNAL * capped(s.n_signal, 2);
    s.evidence += z_sig;
    int sarcasm = (s.sarcasm_cue && s.evidence >= SARCASM_CUE_MIN) ||
                  (s.lead_praise && s.evidence >= SARCASM_MIN);
    double z = meta_logit(&f, asking, explain) + s.z_plain + z_sig;
    z += sarcasm ? W_SARCASM : s.z_praise;
    r->score = sigmoid(z);
    r->complaint = r->score >= threshold;

    /* category */
    double max = CAT_OTHER_PRIOR, sum = 0;
    s.catz[CL_CAT_OTHER] += CAT_OTHER_PRIOR;
    for (int c = 0; c < CL_NCAT; c++) {
        if (s.catz[c] > max) {
            max = s.catz[c];
        }
    }
    int best = CL_CAT_OTHER;
    for (int c = 0; c < CL_NCAT; c++) {
        sum += exp(s.catz[c] - max);
        if (s.catz[c] > s.catz[best]) {
            best = c;
        }
    }
    r->category = (cl_category_t)best;
    r->category_score = exp(s.catz[best] - max) / sum;

    /* sentiment */
    double v = sarcasm ? s.neg - s.pos : s.pos + s.neg;
    if (v != 0) {
        double amp = EXCLAIM_VALENCE * capped(f.exclaim, 4);
        v += v > 0 ? amp : -amp;
    }
    r->sentiment = v / sqrt(v * v + SENT_ALPHA);

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
    if (!r->complaint) {
        r->severity = CL_SEV_LOW;
    } else if (critical) {
        r->severity = CL_SEV_CRITICAL;
    } else if (sig & (CL_SIG_CHURN | CL_SIG_REPEAT | CL_SIG_ANGER)) {
        r->severity = CL_SEV_HIGH;
    } else {
        r->severity = CL_SEV_MEDIUM;
    }
    if (explain != NULL) {
        json_object_set_new(explain, "z", json_real(round(z * 1000) / 1000));
        json_object_set_new(explain, "evidence", json_real(round(s.evidence * 1000) / 1000));
        json_object_set_new(explain, "praise", json_real(round(s.z_praise * 1000) / 1000));
    }
    cl_features_free(&f);
    return 0;
}

static double round3(double x)
{
    return round(x * 1000) / 1000;
}

json_t *cl_result_json(const cl_result_t *r)
{
    json_t *sig = json_array();
    if (sig == NULL) {
        return NULL;
    }
    for (int i = 0; i < CL_NSIG; i++) {
        if (r->signals & (1u << i)) {
            json_array_append_new(sig, json_string(signal_names[i]));
        }
    }
    return json_pack("{s:b,s:f,s:s,s:f,s:s,s:f,s:o,s:s}", "complaint", r->complaint, "score",
                     round3(r->score), "category", cl_category_name(r->category), "category_score",
                     round3(r->category_score), "severity", cl_severity_name(r->severity),
                     "sentiment", round3(r->sentiment), "signals", sig, "model", r->model);
}
