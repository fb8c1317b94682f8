/* serve.c -- outcry-ingest serve: the HTTP server, its routes and
 * authentication, and the thread that serves Kafka's delivery reports. */
#include "log.h"
#include "metrics.h"
#include "post.h"
#include "serve.h"
#include "stage.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void ig_serve_orphan(ig_server_t *srv, oc_ticket_t *t)
{
    ig_orphan_t *o = malloc(sizeof *o);
    if (!o) {
        /* Leaking the ticket is safe; freeing it while counted is not. */
        oc_error("oom", "out of memory keeping an abandoned delivery ticket");
        return;
    }
    pthread_mutex_lock(&srv->orphan_mu);
    o->ticket = t;
    o->next = srv->orphans;
    srv->orphans = o;
    pthread_mutex_unlock(&srv->orphan_mu);
}

void ig_reason_field(const char *reason, char *buf, size_t size)
{
    buf[0] = '\0';
    const char *q = strstr(reason, "field '");
    const char *start = q ? q + 7 : reason;
    size_t n = 0;
    while (start[n] &&
           (start[n] == '_' || start[n] == '.' || start[n] == '[' || start[n] == ']' ||
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

/* Frees the orphaned tickets Kafka is done with (all when force). */
static void reap_orphans(ig_server_t *srv, int force)
{
    pthread_mutex_lock(&srv->orphan_mu);
    ig_orphan_t **p = &srv->orphans;
    while (*p) {
        ig_orphan_t *o = *p;
        if (force || o->ticket->pending == 0) {
            *p = o->next;
            free(o->ticket);
            free(o);
        } else {
            p = &o->next;
        }
    }
    pthread_mutex_unlock(&srv->orphan_mu);
}

/* The delivery-report thread: requests wait on tickets it counts down. */
static void *poller(void *arg)
{
    ig_server_t *srv = arg;
    oc_metric_t *queue = oc_gauge("outcry_ingest_producer_queue",
                                  "messages waiting in the producer for Kafka", NULL);
    while (!srv->stop_poller) {
        if (rd_kafka_poll(srv->producer.rk, 50) > 0) {
            pthread_mutex_lock(&srv->ack_mu);
            pthread_cond_broadcast(&srv->acked);
            pthread_mutex_unlock(&srv->ack_mu);
        }
        oc_metric_set(queue, rd_kafka_outq_len(srv->producer.rk));
        reap_orphans(srv, 0);
    }
    return NULL;
}

/* 1 when the request carries the configured bearer token (or none is set). */
static int authorised(const ig_server_t *srv, const oc_http_req_t *req)
{
    const char *want = srv->opts->token;
    if (!want || !want[0]) {
        return 1;
    }
    const char *h = oc_http_header(req, "Authorization");
    if (!h || strncmp(h, "Bearer ", 7) != 0) {
        return 0;
    }
    return ig_secret_equal(h + 7, want);
}

static void count_status(unsigned status)
{
    char labels[32];
    snprintf(labels, sizeof labels, "status=\"%u\"", status);
    oc_metric_add(oc_counter("outcry_ingest_http_responses_total",
                             "answers to /v1/ requests, by HTTP status", labels),
                  1);
}

static void webhook(ig_server_t *srv, const oc_http_req_t *req, oc_http_resp_t *resp)
{
    const char *secret = srv->opts->twitter_secret;
    if (!secret || !secret[0]) {
        ig_reply_error(resp, 404, "the Twitter webhook is off: set OUTCRY_TWITTER_SECRET");
        return;
    }
    if (strcmp(req->method, "GET") == 0) {
        const char *crc = oc_http_query(req, "crc_token");
        char token[128];
        if (!crc || !crc[0]) {
            ig_reply_error(resp, 400, "crc_token is missing from the query");
            return;
        }
        if (ig_twitter_crc(secret, crc, token, sizeof token) != 0) {
            ig_reply_error(resp, 500, "cannot compute the CRC response (HMAC failed)");
            return;
        }
        json_t *o = json_pack("{s:s}", "response_token", token);
        resp->status = 200;
        resp->body = o ? oc_json_dumps(o) : NULL;
        json_decref(o);
        return;
    }
    if (strcmp(req->method, "POST") != 0) {
        ig_reply_error(resp, 405, "method not allowed: GET (CRC) or POST (events)");
        return;
    }
    const char *sig = oc_http_header(req, "x-twitter-webhooks-signature");
    if (!ig_twitter_signature_ok(secret, req->body, req->len, sig)) {
        oc_warn("bad_signature", "webhook POST with a %s signature refused",
                sig ? "wrong" : "missing");
        ig_reply_error(resp, 401, "x-twitter-webhooks-signature is missing or wrong");
        return;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(req->body, req->len, 0, &jerr);
    int has_tweets = json_is_array(json_object_get(doc, "tweet_create_events"));
    json_decref(doc);
    if (!has_tweets) {
        /* Favourites, follows, DMs...: signed and well-formed, no posts. */
        resp->status = 200;
        resp->body = strdup("{\"accepted\":0,\"note\":\"no tweet_create_events\"}");
        return;
    }
    ig_intake(srv, &ig_format_twitter1, "twitter-webhook", req->body, req->len, resp);
}

static int handler(void *ctx, const oc_http_req_t *req, oc_http_resp_t *resp)
{
    ig_server_t *srv = ctx;
    if (strcmp(req->path, "/v1/posts") == 0) {
        if (strcmp(req->method, "POST") != 0) {
            ig_reply_error(resp, 405, "method not allowed: POST posts here");
        } else if (!authorised(srv, req)) {
            ig_reply_error(resp, 401, "missing or wrong bearer token (Authorization: Bearer ...)");
        } else {
            const char *name = oc_http_query(req, "format");
            const ig_format_t *fmt = ig_format_find(name ? name : "jsonl");
            if (!fmt || !fmt->parse_json) {
                ig_reply_error(resp, 400,
                               "format: unknown or not for HTTP; use jsonl, "
                               "twitter1, twitter2 or mastodon");
            } else {
                ig_intake(srv, fmt, "http", req->body, req->len, resp);
            }
        }
    } else if (strcmp(req->path, "/v1/webhooks/twitter") == 0) {
        webhook(srv, req, resp);
    } else {
        return 0;
    }
    if (!resp->body) {
        resp->status = 500;
        resp->body = strdup("{\"error\":\"out of memory\"}");
    }
    count_status(resp->status);
    return 1;
}

/* Asks the brokers for metadata: 1 once they answer. */
static int broker_up(ig_server_t *srv)
{
    const struct rd_kafka_metadata *md = NULL;
    if (rd_kafka_metadata(srv->producer.rk, 0, NULL, &md, 1000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return 0;
    }
    rd_kafka_metadata_destroy(md);
    return 1;
}

int ig_serve(oc_config_t *cfg, const ig_serve_opts_t *opts)
{
    if (!cfg->http_addr || !cfg->http_addr[0]) {
        fprintf(stderr, "outcry-ingest: serve needs an address: set OUTCRY_HTTP or --http "
                        "host:port\n");
        return 2;
    }
    ig_server_t srv;
    memset(&srv, 0, sizeof srv);
    srv.opts = opts;
    srv.cfg = cfg;
    srv.seen = ig_seen_new(opts->dedup_ids, opts->dedup_ms);
    pthread_condattr_t ca;
    if (!srv.seen || pthread_mutex_init(&srv.orphan_mu, NULL) != 0 ||
        pthread_mutex_init(&srv.ack_mu, NULL) != 0 || pthread_condattr_init(&ca) != 0 ||
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
        pthread_cond_init(&srv.acked, &ca) != 0) {
        fprintf(stderr,
                "outcry-ingest: out of memory for a dedup window of %zu ids; lower "
                "--dedup-ids\n",
                opts->dedup_ids);
        ig_seen_free(srv.seen);
        return 1;
    }
    oc_signals_install();
    /* A request waits for its acknowledgements, so latency is throughput
     * here: send after 1 ms rather than 5, without Nagle holding a second
     * request back behind the first's answer (docs/ingest.md). -X wins. */
    static const char *const tuning[] = {"linger.ms", "1", "socket.nagle.disable", "true", NULL};
    if (oc_producer_init(&srv.producer, cfg, tuning) != 0) {
        oc_error("producer_init", "cannot create the Kafka producer: %s", srv.producer.err);
        ig_seen_free(srv.seen);
        return 1;
    }
    if (pthread_create(&srv.poller, NULL, poller, &srv) != 0) {
        oc_error("thread", "cannot start the delivery-report thread");
        oc_producer_close(&srv.producer, 0);
        ig_seen_free(srv.seen);
        return 1;
    }
    char err[256];
    oc_http_t *http =
        oc_http_start_api(cfg->http_addr, handler, &srv, opts->max_body, err, sizeof err);
    int rc = 0;
    if (!http) {
        oc_error("http_start", "cannot serve HTTP on %s: %s; pick another OUTCRY_HTTP",
                 cfg->http_addr, err);
        rc = 1;
    } else {
        oc_info("serving", "HTTP intake on port %d: POST /v1/posts%s%s", oc_http_port(http),
                opts->twitter_secret && opts->twitter_secret[0] ? ", /v1/webhooks/twitter" : "",
                opts->token && opts->token[0] ? " (bearer token required)" : "");
        int ready = 0;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = 100000000};
        while (oc_running) {
            if (!ready && broker_up(&srv)) {
                ready = 1;
                oc_http_set_ready(http, 1);
                oc_info("ready", "Kafka reachable; accepting posts");
            }
            if (ready) {
                nanosleep(&ts, NULL);
            }
        }
        oc_info("stopping", "stop asked: no new requests; draining");
        oc_http_set_ready(http, 0);
        oc_http_stop(http); /* waits for the requests in progress */
    }
    int left = oc_producer_flush(&srv.producer, opts->drain_ms);
    srv.stop_poller = 1;
    pthread_join(srv.poller, NULL);
    if (left > 0) {
        oc_error("not_delivered",
                 "%d message(s) not acknowledged by Kafka after %d ms; their "
                 "requests were answered 503 and will be retried by clients",
                 left, opts->drain_ms);
        rc = 1;
    }
    oc_producer_close(&srv.producer, 0);
    reap_orphans(&srv, 1);
    pthread_mutex_destroy(&srv.orphan_mu);
    pthread_mutex_destroy(&srv.ack_mu);
    pthread_cond_destroy(&srv.acked);
    pthread_condattr_destroy(&ca);
    ig_seen_free(srv.seen);
    oc_info("stopped", "ingest serve stopped");
    return rc;
}
