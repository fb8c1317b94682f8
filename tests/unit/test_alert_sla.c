/* test_alert_sla.c -- the SLA engine: clocks, due times, watermarks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "alert/sla.h"
#include "alert_fixture.h"
#include "timeutil.h"

#define T0 "2024-01-01T10:00:"

/* A routed post. dir "in"/"out"; target_s <= 0 leaves routing out. */
static json_t *mkpost(const char *id, const char *conv, const char *dir, const char *created,
                      int complaint, const char *severity, double target_s)
{
    json_t *p =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s,s:i},s:s,s:s,s:s,s:s}", "schema",
                  "outcry.post/v1", "id", id, "platform", "twitter", "native_id", id, "direction",
                  strcmp(dir, "out") == 0 ? "outbound" : "inbound", "brand", "acme", "author", "id",
                  "u1", "handle", "jdoe", "followers", 12, "text", "my order never arrived",
                  "created_at", created, "conversation", conv, "url", "https://example.com/p");
    assert_non_null(p);
    if (strcmp(dir, "in") == 0) {
        json_object_set_new(p, "classification",
                            json_pack("{s:b,s:s}", "complaint", complaint, "severity", severity));
        if (target_s > 0)
            json_object_set_new(p, "routing",
                                json_pack("{s:s,s:s,s:{s:f,s:f,s:f},s:s}", "team", "billing",
                                          "priority", "p2", "sla", "first_reply_s", target_s,
                                          "warn_at", 0.75, "escalate_at", 2.0, "rule", "r"));
    }
    return p;
}

typedef struct fixture {
    al_engine_t e;  /* the engine under test */
    json_t *alerts; /* what fired */
} fixture_t;

static void fx_init(fixture_t *f, int64_t lateness_ms, int64_t every_inbound_ms)
{
    al_options_t opt;
    al_options_default(&opt);
    opt.lateness_ms = lateness_ms;
    opt.every_inbound_ms = every_inbound_ms;
    al_engine_init(&f->e, &opt);
    f->alerts = json_array();
}

static void fx_free(fixture_t *f)
{
    al_engine_free(&f->e);
    json_decref(f->alerts);
}

/* Applies a post (stolen) on partition p and expects success. */
static void apply(fixture_t *f, int32_t p, json_t *post)
{
    char err[256] = "";
    int rc = al_test_engine_apply(&f->e, p, post, f->alerts, err, sizeof(err));
    if (rc != 0)
        fail_msg("apply failed (%d): %s", rc, err);
    json_decref(post);
}

static const char *field(fixture_t *f, size_t i, const char *name)
{
    return json_string_value(json_object_get(json_array_get(f->alerts, i), name));
}

/* Asserts alert i has this type, clock start post and "at". */
static void expect(fixture_t *f, size_t i, const char *type, const char *start, const char *at)
{
    assert_true(i < json_array_size(f->alerts));
    assert_string_equal(field(f, i, "type"), type);
    assert_string_equal(field(f, i, "clock_start_post"), start);
    assert_string_equal(field(f, i, "at"), at);
}

