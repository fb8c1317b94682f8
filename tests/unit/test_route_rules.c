/* test_route_rules.c -- the rules loader, its validation, and the matcher. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "route/match.h"
#include "route/route.h"
#include "route/rules.h"

/* A rule set that exercises every matcher; the table below routes through it. */
static const char test_rules[] =
    "version: 1\n"
    "teams: [billing, technical, care, safety, vipdesk, social, intl, delivery]\n"
    "policies:\n"
    "  standard: {p1: 15m, p2: 1h, p3: 4h, p4: 1d}\n"
    "  urgent: {p1: 5m, p2: 15m, p3: 1h, p4: 4h, warn_at: 0.5, escalate_at: 1.5}\n"
    "brands:\n"
    "  sprintcare: {accounts: [SprintHelp], vip: [\"115712\", 42]}\n"
    "  acme: {vip: [\"7\"]}\n"
    "rules:\n"
    "  - {name: critical, match: {severity: critical}, team: safety, priority: p1,\n"
    "     policy: urgent, tags: [critical, page]}\n"
    "  - {name: churn, match: {signals: [churn_threat, legal_threat]}, team: care,\n"
    "     priority: p2}\n"
    "  - {name: acme-billing, match: {brand: ACME, category: billing}, team: billing,\n"
    "     priority: p1}\n"
    "  - {name: money, match: {category: [billing, account]}, team: billing, priority: p3}\n"
    "  - {name: outage, match: {keywords: [outage, \"NO SIGNAL\", \"störung\"]},\n"
    "     team: technical, priority: p2}\n"
    "  - {name: german, match: {lang: de}, team: intl, priority: p3}\n"
    "  - {name: celebs, match: {verified: true}, team: social, priority: p3}\n"
    "  - {name: vips, match: {vip: true}, team: vipdesk, priority: p3}\n"
    "  - {name: big, match: {followers_at_least: 50000}, team: social, priority: p2}\n"
    "  - {name: late, match: {category: delivery, severity: [medium, high]},\n"
    "     team: delivery, priority: p2}\n"
    "  - {name: fallback, default: true, team: care, priority: p4, policy: standard}\n"
    "boosts:\n"
    "  - {when: {followers_at_least: 10000}}\n"
    "  - {name: angry-high, when: {severity: high, signals: angry}, steps: 2}\n"
    "  - {when: {vip: true}, steps: 1}\n";

/* One post and what the rules must decide for it. NULL fields are absent. */
typedef struct route_case {
    const char *what;      /* what the case shows */
    const char *brand;     /* post.brand (default "other") */
    const char *lang;      /* post.lang */
    const char *text;      /* post.text (default "help") */
    const char *author;    /* author.id (default "1") */
    int64_t followers;     /* author.followers, -1 absent */
    int verified;          /* author.verified, -1 absent */
    const char *category;  /* classification.category */
    const char *severity;  /* classification.severity */
    const char *signals;   /* comma-separated classification.signals */
    const char *rule;      /* expected rule */
    const char *team;      /* expected team */
    int priority;          /* expected priority after boosts */
    int64_t first_reply_s; /* expected SLA target */
} route_case_t;

