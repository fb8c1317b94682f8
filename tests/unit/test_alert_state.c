/* test_alert_state.c -- change tracking, clocks as JSON and back, and a
 * partition taken over by another engine from its stored state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/sla.h"

#include "alert_fixture.h"

static json_t *mkpost(const char *id, const char *conv, const char *dir, const char *created)
{
    return al_test_post(id, conv, dir, created, "u1", "jdoe", "broken");
}

static void apply(al_engine_t *e, json_t *post, json_t *alerts)
{
    al_test_apply(e, post, alerts);
}

static void init(al_engine_t *e)
{
    al_options_t opt;
    al_options_default(&opt);
    opt.lateness_ms = 0;
    al_engine_init(e, &opt);
    assert_int_equal(al_engine_track(e), 0);
}

static void test_tracking(void **state)
{
    (void)state;
    al_engine_t e;
    init(&e);
    json_t *alerts = json_array();
    apply(&e, mkpost("t:1", "t:1", "in", "2024-01-01T10:00:00Z"), alerts);
    assert_non_null(al_engine_dirty_team(&e, "t:1"));
    assert_int_equal(e.parts[0].dirty, 1);
    al_engine_clean(&e);
    assert_int_equal(al_engine_dirty_count(&e), 0);
    assert_null(al_engine_dirty_team(&e, "t:1"));
    /* A post in another case that fires nothing changes no clock. */
    apply(&e, mkpost("t:5", "t:5x", "out", "2024-01-01T10:00:10Z"), alerts);
    assert_int_equal(al_engine_dirty_count(&e), 0);
    /* The warning fires: a change; the reply stops it: still recorded, once. */
    apply(&e, mkpost("t:6", "t:6x", "out", "2024-01-01T10:00:25Z"), alerts);
    assert_int_equal(json_array_size(alerts), 1);
    assert_non_null(al_engine_dirty_team(&e, "t:1"));
    al_engine_clean(&e);
    apply(&e, mkpost("t:2", "t:1", "out", "2024-01-01T10:00:26Z"), alerts);
    assert_string_equal(al_engine_dirty_team(&e, "t:1"), "billing");
    assert_int_equal(al_engine_dirty_count(&e), 1);
    int32_t p = -1;
    const char *team = NULL;
    assert_string_equal(al_engine_dirty_case(&e, 0, &p, &team), "t:1");
    assert_int_equal(p, 0);
    assert_string_equal(team, "billing");
    assert_null(al_engine_find(&e, "t:1"));
    /* Dropping a partition from memory is not a change of the stored state. */
    al_engine_clean(&e);
    apply(&e, mkpost("t:3", "t:3", "in", "2024-01-01T10:00:27Z"), alerts);
    al_engine_clean(&e);
    assert_int_equal(al_engine_drop_partition(&e, 0), 1);
    assert_int_equal(al_engine_dirty_count(&e), 0);
    json_decref(alerts);
    al_engine_free(&e);
}

/* Engine A opens a clock and fires its warning; engine B adopts the stored
 * clock and the stored event time and fires the breach, not the warning. */
static void test_takeover(void **state)
{
    (void)state;
    al_engine_t a, b;
    init(&a);
    init(&b);
    json_t *alerts = json_array();
    apply(&a, mkpost("t:1", "t:1", "in", "2024-01-01T10:00:00Z"), alerts);
    apply(&a, mkpost("t:9", "t:9x", "out", "2024-01-01T10:00:23Z"), alerts);
    assert_int_equal(json_array_size(alerts), 1);
    oc_buf_t text = {0};
    assert_int_equal(al_clock_text(al_engine_find(&a, "t:1"), &text), 0);
    json_t *back = json_loads(text.data, 0, NULL);
    oc_buf_free(&text);
    char err[256];
    al_clock_t *c = al_clock_from_json(back, 0, err, sizeof(err));
    json_decref(back);
    assert_non_null(c);
    assert_int_equal(al_clock_next_due(c), c->due[AL_BREACH]);
    assert_int_equal(al_engine_set_time(&b, 0, a.parts[0].max_event, a.parts[0].watermark), 0);
    assert_int_equal(al_engine_adopt(&b, c), 0);
    assert_int_equal(al_engine_dirty_count(&b), 0);
    json_array_clear(alerts);
    apply(&b, mkpost("t:8", "t:8x", "out", "2024-01-01T10:02:00Z"), alerts);
    assert_int_equal(json_array_size(alerts), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 0), "type")),
                        "sla.breach");
    assert_string_equal(json_string_value(json_object_get(json_array_get(alerts, 1), "type")),
                        "sla.escalation");
    /* A bad stored clock is refused with a reason. */
    json_t *bad = json_pack("{s:s}", "case", "t:1");
    assert_null(al_clock_from_json(bad, 0, err, sizeof(err)));
    assert_non_null(strstr(err, "stored clock"));
    json_decref(bad);
    json_decref(alerts);
    al_engine_free(&a);
    al_engine_free(&b);
}

