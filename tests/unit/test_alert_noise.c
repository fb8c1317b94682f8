/* test_alert_noise.c -- reposts and brand accounts never open a clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "alert/noise.h"
#include "alert/sla.h"

#include "alert_fixture.h"

/* A routed inbound complaint (dir "in") or a brand post ("out") by handle. */
static json_t *mkpost(const char *id, const char *conv, const char *dir, const char *created,
                      const char *handle, const char *text)
{
    return al_test_post(id, conv, dir, created, handle, handle, text);
}

static void apply(al_engine_t *e, json_t *post, json_t *alerts)
{
    al_test_apply(e, post, alerts);
}

static void test_parse_accounts(void **state)
{
    (void)state;
    al_accounts_t a;
    char err[256];
    assert_int_equal(al_accounts_parse(&a, "acme:@AcmeNews, 999;other: x", err, sizeof(err)), 0);
    assert_int_equal(a.n, 3);
    assert_string_equal(a.v[0].brand, "acme");
    assert_string_equal(a.v[0].handle, "AcmeNews");
    assert_string_equal(a.v[1].brand, "acme");
    assert_string_equal(a.v[1].handle, "999");
    assert_int_equal(al_accounts_match(&a, "acme", "@acmenews", "@acmenews"), 1);
    assert_int_equal(al_accounts_match(&a, "acme", "1", "@acmenews"), 1);         /* by handle */
    assert_int_equal(al_accounts_match(&a, "acme", "999", NULL), 1);              /* by id */
    assert_int_equal(al_accounts_match(&a, "zeta", "@acmenews", "@acmenews"), 0); /* acme's only */
    assert_int_equal(al_accounts_match(&a, "acme", "x", "x"), 0);                 /* other/x */
    assert_int_equal(al_accounts_match(&a, "other", "x", "x"), 1);
    assert_int_equal(al_accounts_match(NULL, "other", "x", "x"), 0);
    al_accounts_free(&a);
    assert_int_equal(al_accounts_parse(&a, "", err, sizeof(err)), 0);
    assert_int_equal(a.n, 0);
    assert_int_equal(al_accounts_parse(&a, "acme:", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "acme"));
    assert_int_equal(al_accounts_parse(&a, "justahandle", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "brand:handle1"));
}

static void test_repost_detection(void **state)
{
    (void)state;
    assert_int_equal(al_post_is_repost(0, "RT @acme: down again"), 1);
    assert_int_equal(al_post_is_repost(0, "RT: not a retweet marker"), 0);
    assert_int_equal(al_post_is_repost(1, "RT: not a retweet marker"), 1);
    assert_int_equal(al_post_is_repost(0, NULL), 0);
    /* As a post reads: "repost": true, false, or a text. */
    al_options_t opt;
    al_options_default(&opt);
    al_event_t ev;
    char err[256];
    json_t *p = mkpost("t:1", "t:1", "in", "2024-01-01T10:00:00Z", "u", "RT @acme: down again");
    assert_int_equal(al_event_read_json(&opt, p, &ev, err, sizeof(err)), 0);
    assert_int_equal(ev.noise, 1);
    json_object_set_new(p, "text", json_string("RT: not a retweet marker"));
    assert_int_equal(al_event_read_json(&opt, p, &ev, err, sizeof(err)), 0);
    assert_int_equal(ev.noise, 0);
    json_object_set_new(p, "repost", json_true());
    assert_int_equal(al_event_read_json(&opt, p, &ev, err, sizeof(err)), 0);
    assert_int_equal(ev.noise, 1);
    json_object_set_new(p, "repost", json_false());
    assert_int_equal(al_event_read_json(&opt, p, &ev, err, sizeof(err)), 0);
    assert_int_equal(ev.noise, 0);
    json_decref(p);
}

/* Neither a repost nor a brand account opens a clock, in either mode; a
 * brand account's post answers an open one; a repost answers nothing. */
static void run_noise(int64_t every_inbound_ms)
{
    al_accounts_t acc;
    char err[256];
    assert_int_equal(al_accounts_parse(&acc, "acme:AcmeNews", err, sizeof(err)), 0);
    al_options_t opt;
    al_options_default(&opt);
    opt.lateness_ms = 0;
    opt.every_inbound_ms = every_inbound_ms;
    opt.accounts = &acc;
    al_engine_t e;
    al_engine_init(&e, &opt);
    json_t *alerts = json_array();
    apply(&e, mkpost("t:1", "t:1", "in", "2024-01-01T10:00:00Z", "u1", "RT @u9: it broke"), alerts);
    apply(&e, mkpost("t:2", "t:2", "in", "2024-01-01T10:00:01Z", "AcmeNews", "we are on it"),
          alerts);
    json_t *rp = mkpost("t:3", "t:3", "in", "2024-01-01T10:00:02Z", "u2", "same problem");
    json_object_set_new(rp, "repost", json_true());
    apply(&e, rp, alerts);
    assert_int_equal(al_engine_open_clocks(&e), 0);
    assert_int_equal(e.noise_events, 2);
    /* A real complaint opens; a repost in the case does not stop it... */
    apply(&e, mkpost("t:4", "t:4", "in", "2024-01-01T10:00:03Z", "u3", "my bill is wrong"), alerts);
    assert_int_equal(al_engine_open_clocks(&e), 1);
    apply(&e, mkpost("t:5", "t:4", "out", "2024-01-01T10:00:04Z", "acme", "RT @u3: my bill"),
          alerts);
    assert_int_equal(al_engine_open_clocks(&e), 1);
    /* ...the brand's other account does. */
    apply(&e, mkpost("t:6", "t:4", "in", "2024-01-01T10:00:05Z", "@acmenews", "DM us"), alerts);
    assert_int_equal(al_engine_open_clocks(&e), 0);
    apply(&e, mkpost("t:9", "t:9x", "out", "2024-01-01T12:00:00Z", "acme", "news"), alerts);
    assert_int_equal(al_test_engine_drain(&e, alerts), 0);
    assert_int_equal(json_array_size(alerts), 0);
    json_decref(alerts);
    al_engine_free(&e);
    al_accounts_free(&acc);
}

static void test_noise_opens_nothing(void **state)
{
    (void)state;
    run_noise(0);
}

static void test_noise_opens_nothing_every_inbound(void **state)
{
    (void)state;
    run_noise(30000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accounts),
        cmocka_unit_test(test_repost_detection),
        cmocka_unit_test(test_noise_opens_nothing),
        cmocka_unit_test(test_noise_opens_nothing_every_inbound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
