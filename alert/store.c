/* store.c -- the SLA state in Redis (see store.h and docs/alert.md). */
#include "store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "post.h"
#include "publish.h"
#include "stage.h"
#include "timeutil.h"

#define ST_TIMEOUT_MS     5000
#define ST_BACKOFF_MIN_MS 100
#define ST_BACKOFF_MAX_MS 5000
#define ST_LOAD_CHUNK     1000 /* clocks asked for per HSCAN while loading a partition */

int al_store_init(al_store_t *s, const char *redis_url, const char *topic)
{
    memset(s, 0, sizeof(*s));
    s->m_failures = oc_counter("outcry_alert_state_failures_total",
                               "Failed attempts to read or write the SLA state in Redis", NULL);
    if ((size_t)snprintf(s->topic, sizeof(s->topic), "%s", topic) >= sizeof(s->topic) ||
        (size_t)snprintf(s->key_prefix, sizeof(s->key_prefix), "%s%s:", AL_STATE_PREFIX, topic) >=
            sizeof(s->key_prefix)) {
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
    oc_buf_free(&s->cbuf);
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

/* A batch's commands go to hiredis as argument vectors
 * (redisAppendCommandArgv: no format string to parse, hiredis writes the
 * protocol) and are sent by the first redisGetReply(). An argument is made
 * of pieces (a key is prefix, partition, suffix), joined in a stack buffer. */
typedef struct piece {
    const char *s; /* bytes */
    size_t n;      /* their length */
} piece_t;

#define PIECE(lit)   ((piece_t){lit, sizeof(lit) - 1})
#define PIECE_S(str) ((piece_t){str, strlen(str)})
#define ARG_MAX      1024 /* bytes of a joined argument (keys and members) */

/* Joins n pieces into buf[ARG_MAX]. Returns the length, or -1 when too long. */
static long join(char *buf, int n, const piece_t *pc)
{
    size_t o = 0;
    for (int i = 0; i < n; i++) {
        if (pc[i].n > ARG_MAX - o)
            return -1;
        memcpy(buf + o, pc[i].s, pc[i].n);
        o += pc[i].n;
    }
    return (long)o;
}

/* Appends one command of argc arguments to hiredis's output buffer.
 * Returns 0, or -1 (hiredis out of memory). */
static int command(al_store_t *s, int argc, const piece_t *argv)
{
    const char *v[8];
    size_t vlen[8];
    for (int i = 0; i < argc && i < 8; i++) {
        v[i] = argv[i].s;
        vlen[i] = argv[i].n;
    }
    return argc <= 8 && redisAppendCommandArgv(s->rc, argc, v, vlen) == REDIS_OK ? 0 : -1;
}

/* "CMD <state key p what> <more arguments>": the common shape. */
static int cmd_keyed(al_store_t *s, const char *cmd, const char *pnum, const char *what, int argc,
                     const piece_t *argv)
{
    char key[ARG_MAX];
    piece_t kp[3] = {PIECE_S(s->key_prefix), PIECE_S(pnum), PIECE_S(what)};
    long kn = join(key, 3, kp);
    piece_t all[8] = {PIECE_S(cmd), {key, kn > 0 ? (size_t)kn : 0}};
    for (int i = 0; i < argc && i < 6; i++)
        all[2 + i] = argv[i];
    return kn < 0 || argc > 6 ? -1 : command(s, 2 + argc, all);
}

/* ZADD/ZREM on outcry:alert:team:<team> of member "topic|p|case". */
static int cmd_team(al_store_t *s, const char *cmd, const char *team, const char *score,
                    const char *pnum, const char *case_id)
{
    char key[ARG_MAX], member[ARG_MAX];
    piece_t kp[2] = {PIECE(AL_TEAM_PREFIX), PIECE_S(team)};
    piece_t mp[5] = {PIECE_S(s->topic), PIECE("|"), PIECE_S(pnum), PIECE("|"), PIECE_S(case_id)};
    long kn = join(key, 2, kp), mn = join(member, 5, mp);
    if (kn < 0 || mn < 0)
        return -1;
    piece_t all[4] = {PIECE_S(cmd), {key, (size_t)kn}};
    int argc = 2;
    if (score != NULL)
        all[argc++] = PIECE_S(score);
    all[argc++] = (piece_t){member, (size_t)mn};
    return command(s, argc, all);
}

/* Appends the commands for one recorded case. Returns commands appended or -1. */
static int append_case(al_store_t *s, al_engine_t *e, const char *case_id, int32_t p,
                       const char *old_team)
{
    char pnum[AL_DECIMAL_MAX], score[AL_DECIMAL_MAX];
    al_decimal(p, pnum);
    piece_t cid = PIECE_S(case_id);
    const al_clock_t *c = al_engine_find(e, case_id);
    int n = 0, rc = 0;
    if (c != NULL && c->partition == p) {
        if (al_clock_text(c, &s->cbuf) != 0) {
            snprintf(s->err, sizeof(s->err), "out of memory serialising a clock");
            return -1;
        }
        piece_t hset[2] = {cid, {s->cbuf.data, s->cbuf.len}};
        rc |= cmd_keyed(s, "HSET", pnum, ":clocks", 2, hset);
        int64_t next = al_clock_next_due(c);
        if (next != AL_NO_TIME) {
            al_decimal(next, score);
            piece_t zadd[2] = {PIECE_S(score), cid};
            rc |= cmd_keyed(s, "ZADD", pnum, ":due", 2, zadd);
        } else {
            rc |= cmd_keyed(s, "ZREM", pnum, ":due", 1, &cid);
        }
        al_decimal(c->due[AL_BREACH], score);
        rc |= cmd_team(s, "ZADD", c->team, score, pnum, case_id);
        n += 3;
        if (old_team == NULL || strcmp(old_team, c->team) == 0)
            return rc != 0 ? -1 : n;
    } else {
        rc |= cmd_keyed(s, "HDEL", pnum, ":clocks", 1, &cid);
        rc |= cmd_keyed(s, "ZREM", pnum, ":due", 1, &cid);
        n += 2;
    }
    if (old_team != NULL) {
        rc |= cmd_team(s, "ZREM", old_team, NULL, pnum, case_id);
        n++;
    }
    return rc != 0 ? -1 : n;
}

static int append_meta(al_store_t *s, const al_engine_t *e, int32_t p, int64_t offset)
{
    const al_partition_t *pt = (p >= 0 && (size_t)p < e->nparts) ? &e->parts[p] : NULL;
    piece_t argv[6];
    char pnum[AL_DECIMAL_MAX], wm[AL_DECIMAL_MAX], mx[AL_DECIMAL_MAX], off[AL_DECIMAL_MAX];
    int argc = 0;
    al_decimal(p, pnum);
    if (pt != NULL && pt->watermark != AL_NO_TIME && pt->max_event != AL_NO_TIME) {
        al_decimal(pt->watermark, wm);
        al_decimal(pt->max_event, mx);
        argv[argc++] = PIECE("watermark");
        argv[argc++] = PIECE_S(wm);
        argv[argc++] = PIECE("max_event");
        argv[argc++] = PIECE_S(mx);
    }
    if (offset >= 0) {
        al_decimal(offset, off);
        argv[argc++] = PIECE("offset");
        argv[argc++] = PIECE_S(off);
    }
    if (argc == 0)
        return 0;
    return cmd_keyed(s, "HSET", pnum, ":meta", argc, argv) == 0 ? 1 : -1;
}

/* The whole batch, MULTI ... EXEC, appended to hiredis's output buffer.
 * Returns the commands between MULTI and EXEC, or -1 with s->err
 * (memory). */
static int build_batch(al_store_t *s, al_engine_t *e)
{
    snprintf(s->err, sizeof(s->err), "out of memory writing the SLA state");
    if (command(s, 1, &PIECE("MULTI")) != 0)
        return -1;
    int queued = 0;
    for (size_t i = 0; i < al_engine_dirty_count(e); i++) {
        int32_t p;
        const char *team;
        const char *case_id = al_engine_dirty_case(e, i, &p, &team);
        int n = append_case(s, e, case_id, p, team);
        if (n < 0)
            return -1;
        queued += n;
    }
    size_t np = e->nparts > s->nparts ? e->nparts : s->nparts;
    for (size_t i = 0; i < np; i++) {
        int64_t off = i < s->nparts ? s->parts[i].pending : -1;
        int dirty = i < e->nparts && e->parts[i].dirty;
        if (!dirty && off < 0)
            continue;
        int n = append_meta(s, e, (int32_t)i, off);
        if (n < 0)
            return -1;
        queued += n;
    }
    return command(s, 1, &PIECE("EXEC")) != 0 ? -1 : queued;
}

typedef struct write_arg {
    al_engine_t *e; /* whose recorded changes are written */
} write_arg_t;

/* The replies to a batch (+OK, +QUEUED a command, and EXEC's array) are
 * read without building reply objects, three allocations a command: while
 * they are read, hiredis's reader calls these, which keep each reply's type
 * and the text of the last error (in the store, the reader's privdata). */
static const int lean_types[REDIS_REPLY_ERROR + 1] = {0, 1, 2, 3, 4, 5, 6};

static void *lean_obj(const redisReadTask *t)
{
    return (void *)&lean_types[t->type >= 0 && t->type <= REDIS_REPLY_ERROR ? t->type : 0];
}

static void *lean_string(const redisReadTask *t, char *str, size_t len)
{
    al_store_t *s = t->privdata;
    if (t->type == REDIS_REPLY_ERROR)
        snprintf(s->werr, sizeof(s->werr), "%.*s", (int)len, str);
    return lean_obj(t);
}

static void *lean_array(const redisReadTask *t, int n)
{
    (void)n;
    return lean_obj(t);
}

static void *lean_integer(const redisReadTask *t, long long v)
{
    (void)v;
    return lean_obj(t);
}

static void lean_free(void *obj)
{
    (void)obj;
}

static redisReplyObjectFunctions lean_fns = {lean_string, lean_array, lean_integer, lean_obj,
                                             lean_free};

static int write_attempt(al_store_t *s, void *varg)
{
    write_arg_t *a = varg;
    /* built on each attempt: a reconnection starts from an empty buffer */
    int queued = build_batch(s, a->e);
    if (queued < 0)
        return -1; /* out of memory: the stage stops, its inputs uncommitted */
    redisReader *reader = s->rc->reader;
    redisReplyObjectFunctions *fn = reader->fn;
    reader->fn = &lean_fns;
    reader->privdata = s;
    s->werr[0] = '\0';
    int rc = 0;
    for (int i = 0; i < queued + 2 && rc == 0; i++) {
        void *v = NULL;
        if (redisGetReply(s->rc, &v) != REDIS_OK || v == NULL) {
            snprintf(s->err, sizeof(s->err), "Redis %s:%d: %s", s->url.host, s->url.port,
                     s->rc->errstr[0] ? s->rc->errstr : "connection lost");
            rc = -2;
        } else if (i == queued + 1 && *(const int *)v == REDIS_REPLY_NIL) {
            snprintf(s->err, sizeof(s->err), "Redis EXEC: the transaction was discarded");
            rc = -1;
        }
    }
    if (rc == -2)
        return rc; /* the reader may hold a partial reply of ours: dropped with it */
    reader->fn = fn;
    reader->privdata = NULL;
    if (rc == 0 && s->werr[0] != '\0') {
        snprintf(s->err, sizeof(s->err), "Redis refused the state: %s", s->werr);
        rc = -1;
    }
    if (rc == 0)
        s->round_trips++;
    return rc;
}

int al_store_write(al_store_t *s, al_engine_t *e, int32_t p, int64_t offset)
{
    if (e->dirty_oom) {
        snprintf(s->err, sizeof(s->err), "out of memory recording state changes");
        return -1;
    }
    if (offset >= 0)
        al_store_note(s, p, offset);
    if (al_engine_dirty_count(e) == 0 && !any_pending(s))
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
    al_engine_t *e; /* loaded into */
    int32_t p;      /* the partition */
    int64_t offset; /* out: its last applied offset, -1 when none */
    size_t clocks;  /* out: clocks loaded */
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

/* Adopts the clocks of one HSCAN chunk (field, value, field, value...).
 * Returns 0, or -1 when out of memory (s->err). */
static int adopt_chunk(al_store_t *s, load_arg_t *a, const redisReply *kv, const char *clocks)
{
    for (size_t i = 0; i + 1 < kv->elements; i += 2) {
        const redisReply *f = kv->element[i], *v = kv->element[i + 1];
        if (f->type != REDIS_REPLY_STRING || v->type != REDIS_REPLY_STRING)
            continue;
        const al_clock_t *have = al_engine_find(a->e, f->str);
        if (have != NULL) {
            /* HSCAN returns a field twice when Redis rehashed the hash
             * between two chunks: the clock is in already. A case open in
             * another partition (the topic's partitions were changed) keeps
             * that clock; before, this failed the load as "out of memory"
             * and retried it forever. */
            if (have->partition != a->p)
                oc_warn("clock_elsewhere",
                        "%s field %s: the case is open in partition %d too; kept that clock",
                        clocks, f->str, (int)have->partition);
            continue;
        }
        char err[256];
        al_clock_t *clock = al_clock_parse(v->str, v->len, a->p, err, sizeof(err));
        if (clock == NULL) {
            oc_error("bad_stored_clock", "%s field %s is not a clock (%s); skipped", clocks, f->str,
                     err);
            continue;
        }
        if (al_engine_adopt(a->e, clock) != 0) {
            snprintf(s->err, sizeof(s->err), "out of memory loading %s", clocks);
            return -1;
        }
        a->clocks++;
    }
    return 0;
}

static int load_attempt(al_store_t *s, void *varg)
{
    load_arg_t *a = varg;
    char meta[400], clocks[400];
    key(s, a->p, "meta", meta, sizeof(meta));
    key(s, a->p, "clocks", clocks, sizeof(clocks));
    if (redisAppendCommand(s->rc, "HGETALL %s", meta) != REDIS_OK) {
        snprintf(s->err, sizeof(s->err), "Redis: %s", s->rc->errstr);
        return -2;
    }
    redisReply *m = get_reply(s);
    redisReply *c = NULL;
    int rc = -2;
    if (m == NULL)
        goto out;
    rc = -1;
    if (m->type != REDIS_REPLY_ARRAY) {
        snprintf(s->err, sizeof(s->err), "Redis HGETALL %s: %s", meta,
                 m->type == REDIS_REPLY_ERROR ? m->str : "unexpected reply");
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
    /* The clocks in chunks (HSCAN), not one HGETALL: a single reply of a
     * large partition kept Redis busy while it built it -- every other
     * client, the other instances' publications among them, waited -- and
     * held the whole partition in this process twice at once. */
    char cursor[32] = "0";
    do {
        if (redisAppendCommand(s->rc, "HSCAN %s %s COUNT %d", clocks, cursor, ST_LOAD_CHUNK) !=
            REDIS_OK) {
            snprintf(s->err, sizeof(s->err), "Redis: %s", s->rc->errstr);
            rc = -2;
            goto out;
        }
        c = get_reply(s);
        if (c == NULL) {
            rc = -2;
            goto out;
        }
        if (c->type != REDIS_REPLY_ARRAY || c->elements != 2 ||
            c->element[0]->type != REDIS_REPLY_STRING || c->element[0]->len >= sizeof(cursor) ||
            c->element[1]->type != REDIS_REPLY_ARRAY) {
            snprintf(s->err, sizeof(s->err), "Redis HSCAN %s: %s", clocks,
                     c->type == REDIS_REPLY_ERROR ? c->str : "unexpected reply");
            goto out;
        }
        memcpy(cursor, c->element[0]->str, c->element[0]->len + 1);
        if (adopt_chunk(s, a, c->element[1], clocks) != 0)
            goto out;
        freeReplyObject(c);
        c = NULL;
    } while (strcmp(cursor, "0") != 0);
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
