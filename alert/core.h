/* core.h -- the alert stage: routed posts in, alerts out through a sink.
 *
 * Glue between the stage loops (common/stage.h), the SLA engine (sla.h) and
 * the sink (publish.h). Alerts are not Kafka messages: every callback hands
 * what fired to the sink before it returns, so an input is committed only
 * after Redis has its alerts. */
#ifndef AL_CORE_H
#define AL_CORE_H

#include <jansson.h>
#include <stdint.h>

#include "metrics.h"
#include "publish.h"
#include "sla.h"
#include "stage.h"
#include "store.h"

typedef struct al_part_offset {
    int64_t last; /* last offset applied, -1 when none */
    int fresh;    /* assigned since the last message: check continuity */
} al_part_offset_t;

typedef struct al_ctx {
    al_engine_t engine;        /* clocks, heaps, watermarks */
    al_sink_t sink;            /* where alerts go */
    int event_time;            /* 1: no wall clock in ticks (replays through Kafka) */
    int live_lag;              /* the tick ran: alerts it fires are measured */
    int64_t max_lag;           /* largest publish lag seen, ms */
    al_store_t *store;         /* Kafka mode: the state in Redis (tracking on); NULL: memory only */
    al_alerts_t batch;         /* alerts fired and not yet sent (see settle()) */
    al_part_offset_t *offsets; /* per partition, indexed by number; owned */
    size_t noffsets;           /* entries in offsets */
    uint64_t late_counted;     /* engine.late_events already added to m_late */
    oc_ticket_t **held;        /* inputs applied, waiting for the next state write; owned array */
    size_t nheld;              /* entries in held */
    size_t held_cap;           /* entries allocated */
    int64_t alerts_since_ms;   /* monotonic time the oldest unsent alert fired; 0: none */
    oc_metric_t *m_open;       /* outcry_alert_clocks_open */
    oc_metric_t *m_late;       /* outcry_alert_late_events_total */
    oc_metric_t *m_dropped;    /* outcry_alert_clocks_dropped_total */
    oc_metric_t *m_lag;        /* outcry_alert_publish_lag_ms: last live alert, due -> published */
    oc_metric_t *m_lag_max;    /* outcry_alert_publish_lag_max_ms */
} al_ctx_t;

/* Kafka mode writes the state of up to this many inputs in one Redis
 * transaction (and at least every tick, ~100 ms): one round trip a message
 * was most of the stage's time. */
#define AL_WRITE_EVERY 256

/* An alert waits at most this long for the inputs already queued behind it,
 * so that it goes out with their alerts and state in one write; with
 * nothing queued it goes at once. */
#define AL_ALERT_WAIT_MS 5

/* Sets up ctx with the engine options; the sink is initialised by the
 * caller (al_sink_init) before use. Returns 0, or -1 (memory). */
int al_ctx_init(al_ctx_t *ctx, const al_options_t *opt);
void al_ctx_free(al_ctx_t *ctx);

/* The end-of-input control message on outcry.routed (docs/alert.md):
 *   {"schema": "outcry.control/v1", "type": "end_of_input", "watermark": RFC3339} */
#define AL_CONTROL_SCHEMA "outcry.control/v1"

/* A message of outcry.routed, parsed: a post's cJSON tree, or jansson's
 * tree of a post or of a control message. */
typedef struct al_msg {
    oc_fpost_t fp;   /* the hot path: a post's tree (fp.root), or fp.root NULL */
    json_t *post;    /* a post that path did not take, read by jansson; owned */
    json_t *control; /* a control message; owned */
} al_msg_t;

/* Parses buf[0..len). Posts go through oc_fp_parse() (cJSON); what it
 * refuses (with strict numbers on: 01, 1., 150.0 as followers), and a
 * follower count beyond 2^53, are read by jansson as alert always read them, so
 * that every verdict, DLQ code and reason stays jansson's: control
 * messages, bad JSON, bad posts, duplicate keys (the last wins), messages
 * over 64 KiB. Returns 0, or -1 with the DLQ code ("invalid_json",
 * "invalid_post") and the reason. */
int al_msg_parse(al_msg_t *m, const char *buf, size_t len, const char **code, char *err,
                 size_t errlen);
/* al_msg_parse() with jansson alone: how alert read every message before. */
int al_msg_parse_json(al_msg_t *m, const char *buf, size_t len, const char **code, char *err,
                      size_t errlen);
/* The event of a post message (not a control message); -1: invalid_routed. */
int al_msg_event(const al_msg_t *m, const al_options_t *opt, al_event_t *ev, char *err,
                 size_t errlen);
void al_msg_free(al_msg_t *m);

/* oc_stage_t callbacks; ctx is an al_ctx_t. */
int al_process(void *ctx, const oc_msg_t *in, oc_emit_t *out);
int al_tick(void *ctx, int64_t now_ms, oc_emit_t *out);
int al_drain(void *ctx, oc_emit_t *out);
/* The stage's flush hook: writes the state of held inputs and releases them. */
int al_flush(void *ctx, oc_emit_t *out);
void al_assigned(void *ctx, const int32_t *partitions, int n);
void al_revoked(void *ctx, const int32_t *partitions, int n);

/* The stage: reads "routed", every callback above; --stdio and Kafka alike
 * (the loop calls the hooks it has). Nothing is oc_emit()ted: the sink
 * writes the alerts. */
extern const oc_stage_t al_stage;

#endif
