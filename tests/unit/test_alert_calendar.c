/* test_alert_calendar.c -- business hours across a weekend, a holiday and
 * daylight-saving changes, with the system tz database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "alert/calendar.h"
#include "alert/sla.h"
#include "alert_fixture.h"
#include "alert/tzone.h"
#include "timeutil.h"

static int64_t t(const char *s)
{
    int64_t ms;
    assert_int_equal(oc_time_parse(s, &ms), 0);
    return ms;
}

static void expect_time(int64_t got, const char *want)
{
    char buf[OC_TIME_BUFSZ];
    assert_string_equal(oc_time_format(got, buf, sizeof(buf)), want);
}

#define HAVE_ZONE(name)                                                                            \
    do {                                                                                           \
        FILE *f_ = fopen("/usr/share/zoneinfo/" name, "rb");                                       \
        if (f_ == NULL)                                                                            \
            skip(); /* tzdata not installed */                                                     \
        fclose(f_);                                                                                \
    } while (0)

static const char *const CALS =
    "{\"calendars\": {"
    " \"emea\": {\"timezone\": \"Europe/Berlin\","
    "   \"hours\": {\"mon\": \"09:00-17:00\", \"tue\": \"09:00-17:00\", \"wed\": \"09:00-17:00\","
    "             \"thu\": \"09:00-17:00\", \"fri\": \"09:00-12:00,13:00-17:00\", \"sat\": \"\"},"
    "   \"holidays\": [\"2024-12-25\", \"2024-12-26\"]},"
    " \"us\": {\"timezone\": \"America/New_York\","
    "   \"hours\": {\"sat\": \"00:00-24:00\", \"sun\": \"00:00-24:00\"}}},"
    " \"teams\": {\"billing\": \"emea\"}}";

static void test_zone_offsets(void **state)
{
    (void)state;
    HAVE_ZONE("Europe/Berlin");
    al_tzone_t z;
    char err[256];
    assert_int_equal(al_tz_load(&z, "Europe/Berlin", err, sizeof(err)), 0);
    assert_int_equal(al_tz_offset(&z, t("2024-01-15T12:00:00Z")), 3600000);
    assert_int_equal(al_tz_offset(&z, t("2024-07-15T12:00:00Z")), 7200000);
    /* The spring-forward instant: 2024-03-31 01:00 UTC. */
    assert_int_equal(al_tz_offset(&z, t("2024-03-31T00:59:59Z")), 3600000);
    assert_int_equal(al_tz_offset(&z, t("2024-03-31T01:00:00Z")), 7200000);
    /* Beyond the file's transitions: the footer rule. */
    assert_int_equal(al_tz_offset(&z, t("2045-01-15T12:00:00Z")), 3600000);
    assert_int_equal(al_tz_offset(&z, t("2045-07-15T12:00:00Z")), 7200000);
    assert_int_equal(al_tz_offset(&z, t("2045-03-26T00:59:59Z")), 3600000); /* last Sun of Mar */
    assert_int_equal(al_tz_offset(&z, t("2045-03-26T01:00:00Z")), 7200000);
    assert_int_equal(al_tz_offset(&z, t("2045-10-29T00:59:59Z")), 7200000); /* last Sun of Oct */
    assert_int_equal(al_tz_offset(&z, t("2045-10-29T01:00:00Z")), 3600000);
    /* Local -> UTC: a gap reads like mktime (02:30 -> 03:30 CEST), an overlap
     * takes the first occurrence. */
    expect_time(al_tz_to_utc(&z, t("2024-03-31T02:30:00Z")), "2024-03-31T01:30:00Z");
    expect_time(al_tz_to_utc(&z, t("2024-10-27T02:30:00Z")), "2024-10-27T00:30:00Z");
    expect_time(al_tz_to_utc(&z, t("2024-06-01T09:00:00Z")), "2024-06-01T07:00:00Z");
    al_tz_free(&z);
    if (al_tz_load(&z, "Asia/Kolkata", err, sizeof(err)) == 0) { /* no DST, +05:30 */
        assert_int_equal(al_tz_offset(&z, t("2024-07-15T12:00:00Z")), 19800000);
        assert_int_equal(al_tz_offset(&z, t("2050-01-15T12:00:00Z")), 19800000);
        al_tz_free(&z);
    }
    assert_int_equal(al_tz_load(&z, "Mars/Olympus", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "Mars/Olympus"));
    assert_int_equal(al_tz_load(&z, "../etc/passwd", err, sizeof(err)), -1);
    unsigned char junk[64] = "TZif";
    assert_int_equal(al_tz_parse(&z, junk, sizeof(junk), err, sizeof(err)), -1);
}

