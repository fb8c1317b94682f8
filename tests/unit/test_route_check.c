/* test_route_check.c -- what `outcry-route check` reports: one test per kind
 * of error, each with its line and reason. Load errors refuse a file; lint
 * findings (unreachable rules, teams without a policy, unused policies) let
 * it load but fail `check`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "route/rules.h"

/* Lines 1-4 of every file here. */
#define HEAD                                                                                       \
    "version: 1\n"                                   /* 1 */                                       \
    "teams: [billing, care]\n"                       /* 2 */                                       \
    "policies:\n"                                    /* 3 */                                       \
    "  standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n" /* 4 */
#define DEFAULT_RULE                                                                               \
    "  - {name: default, default: true, team: care, priority: p3, policy: standard}\n"

/* Loads yaml; when it loads, appends the lint findings. Returns the rules
 * (to free) or NULL; diag holds every error either way. */
static rt_rules_t *check(const char *yaml, rt_diag_t *diag)
{
    rt_rules_t *r = rt_rules_load_string(yaml, strlen(yaml), "rules.yaml", diag);
    if (r) {
        rt_rules_lint(r, diag);
    }
    return r;
}

static void assert_error(const rt_diag_t *diag, int line, const char *text)
{
    char prefix[32];
    snprintf(prefix, sizeof prefix, "rules.yaml:%d: ", line);
    for (int i = 0; i < diag->n; i++) {
        if (diag->errs[i].line == line && strstr(diag->errs[i].msg, text) &&
            strncmp(diag->errs[i].msg, prefix, strlen(prefix)) == 0) {
            return;
        }
    }
    for (int i = 0; i < diag->n; i++) {
        print_message("  got: %s\n", diag->errs[i].msg);
    }
    fail_msg("no error at line %d containing \"%s\"", line, text);
}

static void test_check_clean_file(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *r = check(HEAD "rules:\n"
                               "  - {name: b, match: {category: billing}, team: billing, "
                               "priority: p2}\n" DEFAULT_RULE,
                          &diag);
    assert_non_null(r);
    assert_int_equal(diag.total, 0);
    rt_rules_free(r);
}

static void test_check_unknown_key(void **state)
{
    (void)state;
    rt_diag_t diag;
    assert_null(check(HEAD "rules:\n"                                      /* 5 */
                           "  - name: b\n"                                 /* 6 */
                           "    match: {category: billing, regexp: 'x'}\n" /* 7 */
                           "    team: billing\n"                           /* 8 */
                           "    priority: p2\n" DEFAULT_RULE               /* 9, 10 */
                           "extra: 1\n",                                   /* 11 */
                      &diag));
    assert_error(&diag, 7, "unknown key 'regexp' in match of rule 'b'; did you mean 'regex'?");
    assert_error(&diag, 11, "unknown key 'extra' in the rules file");
    assert_int_equal(diag.total, 2);
}

static void test_check_bad_regex(void **state)
{
    (void)state;
    rt_diag_t diag;
    assert_null(check(HEAD "rules:\n"                                                      /* 5 */
                           "  - {name: b, match: {regex: ['ok', 'a(b']}, team: billing,\n" /* 6 */
                           "     priority: p2}\n"                                          /* 7 */
                           "  - {name: c, match: {regex: '[z-a]'}, team: billing, priority: "
                           "p2}\n" DEFAULT_RULE, /* 8 */
                      &diag));
    assert_error(&diag, 6,
                 "bad regular expression 'a(b' in 'regex' in match of rule 'b': missing closing "
                 "parenthesis at offset 3");
    assert_error(&diag, 8, "bad regular expression '[z-a]'");
    assert_error(&diag, 8, "range out of order in character class at offset 3");
    assert_int_equal(diag.total, 2);
}

static void test_check_bad_hours(void **state)
{
    (void)state;
    rt_diag_t diag;
    assert_null(check(HEAD "rules:\n"                                                      /* 5 */
                           "  - name: b\n"                                                 /* 6 */
                           "    match:\n"                                                  /* 7 */
                           "      hours: {from: '25:00', to: '17:00', days: [mon, fry],\n" /* 8 */
                           "              utc_offset: 'CET', tz: x}\n"                     /* 9 */
                           "    team: billing\n"
                           "    priority: p2\n" DEFAULT_RULE,
                      &diag));
    assert_error(&diag, 8, "'from' of 'hours' in match of rule 'b' must be a time of day HH:MM");
    assert_error(&diag, 8, "unknown day 'fry'");
    assert_error(&diag, 9, "utc_offset of 'hours' in match of rule 'b' must look like \"+01:00\"");
    assert_error(&diag, 9, "unknown key 'tz'");
}