static const route_case_t cases[] = {
    {"severity critical", NULL, NULL, NULL, NULL, -1, -1, "safety", "critical", NULL, "critical",
     "safety", 1, 300},
    {"first match wins: critical before billing", NULL, NULL, NULL, NULL, -1, -1, "billing",
     "critical", NULL, "critical", "safety", 1, 300},
    {"signals: first of the list", NULL, NULL, NULL, NULL, -1, -1, "service", "low", "churn_threat",
     "churn", "care", 2, 3600},
    {"signals: any of them, among others", NULL, NULL, NULL, NULL, -1, -1, "service", "low",
     "sarcasm,legal_threat", "churn", "care", 2, 3600},
    {"brand is case-insensitive, AND with category", "acme", NULL, NULL, NULL, -1, -1, "billing",
     "low", NULL, "acme-billing", "billing", 1, 900},
    {"brand alone is not enough (AND)", "acme", NULL, NULL, NULL, -1, -1, "service", "low", NULL,
     "fallback", "care", 4, 86400},
    {"category from a list: billing", NULL, NULL, NULL, NULL, -1, -1, "billing", "low", NULL,
     "money", "billing", 3, 14400},
    {"category from a list: account", NULL, NULL, NULL, NULL, -1, -1, "account", "medium", NULL,
     "money", "billing", 3, 14400},
    {"keywords: case-insensitive substring", NULL, NULL, "Total OUTAGES here", NULL, -1, -1,
     "service", "low", NULL, "outage", "technical", 2, 3600},
    {"keywords: upper-case keyword, lower-case text", NULL, NULL, "no signal since 9am", NULL, -1,
     -1, NULL, NULL, NULL, "outage", "technical", 2, 3600},
    {"keywords: Unicode case folding", NULL, NULL, "STÖRUNG seit gestern", NULL, -1, -1, "service",
     "low", NULL, "outage", "technical", 2, 3600},
    {"keywords: no partial words across spaces", NULL, NULL, "out age", NULL, -1, -1, "service",
     "low", NULL, "fallback", "care", 4, 86400},
    {"lang: exact", NULL, "de", NULL, NULL, -1, -1, "service", "low", NULL, "german", "intl", 3,
     14400},
    {"lang: region subtag", NULL, "DE-at", NULL, NULL, -1, -1, "service", "low", NULL, "german",
     "intl", 3, 14400},
    {"lang: prefix of another language does not match", NULL, "den", NULL, NULL, -1, -1, "service",
     "low", NULL, "fallback", "care", 4, 86400},
    {"verified: true", NULL, NULL, NULL, NULL, -1, 1, "service", "low", NULL, "celebs", "social", 3,
     14400},
    {"verified: false does not match true", NULL, NULL, NULL, NULL, -1, 0, "service", "low", NULL,
     "fallback", "care", 4, 86400},
    {"vip: listed id of the brand, plus the vip boost", "sprintcare", NULL, NULL, "115712", -1, -1,
     "service", "low", NULL, "vips", "vipdesk", 2, 3600},
    {"vip: brand named by one of its accounts, numeric id", "sprinthelp", NULL, NULL, "42", -1, -1,
     "service", "low", NULL, "vips", "vipdesk", 2, 3600},
    {"vip: another brand's VIP is not ours", "acme", NULL, NULL, "115712", -1, -1, "service", "low",
     NULL, "fallback", "care", 4, 86400},
    {"followers_at_least, boosted by the 10000 boost", NULL, NULL, NULL, NULL, 50000, -1, "service",
     "low", NULL, "big", "social", 1, 900},
    {"boost threshold is inclusive", NULL, NULL, NULL, NULL, 10000, -1, "service", "low", NULL,
     "fallback", "care", 3, 14400},
    {"below the boost threshold", NULL, NULL, NULL, NULL, 9999, -1, "service", "low", NULL,
     "fallback", "care", 4, 86400},
    {"severity list; a 2-step boost stops at p1", NULL, NULL, NULL, NULL, -1, -1, "delivery",
     "high", "angry", "late", "delivery", 1, 900},
    {"severity not in the list", NULL, NULL, NULL, NULL, -1, -1, "delivery", "low", NULL,
     "fallback", "care", 4, 86400},
    {"boosts add up: 1 + 2 steps from p4", NULL, NULL, NULL, NULL, 20000, -1, "service", "high",
     "angry", "fallback", "care", 1, 900},
    {"no category, no severity: default", NULL, NULL, NULL, NULL, -1, -1, NULL, NULL, NULL,
     "fallback", "care", 4, 86400},
    {"signals: more than the view holds inline, the match last", NULL, NULL, NULL, NULL, -1, -1,
     "service", "low", "s1,s2,s3,s4,s5,s6,s7,s8,s9,s10,legal_threat", "churn", "care", 2, 3600},
};

