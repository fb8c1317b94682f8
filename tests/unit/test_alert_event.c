/* test_alert_event.c -- a routed message read the fast way (cJSON, plain-C
 * event, JSON text written by hand) says exactly what jansson said: the
 * same verdicts, DLQ codes and reasons, events, summaries and stored clocks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/core.h"
#include "post.h"
#include "timeutil.h"

#include "alert_fixture.h"

/* ---- the reading alert had before: jansson all the way -------------------- */

/* The old alert_post(): the alert's "post" as a jansson object. */
static json_t *ref_summary(const json_t *post)
{
    json_t *out = json_object();
    json_t *author = json_object();
    const json_t *a = json_object_get(post, "author");
    static const char *const fields[] = {"id", "handle", "followers"};
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(a, fields[i]);
        if (v != NULL && !json_is_null(v))
            json_object_set(author, fields[i], v);
    }
    json_object_set(out, "id", json_object_get(post, "id"));
    json_object_set_new(out, "author", author);
    json_t *text = json_object_get(post, "text");
    json_t *url = json_object_get(post, "url");
    if (json_is_string(text))
        json_object_set(out, "text", text);
    if (json_is_string(url))
        json_object_set(out, "url", url);
    return out;
}

/* The old al_clock_to_json(), with the summary as an object. */
static char *ref_clock(const al_clock_t *c)
{
    json_t *due = json_array();
    for (int k = AL_WARNING; k < AL_KINDS; k++)
        json_array_append_new(due, c->due[k] == AL_NO_TIME ? json_null()
                                                           : json_integer((json_int_t)c->due[k]));
    json_t *post = json_loads(c->post, 0, NULL); /* a JSON object, stored as its text */
    assert_true(json_is_object(post));
    json_decref(post);
    json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:o,s:i}", "case", c->case_id, "start",
                          c->start_post, "brand", c->brand, "team", c->team, "priority",
                          c->priority, "post", c->post, "opened", (json_int_t)c->opened_ms,
                          "target", (json_int_t)c->target_ms, "due", due, "fired", (int)c->fired);
    assert_non_null(j);
    char *s = oc_json_dumps(j);
    json_decref(j);
    return s;
}

/* Fails unless got is what jansson writes for want (stolen). */
static void expect_dump(const char *got, json_t *want)
{
    assert_non_null(want);
    char *text = oc_json_dumps(want);
    assert_string_equal(got, text);
    free(text);
    json_decref(want);
}

/* ---- messages ------------------------------------------------------------- */

#define POST_FMT                                                                                   \
    "{\"schema\":\"outcry.post/v1\",\"id\":\"t:1\",\"platform\":\"twitter\","                      \
    "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"u1\",\"handle\":\"jdoe\"%"  \
    "s},"                                                                                          \
    "\"text\":\"%s\",\"created_at\":\"2024-01-01T10:00:00Z\",\"url\":\"https://x/1\","             \
    "\"classification\":{\"complaint\":true,\"severity\":\"critical\",\"score\":1.0},"             \
    "\"routing\":{\"team\":\"billing\",\"priority\":\"p2\",\"sla\":{\"first_reply_s\":30,"         \
    "\"warn_at\":0.75}}%s}"

/* Variants of POST_FMT's three slots; each list says which path it takes. */
static const char *const followers_fast[] = {",\"followers\":12", ",\"followers\":-0", "",
                                             ",\"followers\" : 123456789012345 ",
                                             ",\"followers\":null"};
/* jansson refuses them, or reads them unlike cJSON (a real; beyond 2^53) */
static const char *const followers_slow[] = {"150.0", "1E2", "01", "9007199254740993",
                                             "9223372036854775807"};
static const char *const texts[] = {
    "help", "q\\\"uo\\\\te \\n\\t\\u001f \\u00e9\\ud83d\\ude21 \\/ \xe2\x80\xa8 end",
    "RT @acme: same",
    /* refused, whichever path */
    "a \\u0000 b", "a \t b", "a \\ud800 b", "a \xc0\x80 b"};
