/* Unit tests for classify: the tokeniser, the word lists, the lexicon model
 * on realistic customer-care posts, and the stage core driven through
 * oc_run_stdio(). The example posts are written for these tests. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "classify/classify.h"
#include "classify/features.h"
#include "classify/lexicon.h"
#include "classify/model.h"
#include "config.h"
#include "stage.h"

static cl_model_t *model;

static int setup(void **state)
{
    char err[256];
    /* The hand-weighted word lists alone: this table pins their behaviour;
     * the trained model has tests of its own (test_classify_linear.c). */
    model = cl_model_new(NULL, err, sizeof err);
    if (model == NULL) {
        fprintf(stderr, "cl_model_new: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    cl_model_free(model);
    return 0;
}

static int classify_at(const char *text, double threshold, cl_result_t *r)
{
    cl_thresholds_t th;
    cl_thresholds_default(&th);
    th.complaint = threshold;
    return cl_model_classify(model, text, strlen(text), &th, r, NULL);
}

static void classify(const char *text, cl_result_t *r)
{
    assert_int_equal(classify_at(text, CL_DEFAULT_THRESHOLD, r), 0);
}

/* ---- the table of realistic posts ---- */

#define ANY NULL
enum { NO = 0, YES = 1 };

static const struct {
    const char *text;     /* the post */
    int complaint;        /* expected complaint flag */
    const char *category; /* expected category, or ANY */
    const char *severity; /* expected severity, or ANY */
    const char *signal;   /* a signal that must be present, or ANY */
} cases[] = {
    /* billing */
    {"@AcmeTel I've been charged twice for my October bill and nobody will refund me", YES,
     "billing", "medium", ANY},
    {"Love how my bill went up again without any warning", YES, "billing", "high", "sarcasm"},
    {"Thanks for nothing, still waiting for my refund after a month", YES, "billing", "high",
     "sarcasm"},
    /* delivery */
    {"Ordered a laptop 2 weeks ago and the package still hasn't arrived. Tracking hasn't "
     "updated in 5 days",
     YES, "delivery", "high", "repeat"},
    {"my order hasn't arrived yet, could you check where it is?", YES, "delivery", "medium",
     "question"},
    /* technical */
    {"My internet has been down since this morning, no signal on the router at all", YES,
     "technical", "medium", "outage"},
    {"The app keeps crashing every time I try to open it after the latest update", YES, "technical",
     "high", "repeat"},
    {"great, another outage. just what I needed on a Monday", YES, "technical", ANY, "sarcasm"},
    /* account */
    {"I can't log in to my account, it says my password is wrong but I just reset it", YES,
     "account", "medium", ANY},
    /* service */
    {"Waited on hold for 2 hours and then the agent hung up on me. Terrible customer service", YES,
     "service", "medium", ANY},
    {"The train was cancelled and nobody told us anything. Stuck at the station for an hour", YES,
     "service", ANY, ANY},
    {"Third time this month my flight has been delayed. Switching to another airline", YES,
     "service", "high", "churn_threat"},
    /* product */
    {"The blender you sold me arrived with a cracked jug and the lid doesn't fit", YES, "product",
     "medium", ANY},
    /* critical: safety, privacy, fraud, legal */
    {"My phone charger caught fire overnight and burned the carpet, this is dangerous", YES,
     "safety", "critical", "safety"},
    {"Your app just showed me someone else's personal details and home address. This is a "
     "serious data breach",
     YES, "privacy", "critical", "privacy"},
    {"There are charges on my card I never made, I think my account was hacked. This is fraud", YES,
     ANY, "critical", "fraud"},
    {"If this isn't fixed by Friday I'm contacting my lawyer and the FCC", YES, ANY, "critical",
     "legal"},
    /* churn and anger */
    {"I'm cancelling my subscription, this is the worst service I've ever had", YES, ANY, "high",
     "churn_threat"},
    {"WHY IS MY PHONE STILL NOT WORKING!!! This is absolutely ridiculous", YES, ANY, "high",
     "anger"},
    /* other languages */
    {"mi pedido no ha llegado y nadie responde", YES, "delivery", ANY, ANY},
    {"mon colis n'est toujours pas arriv\xC3\xA9, c'est inadmissible", YES, "delivery", ANY, ANY},
    {"Mein Paket ist immer noch nicht angekommen", YES, "delivery", "high", "repeat"},
    {"minha encomenda ainda n\xC3\xA3o chegou", YES, "delivery", ANY, ANY},
    /* praise */
    {"thanks so much, great service", NO, ANY, "low", "praise"},
    {"Just wanted to say the new app update is brilliant, love the dark mode", NO, ANY, "low",
     "praise"},
    {"Package arrived a day early and well packed, thank you!", NO, ANY, "low", "praise"},
    {"Huge shoutout to Maria at the downtown branch, she sorted my problem in five minutes!", NO,
     ANY, "low", ANY},
    {"Not bad at all, the technician fixed everything quickly", NO, ANY, "low", ANY},
    /* questions */
    {"how do I change my plan?", NO, ANY, "low", "question"},
    {"What time does the store on Main Street open on Sundays?", NO, ANY, "low", "question"},
    {"@AcmeAir can I bring my guitar as carry-on luggage?", NO, ANY, "low", "question"},
    {"Is there any way to get a paper copy of my bill?", NO, "billing", "low", "question"},
};

static int has_signal(const cl_result_t *r, const char *name)
{
    for (int i = 0; i < CL_NSIG; i++) {
        if ((r->signals & (1u << i)) && strcmp(cl_signal_name(1u << i), name) == 0) {
            return 1;
        }
    }
    return 0;
}

static void test_table(void **state)
{
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cl_result_t r;
        classify(cases[i].text, &r);
        int ok = r.complaint == cases[i].complaint &&
                 (cases[i].category == ANY ||
                  strcmp(cl_category_name(r.category), cases[i].category) == 0) &&
                 (cases[i].severity == ANY ||
                  strcmp(cl_severity_name(r.severity), cases[i].severity) == 0) &&
                 (cases[i].signal == ANY || has_signal(&r, cases[i].signal));
        if (!ok) {
            print_error("case %zu \"%s\": got complaint=%d score=%.3f category=%s severity=%s "
                        "signals=0x%x\n",
                        i, cases[i].text, r.complaint, r.score, cl_category_name(r.category),
                        cl_severity_name(r.severity), r.signals);
            bad++;
        }
        assert_true(r.score >= 0.0 && r.score <= 1.0);
        assert_true(r.category_score > 0.0 && r.category_score <= 1.0);
        assert_true(r.sentiment >= -1.0 && r.sentiment <= 1.0);
        assert_string_equal(r.model, "outcry-lexicon/0.1");
    }
    assert_int_equal(bad, 0);
}

