/* store.c -- the SLA state in Redis (see store.h and docs/alert.md). */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "post.h"
#include "publish.h"
#include "stage.h"
#include "timeutil.h"

#define ST_TIMEOUT_MS     5000
#define ST_BACKOFF_MIN_MS 100
#define ST_BACKOFF_MAX_MS 5000

int al_store_init(al_store_t *s, const char *redis_url, const char *topic)
{
    memset(s, 0, sizeof(*s));
    s->m_failures = oc_counter("outcry_alert_state_failures_total",
                               "Failed attempts to read or write the SLA state in Redis", NULL);
    if ((size_t)snprintf(s->topic, sizeof(s->topic), "%s", topic) >= sizeof(s->topic)) {
        snprintf(s->err, sizeof(s->err), "topic name too long: '%s'", topic);
        return -1;
    }
    return al_redis_url_parse(redis_url, &s->url, s->err, sizeof(s->err));
}

static void drop_conn(al_store_t *s)
{
    if (s->rc != NULL)
        redisFree(s->rc);
    s->rc = NULL;
}

void al_store_close(al_store_t *s)
{
    drop_conn(s);
    free(s->parts);
    s->parts = NULL;
    s->nparts = 0;
}

static al_store_part_t *part(al_store_t *s, int32_t p, int create)
{
    if (p < 0 || p >= 65536)
        return NULL;
    if ((size_t)p >= s->nparts) {
        if (!create)
            return NULL;
        size_t n = (size_t)p + 1;
        al_store_part_t *v = realloc(s->parts, n * sizeof(*v));
        if (v == NULL)
            return NULL;
        for (size_t i = s->nparts; i < n; i++) {
            v[i].loaded = 0;
            v[i].offset = -1;
            v[i].pending = -1;
        }
        s->parts = v;
        s->nparts = n;
    }
    return &s->parts[p];
}

int al_store_loaded(const al_store_t *s, int32_t p)
{
    return p >= 0 && (size_t)p < s->nparts && s->parts[p].loaded;
}

int64_t al_store_offset(const al_store_t *s, int32_t p)
{
    if (p < 0 || (size_t)p >= s->nparts) {
        return -1;
    }
    const al_store_part_t *sp = &s->parts[p];
    return sp->pending >= 0 ? sp->pending : sp->offset;
}

void al_store_note(al_store_t *s, int32_t p, int64_t offset)
{
    al_store_part_t *sp = part(s, p, 1);
    if (sp != NULL && offset > sp->pending) {
        sp->pending = offset;
    }
}

/* 1 when some partition has a noted offset not yet written. */
static int any_pending(const al_store_t *s)
{
    for (size_t i = 0; i < s->nparts; i++) {
        if (s->parts[i].pending >= 0) {
            return 1;
        }
    }
    return 0;
}

static void key(const al_store_t *s, int32_t p, const char *what, char *out, size_t n)
{
    snprintf(out, n, "%s%s:%d:%s", AL_STATE_PREFIX, s->topic, (int)p, what);
}

/* Reads one reply. Returns it (free with freeReplyObject), or NULL with
 * s->err set (the connection is then unusable). */
static redisReply *get_reply(al_store_t *s)
{
    void *v = NULL;
    if (redisGetReply(s->rc, &v) != REDIS_OK || v == NULL) {
        snprintf(s->err, sizeof(s->err), "Redis %s:%d: %s", s->url.host, s->url.port,
                 s->rc->errstr[0] ? s->rc->errstr : "connection lost");
        return NULL;
    }
    return v;
}

/* Runs attempt(s, arg) until it returns 0, reconnecting with backoff while
 * it returns -2 (connection) or -1 (error reply) and the process runs. */
