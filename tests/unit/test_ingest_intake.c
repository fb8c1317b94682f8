/* test_ingest_intake.c -- one HTTP request's body to messages and an answer
 * (ingest/intake.c: ig_intake), with the messages caught before Kafka
 * (ig_server_t.produce): long ids, the dedup window across requests, and
 * what the answer says against what was produced. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ingest/format.h"
#include "ingest/serve.h"
#include "post.h"

/* What one request produced: [topic, key, message] triples. */
static json_t *sent;

static int catch_message(void *ctx, const char *topic, const char *key, const char *msg, size_t len)
{
    (void)ctx;
    return json_array_append_new(sent, json_pack("[s,s?,s%]", topic, key, msg, len));
}

typedef struct fixture {
    oc_config_t cfg;      /* topic names */
    ig_serve_opts_t opts; /* the limits */
    ig_server_t srv;      /* no producer: catch_message */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (!f || oc_config_init(&f->cfg, "ingest") != 0) {
        return -1;
    }
    f->opts = (ig_serve_opts_t){.max_body = 1 << 20,
                                .ack_timeout_ms = 1000,
                                .max_queue = 1000,
                                .dedup_ids = 100,
                                .dedup_ms = 0};
    f->srv.opts = &f->opts;
    f->srv.cfg = &f->cfg;
    f->srv.produce = catch_message;
    f->srv.seen = ig_seen_new(f->opts.dedup_ids, f->opts.dedup_ms);
    if (!f->srv.seen || pthread_mutex_init(&f->srv.ack_mu, NULL) != 0 ||
        pthread_cond_init(&f->srv.acked, NULL) != 0) {
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    ig_seen_free(f->srv.seen);
    pthread_mutex_destroy(&f->srv.ack_mu);
    pthread_cond_destroy(&f->srv.acked);
    oc_config_free(&f->cfg);
    free(f);
    json_decref(sent);
    sent = NULL;
    return 0;
}

/* POSTs body as canonical JSONL; returns the answer (new reference), the
 * messages in sent. */
static json_t *post(fixture_t *f, const char *body, unsigned want_status)
{
    json_decref(sent);
    sent = json_array();
    oc_http_resp_t resp = {0};
    ig_intake(&f->srv, &ig_format_jsonl, "http", body, strlen(body), &resp);
    assert_int_equal(resp.status, want_status);
    json_t *answer = json_loads(resp.body, 0, NULL);
    assert_non_null(answer);
    free(resp.body);
    return answer;
}

/* The post of message i of sent (new reference), checked to be canonical. */
static json_t *sent_post(size_t i)
{
    const char *msg = json_string_value(json_array_get(json_array_get(sent, i), 2));
    assert_non_null(msg);
    json_t *p = oc_post_parse(msg, strlen(msg), NULL, 0);
    assert_non_null(p);
    return p;
}

static const char *result_id(const json_t *answer, size_t i)
{
    return json_string_value(
        json_object_get(json_array_get(json_object_get(answer, "results"), i), "id"));
}

/* A canonical post with id, in_reply_to (may be NULL) and an unknown
 * member "pad" of pad bytes (0: none) as a JSON line. */
static char *post_line(const char *id, const char *up, size_t pad)
{
    char *p_ = calloc(1, pad + 1);
    assert_non_null(p_);
    memset(p_, 'p', pad);
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s}, s:s, s:s, s:s?, s:s?}", "schema",
                          OC_POST_SCHEMA, "id", id, "platform", "rss", "direction", "inbound",
                          "brand", "acme", "author", "id", "7", "text", "hello", "created_at",
                          "2026-03-01T09:00:00Z", "in_reply_to", up, "pad", pad ? p_ : NULL);
    char *s = oc_json_dumps(p);
    json_decref(p);
    free(p_);
    return s;
}

/* Ids longer than a fast item keeps (160 bytes) go the slow path: they
 * must be kept whole -- in the answer, in the conversation, in the dedup
 * window. They were cut at 159 bytes: two posts sharing that much were one
 * post (the second answered "duplicate" and never produced), and the
 * conversation named a post that does not exist. */
