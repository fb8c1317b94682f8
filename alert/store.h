/* store.h -- the SLA state in Redis, so any alert instance can take over a
 * partition of another (docs/alert.md, "State in Redis").
 *
 * Keys, T the input topic (e.g. outcry.routed), P the partition number:
 *   outcry:alert:state:T:P:clocks  hash  case id -> clock JSON (al_clock_text)
 *   outcry:alert:state:T:P:due     zset  case id, score = next due time (ms)
 *   outcry:alert:state:T:P:meta    hash  offset, watermark, max_event
 *   outcry:alert:team:<team>       zset  "T|P|case", score = the breach deadline (ms)
 *
 * The engine in memory is a write-behind cache: the changes of up to
 * AL_WRITE_EVERY held inputs (clocks opened, fired, stopped; watermarks;
 * the input offsets) go to Redis in one MULTI/EXEC, written as RESP into one
 * buffer (one round trip a batch), before the inputs are released, so a
 * Kafka commit never runs ahead of the state. On assignment a partition is loaded
 * from Redis; on revocation it is dropped from memory. */
#ifndef AL_STORE_H
#define AL_STORE_H

#include <hiredis/hiredis.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "redisurl.h"
#include "sla.h"

#define AL_STATE_PREFIX "outcry:alert:state:"
#define AL_TEAM_PREFIX  "outcry:alert:team:"

typedef struct al_store_part {
    int loaded;      /* state of this partition is in memory */
    int64_t offset;  /* last input offset applied and written to Redis, -1 when none */
    int64_t pending; /* last input offset applied in memory, not yet written; -1 none */
} al_store_part_t;

typedef struct al_store {
    al_redis_url_t url;      /* where the state lives */
    redisContext *rc;        /* connection, NULL while down */
    char topic[256];         /* input topic, part of the keys */
    char key_prefix[300];    /* "outcry:alert:state:<topic>:" */
    oc_buf_t cbuf;           /* a clock's JSON text; reused */
    al_store_part_t *parts;  /* indexed by partition; owned */
    size_t nparts;           /* entries in parts */
    oc_metric_t *m_failures; /* outcry_alert_state_failures_total */
    uint64_t round_trips;    /* MULTI/EXEC batches written */
    char err[512];           /* last error */
    char werr[256];          /* the last error reply to a batch */
} al_store_t;

/* Returns 0, or -1 with the reason in s->err (bad URL, topic too long). */
int al_store_init(al_store_t *s, const char *redis_url, const char *topic);
void al_store_close(al_store_t *s);

/* 1 when partition p's state is in memory. */
int al_store_loaded(const al_store_t *s, int32_t p);
/* Last offset of p applied to the state, -1 when none. */
int64_t al_store_offset(const al_store_t *s, int32_t p); /* applied: noted, else written */
/* Replaces p's state in e by what Redis holds (retrying while Redis is down
 * and the process runs). Returns 0, or -1 (s->err). */
int al_store_load(al_store_t *s, al_engine_t *e, int32_t p);
/* Drops p's state from memory (Redis keeps it). */
void al_store_forget(al_store_t *s, al_engine_t *e, int32_t p);
/* Notes that partition p's input up to offset is applied in memory: the
 * next al_store_write() records it with the state. */
void al_store_note(al_store_t *s, int32_t p, int64_t offset);
/* Writes e's recorded changes and every noted offset, plus offset of
 * partition p when offset >= 0, in one pipelined MULTI/EXEC (retrying while
 * Redis is down and the process runs), then cleans e's records. Nothing to
 * write: no round trip. Returns 0, or -1 (s->err). */
int al_store_write(al_store_t *s, al_engine_t *e, int32_t p, int64_t offset);

/* outcry-alert --list: prints team's open clocks (breached only: the breach
 * fired) ordered by deadline on out; json: one clock JSON a line. Returns
 * the exit code (0, or 1 with a message on stderr). */
int al_store_list(const char *redis_url, const char *team, int breached, int json, FILE *out);

#endif
