/* ingest.h -- a whole input in memory (batch.c), thread resolution
 * (thread.c), and its two outputs: stdout (convert, render.c) and Kafka
 * (replay.c).
 *
 * Files are read whole before anything is written: a reply may come before
 * its parent, so a post's conversation and brand are known only at the end;
 * and pacing by event time needs the posts sorted. The batch is bounded by a
 * row limit (--max-rows) instead of growing without end. */
#ifndef IG_INGEST_H
#define IG_INGEST_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "fastpost.h"
#include "format.h"

#define IG_DEFAULT_MAX_ROWS 500000

/* One accepted post. A lean item (JSON formats, see ig_batch_load_ex) is
 * kept as bytes plus the three strings thread resolution and replay read,
 * all in the batch's arena; the others keep the whole jansson post. */
typedef struct ig_item {
    json_t *post;            /* not lean: the canonical post; owned. Lean: NULL */
    const char *raw;         /* lean: the post as accepted, '{' to '}'; in the arena or b->input */
    size_t raw_len;          /* lean: bytes of raw */
    const char *id;          /* lean: the post's id; arena */
    const char *in_reply_to; /* lean: its parent's id, or NULL; arena */
    const char *conv;       /* lean: its conversation (its own, or resolved by thread.c), or NULL */
    int64_t created_ms;     /* its created_at, ms since the epoch */
    int64_t number;         /* its record number, for a stable order */
    unsigned char raw_conv; /* lean: raw has its own conversation */
    unsigned char raw_ingested; /* lean: raw has its own ingested_at */
    unsigned char raw_source;   /* lean: raw has its source (else "jsonl" is added on output) */
    unsigned char rebased;      /* lean: created_ms moved since raw was written */
} ig_item_t;

/* A block of the batch's arena (batch.c). */
typedef struct ig_chunk ig_chunk_t;

typedef struct ig_batch {
    const ig_format_t *fmt; /* borrowed */
    const char *source;     /* file name as given ("-" for stdin); borrowed */
    ig_item_t *items;       /* accepted posts, in input order */
    size_t nitems;          /* entries used in items */
    size_t cap;             /* entries allocated */
    json_t *dlq;            /* rejected records as outcry.dlq/v1 entries, in input order */
    json_t *reasons;        /* reject code -> count */
    int64_t rows;           /* records read (accepted + rejected) */
    int64_t max_rows;       /* refuse inputs with more records; 0 = no limit */
    int lean;               /* keep posts serialised (ig_item_t.raw): ~10x less memory */
    ig_chunk_t *arena;      /* lean items' bytes and strings; freed with the batch */
    char *input;            /* lean jsonl from a regular file: all of it (mmap'd), or NULL */
    size_t input_len;       /* bytes read into input */
    size_t input_cap;       /* bytes mapped */
    int64_t fast;           /* lean jsonl: posts taken by the fast path (canon.h) */
    char err[512];          /* why loading failed */
} ig_batch_t;

/* Reads all of in as fmt, rejecting bad records into b->dlq and resolving
 * threads. source names the input in DLQ entries and messages. Returns 0, or
 * -1 with the reason in b->err (read error, bad header, too many rows). */
int ig_batch_load(ig_batch_t *b, FILE *in, const char *source, const ig_format_t *fmt,
                  int64_t max_rows);

/* The same; lean keeps each accepted post serialised with only the fields
 * thread resolution reads as JSON (for formats without IG_THREAD_BRAND: a
 * lean batch's posts are read through ig_item_render, not item.post). */
int ig_batch_load_ex(ig_batch_t *b, FILE *in, const char *source, const ig_format_t *fmt,
                     int64_t max_rows, int lean);

/* The post of it as it goes out: serialised, with ingested_at stamped (now)
 * when absent and, for a lean item, the resolved conversation and a rebased
 * created_at put in. Returns a malloc'd string, or NULL when out of memory. */
char *ig_item_render(ig_item_t *it, int64_t now_ms);

/* The same into out (replacing what it held), with ingested_at given as the
 * formatted timestamp (oc_time_format). Returns 0, or -1 when out of memory. */
int ig_item_render_to(ig_item_t *it, const char *ingested_at, oc_buf_t *out);

/* The id of it, and its conversation (else its id); borrowed. */
const char *ig_item_id(const ig_item_t *it);
const char *ig_item_conversation(const ig_item_t *it);

/* Rejects a record: adds a DLQ entry for bytes with code and reason, in
 * record order. */
int ig_batch_reject(ig_batch_t *b, const char *code, const char *reason, int64_t number,
                    const char *bytes, size_t len);

/* Rejects an accepted post after all: a DLQ entry holding the post, which
 * it frees; the caller takes it out of b->items. Returns 0 or -1. */
int ig_batch_reject_item(ig_batch_t *b, ig_item_t *it, const char *code, const char *reason);

/* Sorts items by created_at, then input order. */
void ig_batch_sort(ig_batch_t *b);

/* Logs the summary (JSON log line "ingest_summary"), and a readable line on
 * stderr when it is a terminal. extra (stolen, may be NULL) adds fields. */
void ig_batch_summary(const ig_batch_t *b, json_t *extra);

void ig_batch_free(ig_batch_t *b);

/* Stamps ingested_at (now) on a post that has none. Returns 0 or -1. */
int ig_stamp(json_t *post, int64_t now_ms);

/* convert: posts as JSON lines on out in input order, DLQ entries as JSON
 * lines on errout. Returns 0, or -1 when writing failed. */
int ig_convert(ig_batch_t *b, FILE *out, FILE *errout);

/* Fills conversation where absent (and always with IG_THREAD_CONVERSATION)
 * with the thread root found by following in_reply_to through items; with
 * IG_THREAD_BRAND sets each inbound post's brand to its thread's (see
 * docs/ingest.md). Returns 0, or -1 with the reason in err. */
int ig_thread_resolve(ig_item_t *items, size_t n, int flags, char *err, size_t errlen);

/* Options of replay. */
typedef struct ig_replay_opts {
    double speed;         /* 0: as fast as possible; N: N x real time by created_at */
    int rebase_now;       /* shift created_at so the earliest post is now */
    int flush_timeout_ms; /* deadline for the final flush */
    size_t dedup_ids;     /* produce an id once among the last dedup_ids (0 = off) */
    int64_t dedup_ms;     /* ... and within this much event time (0 = no limit) */
} ig_replay_opts_t;

/* Shifts every created_at of b's posts by delta_ms (rewriting the field).
 * A post the shift takes out of the years 0000-9999 (which no RFC 3339
 * timestamp can name) is rejected (bad_timestamp). Returns 0 or -1. */
int ig_rebase(ig_batch_t *b, int64_t delta_ms);

/* When (ms after the start) the post at event time t is due, when the first
 * is at t0 and the replay runs at speed x real time. */
int64_t ig_pace_due(int64_t t0_ms, int64_t t_ms, double speed);

/* replay: produces the batch's DLQ entries to the dlq topic and its posts, in
 * created_at order, to the posts topic keyed by conversation, then waits for
 * every delivery. A stop (SIGTERM/SIGINT) ends producing early. Returns 0
 * when everything produced was delivered, 1 otherwise. */
int ig_replay(ig_batch_t *b, oc_config_t *cfg, const ig_replay_opts_t *opts);

#endif