static int with_retries(al_store_t *s, const char *what, int (*attempt)(al_store_t *, void *),
                        void *arg)
{
    int64_t backoff = ST_BACKOFF_MIN_MS;
    for (int n = 1;; n++) {
        int rc = -2, reused = s->rc != NULL;
        if (s->rc == NULL)
            s->rc = al_redis_connect(&s->url, ST_TIMEOUT_MS, s->err, sizeof(s->err));
        if (s->rc != NULL)
            rc = attempt(s, arg);
        if (rc == 0)
            return 0;
        drop_conn(s);
        if (rc == -2 && reused) {
            /* An idle connection the server closed (restart, timeout):
             * reconnect at once, without counting a failure. */
            n--;
            continue;
        }
        oc_metric_add(s->m_failures, 1);
        oc_warn("redis_state_failed", "%s failed (attempt %d): %s; %s", what, n, s->err,
                oc_running ? "retrying (check that Redis is up: OUTCRY_REDIS_URL / --redis)"
                           : "stopping, the input stays uncommitted");
        if (!oc_running || al_sleep_while_running(backoff) != 0)
            return -1;
        backoff = backoff * 2 > ST_BACKOFF_MAX_MS ? ST_BACKOFF_MAX_MS : backoff * 2;
    }
}

/* ---- write ----------------------------------------------------------- */

typedef struct write_arg {
    al_engine_t *e; /* whose recorded changes are written */
} write_arg_t;

/* Appends the commands for one recorded case. Returns commands appended or -1. */
static int append_case(al_store_t *s, al_engine_t *e, const char *case_id, const json_t *rec)
{
    int32_t p = (int32_t)json_integer_value(json_object_get(rec, "p"));
    const char *old_team = json_string_value(json_object_get(rec, "team"));
    char clocks[400], due[400], member[700], team_key[300];
    key(s, p, "clocks", clocks, sizeof(clocks));
    key(s, p, "due", due, sizeof(due));
    snprintf(member, sizeof(member), "%s|%d|%s", s->topic, (int)p, case_id);
    int n = 0;
    const al_clock_t *c = al_engine_find(e, case_id);
    if (c != NULL && c->partition == p) {
        char *json = NULL;
        json_t *j = al_clock_to_json(c);
        if (j != NULL)
            json = oc_json_dumps(j);
        json_decref(j);
        if (json == NULL) {
            snprintf(s->err, sizeof(s->err), "out of memory serialising a clock");
            return -1;
        }
        int64_t next = al_clock_next_due(c);
        int r = redisAppendCommand(s->rc, "HSET %s %s %s", clocks, case_id, json);
        free(json);
        if (r != REDIS_OK)
            return -1;
        n++;
        if (next != AL_NO_TIME)
            r = redisAppendCommand(s->rc, "ZADD %s %lld %s", due, (long long)next, case_id);
        else
            r = redisAppendCommand(s->rc, "ZREM %s %s", due, case_id);
        snprintf(team_key, sizeof(team_key), "%s%s", AL_TEAM_PREFIX, c->team);
        if (r != REDIS_OK || redisAppendCommand(s->rc, "ZADD %s %lld %s", team_key,
                                                (long long)c->due[AL_BREACH], member) != REDIS_OK)
            return -1;
        n += 2;
        if (old_team == NULL || strcmp(old_team, c->team) == 0)
            return n;
    } else {
        if (redisAppendCommand(s->rc, "HDEL %s %s", clocks, case_id) != REDIS_OK ||
            redisAppendCommand(s->rc, "ZREM %s %s", due, case_id) != REDIS_OK)
            return -1;
        n += 2;
    }
    if (old_team != NULL) {
        snprintf(team_key, sizeof(team_key), "%s%s", AL_TEAM_PREFIX, old_team);
        if (redisAppendCommand(s->rc, "ZREM %s %s", team_key, member) != REDIS_OK)
            return -1;
        n++;
    }
    return n;
}

