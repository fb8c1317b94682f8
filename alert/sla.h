/* sla.h -- the SLA engine: clocks, due times and per-partition watermarks.
 *
 * Pure and deterministic: no I/O, no wall clock (live operation passes the
 * time in through al_engine_tick). The model is DESIGN.md's "The SLA model";
 * the decisions it leaves open are written down in docs/alert.md.
 *
 * A clock is open per case (conversation) at most. Its alerts wait in the
 * heap of the partition the case lives on, ordered by due time, one entry a
 * clock (its next due time; firing it queues the one after); a stopped
 * clock's entry is invalidated lazily and compacted away when such entries
 * make up more than half of a heap. Alerts come out as outcry.alert/v1 JSON
 * text appended to a caller's batch (al_alerts_t), in the order they fire. */
#ifndef AL_SLA_H
#define AL_SLA_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"
#include "fastpost.h"
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

/* One alert that fired, as the batch hands it out: the strings point into
 * the batch and stay valid until it changes (an add, a clear). */
typedef struct al_alert {
    al_kind_t kind;      /* what fired */
    int64_t at_ms;       /* when it was due, in event time */
    const char *id;      /* alert_id: 32 hex digits */
    const char *case_id; /* the case */
    const char *team;    /* the team it goes to */
    const char *json;    /* the outcry.alert/v1 object, compact JSON text */
    size_t json_len;     /* its length */
} al_alert_t;

/* Where one alert's pieces lie in al_alerts_t.text. */
typedef struct al_alert_rec {
    al_kind_t kind; /* what fired */
    int64_t at_ms;  /* when it was due */
    size_t id;      /* offset of the alert id */
    size_t case_id; /* offset of the case id */
    size_t team;    /* offset of the team */
    size_t json;    /* offset of the JSON text */
    size_t len;     /* length of the JSON text */
} al_alert_rec_t;

/* Alerts fired and not yet sent, in the order they fired. Their text is
 * written straight into one buffer that is reused (no JSON tree, nothing
 * allocated per alert in the steady state): an alert is published far more
 * often than it is looked into. Zero-initialise; al_alerts_free() it. */
typedef struct al_alerts {
    al_alert_rec_t *v; /* the alerts; owned */
    size_t n;          /* alerts in v */
    size_t cap;        /* records allocated */
    oc_buf_t text;     /* their strings, each NUL-terminated; owned */
} al_alerts_t;

size_t al_alerts_count(const al_alerts_t *a);
/* Alert i (< al_alerts_count), its strings borrowed from a. */
al_alert_t al_alerts_get(const al_alerts_t *a, size_t i);
/* Forgets the alerts, keeping the memory for the next batch. */
void al_alerts_clear(al_alerts_t *a);
void al_alerts_free(al_alerts_t *a); /* leaves a zeroed */

typedef struct al_options {
    int64_t lateness_ms;      /* allowed lateness: watermark = max event time - this */
    int64_t every_inbound_ms; /* > 0: every inbound post opens a clock with this target */
    int64_t retain_ms; /* an unanswered clock is forgotten this long after its last due time */
    const al_accounts_t *accounts;   /* the brands' own accounts, or NULL; borrowed */
    const al_calendars_t *calendars; /* business hours, or NULL (24/7); borrowed */
} al_options_t;

/* Defaults: lateness 500 ms, every-inbound off, retention 7 days, no accounts. */
void al_options_default(al_options_t *opt);

typedef struct al_clock {
    char *case_id;         /* conversation id, the map key; in mem */
    char *start_post;      /* id of the post that opened the clock; in mem */
    char *brand;           /* brand of the case; in mem */
    char *team;            /* routing.team, or "care" in every-inbound mode; in mem */
    char *priority;        /* routing.priority, or "p3"; in mem */
    char *post;            /* the alert's "post" for the opening post, as JSON text; in mem */
    char *mem;             /* the six strings above, one allocation; owned */
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

/* One case whose stored state changed since the last al_engine_clean(). */
typedef struct al_dirty_rec {
    size_t key;    /* offset of the case id in al_dirty_t.strs */
    size_t team;   /* offset of the team the clock had when first recorded */
    int32_t p;     /* partition of the clock */
    uint32_t hash; /* hash of the case id */
} al_dirty_rec_t;

/* The cases changed since the last write, in the order first recorded, each
 * once; strings are copied into one buffer that is reused, so recording
 * allocates nothing in the steady state. */
typedef struct al_dirty {
    int on;            /* tracking on (Kafka mode): record changes */
    al_dirty_rec_t *v; /* the records; owned */
    size_t n;          /* records in v */
    size_t cap;        /* records allocated */
    oc_buf_t strs;     /* case ids and teams, NUL-terminated; owned */
    uint32_t *slots;   /* index: record number + 1, 0 empty; owned */
    size_t nslots;     /* a power of two, or 0 */
} al_dirty_t;

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
    al_dirty_t dirty;       /* tracking on: the cases changed since the last write */
    int dirty_oom;          /* tracking lost a change (memory): the store must fail */
    oc_buf_t scratch;       /* the post summary being built; reused */
} al_engine_t;

