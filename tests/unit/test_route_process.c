/* test_route_process.c -- rt_process(), the stage core, against a recording oc_emit().
 *
 * This file defines oc_emit(), oc_emit_raw(), oc_emit_dlq() and
 * oc_emit_input() itself, so the linker takes them from here rather than from
 * common's stage.o: every output, to every topic (the --stdio loop prints
 * only "routed"), is recorded, as bytes and parsed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "route/route.h"
#include "route/rules.h"
#include "stage.h"

#define MAX_OUT 8

struct oc_emit {
    const oc_msg_t *in;      /* the input being processed */
    char topic[MAX_OUT][64]; /* topic name of each output ("dlq" for rejections) */
    char key[MAX_OUT][64];   /* key of each output ("" for none/kept) */
    json_t *value[MAX_OUT];  /* each output value (owned), NULL for DLQ */
    char *raw[MAX_OUT];      /* each output's bytes, NUL-terminated (owned), NULL for DLQ */
    char code[64];           /* DLQ code of the last rejection */
    int n;                   /* outputs recorded */
    int fail;                /* make oc_emit() fail */
};

int oc_emit_raw(oc_emit_t *out, const char *name, const char *key, const char *buf, size_t len)
{
    if (out->fail || out->n == MAX_OUT) {
        return -1;
    }
    snprintf(out->topic[out->n], sizeof out->topic[0], "%s", name);
    snprintf(out->key[out->n], sizeof out->key[0], "%s", key ? key : "");
    out->raw[out->n] = strndup(buf, len);
    assert_non_null(out->raw[out->n]);
    /* what the next stage reads: one JSON object, no duplicate keys (a big
     * integer passes as it came: jansson reads it as a real) */
    json_error_t jerr;
    out->value[out->n] = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!out->value[out->n]) {
        out->value[out->n] =
            json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
    }
    if (!out->value[out->n]) {
        fail_msg("output %d is not JSON (%s): %s", out->n, jerr.text, out->raw[out->n]);
    }
    out->n++;
    return 0;
}

int oc_emit(oc_emit_t *out, const char *name, const char *key, json_t *value)
{
    char *s = value ? json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(value);
    int rc = s ? oc_emit_raw(out, name, key, s, strlen(s)) : -1;
    free(s);
    return rc;
}

int oc_emit_dlq(oc_emit_t *out, const char *code, const char *reason)
{
    assert_non_null(out->in);
    assert_true(strlen(reason) > 0);
    snprintf(out->topic[out->n], sizeof out->topic[0], "dlq");
    out->value[out->n++] = NULL;
    snprintf(out->code, sizeof out->code, "%s", code);
    return 0;
}

const oc_msg_t *oc_emit_input(const oc_emit_t *out)
{
    return out->in;
}

static void reset(oc_emit_t *e)
{
    for (int i = 0; i < e->n; i++) {
        json_decref(e->value[i]);
        free(e->raw[i]);
    }
    memset(e, 0, sizeof *e);
}

/* Runs one line through rt_process with the built-in rules. */
static int run(rt_ctx_t *ctx, oc_emit_t *e, const char *key, const char *payload)
{
    static oc_msg_t msg;
    reset(e);
    msg = (oc_msg_t){.topic = "outcry.classified",
                     .partition = 0,
                     .offset = 7,
                     .key = key,
                     .payload = payload,
                     .len = strlen(payload)};
    e->in = &msg;
    return rt_process(ctx, &msg, e);
}

#define POST(dir, extra)                                                                           \
    "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:8\",\"platform\":\"twitter\","                \
    "\"direction\":\"" dir "\",\"brand\":\"sprintcare\",\"author\":{\"id\":\"115712\"},"           \
    "\"text\":\"@sprintcare billed twice\",\"created_at\":\"2017-10-31T21:45:10Z\","               \
    "\"conversation\":\"twitter:1\"" extra "}"

static int setup(void **state)
{
    rt_diag_t diag;
    rt_rules_t *rules = rt_rules_load_default(&diag);
    assert_non_null(rules);
    rt_ctx_t *ctx = calloc(1, sizeof *ctx);
    assert_non_null(ctx);
    assert_int_equal(rt_ctx_init(ctx, rules), 0);
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    rt_ctx_t *ctx = *state;
    const rt_rules_t *rules = ctx->rules;
    rt_ctx_free(ctx);
    rt_rules_free((rt_rules_t *)rules);
    free(ctx);
    return 0;
}