static int append_meta(al_store_t *s, const al_engine_t *e, int32_t p, int64_t offset)
{
    char meta[400];
    key(s, p, "meta", meta, sizeof(meta));
    const al_partition_t *pt = (p >= 0 && (size_t)p < e->nparts) ? &e->parts[p] : NULL;
    const char *argv[9] = {"HSET", meta};
    char wm[24], mx[24], off[24];
    int argc = 2;
    if (pt != NULL && pt->watermark != AL_NO_TIME && pt->max_event != AL_NO_TIME) {
        snprintf(wm, sizeof(wm), "%lld", (long long)pt->watermark);
        snprintf(mx, sizeof(mx), "%lld", (long long)pt->max_event);
        argv[argc++] = "watermark";
        argv[argc++] = wm;
        argv[argc++] = "max_event";
        argv[argc++] = mx;
    }
    if (offset >= 0) {
        snprintf(off, sizeof(off), "%lld", (long long)offset);
        argv[argc++] = "offset";
        argv[argc++] = off;
    }
    if (argc == 2)
        return 0;
    return redisAppendCommandArgv(s->rc, argc, argv, NULL) == REDIS_OK ? 1 : -1;
}

static int write_attempt(al_store_t *s, void *varg)
{
    write_arg_t *a = varg;
    al_engine_t *e = a->e;
    if (redisAppendCommand(s->rc, "MULTI") != REDIS_OK)
        goto conn;
    int queued = 0;
    const char *case_id;
    json_t *rec;
    json_object_foreach(e->dirty, case_id, rec)
    {
        int n = append_case(s, e, case_id, rec);
        if (n < 0)
            goto conn;
        queued += n;
    }
    size_t np = e->nparts > s->nparts ? e->nparts : s->nparts;
    for (size_t i = 0; i < np; i++) {
        int32_t p = (int32_t)i;
        int64_t off = i < s->nparts ? s->parts[i].pending : -1;
        int dirty = i < e->nparts && e->parts[i].dirty;
        if (!dirty && off < 0)
            continue;
        int n = append_meta(s, e, p, off);
        if (n < 0)
            goto conn;
        queued += n;
    }
    if (redisAppendCommand(s->rc, "EXEC") != REDIS_OK)
        goto conn;
    int rc = 0;
    for (int i = 0; i < queued + 2; i++) {
        redisReply *r = get_reply(s);
        if (r == NULL)
            return -2;
        if (r->type == REDIS_REPLY_ERROR) {
            snprintf(s->err, sizeof(s->err), "Redis refused the state: %s", r->str);
            rc = -1;
        } else if (i == queued + 1 && r->type == REDIS_REPLY_ARRAY) {
            for (size_t k = 0; k < r->elements; k++)
                if (r->element[k]->type == REDIS_REPLY_ERROR) {
                    snprintf(s->err, sizeof(s->err), "Redis refused the state: %s",
                             r->element[k]->str);
                    rc = -1;
                }
        } else if (i == queued + 1) {
            snprintf(s->err, sizeof(s->err), "Redis EXEC: the transaction was discarded");
            rc = -1;
        }
        freeReplyObject(r);
    }
    if (rc == 0)
        s->round_trips++;
    return rc;
conn:
    snprintf(s->err, sizeof(s->err), "Redis: %s", s->rc->errstr[0] ? s->rc->errstr : "out of memory");
    return -2;
}

int al_store_write(al_store_t *s, al_engine_t *e, int32_t p, int64_t offset)
{
    if (e->dirty_oom) {
        snprintf(s->err, sizeof(s->err), "out of memory recording state changes");
        return -1;
    }
    if (offset >= 0)
        al_store_note(s, p, offset);
    if (json_object_size(e->dirty) == 0 && !any_pending(s))
        return 0;
    write_arg_t a = {e};
    if (with_retries(s, "writing the SLA state", write_attempt, &a) != 0)
        return -1;
    al_engine_clean(e);
    for (size_t i = 0; i < s->nparts; i++) {
        if (s->parts[i].pending >= 0) {
            s->parts[i].offset = s->parts[i].pending;
            s->parts[i].pending = -1;
        }
    }
    return 0;
}

/* ---- load ------------------------------------------------------------ */

typedef struct load_arg {
    al_engine_t *e;
    int32_t p;
    int64_t offset;
    size_t clocks;
} load_arg_t;

