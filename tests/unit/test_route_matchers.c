/* test_route_matchers.c -- every matcher, the precedence, the boosts and the
 * default, as one table of posts and the decisions they must get. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "route/match.h"
#include "route/preds.h"
#include "route/route.h"
#include "route/rules.h"

static const char rules_yaml[] =
    "version: 1\n"
    "teams: [safety, fraud, billing, vipdesk, social, dm, night, office, intl, retention, care,\n"
    "        tech]\n"
    "policies:\n"
    "  standard: {p1: 15m, p2: 1h, p3: 4h, p4: 1d}\n"
    "  urgent: {p1: 5m, p2: 15m, p3: 1h, p4: 4h}\n"
    "brands:\n"
    "  acme: {accounts: [acmehelp], vip: [\"7\", 8], blocklist: [\"666\"]}\n"
    "  globex: {vip: [\"9\"], blocklist: [\"13\"]}\n"
    "rules:\n"
    "  - {name: blocked, match: {blocklisted: true}, suppress: true, tags: [spam]}\n"
    "  - {name: critical, match: {severity: critical}, team: safety, priority: p1,\n"
    "     policy: urgent}\n"
    "  - {name: fraud, match: {regex: ['(?i)\\bcard\\b.{0,20}\\bstolen\\b', '^FRAUD:'],\n"
    "     category: [account, billing]}, team: fraud, priority: p1, policy: urgent}\n"
    "  - {name: refund, match: {regex: 'REF-\\d{4}'}, team: billing, priority: p2}\n"
    "  - {name: three-chars, match: {regex: '^.{3}$'}, team: intl, priority: p3}\n"
    "  - {name: churn, match: {signals: churn_threat}, team: retention, priority: p2}\n"
    "  - {name: dm, match: {visibility: direct}, team: dm, priority: p2}\n"
    "  - {name: vip, match: {vip: true, brand: acme}, team: vipdesk, priority: p3}\n"
    "  - {name: verified-big, match: {verified: true, followers_at_least: 1000}, team: social,\n"
    "     priority: p3}\n"
    "  - {name: night, match: {hours: {from: '22:00', to: '06:00'}}, team: night, priority: p3}\n"
    "  - {name: office, match: {hours: {from: '09:00', to: '17:00', days: [mon, tue, wed, thu,\n"
    "     fri], utc_offset: '+01:00'}, category: technical}, team: office, priority: p3}\n"
    "  - {name: german, match: {lang: de}, team: intl, priority: p3}\n"
    "  - {name: outage, match: {keywords: [outage, 'no signal']}, team: tech, priority: p2}\n"
    "  - {name: billing, match: {category: billing}, team: billing, priority: p3}\n"
    "  - {name: fallback, default: true, team: care, priority: p4, policy: standard}\n"
    "boosts:\n"
    "  - {when: {followers_at_least: 10000}}\n"
    "  - {when: {vip: true}}\n"
    "  - {name: dm-high, when: {visibility: direct, severity: high}, steps: 2}\n";

/* One post and its expected decision. NULL / -1 fields are absent. */
typedef struct mcase {
    const char *what;       /* what the case shows */
    const char *brand;      /* post.brand (default "other") */
    const char *author;     /* author.id (default "1") */
    int64_t followers;      /* author.followers, -1 absent */
    int verified;           /* author.verified, -1 absent */
    const char *text;       /* post.text (default "help") */
    const char *visibility; /* post.visibility */
    const char *created_at; /* default 2026-11-25T12:00:00Z, a Wednesday */
    const char *lang;       /* post.lang */
    const char *category;   /* classification.category (default "other") */
    const char *severity;   /* classification.severity (default "low") */
    const char *signals;    /* comma-separated */
    const char *rule;       /* expected deciding rule */
    const char *team;       /* expected team, NULL when suppressed */
    int priority;           /* expected priority after boosts */
    int64_t first_reply_s;  /* expected SLA target */
} mcase_t;