/* What a clock can carry to its outputs, in bytes: its team goes into the
 * sink's Redis channel outcry:alerts:<team> and the store's team index (route
 * writes at most 100: team names are also topic names), its case id into
 * the store's members "<topic>|<partition>|<case>" (1 KiB, store.c). A post
 * that would open a clock with more is refused (invalid_routed): such a
 * clock failed its first alert, which stopped the stage, or every write of
 * the state, which was retried without end; and again after a restart. */
#define AL_TEAM_MAX 100
#define AL_CASE_MAX 512

/* A routed post as the engine reads it: plain C, read once per message
 * (event.c). Strings are borrowed from the parsed message. */
typedef struct al_event {
    const char *case_id;      /* conversation, else id */
    const char *post_id;      /* id */
    const char *brand;        /* brand */
    int64_t at_ms;            /* created_at */
    int outbound;             /* the brand speaking (also from another brand account) */
    int noise;                /* a repost: moves event time, opens and stops nothing */
    int opens;                /* may open a clock (routed complaint, or every-inbound) */
    int critical;             /* classification.severity == "critical" */
    const char *team;         /* routing.team */
    const char *priority;     /* routing.priority */
    int64_t target_ms;        /* first-reply target */
    double warn_at;           /* fraction of the target, <= 0: no warning */
    double escalate_at;       /* multiple of the target, <= 0: no escalation */
    const al_calendar_t *cal; /* business hours, NULL for 24/7 */
    const char *author_id;    /* author.id */
    const char *handle;       /* author.handle, NULL when absent or null */
    int has_followers;        /* author.followers is a number */
    long long followers;      /* its value */
    const char *text;         /* text */
    const char *url;          /* url, NULL when not a string */
} al_event_t;

void al_engine_init(al_engine_t *e, const al_options_t *opt);
/* Frees every clock, open or stale. */
void al_engine_free(al_engine_t *e);

/* Applies one routed post (borrowed) read from partition: moves the
 * watermark and fires what it passes, then opens, joins or stops the case's
 * clock. Alerts are appended to alerts.
 * Returns 0; -1 when the post cannot be used (reason in err, nothing changed,
 * no alert appended); -2 when memory ran out. Reads the post with
 * al_event_read_json(), then al_engine_apply_event(). */
int al_engine_apply(al_engine_t *e, int32_t partition, const json_t *post, al_alerts_t *alerts,
                    char *err, size_t errlen);

/* Internal (state.c): records case_id (copied) with its partition and team
 * unless it is recorded already. Returns 0 or -1 (memory). */
int al_dirty_mark(al_dirty_t *d, const char *case_id, int32_t p, const char *team);
void al_dirty_free(al_dirty_t *d);

/* al_engine_apply() of an event already read. Returns 0, or -2 (memory, or
 * partition out of range). */
int al_engine_apply_event(al_engine_t *e, int32_t partition, const al_event_t *ev,
                          al_alerts_t *alerts);

/* ---- events (event.c; the summary and JSON text in state.c) ---- */

/* Reads the event of a routed post, parsed by oc_fp_parse() (cJSON) or by
 * jansson, with the engine's options. Returns 0, or -1 with the
 * invalid_routed reason in err. */
int al_event_read_cjson(const al_options_t *opt, const cJSON *post, al_event_t *ev, char *err,
                        size_t errlen);
int al_event_read_json(const al_options_t *opt, const json_t *post, al_event_t *ev, char *err,
                       size_t errlen);
/* The alert's "post" of ev as JSON text: id, author {id, handle,
 * followers}, text, url (absent fields left out), into out (replacing what
 * it held), byte for byte what jansson writes. Returns 0 or -1 (memory). */
int al_event_summary(const al_event_t *ev, oc_buf_t *out);
/* Appends v in decimal, as jansson writes an integer. Returns 0 or -1. */
int al_json_int(oc_buf_t *b, long long v);

/* v in decimal into out, NUL-terminated, as "%lld" writes it (without
 * printf: several a post). Returns the length. */
