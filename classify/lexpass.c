/* lexpass.c -- the lexicon passes (modelint.h): what the word lists find in
 * a text, for the classifier (model.c) and as the linear model's features
 * (cl_model_lexfeat, linear.h).
 *
 * Four passes over one tokenisation: complaint terms (logit), category
 * terms (softmax), polarity terms (sentiment) and signal terms (rules). The
 * weights live in wordlists.c and topics.c; the few numbers here are the
 * weights of whole-text features and the rules that combine the passes. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "features.h"
#include "lexicon.h"
#include "linear.h"
#include "model.h"
#include "modelint.h"
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
#define NEG_VALENCE     -0.74 /* a negated valence flips and weakens (VADER) */
#define CAPS_VALENCE    1.25  /* a valence word in capitals */
#define EXCLAIM_VALENCE 0.29  /* each '!' (up to 4) adds this to |sentiment| */
#define SENT_ALPHA      15.0  /* sentiment = s / sqrt(s^2 + alpha) */

static void trace_term(cl_scan_t *s, const char *list, const char *term, double w)
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
    cl_scan_t *s = arg;
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
    cl_scan_t *s = arg;
    if (t->aux < CL_NCAT) {
        s->catz[t->aux] += t->w;
    }
    trace_term(s, cl_category_name((cl_category_t)t->aux), t->term, t->w);
}

static void on_polarity(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    cl_scan_t *s = arg;
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
    cl_scan_t *s = arg;
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

/* The whole-text part of the complaint logit. */
static double meta_logit(const cl_features_t *f, int asking, json_t *trace)
{
    double z = W_BIAS;
    z += W_EXCLAIM * cl_capped(f->exclaim, 3);
    z += W_CAPS * cl_capped(f->caps_words, 3);
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
                       cl_lex_cb cb, cl_scan_t *s)
{
    if (vt != NULL) {
        cl_lex_scan_inner(lx, f, vt->lw[k], vt->at[k], vt->n[k], vt->inner, 1u << k, cb, s);
    } else {
        cl_lex_scan(lx, f, NULL, cb, s);
    }
}

/* See modelint.h. */
double cl_lexpass_scan(const cl_model_t *m, const cl_features_t *f, const cl_vtext_t *vt,
                       cl_scan_t *s, int *sarcasm, int *asking, int *lead_out)
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
    double z_sig = W_CRITICAL * cl_capped(s->n_critical, 2) + W_SIGNAL * cl_capped(s->n_signal, 2);
    s->evidence += z_sig;
    *sarcasm = (s->sarcasm_cue && s->evidence >= SARCASM_CUE_MIN) ||
               (s->lead_praise && s->evidence >= SARCASM_MIN);
    double z = meta_logit(f, *asking, s->trace) + s->z_plain + z_sig;
    z += *sarcasm ? W_SARCASM : s->z_praise;
    return z;
}

/* See modelint.h. */
double cl_lexpass_sentiment(const cl_features_t *f, const cl_scan_t *s, int sarcasm)
{
    double v = sarcasm ? s->neg - s->pos : s->pos + s->neg;
    if (v != 0) {
        double amp = EXCLAIM_VALENCE * cl_capped(f->exclaim, 4);
        v += v > 0 ? amp : -amp;
    }
    return v / sqrt(v * v + SENT_ALPHA);
}

int cl_model_lexfeat(const cl_model_t *m, const cl_features_t *f, cl_lexfeat_t *lx)
{
    cl_scan_t s;
    int sarcasm = 0, asking = 0, lead = -1;
    memset(&s, 0, sizeof s);
    memset(lx, 0, sizeof *lx);
    lx->z = cl_lexpass_scan(m, f, NULL, &s, &sarcasm, &asking, &lead);
    memcpy(lx->catz, s.catz, sizeof lx->catz);
    lx->sentiment = cl_lexpass_sentiment(f, &s, sarcasm);
    lx->signals = s.sig | s.sig_c;
    lx->critical = s.critical || s.critical_c;
    lx->sarcasm = sarcasm;
    return 0;
}