static void test_unanswered_fires_in_order(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    assert_int_equal(json_array_size(f.alerts), 0);
    /* Another case's post moves event time to 10:02. */
    apply(&f, 0, mkpost("t:5", "t:5", "in", "2024-01-01T10:02:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 3);
    expect(&f, 0, "sla.warning", "t:1", T0 "22.500Z");
    expect(&f, 1, "sla.breach", "t:1", T0 "30Z");
    expect(&f, 2, "sla.escalation", "t:1", "2024-01-01T10:01:00Z");
    const json_t *b = json_array_get(f.alerts, 1);
    assert_string_equal(json_string_value(json_object_get(b, "schema")), "outcry.alert/v1");
    assert_string_equal(json_string_value(json_object_get(b, "case")), "t:1");
    assert_string_equal(json_string_value(json_object_get(b, "team")), "billing");
    assert_string_equal(json_string_value(json_object_get(b, "priority")), "p2");
    assert_string_equal(json_string_value(json_object_get(b, "brand")), "acme");
    assert_string_equal(json_string_value(json_object_get(b, "opened_at")), T0 "00Z");
    assert_string_equal(json_string_value(json_object_get(b, "deadline")), T0 "30Z");
    assert_int_equal(json_integer_value(json_object_get(b, "elapsed_s")), 30);
    assert_int_equal(json_integer_value(json_object_get(b, "target_s")), 30);
    const json_t *post = json_object_get(b, "post");
    assert_string_equal(json_string_value(json_object_get(post, "id")), "t:1");
    assert_string_equal(json_string_value(json_object_get(post, "text")), "my order never arrived");
    assert_string_equal(json_string_value(json_object_get(post, "url")), "https://example.com/p");
    const json_t *author = json_object_get(post, "author");
    assert_string_equal(json_string_value(json_object_get(author, "handle")), "jdoe");
    assert_int_equal(json_integer_value(json_object_get(author, "followers")), 12);
    assert_int_equal(json_string_length(json_object_get(b, "alert_id")), 32);
    /* Nothing fires twice, even when time moves on. */
    apply(&f, 0, mkpost("t:6", "t:6", "in", "2024-01-01T11:00:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 3);
    fx_free(&f);
}

static void test_answered_before_warning(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 0, mkpost("t:2", "t:1", "out", T0 "10Z", 0, NULL, 0));
    assert_int_equal(al_engine_open_clocks(&f.e), 0);
    apply(&f, 0, mkpost("t:5", "t:5", "in", "2024-01-01T12:00:00Z", 0, "low", 0));
    assert_int_equal(al_test_engine_drain(&f.e, f.alerts), 0);
    assert_int_equal(json_array_size(f.alerts), 0);
    fx_free(&f);
}

static void test_answered_exactly_at_deadline(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 0, mkpost("t:2", "t:1", "out", T0 "30Z", 0, NULL, 0));
    apply(&f, 0, mkpost("t:5", "t:5", "in", "2024-01-01T12:00:00Z", 0, "low", 0));
    assert_int_equal(al_test_engine_drain(&f.e, f.alerts), 0);
    assert_int_equal(json_array_size(f.alerts), 1); /* the warning only */
    expect(&f, 0, "sla.warning", "t:1", T0 "22.500Z");
    fx_free(&f);
}

static void test_late_reply_leaves_breach(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    /* The reply is the event that moves the watermark past the deadline:
     * the breach fires before the reply stops the clock. */
    apply(&f, 0, mkpost("t:2", "t:1", "out", T0 "45Z", 0, NULL, 0));
    assert_int_equal(json_array_size(f.alerts), 2);
    expect(&f, 0, "sla.warning", "t:1", T0 "22.500Z");
    expect(&f, 1, "sla.breach", "t:1", T0 "30Z");
    assert_int_equal(al_engine_open_clocks(&f.e), 0);
    apply(&f, 0, mkpost("t:5", "t:5", "in", "2024-01-01T12:00:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 2); /* no escalation after the reply */
    fx_free(&f);
}

static void test_reply_just_after_deadline_within_lateness(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    /* 30.2 s: the watermark (29.7 s) has not passed the deadline, but the
     * reply itself says the deadline went by without one. */
    apply(&f, 0, mkpost("t:2", "t:1", "out", T0 "30.200Z", 0, NULL, 0));
    assert_int_equal(json_array_size(f.alerts), 2);
    expect(&f, 1, "sla.breach", "t:1", T0 "30Z");
    fx_free(&f);
}

static void test_critical_at_once(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "07Z", 1, "critical", 30));
    assert_int_equal(json_array_size(f.alerts), 1);
    expect(&f, 0, "case.critical", "t:1", T0 "07Z");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(f.alerts, 0), "elapsed_s")),
                     0);
    /* Another critical post in the same open case: still one per clock. */
    apply(&f, 0, mkpost("t:2", "t:1", "in", T0 "08Z", 1, "critical", 30));
    assert_int_equal(json_array_size(f.alerts), 1);
    fx_free(&f);
}

static void test_critical_later_in_open_case(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 0, mkpost("t:2", "t:1", "in", T0 "05Z", 1, "critical", 30));
    assert_int_equal(json_array_size(f.alerts), 1);
    expect(&f, 0, "case.critical", "t:1", T0 "05Z");
    const json_t *post = json_object_get(json_array_get(f.alerts, 0), "post");
    assert_string_equal(json_string_value(json_object_get(post, "id")), "t:2");
    fx_free(&f);
}

