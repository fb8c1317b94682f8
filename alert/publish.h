/* publish.h -- where alerts go: JSON lines on a FILE, Redis, or both.
 *
 * Redis publication is exactly-once per alert_id. One Lua script (loaded with
 * SCRIPT LOAD, run with EVALSHA, EVAL when the server lost it) claims
 *   outcry:alert:seen:<alert_id>   (SET NX EX <ttl>)
 * and only when the claim is new does
 *   XADD outcry:alerts:stream MAXLEN ~ <n> * alert <json>
 *   PUBLISH outcry:alerts <json>
 *   PUBLISH outcry:alerts:<team> <json>
 * A batch of alerts is pipelined. On a Redis failure the sink reconnects and
 * retries with backoff (100 ms doubling to 5 s), logging each failure, for as
 * long as the process runs (or give_up_ms); see docs/alert.md. */
#ifndef AL_PUBLISH_H
#define AL_PUBLISH_H

#include <hiredis/hiredis.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "metrics.h"
#include "redisurl.h"
#include "sla.h"

#define AL_CHANNEL        "outcry:alerts"
#define AL_STREAM_KEY     "outcry:alerts:stream"
#define AL_SEEN_PREFIX    "outcry:alert:seen:"
#define AL_DEFAULT_MAXLEN 100000
#define AL_DEFAULT_TTL_S  (30LL * 86400)

typedef struct al_sink {
    FILE *fp;                           /* every alert as a JSON line, or NULL */
    int publish;                        /* 1: publish to Redis */
    al_redis_url_t url;                 /* parsed Redis URL */
    redisContext *rc;                   /* connection, NULL while down */
    char sha[41];                       /* SHA1 of the loaded script */
    char stream_maxlen[24];             /* approximate cap of the stream, in decimal */
    char seen_ttl_s[24];                /* seconds an alert id is remembered, in decimal */
    int64_t give_up_ms;                 /* stop retrying after this long; < 0: while running */
    oc_metric_t *m_published[AL_KINDS]; /* outcry_alerts_published_total{type} */
    oc_metric_t *m_duplicate;           /* outcry_alerts_duplicate_total */
    oc_metric_t *m_failures;            /* outcry_alert_redis_failures_total */
    uint64_t published;                 /* alerts this sink published */
    uint64_t duplicates;                /* alerts Redis had seen already */
    char err[512];                      /* last error */
} al_sink_t;

/* Sets the sink up; redis_url NULL means no publication. Nothing connects
 * yet. Returns 0, or -1 with the reason in s->err (bad URL). */
int al_sink_init(al_sink_t *s, FILE *fp, const char *redis_url, long long stream_maxlen,
                 long long seen_ttl_s, int64_t give_up_ms);
/* Connects (AUTH, SELECT, SCRIPT LOAD) now. Returns 0, or -1 with s->err. */
int al_sink_connect(al_sink_t *s);
/* Publishes (when publishing) then prints every alert of the batch alerts
 * (borrowed), in order. Returns 0, or -1 when Redis stayed
 * unavailable until the process was told to stop or give_up_ms passed, or
 * the FILE failed (s->err says which). */
int al_sink_write(al_sink_t *s, const al_alerts_t *alerts);
void al_sink_close(al_sink_t *s);

/* Connects to u with AUTH and SELECT, timeout_ms for connect and commands.
 * Returns the context, or NULL with the reason in err. (Shared with watch.) */
redisContext *al_redis_connect(const al_redis_url_t *u, int timeout_ms, char *err, size_t errlen);
/* Sleeps ms in short slices; returns early (-1) when the process should stop. */
int al_sleep_while_running(int64_t ms);

#endif
