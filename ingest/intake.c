/* intake.c -- one HTTP request's body to Kafka (serve.h: ig_intake).
 *
 * Every item of the body gets a result: accepted (produced), duplicate
 * (already produced within the dedup window: not produced again, counted) or
 * rejected (its DLQ entry produced). The answer waits until Kafka has
 * acknowledged every message the request caused, so a 202 means the posts
 * are durable, and a client that gets anything else may send the same body
 * again: dedup keeps what did get through from being produced twice. */
#include "canon.h"
#include "grow.h"
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

/* Bytes a fast item keeps of its id, conversation and parent: longer ones
 * go the slow path, whose item reads them from its post. */
#define ID_MAX 160

typedef struct item {
    json_t *post;               /* the post while it is to be produced; owned. NULL: fast */
    const char *raw;            /* fast path (canon.h): the post's bytes in the body; borrowed */
    size_t raw_len;             /* fast: bytes of raw */
    int status;                 /* ST_* */
    const char *code;           /* reject code (static) */
    char reason[IG_REASON_MAX]; /* reject reason */
    char id[ID_MAX];            /* fast: the post's id (slow: see item_id()) */
    char convbuf[ID_MAX];       /* fast: its own conversation */
    char *found;                /* the conversation its parent has in the window; owned */
    const char *conv;           /* fast: its conversation (convbuf, found or another item's);
                                 * NULL until known */
    char up[ID_MAX];            /* fast: its in_reply_to ("" when none) */
    unsigned char has_up;       /* fast: it has an in_reply_to */
    unsigned char raw_conv;     /* fast: raw has its conversation */
    unsigned char raw_source;   /* fast: raw has its source */
    unsigned char raw_ingested; /* fast: raw has its ingested_at */
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

static item_t *new_item(req_t *r)
{
    if (oc_grow(&r->items, &r->cap, r->n, sizeof *r->items, 16) != 0) {
        r->oom = 1;
        return NULL;
    }
    item_t *it = &r->items[r->n++];
    memset(it, 0, sizeof *it);
    return it;
}

/* Rejects item i with code and reason; its DLQ entry holds bytes. Returns
 * 0, or -1 when out of memory. */
static int reject(req_t *r, size_t i, const char *code, const char *reason, const char *bytes,
                  size_t len)
{
    item_t *it = &r->items[i];
    it->status = ST_REJECTED;
    it->code = code;
    snprintf(it->reason, sizeof it->reason, "%s", reason);
    oc_dlq_origin_t origin = {
        .source = r->source, .topic = NULL, .partition = -1, .offset = (int64_t)i, .key = NULL};
    json_t *e = oc_dlq_entry("ingest", it->code, it->reason, &origin, bytes, len);
    if (!e || json_array_append_new(r->dlq, e) != 0) {
        r->oom = 1;
        return -1;
    }
    return 0;
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
        return 0;
    }
    return reject(r, r->n - 1, res->code ? res->code : "invalid_post", res->reason, bytes, len);
}

static void copy_span(char *dst, ig_span_t s)
{
    memcpy(dst, s.p, s.n);
    dst[s.n] = '\0';
}

/* One record of the body. A canonical post canon.h vouches for is kept as
 * its bytes (the fast path); anything else goes through the format's parser. */
static int record(req_t *r, const ig_format_t *fmt, const char *data, size_t len)
{
    ig_canon_t c;
    if (fmt == &ig_format_jsonl && ig_canon_scan(data, len, &c) && c.id.n < ID_MAX &&
        c.conversation.n < ID_MAX && c.in_reply_to.n < ID_MAX) {
        item_t *it = new_item(r);
        if (!it) {
            return -1;
        }
        it->status = ST_ACCEPTED;
        it->raw = c.obj;
        it->raw_len = c.len;
        copy_span(it->id, c.id);
        if (c.conversation.p) {
            copy_span(it->convbuf, c.conversation);
            it->conv = it->convbuf;
        }
        copy_span(it->up, c.in_reply_to.p ? c.in_reply_to : (ig_span_t){"", 0});
        it->has_up = c.in_reply_to.p != NULL;
        it->raw_conv = c.conversation.p != NULL;
        it->raw_source = c.has_source;
        it->raw_ingested = c.has_ingested;
        return 0;
    }
    return ig_json_each(fmt, data, len, on_item, r) < 0 ? -1 : 0;
}

