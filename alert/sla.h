/* sla.h -- the SLA engine: clocks, due times and per-partition watermarks.
 *
 * Pure and deterministic: no I/O, no wall clock (live operation passes the
 * time in through al_engine_tick). The model is DESIGN.md's "The SLA model";
 * the decisions it leaves open are written down in docs/alert.md.
 *
 * A clock is open per case (conversation) at most. Its alerts wait in the
 * heap of the partition the case lives on, ordered by due time; a stopped
 * clock's entries are invalidated lazily and compacted away when they make up
 * more than half of a heap. Alerts come out as outcry.alert/v1 objects
 * appended to a caller's JSON array, in the order they fire. */
#ifndef AL_SLA_H
#define AL_SLA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "clockmap.h"
#include "heap.h"
#include "noise.h"

/* What can be due for a clock; the order breaks ties between equal times. */
typedef enum {
    AL_CRITICAL = 0, /* case.critical, fired at once, never queued */
    AL_WARNING,      /* sla.warning at warn_at x target */
    AL_BREACH,       /* sla.breach at the deadline */
    AL_ESCALATION,   /* sla.escalation at escalate_at x target */
    AL_EXPIRE,       /* internal: forget an unanswered clock, no alert */
    AL_KINDS
} al_kind_t;

#define AL_NO_TIME INT64_MIN /* "never": a disabled alert, an unknown watermark */

/* "case.critical", "sla.warning", ...; NULL for AL_EXPIRE. */
const char *al_kind_name(al_kind_t kind);

typedef struct al_options {
    int64_t lateness_ms;      /* allowed lateness: watermark = max event time - this */
    int64_t every_inbound_ms; /* > 0: every inbound post opens a clock with this target */
    int64_t retain_ms; /* an unanswered clock is forgotten this long after its last due time */
    const al_accounts_t *accounts; /* the brands' own accounts, or NULL; borrowed */
    const al_calendars_t *calendars; /* business hours, or NULL (24/7); borrowed */
} al_options_t;

/* Defaults: lateness 500 ms, every-inbound off, retention 7 days, no accounts. */
void al_options_default(al_options_t *opt);

typedef struct al_clock {
    char *case_id;         /* conversation id, the map key; owned */
    char *start_post;      /* id of the post that opened the clock; owned */
    char *brand;           /* brand of the case; owned */
    char *team;            /* routing.team, or "care" in every-inbound mode; owned */
    char *priority;        /* routing.priority, or "p3"; owned */
    json_t *post;          /* the alert's "post" object for the opening post; owned */
    int32_t partition;     /* partition whose heap holds the entries */
    int64_t opened_ms;     /* created_at of the opening post */
    int64_t target_ms;     /* first-reply target */
    int64_t due[AL_KINDS]; /* due time per kind, AL_NO_TIME when disabled */
    unsigned fired;        /* bit (1 << kind) set once that alert fired */
    uint64_t seq;          /* creation order, tie-breaker in the heap */
    int refs;              /* 1 while in the map, plus one per heap entry */
    int stopped;           /* replied to or forgotten: entries are stale */
} al_clock_t;

typedef struct al_partition {
    int known;         /* has seen an event or an assignment */
    int live;          /* assigned in Kafka mode: ticks advance its watermark */
    int64_t max_event; /* highest created_at seen on it, or AL_NO_TIME */
    int64_t watermark; /* due times strictly before it have fired, or AL_NO_TIME */
    al_heap_t heap;    /* due alerts of the clocks on this partition */
    size_t stale;      /* heap entries whose clock is stopped */
    int dirty;         /* watermark moved since the last al_engine_clean */
} al_partition_t;

typedef struct al_engine {
    al_options_t opt;       /* behaviour, copied at init */
    al_clockmap_t clocks;   /* open clocks by case id */
    al_partition_t *parts;  /* indexed by partition number; owned */
    size_t nparts;          /* entries in parts */
    int64_t max_event;      /* highest created_at in the whole input, or AL_NO_TIME */
    uint64_t next_seq;      /* sequence number of the next clock */
    uint64_t late_events;   /* events older than their partition's watermark */
    uint64_t clocks_opened; /* clocks opened since start */
    uint64_t noise_events;  /* reposts, ignored */
    json_t *dirty;          /* tracking on: case id -> {"p", "team"} of clocks changed; owned */
    int dirty_oom;          /* tracking lost a change (memory): the store must fail */
} al_engine_t;