static void test_check_unreachable_duplicate(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *r = check(HEAD "rules:\n" /* 5 */
                               "  - {name: a, match: {category: billing}, team: billing, "
                               "priority: p2}\n" /* 6 */
                               "  - {name: b, match: {category: billing}, team: care, "
                               "priority: p1}\n" DEFAULT_RULE, /* 7 */
                          &diag);
    assert_non_null(r); /* it loads: the service would run it, with a warning */
    assert_error(&diag, 7,
                 "rule 'b' can never match: rule 'a' (line 6) comes first and matches exactly "
                 "the same posts");
    assert_int_equal(diag.total, 1);
    rt_rules_free(r);
}

static void test_check_unreachable_superset(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *r = check(
        HEAD
        "rules:\n" /* 5 */
        "  - {name: money, match: {category: [billing, account]}, team: billing, "
        "priority: p2}\n" /* 6 */
        "  - {name: bills-high, match: {category: billing, severity: high}, team: "
        "care, priority: p1}\n" /* 7 */
        "  - {name: fans, match: {followers_at_least: 100}, team: care, priority: "
        "p1}\n" /* 8 */
        "  - {name: big-fans, match: {followers_at_least: 5000, lang: en}, team: "
        "care, priority: p1}\n"                                               /* 9 */
        "  - {name: out, match: {keywords: out}, team: care, priority: p1}\n" /* 10 */
        "  - {name: outage, match: {keywords: outage}, team: care, priority: p1}\n"
        "  - {name: de, match: {lang: de}, team: care, priority: p1}\n" /* 12 */
        "  - {name: de-late, match: {lang: de, hours: {from: '18:00', to: '20:00'}},"
        " team: care, priority: p1}\n" /* 13 */
        "  - {name: fine, match: {category: delivery}, team: care, priority: p1}\n" DEFAULT_RULE,
        &diag);
    assert_non_null(r);
    assert_error(&diag, 7,
                 "rule 'bills-high' can never match: rule 'money' (line 6) comes first "
                 "and matches every post it would");
    assert_error(&diag, 9, "rule 'big-fans' can never match: rule 'fans' (line 8)");
    assert_error(&diag, 11, "rule 'outage' can never match: rule 'out' (line 10)");
    assert_error(&diag, 13, "rule 'de-late' can never match: rule 'de' (line 12)");
    assert_int_equal(diag.total, 4);
    rt_rules_free(r);
}

static void test_check_no_default(void **state)
{
    (void)state;
    rt_diag_t diag;
    assert_null(check(HEAD "rules:\n" /* 5 */
                           "  - {name: b, match: {category: billing}, team: billing, priority: "
                           "p2, policy: standard}\n",
                      &diag));
    assert_error(&diag, 5, "no default rule: end 'rules' with a rule that has 'default: true'");
}

static void test_check_team_without_policy(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *r = check("version: 1\n"
                          "teams: [billing, care,\n"
                          "        ghosts]\n" /* 3 */
                          "policies:\n"
                          "  standard: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n"
                          "rules:\n"
                          "  - {name: b, match: {category: billing}, team: billing, priority: "
                          "p2}\n" DEFAULT_RULE,
                          &diag);
    assert_non_null(r);
    assert_error(&diag, 3,
                 "team 'ghosts' has no policy: no rule routes to it, so no SLA policy applies "
                 "to it");
    assert_int_equal(diag.total, 1);
    rt_rules_free(r);
}

static void test_check_unused_policy(void **state)
{
    (void)state;
    rt_diag_t diag;
    rt_rules_t *r = check(HEAD "  spare: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n" /* 5 */
                               "rules:\n"
                               "  - {name: b, match: {category: billing}, team: billing, "
                               "priority: p2}\n" DEFAULT_RULE,
                          &diag);
    assert_non_null(r);
    assert_error(&diag, 5, "policy 'spare' is used by no rule");
    assert_int_equal(diag.total, 1);
    rt_rules_free(r);
}

static void test_check_suppress_misuse(void **state)
{
    (void)state;
    rt_diag_t diag;
    assert_null(check(HEAD "rules:\n"                                                       /* 5 */
                           "  - {name: spam, match: {blocklisted: true}, suppress: true,\n" /* 6 */
                           "     team: billing}\n"                                          /* 7 */
                           "  - {name: b, match: {category: billing}, team: billing, priority: "
                           "p2}\n" DEFAULT_RULE,
                      &diag));
    assert_error(&diag, 7, "rule 'spam' has 'suppress: true' and a 'team'");
    assert_int_equal(diag.total, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_clean_file),
        cmocka_unit_test(test_check_unknown_key),
        cmocka_unit_test(test_check_bad_regex),
        cmocka_unit_test(test_check_bad_hours),
        cmocka_unit_test(test_check_unreachable_duplicate),
        cmocka_unit_test(test_check_unreachable_superset),
        cmocka_unit_test(test_check_no_default),
        cmocka_unit_test(test_check_team_without_policy),
        cmocka_unit_test(test_check_unused_policy),
        cmocka_unit_test(test_check_suppress_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