/* 1 when the first non-blank line of body is a whole canonical post and
 * more follows it: then the body cannot be one JSON value, it is NDJSON. */
static int ndjson_of_posts(const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        ig_canon_t c;
        if (!ig_text_blank(p, n)) {
            return e && ig_canon_scan(p, n, &c);
        }
        p += n + 1;
    }
    return 0;
}

/* Splits the body into records: the whole body when it is one JSON value,
 * else one record per non-blank line (NDJSON). */
static int split(req_t *r, const ig_format_t *fmt, const char *body, size_t len)
{
    const char *nl = memchr(body, '\n', len);
    int whole = nl == NULL;
    if (!whole && !(fmt == &ig_format_jsonl && ndjson_of_posts(body, len))) {
        json_error_t jerr;
        json_t *v = json_loadb(body, len, 0, &jerr);
        whole = v != NULL;
        json_decref(v);
    }
    if (whole) {
        return record(r, fmt, body, len);
    }
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        size_t n = e ? (size_t)(e - p) : (size_t)(end - p);
        if (!ig_text_blank(p, n) && record(r, fmt, p, n) < 0) {
            return -1;
        }
        p += n + 1;
    }
    return 0;
}

/* ---- this request's ids: id -> item, for duplicates and threads ---------- */

/* The id of an accepted item, whole (a slow one's may be longer than ID_MAX). */
static const char *item_id(const item_t *it)
{
    return it->post ? oc_post_id(it->post) : it->id;
}

typedef struct idmap {
    int *slot;  /* item index + 1; 0 = empty */
    size_t cap; /* slots, a power of two */
} idmap_t;

static size_t id_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return (size_t)h;
}

