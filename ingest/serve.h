/* serve.h -- HTTP intake: outcry-ingest serve.
 *
 * POST /v1/posts and the Twitter webhook turn request bodies into canonical
 * posts, produce them to the posts topic and answer only after Kafka has
 * acknowledged every one (or say it did not). serve.c holds the server, its
 * routes, authentication and the delivery thread; intake.c one request's
 * body -> posts -> Kafka -> answer; webhook.c the Twitter signatures. */
#ifndef IG_SERVE_H
#define IG_SERVE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "dedup.h"
#include "format.h"
#include "http.h"
#include "producer.h"

#define IG_DEFAULT_MAX_BODY       (1024 * 1024)
#define IG_DEFAULT_ACK_TIMEOUT_MS 10000
#define IG_DEFAULT_MAX_QUEUE      100000

typedef struct ig_serve_opts {
    size_t max_body;            /* request body limit in bytes (413 above) */
    const char *token;          /* bearer token for /v1/posts; NULL/"" = none asked */
    const char *twitter_secret; /* consumer secret for the webhook; NULL/"" = webhook off */
    int ack_timeout_ms;         /* how long a request waits for Kafka before 503 */
    int max_queue;              /* messages waiting in the producer before 503 */
    size_t dedup_ids;           /* ids in the dedup window (0 = no dedup) */
    int64_t dedup_ms;           /* age limit of the window (0 = none) */
    int drain_ms;               /* on stop: how long to wait for Kafka */
} ig_serve_opts_t;

/* A ticket a request gave up on (deadline): freed once Kafka reports. */
typedef struct ig_orphan {
    oc_ticket_t *ticket;    /* owned */
    struct ig_orphan *next; /* the next one */
} ig_orphan_t;

/* Takes a message ig_intake() would produce, in place of Kafka: topic is
 * the full topic name, key may be NULL. Returns 0, or -1 when it could not
 * be taken. For unit tests and fuzz targets, which have no broker. */
typedef int (*ig_produce_fn)(void *ctx, const char *topic, const char *key, const char *msg,
                             size_t len);

typedef struct ig_server {
    const ig_serve_opts_t *opts; /* borrowed */
    oc_config_t *cfg;            /* borrowed */
    oc_producer_t producer;      /* shared by the HTTP threads (librdkafka is thread-safe) */
    ig_produce_fn produce;       /* NULL: producer; else where ig_intake's messages go */
    void *produce_ctx;           /* produce's context */
    ig_seen_t *seen;             /* recent ids and their conversations */
    pthread_t poller;            /* serves delivery reports */
    _Atomic int stop_poller;     /* asks the poller to end */
    pthread_mutex_t ack_mu;      /* with acked: requests waiting for Kafka */
    pthread_cond_t acked;        /* broadcast after delivery reports were served */
    pthread_mutex_t orphan_mu;   /* guards orphans */
    ig_orphan_t *orphans;        /* tickets still counting after their request ended */
} ig_server_t;

/* Runs serve until SIGTERM/SIGINT: stops accepting, waits up to
 * opts->drain_ms for Kafka, exits. Returns 0 after a clean stop, 1 when
 * something was left unacknowledged or start-up failed, 2 on bad config. */
int ig_serve(oc_config_t *cfg, const ig_serve_opts_t *opts);

/* One request's body in format fmt from source ("http", "twitter-webhook"):
 * parses it (one object, an array, an envelope or NDJSON), produces the good
 * posts and DLQ entries for the bad ones, waits for Kafka, and fills resp:
 * 202 all accepted (or duplicates), 207 some rejected, 400 none accepted,
 * 503 Kafka behind or not acknowledging. */
void ig_intake(ig_server_t *srv, const ig_format_t *fmt, const char *source, const char *body,
               size_t len, oc_http_resp_t *resp);

/* Twitter's CRC answer: "sha256=" + base64(HMAC-SHA256(secret, crc_token))
 * into out. Returns 0, or -1 when it does not fit or HMAC failed. */
int ig_twitter_crc(const char *secret, const char *crc_token, char *out, size_t outlen);
/* 1 when header is "sha256=" + base64(HMAC-SHA256(secret, body)),
 * compared in constant time; else 0. */
int ig_twitter_signature_ok(const char *secret, const char *body, size_t len, const char *header);
/* 1 when the two strings are equal, in time independent of their content
 * (both are hashed, then compared with CRYPTO_memcmp). */
int ig_secret_equal(const char *a, const char *b);

/* Hands over a ticket whose request stopped waiting: the poller frees it
 * once Kafka has reported on all its messages. */
void ig_serve_orphan(ig_server_t *srv, oc_ticket_t *t);

/* A JSON error body {"error": msg, "field": f?} with status into resp. */
void ig_reply_error(oc_http_resp_t *resp, unsigned status, const char *msg);
/* The field a reason names ("field 'text' is ..." -> text; "author_id is
 * missing" -> author_id) into buf, or "" when none. */
void ig_reason_field(const char *reason, char *buf, size_t size);

#endif
