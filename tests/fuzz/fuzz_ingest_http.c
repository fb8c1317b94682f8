/* fuzz_ingest_http.c -- ingest's HTTP intake (POST /v1/posts, the Twitter
 * webhook): request bodies through ig_intake() as serve's handler calls it,
 * with the messages it would produce caught before Kafka
 * (ig_server_t.produce) and one dedup window over the input's requests.
 *
 * The first byte picks: bits 0-1 the format (jsonl, twitter1, twitter2,
 * mastodon), bit 2 to send every body a second time. The rest is one or
 * more bodies separated by "\n===\n", sent in order. What must hold, besides
 * no crash, sanitizer report or leak:
 *   - the answer is 202, 207 or 400, a JSON object with one result per item
 *     whose counts add up (no 500, no 503: nothing fails here);
 *   - every accepted item is produced once, to posts, as a canonical post
 *     oc_post_parse() accepts, under the id its result names and keyed by
 *     its conversation; every rejected one is a DLQ entry with its code and
 *     reason; a duplicate is produced not at all;
 *   - a v1.1 or Mastodon reply (they carry no conversation) joins its
 *     parent's conversation when the parent was produced before it;
 *   - sent again, no item is accepted a second time.
 * A broken promise aborts with what was sent and answered, so the fuzzer
 * keeps the input. */
#define _GNU_SOURCE /* memmem */
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_ingest.h"
#include "ingest/serve.h"
#include "ingest/text.h"
#include "post.h"

#define SEP      "\n===\n"
#define SEEN_IDS 4096 /* the dedup window: more than an input can hold */
#define MAX_BODY (1024 * 1024)
#define MAX_MSGS 100000

/* What ig_intake handed to Kafka during one request. */
typedef struct sent {
    json_t *posts; /* [key, message] pairs produced to posts */
    json_t *dlq;   /* messages produced to dlq */
} sent_t;

static oc_config_t cfg;
static ig_serve_opts_t opts = {
    .max_body = MAX_BODY,
    .ack_timeout_ms = 1000,
    .max_queue = MAX_MSGS,
    .dedup_ids = SEEN_IDS,
    .dedup_ms = 0,
};
static ig_server_t srv;
static char posts_topic[256];

static const ig_format_t *const formats[4] = {&ig_format_jsonl, &ig_format_twitter1,
                                              &ig_format_twitter2, &ig_format_mastodon};

static void broken(const char *what, const char *detail, const char *body, size_t len)
{
    fprintf(stderr, "fuzz: ingest_http: %s: %s\n  body: %.*s\n", what, detail ? detail : "",
            (int)(len < 2000 ? len : 2000), body);
    abort();
}

static int sink(void *ctx, const char *topic, const char *key, const char *msg, size_t len)
{
    sent_t *s = ctx;
    json_t *m = json_stringn(msg, len);
    if (!m) {
        fprintf(stderr, "fuzz: ingest_http: a message is not UTF-8: %.*s\n", (int)len, msg);
        abort();
    }
    if (strcmp(topic, posts_topic) == 0) {
        return json_array_append_new(s->posts, json_pack("[s?,o]", key, m));
    }
    return json_array_append_new(s->dlq, m);
}

/* One request: checks the answer against what was produced. convs maps the
 * ids produced so far in this input to their conversation; accepted gets
 * the number of items accepted. */