static void test_sentiment(void **state)
{
    cl_result_t good, bad, notbad, sarcastic;
    classify("thanks so much, great service", &good);
    classify("terrible service, I hate this", &bad);
    classify("the service is not bad", &notbad);
    classify("great, another outage", &sarcastic);
    assert_true(good.sentiment > 0.5);
    assert_true(bad.sentiment < -0.5);
    assert_true(notbad.sentiment > bad.sentiment);
    assert_true(notbad.sentiment > -0.2);
    assert_true(sarcastic.sentiment < -0.3); /* "great" counts against it */
}

static void test_threshold(void **state)
{
    const char *text = "my package is late";
    cl_result_t r;
    assert_int_equal(classify_at(text, 0.5, &r), 0);
    assert_true(r.complaint);
    double score = r.score;
    assert_int_equal(classify_at(text, score + 0.001, &r), 0);
    assert_false(r.complaint);
    assert_int_equal(r.severity, CL_SEV_LOW);
    assert_int_equal(classify_at(text, 2.0, &r), 0);
    assert_false(r.complaint); /* above 1: never */

    double t = -1;
    char err[128];
    assert_int_equal(cl_parse_threshold("--threshold", "0.7", &t, err, sizeof err), 0);
    assert_true(t > 0.69 && t < 0.71);
    const char *bad[] = {"", "x", "1.5", "-0.1", "0.5x", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(cl_parse_threshold("--threshold", bad[i], &t, err, sizeof err), -1);
        assert_non_null(strstr(err, "--threshold"));
    }
}

/* ---- the tokeniser ---- */

static const cl_token_t *find(const cl_features_t *f, const char *text)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->tok[i].text, text) == 0) {
            return &f->tok[i];
        }
    }
    return NULL;
}

static void extract(cl_features_t *f, const char *text)
{
    assert_int_equal(cl_features_extract(f, text, strlen(text)), 0);
}

