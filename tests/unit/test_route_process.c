/* test_route_process.c -- rt_process(), the stage core, against a recording oc_emit().
 *
 * This file defines oc_emit(), oc_emit_dlq() and oc_emit_input() itself, so
 * the linker takes them from here rather than from common's stage.o: every
 * output, to every topic (the --stdio loop prints only "routed"), is recorded. */
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
    char code[64];           /* DLQ code of the last rejection */
    int n;                   /* outputs recorded */
    int fail;                /* make oc_emit() fail */
};

int oc_emit(oc_emit_t *out, const char *name, const char *key, json_t *value)
{
    if (out->fail || out->n == MAX_OUT) {
        json_decref(value);
        return -1;
    }
    snprintf(out->topic[out->n], sizeof out->topic[0], "%s", name);
    snprintf(out->key[out->n], sizeof out->key[0], "%s", key ? key : "");
    out->value[out->n++] = value;
    return 0;
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
    const char *in = POST("outbound", ",\"x_unknown\":[1,2]");
    int64_t before = oc_metric_get(((rt_ctx_t *)*state)->outbound);
    assert_int_equal(run(*state, &e, NULL, in), 0);
    assert_int_equal(e.n, 1);
    assert_string_equal(e.topic[0], "routed");
    json_t *orig = json_loads(in, 0, NULL);
    assert_true(json_equal(orig, e.value[0]));
    json_decref(orig);
    assert_int_equal(oc_metric_get(((rt_ctx_t *)*state)->outbound), before + 1);
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
        cmocka_unit_test(test_route_non_complaint_skipped),
        cmocka_unit_test(test_route_rejects),
        cmocka_unit_test(test_route_emit_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
