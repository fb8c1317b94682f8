/* sla.c -- the SLA engine (see sla.h and docs/alert.md). */
#include "sla.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post.h"
#include "timeutil.h"

#define AL_DEFAULT_WARN_AT     0.75
#define AL_DEFAULT_ESCALATE_AT 2.0
#define AL_MAX_FACTOR          1000.0                 /* warn_at / escalate_at sanity bound */
#define AL_MAX_TARGET_MS       (366LL * 86400 * 1000) /* a year */
#define AL_MAX_PARTITIONS      65536                  /* Kafka's practical ceiling is far lower */
#define AL_COMPACT_MIN         1024                   /* stale entries before compaction pays */

static const char *const kind_names[AL_KINDS] = {
    "case.critical", "sla.warning", "sla.breach", "sla.escalation", NULL,
};

const char *al_kind_name(al_kind_t kind)
{
    return (kind >= 0 && kind < AL_KINDS) ? kind_names[kind] : NULL;
}

void al_options_default(al_options_t *opt)
{
    opt->lateness_ms = 500;
    opt->every_inbound_ms = 0;
    opt->retain_ms = 7LL * 86400 * 1000;
    opt->accounts = NULL;
    opt->calendars = NULL;
}

void al_engine_init(al_engine_t *e, const al_options_t *opt)
{
    memset(e, 0, sizeof(*e));
    if (opt != NULL)
        e->opt = *opt;
    else
        al_options_default(&e->opt);
    e->max_event = AL_NO_TIME;
}

/* ---- clocks ---------------------------------------------------------- */

static void clock_free_contents(al_clock_t *c)
{
    free(c->case_id);
    free(c->start_post);
    free(c->brand);
    free(c->team);
    free(c->priority);
    json_decref(c->post);
    c->case_id = c->start_post = c->brand = c->team = c->priority = NULL;
    c->post = NULL;
}

static void clock_release(al_clock_t *c)
{
    if (--c->refs > 0)
        return;
    clock_free_contents(c);
    free(c);
}

/* Records that c changed (tracking on); the first record of a call keeps the
 * team the clock had when the call started. */
static void mark(al_engine_t *e, const al_clock_t *c)
{
    if (e->dirty == NULL || c->case_id == NULL || json_object_get(e->dirty, c->case_id) != NULL)
        return;
    json_t *v = json_pack("{s:i,s:s}", "p", (json_int_t)c->partition, "team", c->team);
    if (v == NULL || json_object_set_new(e->dirty, c->case_id, v) != 0)
        e->dirty_oom = 1;
}

static al_partition_t *part_get(al_engine_t *e, int32_t id, int create)
{
    if (id < 0 || id >= AL_MAX_PARTITIONS)
        return NULL;
    if ((size_t)id >= e->nparts) {
        if (!create)
            return NULL;
        size_t n = (size_t)id + 1;
        al_partition_t *p = realloc(e->parts, n * sizeof(*p));
        if (p == NULL)
            return NULL;
        for (size_t i = e->nparts; i < n; i++) {
            memset(&p[i], 0, sizeof(p[i]));
            p[i].max_event = AL_NO_TIME;
            p[i].watermark = AL_NO_TIME;
        }
        e->parts = p;
        e->nparts = n;
    }
    al_partition_t *p = &e->parts[id];
    if (create)
        p->known = 1;
    return p;
}

static int entry_live(const al_heap_entry_t *en)
{
    return !((const al_clock_t *)en->clock)->stopped;
}

static void entry_drop(const al_heap_entry_t *en, void *arg)
{
    (void)arg;
    clock_release(en->clock);
}

/* Removes c from the map and marks its queued entries stale; they are
 * released as they surface (or by compaction, unless the caller is walking
 * the heap: may_compact 0). The heavy contents go now. */