static void test_second_complaint_joins_open_clock(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 0, mkpost("t:2", "t:1", "in", T0 "10Z", 1, "high", 30));
    assert_int_equal(al_engine_open_clocks(&f.e), 1);
    apply(&f, 0, mkpost("t:5", "t:5", "in", "2024-01-01T12:00:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(field(&f, i, "clock_start_post"), "t:1");
    fx_free(&f);
}

static void test_new_clock_after_reply(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 0, mkpost("t:2", "t:1", "out", T0 "05Z", 0, NULL, 0));
    apply(&f, 0, mkpost("t:3", "t:1", "in", T0 "10Z", 1, "high", 30));
    assert_int_equal(al_engine_open_clocks(&f.e), 1);
    apply(&f, 0, mkpost("t:4", "t:1", "out", T0 "50Z", 0, NULL, 0));
    assert_int_equal(json_array_size(f.alerts), 2);
    expect(&f, 0, "sla.warning", "t:3", T0 "32.500Z");
    expect(&f, 1, "sla.breach", "t:3", T0 "40Z");
    assert_string_equal(field(&f, 1, "case"), "t:1");
    assert_string_equal(field(&f, 1, "opened_at"), T0 "10Z");
    fx_free(&f);
}

static void test_every_inbound(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 20000);
    /* Not a complaint, no routing: still a clock, for team care, p3. */
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 0, "low", 0));
    assert_int_equal(al_engine_open_clocks(&f.e), 1);
    /* A routed complaint keeps its team but gets the every-inbound target. */
    apply(&f, 0, mkpost("t:2", "t:2", "in", T0 "01Z", 1, "high", 3600));
    apply(&f, 0, mkpost("t:9", "t:9", "out", "2024-01-01T10:00:30Z", 0, NULL, 0));
    assert_int_equal(json_array_size(f.alerts), 4);
    expect(&f, 0, "sla.warning", "t:1", T0 "15Z");
    expect(&f, 1, "sla.warning", "t:2", T0 "16Z");
    expect(&f, 2, "sla.breach", "t:1", T0 "20Z");
    expect(&f, 3, "sla.breach", "t:2", T0 "21Z");
    assert_string_equal(field(&f, 2, "team"), "care");
    assert_string_equal(field(&f, 2, "priority"), "p3");
    assert_string_equal(field(&f, 3, "team"), "billing");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(f.alerts, 3), "target_s")),
                     20);
    fx_free(&f);
}

static void test_not_every_inbound_ignores_non_complaints(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 0, "low", 30));
    assert_int_equal(al_engine_open_clocks(&f.e), 0);
    fx_free(&f);
}

static void test_drain_to_highest_event_time(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 0, mkpost("t:2", "t:2", "in", T0 "30.400Z", 1, "high", 30));
    /* Watermark 29.9 s: the warning fired, the breach at 30 s not yet. */
    assert_int_equal(json_array_size(f.alerts), 1);
    assert_int_equal(al_test_engine_drain(&f.e, f.alerts), 0);
    /* Drain: watermark 30.4 s (the highest event, lateness not applied). */
    assert_int_equal(json_array_size(f.alerts), 2);
    expect(&f, 1, "sla.breach", "t:1", T0 "30Z");
    /* The rest lies beyond the data: clocks stay open. */
    assert_int_equal(al_engine_open_clocks(&f.e), 2);
    assert_int_equal(al_test_engine_drain(&f.e, f.alerts), 0);
    assert_int_equal(json_array_size(f.alerts), 2);
    fx_free(&f);
}