#define NOAUTH NULL, NULL, -1, -1 /* brand, author, followers, verified */
static const mcase_t cases[] = {
    /* blocklists (a suppress rule) */
    {"blocklisted author of the brand is suppressed", "acme", "666", -1, -1, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, "blocked", NULL, 0, 0},
    {"blocklist found through a brand account", "AcmeHelp", "666", -1, -1, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, "blocked", NULL, 0, 0},
    {"another brand's blocklist does not apply", "globex", "666", -1, -1, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, "fallback", "care", 4, 86400},
    {"second brand's blocklist", "globex", "13", -1, -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "blocked", NULL, 0, 0},
    {"precedence: blocked before critical", "acme", "666", -1, -1, NULL, NULL, NULL, NULL, NULL,
     "critical", NULL, "blocked", NULL, 0, 0},
    /* severity */
    {"severity critical", NOAUTH, NULL, NULL, NULL, NULL, NULL, "critical", NULL, "critical",
     "safety", 1, 300},
    /* regex */
    {"regex with (?i), AND category", NOAUTH, "my card was stolen yesterday", NULL, NULL, NULL,
     "account", NULL, NULL, "fraud", "fraud", 1, 300},
    {"regex (?i) ignores case", NOAUTH, "My CARD got STOLEN", NULL, NULL, NULL, "billing", NULL,
     NULL, "fraud", "fraud", 1, 300},
    {"regex: second pattern of the list", NOAUTH, "FRAUD: someone used my account", NULL, NULL,
     NULL, "billing", NULL, NULL, "fraud", "fraud", 1, 300},
    {"regex holds but category does not (AND)", NOAUTH, "card stolen", NULL, NULL, NULL, "service",
     NULL, NULL, "fallback", "care", 4, 86400},
    {"regex anchor ^ respected", NOAUTH, "re FRAUD: x", NULL, NULL, NULL, "billing", NULL, NULL,
     "billing", "billing", 3, 14400},
    {"regex \\d{4}", NOAUTH, "about REF-1234 please", NULL, NULL, NULL, NULL, NULL, NULL, "refund",
     "billing", 2, 3600},
    {"regex: too few digits", NOAUTH, "about REF-12 please", NULL, NULL, NULL, NULL, NULL, NULL,
     "fallback", "care", 4, 86400},
    {"regex is case-sensitive without (?i)", NOAUTH, "about ref-1234", NULL, NULL, NULL, NULL, NULL,
     NULL, "fallback", "care", 4, 86400},
    {"regex in UTF mode: . is one character", NOAUTH, "äöü", NULL, NULL, NULL, NULL, NULL, NULL,
     "three-chars", "intl", 3, 14400},
    {"regex in UTF mode: four characters", NOAUTH, "äöüß", NULL, NULL, NULL, NULL, NULL, NULL,
     "fallback", "care", 4, 86400},
    /* signals */
    {"signals", NOAUTH, NULL, NULL, NULL, NULL, NULL, NULL, "churn_threat", "churn", "retention", 2,
     3600},
    {"signals: any of several", NOAUTH, NULL, NULL, NULL, NULL, NULL, NULL, "angry,churn_threat",
     "churn", "retention", 2, 3600},
    /* visibility */
    {"direct message", NOAUTH, NULL, "direct", NULL, NULL, NULL, NULL, NULL, "dm", "dm", 2, 3600},
    {"direct message, high: 2-step boost", NOAUTH, NULL, "direct", NULL, NULL, NULL, "high", NULL,
     "dm", "dm", 1, 900},
    {"visibility public given", NOAUTH, NULL, "public", NULL, NULL, NULL, NULL, NULL, "fallback",
     "care", 4, 86400},
    /* vip */
    {"vip of the brand, plus vip boost", "acme", "7", -1, -1, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, "vip", "vipdesk", 2, 3600},
    {"vip listed as a number, brand by account", "acmehelp", "8", -1, -1, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, "vip", "vipdesk", 2, 3600},
    {"vip of another brand: rule no, boost yes", "globex", "9", -1, -1, NULL, NULL, NULL, NULL,
     NULL, NULL, NULL, "fallback", "care", 3, 14400},
    /* verified and followers */
    {"verified and followers", NULL, NULL, 1000, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "verified-big", "social", 3, 14400},
    {"verified, followers below", NULL, NULL, 999, 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "fallback", "care", 4, 86400},
    {"not verified", NULL, NULL, 5000, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "fallback",
     "care", 4, 86400},
    {"followers boost inclusive", NULL, NULL, 10000, -1, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
     "fallback", "care", 3, 14400},
    {"verified big account, boosted", NULL, NULL, 20000, 1, NULL, NULL, NULL, NULL, NULL, NULL,
     NULL, "verified-big", "social", 2, 3600},
    /* hours */
    {"night window, evening", NOAUTH, NULL, NULL, "2026-11-25T23:30:00Z", NULL, NULL, NULL, NULL,
     "night", "night", 3, 14400},
    {"night window wraps midnight", NOAUTH, NULL, NULL, "2026-11-26T05:59:00Z", NULL, NULL, NULL,
     NULL, "night", "night", 3, 14400},
    {"night window end is exclusive", NOAUTH, NULL, NULL, "2026-11-26T06:00:00Z", NULL, NULL, NULL,
     NULL, "fallback", "care", 4, 86400},
    {"night window start is inclusive", NOAUTH, NULL, NULL, "2026-11-25T22:00:00Z", NULL, NULL,
     NULL, NULL, "night", "night", 3, 14400},
    {"office hours at +01:00", NOAUTH, NULL, NULL, "2026-11-25T08:30:00Z", NULL, "technical", NULL,
     NULL, "office", "office", 3, 14400},
    {"office hours start inclusive (08:00Z = 09:00)", NOAUTH, NULL, NULL, "2026-11-25T08:00:00Z",
     NULL, "technical", NULL, NULL, "office", "office", 3, 14400},
    {"before office hours", NOAUTH, NULL, NULL, "2026-11-25T07:59:00Z", NULL, "technical", NULL,
     NULL, "fallback", "care", 4, 86400},
    {"office hours end exclusive", NOAUTH, NULL, NULL, "2026-11-25T16:00:00Z", NULL, "technical",
     NULL, NULL, "fallback", "care", 4, 86400},
    {"office hours: Saturday is not a listed day", NOAUTH, NULL, NULL, "2026-11-28T10:00:00Z", NULL,
     "technical", NULL, NULL, "fallback", "care", 4, 86400},
    {"created_at with its own offset", NOAUTH, NULL, NULL, "2026-11-25T10:00:00+02:00", NULL,
     "technical", NULL, NULL, "office", "office", 3, 14400},
    {"unparseable created_at matches no window", NOAUTH, NULL, NULL, "yesterday", NULL, NULL, NULL,
     NULL, "fallback", "care", 4, 86400},
    /* lang, keywords, category */
    {"lang with region", NOAUTH, NULL, NULL, NULL, "de-AT", NULL, NULL, NULL, "german", "intl", 3,
     14400},
    {"keywords, case-insensitive", NOAUTH, "Total OUTAGE downtown", NULL, NULL, NULL, NULL, NULL,
     NULL, "outage", "tech", 2, 3600},
    {"keywords: a phrase", NOAUTH, "No Signal since 9", NULL, NULL, NULL, NULL, NULL, NULL,
     "outage", "tech", 2, 3600},
    {"category", NOAUTH, NULL, NULL, NULL, NULL, "billing", NULL, NULL, "billing", "billing", 3,
     14400},
    /* precedence and boosts */
    {"precedence: regex rule above category rule", NOAUTH, "REF-9999", NULL, NULL, NULL, "billing",
     NULL, NULL, "refund", "billing", 2, 3600},
    {"precedence: critical above direct message", NOAUTH, NULL, "direct", NULL, NULL, NULL,
     "critical", NULL, "critical", "safety", 1, 300},
    {"boosts add up and stop at p1", NULL, NULL, 20000, -1, NULL, "direct", NULL, NULL, NULL,
     "high", NULL, "dm", "dm", 1, 900},
    {"the default", NOAUTH, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "fallback", "care", 4, 86400},
};

