/* alert_fixture.h -- the routed posts and the apply step the alert engine's
 * unit tests share. Include after cmocka.h and sla.h. */
#ifndef AL_TEST_FIXTURE_H
#define AL_TEST_FIXTURE_H

#include <jansson.h>
#include <string.h>

/* A routed post: dir "in" is a billing complaint (p2, 30 s SLA, high
 * severity), "out" the brand's post. Returns a new reference. */
static inline json_t *al_test_post(const char *id, const char *conv, const char *dir,
                                   const char *created, const char *author_id,
                                   const char *handle, const char *text)
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
                            json_pack("{s:s,s:s,s:{s:i},s:s}", "team", "billing", "priority",
                                      "p2", "sla", "first_reply_s", 30, "rule", "r"));
    }
    return p;
}

/* Applies post (stolen) on partition 0; fails the test on an error. */
static inline void al_test_apply(al_engine_t *e, json_t *post, json_t *alerts)
{
    char err[256] = "";
    int rc = al_engine_apply(e, 0, post, alerts, err, sizeof(err));
    if (rc != 0)
        fail_msg("apply failed (%d): %s", rc, err);
    json_decref(post);
}

#endif
