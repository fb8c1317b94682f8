/* producer.h -- a librdkafka producer with delivery tracking.
 *
 * Every message carries a "ticket": a counter of outstanding deliveries that
 * the caller owns. A delivery report decrements it, or marks it failed. This
 * is what lets the consume loop commit an input only after every output it
 * caused is acknowledged, and ingest answer 202 only after Kafka has a batch. */
#ifndef OC_PRODUCER_H
#define OC_PRODUCER_H

#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* Counters are atomic: an HTTP thread may wait on a ticket that the thread
 * serving delivery reports counts down. */
typedef struct oc_ticket {
    _Atomic int pending; /* outputs produced and not yet reported */
    _Atomic int failed;  /* outputs whose delivery failed for good */
    char err[128];       /* first delivery error, for the log */
} oc_ticket_t;

typedef struct oc_producer {
    rd_kafka_t *rk;            /* the producer handle, owned */
    const oc_config_t *cfg;    /* borrowed */
    _Atomic int64_t delivered; /* messages acknowledged (any thread may serve reports) */
    _Atomic int64_t failed;    /* messages whose delivery failed */
    char err[512];             /* last error, for messages */
} oc_producer_t;

/* Creates a producer from cfg (bootstrap servers, -X pass-through). extra
 * properties (NULL-terminated key, value pairs) are set first, so the user's
 * -X wins. Returns 0, or -1 with the reason in p->err. */
int oc_producer_init(oc_producer_t *p, const oc_config_t *cfg, const char *const *extra);

/* Produces value (serialised here; borrowed) to the topic named name
 * (without prefix) under key (NULL: no key). ticket (may be NULL) has
 * pending incremented now and decremented on delivery. Blocks while the
 * local queue is full, serving delivery reports. Returns 0, or -1 when the
 * message could not be enqueued (p->err says why; ticket untouched). */
int oc_produce_json(oc_producer_t *p, const char *name, const char *key, const json_t *value,
                    oc_ticket_t *ticket);
/* Same, with a full topic name and raw bytes (copied). */
int oc_produce_raw(oc_producer_t *p, const char *topic, const void *key, size_t key_len,
                   const void *payload, size_t len, oc_ticket_t *ticket);

/* Serves delivery reports for up to timeout_ms. */
void oc_producer_poll(oc_producer_t *p, int timeout_ms);
/* Waits until everything is delivered or timeout_ms passes. Returns the number
 * of messages still in flight (0 = all delivered). */
int oc_producer_flush(oc_producer_t *p, int timeout_ms);
/* Flushes with timeout_ms, logs what was left, destroys the handle. */
void oc_producer_close(oc_producer_t *p, int timeout_ms);

#endif