static json_t *make_post(const mcase_t *c)
{
    json_t *author = json_pack("{s:s}", "id", c->author ? c->author : "1");
    if (c->followers >= 0) {
        json_object_set_new(author, "followers", json_integer(c->followers));
    }
    if (c->verified >= 0) {
        json_object_set_new(author, "verified", json_boolean(c->verified));
    }
    json_t *post = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:s}", "schema", "outcry.post/v1", "id",
                             "twitter:1", "platform", "twitter", "direction", "inbound", "brand",
                             c->brand ? c->brand : "other", "author", author, "text",
                             c->text ? c->text : "help", "created_at",
                             c->created_at ? c->created_at : "2026-11-25T12:00:00Z");
    if (c->lang) {
        json_object_set_new(post, "lang", json_string(c->lang));
    }
    if (c->visibility) {
        json_object_set_new(post, "visibility", json_string(c->visibility));
    }
    json_t *cls =
        json_pack("{s:b,s:s,s:s}", "complaint", 1, "category", c->category ? c->category : "other",
                  "severity", c->severity ? c->severity : "low");
    json_t *sig = json_array();
    if (c->signals) {
        char buf[128];
        snprintf(buf, sizeof buf, "%s", c->signals);
        char *save = NULL;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            json_array_append_new(sig, json_string(t));
        }
    }
    json_object_set_new(cls, "signals", sig);
    json_object_set_new(post, "classification", cls);
    return post;
}

