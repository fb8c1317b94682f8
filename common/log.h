/* log.h -- JSON logs, one object per line on stderr.
 *
 * Every line carries ts (UTC, ms), level, service and event; the message and
 * any extra fields follow. Level threshold comes from OUTCRY_LOG / --log. */
#ifndef OC_LOG_H
#define OC_LOG_H

#include <jansson.h>

typedef enum { OC_LOG_DEBUG = 0, OC_LOG_INFO, OC_LOG_WARN, OC_LOG_ERROR } oc_log_level_t;

/* Service name stamped on every line; borrowed, must outlive logging. */
void oc_log_init(const char *service);
/* Returns 0, or -1 when name is not debug|info|warn|error. */
int oc_log_set_level(const char *name);
int oc_log_enabled(oc_log_level_t level);

/* printf-style message under a short machine-readable event name. */
void oc_logf(oc_log_level_t level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Message plus structured fields; fields is stolen (may be NULL). */
void oc_log_fields(oc_log_level_t level, const char *event, json_t *fields, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define oc_debug(ev, ...) oc_logf(OC_LOG_DEBUG, ev, __VA_ARGS__)
#define oc_info(ev, ...)  oc_logf(OC_LOG_INFO, ev, __VA_ARGS__)
#define oc_warn(ev, ...)  oc_logf(OC_LOG_WARN, ev, __VA_ARGS__)
#define oc_error(ev, ...) oc_logf(OC_LOG_ERROR, ev, __VA_ARGS__)

#endif