#define AL_DECIMAL_MAX 24 /* "-9223372036854775808" and the NUL, rounded up */
size_t al_decimal(long long v, char out[AL_DECIMAL_MAX]);
/* Appends the text name (e.g. ",\"team\":") then s as a JSON string.
 * Returns 0 or -1. */
int al_json_member(oc_buf_t *b, const char *name, const char *s);

/* Live mode: every live partition's watermark moves to at least
 * now_ms - lateness; fires what that passes. Returns 0, or -2 (memory). */
int al_engine_tick(al_engine_t *e, int64_t now_ms, al_alerts_t *alerts);

/* End of a finite input: every partition's watermark moves to the highest
 * event time of the whole input; fires what that passes. Returns 0 or -2. */
int al_engine_drain(al_engine_t *e, al_alerts_t *alerts);

/* End of input on one partition (a control message): its watermark moves to
 * at least wm_ms; fires what that passes. Returns 0 or -2. */
int al_engine_advance(al_engine_t *e, int32_t partition, int64_t wm_ms, al_alerts_t *alerts);

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
/* Recorded changes: how many cases; the case id, partition and first team
 * of record i (borrowed, until the next change or clean). */
size_t al_engine_dirty_count(const al_engine_t *e);
const char *al_engine_dirty_case(const al_engine_t *e, size_t i, int32_t *p, const char **team);
/* The team recorded for case_id, or NULL when it is not recorded. */
const char *al_engine_dirty_team(const al_engine_t *e, const char *case_id);
/* The open clock of case_id, or NULL. */
al_clock_t *al_engine_find(const al_engine_t *e, const char *case_id);
/* The earliest due time of c not fired yet (AL_EXPIRE included). */
int64_t al_clock_next_due(const al_clock_t *c);
/* Takes over c (a clock built by al_clock_parse, refs 0): puts it in the
 * map and queues what is still due. Not recorded as a change. Returns 0, or
 * -1 (memory, or the case is open already; c is then freed). */
int al_engine_adopt(al_engine_t *e, al_clock_t *c);
/* Restores a partition's event time (AL_NO_TIME when unknown). */
int al_engine_set_time(al_engine_t *e, int32_t partition, int64_t max_event, int64_t watermark);
/* A clock as the JSON text stored in Redis, into out (replacing what it
 * held): {"case", "start", "brand", "team", "priority", "post", "opened",
 * "target", "due": [warning, breach, escalation, expiry], "fired"}, compact,
 * written without jansson. Returns 0 or -1 (memory). And back (state.c):
 * al_clock_from_json returns NULL with the reason in err. */
int al_clock_text(const al_clock_t *c, oc_buf_t *out);
al_clock_t *al_clock_from_json(const json_t *j, int32_t partition, char *err, size_t errlen);
/* A stored clock from its JSON text s[0..len), as al_clock_from_json()
 * makes it from what jansson reads there (the same strings, "post" the same
 * bytes, the same verdict), but without jansson when the text is in
 * al_clock_text's form: cJSON reads it in the thread's arena (fastpost.h)
 * and "post" is taken from the text as it is. Returns a new clock, or NULL
 * with the reason in err. */
al_clock_t *al_clock_parse(const char *s, size_t len, int32_t partition, char *err, size_t errlen);
/* Sets c's strings (copied into one allocation, c->mem). post is JSON
 * text. Returns 0 or -1 (memory; c's strings are then NULL). */
int al_clock_set_strings(al_clock_t *c, const char *case_id, const char *start_post,
                         const char *brand, const char *team, const char *priority,
                         const char *post);
/* Frees a clock that is in no engine. */
void al_clock_free(al_clock_t *c);

/* Open clocks. */
size_t al_engine_open_clocks(const al_engine_t *e);
/* Current watermark of a partition, or AL_NO_TIME. */
int64_t al_engine_watermark(const al_engine_t *e, int32_t partition);

/* Appends the outcry.alert/v1 alert for clock c, kind fired at at_ms, about
 * the post whose summary is the JSON text post (the clock's opening post
 * when NULL), to a. Written as text, byte for byte what jansson would write
 * (JSON_COMPACT, members in this order). Returns 0 or -1 (memory; a is
 * unchanged). (alertmsg.c) */
int al_alerts_add(al_alerts_t *a, const al_clock_t *c, al_kind_t kind, int64_t at_ms,
                  const char *post);
/* The deterministic alert id: the first 32 hex digits of SHA-256 over
 * "type|case|clock_start_post". out needs 33 bytes. Returns 0 or -1. */
int al_alert_id(const char *type, const char *case_id, const char *start_post, char out[33]);

#endif