static rt_rules_t *load_ok(void)
{
    rt_diag_t diag;
    rt_rules_t *r = rt_rules_load_string(rules_yaml, strlen(rules_yaml), "m.yaml", &diag);
    for (int i = 0; !r && i < diag.n; i++) {
        print_message("%s\n", diag.errs[i].msg);
    }
    assert_non_null(r);
    return r;
}

static void test_route_matcher_table(void **state)
{
    (void)state;
    rt_rules_t *rules = load_ok();
    rt_diag_t lint = {0};
    assert_int_equal(rt_rules_lint(rules, &lint), 0);
    assert_true(sizeof cases / sizeof cases[0] >= 40);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const mcase_t *c = &cases[i];
        json_t *post = make_post(c);
        rt_decision_t d;
        assert_int_equal(rt_decide_json(rules, post, &d), 0);
        int ok = strcmp(d.rule->name, c->rule) == 0;
        if (c->team) {
            ok = ok && !d.rule->suppress && strcmp(d.team, c->team) == 0 &&
                 d.priority == c->priority && d.first_reply_s == c->first_reply_s;
        } else {
            ok = ok && d.rule->suppress && d.team == NULL;
        }
        if (!ok) {
            fail_msg("case %zu (%s): got rule %s team %s p%d %llds, want %s %s p%d %llds", i,
                     c->what, d.rule->name, d.team ? d.team : "-", d.priority,
                     (long long)d.first_reply_s, c->rule, c->team ? c->team : "-", c->priority,
                     (long long)c->first_reply_s);
        }
        /* rt_route_post agrees: suppressed posts get no routing */
        assert_int_equal(rt_route_post(rules, post), c->team ? 0 : 1);
        assert_int_equal(json_object_get(post, "routing") != NULL, c->team != NULL);
        json_decref(post);
    }
    rt_rules_free(rules);
}

