/* fuzz_route.c -- the route stage core as --stdio drives it: any bytes, a
 * line a message, through one of two rule sets (the first byte picks: bit
 * 0 set, the second):
 *   - route/rules.example.yaml, the production default (or OUTCRY_RULES,
 *     as outcry-route reads it);
 *   - bench/rules-50.yaml, 50 rules with every matcher kind (brands with
 *     accounts, vip and blocklists, regex, hours, lang, signals,
 *     visibility, verified, a suppress rule), so that each is fuzzed.
 * Bad input must become a DLQ entry, never a crash, a sanitizer report or
 * a failure of the stage (rt_process() returning -1 stops a stage: only
 * out of memory may). What is written to routed is what alert reads: a
 * post oc_fp_parse() takes (the routing object spliced into the input's
 * bytes must leave one), and when inbound, a routing object with a team of
 * the rule set, p1..p4, a first-reply target and the rule. (Route passes
 * numbers only cJSON reads, such as 06, on as they came: its input is
 * classify's, which refuses them; so strict numbers stay off here, as in
 * route.) Run from the repository's root, as make fuzz does. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpost.h"
#include "fuzz.h"
#include "route/route.h"
#include "route/rules.h"

static oc_config_t cfg;
static rt_ctx_t example, every_kind;

static const oc_stage_t stage = {
    .name = "route",
    .input = "classified",
    .primary = "routed",
    .process = rt_process,
};

/* Loads path into ctx; the rules live as long as the process. */
static void init_ctx(rt_ctx_t *ctx, const char *path)
{
    static rt_diag_t diag;
    rt_rules_t *rules = rt_rules_load_file(path, &diag);
    if (rules == NULL) {
        for (int i = 0; i < diag.n; i++) {
            fprintf(stderr, "fuzz: route: %s\n", diag.errs[i].msg);
        }
        exit(2);
    }
    if (rt_ctx_init(ctx, rules) != 0) {
        fprintf(stderr, "fuzz: route: out of memory\n");
        exit(2);
    }
}

static void bad_output(const char *why, const char *line, size_t len)
{
    fprintf(stderr, "fuzz: route wrote %s: %.*s\n", why, (int)(len < 2000 ? len : 2000), line);
    abort();
}

/* Checks one routed line; arg is the rule set. */
static void check_line(const char *line, size_t len, void *arg)
{
    const rt_rules_t *rules = arg;
    oc_fpost_t p;
    const char *code;
    char err[512];
    if (oc_fp_parse(&p, line, len, &code, err, sizeof err) != 0) {
        bad_output(err, line, len);
    }
    const cJSON *r = oc_fp_get(p.root, "routing");
    const cJSON *target = oc_fp_get(oc_fp_get(r, "sla"), "first_reply_s");
    const char *team = oc_fp_str(r, "team");
    const char *prio = oc_fp_str(r, "priority");
    if (!p.outbound &&
        (team == NULL || rt_rules_team_index(rules, team) < 0 || prio == NULL ||
         strlen(prio) != 2 || prio[0] != 'p' || prio[1] < '1' || prio[1] > '4' ||
         !cJSON_IsNumber(target) || !(target->valuedouble > 0) || !oc_fp_str(r, "rule"))) {
        bad_output("an inbound post without a complete routing object", line, len);
    }
    oc_fp_free(&p);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_config(&cfg, "route");
    const char *rules = getenv("OUTCRY_RULES");
    init_ctx(&example, rules != NULL && *rules != '\0' ? rules : "route/rules.example.yaml");
    init_ctx(&every_kind, "bench/rules-50.yaml");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    rt_ctx_t *ctx = (data[0] & 1) ? &every_kind : &example;
    fz_stage_check(&cfg, &stage, ctx, data + 1, size - 1, check_line, (void *)ctx->rules);
    return 0;
}
