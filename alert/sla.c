/* sla.c -- the SLA engine (see sla.h and docs/alert.md). */
#include "sla.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

#define AL_MAX_PARTITIONS 65536 /* Kafka's practical ceiling is far lower */
#define AL_COMPACT_MIN    1024  /* stale entries before compaction pays */

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
    free(c->mem);
    c->mem = c->case_id = c->start_post = c->brand = c->team = c->priority = c->post = NULL;
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
    if (e->dirty.on && c->case_id != NULL &&
        al_dirty_mark(&e->dirty, c->case_id, c->partition, c->team) != 0)
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

static int emit(al_engine_t *e, al_clock_t *c, al_kind_t kind, int64_t at, const char *post,
                al_alerts_t *alerts)
{
    if (al_alerts_add(alerts, c, kind, at, post) != 0)
        return -2;
    c->fired |= 1u << kind;
    mark(e, c);
    return 0;
}

/* Queues c's entry due next after (due, kind) in heap order, among its due
 * times not fired yet. A clock keeps one entry queued, its next one (the
 * expiry last), and queues the one after when it fires: the heap's order of
 * firing is that of all the entries at once, with a quarter of the entries
 * and of the pushes. Returns 0 or -1 (memory). */
static int queue_next(al_partition_t *p, al_clock_t *c, int64_t due, int kind)
{
    int best = -1;
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        if (c->due[k] == AL_NO_TIME || (c->fired & (1u << k)) != 0 || c->due[k] < due ||
            (c->due[k] == due && k <= kind))
            continue;
        if (best < 0 || c->due[k] < c->due[best])
            best = k;
    }
    if (best < 0)
        return 0;
    al_heap_entry_t en = {.due = c->due[best], .seq = c->seq, .kind = best, .clock = c};
    if (al_heap_push(&p->heap, &en) != 0)
        return -1;
    c->refs++;
    return 0;
}

/* Fires every queued entry of partition p due strictly before limit. */
static int fire_due(al_engine_t *e, al_partition_t *p, int64_t limit, al_alerts_t *alerts)
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
        } else {
            if ((c->fired & (1u << en.kind)) == 0)
                rc = emit(e, c, (al_kind_t)en.kind, en.due, NULL, alerts);
            if (rc == 0 && queue_next(p, c, en.due, en.kind) != 0)
                rc = -2;
        }
        clock_release(c);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A reply at reply_ms stops c: what was due strictly before the reply fired
 * in event time even if the watermark has not passed it yet. */
static int clock_answer(al_engine_t *e, al_clock_t *c, int64_t reply_ms, al_alerts_t *alerts)
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

/* start + factor x target, counted in cal's business hours when cal. */
static int64_t scaled(const al_calendar_t *cal, int64_t start, int64_t target, double factor)
{
    if (!(factor > 0))
        return AL_NO_TIME;
    int64_t d = llround(factor * (double)target);
    return cal != NULL ? al_calendar_add(cal, start, d) : start + d;
}

/* Puts c (refs 0) in the map and queues the first of its due times not
 * fired yet. Returns 0, or -1 (memory: c is then freed). */
static int clock_enqueue(al_engine_t *e, al_partition_t *p, al_clock_t *c)
{
    c->refs = 1;
    if (al_map_put(&e->clocks, c) != 0) {
        clock_free_contents(c);
        free(c);
        return -1;
    }
    if (queue_next(p, c, AL_NO_TIME, -1) != 0) {
        int saved = e->dirty.on;
        e->dirty.on = 0; /* never stored: nothing to record */
        clock_stop(e, c, 1);
        e->dirty.on = saved;
        return -1;
    }
    return 0;
}

/* Opens a clock for ev; returns it (borrowed: the map holds it), or NULL. */
static al_clock_t *clock_open(al_engine_t *e, int32_t partition, al_partition_t *p,
                              const al_event_t *ev)
{
    /* The summary of the opening post is kept as JSON text: built here,
     * once a clock, not once a message. */
    al_clock_t *c = calloc(1, sizeof(*c));
    if (c == NULL || al_event_summary(ev, &e->scratch) != 0 ||
        al_clock_set_strings(c, ev->case_id, ev->post_id, ev->brand, ev->team, ev->priority,
                             e->scratch.data) != 0) {
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

int al_engine_apply_event(al_engine_t *e, int32_t partition, const al_event_t *ev,
                          al_alerts_t *alerts)
{
    al_partition_t *p = part_get(e, partition, 1);
    if (p == NULL)
        return -2;
    if (p->watermark != AL_NO_TIME && ev->at_ms < p->watermark)
        e->late_events++;
    if (p->max_event == AL_NO_TIME || ev->at_ms > p->max_event)
        p->max_event = ev->at_ms;
    if (e->max_event == AL_NO_TIME || ev->at_ms > e->max_event)
        e->max_event = ev->at_ms;
    int64_t wm = p->max_event - e->opt.lateness_ms;
    /* Fire what the new watermark passes before the event itself counts. */
    if (p->watermark == AL_NO_TIME || wm > p->watermark) {
        p->watermark = wm;
        p->dirty = 1;
        if (fire_due(e, p, wm, alerts) != 0)
            return -2;
    }

    if (ev->noise) {
        e->noise_events++;
        return 0;
    }
    al_clock_t *c = al_map_get(&e->clocks, ev->case_id);
    if (ev->outbound) {
        if (c != NULL && clock_answer(e, c, ev->at_ms, alerts) != 0)
            return -2;
        return 0;
    }
    if (!ev->opens)
        return 0;
    if (c == NULL) {
        c = clock_open(e, partition, p, ev);
        if (c == NULL)
            return -2;
    }
    if (ev->critical && (c->fired & (1u << AL_CRITICAL)) == 0) {
        /* About the critical post itself, which may come after the opening one. */
        if (al_event_summary(ev, &e->scratch) != 0 ||
            emit(e, c, AL_CRITICAL, ev->at_ms, e->scratch.data, alerts) != 0)
            return -2;
    }
    /* A late complaint may have due times the watermark already passed. */
    al_partition_t *cp = part_get(e, c->partition, 0);
    return cp != NULL ? fire_due(e, cp, cp->watermark, alerts) : 0;
}

int al_engine_tick(al_engine_t *e, int64_t now_ms, al_alerts_t *alerts)
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

int al_engine_drain(al_engine_t *e, al_alerts_t *alerts)
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

int al_engine_advance(al_engine_t *e, int32_t partition, int64_t wm_ms, al_alerts_t *alerts)
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
    int saved = e->dirty.on;
    e->dirty.on = 0; /* forgetting in memory is not a change of the stored state */
    /* Every open clock keeps one entry queued (its next due time, at last
     * the expiry) until it is stopped, so the heap reaches all of the
     * partition's clocks. */
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
    e->dirty.on = saved;
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
    e->dirty.on = 0;
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
    al_dirty_free(&e->dirty);
    oc_buf_free(&e->scratch);
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