static json_t *make_post(const route_case_t *c)
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
                             c->text ? c->text : "help", "created_at", "2017-10-31T22:10:47Z");
    if (c->lang) {
        json_object_set_new(post, "lang", json_string(c->lang));
    }
    json_t *cls = json_pack("{s:b}", "complaint", 1);
    if (c->category) {
        json_object_set_new(cls, "category", json_string(c->category));
    }
    if (c->severity) {
        json_object_set_new(cls, "severity", json_string(c->severity));
    }
    if (c->signals) {
        json_t *sig = json_array();
        char buf[128];
        snprintf(buf, sizeof buf, "%s", c->signals);
        char *save = NULL;
        for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            json_array_append_new(sig, json_string(t));
        }
        json_object_set_new(cls, "signals", sig);
    }
    json_object_set_new(post, "classification", cls);
    return post;
}

static rt_rules_t *load(const char *yaml, rt_diag_t *diag)
{
    return rt_rules_load_string(yaml, strlen(yaml), "rules.yaml", diag);
}

/* Fails unless diag holds an error at line whose message contains text. */
static void assert_error(const rt_diag_t *diag, int line, const char *text)
{
    for (int i = 0; i < diag->n; i++) {
        if (diag->errs[i].line == line && strstr(diag->errs[i].msg, text)) {
            char prefix[32];
            snprintf(prefix, sizeof prefix, "rules.yaml:%d: ", line);
            assert_memory_equal(diag->errs[i].msg, prefix, strlen(prefix));
            return;
        }
    }
    for (int i = 0; i < diag->n; i++) {
        print_message("  got: %s\n", diag->errs[i].msg);
    }
    fail_msg("no error at line %d containing \"%s\"", line, text);
}

static void test_route_table(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *rules = load(test_rules, &diag);
    for (int i = 0; !rules && i < diag.n; i++) {
        print_message("%s\n", diag.errs[i].msg);
    }
    assert_non_null(rules);
    assert_int_equal(rules->nrules, 11);
    assert_int_equal(rules->nboosts, 3);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const route_case_t *c = &cases[i];
        json_t *post = make_post(c);
        rt_decision_t d;
        assert_int_equal(rt_decide_json(rules, post, &d), 0);
        if (strcmp(d.rule->name, c->rule) != 0 || strcmp(d.team, c->team) != 0 ||
            d.priority != c->priority || d.first_reply_s != c->first_reply_s) {
            fail_msg("case %zu (%s): got rule %s team %s p%d %llds, want %s %s p%d %llds", i,
                     c->what, d.rule->name, d.team, d.priority, (long long)d.first_reply_s, c->rule,
                     c->team, c->priority, (long long)c->first_reply_s);
        }
        json_decref(post);
    }
    rt_rules_free(rules);
}

/* The routing object written into the post: the DESIGN.md shape. */
static void test_route_routing_object(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *rules = load(test_rules, &diag);
    assert_non_null(rules);
    json_t *post = make_post(&cases[0]);
    assert_int_equal(rt_route_post(rules, post), 0);
    const json_t *r = json_object_get(post, "routing");
    assert_string_equal(json_string_value(json_object_get(r, "team")), "safety");
    assert_string_equal(json_string_value(json_object_get(r, "priority")), "p1");
    assert_string_equal(json_string_value(json_object_get(r, "rule")), "critical");
    assert_string_equal(json_string_value(json_object_get(r, "policy")), "urgent");
    const json_t *sla = json_object_get(r, "sla");
    assert_int_equal(json_integer_value(json_object_get(sla, "first_reply_s")), 300);
    assert_true(json_real_value(json_object_get(sla, "warn_at")) == 0.5);
    assert_true(json_real_value(json_object_get(sla, "escalate_at")) == 1.5);
    const json_t *tags = json_object_get(r, "tags");
    assert_int_equal(json_array_size(tags), 2);
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "page");
    /* a policy without warn_at/escalate_at gets the defaults */
    json_t *plain = make_post(&cases[26]);
    assert_int_equal(rt_route_post(rules, plain), 0);
    sla = json_object_get(json_object_get(plain, "routing"), "sla");
    assert_true(json_real_value(json_object_get(sla, "warn_at")) == 0.75);
    assert_true(json_real_value(json_object_get(sla, "escalate_at")) == 2.0);
    assert_int_equal(json_array_size(json_object_get(json_object_get(plain, "routing"), "tags")),
                     0);
    json_decref(plain);
    json_decref(post);
    rt_rules_free(rules);
}

