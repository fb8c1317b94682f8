/* log.c -- outcry-devbroker's log lines, in the house format (one JSON
 * object per line on stderr), librdkafka's own included. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "devbroker.h"

int db_log_threshold = 1;

static const char *const db_level_names[] = {"debug", "info", "warn", "error"};

/* Writes s as a JSON string body (without quotes) to f. */
static void db_json_escape(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
}

/* One JSON log line: ts, level, service, event, msg. */
void db_log(int level, const char *event, const char *fmt, ...)
{
    if (level < db_log_threshold)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    struct timeval tv;
    struct tm tm;
    char ts[32];
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);

    flockfile(stderr);
    fprintf(stderr, "{\"ts\":\"%s.%03dZ\",\"level\":\"%s\",\"service\":\"devbroker\",\"event\":\"",
            ts, (int)(tv.tv_usec / 1000), db_level_names[level]);
    db_json_escape(stderr, event);
    fputs("\",\"msg\":\"", stderr);
    db_json_escape(stderr, msg);
    fputs("\"}\n", stderr);
    funlockfile(stderr);
}

/* librdkafka's own log lines (the mock cluster's included), in our format.
 * Called from librdkafka's threads; db_log writes one line under a lock. */
void db_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* syslog levels: 0..3 error, 4 warning, 5..6 info, 7 debug */
    int ours = level <= 3 ? 3 : level == 4 ? 2 : level <= 6 ? 1 : 0;
    char event[64];
    snprintf(event, sizeof(event), "rdkafka.%s", fac);
    db_log(ours, event, "%s", buf);
}

/* Returns 0 when level names a log level (and sets the threshold), else -1. */
int db_set_log_level(const char *level)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(level, db_level_names[i]) == 0) {
            db_log_threshold = i;
            return 0;
        }
    }
    return -1;
}
