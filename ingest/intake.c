/* intake.c -- one HTTP request's body to Kafka (serve.h: ig_intake).
 *
 * Every item of the body gets a result: accepted (produced), duplicate
 * (already produced within the dedup window: not produced again, counted) or
 * rejected (its DLQ entry produced). The answer waits until Kafka has
 * acknowledged every message the request caused, so a 202 means the posts
 * are durable, and a client that gets anything else may send the same body
 * again: dedup keeps what did get through from being produced twice. */
#include "dlq.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "post.h"
#include "serve.h"
#include "text.h"
#include "timeutil.h"

#include <librdkafka/rdkafka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ST_ACCEPTED, ST_DUPLICATE, ST_REJECTED };

typedef struct item {
    json_t *post;               /* the post while it is to be produced; owned */
    int status;                 /* ST_* */
    const char *code;           /* reject code (static) */
    char reason[IG_REASON_MAX]; /* reject reason */
    char id[160];               /* post id, when there is one */
} item_t;

typedef struct req {
    ig_server_t *srv;   /* borrowed */
    const char *source; /* "http", "twitter-webhook" */
    item_t *items;      /* one per item of the body */
    size_t n;           /* items used */
    size_t cap;         /* items allocated */
    json_t *dlq;        /* DLQ entries to produce */
    int oom;            /* an allocation failed */
} req_t;

void ig_reason_field(const char *reason, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *q = strstr(reason, "field '");
    const char *start = q ? q + 7 : reason;
    size_t n = 0;
    while (start[n] && (start[n] == '_' || start[n] == '.' || start[n] == '[' || start[n] == ']' ||
                        (start[n] >= 'a' && start[n] <= 'z') || (start[n] >= '0' && start[n] <= '9'))) {
        n++;
    }
    if (n == 0 || n >= size) {
        return;
    }
    /* Without "field '...'", the reason must start with a field name:
     * "created_at is missing", "id_str '12ab' is not...", "user.id (...". */
    if (!q && !memchr(start, '_', n) && !memchr(start, '.', n) &&
        strncmp(start + n, " is ", 4) != 0 && strncmp(start + n, " must ", 6) != 0) {
        return;
    }
    memcpy(buf, start, n);
    buf[n] = '\0';
}

void ig_reply_error(oc_http_resp_t *resp, unsigned status, const char *msg)
{
    char field[64];
    ig_reason_field(msg, field, sizeof field);
    json_t *o = json_pack("{s:s}", "error", msg);
    if (o && field[0]) {
        json_object_set_new(o, "field", json_string(field));
    }
    resp->status = status;
    resp->body = o ? oc_json_dumps(o) : NULL;
    json_decref(o);
}

static item_t *new_item(req_t *r)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        item_t *it = realloc(r->items, cap * sizeof *it);
        if (!it) {
            r->oom = 1;
            return NULL;
        }
        r->items = it;
        r->cap = cap;
    }
    item_t *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static int on_item(void *ctx, ig_result_t *res, size_t index, const char *bytes, size_t len)
{
    (void)index;
    req_t *r = ctx;
    item_t *it = new_item(r);
    if (!it) {
        json_decref(res->post);
        return -1;
    }
    char err[IG_REASON_MAX];
    if (res->post && oc_post_validate(res->post, err, sizeof err) != 0) {
        json_decref(res->post);
        res->post = NULL;
        res->code = "invalid_post";
        snprintf(res->reason, sizeof res->reason, "%s", err);
    }
    if (res->post) {
        it->post = res->post;
        it->status = ST_ACCEPTED;
        snprintf(it->id, sizeof it->id, "%s", oc_post_id(res->post));
        return 0;
    }
    it->status = ST_REJECTED;
    it->code = res->code ? res->code : "invalid_post";
    snprintf(it->reason, sizeof it->reason, "%s", res->reason);
    oc_dlq_origin_t origin = {.source = r->source, .topic = NULL, .partition = -1,
                              .offset = (int64_t)r->n - 1, .key = NULL};
    json_t *e = oc_dlq_entry("ingest", it->code, it->reason, &origin, bytes, len);
    if (!e || json_array_append_new(r->dlq, e) != 0) {
        r->oom = 1;
        return -1;
    }
    return 0;
}

/* Splits the body into records: the whole body when it is one JSON value,
 * else one record per non-blank line (NDJSON). */
