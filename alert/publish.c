/* publish.c -- alert sinks: JSON lines and exactly-once Redis publication. */
#include "publish.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "post.h"
#include "stage.h"
#include "timeutil.h"

#define AL_BACKOFF_MIN_MS 100
#define AL_BACKOFF_MAX_MS 5000
#define AL_TIMEOUT_MS     5000

/* KEYS[1] the seen key, KEYS[2] the stream.
 * ARGV: json, ttl seconds, stream maxlen, channel, team channel.
 * The claim comes first; XADD (the only call that can fail on a healthy
 * server, e.g. WRONGTYPE) runs before the PUBLISHes, and when it fails the
 * claim is released, so a retry publishes instead of finding it "seen". */
static const char publish_lua[] =
    "if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then return 0 end\n"
    "local r = redis.pcall('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'alert', ARGV[1])\n"
    "if type(r) == 'table' and r.err then redis.call('DEL', KEYS[1]) return r end\n"
    "redis.call('PUBLISH', ARGV[4], ARGV[1])\n"
    "redis.call('PUBLISH', ARGV[5], ARGV[1])\n"
    "return 1\n";

int al_sleep_while_running(int64_t ms)
{
    while (ms > 0 && oc_running) {
        int64_t slice = ms < 50 ? ms : 50;
        struct timespec ts = {.tv_sec = 0, .tv_nsec = (long)slice * 1000000L};
        nanosleep(&ts, NULL);
        ms -= slice;
    }
    return oc_running ? 0 : -1;
}

