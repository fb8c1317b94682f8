/* test_alert_core.c -- the stage glue: offsets across rebalances, DLQ, sink output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/core.h"
#include "emit.h"
#include "metrics.h"

static const char *complaint(char *buf, size_t size, const char *id, const char *created)
{
    snprintf(buf, size,
             "{\"schema\":\"outcry.post/v1\",\"id\":\"%s\",\"platform\":\"twitter\","
             "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"1\"},"
             "\"text\":\"help\",\"created_at\":\"%s\",\"conversation\":\"%s\","
             "\"classification\":{\"complaint\":true,\"severity\":\"high\"},"
             "\"routing\":{\"team\":\"care\",\"priority\":\"p2\",\"sla\":{\"first_reply_s\":30}}}",
             id, created, id);
    return buf;
}

typedef struct fixture {
    al_ctx_t ctx;     /* the stage context */
    FILE *out;        /* where the sink prints */
    oc_stage_t stage; /* for the emit handle */
} fixture_t;

static void fx_init(fixture_t *f)
{
    al_options_t opt;
    al_options_default(&opt);
    opt.lateness_ms = 0;
    assert_int_equal(al_ctx_init(&f->ctx, &opt), 0);
    f->out = tmpfile();
    assert_non_null(f->out);
    assert_int_equal(al_sink_init(&f->ctx.sink, f->out, NULL, 0, 0, 0), 0);
    memset(&f->stage, 0, sizeof(f->stage));
    f->stage.name = "alert";
    f->stage.primary = "alerts";
}

static void fx_free(fixture_t *f)
{
    al_sink_close(&f->ctx.sink);
    al_ctx_free(&f->ctx);
    fclose(f->out);
}

static int process(fixture_t *f, int32_t partition, int64_t offset, const char *payload)
{
    oc_msg_t msg = {.topic = "outcry.routed",
                    .partition = partition,
                    .offset = offset,
                    .payload = payload,
                    .len = strlen(payload)};
    oc_emit_t emit = {.stage = &f->stage, .in = &msg};
    return al_process(&f->ctx, &msg, &emit);
}

static int lines(FILE *fp)
{
    int n = 0, c;
    rewind(fp);
    while ((c = fgetc(fp)) != EOF)
        n += c == '\n';
    return n;
}

static void test_reassigned_without_gap_keeps_state(void **state)
{
    fixture_t f;
    fx_init(&f);
    char buf[1024];
    int32_t p0[] = {0};
    al_assigned(&f.ctx, p0, 1);
    assert_int_equal(process(&f, 0, 10, complaint(buf, sizeof(buf), "t:1", "2024-01-01T10:00:00Z")),
                     0);
    al_revoked(&f.ctx, p0, 1);
    al_assigned(&f.ctx, p0, 1);
    /* Redelivered: already applied, skipped. */
    assert_int_equal(process(&f, 0, 10, complaint(buf, sizeof(buf), "t:1", "2024-01-01T10:00:00Z")),
                     0);
    assert_int_equal(process(&f, 0, 11, complaint(buf, sizeof(buf), "t:2", "2024-01-01T10:01:00Z")),
                     0);
    assert_int_equal(al_engine_open_clocks(&f.ctx.engine), 2);
    /* t:1's warning, breach, escalation (at 10:01:00 exactly: not yet). */
    assert_int_equal(lines(f.out), 2);
    fx_free(&f);
}

static void test_reassigned_after_gap_drops_state(void **state)
{
    fixture_t f;
    fx_init(&f);
    char buf[1024];
    int32_t p[] = {0, 1};
    al_assigned(&f.ctx, p, 2);
    assert_int_equal(process(&f, 0, 10, complaint(buf, sizeof(buf), "t:1", "2024-01-01T10:00:00Z")),
                     0);
    assert_int_equal(process(&f, 1, 3, complaint(buf, sizeof(buf), "t:5", "2024-01-01T10:00:00Z")),
                     0);
    al_revoked(&f.ctx, p, 2);
    al_assigned(&f.ctx, p, 2);
    /* Partition 0 resumes at 20: someone else consumed 11..19. */
    assert_int_equal(process(&f, 0, 20, complaint(buf, sizeof(buf), "t:2", "2024-01-01T10:05:00Z")),
                     0);
    assert_int_equal(al_engine_open_clocks(&f.ctx.engine), 2); /* t:2 and t:5 */
    assert_int_equal(lines(f.out), 0);                         /* t:1 was dropped, not breached */
    fx_free(&f);
}