static void request(const ig_format_t *fmt, const char *body, size_t len, json_t *convs,
                    size_t *accepted)
{
    sent_t s = {json_array(), json_array()};
    srv.produce_ctx = &s;
    oc_http_resp_t resp = {0};
    ig_intake(&srv, fmt, "http", body, len, &resp);
    *accepted = 0;
    if (resp.status != 202 && resp.status != 207 && resp.status != 400) {
        char st[64];
        snprintf(st, sizeof st, "status %u: %s", resp.status, resp.body ? resp.body : "");
        broken("an answer other than 202, 207 or 400", st, body, len);
    }
    json_error_t jerr;
    json_t *answer = resp.body ? json_loads(resp.body, 0, &jerr) : NULL;
    json_t *results = json_object_get(answer, "results");
    if (!json_is_object(answer) ||
        (!results && !(resp.status == 400 && ig_text_blank(body, len)))) {
        broken("the answer is not a JSON object with results", resp.body, body, len);
    }
    size_t n = json_array_size(results), acc = 0, dup = 0, rej = 0, p = 0, d = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *r = json_array_get(results, i);
        const char *status = json_string_value(json_object_get(r, "status"));
        const char *id = json_string_value(json_object_get(r, "id"));
        if (json_integer_value(json_object_get(r, "index")) != (json_int_t)i || !status) {
            broken("a result without its index or status", resp.body, body, len);
        }
        if (strcmp(status, "rejected") == 0) {
            rej++;
            json_t *e = json_loads(json_string_value(json_array_get(s.dlq, d++)), 0, &jerr);
            if (!e || !json_equal(json_object_get(e, "code"), json_object_get(r, "code")) ||
                !json_equal(json_object_get(e, "reason"), json_object_get(r, "error")) ||
                !json_string_length(json_object_get(r, "error"))) {
                broken("a rejected item's DLQ entry is missing or differs", resp.body, body, len);
            }
            json_decref(e);
            continue;
        }
        if (strcmp(status, "duplicate") == 0) {
            dup++;
            continue;
        }
        acc++;
        json_t *pair = json_array_get(s.posts, p++);
        const char *key = json_string_value(json_array_get(pair, 0));
        const char *msg = json_string_value(json_array_get(pair, 1));
        char err[512];
        json_t *post = msg ? oc_post_parse(msg, strlen(msg), err, sizeof err) : NULL;
        if (!post) {
            broken("ingest produced a post oc_post_parse() refuses", msg ? err : "none produced",
                   msg ? msg : body, msg ? strlen(msg) : len);
        }
        const char *conv = oc_post_str(post, "conversation");
        if (!id || strcmp(id, oc_post_id(post)) != 0) {
            broken("the result's id is not the post's", id, msg, strlen(msg));
        }
        if (!conv || !key || strcmp(key, oc_post_conversation(post)) != 0 ||
            !oc_post_str(post, "ingested_at")) {
            broken("the post's key is not its conversation, or it has none", key, msg, strlen(msg));
        }
        const char *up = oc_post_str(post, "in_reply_to");
        const char *want = up ? json_string_value(json_object_get(convs, up)) : NULL;
        if (want && fmt != &ig_format_jsonl && fmt != &ig_format_twitter2 &&
            strcmp(want, conv) != 0) {
            broken("a reply is not in its parent's conversation", want, msg, strlen(msg));
        }
        if (!json_object_get(convs, oc_post_id(post))) {
            json_object_set_new(convs, oc_post_id(post), json_string(conv));
        }
        json_decref(post);
    }
    if (p != json_array_size(s.posts) || d != json_array_size(s.dlq) ||
        json_integer_value(json_object_get(answer, "accepted")) != (json_int_t)acc ||
        json_integer_value(json_object_get(answer, "duplicates")) != (json_int_t)dup ||
        json_integer_value(json_object_get(answer, "rejected")) != (json_int_t)rej) {
        char c[160];
        snprintf(c, sizeof c,
                 "produced %zu posts and %zu DLQ entries for %zu accepted, %zu rejected",
                 json_array_size(s.posts), json_array_size(s.dlq), acc, rej);
        broken("the answer does not match what was produced", c, resp.body, strlen(resp.body));
    }
    *accepted = acc;
    json_decref(answer);
    json_decref(s.posts);
    json_decref(s.dlq);
    free(resp.body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_ingest_config(&cfg);
    srv.opts = &opts;
    srv.cfg = &cfg;
    srv.produce = sink;
    if (pthread_mutex_init(&srv.ack_mu, NULL) != 0 ||
        pthread_mutex_init(&srv.orphan_mu, NULL) != 0 || pthread_cond_init(&srv.acked, NULL) != 0 ||
        !oc_topic_name(&cfg, "posts", posts_topic, sizeof posts_topic)) {
        fprintf(stderr, "fuzz: ingest_http: setting up failed\n");
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MAX_BODY) {
        return 0;
    }
    const ig_format_t *fmt = formats[data[0] & 3];
    int again = (data[0] >> 2) & 1;
    const char *in = (const char *)data + 1;
    size_t len = size - 1;
    srv.seen = ig_seen_new(SEEN_IDS, 0);
    json_t *convs = json_object();
    if (!srv.seen || !convs) {
        abort();
    }
    size_t total = 0;
    for (int round = 0; round < 1 + again; round++) {
        const char *p = in, *end = in + len;
        while (p <= end) {
            const char *sep = memmem(p, (size_t)(end - p), SEP, sizeof SEP - 1);
            size_t n = sep ? (size_t)(sep - p) : (size_t)(end - p);
            size_t accepted;
            request(fmt, p, n, convs, &accepted);
            if (round == 1 && accepted > 0 && total <= SEEN_IDS) {
                broken("a post was accepted again when sent again", NULL, p, n);
            }
            total += accepted;
            p += n + sizeof SEP - 1;
        }
    }
    json_decref(convs);
    ig_seen_free(srv.seen);
    srv.seen = NULL;
    return 0;
}