static void test_route_match_single(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *rules = load(test_rules, &diag);
    assert_non_null(rules);
    json_t *post = make_post(&cases[4]); /* brand acme, billing */
    assert_int_equal(rt_match_post(rules, &rules->rules[2].match, post), 1);
    assert_int_equal(rt_match_post(rules, &rules->rules[0].match, post), 0);
    json_object_del(post, "classification"); /* matchers on it no longer hold */
    assert_int_equal(rt_match_post(rules, &rules->rules[2].match, post), 0);
    rt_decision_t d;
    assert_int_equal(rt_decide_json(rules, post, &d), 0);
    assert_string_equal(d.rule->name, "fallback");
    json_decref(post);
    rt_rules_free(rules);
}

/* Validation: each error names its line. Line numbers in comments. */

static void test_route_err_unknown_key(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"                                   /* 1 */
                       "teams: [billing, care]\n"                       /* 2 */
                       "policies:\n"                                    /* 3 */
                       "  standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n" /* 4 */
                       "rules:\n"                                       /* 5 */
                       "  - name: billing\n"                            /* 6 */
                       "    match: {category: billing}\n"               /* 7 */
                       "    tema: billing\n"                            /* 8 */
                       "    team: billing\n"                            /* 9 */
                       "    priority: p2\n"                             /* 10 */
                       "  - {name: default, default: true, team: care, priority: p3, "
                       "policy: standard}\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 1);
    assert_string_equal(diag.errs[0].msg,
                        "rules.yaml:8: unknown key 'tema' in rule 'billing'; did you mean 'team'?");
}

static void test_route_err_no_default(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"
                       "teams: [billing]\n"
                       "policies:\n"
                       "  standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n"
                       "\n"
                       "rules:\n" /* 6 */
                       "  - name: billing\n"
                       "    match: {category: billing}\n"
                       "    team: billing\n"
                       "    priority: p2\n"
                       "    policy: standard\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 1);
    assert_error(&diag, 6, "no default rule");
}

static void test_route_err_unknown_team(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"
                       "teams: [billing, care]\n"
                       "policies:\n"
                       "  standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n"
                       "rules:\n"
                       "  - name: billing\n"
                       "    match: {category: billing}\n"
                       "    team: biling\n" /* 8 */
                       "    priority: p2\n"
                       "  - {name: default, default: true, team: care, priority: p3, "
                       "policy: standard}\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 1);
    assert_error(&diag, 8, "unknown team 'biling' in rule 'billing'; did you mean 'billing'?");
}

static void test_route_err_bad_duration(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"
                       "teams: [care]\n"
                       "policies:\n"
                       "  standard:\n"
                       "    p1: 15m\n"
                       "    p2: 1hour\n" /* 6 */
                       "    p3: 4h\n"
                       "    p4: 0\n" /* 8 */
                       "rules:\n"
                       "  - {name: default, default: true, team: care, priority: p3, "
                       "policy: standard}\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 2);
    assert_error(&diag, 6, "bad duration '1hour' for p2 in policy 'standard'");
    assert_error(&diag, 8, "bad duration '0' for p4");
}

static void test_route_err_unknown_policy(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"
                       "teams: [care]\n"
                       "policies: {standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}}\n"
                       "rules:\n"
                       "  - name: x\n"
                       "    match: {severity: high}\n"
                       "    team: care\n"
                       "    priority: p1\n"
                       "    policy: standrd\n" /* 9 */
                       "  - {name: default, default: true, team: care, priority: p3, "
                       "policy: standard}\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 1);
    assert_error(&diag, 9, "unknown policy 'standrd' in rule 'x'; did you mean 'standard'?");
}