static const char *const extras_fast[] = {",\"metrics\":{\"likes\":-1.5e-3,\"r\":[0,1E+2]}",
                                          ",\"x\":{\"followers\":1.5}"};
/* lax numbers, duplicate keys (the last wins), an escaped duplicate key */
static const char *const extras_slow[] = {",\"metrics\":{\"likes\":1.}",
                                          ",\"metrics\":{\"likes\":1.e5}",
                                          ",\"metrics\":{\"likes\":00}",
                                          ",\"text\":\"the last one wins\"",
                                          ",\"\\u0061uthor\":{\"id\":\"x\",\"followers\":1.5}",
                                          ",\"routing\":{\"team\":7}",
                                          ",\"metrics\":{\"likes\":1e400}",
                                          ",\"author\":{\"id\":\"u\",\"followers\":-1}"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void check_message(const char *buf, size_t len, int fast)
{
    al_options_t opt;
    al_options_default(&opt);
    al_msg_t m;
    const char *code = NULL, *rcode = NULL;
    char err[256] = "", rerr[256] = "";
    json_t *ref = NULL;
    al_msg_t r;
    int rc = al_msg_parse(&m, buf, len, &code, err, sizeof(err));
    int want = al_msg_parse_json(&r, buf, len, &rcode, rerr, sizeof(rerr));
    if (want < 0) {
        assert_int_equal(rc, -1);
        assert_string_equal(code, rcode);
        assert_string_equal(err, rerr);
        return;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(m.control != NULL, r.control != NULL);
    if (r.control == NULL)
        ref = json_incref(r.post);
    al_msg_free(&r);
    if (ref == NULL)
        want = 1;
    if (fast >= 0 && want == 0)
        assert_int_equal(m.fp.root != NULL, fast);
    if (want == 0) {
        al_event_t a, b;
        char aerr[256] = "", berr[256] = "";
        int ra = al_msg_event(&m, &opt, &a, aerr, sizeof(aerr));
        int rb = al_event_read_json(&opt, ref, &b, berr, sizeof(berr));
        assert_int_equal(ra, rb);
        assert_string_equal(aerr, berr);
        if (ra == 0) {
            al_test_same_event(&a, &b);
            if (a.opens) {
                /* the summary, byte for byte what jansson wrote */
                oc_buf_t text = {0};
                assert_int_equal(al_event_summary(&a, &text), 0);
                expect_dump(text.data, ref_summary(ref));
                oc_buf_free(&text);
            }
        }
    }
    json_decref(ref);
    al_msg_free(&m);
}

static void test_parse_like_jansson(void **state)
{
    (void)state;
    char buf[1024], f[64];
    for (size_t i = 0; i < COUNT(followers_fast); i++)
        for (size_t t = 0; t < COUNT(texts); t++)
            check_message(
                buf, (size_t)snprintf(buf, sizeof(buf), POST_FMT, followers_fast[i], texts[t], ""),
                t < 3 ? 1 : -1);
    for (size_t i = 0; i < COUNT(followers_slow); i++) {
        snprintf(f, sizeof(f), ",\"followers\":%s", followers_slow[i]);
        check_message(buf, (size_t)snprintf(buf, sizeof(buf), POST_FMT, f, "help", ""), 0);
    }
    for (size_t i = 0; i < COUNT(extras_fast); i++)
        check_message(buf, (size_t)snprintf(buf, sizeof(buf), POST_FMT, "", "help", extras_fast[i]),
                      1);
    for (size_t i = 0; i < COUNT(extras_slow); i++)
        check_message(buf, (size_t)snprintf(buf, sizeof(buf), POST_FMT, "", "help", extras_slow[i]),
                      0);
    static const char *const others[] = {
        "{not json",
        "",
        "[1,2]",
        "{\"schema\":\"outcry.control/v1\",\"type\":\"end_of_input\","
        "\"watermark\":\"2024-01-01T10:00:00Z\"}",
        "{\"schema\":\"outcry.control/v1\",\"type\":\"nope\"}",
        "{\"schema\":\"other/v1\",\"id\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
        check_message(others[i], strlen(others[i]), -1);
    /* Over 64 KiB: oc_fp_parse refuses it, alert always took it. */
    size_t big = 70 * 1024;
    char *pad = malloc(big + 1);
    char *msg = malloc(big + 1024);
    assert_non_null(pad);
    assert_non_null(msg);
    memset(pad, 'x', big);
    pad[big] = '\0';
    int n = snprintf(msg, big + 1024, POST_FMT, ",\"followers\":3", "help", ",\"pad\":\"");
    /* POST_FMT ends with "}": put the pad string before it */
    msg[n - 1] = '\0';
    size_t len = (size_t)n - 1;
    memcpy(msg + len, pad, big);
    len += big;
    memcpy(msg + len, "\"}", 3);
    len += 2;
    check_message(msg, len, 0);
    free(pad);
    free(msg);
}

/* oc_buf_json_str escapes as jansson's dump does: every ASCII byte, UTF-8 kept. */
static void test_json_str_like_jansson(void **state)
{
    (void)state;
    oc_buf_t b = {0};
    for (int c = 1; c < 0x80; c++) {
        char s[4] = {'a', (char)c, 'z', '\0'};
        b.len = 0;
        assert_int_equal(oc_buf_json_str(&b, s), 0);
        expect_dump(b.data, json_string(s));
    }
    b.len = 0;
    const char *u = "\xc3\xa9 \xf0\x9f\x98\xa1 \xe2\x80\xa8\x7f\"\\";
    assert_int_equal(oc_buf_json_str(&b, u), 0);
    expect_dump(b.data, json_string(u));
    oc_buf_free(&b);
}

/* A clock's stored text is what al_clock_to_json() and jansson wrote. */
static void test_clock_text_like_jansson(void **state)
{
    (void)state;
    al_options_t opt;
    al_options_default(&opt);
    opt.lateness_ms = 0;
    al_engine_t e;
    al_engine_init(&e, &opt);
    json_t *alerts = json_array();
    json_t *p = al_test_post("t:\"1\"", "c\\1\n", "in", "2024-01-01T10:00:00.250Z", "u\x01",
                             "h\xc3\xa9", "a \"quoted\"\ttext \xe2\x80\xa8");
    json_object_set_new(json_object_get(p, "author"), "followers",
                        json_integer(9007199254740993LL));
    json_object_set_new(json_object_get(json_object_get(p, "routing"), "sla"), "escalate_at",
                        json_null());
    char err[128];
    assert_int_equal(al_test_engine_apply(&e, 0, p, alerts, err, sizeof(err)), 0);
    json_decref(p);
    /* the warning fires: fired bits in the text */
    al_test_apply(&e, al_test_post("t:9", "t:9", "out", "2024-01-01T10:00:23Z", "b", "b", "x"),
                  alerts);
    assert_int_equal(json_array_size(alerts), 1);
    const al_clock_t *c = al_engine_find(&e, "c\\1\n");
    assert_non_null(c);
    oc_buf_t text = {0};
    assert_int_equal(al_clock_text(c, &text), 0);
    char *want = ref_clock(c);
    assert_string_equal(text.data, want);
    assert_non_null(strstr(text.data, "\\\"followers\\\":9007199254740993"));
    /* 10:00:00.250: warning 22.5 s, breach 30 s later; no escalation */
    assert_non_null(strstr(text.data, "\"due\":[1704103222750,1704103230250,null,"));
    free(want);
    /* and back */
    json_t *j = json_loads(text.data, 0, NULL);
    al_clock_t *back = al_clock_from_json(j, 0, err, sizeof(err));
    assert_non_null(back);
    assert_string_equal(back->post, c->post);
    assert_string_equal(back->case_id, c->case_id);
    assert_int_equal(back->fired, c->fired);
    al_clock_free(back);
    json_decref(j);
    oc_buf_free(&text);
    json_decref(alerts);
    al_engine_free(&e);
}

/* Numbers cJSON reads unlike jansson never reach the engine through cJSON:
 * the verdict (and, for a post, the values) is always jansson's. */
/* The alert as jansson built it before alerts were written as text (the
 * reference): new string. */
static char *ref_alert(const al_clock_t *c, al_kind_t kind, int64_t at_ms, const char *post)
{
    char id[33], t1[OC_TIME_BUFSZ], t2[OC_TIME_BUFSZ], t3[OC_TIME_BUFSZ];
    assert_int_equal(al_alert_id(al_kind_name(kind), c->case_id, c->start_post, id), 0);
    json_t *target = c->target_ms % 1000 == 0 ? json_integer(c->target_ms / 1000)
                                              : json_real((double)c->target_ms / 1000.0);
    json_t *a =
        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:o,s:o}", "schema",
                  "outcry.alert/v1", "alert_id", id, "type", al_kind_name(kind), "case", c->case_id,
                  "clock_start_post", c->start_post, "brand", c->brand, "team", c->team, "priority",
                  c->priority, "opened_at", oc_time_format(c->opened_ms, t1, sizeof(t1)),
                  "deadline", oc_time_format(c->due[AL_BREACH], t2, sizeof(t2)), "at",
                  oc_time_format(at_ms, t3, sizeof(t3)), "elapsed_s",
                  (json_int_t)((at_ms - c->opened_ms) / 1000), "target_s", target, "post",
                  json_loads(post != NULL ? post : c->post, 0, NULL));
    assert_non_null(a);
    char *s = oc_json_dumps(a);
    json_decref(a);
    return s;
}

/* An alert's text is what jansson would have written: escapes, times,
 * whole and fractional targets (tiny, huge), the opening post or another. */
static void test_alert_text_like_jansson(void **state)
{
    (void)state;
    al_clock_t c = {0};
    assert_int_equal(al_clock_set_strings(&c, "c\\1\n\"q\"", "t:\xc3\xa9\x01", "acme/uk",
                                          "bill\ting", "p1",
                                          "{\"id\":\"t:1\",\"author\":{\"id\":\"u\"},"
                                          "\"text\":\"it \\\"broke\\\" \xe2\x80\xa8\"}"),
                     0);
    c.opened_ms = 1704103200250;
    static const int64_t targets[] = {30000, 1500, 1, 999, 1001, 45250, 31622400123LL};
    al_alerts_t b = {0};
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        c.target_ms = targets[i];
        c.due[AL_BREACH] = c.opened_ms + targets[i];
        al_kind_t kind = (al_kind_t)(i % 4);
        int64_t at = c.opened_ms + 41999 * (int64_t)i;
        const char *post =
            i == 3 ? "{\"id\":\"t:2\",\"author\":{\"id\":\"v\"},\"text\":\"x\"}" : NULL;
        al_alerts_clear(&b);
        assert_int_equal(al_alerts_add(&b, &c, kind, at, post), 0);
        assert_int_equal(al_alerts_count(&b), 1);
        al_alert_t a = al_alerts_get(&b, 0);
        char *want = ref_alert(&c, kind, at, post);
        assert_string_equal(a.json, want);
        assert_int_equal(a.json_len, strlen(want));
        assert_int_equal(a.kind, kind);
        assert_int_equal(a.at_ms, at);
        assert_string_equal(a.case_id, c.case_id);
        assert_string_equal(a.team, c.team);
        free(want);
    }
    /* a batch keeps every alert apart */
    for (int i = 0; i < 100; i++)
        assert_int_equal(al_alerts_add(&b, &c, AL_BREACH, c.opened_ms + i, NULL), 0);
    assert_int_equal(al_alerts_count(&b), 101);
    al_alert_t last = al_alerts_get(&b, 100);
    char *want = ref_alert(&c, AL_BREACH, c.opened_ms + 99, NULL);
    assert_string_equal(last.json, want);
    free(want);
    al_alerts_free(&b);
    free(c.mem);
}

