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

int al_store_init(al_store_t *s, const char *redis_url, const char *topic)
{
    memset(s, 0, sizeof(*s));
    s->m_failures = oc_counter("outcry_alert_state_failures_total",
                               "Failed attempts to read or write the SLA state in Redis", NULL);
    if ((size_t)snprintf(s->topic, sizeof(s->topic), "%s", topic) >= sizeof(s->topic) ||
        (size_t)snprintf(s->key_prefix, sizeof(s->key_prefix), "%s%s:", AL_STATE_PREFIX,
                         topic) >= sizeof(s->key_prefix)) {
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
    oc_fpbuf_free(&s->wbuf);
    oc_fpbuf_free(&s->cbuf);
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

/* A batch is written as RESP by hand into one reused buffer and sent at
 * once (send_batch): formatting every command with redisAppendCommand() cost
 * more than the rest of the write. An argument is made of pieces (a key is
 * prefix, partition, suffix), so no key is ever assembled apart. */
typedef struct piece {
    const char *s; /* bytes */
    size_t n;      /* their length */
} piece_t;

#define PIECE(lit) ((piece_t){lit, sizeof(lit) - 1})
#define PIECE_S(str) ((piece_t){str, strlen(str)})

/* Appends c then n in decimal then CRLF ("*3\r\n", "$12\r\n"). */
static int resp_num(oc_fpbuf_t *b, char c, long long n)
{
    return oc_fpbuf_add(b, &c, 1) | al_json_int(b, n) | oc_fpbuf_add(b, "\r\n", 2);
}

/* One bulk string argument made of n pieces. */
static int resp_arg(oc_fpbuf_t *b, int n, const piece_t *pc)
{
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += pc[i].n;
    int rc = resp_num(b, '$', (long long)total);
    for (int i = 0; i < n; i++)
        rc |= oc_fpbuf_add(b, pc[i].s, pc[i].n);
    return rc | oc_fpbuf_add(b, "\r\n", 2);
}

/* A command of argc plain arguments. */
static int resp_cmd(oc_fpbuf_t *b, int argc, const piece_t *argv)
{
    int rc = resp_num(b, '*', argc);
    for (int i = 0; i < argc; i++)
        rc |= resp_arg(b, 1, &argv[i]);
    return rc;
}

/* Partition p's state key ending in what, as pieces (pc needs 3). */
static const piece_t *state_key(const al_store_t *s, const char *pnum, const char *what,
                                piece_t *pc)
{
    pc[0] = (piece_t){s->key_prefix, strlen(s->key_prefix)};
    pc[1] = PIECE_S(pnum);
    pc[2] = PIECE_S(what);
    return pc;
}

/* "CMD <state key p what> <more arguments>": the common shape. */
static int resp_keyed(oc_fpbuf_t *b, const char *cmd, const al_store_t *s, const char *pnum,
                      const char *what, int argc, const piece_t *argv)
{
    piece_t k[3];
    int rc = resp_num(b, '*', 2 + argc) | resp_arg(b, 1, &(piece_t){cmd, strlen(cmd)}) |
             resp_arg(b, 3, state_key(s, pnum, what, k));
    for (int i = 0; i < argc; i++)
        rc |= resp_arg(b, 1, &argv[i]);
    return rc;
}

/* ZADD/ZREM on outcry:alert:team:<team> of member "topic|p|case". */
static int resp_team(oc_fpbuf_t *b, const char *cmd, const al_store_t *s, const char *team,
                     const char *score, const char *pnum, const char *case_id)
{
    piece_t key[2] = {PIECE(AL_TEAM_PREFIX), PIECE_S(team)};
    piece_t member[5] = {PIECE_S(s->topic), PIECE("|"), PIECE_S(pnum), PIECE("|"),
                         PIECE_S(case_id)};
    int rc = resp_num(b, '*', score != NULL ? 4 : 3) |
             resp_arg(b, 1, &(piece_t){cmd, strlen(cmd)}) | resp_arg(b, 2, key);
    if (score != NULL)
        rc |= resp_arg(b, 1, &(piece_t){score, strlen(score)});
    return rc | resp_arg(b, 5, member);
}

static void decimal(long long v, char *out, size_t n)
{
    snprintf(out, n, "%lld", v);
}

/* Appends the commands for one recorded case. Returns commands appended or -1. */
static int append_case(al_store_t *s, al_engine_t *e, const char *case_id, int32_t p,
                       const char *old_team)
{
    oc_fpbuf_t *b = &s->wbuf;
    char pnum[16], score[24];
    decimal(p, pnum, sizeof(pnum));
    piece_t cid = PIECE_S(case_id);
    const al_clock_t *c = al_engine_find(e, case_id);
    int n = 0, rc = 0;
    if (c != NULL && c->partition == p) {
        if (al_clock_text(c, &s->cbuf) != 0) {
            snprintf(s->err, sizeof(s->err), "out of memory serialising a clock");
            return -1;
        }
        piece_t hset[2] = {cid, {s->cbuf.data, s->cbuf.len}};
        rc |= resp_keyed(b, "HSET", s, pnum, ":clocks", 2, hset);
        int64_t next = al_clock_next_due(c);
        if (next != AL_NO_TIME) {
            decimal(next, score, sizeof(score));
            piece_t zadd[2] = {PIECE_S(score), cid};
            rc |= resp_keyed(b, "ZADD", s, pnum, ":due", 2, zadd);
        } else {
            rc |= resp_keyed(b, "ZREM", s, pnum, ":due", 1, &cid);
        }
        decimal(c->due[AL_BREACH], score, sizeof(score));
        rc |= resp_team(b, "ZADD", s, c->team, score, pnum, case_id);
        n += 3;
        if (old_team == NULL || strcmp(old_team, c->team) == 0)
            return rc != 0 ? -1 : n;
    } else {
        rc |= resp_keyed(b, "HDEL", s, pnum, ":clocks", 1, &cid);
        rc |= resp_keyed(b, "ZREM", s, pnum, ":due", 1, &cid);
        n += 2;
    }
    if (old_team != NULL) {
        rc |= resp_team(b, "ZREM", s, old_team, NULL, pnum, case_id);
        n++;
    }
    return rc != 0 ? -1 : n;
}

static int append_meta(al_store_t *s, const al_engine_t *e, int32_t p, int64_t offset)
{
    const al_partition_t *pt = (p >= 0 && (size_t)p < e->nparts) ? &e->parts[p] : NULL;
    piece_t argv[6];
    char pnum[16], wm[24], mx[24], off[24];
    int argc = 0;
    decimal(p, pnum, sizeof(pnum));
    if (pt != NULL && pt->watermark != AL_NO_TIME && pt->max_event != AL_NO_TIME) {
        decimal(pt->watermark, wm, sizeof(wm));
        decimal(pt->max_event, mx, sizeof(mx));
        argv[argc++] = PIECE("watermark");
        argv[argc++] = PIECE_S(wm);
        argv[argc++] = PIECE("max_event");
        argv[argc++] = PIECE_S(mx);
    }
    if (offset >= 0) {
        decimal(offset, off, sizeof(off));
        argv[argc++] = PIECE("offset");
        argv[argc++] = PIECE_S(off);
    }
    if (argc == 0)
        return 0;
    return resp_keyed(&s->wbuf, "HSET", s, pnum, ":meta", argc, argv) == 0 ? 1 : -1;
}

/* The whole batch, MULTI ... EXEC, into s->wbuf. Returns the commands
 * between MULTI and EXEC, or -1 with s->err (memory). */
static int build_batch(al_store_t *s, al_engine_t *e)
{
    snprintf(s->err, sizeof(s->err), "out of memory writing the SLA state");
    s->wbuf.len = 0;
    if (resp_cmd(&s->wbuf, 1, &PIECE("MULTI")) != 0)
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
    return resp_cmd(&s->wbuf, 1, &PIECE("EXEC")) != 0 ? -1 : queued;
}

typedef struct write_arg {
    al_engine_t *e; /* whose recorded changes are written */
    int queued;     /* commands in the batch (s->wbuf) between MULTI and EXEC */
} write_arg_t;

/* Sends s->wbuf: straight to the socket when hiredis has nothing queued
 * (its output buffer would copy a batch of ~100 KB, and free it again, each
 * time), else through hiredis. Returns 0, or -2 with s->err. */
static int send_batch(al_store_t *s)
{
    if (sdslen(s->rc->obuf) > 0) {
        if (redisAppendFormattedCommand(s->rc, s->wbuf.data, s->wbuf.len) == REDIS_OK)
            return 0;
        snprintf(s->err, sizeof(s->err), "Redis: %s",
                 s->rc->errstr[0] ? s->rc->errstr : "out of memory");
        return -2;
    }
    const char *p = s->wbuf.data;
    size_t left = s->wbuf.len;
    while (left > 0) {
        ssize_t n = write(s->rc->fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            snprintf(s->err, sizeof(s->err), "Redis %s:%d: writing the state: %s", s->url.host,
                     s->url.port, n < 0 ? strerror(errno) : "connection closed");
            return -2;
        }
        p += n;
        left -= (size_t)n;
    }
    return 0;
}

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
    int queued = a->queued;
    if (send_batch(s) != 0)
        return -2;
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
    write_arg_t a = {e, build_batch(s, e)};
    if (a.queued < 0)
        return -1;
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
