/* dlq.c -- dead-letter entries. */
#include "dlq.h"

#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "metrics.h"
#include "timeutil.h"

char *oc_base64(const void *bytes, size_t len)
{
    /* EVP_EncodeBlock takes an int length; 64 KiB messages are far below it. */
    if (len > (size_t)INT32_MAX / 2) {
        return NULL;
    }
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    if (!out) {
        return NULL;
    }
    EVP_EncodeBlock((unsigned char *)out, bytes, (int)len);
    return out;
}

json_t *oc_dlq_entry(const char *stage, const char *code, const char *reason,
                     const oc_dlq_origin_t *origin, const void *bytes, size_t len)
{
    char labels[160];
    snprintf(labels, sizeof labels, "stage=\"%s\",code=\"%s\"", stage, code);
    oc_metric_add(oc_counter("outcry_dlq_total", "Messages sent to the dead-letter queue", labels),
                  1);

    char *b64 = oc_base64(bytes, len);
    if (!b64) {
        return NULL;
    }
    char at[OC_TIME_BUFSZ];
    json_t *e = json_object();
    if (!e) {
        free(b64);
        return NULL;
    }
    json_object_set_new(e, "schema", json_string(OC_DLQ_SCHEMA));
    json_object_set_new(e, "stage", json_string(stage));
    json_object_set_new(e, "code", json_string(code));
    /* Reasons may quote bad input; keep them valid UTF-8 for JSON. */
    json_t *r = json_string(reason);
    json_object_set_new(e, "reason", r ? r : json_string("(reason not valid UTF-8)"));
    if (origin) {
        if (origin->source) {
            json_object_set_new(e, "source", json_string(origin->source));
        }
        if (origin->topic) {
            json_object_set_new(e, "topic", json_string(origin->topic));
        }
        if (origin->partition >= 0) {
            json_object_set_new(e, "partition", json_integer(origin->partition));
        }
        if (origin->offset >= 0) {
            json_object_set_new(e, "offset", json_integer(origin->offset));
        }
        if (origin->key) {
            json_t *k = json_string(origin->key);
            json_object_set_new(e, "key", k ? k : json_null());
        }
    }
    json_object_set_new(e, "payload_b64", json_string(b64));
    json_object_set_new(e, "payload_bytes", json_integer((json_int_t)len));
    json_object_set_new(e, "at", json_string(oc_time_format(oc_now_ms(), at, sizeof at)));
    free(b64);
    return e;
}