static int expect_ok(redisContext *c, redisReply *r, const char *what, char *err, size_t errlen)
{
    int ok = r != NULL && r->type == REDIS_REPLY_STATUS;
    if (!ok)
        snprintf(err, errlen, "%s: %s", what,
                 r == NULL ? c->errstr
                           : (r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply"));
    freeReplyObject(r);
    return ok ? 0 : -1;
}

redisContext *al_redis_connect(const al_redis_url_t *u, int timeout_ms, char *err, size_t errlen)
{
    struct timeval tv = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
    redisContext *c = redisConnectWithTimeout(u->host, u->port, tv);
    if (c == NULL) {
        snprintf(err, errlen, "Redis %s:%d: out of memory", u->host, u->port);
        return NULL;
    }
    if (c->err) {
        snprintf(err, errlen,
                 "cannot connect to Redis at %s:%d: %s (is redis-server running? "
                 "check OUTCRY_REDIS_URL / --redis)",
                 u->host, u->port, c->errstr);
        goto error;
    }
    if (redisSetTimeout(c, tv) != REDIS_OK) {
        snprintf(err, errlen, "Redis %s:%d: cannot set the timeout", u->host, u->port);
        goto error;
    }
    if (u->password[0] != '\0') {
        const char *argv[3] = {"AUTH", u->user, u->password};
        int argc = 3;
        if (u->user[0] == '\0') {
            argv[1] = u->password;
            argc = 2;
        }
        if (expect_ok(c, redisCommandArgv(c, argc, argv, NULL),
                      "Redis AUTH (check the user and password in the URL)", err, errlen) != 0)
            goto error;
    }
    if (u->db != 0) {
        char db[16];
        snprintf(db, sizeof(db), "%d", u->db);
        const char *argv[2] = {"SELECT", db};
        if (expect_ok(c, redisCommandArgv(c, 2, argv, NULL),
                      "Redis SELECT (check the database number in the URL)", err, errlen) != 0)
            goto error;
    }
    return c;
error:
    redisFree(c);
    return NULL;
}

int al_sink_init(al_sink_t *s, FILE *fp, const char *redis_url, long long stream_maxlen,
                 long long seen_ttl_s, int64_t give_up_ms)
{
    memset(s, 0, sizeof(*s));
    s->fp = fp;
    /* written once: every alert's script call passes them as text */
    snprintf(s->stream_maxlen, sizeof(s->stream_maxlen), "%lld",
             stream_maxlen > 0 ? stream_maxlen : AL_DEFAULT_MAXLEN);
    snprintf(s->seen_ttl_s, sizeof(s->seen_ttl_s), "%lld",
             seen_ttl_s > 0 ? seen_ttl_s : AL_DEFAULT_TTL_S);
    s->give_up_ms = give_up_ms;
    for (int k = 0; k < AL_KINDS; k++) {
        const char *type = al_kind_name((al_kind_t)k);
        if (type == NULL)
            continue;
        char labels[64];
        snprintf(labels, sizeof(labels), "type=\"%s\"", type);
        s->m_published[k] = oc_counter("outcry_alerts_published_total",
                                       "Alerts published to Redis, by type", labels);
    }
    s->m_duplicate = oc_counter("outcry_alerts_duplicate_total",
                                "Alerts Redis had already published (replays, restarts)", NULL);
    s->m_failures = oc_counter("outcry_alert_redis_failures_total",
                               "Failed attempts to publish a batch of alerts to Redis", NULL);
    if (redis_url == NULL)
        return 0;
    if (al_redis_url_parse(redis_url, &s->url, s->err, sizeof(s->err)) != 0)
        return -1;
    s->publish = 1;
    return 0;
}

static void drop_connection(al_sink_t *s)
{
    if (s->rc != NULL)
        redisFree(s->rc);
    s->rc = NULL;
}

int al_sink_connect(al_sink_t *s)
{
    drop_connection(s);
    s->rc = al_redis_connect(&s->url, AL_TIMEOUT_MS, s->err, sizeof(s->err));
    if (s->rc == NULL)
        return -1;
    const char *argv[3] = {"SCRIPT", "LOAD", publish_lua};
    redisReply *r = redisCommandArgv(s->rc, 3, argv, NULL);
    if (r == NULL || r->type != REDIS_REPLY_STRING || r->len >= (int)sizeof(s->sha)) {
        snprintf(s->err, sizeof(s->err), "Redis SCRIPT LOAD: %s",
                 r == NULL ? s->rc->errstr : (r->type == REDIS_REPLY_ERROR ? r->str : "bad reply"));
        freeReplyObject(r);
        drop_connection(s);
        return -1;
    }
    memcpy(s->sha, r->str, (size_t)r->len);
    s->sha[r->len] = '\0';
    freeReplyObject(r);
    return 0;
}

/* One alert's command arguments. */
typedef struct al_item {
    const char *json; /* the alert's JSON text; borrowed from the batch */
    size_t json_len;  /* its length */
    char seen[64];    /* outcry:alert:seen:<alert_id> */
    char team[192];   /* outcry:alerts:<team> */
    int kind;         /* al_kind_t, for the counter */
    int state;        /* 0 not yet known, 1 published, 2 duplicate, 3 needs EVAL */
} al_item_t;

/* A clock's team has at most AL_TEAM_MAX bytes (event.c refuses more): its
 * channel always fits. */
_Static_assert(sizeof(((al_item_t *)0)->team) >= sizeof(AL_CHANNEL ":") + AL_TEAM_MAX,
               "al_item_t.team cannot hold every team's channel");

static int append_call(al_sink_t *s, const al_item_t *it, int eval)
{
    const char *argv[10] = {eval ? "EVAL" : "EVALSHA",
                            eval ? publish_lua : s->sha,
                            "2",
                            it->seen,
                            AL_STREAM_KEY,
                            it->json,
                            s->seen_ttl_s,
                            s->stream_maxlen,
                            AL_CHANNEL,
                            it->team};
    size_t len[10];
    for (int i = 0; i < 10; i++)
        len[i] = i == 5 ? it->json_len : strlen(argv[i]);
    return redisAppendCommandArgv(s->rc, 10, argv, len) == REDIS_OK ? 0 : -1;
}

/* Sends the items in state `want` (0 with EVALSHA, 3 with EVAL) and reads
 * their replies. Returns 0; -1 on a Redis error reply; -2 when the
 * connection failed (s->rc is then unusable). */
static int run_calls(al_sink_t *s, al_item_t *items, size_t n, int want)
{
    size_t sent = 0;
    for (size_t i = 0; i < n; i++) {
        if (items[i].state != want)
            continue;
        if (append_call(s, &items[i], want == 3) != 0) {
            snprintf(s->err, sizeof(s->err), "Redis: %s", s->rc->errstr);
            return -2;
        }
        sent++;
    }
    int rc = 0;
    for (size_t i = 0; i < n && sent > 0; i++) {
        if (items[i].state != want)
            continue;
        sent--;
        void *v = NULL;
        if (redisGetReply(s->rc, &v) != REDIS_OK || v == NULL) {
            snprintf(s->err, sizeof(s->err), "Redis %s:%d: %s", s->url.host, s->url.port,
                     s->rc->errstr[0] ? s->rc->errstr : "connection lost");
            return -2;
        }
        redisReply *r = v;
        if (r->type == REDIS_REPLY_INTEGER) {
            items[i].state = r->integer == 1 ? 1 : 2;
        } else if (r->type == REDIS_REPLY_ERROR && strncmp(r->str, "NOSCRIPT", 8) == 0 &&
                   want == 0) {
            items[i].state = 3;
        } else {
            snprintf(s->err, sizeof(s->err), "Redis refused an alert: %s",
                     r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply type");
            rc = -1;
        }
        freeReplyObject(r);
    }
    return rc;
}

static int publish_items(al_sink_t *s, al_item_t *items, size_t n)
{
    int64_t started = oc_mono_ms();
    int64_t backoff = AL_BACKOFF_MIN_MS;
    for (int attempt = 1;; attempt++) {
        int rc = 0;
        if (s->rc == NULL && al_sink_connect(s) != 0)
            rc = -2;
        if (rc == 0)
            rc = run_calls(s, items, n, 0);
        if (rc == 0) {
            /* The server lost the script (restart, SCRIPT FLUSH): EVAL
             * caches it again; later batches load it on reconnect. */
            rc = run_calls(s, items, n, 3);
        }
        if (rc == 0)
            return 0;
        if (rc == -2)
            drop_connection(s);
        for (size_t i = 0; i < n; i++)
            if (items[i].state == 3)
                items[i].state = 0;
        oc_metric_add(s->m_failures, 1);
        int stop = !oc_running || (s->give_up_ms >= 0 && oc_mono_ms() - started >= s->give_up_ms);
        oc_warn("redis_publish_failed", "publishing alerts failed (attempt %d): %s; %s", attempt,
                s->err, stop ? "giving up, the input stays uncommitted" : "retrying");
        if (stop || al_sleep_while_running(backoff) != 0)
            return -1;
        backoff = backoff * 2 > AL_BACKOFF_MAX_MS ? AL_BACKOFF_MAX_MS : backoff * 2;
    }
}

int al_sink_write(al_sink_t *s, const al_alerts_t *alerts)
{
    size_t n = al_alerts_count(alerts);
    if (n == 0)
        return 0;
    int rc = -1;
    al_item_t *items = calloc(n, sizeof(*items));
    if (items == NULL) {
        snprintf(s->err, sizeof(s->err), "out of memory for %zu alerts", n);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        al_alert_t a = al_alerts_get(alerts, i);
        items[i].kind = (int)a.kind;
        items[i].json = a.json;
        items[i].json_len = a.json_len;
        if ((size_t)snprintf(items[i].seen, sizeof(items[i].seen), "%s%s", AL_SEEN_PREFIX, a.id) >=
                sizeof(items[i].seen) ||
            (size_t)snprintf(items[i].team, sizeof(items[i].team), "%s:%s", AL_CHANNEL, a.team) >=
                sizeof(items[i].team)) {
            snprintf(s->err, sizeof(s->err), "alert id or team name too long: '%s'", a.team);
            goto out;
        }
    }
    if (s->publish) {
        if (publish_items(s, items, n) != 0)
            goto out;
        for (size_t i = 0; i < n; i++) {
            if (items[i].state == 1) {
                s->published++;
                if (items[i].kind >= 0)
                    oc_metric_add(s->m_published[items[i].kind], 1);
            } else {
                s->duplicates++;
                oc_metric_add(s->m_duplicate, 1);
            }
        }
    }
    if (s->fp != NULL) {
        for (size_t i = 0; i < n; i++) {
            if (fwrite(items[i].json, 1, items[i].json_len, s->fp) != items[i].json_len ||
                fputc('\n', s->fp) == EOF) {
                snprintf(s->err, sizeof(s->err), "cannot write alerts to the output");
                goto out;
            }
        }
        if (fflush(s->fp) == EOF) {
            snprintf(s->err, sizeof(s->err), "cannot write alerts to the output");
            goto out;
        }
    }
    rc = 0;
out:
    free(items);
    return rc;
}

void al_sink_close(al_sink_t *s)
{
    drop_connection(s);
}