static void test_partitions_independent(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 1, mkpost("t:2", "t:2", "in", "2024-01-01T11:00:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 0);
    int64_t wm;
    assert_int_equal(oc_time_parse("2024-01-01T11:00:00Z", &wm), 0);
    assert_true(al_engine_watermark(&f.e, 1) == wm);
    assert_true(al_engine_watermark(&f.e, 0) < wm);
    apply(&f, 0, mkpost("t:3", "t:3", "in", "2024-01-01T10:00:40Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 2);
    expect(&f, 1, "sla.breach", "t:1", T0 "30Z");
    fx_free(&f);
}

static void test_tick_advances_live_partitions(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    int32_t parts[] = {0};
    al_engine_set_live(&f.e, parts, 1, 1);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 1, mkpost("t:2", "t:2", "in", T0 "00Z", 1, "high", 30));
    int64_t start;
    assert_int_equal(oc_time_parse(T0 "00Z", &start), 0);
    /* now = deadline + lateness: watermark == deadline, not past it. */
    assert_int_equal(al_test_engine_tick(&f.e, start + 30000 + 500, f.alerts), 0);
    assert_int_equal(json_array_size(f.alerts), 1);
    assert_int_equal(al_test_engine_tick(&f.e, start + 30000 + 501, f.alerts), 0);
    assert_int_equal(json_array_size(f.alerts), 2);
    expect(&f, 1, "sla.breach", "t:1", T0 "30Z");
    /* Partition 1 is not assigned: the wall clock does not move it. */
    assert_int_equal(al_test_engine_tick(&f.e, start + 3600000, f.alerts), 0);
    assert_int_equal(json_array_size(f.alerts), 3);
    assert_string_equal(field(&f, 2, "case"), "t:1");
    fx_free(&f);
}

static void test_late_complaint_fires_passed_deadlines(void **state)
{
    fixture_t f;
    fx_init(&f, 500, 0);
    apply(&f, 0, mkpost("t:9", "t:9", "in", "2024-01-01T10:05:00Z", 0, "low", 0));
    assert_int_equal(f.e.late_events, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    assert_int_equal(f.e.late_events, 1);
    assert_int_equal(json_array_size(f.alerts), 3);
    expect(&f, 0, "sla.warning", "t:1", T0 "22.500Z");
    expect(&f, 2, "sla.escalation", "t:1", "2024-01-01T10:01:00Z");
    fx_free(&f);
}

static void test_late_reply_still_stops(void **state)
{
    fixture_t f;
    fx_init(&f, 60000, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", "2024-01-01T10:05:00Z", 1, "high", 3600));
    apply(&f, 0, mkpost("t:9", "t:9", "in", "2024-01-01T10:10:00Z", 0, "low", 0));
    /* 10:05:10 < watermark 10:09:00: late, applied anyway. */
    apply(&f, 0, mkpost("t:2", "t:1", "out", "2024-01-01T10:05:10Z", 0, NULL, 0));
    assert_int_equal(f.e.late_events, 1);
    assert_int_equal(al_engine_open_clocks(&f.e), 0);
    assert_int_equal(json_array_size(f.alerts), 0);
    fx_free(&f);
}

static void test_invalid_input_changes_nothing(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    char err[256];
    json_t *p = mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 0); /* complaint, no routing */
    assert_int_equal(al_test_engine_apply(&f.e, 0, p, f.alerts, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "routing"));
    json_decref(p);
    p = mkpost("t:1", "t:1", "in", "yesterday", 1, "high", 30);
    assert_int_equal(al_test_engine_apply(&f.e, 0, p, f.alerts, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "created_at"));
    json_decref(p);
    p = mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30);
    json_object_set_new(json_object_get(json_object_get(p, "routing"), "sla"), "first_reply_s",
                        json_string("soon"));
    assert_int_equal(al_test_engine_apply(&f.e, 0, p, f.alerts, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "first_reply_s"));
    json_decref(p);
    assert_int_equal(al_engine_open_clocks(&f.e), 0);
    assert_true(al_engine_watermark(&f.e, 0) == AL_NO_TIME);
    fx_free(&f);
}

static void test_unanswered_case_expires(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    f.e.opt.retain_ms = 60000;
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    /* Escalation at 60 s, forgotten 60 s later. */
    apply(&f, 0, mkpost("t:9", "t:9", "out", "2024-01-01T10:02:01Z", 0, NULL, 0));
    assert_int_equal(json_array_size(f.alerts), 3);
    assert_int_equal(al_engine_open_clocks(&f.e), 0);
    /* A new complaint in the case opens a new clock. */
    apply(&f, 0, mkpost("t:2", "t:1", "in", "2024-01-01T10:03:00Z", 1, "high", 30));
    assert_int_equal(al_engine_open_clocks(&f.e), 1);
    fx_free(&f);
}

static void test_drop_partition(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    apply(&f, 0, mkpost("t:1", "t:1", "in", T0 "00Z", 1, "high", 30));
    apply(&f, 1, mkpost("t:2", "t:2", "in", T0 "00Z", 1, "high", 30));
    assert_int_equal(al_engine_drop_partition(&f.e, 0), 1);
    assert_int_equal(al_engine_open_clocks(&f.e), 1);
    assert_true(al_engine_watermark(&f.e, 0) == AL_NO_TIME);
    apply(&f, 0, mkpost("t:9", "t:9", "in", "2024-01-01T11:00:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 0);
    fx_free(&f);
}

/* Many answered cases: stale heap entries are compacted, nothing leaks (ASan). */
static void test_many_cases(void **state)
{
    fixture_t f;
    fx_init(&f, 0, 0);
    char id[32], conv[32], ts[OC_TIME_BUFSZ];
    int64_t start;
    assert_int_equal(oc_time_parse(T0 "00Z", &start), 0);
    for (int i = 0; i < 5000; i++) {
        snprintf(conv, sizeof(conv), "t:c%d", i);
        snprintf(id, sizeof(id), "t:%d", 2 * i);
        apply(
            &f, 0,
            mkpost(id, conv, "in", oc_time_format(start + i * 10, ts, sizeof(ts)), 1, "high", 30));
        if (i % 10 != 0) {
            snprintf(id, sizeof(id), "t:%d", 2 * i + 1);
            apply(&f, 0,
                  mkpost(id, conv, "out", oc_time_format(start + i * 10 + 5, ts, sizeof(ts)), 0,
                         NULL, 0));
        }
    }
    assert_int_equal(al_engine_open_clocks(&f.e), 500);
    /* one entry a clock: 5000 without compaction */
    assert_true(f.e.parts[0].heap.len < 5000);
    apply(&f, 0, mkpost("t:x", "t:x", "in", "2024-01-01T12:00:00Z", 0, "low", 0));
    assert_int_equal(json_array_size(f.alerts), 1500);
    fx_free(&f);
}

static void test_alert_id(void **state)
{
    char a[33], b[33], c[33];
    assert_int_equal(al_alert_id("sla.breach", "twitter:1", "twitter:2", a), 0);
    assert_int_equal(al_alert_id("sla.breach", "twitter:1", "twitter:2", b), 0);
    assert_int_equal(al_alert_id("sla.warning", "twitter:1", "twitter:2", c), 0);
    assert_string_equal(a, b);
    assert_string_not_equal(a, c);
    assert_int_equal(strlen(a), 32);
    /* printf 'a|b|c' | sha256sum, first 32 hex digits */
    assert_int_equal(al_alert_id("a", "b", "c", a), 0);
    assert_string_equal(a, "a52dd81bfd5e4e66d96b9f598382f6cb");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unanswered_fires_in_order),
        cmocka_unit_test(test_answered_before_warning),
        cmocka_unit_test(test_answered_exactly_at_deadline),
        cmocka_unit_test(test_late_reply_leaves_breach),
        cmocka_unit_test(test_reply_just_after_deadline_within_lateness),
        cmocka_unit_test(test_critical_at_once),
        cmocka_unit_test(test_critical_later_in_open_case),
        cmocka_unit_test(test_second_complaint_joins_open_clock),
        cmocka_unit_test(test_new_clock_after_reply),
        cmocka_unit_test(test_every_inbound),
        cmocka_unit_test(test_not_every_inbound_ignores_non_complaints),
        cmocka_unit_test(test_drain_to_highest_event_time),
        cmocka_unit_test(test_partitions_independent),
        cmocka_unit_test(test_tick_advances_live_partitions),
        cmocka_unit_test(test_late_complaint_fires_passed_deadlines),
        cmocka_unit_test(test_late_reply_still_stops),
        cmocka_unit_test(test_invalid_input_changes_nothing),
        cmocka_unit_test(test_unanswered_case_expires),
        cmocka_unit_test(test_drop_partition),
        cmocka_unit_test(test_many_cases),
        cmocka_unit_test(test_alert_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
