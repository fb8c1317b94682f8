/* dlq.h -- dead-letter entries (outcry.dlq/v1).
 *
 * Whatever a stage cannot process goes to the dlq topic with the reason, the
 * stage, the original bytes (base64) and where it came from, keyed by the
 * original key. Nothing is dropped silently: every entry also moves
 * outcry_dlq_total{stage,code}. */
#ifndef OC_DLQ_H
#define OC_DLQ_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define OC_DLQ_SCHEMA "outcry.dlq/v1"
#define OC_DLQ_TOPIC  "dlq"

typedef struct oc_dlq_origin {
    const char *source; /* where the bytes came from: "kafka", "http", a file name */
    const char *topic;  /* input topic, or NULL */
    int32_t partition;  /* input partition, or -1 */
    int64_t offset;     /* input offset (or line/row number), or -1 */
    const char *key;    /* original key, or NULL */
} oc_dlq_origin_t;

/* Returns a new DLQ entry (new reference) and counts it, or NULL on
 * allocation failure. bytes may hold anything, NULs included. */
json_t *oc_dlq_entry(const char *stage, const char *code, const char *reason,
                     const oc_dlq_origin_t *origin, const void *bytes, size_t len);

/* Base64 (standard alphabet, padded). Returns a malloc'd string. */
char *oc_base64(const void *bytes, size_t len);

#endif
