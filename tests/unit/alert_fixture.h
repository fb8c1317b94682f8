/* alert_fixture.h -- the routed posts and the apply step the alert engine's
 * unit tests share. Include after cmocka.h and sla.h. */
#ifndef AL_TEST_FIXTURE_H
#define AL_TEST_FIXTURE_H

#include <cJSON.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* A routed post: dir "in" is a billing complaint (p2, 30 s SLA, high
 * severity), "out" the brand's post. Returns a new reference. */
static inline json_t *al_test_post(const char *id, const char *conv, const char *dir,
                                   const char *created, const char *author_id, const char *handle,
                                   const char *text)
{
    json_t *p = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:s,s:s}", "schema",
                          "outcry.post/v1", "id", id, "platform", "twitter", "native_id", id,
                          "direction", strcmp(dir, "out") == 0 ? "outbound" : "inbound", "brand",
                          "acme", "author", "id", author_id, "handle", handle, "text", text,
                          "created_at", created, "conversation", conv);
    assert_non_null(p);
    if (strcmp(dir, "in") == 0) {
        json_object_set_new(p, "classification",
                            json_pack("{s:b,s:s}", "complaint", 1, "severity", "high"));
        json_object_set_new(p, "routing",
                            json_pack("{s:s,s:s,s:{s:i},s:s}", "team", "billing", "priority", "p2",
                                      "sla", "first_reply_s", 30, "rule", "r"));
    }
    return p;
}

/* 1 when a and b are both NULL or equal strings. */
static inline int al_test_same(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Fails the test unless a and b are the same event (and summary). */
static inline void al_test_same_event(const al_event_t *a, const al_event_t *b)
{
    assert_true(al_test_same(a->case_id, b->case_id) && al_test_same(a->post_id, b->post_id) &&
                al_test_same(a->brand, b->brand) && al_test_same(a->team, b->team) &&
                al_test_same(a->priority, b->priority) &&
                al_test_same(a->author_id, b->author_id) && al_test_same(a->handle, b->handle) &&
                al_test_same(a->text, b->text) && al_test_same(a->url, b->url));
    assert_true(a->at_ms == b->at_ms && a->outbound == b->outbound && a->noise == b->noise &&
                a->opens == b->opens && a->critical == b->critical &&
                a->target_ms == b->target_ms && a->warn_at == b->warn_at &&
                a->escalate_at == b->escalate_at && a->cal == b->cal &&
                a->has_followers == b->has_followers && a->followers == b->followers);
    if (a->opens) {
        oc_buf_t x = {0}, y = {0};
        assert_int_equal(al_event_summary(a, &x), 0);
        assert_int_equal(al_event_summary(b, &y), 0);
        assert_string_equal(x.data, y.data);
        oc_buf_free(&x);
        oc_buf_free(&y);
    }
}

/* Reads post with both views (jansson's tree, and cJSON's of its text, as
 * the Kafka loop reads it) and fails the test unless they agree: verdict,
 * reason, every field and the alert's summary. Returns the verdict; *ev is
 * the cJSON reading, valid while *tree lives (the caller frees it). */
static inline int al_test_read(const al_engine_t *e, const json_t *post, al_event_t *ev,
                               cJSON **tree, char *err, size_t errlen)
{
    char *text = json_dumps(post, JSON_COMPACT);
    assert_non_null(text);
    *tree = cJSON_Parse(text);
    free(text);
    assert_non_null(*tree);
    al_event_t j;
    char jerr[256] = "";
    int jrc = al_event_read_json(&e->opt, post, &j, jerr, sizeof(jerr));
    int rc = al_event_read_cjson(&e->opt, *tree, ev, err, errlen);
    assert_int_equal(rc, jrc);
    if (rc != 0) {
        assert_string_equal(err, jerr);
        return rc;
    }
    al_test_same_event(ev, &j);
    return 0;
}

/* The engine writes alerts as text into a batch (al_alerts_t); the tests look
 * into them as jansson objects. Moves the alerts of b into the JSON array
 * arr, each parsed from its text (failing the test unless the text is JSON
 * and its id, case and team are the batch's), and frees b. */
static inline void al_test_take(al_alerts_t *b, json_t *arr)
{
    for (size_t i = 0; i < al_alerts_count(b); i++) {
        al_alert_t a = al_alerts_get(b, i);
        json_error_t jerr;
        json_t *o = json_loadb(a.json, a.json_len, 0, &jerr);
        if (o == NULL)
            fail_msg("alert %zu is not JSON (%s, column %d): %s", i, jerr.text, jerr.column,
                     a.json);
        assert_int_equal(strlen(a.json), a.json_len);
        assert_string_equal(json_string_value(json_object_get(o, "alert_id")), a.id);
        assert_string_equal(json_string_value(json_object_get(o, "case")), a.case_id);
        assert_string_equal(json_string_value(json_object_get(o, "team")), a.team);
        assert_string_equal(json_string_value(json_object_get(o, "type")), al_kind_name(a.kind));
        assert_int_equal(json_array_append_new(arr, o), 0);
    }
    al_alerts_free(b);
}

/* The engine's calls, with what fires appended to the JSON array arr. */
static inline int al_test_engine_apply(al_engine_t *e, int32_t partition, const json_t *post,
                                       json_t *arr, char *err, size_t errlen)
{
    al_alerts_t b = {0};
    int rc = al_engine_apply(e, partition, post, &b, err, errlen);
    al_test_take(&b, arr);
    return rc;
}

static inline int al_test_engine_apply_event(al_engine_t *e, int32_t partition,
                                             const al_event_t *ev, json_t *arr)
{
    al_alerts_t b = {0};
    int rc = al_engine_apply_event(e, partition, ev, &b);
    al_test_take(&b, arr);
    return rc;
}

static inline int al_test_engine_tick(al_engine_t *e, int64_t now_ms, json_t *arr)
{
    al_alerts_t b = {0};
    int rc = al_engine_tick(e, now_ms, &b);
    al_test_take(&b, arr);
    return rc;
}

static inline int al_test_engine_drain(al_engine_t *e, json_t *arr)
{
    al_alerts_t b = {0};
    int rc = al_engine_drain(e, &b);
    al_test_take(&b, arr);
    return rc;
}

static inline int al_test_engine_advance(al_engine_t *e, int32_t partition, int64_t wm_ms,
                                         json_t *arr)
{
    al_alerts_t b = {0};
    int rc = al_engine_advance(e, partition, wm_ms, &b);
    al_test_take(&b, arr);
    return rc;
}

/* Applies post (stolen) on partition 0, read as the Kafka loop reads it
 * (after checking that both views agree); fails the test on an error. */
static inline void al_test_apply(al_engine_t *e, json_t *post, json_t *alerts)
{
    char err[256] = "";
    al_event_t ev;
    cJSON *tree = NULL;
    if (al_test_read(e, post, &ev, &tree, err, sizeof(err)) != 0)
        fail_msg("read failed: %s", err);
    int rc = al_test_engine_apply_event(e, 0, &ev, alerts);
    cJSON_Delete(tree);
    if (rc != 0)
        fail_msg("apply failed (%d)", rc);
    json_decref(post);
}

#endif