static void test_weekend_and_lunch(void **state)
{
    (void)state;
    HAVE_ZONE("Europe/Berlin");
    al_calendars_t c;
    char err[512];
    assert_int_equal(al_calendars_parse(&c, CALS, err, sizeof(err)), 0);
    const al_calendar_t *emea = al_calendar_of_team(&c, "billing");
    assert_non_null(emea);
    assert_null(al_calendar_of_team(&c, "care"));
    /* Fri 2024-01-12 16:30 CET (15:30Z) + 1 h: 30 min on Friday, the weekend
     * pauses it, 30 min on Monday: 09:30 CET = 08:30Z. */
    expect_time(al_calendar_add(emea, t("2024-01-12T15:30:00Z"), 3600000), "2024-01-15T08:30:00Z");
    /* A complaint on Saturday waits for Monday 09:00. */
    expect_time(al_calendar_add(emea, t("2024-01-13T10:00:00Z"), 1800000), "2024-01-15T08:30:00Z");
    /* Friday's lunch break pauses it too: 11:30 CET + 1 h = 13:30 CET. */
    expect_time(al_calendar_add(emea, t("2024-01-12T10:30:00Z"), 3600000), "2024-01-12T12:30:00Z");
    /* Exactly the rest of the day ends at closing time. */
    expect_time(al_calendar_add(emea, t("2024-01-15T15:00:00Z"), 3600000), "2024-01-15T16:00:00Z");
    al_calendars_free(&c);
}

static void test_holiday_and_dst(void **state)
{
    (void)state;
    HAVE_ZONE("Europe/Berlin");
    HAVE_ZONE("America/New_York");
    al_calendars_t c;
    char err[512];
    assert_int_equal(al_calendars_parse(&c, CALS, err, sizeof(err)), 0);
    const al_calendar_t *emea = al_calendar_get(&c, "emea");
    /* Tue 2024-12-24 16:00 CET + 2 h: 1 h on the 24th, the 25th and 26th are
     * holidays, 1 h on Friday the 27th: 10:00 CET = 09:00Z. */
    expect_time(al_calendar_add(emea, t("2024-12-24T15:00:00Z"), 7200000), "2024-12-27T09:00:00Z");
    /* Across spring forward: Fri 2024-03-29 16:00 CET + 2 h = Mon 10:00 CEST,
     * which is 08:00Z (was 09:00Z a week earlier). */
    expect_time(al_calendar_add(emea, t("2024-03-29T15:00:00Z"), 7200000), "2024-04-01T08:00:00Z");
    /* New York, weekends only, all day: Sat 2024-11-02 00:00 EDT (04:00Z) +
     * 48 h of business time crosses fall back (Sunday has 25 real hours):
     * Saturday's 24 h, then 24 h of Sunday, 1 h before Sunday's end
     * (2024-11-04 00:00 EST = 05:00Z): 04:00Z. */
    const al_calendar_t *us = al_calendar_get(&c, "us");
    expect_time(al_calendar_add(us, t("2024-11-02T04:00:00Z"), 48LL * 3600000),
                "2024-11-04T04:00:00Z");
    al_calendars_free(&c);
}