static void test_long_ids_are_kept_whole(void **state)
{
    fixture_t *f = *state;
    char a[260], b[260], c[260];
    memset(a, 'x', sizeof a);
    memcpy(a, "rss:", 4);
    a[250] = '\0';
    memcpy(b, a, sizeof b);
    memcpy(c, a, sizeof c);
    a[249] = 'a';
    b[249] = 'b';
    c[249] = 'c';
    char *la = post_line(a, NULL, 0), *lb = post_line(b, NULL, 0), *lc = post_line(c, a, 0);
    char body[2048];
    snprintf(body, sizeof body, "%s\n%s\n", la, lb);

    json_t *answer = post(f, body, 202);
    assert_int_equal(json_integer_value(json_object_get(answer, "accepted")), 2);
    assert_int_equal(json_integer_value(json_object_get(answer, "duplicates")), 0);
    assert_string_equal(result_id(answer, 0), a);
    assert_string_equal(result_id(answer, 1), b);
    assert_int_equal(json_array_size(sent), 2);
    json_t *p = sent_post(1);
    assert_string_equal(oc_post_str(p, "conversation"), b);
    assert_string_equal(json_string_value(json_array_get(json_array_get(sent, 1), 1)), b);
    json_decref(p);
    json_decref(answer);

    /* a reply in a later request joins its parent's whole conversation */
    answer = post(f, lc, 202);
    p = sent_post(0);
    assert_string_equal(oc_post_str(p, "conversation"), a);
    json_decref(p);
    json_decref(answer);

    /* sent again: duplicates, under their whole ids */
    answer = post(f, body, 202);
    assert_int_equal(json_integer_value(json_object_get(answer, "duplicates")), 2);
    assert_string_equal(result_id(answer, 1), b);
    assert_int_equal(json_array_size(sent), 0);
    json_decref(answer);
    free(la);
    free(lb);
    free(lc);
}

/* "conversation": "" is none: a reply saying so joins its parent's, as the
 * file intake does (it was produced with "" and keyed by its own id). */
static void test_empty_conversation_is_none(void **state)
{
    fixture_t *f = *state;
    const char *parent =
        "{\"schema\":\"outcry.post/v1\",\"id\":\"rss:1\",\"platform\":\"rss\","
        "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"hi\",\"created_at\":\"2026-03-01T09:00:00Z\",\"conversation\":\"\"}";
    const char *reply =
        "{\"schema\":\"outcry.post/v1\",\"id\":\"rss:2\",\"platform\":\"rss\","
        "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"hi\",\"created_at\":\"2026-03-01T09:00:00Z\",\"conversation\":\"\","
        "\"in_reply_to\":\"rss:1\"}";
    const char *const bodies[] = {parent, reply};
    for (size_t i = 0; i < 2; i++) {
        json_t *answer = post(f, bodies[i], 202);
        json_t *p = sent_post(0);
        assert_string_equal(oc_post_str(p, "conversation"), "rss:1");
        assert_string_equal(json_string_value(json_array_get(json_array_get(sent, 0), 1)), "rss:1");
        json_decref(p);
        json_decref(answer);
    }
}

/* A message is at most 64 KiB (DESIGN.md): a post that would go out
 * bigger is rejected, not produced for every stage to refuse. Here the
 * reply of a post with a 30,000-byte id fits as sent, but not with its
 * conversation (its parent's id) added: known only as it is produced. */
static void test_message_limit(void **state)
{
    fixture_t *f = *state;
    char parent[30001];
    memset(parent, 'i', sizeof parent - 1);
    memcpy(parent, "rss:", 4);
    parent[sizeof parent - 1] = '\0';
    char *lp = post_line(parent, NULL, 0), *lr = post_line("rss:2", parent, 35000);
    char *big = post_line("rss:3", NULL, 65536);
    assert_true(strlen(lr) <= 65536 - 100);
    size_t size = strlen(lp) + strlen(lr) + strlen(big) + 4;
    char *body = malloc(size);
    assert_non_null(body);
    snprintf(body, size, "%s\n%s\n%s\n", lp, lr, big);
    json_t *answer = post(f, body, 207);
    assert_int_equal(json_integer_value(json_object_get(answer, "accepted")), 1);
    assert_int_equal(json_integer_value(json_object_get(answer, "rejected")), 2);
    json_t *results = json_object_get(answer, "results");
    for (size_t i = 1; i < 3; i++) {
        json_t *r = json_array_get(results, i);
        assert_string_equal(json_string_value(json_object_get(r, "code")), "invalid_post");
        assert_non_null(strstr(json_string_value(json_object_get(r, "error")), "at most 65536"));
    }
    /* the parent, within the limit, then the two DLQ entries */
    assert_int_equal(json_array_size(sent), 3);
    const char *m = json_string_value(json_array_get(json_array_get(sent, 0), 2));
    assert_true(strlen(m) <= 65536);
    json_decref(sent_post(0));
    for (size_t i = 1; i < 3; i++) {
        const char *topic = json_string_value(json_array_get(json_array_get(sent, i), 0));
        assert_non_null(strstr(topic, "dlq"));
    }
    json_decref(answer);
    free(body);
    free(lp);
    free(lr);
    free(big);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_long_ids_are_kept_whole, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_conversation_is_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_message_limit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