static void test_numbers_strict(void **state)
{
    (void)state;
    static const char *const extra[] = {
        ",\"x\":{\"a\":1,\"b\":-0.5e+3,\"c\":[0,10,1E2],\"d\":\"01 1. \\\" 1.e5\"}",
        ",\"x\":01",
        ",\"x\":1.",
        ",\"x\":1.e5",
        ",\"x\":-01",
        ",\"x\":[1,00]",
    };
    static const char *const followers[] = {"12", "123456789012345", "1234567890123456789", "12.0",
                                            "1e1"};
    char buf[1024];
    for (size_t i = 0;
         i < sizeof(extra) / sizeof(extra[0]) + sizeof(followers) / sizeof(followers[0]); i++) {
        if (i < sizeof(extra) / sizeof(extra[0]))
            snprintf(buf, sizeof(buf),
                     "{\"schema\":\"outcry.post/v1\",\"id\":\"t:1\","
                     "\"platform\":\"t\",\"direction\":\"inbound\",\"brand\":\"b\","
                     "\"author\":{\"id\":\"1\"},\"created_at\":\"2026-11-23T10:00:00Z\","
                     "\"text\":\"x\"%s}",
                     extra[i]);
        else
            snprintf(buf, sizeof(buf),
                     "{\"schema\":\"outcry.post/v1\",\"id\":\"t:1\","
                     "\"platform\":\"t\",\"direction\":\"inbound\",\"brand\":\"b\","
                     "\"author\":{\"id\":\"1\",\"followers\":%s},"
                     "\"created_at\":\"2026-11-23T10:00:00Z\",\"text\":\"x\"}",
                     followers[i - sizeof(extra) / sizeof(extra[0])]);
        al_msg_t fast, slow;
        const char *c1 = "", *c2 = "";
        char e1[256] = "", e2[256] = "";
        int r1 = al_msg_parse(&fast, buf, strlen(buf), &c1, e1, sizeof(e1));
        int r2 = al_msg_parse_json(&slow, buf, strlen(buf), &c2, e2, sizeof(e2));
        if (r1 != r2 || (r1 != 0 && (strcmp(c1, c2) != 0 || strcmp(e1, e2) != 0)))
            fail_msg("%s: %d %s %s vs jansson %d %s %s", buf, r1, c1, e1, r2, c2, e2);
        /* a follower count a double does not hold exactly is jansson's to read */
        if (r1 == 0 && i >= sizeof(extra) / sizeof(extra[0]) &&
            strlen(followers[i - sizeof(extra) / sizeof(extra[0])]) > 15)
            assert_null(fast.fp.root);
        if (r1 == 0)
            al_msg_free(&fast);
        if (r2 == 0)
            al_msg_free(&slow);
    }
}

