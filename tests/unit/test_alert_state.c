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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracking),
        cmocka_unit_test(test_takeover),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