/* A clock whose post al_event_summary() writes from these fields. */
static al_clock_t *summary_clock(const char *case_id, const char *handle, int has_followers,
                                 long long followers, const char *text, const char *url)
{
    al_event_t ev = {0};
    ev.post_id = case_id;
    ev.author_id = "u1";
    ev.handle = handle;
    ev.has_followers = has_followers;
    ev.followers = followers;
    ev.text = text;
    ev.url = url;
    oc_buf_t post = {0};
    assert_int_equal(al_event_summary(&ev, &post), 0);
    al_clock_t *c = calloc(1, sizeof(*c));
    assert_non_null(c);
    assert_int_equal(
        al_clock_set_strings(c, case_id, case_id, "acme/uk", "billing", "p2", post.data), 0);
    oc_buf_free(&post);
    c->opened_ms = 1704103200250;
    c->target_ms = 30000;
    c->due[AL_WARNING] = 1704103222750;
    c->due[AL_BREACH] = 1704103230250;
    c->due[AL_ESCALATION] = AL_NO_TIME;
    c->due[AL_EXPIRE] = 1704708000250;
    c->due[AL_CRITICAL] = AL_NO_TIME;
    c->fired = 1u << AL_WARNING;
    return c;
}

/* What the jansson path makes of text: the reference. */
static al_clock_t *jansson_clock(const char *text)
{
    char err[256];
    json_t *j = json_loads(text, 0, NULL);
    al_clock_t *c = j != NULL ? al_clock_from_json(j, 3, err, sizeof(err)) : NULL;
    json_decref(j);
    return c;
}

static void assert_same_clock(const al_clock_t *a, const al_clock_t *b)
{
    assert_string_equal(a->case_id, b->case_id);
    assert_string_equal(a->start_post, b->start_post);
    assert_string_equal(a->brand, b->brand);
    assert_string_equal(a->team, b->team);
    assert_string_equal(a->priority, b->priority);
    assert_string_equal(a->post, b->post);
    assert_int_equal(a->partition, b->partition);
    assert_int_equal(a->opened_ms, b->opened_ms);
    assert_int_equal(a->target_ms, b->target_ms);
    assert_int_equal(a->fired, b->fired);
    for (int k = 0; k < AL_KINDS; k++)
        assert_int_equal(a->due[k], b->due[k]);
}

/* al_clock_parse (cJSON, "post" taken from the bytes) gives what jansson's
 * al_clock_from_json gave, and the post written byte for byte. */
static void test_parse_like_jansson(void **state)
{
    (void)state;
    al_clock_t *cases[] = {
        summary_clock("t:1", "jdoe", 1, 1200, "my bill doubled", "https://x.example/1"),
        summary_clock("t:\"q\"\\2", "j\\d\"oe", 1, -7,
                      "it \"broke\" C:\\dir\\ \n\t\r\b\f \x01\x1f \x7f / end", NULL),
        summary_clock("t:\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", 0, 0,
                      "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xe2\x80\xa8 "
                      "\xe2\x80\xa9",
                      "https://x.example/\xc3\xa9"),
        summary_clock("t:4", NULL, 0, 0, "", NULL),
        summary_clock("t:5", NULL, 1, 9007199254740993LL, "big", NULL),
        summary_clock("t:6", "x", 1, 0, "zero followers", NULL),
    };
    oc_buf_t text = {0};
    char err[256];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(al_clock_text(cases[i], &text), 0);
        /* the summary is stored as its JSON text, in a string */
        assert_non_null(strstr(text.data, ",\"post\":\"{\\\"id\\\":"));
        al_clock_t *fast = al_clock_parse(text.data, text.len, 3, err, sizeof(err));
        al_clock_t *ref = jansson_clock(text.data);
        assert_non_null(fast);
        assert_non_null(ref);
        assert_same_clock(fast, ref);
        cases[i]->partition = 3;
        assert_same_clock(fast, cases[i]); /* the round trip: the same bytes */
        al_clock_free(fast);
        al_clock_free(ref);
        al_clock_free(cases[i]);
    }
    oc_buf_free(&text);
    /* Written otherwise (by hand, another writer): as jansson reads and
     * prints it, so not the stored bytes. */
    static const char *const other[] = {
        "{\"case\":\"t:\\u00e9\\/\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\","
        "\"priority\":\"p1\",\"post\":{\"id\":\"t:1\", \"text\":\"caf\\u00e9 \\/ \\u001f "
        "\\ud83d\\ude00\"},\"opened\":5,\"target\":6,\"due\":[7,null,\"x\",9],\"fired\":1}",
        "{ \"case\":\"c\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","
        "\"post\":{\"id\":\"x\",\"author\":{\"followers\":1.5e3,\"id\":\"u\"},\"n\":[1,-0,true,"
        "false,null,{}]},\"opened\":1,\"target\":2,\"due\":[3,4,5,6],\"fired\":0}\n",
        "{\"case\":\"c\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","
        "\"post\":{\"id\":\"x\",\"id\":\"y\"},\"opened\":1,\"target\":2,\"due\":[3,4,5,6],"
        "\"fired\":0}",
        "{\"case\":\"c\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","
        "\"post\":{\"id\":\"x\"},\"opened\":1,\"target\":2,\"due\":[3,4,5,6],\"fired\":0,"
        "\"opened\":12345678901234567}",
        "{\"case\":\"c\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","
        "\"post\":{\"id\":\"x\"},\"opened\":12345678901234567,\"target\":2,\"due\":[3,4,5,"
        "-9007199254740993],\"fired\":0}",
        /* integral reals where integers belong: cJSON cannot tell 1.0 from
         * 1, so jansson's path reads them as integers too (found apart by
         * tests/fuzz/fuzz_alert_clock.c), in both forms of "post" */
        "{\"case\":\"c\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","
        "\"post\":\"{\\\"id\\\":\\\"x\\\"}\",\"opened\":1.0,\"target\":2e3,\"due\":[3,4.0,null,"
        "-6E0],\"fired\":1.0}",
        "{\"case\":\"c\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","
        "\"post\":{\"id\":\"x\"},\"opened\":1.0,\"target\":2,\"due\":[3,4,5,6],\"fired\":0}",
    };
    for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
        al_clock_t *fast = al_clock_parse(other[i], strlen(other[i]), 3, err, sizeof(err));
        al_clock_t *ref = jansson_clock(other[i]);
        assert_non_null(fast);
        assert_non_null(ref);
        assert_same_clock(fast, ref);
        al_clock_free(fast);
        al_clock_free(ref);
    }
}