static void test_features_negation(void **state)
{
    cl_features_t f = {0};
    extract(&f, "my internet is not working at all today. great job though");
    assert_true(find(&f, "not")->flags & CL_TF_NEGATOR);
    assert_true(find(&f, "working")->flags & CL_TF_NEGATED);
    assert_true(find(&f, "at")->flags & CL_TF_NEGATED);
    assert_true(find(&f, "all")->flags & CL_TF_NEGATED);
    assert_false(find(&f, "today")->flags & CL_TF_NEGATED); /* 3 tokens only */
    assert_false(find(&f, "great")->flags & CL_TF_NEGATED); /* punctuation ends it */
    assert_true(find(&f, "though")->flags & CL_TF_CONTRAST);

    extract(&f, "it doesn\xE2\x80\x99t load, but thanks"); /* typographic apostrophe */
    assert_non_null(find(&f, "doesn't"));
    assert_true(find(&f, "doesn't")->flags & CL_TF_NEGATOR);
    assert_true(find(&f, "load")->flags & CL_TF_NEGATED);
    assert_false(find(&f, "thanks")->flags & CL_TF_NEGATED);
    assert_int_equal(f.last_contrast, 4); /* it doesn't load , but */

    extract(&f, "never arrived");
    assert_true(find(&f, "arrived")->flags & CL_TF_NEGATED);
    extract(&f, "no @AcmeHelp reply");
    assert_true(find(&f, "reply")->flags & CL_TF_NEGATED); /* mentions do not count */
    extract(&f, "el paquete no lleg\xC3\xB3");
    assert_true(find(&f, "llego")->flags & CL_TF_NEGATED);
    cl_features_free(&f);
}

static void test_features_normalisation(void **state)
{
    cl_features_t f = {0};
    extract(&f, "@AmazonHelp see https://t.co/AbC123 and www.example.com/x, paid $49.99 for 3 "
                "items!!! SOOO ANGRY \xF0\x9F\x98\xA1\xEF\xB8\x8F :) MSP to LAX #Fail wi-fi");
    assert_string_equal(f.tok[0].text, "@user");
    assert_int_equal(f.tok[0].kind, CL_TOK_MENTION);
    assert_int_equal(f.mentions, 1);
    assert_int_equal(f.urls, 2);
    assert_null(find(&f, "https"));
    assert_non_null(find(&f, "<url>"));
    assert_int_equal(find(&f, "<money>")->kind, CL_TOK_NUM);
    assert_int_equal(find(&f, "<num>")->kind, CL_TOK_NUM);
    assert_int_equal(f.exclaim, 3);
    assert_int_equal(f.exclaim_run, 3);
    const cl_token_t *soo = find(&f, "soo");
    assert_non_null(soo);
    assert_true(soo->flags & CL_TF_CAPS);
    assert_true(soo->flags & CL_TF_ELONGATED);
    assert_true(find(&f, "angry")->flags & CL_TF_CAPS);
    assert_false(find(&f, "msp")->flags & CL_TF_CAPS); /* three letters: a code */
    assert_int_equal(f.caps_words, 2);
    assert_int_equal(find(&f, "\xF0\x9F\x98\xA1")->kind, CL_TOK_EMOJI); /* FE0F dropped */
    assert_int_equal(find(&f, ":)")->kind, CL_TOK_EMOJI);
    assert_int_equal(f.emoji, 2);
    assert_true(find(&f, "fail")->flags & CL_TF_HASHTAG);
    assert_non_null(find(&f, "wifi"));

    extract(&f, "LLEG\xC3\x93 \xC3\xA9norme STRA\xC3\x9F"
                "E ok?");
    assert_non_null(find(&f, "llego"));
    assert_non_null(find(&f, "enorme"));
    assert_non_null(find(&f, "strasse"));
    assert_int_equal(f.question, 1);

    extract(&f, "\xFF\xFE broken \xC3"); /* invalid UTF-8 is skipped, not fatal */
    assert_non_null(find(&f, "broken"));
    cl_features_free(&f);
}

static int collect(const char *name, double value, void *arg)
{
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 1024 - n, "%s=%g|", name, value);
    return strcmp(name, "STOP") == 0;
}

static int stop_at_second(const char *name, double value, void *arg)
{
    int *n = arg;
    return ++*n == 2 ? 42 : 0;
}