static void test_bad_files(void **state)
{
    (void)state;
    HAVE_ZONE("Europe/Berlin");
    al_calendars_t c;
    char err[512];
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"{", "line 1"},
        {"{\"calendars\": {\"x\": {\"timezone\": \"Nowhere/City\", \"hours\": {}}}}",
         "Nowhere/City"},
        {"{\"calendars\": {\"x\": {\"timezone\": \"UTC\", \"hours\": {\"mon\": \"9-17\"}}}}",
         "hours.mon"},
        {"{\"calendars\": {\"x\": {\"timezone\": \"UTC\", \"hours\": {\"mon\": \"\"}}}}",
         "no business hours"},
        {"{\"calendars\": {\"x\": {\"timezone\": \"UTC\", \"hours\": {\"mon\": \"10:00-12:00,"
         "11:00-13:00\"}}}}",
         "non-overlapping"},
        {"{\"calendars\": {\"x\": {\"timezone\": \"UTC\", \"hours\": {\"mon\": \"09:00-17:00\"},"
         "\"holidays\": [\"25.12.2024\"]}}}",
         "holidays[0]"},
        {"{\"calendars\": {}, \"teams\": {\"billing\": \"nope\"}}", "teams.billing"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(al_calendars_parse(&c, bad[i].text, err, sizeof(err)), -1);
        if (strstr(err, bad[i].want) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].want);
    }
}

/* The engine: a clock opened on Friday afternoon breaches on Monday. */
static void test_engine_pauses(void **state)
{
    (void)state;
    HAVE_ZONE("Europe/Berlin");
    al_calendars_t c;
    char err[512];
    assert_int_equal(al_calendars_parse(&c, CALS, err, sizeof(err)), 0);
    al_options_t opt;
    al_options_default(&opt);
    opt.lateness_ms = 0;
    opt.calendars = &c;
    al_engine_t e;
    al_engine_init(&e, &opt);
    json_t *alerts = json_array();
    json_t *p = json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s},s:s,s:s,s:s,s:{s:b,s:s},s:{s:s,s:s,s:{s:i,s:n}}}",
        "schema", "outcry.post/v1", "id", "t:1", "platform", "twitter", "native_id", "1",
        "direction", "inbound", "brand", "acme", "author", "id", "u1", "text", "broken",
        "created_at", "2024-01-12T15:30:00Z", "conversation", "t:1", "classification", "complaint",
        1, "severity", "high", "routing", "team", "billing", "priority", "p2", "sla",
        "first_reply_s", 3600, "escalate_at");
    assert_non_null(p);
    assert_int_equal(al_test_engine_apply(&e, 0, p, alerts, err, sizeof(err)), 0);
    json_decref(p);
    assert_int_equal(al_test_engine_drain(&e, alerts), 0);
    assert_int_equal(json_array_size(alerts), 0);
    assert_int_equal(al_test_engine_tick(&e, t("2024-01-15T09:00:00Z"), alerts), 0); /* not live */
    al_engine_set_live(&e, (int32_t[]){0}, 1, 1);
    assert_int_equal(al_test_engine_tick(&e, t("2024-01-14T23:00:00Z"), alerts), 0);
    assert_int_equal(json_array_size(alerts), 0);
    assert_int_equal(al_test_engine_tick(&e, t("2024-01-15T09:00:00Z"), alerts), 0);
    assert_int_equal(json_array_size(alerts), 2); /* warning (45 min), breach (1 h) */
    const json_t *b = json_array_get(alerts, 1);
    assert_string_equal(json_string_value(json_object_get(b, "type")), "sla.breach");
    assert_string_equal(json_string_value(json_object_get(b, "deadline")), "2024-01-15T08:30:00Z");
    json_decref(alerts);
    al_engine_free(&e);
    /* A policy naming an unknown calendar is refused. */
    al_engine_init(&e, &opt);
    alerts = json_array();
    p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s},s:s,s:s,s:{s:b},s:{s:s,s:{s:i,s:s}}}", "schema",
                  "outcry.post/v1", "id", "t:2", "platform", "twitter", "native_id", "2",
                  "direction", "inbound", "brand", "acme", "author", "id", "u1", "created_at",
                  "2024-01-12T15:30:00Z", "conversation", "t:2", "classification", "complaint", 1,
                  "routing", "team", "care", "sla", "first_reply_s", 60, "calendar", "apac");
    assert_int_equal(al_test_engine_apply(&e, 0, p, alerts, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "apac"));
    json_decref(p);
    json_decref(alerts);
    al_engine_free(&e);
    al_calendars_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zone_offsets),    cmocka_unit_test(test_weekend_and_lunch),
        cmocka_unit_test(test_holiday_and_dst), cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_engine_pauses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