static void clock_stop(al_engine_t *e, al_clock_t *c, int may_compact)
{
    mark(e, c);
    al_map_del(&e->clocks, c->case_id);
    c->stopped = 1;
    al_partition_t *p = part_get(e, c->partition, 0);
    if (p != NULL) {
        p->stale += (size_t)(c->refs - 1);
        /* The map's reference keeps c alive while its entries are dropped. */
        if (may_compact && p->stale >= AL_COMPACT_MIN && p->stale * 2 > p->heap.len) {
            al_heap_filter(&p->heap, entry_live, entry_drop, NULL);
            p->stale = 0;
        }
    }
    clock_free_contents(c);
    clock_release(c); /* the map's reference */
}

static int emit(al_engine_t *e, al_clock_t *c, al_kind_t kind, int64_t at, const json_t *post, json_t *alerts)
{
    json_t *a = al_alert_new(c, kind, at, post);
    if (a == NULL || json_array_append_new(alerts, a) != 0)
        return -2;
    c->fired |= 1u << kind;
    mark(e, c);
    return 0;
}

/* Fires every queued entry of partition p due strictly before limit. */
static int fire_due(al_engine_t *e, al_partition_t *p, int64_t limit, json_t *alerts)
{
    for (;;) {
        const al_heap_entry_t *top = al_heap_peek(&p->heap);
        if (top == NULL || top->due >= limit)
            break;
        al_heap_entry_t en;
        al_heap_pop(&p->heap, &en);
        al_clock_t *c = en.clock;
        int rc = 0;
        if (c->stopped) {
            if (p->stale > 0)
                p->stale--;
        } else if (en.kind == AL_EXPIRE) {
            /* Unanswered long enough: forget it. The popped entry still
             * holds a reference, so c survives clock_stop, which counts
             * that entry as stale; it is not in the heap any more. */
            clock_stop(e, c, 1);
            if (p->stale > 0)
                p->stale--;
        } else if ((c->fired & (1u << en.kind)) == 0) {
            rc = emit(e, c, (al_kind_t)en.kind, en.due, NULL, alerts);
        }
        clock_release(c);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A reply at reply_ms stops c: what was due strictly before the reply fired
 * in event time even if the watermark has not passed it yet. */
static int clock_answer(al_engine_t *e, al_clock_t *c, int64_t reply_ms, json_t *alerts)
{
    for (;;) {
        int best = -1;
        for (int k = AL_WARNING; k <= AL_ESCALATION; k++) {
            if (c->due[k] == AL_NO_TIME || (c->fired & (1u << k)) || c->due[k] >= reply_ms)
                continue;
            if (best < 0 || c->due[k] < c->due[best])
                best = k;
        }
        if (best < 0)
            break;
        if (emit(e, c, (al_kind_t)best, c->due[best], NULL, alerts) != 0)
            return -2;
    }
    clock_stop(e, c, 1);
    return 0;
}

/* ---- events ---------------------------------------------------------- */

typedef struct al_event {
    const json_t *post;   /* the routed post; borrowed */
    const char *case_id;  /* conversation, else id */
    const char *post_id;  /* id */
    const char *brand;    /* brand */
    int64_t at_ms;        /* created_at */
    int outbound;         /* the brand speaking (also from another brand account) */
    int noise;            /* a repost: moves event time, opens and stops nothing */
    int opens;            /* may open a clock (routed complaint, or every-inbound) */
    int critical;         /* classification.severity == "critical" */
    const char *team;     /* routing.team */
    const char *priority; /* routing.priority */
    int64_t target_ms;    /* first-reply target */
    double warn_at;       /* fraction of the target, <= 0: no warning */
    double escalate_at;   /* multiple of the target, <= 0: no escalation */
    const al_calendar_t *cal; /* business hours, NULL for 24/7 */
} al_event_t;

/* Reads an SLA factor: absent means the default, null or <= 0 disables. */
static int read_factor(const json_t *sla, const char *name, double dflt, double *out, char *err,
                       size_t errlen)
{
    const json_t *v = sla != NULL ? json_object_get(sla, name) : NULL;
    if (v == NULL) {
        *out = dflt;
        return 0;
    }
    if (json_is_null(v)) {
        *out = 0;
        return 0;
    }
    if (!json_is_number(v) || json_number_value(v) > AL_MAX_FACTOR) {
        snprintf(err, errlen, "routing.sla.%s: expected a number up to %.0f", name, AL_MAX_FACTOR);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int read_event(const al_engine_t *e, const json_t *post, al_event_t *ev, char *err,
                      size_t errlen)
{
    memset(ev, 0, sizeof(*ev));
    ev->post = post;
    ev->case_id = oc_post_conversation(post);
    ev->post_id = oc_post_id(post);
    ev->brand = oc_post_str(post, "brand");
    const char *created = oc_post_str(post, "created_at");
    if (ev->case_id == NULL || ev->post_id == NULL || ev->brand == NULL) {
        snprintf(err, errlen, "id, conversation and brand must be strings");
        return -1;
    }
    if (created == NULL || oc_time_parse(created, &ev->at_ms) != 0) {
        snprintf(err, errlen, "created_at: expected an RFC 3339 timestamp");
        return -1;
    }
    ev->outbound = oc_post_is_outbound(post);
    if (al_post_is_repost(post)) {
        ev->noise = 1;
        return 0;
    }
    /* The brand's other accounts speak for the brand, whatever ingest said. */
    if (!ev->outbound && al_accounts_match(e->opt.accounts, ev->brand, post))
        ev->outbound = 1;
    if (ev->outbound)
        return 0;

    const json_t *cls = json_object_get(post, "classification");
    const json_t *routing = json_object_get(post, "routing");
    int complaint = json_is_true(json_object_get(cls, "complaint"));
    const char *severity = json_string_value(json_object_get(cls, "severity"));
    ev->critical = severity != NULL && strcmp(severity, "critical") == 0;
    if (routing != NULL && !json_is_object(routing)) {
        snprintf(err, errlen, "routing: expected an object");
        return -1;
    }
    if (routing == NULL && complaint && e->opt.every_inbound_ms <= 0) {
        snprintf(err, errlen,
                 "routing: missing on an inbound complaint (is route's output "
                 "the input of alert?)");
        return -1;
    }
    ev->opens = e->opt.every_inbound_ms > 0 || (complaint && routing != NULL);
    if (!ev->opens)
        return 0;

    const json_t *sla = json_object_get(routing, "sla");
    ev->team = json_string_value(json_object_get(routing, "team"));
    ev->priority = json_string_value(json_object_get(routing, "priority"));
    if (routing != NULL && ev->team == NULL) {
        snprintf(err, errlen, "routing.team: expected a string");
        return -1;
    }
    if (ev->team == NULL)
        ev->team = "care";
    if (ev->priority == NULL)
        ev->priority = "p3";
    if (e->opt.every_inbound_ms > 0) {
        ev->target_ms = e->opt.every_inbound_ms;
    } else {
        const json_t *t = json_object_get(sla, "first_reply_s");
        double s = json_is_number(t) ? json_number_value(t) : -1;
        if (!(s > 0) || s * 1000 > (double)AL_MAX_TARGET_MS) {
            snprintf(err, errlen,
                     "routing.sla.first_reply_s: expected a number of seconds "
                     "above 0 and up to a year");
            return -1;
        }
        ev->target_ms = llround(s * 1000);
        if (ev->target_ms <= 0)
            ev->target_ms = 1;
    }
    const char *cal = json_string_value(json_object_get(sla, "calendar"));
    ev->cal = cal != NULL ? al_calendar_get(e->opt.calendars, cal)
                          : al_calendar_of_team(e->opt.calendars, ev->team);
    if (cal != NULL && ev->cal == NULL) {
        snprintf(err, errlen,
                 "routing.sla.calendar: '%s' is not in the calendars file (--calendars)", cal);
        return -1;
    }
    if (read_factor(sla, "warn_at", AL_DEFAULT_WARN_AT, &ev->warn_at, err, errlen) != 0 ||
        read_factor(sla, "escalate_at", AL_DEFAULT_ESCALATE_AT, &ev->escalate_at, err, errlen) != 0)
        return -1;
    return 0;
}

/* The alert's "post": id, author {id, handle, followers}, text, url.
 * New reference, or NULL. */
static json_t *alert_post(const json_t *post)
{
    json_t *out = json_object();
    json_t *author = json_object();
    const json_t *a = json_object_get(post, "author");
    if (out == NULL || author == NULL)
        goto error;
    static const char *const author_fields[] = {"id", "handle", "followers"};
    for (size_t i = 0; i < sizeof(author_fields) / sizeof(author_fields[0]); i++) {
        json_t *v = json_object_get(a, author_fields[i]);
        if (v != NULL && !json_is_null(v) && json_object_set(author, author_fields[i], v) != 0)
            goto error;
    }
    if (json_object_set(out, "id", json_object_get(post, "id")) != 0 ||
        json_object_set_new(out, "author", author) != 0)
        goto error_out;
    author = NULL;
    json_t *text = json_object_get(post, "text");
    json_t *url = json_object_get(post, "url");
    if ((json_is_string(text) && json_object_set(out, "text", text) != 0) ||
        (json_is_string(url) && json_object_set(out, "url", url) != 0))
        goto error_out;
    return out;
error:
    json_decref(author);
error_out:
    json_decref(out);
    return NULL;
}

/* start + factor x target, counted in cal's business hours when cal. */
static int64_t scaled(const al_calendar_t *cal, int64_t start, int64_t target, double factor)
{
    if (!(factor > 0))
        return AL_NO_TIME;
    int64_t d = llround(factor * (double)target);
    return cal != NULL ? al_calendar_add(cal, start, d) : start + d;
}

/* Puts c (refs 0) in the map and queues its due times not fired yet.
 * Returns 0, or -1 (memory: c is then freed). */
static int clock_enqueue(al_engine_t *e, al_partition_t *p, al_clock_t *c)
{
    c->refs = 1;
    if (al_map_put(&e->clocks, c) != 0) {
        clock_free_contents(c);
        free(c);
        return -1;
    }
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        if (c->due[k] == AL_NO_TIME || (c->fired & (1u << k)) != 0)
            continue;
        al_heap_entry_t en = {.due = c->due[k], .seq = c->seq, .kind = k, .clock = c};
        if (al_heap_push(&p->heap, &en) != 0) {
            json_t *saved = e->dirty;
            e->dirty = NULL; /* never stored: nothing to record */
            clock_stop(e, c, 1);
            e->dirty = saved;
            return -1;
        }
        c->refs++;
    }
    return 0;
}

/* Opens a clock for ev; returns it (borrowed: the map holds it), or NULL. */
static al_clock_t *clock_open(al_engine_t *e, int32_t partition, al_partition_t *p,
                              const al_event_t *ev)
{
    al_clock_t *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return NULL;
    c->case_id = strdup(ev->case_id);
    c->start_post = strdup(ev->post_id);
    c->brand = strdup(ev->brand);
    c->team = strdup(ev->team);
    c->priority = strdup(ev->priority);
    c->post = alert_post(ev->post);
    if (!c->case_id || !c->start_post || !c->brand || !c->team || !c->priority || !c->post) {
        clock_free_contents(c);
        free(c);
        return NULL;
    }
    c->partition = partition;
    c->opened_ms = ev->at_ms;
    c->target_ms = ev->target_ms;
    c->seq = e->next_seq++;
    c->due[AL_CRITICAL] = AL_NO_TIME;
    c->due[AL_WARNING] = scaled(ev->cal, ev->at_ms, ev->target_ms, ev->warn_at);
    c->due[AL_BREACH] = scaled(ev->cal, ev->at_ms, ev->target_ms, 1.0);
    c->due[AL_ESCALATION] = scaled(ev->cal, ev->at_ms, ev->target_ms, ev->escalate_at);
    int64_t last = c->due[AL_BREACH];
    if (c->due[AL_WARNING] > last)
        last = c->due[AL_WARNING];
    if (c->due[AL_ESCALATION] > last)
        last = c->due[AL_ESCALATION];
    c->due[AL_EXPIRE] = last + (e->opt.retain_ms > 0 ? e->opt.retain_ms : 0);

    if (clock_enqueue(e, p, c) != 0)
        return NULL;
    mark(e, c);
    e->clocks_opened++;
    return c;
}

int al_engine_apply(al_engine_t *e, int32_t partition, const json_t *post, json_t *alerts,
                    char *err, size_t errlen)
{
    al_event_t ev;
    if (read_event(e, post, &ev, err, errlen) != 0)
        return -1;
    al_partition_t *p = part_get(e, partition, 1);
    if (p == NULL) {
        snprintf(err, errlen, "partition %d: out of range or out of memory", (int)partition);
        return -2;
    }
    if (p->watermark != AL_NO_TIME && ev.at_ms < p->watermark)
        e->late_events++;
    if (p->max_event == AL_NO_TIME || ev.at_ms > p->max_event)
        p->max_event = ev.at_ms;
    if (e->max_event == AL_NO_TIME || ev.at_ms > e->max_event)
        e->max_event = ev.at_ms;
    int64_t wm = p->max_event - e->opt.lateness_ms;
    /* Fire what the new watermark passes before the event itself counts. */
    if (p->watermark == AL_NO_TIME || wm > p->watermark) {
        p->watermark = wm;
        p->dirty = 1;
        if (fire_due(e, p, wm, alerts) != 0)
            return -2;
    }

    if (ev.noise) {
        e->noise_events++;
        return 0;
    }
    al_clock_t *c = al_map_get(&e->clocks, ev.case_id);
    if (ev.outbound) {
        if (c != NULL && clock_answer(e, c, ev.at_ms, alerts) != 0)
            return -2;
        return 0;
    }
    if (!ev.opens)
        return 0;
    if (c == NULL) {
        c = clock_open(e, partition, p, &ev);
        if (c == NULL)
            return -2;
    }
    if (ev.critical && (c->fired & (1u << AL_CRITICAL)) == 0) {
        /* About the critical post itself, which may come after the opening one. */
        json_t *about = alert_post(post);
        int rc = about != NULL ? emit(e, c, AL_CRITICAL, ev.at_ms, about, alerts) : -2;
        json_decref(about);
        if (rc != 0)
            return -2;
    }
    /* A late complaint may have due times the watermark already passed. */
    al_partition_t *cp = part_get(e, c->partition, 0);
    return cp != NULL ? fire_due(e, cp, cp->watermark, alerts) : 0;
}

int al_engine_tick(al_engine_t *e, int64_t now_ms, json_t *alerts)
{
    int64_t wm = now_ms - e->opt.lateness_ms;
    for (size_t i = 0; i < e->nparts; i++) {
        al_partition_t *p = &e->parts[i];
        if (!p->live || (p->watermark != AL_NO_TIME && wm <= p->watermark))
            continue;
        p->watermark = wm;
        p->dirty = 1;
        if (fire_due(e, p, wm, alerts) != 0)
            return -2;
    }
    return 0;
}

int al_engine_drain(al_engine_t *e, json_t *alerts)
{
    if (e->max_event == AL_NO_TIME)
        return 0;
    for (size_t i = 0; i < e->nparts; i++) {
        al_partition_t *p = &e->parts[i];
        if (!p->known || (p->watermark != AL_NO_TIME && e->max_event <= p->watermark))
            continue;
        p->watermark = e->max_event;
        p->dirty = 1;
        if (fire_due(e, p, p->watermark, alerts) != 0)
            return -2;
    }
    return 0;
}

int al_engine_advance(al_engine_t *e, int32_t partition, int64_t wm_ms, json_t *alerts)
{
    al_partition_t *p = part_get(e, partition, 1);
    if (p == NULL)
        return -2;
    if (p->watermark != AL_NO_TIME && wm_ms <= p->watermark)
        return 0;
    p->watermark = wm_ms;
    p->dirty = 1;
    return fire_due(e, p, wm_ms, alerts);
}

void al_engine_set_live(al_engine_t *e, const int32_t *partitions, int n, int live)
{
    for (int i = 0; i < n; i++) {
        al_partition_t *p = part_get(e, partitions[i], live);
        if (p != NULL)
            p->live = live;
    }
}

size_t al_engine_drop_partition(al_engine_t *e, int32_t partition)
{
    al_partition_t *p = part_get(e, partition, 0);
    if (p == NULL)
        return 0;
    size_t closed = 0;
    json_t *saved = e->dirty;
    e->dirty = NULL; /* forgetting in memory is not a change of the stored state */
    /* Every open clock keeps its AL_EXPIRE entry queued until it is stopped,
     * so the heap reaches all of the partition's clocks. */
    for (size_t i = 0; i < p->heap.len; i++) {
        al_clock_t *c = p->heap.v[i].clock;
        if (!c->stopped) {
            clock_stop(e, c, 0);
            closed++;
        }
    }
    al_heap_filter(&p->heap, entry_live, entry_drop, NULL);
    p->stale = 0;
    p->max_event = AL_NO_TIME;
    p->watermark = AL_NO_TIME;
    p->dirty = 0;
    e->dirty = saved;
    return closed;
}

size_t al_engine_open_clocks(const al_engine_t *e)
{
    return e->clocks.len;
}

int64_t al_engine_watermark(const al_engine_t *e, int32_t partition)
{
    if (partition < 0 || (size_t)partition >= e->nparts)
        return AL_NO_TIME;
    return e->parts[partition].watermark;
}

void al_engine_free(al_engine_t *e)
{
    json_decref(e->dirty);
    e->dirty = NULL;
    for (size_t i = 0; i < e->nparts; i++) {
        al_partition_t *p = &e->parts[i];
        for (size_t j = 0; j < p->heap.len; j++) {
            al_clock_t *c = p->heap.v[j].clock;
            if (!c->stopped)
                clock_stop(e, c, 0);
        }
        al_heap_filter(&p->heap, entry_live, entry_drop, NULL);
        al_heap_free(&p->heap);
    }
    free(e->parts);
    al_map_free(&e->clocks);
    memset(e, 0, sizeof(*e));
}

/* ---- persistence ----------------------------------------------------- */

void al_clock_free(al_clock_t *c)
{
    if (c == NULL)
        return;
    clock_free_contents(c);
    free(c);
}

int al_engine_adopt(al_engine_t *e, al_clock_t *c)
{
    al_partition_t *p = part_get(e, c->partition, 1);
    if (p == NULL || al_map_get(&e->clocks, c->case_id) != NULL) {
        al_clock_free(c);
        return -1;
    }
    c->seq = e->next_seq++; /* tie-breaks within this process's heap */
    c->stopped = 0;
    return clock_enqueue(e, p, c);
}

int al_engine_set_time(al_engine_t *e, int32_t partition, int64_t max_event, int64_t watermark)
{
    al_partition_t *p = part_get(e, partition, 1);
    if (p == NULL)
        return -1;
    p->max_event = max_event;
    p->watermark = watermark;
    if (max_event != AL_NO_TIME && (e->max_event == AL_NO_TIME || max_event > e->max_event))
        e->max_event = max_event;
    return 0;
}