/* The slot of id, or the empty slot where it would go. */
static size_t idmap_slot(const idmap_t *m, const req_t *r, const char *id)
{
    size_t i = id_hash(id) & (m->cap - 1);
    while (m->slot[i] && strcmp(item_id(&r->items[m->slot[i] - 1]), id) != 0) {
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

/* The conversation an item was produced under. */
static const char *item_conv(const item_t *it)
{
    return it->post ? oc_post_conversation(it->post) : it->conv;
}

/* Appends a string literal. */
#define ADD_LIT(out, lit) oc_buf_add((out), (lit), sizeof(lit) - 1)

/* A fast item's message: its bytes with what the jsonl format adds. */
static int render_fast(const item_t *it, const char *ingested_at, oc_buf_t *out)
{
    out->len = 0;
    if (oc_buf_add(out, it->raw, it->raw_len - 1) != 0 ||
        (!it->raw_source && ADD_LIT(out, ",\"source\":\"jsonl\"") != 0) ||
        (!it->raw_conv &&
         (ADD_LIT(out, ",\"conversation\":") != 0 || oc_buf_json_str(out, it->conv) != 0)) ||
        (!it->raw_ingested &&
         (ADD_LIT(out, ",\"ingested_at\":") != 0 || oc_buf_json_str(out, ingested_at) != 0)) ||
        ADD_LIT(out, "}") != 0) {
        return -1;
    }
    return 0;
}

/* A slow item's message: its post, stamped. */
static int render_slow(const item_t *it, int64_t now, oc_buf_t *out)
{
    out->len = 0;
    char *s = ig_stamp(it->post, now) == 0 ? oc_json_dumps(it->post) : NULL;
    int rc = s && oc_buf_add(out, s, strlen(s)) == 0 ? 0 : -1;
    free(s);
    return rc;
}

/* Enqueues one message to topic (a full name) under key (may be NULL). */
static int put(const req_t *r, const char *topic, const char *key, const char *msg, size_t len,
               oc_ticket_t *t)
{
    ig_server_t *srv = r->srv;
    if (srv->produce) {
        return srv->produce(srv->produce_ctx, topic, key, msg, len);
    }
    return oc_produce_raw(&srv->producer, topic, key, key ? strlen(key) : 0, msg, len, t);
}

/* The same with value serialised. */
static int put_json(const req_t *r, const char *topic, const char *key, const json_t *value,
                    oc_ticket_t *t)
{
    char *s = oc_json_dumps(value);
    int rc = s ? put(r, topic, key, s, strlen(s), t) : -1;
    free(s);
    return rc;
}

/* Produces the accepted posts (after dedup) and the DLQ entries. */
static int produce_all(req_t *r, oc_ticket_t *t, char *err, size_t errlen)
{
    ig_server_t *srv = r->srv;
    int64_t now = oc_now_ms();
    char ts[OC_TIME_BUFSZ];
    oc_time_format(now, ts, sizeof ts);
    char topic[256], dlq[256];
    idmap_t here = {NULL, 16}; /* this request's ids */
    while (here.cap < 2 * r->n) {
        here.cap *= 2;
    }
    here.slot = calloc(here.cap, sizeof *here.slot);
    oc_buf_t msg = {0};
    if (!here.slot || !oc_topic_name(srv->cfg, "posts", topic, sizeof topic) ||
        !oc_topic_name(srv->cfg, OC_DLQ_TOPIC, dlq, sizeof dlq)) {
        free(here.slot);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        item_t *it = &r->items[i];
        if (it->status != ST_ACCEPTED) {
            continue;
        }
        const char *id = item_id(it);
        size_t at = idmap_slot(&here, r, id);
        if (here.slot[at] || ig_seen_get(srv->seen, id, now, NULL)) {
            it->status = ST_DUPLICATE;
            oc_metric_add(oc_counter("outcry_ingest_duplicates_total",
                                     "posts not produced again: same id within the dedup window",
                                     NULL),
                          1);
            oc_debug("duplicate", "%s: post %s already produced; not producing it again", r->source,
                     id);
            continue;
        }
        const char *own = it->post ? oc_post_str(it->post, "conversation") : NULL;
        if (it->post ? !own || !own[0] : !it->raw_conv) {
            const char *parent =
                it->post ? oc_post_str(it->post, "in_reply_to") : (it->has_up ? it->up : NULL);
            size_t ps = parent ? idmap_slot(&here, r, parent) : 0;
            const char *c = id;
            if (parent && here.slot[ps]) {
                c = item_conv(&r->items[here.slot[ps] - 1]);
            } else if (parent && ig_seen_get(srv->seen, parent, now, &it->found) != 0) {
                c = it->found; /* NULL: out of memory */
            }
            if (!c) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            if (!it->post) {
                /* another item's conversation stays put until the request ends */
                it->conv = c;
            } else if (json_object_set_new(it->post, "conversation", json_string(c)) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
        }
        if (it->post ? render_slow(it, now, &msg) != 0 : render_fast(it, ts, &msg) != 0) {
            snprintf(err, errlen, "out of memory");
            rc = -1;
            break;
        }
        if (msg.len > OC_POST_MAX_MESSAGE) {
            /* known only now, with its conversation: every stage would refuse it */
            char reason[IG_REASON_MAX];
            snprintf(reason, sizeof reason,
                     "the post is %zu bytes as it goes out; a message is at most %d", msg.len,
                     OC_POST_MAX_MESSAGE);
            if (reject(r, i, "invalid_post", reason, msg.data, msg.len) != 0) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                break;
            }
            continue;
        }
        here.slot[at] = (int)i + 1;
        if (put(r, topic, item_conv(it), msg.data, msg.len, t) != 0) {
            snprintf(err, errlen, "cannot enqueue post %s: %s", id, srv->producer.err);
            rc = -1;
        }
    }
    free(here.slot);
    oc_buf_free(&msg);
    size_t i;
    json_t *e;
    json_array_foreach(r->dlq, i, e)
    {
        if (rc == 0 && put_json(r, dlq, NULL, e, t) != 0) {
            snprintf(err, errlen, "cannot enqueue a DLQ entry: %s", srv->producer.err);
            rc = -1;
        }
    }
    return rc;
}

/* Waits for t->pending to reach 0 until the deadline. Returns 0 or -1.
 * The delivery-report thread broadcasts srv->acked after every poll that
 * served something, so a request wakes as soon as its last ack is in. */
static int wait_acked(ig_server_t *srv, oc_ticket_t *t, int timeout_ms)
{
    int64_t deadline = oc_mono_ms() + timeout_ms;
    int rc = 0;
    pthread_mutex_lock(&srv->ack_mu);
    while (t->pending > 0) {
        int64_t now = oc_mono_ms();
        if (now >= deadline) {
            rc = -1;
            break;
        }
        /* at most 50 ms at a time: a wake-up missed is only a delay */
        int64_t wait = deadline - now < 50 ? deadline - now : 50;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += (long)(wait % 1000) * 1000000L;
        ts.tv_sec += (time_t)(wait / 1000) + ts.tv_nsec / 1000000000L;
        ts.tv_nsec %= 1000000000L;
        pthread_cond_timedwait(&srv->acked, &srv->ack_mu, &ts);
    }
    pthread_mutex_unlock(&srv->ack_mu);
    return rc;
}

static void count_results(int acc, int dup, int rej)
{
    oc_metric_add(oc_counter("outcry_ingest_posts_total", "items received over HTTP, by result",
                             "result=\"accepted\""),
                  acc);
    oc_metric_add(oc_counter("outcry_ingest_posts_total", "items received over HTTP, by result",
                             "result=\"duplicate\""),
                  dup);
    oc_metric_add(oc_counter("outcry_ingest_posts_total", "items received over HTTP, by result",
                             "result=\"rejected\""),
                  rej);
}

/* The answer when no item was rejected (the common case), written
 * directly: the same JSON answer() builds with jansson. Returns 0, or -1
 * when out of memory. */
static int answer_accepted(req_t *r, oc_http_resp_t *resp)
{
    int acc = 0, dup = 0;
    for (size_t i = 0; i < r->n; i++) {
        r->items[i].status == ST_DUPLICATE ? dup++ : acc++;
    }
    oc_buf_t out = {0};
    char num[96];
    int bad = 0;
    snprintf(num, sizeof num, "{\"accepted\":%d,\"duplicates\":%d,\"rejected\":0,\"results\":[",
             acc, dup);
    bad |= oc_buf_add(&out, num, strlen(num));
    for (size_t i = 0; i < r->n && !bad; i++) {
        const item_t *it = &r->items[i];
        snprintf(num, sizeof num, "%s{\"index\":%zu,\"status\":\"%s\",\"id\":", i ? "," : "", i,
                 it->status == ST_DUPLICATE ? "duplicate" : "accepted");
        bad |= oc_buf_add(&out, num, strlen(num)) || oc_buf_json_str(&out, item_id(it)) ||
               ADD_LIT(&out, "}");
    }
    bad |= ADD_LIT(&out, "]}");
    if (bad) {
        oc_buf_free(&out);
        return -1;
    }
    count_results(acc, dup, 0);
    resp->status = 202;
    resp->body = out.data;
    return 0;
}

/* The answer: counts and one result per item. */
static void answer(req_t *r, oc_http_resp_t *resp)
{
    int rejected = 0;
    for (size_t i = 0; i < r->n; i++) {
        rejected += r->items[i].status == ST_REJECTED;
    }
    if (!rejected && answer_accepted(r, resp) == 0) {
        return;
    }
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
                          it->status == ST_DUPLICATE ? "duplicate" : "accepted", "id", item_id(it));
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
    json_t *body = json_pack("{s:i, s:i, s:i, s:o}", "accepted", acc, "duplicates", dup, "rejected",
                             rej, "results", results);
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
    count_results(acc, dup, rej);
    resp->body = body ? oc_json_dumps(body) : NULL;
    json_decref(body);
}

void ig_intake(ig_server_t *srv, const ig_format_t *fmt, const char *source, const char *body,
               size_t len, oc_http_resp_t *resp)
{
    int queued = srv->produce ? 0 : rd_kafka_outq_len(srv->producer.rk);
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
    } else if (wait_acked(srv, t, srv->opts->ack_timeout_ms) != 0) {
        ig_serve_orphan(srv, t);
        t = NULL;
        oc_warn("ack_timeout", "Kafka did not acknowledge a request within %d ms; answered 503",
                srv->opts->ack_timeout_ms);
        ig_reply_error(resp, 503,
                       "Kafka did not acknowledge the posts in time; retry later "
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
                ig_seen_add(srv->seen, item_id(&r.items[i]), item_conv(&r.items[i]), now) != 0) {
                oc_warn("dedup_oom", "out of memory remembering %s for dedup",
                        item_id(&r.items[i]));
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
        free(r.items[i].found);
    }
    free(r.items);
    json_decref(r.dlq);
}