void al_engine_init(al_engine_t *e, const al_options_t *opt);
/* Frees every clock, open or stale. */
void al_engine_free(al_engine_t *e);

/* Applies one routed post (borrowed) read from partition: moves the
 * watermark and fires what it passes, then opens, joins or stops the case's
 * clock. Alerts are appended to alerts (a JSON array).
 * Returns 0; -1 when the post cannot be used (reason in err, nothing changed,
 * no alert appended); -2 when memory ran out. */
int al_engine_apply(al_engine_t *e, int32_t partition, const json_t *post, json_t *alerts,
                    char *err, size_t errlen);

/* Live mode: every live partition's watermark moves to at least
 * now_ms - lateness; fires what that passes. Returns 0, or -2 (memory). */
int al_engine_tick(al_engine_t *e, int64_t now_ms, json_t *alerts);

/* End of a finite input: every partition's watermark moves to the highest
 * event time of the whole input; fires what that passes. Returns 0 or -2. */
int al_engine_drain(al_engine_t *e, json_t *alerts);

/* End of input on one partition (a control message): its watermark moves to
 * at least wm_ms; fires what that passes. Returns 0 or -2. */
int al_engine_advance(al_engine_t *e, int32_t partition, int64_t wm_ms, json_t *alerts);

/* Marks partitions as assigned (live = 1) or revoked (live = 0). State is
 * kept on revocation; see al_engine_drop_partition. */
void al_engine_set_live(al_engine_t *e, const int32_t *partitions, int n, int live);

/* Forgets the clocks and the watermark of a partition (its state is stale:
 * another instance consumed it meanwhile). Returns how many clocks closed. */
size_t al_engine_drop_partition(al_engine_t *e, int32_t partition);

/* ---- persistence (state.c, store.c) ---- */

/* Turns change tracking on: from now on every clock opened, fired or stopped
 * is recorded in e->dirty, and every moved watermark in parts[].dirty.
 * Returns 0, or -1 (memory). */
int al_engine_track(al_engine_t *e);
/* Forgets the recorded changes (after they were stored). */
void al_engine_clean(al_engine_t *e);
/* The open clock of case_id, or NULL. */
al_clock_t *al_engine_find(const al_engine_t *e, const char *case_id);
/* The earliest due time of c not fired yet (AL_EXPIRE included). */
int64_t al_clock_next_due(const al_clock_t *c);
/* Takes over c (a clock built by al_clock_from_json, refs 0): puts it in the
 * map and queues what is still due. Not recorded as a change. Returns 0, or
 * -1 (memory, or the case is open already; c is then freed). */
int al_engine_adopt(al_engine_t *e, al_clock_t *c);
/* Restores a partition's event time (AL_NO_TIME when unknown). */
int al_engine_set_time(al_engine_t *e, int32_t partition, int64_t max_event, int64_t watermark);
/* A clock as JSON (new reference) and back (state.c). al_clock_from_json
 * returns NULL with the reason in err. */
json_t *al_clock_to_json(const al_clock_t *c);
al_clock_t *al_clock_from_json(const json_t *j, int32_t partition, char *err, size_t errlen);
/* Frees a clock that is in no engine. */
void al_clock_free(al_clock_t *c);

/* Open clocks. */
size_t al_engine_open_clocks(const al_engine_t *e);
/* Current watermark of a partition, or AL_NO_TIME. */
int64_t al_engine_watermark(const al_engine_t *e, int32_t partition);

/* Builds an outcry.alert/v1 object (new reference) for clock c, kind fired
 * at at_ms, about post (borrowed; the clock's opening post when NULL).
 * NULL when memory ran out. (alertmsg.c) */
json_t *al_alert_new(const al_clock_t *c, al_kind_t kind, int64_t at_ms, const json_t *post);
/* The deterministic alert id: the first 32 hex digits of SHA-256 over
 * "type|case|clock_start_post". out needs 33 bytes. Returns 0 or -1. */
int al_alert_id(const char *type, const char *case_id, const char *start_post, char out[33]);

#endif