static int64_t field_ll(const redisReply *r, const char *name, int64_t dflt)
{
    for (size_t i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements; i += 2) {
        if (strcmp(r->element[i]->str, name) != 0)
            continue;
        errno = 0;
        char *end = NULL;
        long long v = strtoll(r->element[i + 1]->str, &end, 10);
        return (errno == 0 && end != r->element[i + 1]->str) ? (int64_t)v : dflt;
    }
    return dflt;
}

static int load_attempt(al_store_t *s, void *varg)
{
    load_arg_t *a = varg;
    char meta[400], clocks[400];
    key(s, a->p, "meta", meta, sizeof(meta));
    key(s, a->p, "clocks", clocks, sizeof(clocks));
    if (redisAppendCommand(s->rc, "HGETALL %s", meta) != REDIS_OK ||
        redisAppendCommand(s->rc, "HGETALL %s", clocks) != REDIS_OK) {
        snprintf(s->err, sizeof(s->err), "Redis: %s", s->rc->errstr);
        return -2;
    }
    redisReply *m = get_reply(s);
    redisReply *c = m != NULL ? get_reply(s) : NULL;
    int rc = -2;
    if (c == NULL)
        goto out;
    rc = -1;
    if (m->type != REDIS_REPLY_ARRAY || c->type != REDIS_REPLY_ARRAY) {
        snprintf(s->err, sizeof(s->err), "Redis HGETALL %s: %s", clocks,
                 m->type == REDIS_REPLY_ERROR ? m->str
                 : c->type == REDIS_REPLY_ERROR ? c->str
                                                : "unexpected reply");
        goto out;
    }
    al_engine_drop_partition(a->e, a->p);
    a->offset = field_ll(m, "offset", -1);
    if (al_engine_set_time(a->e, a->p, field_ll(m, "max_event", AL_NO_TIME),
                           field_ll(m, "watermark", AL_NO_TIME)) != 0) {
        snprintf(s->err, sizeof(s->err), "partition %d: out of range or memory", (int)a->p);
        goto out;
    }
    a->clocks = 0;
    for (size_t i = 0; i + 1 < c->elements; i += 2) {
        char err[256];
        json_error_t jerr;
        json_t *j = json_loads(c->element[i + 1]->str, 0, &jerr);
        al_clock_t *clock = j != NULL ? al_clock_from_json(j, a->p, err, sizeof(err)) : NULL;
        json_decref(j);
        if (clock == NULL) {
            oc_error("bad_stored_clock", "%s field %s is not a clock (%s); skipped",
                     clocks, c->element[i]->str, j == NULL ? jerr.text : err);
            continue;
        }
        if (al_engine_adopt(a->e, clock) != 0) {
            snprintf(s->err, sizeof(s->err), "out of memory loading %s", clocks);
            goto out;
        }
        a->clocks++;
    }
    rc = 0;
out:
    if (m != NULL)
        freeReplyObject(m);
    if (c != NULL)
        freeReplyObject(c);
    return rc;
}

int al_store_load(al_store_t *s, al_engine_t *e, int32_t p)
{
    al_store_part_t *sp = part(s, p, 1);
    if (sp == NULL) {
        snprintf(s->err, sizeof(s->err), "partition %d: out of range or memory", (int)p);
        return -1;
    }
    load_arg_t a = {e, p, -1, 0};
    int64_t t0 = oc_mono_ms();
    if (with_retries(s, "loading the SLA state", load_attempt, &a) != 0)
        return -1;
    sp->loaded = 1;
    sp->offset = a.offset;
    sp->pending = -1;
    oc_info("state_loaded", "%s [%d]: %zu open clock(s), last applied offset %lld, in %lld ms",
            s->topic, (int)p, a.clocks, (long long)a.offset, (long long)(oc_mono_ms() - t0));
    return 0;
}

void al_store_forget(al_store_t *s, al_engine_t *e, int32_t p)
{
    al_store_part_t *sp = part(s, p, 0);
    if (sp != NULL) {
        sp->loaded = 0;
        sp->offset = -1;
        sp->pending = -1;
    }
    al_engine_drop_partition(e, p);
}