static void test_features_each(void **state)
{
    cl_features_t f = {0};
    char buf[1024] = "";
    extract(&f, "not working!! @x");
    assert_int_equal(cl_features_each(&f, collect, buf), 0);
    assert_string_equal(buf, "m:bias=1|w:not=1|b:not working=1|n:working=1|w:@user=1|"
                             "m:exclaim=2|m:mention=1|");
    int n = 0;
    assert_int_equal(cl_features_each(&f, stop_at_second, &n), 42);
    assert_int_not_equal(cl_feature_hash("w:refund"), cl_feature_hash("n:refund"));
    assert_int_equal(cl_feature_hash(""), 2166136261u);
    cl_features_free(&f);
}

/* ---- the word lists ---- */

static void test_lexicon_checks_terms(void **state)
{
    static const cl_term_t upper[] = {{"Refund", 1, 1, 0}};
    static const cl_term_t dup[] = {{"refund", 1, 1, 0}, {"late", 1, 1, 0}, {"refund", 2, 2, 0}};
    static const cl_term_t star[] = {{"ca*t", 1, 1, 0}};
    static const cl_term_t longp[] = {{"one two three four five", 1, 1, 0}};
    cl_lex_t lx;
    char err[256];
    assert_int_equal(cl_lex_init(&lx, "t", upper, 1, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "\"Refund\""));
    assert_int_equal(cl_lex_init(&lx, "t", dup, 3, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "listed twice"));
    assert_int_equal(cl_lex_init(&lx, "t", star, 1, 0, err, sizeof err), -1);
    assert_int_equal(cl_lex_init(&lx, "t", longp, 1, 0, err, sizeof err), -1);
}

static void count_match(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    char *buf = arg;
    size_t n = strlen(buf);
    snprintf(buf + n, 256 - n, "%s@%zu%s|", t->term, first, negated ? "!" : "");
}

static void test_lexicon_longest_match(void **state)
{
    static const cl_term_t terms[] = {
        {"customer service", 1, 1, 0},
        {"service", 1, 1, 0},
        {"overcharg*", 1, 1, 0},
        {"ugh", 1, 1, 0},
        {"work", 1, 1, 0},
    };
    cl_lex_t lx;
    char err[256], buf[256] = "";
    assert_int_equal(cl_lex_init(&lx, "t", terms, 5, 0, err, sizeof err), 0);
    cl_features_t f = {0};
    extract(&f, "customer service overcharged me, service. ughhh it doesn't work");
    cl_lex_scan(&lx, &f, NULL, count_match, buf);
    assert_string_equal(buf, "customer service@0|overcharg*@2|service@5|ugh@7|work@10!|");
    cl_features_free(&f);
    cl_lex_free(&lx);
}

/* ---- the stage core, driven by oc_run_stdio ---- */

static const char inbound_post[] =
    "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:10\",\"platform\":\"twitter\","
    "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"7\"},"
    "\"text\":\"@acme my order never arrived and nobody answers\","
    "\"created_at\":\"2026-11-23T10:00:00Z\",\"conversation\":\"twitter:9\",\"extra\":1}";
static const char outbound_post[] =
    "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:11\",\"platform\":\"twitter\","
    "\"direction\":\"outbound\",\"brand\":\"acme\",\"author\":{\"id\":\"acme\"},"
    "\"text\":\"So sorry your order never arrived, this is unacceptable. Please DM us\","
    "\"created_at\":\"2026-11-23T10:05:00Z\",\"conversation\":\"twitter:9\"}";