/* Every error is reported in one load, ordered by line. */
static void test_route_err_all_listed(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 2\n"                                             /* 1 */
                       "teams: [care, care, 'bad team']\n"                        /* 2 */
                       "policies:\n"                                              /* 3 */
                       "  fast: {p1: 1m, p2: 2m, p3: 3m, warn_at: 1.5}\n"         /* 4 */
                       "rules:\n"                                                 /* 5 */
                       "  - name: a\n"                                            /* 6 */
                       "    match: {categroy: billing, severity: [high, huge]}\n" /* 7 */
                       "    team: care\n"                                         /* 8 */
                       "    priority: p0\n"                                       /* 9 */
                       "  - {name: a, default: true, team: care, priority: p3}\n" /* 10 */
                       "  - {name: b, match: {}, team: care, priority: p1}\n"     /* 11 */
                       "boosts:\n"                                                /* 12 */
                       "  - {when: {followers_at_least: -5}, steps: 9}\n"         /* 13 */
                       "extra: 1\n";                                              /* 14 */
    assert_null(load(yaml, &diag));
    assert_error(&diag, 1, "unsupported version 2");
    assert_error(&diag, 2, "team 'care' is listed twice");
    assert_error(&diag, 2, "bad team name 'bad team'");
    assert_error(&diag, 4, "missing p4 in policy 'fast'");
    assert_error(&diag, 4, "warn_at in policy 'fast' must lie between 0 and 1");
    assert_error(&diag, 7, "unknown key 'categroy' in match of rule 'a'; did you mean 'category'?");
    assert_error(&diag, 7, "unknown severity 'huge'");
    assert_error(&diag, 9, "priority of rule 'a' must be p1, p2, p3 or p4, not 'p0'");
    assert_error(&diag, 10, "rule name 'a' is used twice (first at line 6)");
    assert_error(&diag, 10, "the default rule 'a' must be the last rule");
    assert_error(&diag, 10, "the default rule 'a' needs a 'policy'");
    assert_error(&diag, 11, "rule 'b' has an empty match");
    assert_error(&diag, 13, "'followers_at_least' in 'when' of boost #1 must be a whole number");
    assert_error(&diag, 13, "steps of boost #1 must be a whole number from 1 to 3");
    assert_error(&diag, 14, "unknown key 'extra' in the rules file");
    assert_int_equal(diag.total, 15);
    for (int i = 1; i < diag.n; i++) {
        assert_true(diag.errs[i - 1].line <= diag.errs[i].line);
    }
}

static void test_route_err_syntax(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"
                       "teams: [care\n"
                       "rules: x\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 1);
    assert_non_null(strstr(diag.errs[0].msg, "YAML syntax error"));
    assert_true(diag.errs[0].line >= 2);
    assert_null(load("", &diag));
    assert_non_null(strstr(diag.errs[0].msg, "empty"));
    assert_null(rt_rules_load_file("/nonexistent/rules.yaml", &diag));
    assert_int_equal(diag.errs[0].line, 0);
    assert_non_null(strstr(diag.errs[0].msg, "/nonexistent/rules.yaml: cannot open"));
}

static void test_route_err_default_with_match(void **state)
{
    (void)state;
    rt_diag_t diag;
    const char *yaml = "version: 1\n"
                       "teams: [care]\n"
                       "policies: {standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}}\n"
                       "rules:\n"
                       "  - name: x\n"
                       "    team: care\n"
                       "    priority: p1\n"
                       "  - name: d\n"
                       "    default: true\n"
                       "    match: {lang: en}\n" /* 10 */
                       "    team: care\n"
                       "    priority: p3\n"
                       "    policy: standard\n";
    assert_null(load(yaml, &diag));
    assert_int_equal(diag.total, 2);
    assert_error(&diag, 5, "rule 'x' has no 'match'");
    assert_error(&diag, 10, "the default rule 'd' must not have a match");
}