static int split(req_t *r, const ig_format_t *fmt, const char *body, size_t len)
{
    const char *nl = memchr(body, '\n', len);
    int whole = nl == NULL;
    if (!whole) {
        json_error_t jerr;
        json_t *v = json_loadb(body, len, 0, &jerr);
        whole = v != NULL;
        json_decref(v);
    }
    if (whole) {
        return ig_json_each(fmt, body, len, on_item, r) < 0 ? -1 : 0;
    }
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        if (!ig_text_blank(p, n) && ig_json_each(fmt, p, n, on_item, r) < 0) {
            return -1;
        }
        p += n + 1;
    }
    return 0;
}

/* Produces the accepted posts (after dedup) and the DLQ entries. */
static int produce_all(req_t *r, oc_ticket_t *t, char *err, size_t errlen)
{
    ig_server_t *srv = r->srv;
    int64_t now = oc_now_ms();
    json_t *here = json_object(); /* this request's ids -> conversation */
    if (!here) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        item_t *it = &r->items[i];
        if (it->status != ST_ACCEPTED) {
            continue;
        }
        if (json_object_get(here, it->id) || ig_seen_get(srv->seen, it->id, now, NULL, 0)) {
            it->status = ST_DUPLICATE;
            oc_metric_add(oc_counter("outcry_ingest_duplicates_total",
                                     "posts not produced again: same id within the dedup window",
                                     NULL),
                          1);
            oc_debug("duplicate", "%s: post %s already produced; not producing it again",
                     r->source, it->id);
            continue;
        }
        if (!json_is_string(json_object_get(it->post, "conversation"))) {
            char conv[160];
            const char *parent = oc_post_str(it->post, "in_reply_to");
            const json_t *hc = parent ? json_object_get(here, parent) : NULL;
            const char *c = it->id;
            if (hc) {
                c = json_string_value(hc);
            } else if (parent && ig_seen_get(srv->seen, parent, now, conv, sizeof conv)) {
                c = conv;
            }
            if (json_object_set_new(it->post, "conversation", json_string(c)) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
        }
        const char *conv = oc_post_conversation(it->post);
        if (json_object_set_new(here, it->id, json_string(conv)) != 0 ||
            ig_stamp(it->post, now) != 0 ||
            oc_produce_json(&srv->producer, "posts", conv, it->post, t) != 0) {
            snprintf(err, errlen, "cannot enqueue post %s: %s", it->id, srv->producer.err);
            rc = -1;
        }
    }
    size_t i;
    json_t *e;
    json_array_foreach(r->dlq, i, e)
    {
        if (rc == 0 && oc_produce_json(&srv->producer, OC_DLQ_TOPIC, NULL, e, t) != 0) {
            snprintf(err, errlen, "cannot enqueue a DLQ entry: %s", srv->producer.err);
            rc = -1;
        }
    }
    json_decref(here);
    return rc;
}

/* Waits for t->pending to reach 0 until the deadline. Returns 0 or -1. */
static int wait_acked(oc_ticket_t *t, int timeout_ms)
{
    int64_t deadline = oc_mono_ms() + timeout_ms;
    struct timespec ts = {.tv_sec = 0, .tv_nsec = 1000000};
    while (t->pending > 0) {
        if (oc_mono_ms() >= deadline) {
            return -1;
        }
        nanosleep(&ts, NULL);
    }
    return 0;
}