static void test_bad_input_goes_to_dlq(void **state)
{
    fixture_t f;
    fx_init(&f);
    assert_int_equal(process(&f, 0, 1, "{not json"), 0);
    assert_int_equal(process(&f, 0, 2, "{\"schema\":\"outcry.post/v1\"}"), 0);
    assert_int_equal(al_engine_open_clocks(&f.ctx.engine), 0);
    assert_int_equal(lines(f.out), 0);
    char *metrics = oc_metrics_render();
    assert_non_null(strstr(metrics, "outcry_dlq_total{stage=\"alert\",code=\"invalid_json\"} 1"));
    assert_non_null(strstr(metrics, "outcry_dlq_total{stage=\"alert\",code=\"invalid_post\"} 1"));
    free(metrics);
    fx_free(&f);
}

/* A post with the given team and conversation, critical: its alert fires at once. */
static const char *critical(char *buf, size_t size, const char *team, const char *conv)
{
    snprintf(buf, size,
             "{\"schema\":\"outcry.post/v1\",\"id\":\"t:9\",\"platform\":\"twitter\","
             "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"1\"},"
             "\"text\":\"help\",\"created_at\":\"2024-01-01T10:00:00Z\",\"conversation\":\"%s\","
             "\"classification\":{\"complaint\":true,\"severity\":\"critical\"},"
             "\"routing\":{\"team\":\"%s\",\"priority\":\"p1\",\"sla\":{\"first_reply_s\":30}}}",
             conv, team);
    return buf;
}

/* Found by fuzz_alert: a team longer than the sink's channel buffer opened
 * a clock whose first alert failed the sink, and so the stage (in Kafka
 * mode at every restart); a case id longer than the store's keys failed
 * every state write. Both are refused now, at the limits exactly. */
static void test_ids_too_long_go_to_dlq(void **state)
{
    fixture_t f;
    fx_init(&f);
    char buf[4096], team[AL_TEAM_MAX + 2], conv[AL_CASE_MAX + 2], fuzzed[201];
    memset(fuzzed, 't', sizeof(fuzzed) - 1); /* the fuzzer's: al_process failed */
    fuzzed[sizeof(fuzzed) - 1] = '\0';
    memset(team, 'a', sizeof(team) - 1);
    team[sizeof(team) - 1] = '\0';
    memset(conv, 'c', sizeof(conv) - 1);
    conv[sizeof(conv) - 1] = '\0';
    char *before = oc_metrics_render();
    assert_non_null(before);
    const char *dlq = "outcry_dlq_total{stage=\"alert\",code=\"invalid_routed\"}";
    assert_null(strstr(before, dlq));
    free(before);
    assert_int_equal(process(&f, 0, 1, critical(buf, sizeof(buf), fuzzed, "t:1")), 0);
    assert_int_equal(process(&f, 0, 2, critical(buf, sizeof(buf), team, "t:2")), 0);
    assert_int_equal(process(&f, 0, 3, critical(buf, sizeof(buf), "care", conv)), 0);
    assert_int_equal(al_engine_open_clocks(&f.ctx.engine), 0);
    assert_int_equal(lines(f.out), 0);
    char *metrics = oc_metrics_render();
    assert_non_null(strstr(metrics, "outcry_dlq_total{stage=\"alert\",code=\"invalid_routed\"} 3"));
    free(metrics);
    /* one byte less each: a clock, and its case.critical alert */
    team[AL_TEAM_MAX] = '\0';
    conv[AL_CASE_MAX] = '\0';
    assert_int_equal(process(&f, 0, 4, critical(buf, sizeof(buf), team, conv)), 0);
    assert_int_equal(al_engine_open_clocks(&f.ctx.engine), 1);
    assert_int_equal(lines(f.out), 1);
    fx_free(&f);
}

static void test_drain_prints_alerts(void **state)
{
    fixture_t f;
    fx_init(&f);
    char buf[1024];
    assert_int_equal(process(&f, 0, 1, complaint(buf, sizeof(buf), "t:1", "2024-01-01T10:00:00Z")),
                     0);
    assert_int_equal(
        process(&f, 0, 2, complaint(buf, sizeof(buf), "t:2", "2024-01-01T10:00:30.001Z")), 0);
    oc_emit_t emit = {.stage = &f.stage};
    assert_int_equal(al_drain(&f.ctx, &emit), 0);
    assert_int_equal(lines(f.out), 2); /* warning, breach of t:1 */
    rewind(f.out);
    char line[2048];
    assert_non_null(fgets(line, sizeof(line), f.out));
    assert_non_null(strstr(line, "\"type\":\"sla.warning\""));
    assert_non_null(fgets(line, sizeof(line), f.out));
    assert_non_null(strstr(line, "\"type\":\"sla.breach\""));
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reassigned_without_gap_keeps_state),
        cmocka_unit_test(test_reassigned_after_gap_drops_state),
        cmocka_unit_test(test_bad_input_goes_to_dlq),
        cmocka_unit_test(test_drain_prints_alerts),
        cmocka_unit_test(test_ids_too_long_go_to_dlq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