static void test_route_complaint_two_topics(void **state)
{
    oc_emit_t e = {0};
    int64_t before = oc_metric_get(((rt_ctx_t *)*state)->team_count[0]); /* billing */
    assert_int_equal(run(*state, &e, NULL,
                         POST("inbound", ",\"classification\":{\"complaint\":true,"
                                         "\"category\":\"billing\",\"severity\":\"low\"}")),
                     0);
    assert_int_equal(e.n, 2);
    assert_string_equal(e.topic[0], "routed");
    assert_string_equal(e.topic[1], "team.billing");
    /* no input key (stdin): keyed by conversation */
    assert_string_equal(e.key[0], "twitter:1");
    assert_string_equal(e.key[1], "twitter:1");
    for (int i = 0; i < 2; i++) {
        const json_t *r = json_object_get(e.value[i], "routing");
        assert_string_equal(json_string_value(json_object_get(r, "team")), "billing");
        assert_string_equal(json_string_value(json_object_get(r, "priority")), "p2");
        assert_string_equal(json_string_value(json_object_get(r, "rule")), "billing");
        assert_int_equal(
            json_integer_value(json_object_get(json_object_get(r, "sla"), "first_reply_s")), 3600);
        /* the post itself is kept, unknown fields and all */
        assert_string_equal(json_string_value(json_object_get(e.value[i], "id")), "twitter:8");
    }
    assert_int_equal(oc_metric_get(((rt_ctx_t *)*state)->team_count[0]), before + 1);
    reset(&e);
}

static void test_route_kafka_key_kept(void **state)
{
    oc_emit_t e = {0};
    assert_int_equal(
        run(*state, &e, "twitter:1", POST("inbound", ",\"classification\":{\"complaint\":true}")),
        0);
    assert_int_equal(e.n, 2);
    assert_string_equal(e.key[0], ""); /* NULL: oc_emit keeps the input key */
    assert_string_equal(e.topic[1], "team.care");
    reset(&e);
}

static void test_route_outbound_unchanged(void **state)
{
    oc_emit_t e = {0};
    /* spaces, escapes, a real that jansson would print otherwise, an integer
     * beyond a double's precision: a re-serialised post would differ in each */
    const char *in = POST("outbound", ", \"x_unknown\" : [1.50, 1e2, 9007199254740993],"
                                      "\"x_esc\":\"a\\/b \\u00e9\"");
    int64_t before = oc_metric_get(((rt_ctx_t *)*state)->outbound);
    assert_int_equal(run(*state, &e, NULL, in), 0);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.topic[0], "routed");
    assert_string_equal(e.raw[0], in);
    assert_int_equal(oc_metric_get(((rt_ctx_t *)*state)->outbound), before + 1);
    /* white space around the message is not part of it */
    char padded[1024];
    snprintf(padded, sizeof padded, "  %s  ", in);
    assert_int_equal(run(*state, &e, NULL, padded), 0);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.raw[0], in);
    reset(&e);
}

/* A complaint goes out as its own bytes with one member added, the same
 * bytes to both topics. */
static void test_route_complaint_spliced(void **state)
{
    oc_emit_t e = {0};
    const char *in = POST("inbound", ",\"x\": [1.50, \"a\\/b\"],\"classification\":"
                                     "{\"complaint\":true,\"category\":\"billing\"}");
    assert_int_equal(run(*state, &e, NULL, in), 0);
    assert_int_equal(e.n, 2);
    assert_string_equal(e.raw[0], e.raw[1]);
    size_t head = strlen(in) - 1; /* all but the closing brace */
    assert_memory_equal(e.raw[0], in, head);
    assert_string_equal(e.raw[0] + head,
                        ",\"routing\":{\"team\":\"billing\",\"priority\":\"p2\",\"sla\":"
                        "{\"first_reply_s\":3600,\"warn_at\":0.75,\"escalate_at\":2.0},"
                        "\"rule\":\"billing\",\"policy\":\"standard\",\"tags\":[]}}");
    reset(&e);
}

/* A post that has a routing object already (a replay) is routed anew: one
 * routing member, the new one. */
static void test_route_reroute_replaces(void **state)
{
    oc_emit_t e = {0};
    const char *in =
        POST("inbound", ",\"routing\":{\"team\":\"old\",\"rule\":\"old\"},\"classification\":"
                        "{\"complaint\":true,\"category\":\"billing\"}");
    assert_int_equal(run(*state, &e, NULL, in), 0);
    assert_int_equal(e.n, 2);
    for (int i = 0; i < 2; i++) {
        const char *first = strstr(e.raw[i], "\"routing\"");
        assert_non_null(first);
        assert_null(strstr(first + 1, "\"routing\""));
        const json_t *r = json_object_get(e.value[i], "routing");
        assert_string_equal(json_string_value(json_object_get(r, "team")), "billing");
        assert_string_equal(json_string_value(json_object_get(r, "rule")), "billing");
        assert_string_equal(json_string_value(json_object_get(e.value[i], "id")), "twitter:8");
    }
    reset(&e);
}

/* The routing text is made once per rule and priority: a new rule set must
 * not be served the old set's text. */