/* A suppressed complaint reaches no output and is counted. */
static void test_route_suppress_process(void **state)
{
    (void)state;
    rt_rules_t *rules = load_ok();
    rt_ctx_t ctx;
    assert_int_equal(rt_ctx_init(&ctx, rules), 0);
    json_t *post = make_post(&cases[0]);
    char *s = json_dumps(post, JSON_COMPACT);
    FILE *out = tmpfile();
    assert_non_null(out);
    oc_config_t cfg;
    int64_t before = oc_metric_get(ctx.suppressed);
    /* drive rt_process through the stdio loop's emitter: one line in, none out */
    FILE *in = tmpfile();
    fprintf(in, "%s\n", s);
    rewind(in);
    oc_stage_t stage = {
        .name = "route", .input = "classified", .primary = "routed", .process = rt_process};
    assert_int_equal(oc_config_init(&cfg, "route"), 0);
    assert_int_equal(oc_run_stdio(&cfg, &stage, &ctx, in, out), 0);
    assert_int_equal(ftell(out), 0);
    assert_int_equal(oc_metric_get(ctx.suppressed), before + 1);
    oc_config_free(&cfg);
    fclose(in);
    fclose(out);
    free(s);
    json_decref(post);
    rt_ctx_free(&ctx);
    rt_rules_free(rules);
}

static void test_route_hours_unit(void **state)
{
    (void)state;
    int m = 0;
    assert_int_equal(rt_parse_clock("09:30", 0, &m), 0);
    assert_int_equal(m, 570);
    assert_int_equal(rt_parse_clock("9:05", 0, &m), 0);
    assert_int_equal(m, 545);
    assert_int_equal(rt_parse_clock("24:00", 1, &m), 0);
    assert_int_equal(m, 1440);
    assert_int_equal(rt_parse_clock("24:00", 0, &m), -1);
    assert_int_equal(rt_parse_clock("12:60", 1, &m), -1);
    assert_int_equal(rt_parse_clock("noon", 1, &m), -1);
    assert_int_equal(rt_parse_utc_offset("-05:30", &m), 0);
    assert_int_equal(m, -330);
    assert_int_equal(rt_parse_utc_offset("Z", &m), 0);
    assert_int_equal(m, 0);
    assert_int_equal(rt_parse_utc_offset("+15:00", &m), -1);
    assert_int_equal(rt_parse_utc_offset("0100", &m), -1);
    assert_int_equal(rt_parse_day("Sunday"), 1 << 6);
    assert_int_equal(rt_parse_day("mon"), 1);
    assert_int_equal(rt_parse_day("mo"), -1);
    /* Sunday 23:30 at -05:00 is Monday 04:30 UTC: a Sunday-only window holds */
    rt_hours_t h = {.from_min = 23 * 60, .to_min = 24 * 60, .days = 1 << 6, .offset_min = -300};
    assert_true(rt_hours_holds(&h, 1796617800000LL)); /* 2026-12-07T04:30:00Z, a Monday */
    h.days = 1;                                       /* Monday only */
    assert_false(rt_hours_holds(&h, 1796617800000LL));
}

static void test_route_regex_unit(void **state)
{
    (void)state;
    char err[256];
    rt_regex_t *re = rt_regex_compile("a(b", err, sizeof err);
    assert_null(re);
    assert_non_null(strstr(err, "missing closing parenthesis"));
    assert_non_null(strstr(err, "at offset 3"));
    re = rt_regex_compile("^\\w+$", err, sizeof err);
    assert_non_null(re);
    assert_int_equal(rt_regex_match(re, "abc", 3, 0), 1);
    assert_int_equal(rt_regex_match(re, "a c", 3, 1), 0);
    assert_int_equal(rt_regex_match(re, "\xff\xfe", 2, 0), -2); /* not UTF-8 */
    rt_regex_free(re);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_matcher_table),
        cmocka_unit_test(test_route_suppress_process),
        cmocka_unit_test(test_route_hours_unit),
        cmocka_unit_test(test_route_regex_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