/* What jansson's path refused is refused, with a reason. */
static void test_parse_refuses(void **state)
{
    (void)state;
#define CLOCK(c, post, opened, due)                                                                \
    "{\"case\":\"" c "\",\"start\":\"s\",\"brand\":\"b\",\"team\":\"t\",\"priority\":\"p\","       \
    "\"post\":" post ",\"opened\":" opened ",\"target\":2,\"due\":" due ",\"fired\":0}"
    static const char *const bad[] = {
        "",
        "not json",
        "{\"case\":\"t:1\"}",
        CLOCK("c", "{\"id\":\"x\"}", "1", "[3,4,5,6]") "x",
        CLOCK("c", "{\"id\":\"x\"}", "1", "[3,4,5]"),
        CLOCK("c", "{\"id\":\"x\"}", "01", "[3,4,5,6]"),
        CLOCK("c", "{\"id\":\"x\"}", "99999999999999999999", "[3,4,5,6]"),
        CLOCK("c", "\"post\"", "1", "[3,4,5,6]"),
        CLOCK("c\\u0000d", "{\"id\":\"x\"}", "1", "[3,4,5,6]"),
        CLOCK("c\xc3", "{\"id\":\"x\"}", "1", "[3,4,5,6]"),
        CLOCK("c\x01", "{\"id\":\"x\"}", "1", "[3,4,5,6]"),
        CLOCK("c", "{\"id\":\"x\",\"n\":123456789012345678901}", "1", "[3,4,5,6]"),
        CLOCK("c", "{\"id\":\"x\\q\"}", "1", "[3,4,5,6]"),
        /* the summary as a string (al_clock_text's form) that is not a
         * JSON object jansson reads */
        CLOCK("c", "\"{\\\"id\\\":}\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"[1]\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"{\\\"t\\\":\\\"a\\nb\\\"}\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"{\\\"t\\\":\\\"\\u00e9\\\",\\\"t\\\":1} x\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"{\\\"id\\\":\\\"x\\\"}\"", "1.5", "[3,4,5,6]"),
        /* numbers cJSON reads and jansson refuses, in the post text and
         * outside it */
        CLOCK("c", "\"{\\\"id\\\":\\\"x\\\",\\\"n\\\":01}\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"{\\\"id\\\":\\\"x\\\",\\\"n\\\":1.}\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"{\\\"id\\\":\\\"x\\\"}\"", "01", "[3,4,5,6]"),
        /* an escape JSON does not have in the post text, which cJSON reads
         * as a NUL (found by tests/fuzz/fuzz_alert_clock.c) */
        CLOCK("c", "\"{\\\"t\\\":\\\"\\\\u0}0e\\\"}\"", "1", "[3,4,5,6]"),
        CLOCK("c", "\"{\\\"t\\\":\\\"\\\\ud8zz\\\"}\"", "1", "[3,4,5,6]"),
    };
#undef CLOCK
    char err[256];
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        err[0] = '\0';
        assert_null(jansson_clock(bad[i]));
        assert_null(al_clock_parse(bad[i], strlen(bad[i]), 0, err, sizeof(err)));
        assert_true(err[0] != '\0');
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracking),
        cmocka_unit_test(test_takeover),
        cmocka_unit_test(test_parse_like_jansson),
        cmocka_unit_test(test_parse_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
