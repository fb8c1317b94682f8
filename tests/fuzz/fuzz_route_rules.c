/* fuzz_route_rules.c -- route's rules loader (rules.c, rulelist.c, match.c,
 * ydoc.c, libyaml underneath): any bytes as a rules file, as
 * `outcry-route check` and a reload read it (rt_rules_load_string is what
 * rt_rules_load_file calls with the file's bytes).
 *
 * What must hold:
 *   - a file that is refused comes with at least one error, each a message
 *     that names the file ("fuzz.yaml:12: ..." or "fuzz.yaml: ...");
 *   - a file that loads is what the matcher relies on (rules.h): a default
 *     rule comes last and only there, every rule's team and policy exist,
 *     priorities lie in p1..p4, boosts raise by at least one step; it lints
 *     and renders (rt_rules_to_json) without failing;
 *   - the rules decide for a few posts (every field a matcher reads), each
 *     decision complete: a rule, and unless it suppresses, a team, a
 *     priority in p1..p4 and its policy's target, and a routing object.
 * A difference aborts with the message, so the fuzzer keeps the input. */
#include <cJSON.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "route/match.h"
#include "route/route.h"
#include "route/rules.h"

#define SOURCE "fuzz.yaml"

/* Posts that give every matcher something to read: brands and accounts,
 * VIP and blocklisted ids, many signals (more than a view holds in itself),
 * languages with a region, direct messages, followers, verified, text with
 * non-ASCII letters for keywords and regex, times around midnight. */
static const char *const post_texts[] = {
    "{\"id\":\"twitter:1\",\"brand\":\"acme\",\"text\":\"@AcmeHelp my INVOICE is wrong, "
    "refund ref R-12345! Übel 😡\",\"lang\":\"en-GB\",\"created_at\":\"2026-11-23T23:59:59Z\","
    "\"author\":{\"id\":\"115712\",\"handle\":\"cust\",\"followers\":20000,\"verified\":true},"
    "\"classification\":{\"complaint\":true,\"category\":\"billing\",\"severity\":\"high\","
    "\"signals\":[\"angry\",\"churn\",\"legal\",\"repeat\",\"question\",\"a\",\"b\",\"c\",\"d\","
    "\"e\"]}}",
    "{\"id\":\"mastodon:2\",\"brand\":\"AcmeHelp\",\"text\":\"service down since 09:00, error "
    "E-503\",\"lang\":\"de\",\"visibility\":\"direct\",\"created_at\":\"2026-11-24T00:00:00.5+01:"
    "00\",\"author\":{\"id\":\"666\"},\"classification\":{\"complaint\":true,\"category\":"
    "\"other\","
    "\"severity\":\"critical\",\"signals\":[]}}",
    ("{\"id\":\"x:3\",\"brand\":\"globex\",\"text\":\"\",\"created_at\":\"1970-01-01T00:00:00Z\","
     "\"author\":{\"id\":\"1\",\"followers\":0},\"classification\":{\"complaint\":true}}"),
};
#define NPOSTS (sizeof post_texts / sizeof post_texts[0])

static cJSON *posts[NPOSTS];

static void fail(const char *what, const uint8_t *data, size_t size)
{
    fprintf(stderr, "fuzz: route rules: %s\n  input: %.*s\n", what,
            (int)(size < 2000 ? size : 2000), (const char *)data);
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (size_t i = 0; i < NPOSTS; i++) {
        posts[i] = cJSON_Parse(post_texts[i]);
        if (posts[i] == NULL) {
            fprintf(stderr, "fuzz: route rules: post %zu is not JSON\n", i);
            exit(2);
        }
    }
    return 0;
}

/* The errors of a refused file. */
static void check_refused(const rt_diag_t *diag, const uint8_t *data, size_t size)
{
    if (diag->total <= 0 || diag->n <= 0 || diag->n > RT_DIAG_MAX || diag->n > diag->total) {
        fail("refused without an error", data, size);
    }
    for (int i = 0; i < diag->n; i++) {
        const char *m = diag->errs[i].msg;
        if (memchr(m, '\0', RT_DIAG_MSG) == NULL ||
            strncmp(m, SOURCE ":", strlen(SOURCE) + 1) != 0 || strlen(m) <= strlen(SOURCE) + 2) {
            fail("an error message that does not name the file", data, size);
        }
    }
}

/* What rules.h promises of a rule set that loaded. */
static void check_loaded(const rt_rules_t *r, const uint8_t *data, size_t size)
{
    if (r->nrules == 0 || !r->rules[r->nrules - 1].is_default || r->nteams == 0 ||
        r->npolicies == 0) {
        fail("loaded without a default rule last, a team or a policy", data, size);
    }
    for (size_t i = 0; i < r->nrules; i++) {
        const rt_rule_t *rule = &r->rules[i];
        if ((rule->is_default && i + 1 != r->nrules) ||
            (!rule->suppress && (rule->team >= r->nteams || rule->policy >= r->npolicies ||
                                 rule->priority < 1 || rule->priority > RT_NPRIO))) {
            fail("a rule out of range", data, size);
        }
    }
    for (size_t i = 0; i < r->nboosts; i++) {
        if (r->boosts[i].steps < 1) {
            fail("a boost of no step", data, size);
        }
    }
}

/* Decides for every post with r. */
static void check_decisions(const rt_rules_t *r, const uint8_t *data, size_t size)
{
    for (size_t i = 0; i < NPOSTS; i++) {
        rt_decision_t d;
        if (rt_decide(r, posts[i], &d) != 0 || d.rule == NULL) {
            fail("no decision", data, size);
        }
        if (d.rule->suppress) {
            continue;
        }
        if (d.team == NULL || d.policy == NULL || d.priority < 1 || d.priority > RT_NPRIO ||
            d.first_reply_s != d.policy->target_s[d.priority - 1] || d.first_reply_s <= 0) {
            fail("an incomplete decision", data, size);
        }
        json_t *routing = rt_routing_new(&d);
        if (routing == NULL) {
            fail("no routing object", data, size);
        }
        json_decref(routing);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rt_diag_t diag;
    rt_rules_t *r = rt_rules_load_string((const char *)data, size, SOURCE, &diag);
    if (r == NULL) {
        check_refused(&diag, data, size);
        return 0;
    }
    if (diag.total != 0) {
        fail("loaded with errors", data, size);
    }
    check_loaded(r, data, size);
    rt_rules_lint(r, &diag);
    json_t *j = rt_rules_to_json(r);
    if (j == NULL) {
        fail("rt_rules_to_json failed", data, size);
    }
    json_decref(j);
    check_decisions(r, data, size);
    rt_rules_free(r);
    return 0;
}