/* Change records: each case once, in the order first recorded, with its
 * first team, however many. */
static void test_dirty_records(void **state)
{
    (void)state;
    al_dirty_t d = {0};
    char id[32];
    for (int round = 0; round < 2; round++) {
        for (int i = 0; i < 5000; i++) {
            snprintf(id, sizeof(id), "twitter:%d", i);
            assert_int_equal(al_dirty_mark(&d, id, i % 7, round == 0 ? "billing" : "care"), 0);
        }
    }
    assert_int_equal(d.n, 5000);
    al_engine_t e;
    al_engine_init(&e, NULL);
    e.dirty = d;
    int32_t p;
    const char *team;
    assert_string_equal(al_engine_dirty_case(&e, 4321, &p, &team), "twitter:4321");
    assert_int_equal(p, 4321 % 7);
    assert_string_equal(team, "billing");
    assert_string_equal(al_engine_dirty_team(&e, "twitter:17"), "billing");
    assert_null(al_engine_dirty_team(&e, "twitter:5000"));
    al_engine_clean(&e);
    assert_int_equal(al_engine_dirty_count(&e), 0);
    assert_null(al_engine_dirty_team(&e, "twitter:17"));
    e.dirty.on = 1;
    assert_int_equal(al_dirty_mark(&e.dirty, "twitter:17", 1, "care"), 0);
    assert_string_equal(al_engine_dirty_team(&e, "twitter:17"), "care");
    al_engine_free(&e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_like_jansson),
        cmocka_unit_test(test_json_str_like_jansson),
        cmocka_unit_test(test_clock_text_like_jansson),
        cmocka_unit_test(test_alert_text_like_jansson),
        cmocka_unit_test(test_numbers_strict),
        cmocka_unit_test(test_dirty_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