static void test_route_duration(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        int64_t want; /* -1: rejected */
    } t[] = {{"90s", 90},
             {"15m", 900},
             {"1h", 3600},
             {"2d", 172800},
             {"1h30m", 5400},
             {"900", 900},
             {"0", -1},
             {"", -1},
             {"15", 15},
             {"1.5h", -1},
             {"h", -1},
             {"10x", -1},
             {"1h30", -1},
             {"-5m", -1},
             {"367d", -1},
             {"366d", 366 * 86400LL},
             {"99999999999999999999", -1}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        int64_t got = -1;
        int rc = rt_parse_duration(t[i].s, &got);
        if (t[i].want < 0) {
            if (rc == 0) {
                fail_msg("'%s' accepted as %lld", t[i].s, (long long)got);
            }
        } else if (rc != 0 || got != t[i].want) {
            fail_msg("'%s': rc %d, %lld, want %lld", t[i].s, rc, (long long)got,
                     (long long)t[i].want);
        }
    }
}

/* The built-in defaults and route/rules.example.yaml must stay one rule set. */
static void test_route_example_equals_builtin(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *builtin = rt_rules_load_default(&diag);
    assert_non_null(builtin);
    rt_rules_t *example = rt_rules_load_file("route/rules.example.yaml", &diag);
    if (!example) {
        for (int i = 0; i < diag.n; i++) {
            print_message("%s\n", diag.errs[i].msg);
        }
        fail_msg("route/rules.example.yaml did not load (run from the repository root)");
    }
    json_t *a = rt_rules_to_json(builtin);
    json_t *b = rt_rules_to_json(example);
    assert_non_null(a);
    assert_non_null(b);
    if (!json_equal(a, b)) {
        char *sa = json_dumps(a, JSON_INDENT(1) | JSON_SORT_KEYS);
        char *sb = json_dumps(b, JSON_INDENT(1) | JSON_SORT_KEYS);
        print_message("built-in:\n%s\nexample:\n%s\n", sa, sb);
        free(sa);
        free(sb);
        fail_msg("route/defaults.c and route/rules.example.yaml differ");
    }
    assert_true(builtin->nrules >= 5);
    assert_true(builtin->rules[builtin->nrules - 1].is_default);
    json_decref(a);
    json_decref(b);
    rt_rules_free(builtin);
    rt_rules_free(example);
}

/* The demo rules load, keep the example's teams, and breach within a minute. */
static void test_route_demo_rules(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *demo = rt_rules_load_file("demo/rules.yaml", &diag);
    for (int i = 0; !demo && i < diag.n; i++) {
        print_message("%s\n", diag.errs[i].msg);
    }
    assert_non_null(demo);
    rt_rules_t *builtin = rt_rules_load_default(&diag);
    assert_non_null(builtin);
    assert_int_equal(demo->nteams, builtin->nteams);
    for (size_t i = 0; i < demo->nteams; i++) {
        assert_string_equal(demo->teams[i].name, builtin->teams[i].name);
    }
    for (size_t i = 0; i < demo->npolicies; i++) {
        for (int p = 0; p < RT_NPRIO; p++) {
            assert_true(demo->policies[i].target_s[p] <= 60);
            assert_true(demo->policies[i].target_s[p] * demo->policies[i].warn_at <= 30);
        }
    }
    rt_rules_free(demo);
    rt_rules_free(builtin);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table),
        cmocka_unit_test(test_route_routing_object),
        cmocka_unit_test(test_route_match_single),
        cmocka_unit_test(test_route_err_unknown_key),
        cmocka_unit_test(test_route_err_no_default),
        cmocka_unit_test(test_route_err_unknown_team),
        cmocka_unit_test(test_route_err_bad_duration),
        cmocka_unit_test(test_route_err_unknown_policy),
        cmocka_unit_test(test_route_err_all_listed),
        cmocka_unit_test(test_route_err_syntax),
        cmocka_unit_test(test_route_err_default_with_match),
        cmocka_unit_test(test_route_duration),
        cmocka_unit_test(test_route_example_equals_builtin),
        cmocka_unit_test(test_route_demo_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