static void test_route_new_rules_new_routing(void **state)
{
    rt_ctx_t *ctx = *state;
    const rt_rules_t *old = ctx->rules;
    static const char yaml[] = "version: 1\n"
                               "teams: [night]\n"
                               "policies:\n"
                               "  std: {p1: 1m, p2: 2m, p3: 3m, p4: 4m}\n"
                               "rules:\n"
                               "  - {name: all, default: true, team: night, priority: p2,"
                               " policy: std}\n";
    rt_diag_t diag;
    rt_rules_t *next = rt_rules_load_string(yaml, strlen(yaml), "rules.yaml", &diag);
    assert_non_null(next);
    oc_emit_t e = {0};
    const char *in = POST("inbound", ",\"classification\":{\"complaint\":true}");
    assert_int_equal(run(ctx, &e, NULL, in), 0);
    assert_string_equal(e.topic[1], "team.care");
    assert_int_equal(rt_ctx_set_rules(ctx, next), 0);
    assert_int_equal(run(ctx, &e, NULL, in), 0);
    assert_string_equal(e.topic[1], "team.night");
    const json_t *r = json_object_get(e.value[0], "routing");
    assert_string_equal(json_string_value(json_object_get(r, "rule")), "all");
    assert_int_equal(
        json_integer_value(json_object_get(json_object_get(r, "sla"), "first_reply_s")), 120);
    assert_int_equal(rt_ctx_set_rules(ctx, old), 0);
    rt_rules_free(next);
    reset(&e);
}

static void test_route_non_complaint_skipped(void **state)
{
    oc_emit_t e = {0};
    int64_t before = oc_metric_get(((rt_ctx_t *)*state)->skipped);
    assert_int_equal(
        run(*state, &e, NULL, POST("inbound", ",\"classification\":{\"complaint\":false}")), 0);
    assert_int_equal(e.n, 0);
    assert_int_equal(oc_metric_get(((rt_ctx_t *)*state)->skipped), before + 1);
    reset(&e);
}

static void test_route_rejects(void **state)
{
    static const struct {
        const char *payload;
        const char *code;
    } t[] = {
        {"{not json", "invalid_json"},
        {"[1,2]", "invalid_post"},
        {"{\"schema\":\"outcry.post/v1\",\"id\":\"x\"}", "invalid_post"},
        {POST("inbound", ""), "missing_classification"},
        {POST("inbound", ",\"classification\":null"), "missing_classification"},
        {POST("inbound", ",\"classification\":[]"), "invalid_classification"},
        {POST("inbound", ",\"classification\":{\"complaint\":\"yes\"}"), "invalid_classification"},
        {POST("inbound", ",\"classification\":{\"complaint\":true,\"category\":3}"),
         "invalid_classification"},
        {POST("inbound", ",\"classification\":{\"complaint\":true,\"signals\":[1]}"),
         "invalid_classification"},
        {POST("inbound", ",\"classification\":{\"complaint\":true,\"signals\":\"angry\"}"),
         "invalid_classification"},
        {POST("inbound", ",\"classification\":{\"complaint\":true,\"severity\":[]}"),
         "invalid_classification"},
        {POST("inbound", ",\"brand\":\"again\""), "invalid_json"}, /* duplicate key */
        {POST("inbound", ",\"x\":\"a\\u0000b\""), "invalid_post"},
        {POST("inbound", ",\"x\":\"\xff\""), "invalid_json"}, /* not UTF-8 */
        {POST("inbound", "} trailing"), "invalid_json"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        oc_emit_t e = {0};
        assert_int_equal(run(*state, &e, NULL, t[i].payload), 0);
        if (e.n != 1 || strcmp(e.topic[0], "dlq") != 0 || strcmp(e.code, t[i].code) != 0) {
            fail_msg("case %zu: %d outputs, first '%s', code '%s'; want one dlq '%s'", i, e.n,
                     e.n ? e.topic[0] : "", e.code, t[i].code);
        }
        reset(&e);
    }
    /* over the message limit: refused before it is parsed */
    size_t big = 65 * 1024 + 1;
    char *payload = malloc(big + 1);
    assert_non_null(payload);
    memset(payload, ' ', big);
    payload[big] = '\0';
    oc_emit_t e = {0};
    assert_int_equal(run(*state, &e, NULL, payload), 0);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.code, "too_large");
    free(payload);
}

/* When an output cannot be enqueued the stage must stop (not commit). */
static void test_route_emit_failure(void **state)
{
    oc_emit_t e = {0};
    static oc_msg_t msg;
    const char *p = POST("inbound", ",\"classification\":{\"complaint\":true}");
    msg = (oc_msg_t){.topic = "t", .offset = 1, .payload = p, .len = strlen(p)};
    e.in = &msg;
    e.fail = 1;
    assert_int_equal(rt_process(*state, &msg, &e), -1);
    assert_int_equal(e.n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_complaint_two_topics),
        cmocka_unit_test(test_route_kafka_key_kept),
        cmocka_unit_test(test_route_outbound_unchanged),
        cmocka_unit_test(test_route_complaint_spliced),
        cmocka_unit_test(test_route_reroute_replaces),
        cmocka_unit_test(test_route_new_rules_new_routing),
        cmocka_unit_test(test_route_non_complaint_skipped),
        cmocka_unit_test(test_route_rejects),
        cmocka_unit_test(test_route_emit_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
