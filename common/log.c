/* log.c -- JSON log lines on stderr. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "timeutil.h"

static const char *log_service = "outcry";
static oc_log_level_t log_threshold = OC_LOG_INFO;
/* Whole lines from several threads (librdkafka callbacks, HTTP) must not interleave. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void oc_log_init(const char *service)
{
    log_service = service ? service : "outcry";
}

int oc_log_set_level(const char *name)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(name, level_names[i]) == 0) {
            log_threshold = (oc_log_level_t)i;
            return 0;
        }
    }
    return -1;
}

int oc_log_enabled(oc_log_level_t level)
{
    return level >= log_threshold;
}

static void log_emit(oc_log_level_t level, const char *event, json_t *fields, const char *fmt,
                     va_list ap)
{
    char msg[2048];
    char ts[OC_TIME_BUFSZ];
    vsnprintf(msg, sizeof msg, fmt, ap);
    json_t *line = json_object();
    if (!line) {
        json_decref(fields);
        return;
    }
    /* Time with milliseconds always, so lines sort and correlate. */
    int64_t now = oc_now_ms();
    oc_time_format(now - now % 1000, ts, sizeof ts);
    char tsms[OC_TIME_BUFSZ + 8];
    size_t n = strlen(ts);
    if (n > 0 && ts[n - 1] == 'Z') {
        ts[n - 1] = '\0';
    }
    snprintf(tsms, sizeof tsms, "%s.%03dZ", ts, (int)(now % 1000));
    json_object_set_new(line, "ts", json_string(tsms));
    json_object_set_new(line, "level", json_string(level_names[level]));
    json_object_set_new(line, "service", json_string(log_service));
    json_object_set_new(line, "event", json_string(event));
    json_object_set_new(line, "msg", json_string(msg));
    if (fields) {
        json_object_update(line, fields);
        json_decref(fields);
    }
    char *s = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);
    if (!s) {
        return;
    }
    pthread_mutex_lock(&log_lock);
    fputs(s, stderr);
    fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&log_lock);
    free(s);
}

void oc_logf(oc_log_level_t level, const char *event, const char *fmt, ...)
{
    if (!oc_log_enabled(level)) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    log_emit(level, event, NULL, fmt, ap);
    va_end(ap);
}

void oc_log_fields(oc_log_level_t level, const char *event, json_t *fields, const char *fmt, ...)
{
    if (!oc_log_enabled(level)) {
        json_decref(fields);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    log_emit(level, event, fields, fmt, ap);
    va_end(ap);
}