/* The answer: counts and one result per item. */
static void answer(req_t *r, oc_http_resp_t *resp)
{
    int acc = 0, dup = 0, rej = 0;
    json_t *results = json_array();
    const item_t *first_bad = NULL;
    size_t first_bad_i = 0;
    int bad = !results;
    for (size_t i = 0; i < r->n && !bad; i++) {
        const item_t *it = &r->items[i];
        json_t *o;
        if (it->status == ST_REJECTED) {
            char field[64];
            ig_reason_field(it->reason, field, sizeof field);
            o = json_pack("{s:I, s:s, s:s, s:s}", "index", (json_int_t)i, "status", "rejected",
                          "code", it->code, "error", it->reason);
            if (o && field[0]) {
                bad |= json_object_set_new(o, "field", json_string(field));
            }
            if (!first_bad) {
                first_bad = it;
                first_bad_i = i;
            }
            rej++;
        } else {
            o = json_pack("{s:I, s:s, s:s}", "index", (json_int_t)i, "status",
                          it->status == ST_DUPLICATE ? "duplicate" : "accepted", "id", it->id);
            it->status == ST_DUPLICATE ? dup++ : acc++;
        }
        bad |= !o || json_array_append_new(results, o) != 0;
    }
    if (bad) {
        json_decref(results);
        resp->status = 500;
        resp->body = NULL; /* the handler answers "out of memory" */
        return;
    }
    json_t *body = json_pack("{s:i, s:i, s:i, s:o}", "accepted", acc, "duplicates", dup,
                             "rejected", rej, "results", results);
    resp->status = rej == 0 ? 202 : (acc + dup > 0 ? 207 : 400);
    if (body && first_bad) {
        char msg[IG_REASON_MAX + 32], field[64];
        if (r->n > 1) {
            snprintf(msg, sizeof msg, "item %zu: %s", first_bad_i, first_bad->reason);
        } else {
            snprintf(msg, sizeof msg, "%s", first_bad->reason);
        }
        ig_reason_field(first_bad->reason, field, sizeof field);
        if (json_object_set_new(body, "error", json_string(msg)) != 0 ||
            json_object_set_new(body, "code", json_string(first_bad->code)) != 0 ||
            (field[0] && json_object_set_new(body, "field", json_string(field)) != 0)) {
            json_decref(body);
            body = NULL;
        }
    }
    oc_metric_add(oc_counter("outcry_ingest_posts_total", "items received over HTTP, by result",
                             "result=\"accepted\""),
                  acc);
    oc_metric_add(oc_counter("outcry_ingest_posts_total", "items received over HTTP, by result",
                             "result=\"duplicate\""),
                  dup);
    oc_metric_add(oc_counter("outcry_ingest_posts_total", "items received over HTTP, by result",
                             "result=\"rejected\""),
                  rej);
    resp->body = body ? oc_json_dumps(body) : NULL;
    json_decref(body);
}

void ig_intake(ig_server_t *srv, const ig_format_t *fmt, const char *source, const char *body,
               size_t len, oc_http_resp_t *resp)
{
    int queued = rd_kafka_outq_len(srv->producer.rk);
    if (queued > srv->opts->max_queue) {
        char msg[160];
        snprintf(msg, sizeof msg, "ingest is behind: %d messages wait for Kafka; retry later",
                 queued);
        ig_reply_error(resp, 503, msg);
        resp->retry_after_s = 1;
        return;
    }
    if (ig_text_blank(body, len)) {
        ig_reply_error(resp, 400, "empty body: send a post, a JSON array of posts, or NDJSON");
        return;
    }
    req_t r = {.srv = srv, .source = source, .dlq = json_array()};
    oc_ticket_t *t = calloc(1, sizeof *t);
    char err[IG_REASON_MAX + 64];
    if (!r.dlq || !t || split(&r, fmt, body, len) != 0 || r.oom) {
        ig_reply_error(resp, 500, "out of memory reading the request");
        goto out;
    }
    if (produce_all(&r, t, err, sizeof err) != 0) {
        oc_error("produce_failed", "%s", err);
        ig_reply_error(resp, 503, "cannot hand the posts to Kafka; retry later");
        resp->retry_after_s = 5;
    } else if (wait_acked(t, srv->opts->ack_timeout_ms) != 0) {
        ig_serve_orphan(srv, t);
        t = NULL;
        oc_warn("ack_timeout", "Kafka did not acknowledge a request within %d ms; answered 503",
                srv->opts->ack_timeout_ms);
        ig_reply_error(resp, 503, "Kafka did not acknowledge the posts in time; retry later "
                                  "(posts that did get through are not produced twice)");
        resp->retry_after_s = 5;
        goto out;
    } else if (t->failed > 0) {
        oc_error("delivery_failed", "%d message(s) of a request not delivered: %s", (int)t->failed,
                 t->err);
        ig_reply_error(resp, 503, "Kafka refused some of the posts; retry later");
        resp->retry_after_s = 5;
    } else {
        int64_t now = oc_now_ms();
        for (size_t i = 0; i < r.n; i++) {
            if (r.items[i].status == ST_ACCEPTED &&
                ig_seen_add(srv->seen, r.items[i].id, oc_post_conversation(r.items[i].post),
                            now) != 0) {
                oc_warn("dedup_oom", "out of memory remembering %s for dedup", r.items[i].id);
            }
        }
        answer(&r, resp);
    }
out:
    if (t && t->pending == 0) {
        free(t);
    } else if (t) {
        ig_serve_orphan(srv, t);
    }
    for (size_t i = 0; i < r.n; i++) {
        json_decref(r.items[i].post);
    }
    free(r.items);
    json_decref(r.dlq);
}