static void test_stage_stdio(void **state)
{
    char input[4096];
    snprintf(input, sizeof input, "%s\n{not json\n{\"schema\":\"outcry.post/v1\"}\n%s\n",
             inbound_post, outbound_post);
    FILE *in = fmemopen(input, strlen(input), "r");
    char *outbuf = NULL;
    size_t outlen = 0;
    FILE *out = open_memstream(&outbuf, &outlen);
    FILE *errf = tmpfile();
    assert_non_null(in);
    assert_non_null(out);
    assert_non_null(errf);

    oc_config_t cfg;
    assert_int_equal(oc_config_init(&cfg, "classify"), 0);
    cl_ctx_t ctx;
    assert_int_equal(cl_ctx_init(&ctx, CL_MODEL_LEXICON), 0);
    oc_stage_t stage = {
        .name = "classify", .input = "posts", .primary = "classified", .process = cl_process};

    fflush(stderr);
    int saved = dup(2);
    assert_true(saved >= 0);
    assert_true(dup2(fileno(errf), 2) >= 0);
    int rc = oc_run_stdio(&cfg, &stage, &ctx, in, out);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_int_equal(rc, 0);
    fclose(out);
    fclose(in);

    /* two posts out, in order, with a classification each */
    char *save = NULL;
    char *line1 = strtok_r(outbuf, "\n", &save);
    char *line2 = strtok_r(NULL, "\n", &save);
    assert_non_null(line1);
    assert_non_null(line2);
    assert_null(strtok_r(NULL, "\n", &save));
    json_t *p1 = json_loads(line1, 0, NULL), *p2 = json_loads(line2, 0, NULL);
    assert_non_null(p1);
    assert_non_null(p2);
    assert_string_equal(json_string_value(json_object_get(p1, "id")), "twitter:10");
    assert_int_equal(json_integer_value(json_object_get(p1, "extra")), 1); /* kept */
    json_t *c1 = json_object_get(p1, "classification");
    assert_true(json_is_true(json_object_get(c1, "complaint")));
    assert_string_equal(json_string_value(json_object_get(c1, "category")), "delivery");
    const char *keys[] = {"complaint", "score",     "category", "category_score",
                          "severity",  "sentiment", "signals",  "model"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        assert_non_null(json_object_get(c1, keys[i]));
    }
    assert_true(json_is_array(json_object_get(c1, "signals")));
    json_t *c2 = json_object_get(p2, "classification");
    assert_string_equal(json_string_value(json_object_get(p2, "id")), "twitter:11");
    assert_true(json_is_false(json_object_get(c2, "complaint"))); /* the brand's own reply */
    assert_string_equal(json_string_value(json_object_get(c2, "severity")), "low");
    json_decref(p1);
    json_decref(p2);
    free(outbuf);

    /* two DLQ entries on stderr, with the right codes */
    char errbuf[8192];
    rewind(errf);
    size_t n = fread(errbuf, 1, sizeof errbuf - 1, errf);
    errbuf[n] = '\0';
    fclose(errf);
    assert_non_null(strstr(errbuf, "invalid_json"));
    assert_non_null(strstr(errbuf, "invalid_post"));

    cl_ctx_free(&ctx);
    oc_config_free(&cfg);
}

/* The classification text the stage splices is exactly what jansson
 * printed for the same result before: same keys, same numbers. */
static void test_result_text_matches_jansson(void **state)
{
    cl_result_t r = {0};
    r.model = "outcry-linear/1-test";
    r.signals = CL_SIG_CHURN | CL_SIG_QUESTION;
    r.category = CL_CAT_BILLING;
    r.severity = CL_SEV_HIGH;
    double vals[] = {0.0,     -0.0,    1.0,    -1.0,    0.5,      0.0004, 0.0005,
                     -0.0004, -0.0005, 0.9995, 0.12345, -0.98765, 0.1,    0.01,
                     0.001,   0.999,   0.25,   0.75,    2.5,      -3.0004};
    for (int i = 0; i <= 20000 + (int)(sizeof vals / sizeof vals[0]); i++) {
        double v = i <= 20000 ? -1.0 + i / 10000.0 + 1e-7 * (i % 7) : vals[i - 20001];
        r.score = fabs(v);
        r.category_score = fabs(v) / 3;
        r.sentiment = v;
        r.complaint = i % 2;
        char text[CL_RESULT_TEXT_MAX];
        size_t n = cl_result_text(&r, text, sizeof text);
        assert_true(n > 0);
        assert_int_equal(strlen(text), n);
        json_t *sig = json_pack("[s,s]", "churn_threat", "question");
        json_t *want =
            json_pack("{s:b,s:f,s:s,s:f,s:s,s:f,s:o,s:s}", "complaint", r.complaint, "score",
                      round(r.score * 1000) / 1000, "category", "billing", "category_score",
                      round(r.category_score * 1000) / 1000, "severity", "high", "sentiment",
                      round(r.sentiment * 1000) / 1000, "signals", sig, "model", r.model);
        char *w = json_dumps(want, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
        if (strcmp(text, w) != 0) {
            fail_msg("v=%.17g:\n got %s\nwant %s", v, text, w);
        }
        free(w);
        json_decref(want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_sentiment),
        cmocka_unit_test(test_threshold),
        cmocka_unit_test(test_features_negation),
        cmocka_unit_test(test_features_normalisation),
        cmocka_unit_test(test_features_each),
        cmocka_unit_test(test_lexicon_checks_terms),
        cmocka_unit_test(test_lexicon_longest_match),
        cmocka_unit_test(test_stage_stdio),
        cmocka_unit_test(test_result_text_matches_jansson),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
