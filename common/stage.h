/* stage.h -- a stage's core and the two loops that drive it.
 *
 * A stage is a function from one input message to its outputs. In production
 * oc_run_kafka() drives it: consume -> process -> produce, with at-least-once
 * commits (an input offset is committed only after every output it caused is
 * acknowledged by Kafka). For tests, debugging and backfills oc_run_stdio()
 * drives the same function with JSON lines on stdin and stdout.
 *
 * Outputs go through oc_emit(); rejected input through oc_emit_dlq(), which
 * writes a DLQ entry (Kafka: the dlq topic; stdio: a JSON line on stderr). */
#ifndef OC_STAGE_H
#define OC_STAGE_H

#include <jansson.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

/* An input message. Everything it points to is valid during process() only:
 * the loops reuse the buffers, so a stage copies what it keeps. */
typedef struct oc_msg {
    const char *topic;    /* full input topic name ("-" for stdin) */
    int32_t partition;    /* input partition (0 for stdin) */
    int64_t offset;       /* input offset (line number for stdin, from 1) */
    const char *key;      /* message key, NUL-terminated copy; NULL when none */
    const char *payload;  /* message bytes, NUL-terminated copy */
    size_t len;           /* payload length without the NUL */
    int64_t timestamp_ms; /* Kafka timestamp, or 0 */
    int more;             /* 1 when more input is already waiting (Kafka mode): work that
                           * batches well may wait for it; 0 means idle, do it now */
} oc_msg_t;

typedef struct oc_emit oc_emit_t;
typedef struct oc_ticket oc_ticket_t; /* producer.h */

/* Emits value (stolen) to the topic named name (without the prefix, e.g.
 * "classified", "team.billing"). key NULL keeps the input's key. Returns 0,
 * or -1 when it could not be enqueued (the input is then not committed). */
int oc_emit(oc_emit_t *out, const char *name, const char *key, json_t *value);

/* oc_emit() for a message already serialised: buf[0..len) is copied, the
 * caller keeps it. */
int oc_emit_raw(oc_emit_t *out, const char *name, const char *key, const char *buf, size_t len);

/* Rejects the input: a DLQ entry with the stage, code (short, also a metric
 * label: "invalid_json", "invalid_post", ...), a human reason, the original
 * bytes (base64) and topic/partition/offset. Returns 0 or -1 like oc_emit. */
int oc_emit_dlq(oc_emit_t *out, const char *code, const char *reason);

/* Keeps the input being processed uncommitted until oc_hold_release(): for
 * a stage that writes the input's effects later, in batches (alert's state
 * in Redis). The handle stays valid until released. Returns NULL when
 * nothing is committed (stdio mode, tick, drain): write at once then. A
 * stage that holds must have a flush hook. */
oc_ticket_t *oc_emit_hold(oc_emit_t *out);

/* The held input's effects are written: it may be committed. */
void oc_hold_release(oc_ticket_t *held);

/* The input message being processed, for stages that need its coordinates. */
const oc_msg_t *oc_emit_input(const oc_emit_t *out);

typedef struct oc_stage {
    const char *name;    /* service name, as in logs and metrics */
    const char *input;   /* input topic name without prefix ("posts") */
    const char *primary; /* output printed by --stdio; others are not ("classified") */
    /* The core. Returns 0 when the message was handled (outputs or DLQ), -1
     * on a failure that must stop the stage (it is then not committed). */
    int (*process)(void *ctx, const oc_msg_t *in, oc_emit_t *out);
    /* Optional: called about every 100 ms with the wall clock (live mode).
     * out has no input message: oc_emit_dlq() is not allowed there. */
    int (*tick)(void *ctx, int64_t now_ms, oc_emit_t *out);
    /* Optional: called once at the end of a finite input (stdio EOF). */
    int (*drain)(void *ctx, oc_emit_t *out);
    /* Optional: partitions assigned / about to be revoked (Kafka only). */
    void (*assigned)(void *ctx, const int32_t *partitions, int n);
    void (*revoked)(void *ctx, const int32_t *partitions, int n);
    /* Optional: write out everything held with oc_emit_hold() and release it.
     * The Kafka loop calls it before it settles and commits on a revocation
     * or at shutdown. Returns 0 or -1 (the held inputs then stay
     * uncommitted and the stage stops). */
    int (*flush)(void *ctx, oc_emit_t *out);
} oc_stage_t;

/* Runs the Kafka loop until SIGTERM/SIGINT (installs the handlers), serving
 * /healthz, /readyz and /metrics on cfg->http_addr. On stop: drains in-flight
 * outputs (bounded), commits what is acknowledged, exits. Returns 0 after a
 * clean stop, 1 after a fatal error (logged). */
int oc_run_kafka(oc_config_t *cfg, const oc_stage_t *stage, void *ctx);

/* Runs the stage over JSON lines from in, printing the primary output as
 * JSON lines on out and DLQ entries on stderr. Returns 0, or 1 when process
 * failed. */
int oc_run_stdio(oc_config_t *cfg, const oc_stage_t *stage, void *ctx, FILE *in, FILE *out);

/* Set by the SIGTERM/SIGINT handler; loops stop when it turns 0. */
extern volatile sig_atomic_t oc_running;
/* Installs SIGTERM/SIGINT (stop) and ignores SIGPIPE. */
void oc_signals_install(void);

/* Set by SIGHUP once oc_sighup_install() ran: "reload your files". The
 * stage clears it when it has reloaded. */
extern volatile sig_atomic_t oc_reload_requested;
void oc_sighup_install(void);

#endif
