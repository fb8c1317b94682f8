/* jsoneach.c -- one JSON record to the objects it holds, for the JSON
 * formats (canonical jsonl, Twitter v1.1 and v2, Mastodon): a line may be one
 * object, an array, an envelope or a server-sent-events "data:" line. */
#include "format.h"
#include "post.h"

#include <stdlib.h>
#include <string.h>

/* Hands one object to fmt->parse_json and the result to fn. */
static int one(const ig_format_t *fmt, const json_t *obj, const json_t *doc, size_t index,
               int whole, const char *data, size_t len, ig_item_fn fn, void *ctx)
{
    ig_result_t res = {0};
    char *own = NULL;
    const char *bytes = data;
    size_t n = len;
    if (!whole) {
        /* Its own bytes for a DLQ entry (the record holds several). */
        own = oc_json_dumps(obj);
        if (own) {
            bytes = own;
            n = strlen(own);
        }
    }
    if (!json_is_object(obj)) {
        ig_reject(&res, "not_a_post", "item %zu is a JSON %s, not an object", index,
                  json_is_array(obj)    ? "array"
                  : json_is_string(obj) ? "string"
                  : json_is_null(obj)   ? "null"
                                        : "number or boolean");
    } else {
        fmt->parse_json(obj, doc, &res);
    }
    int rc = fn(ctx, &res, index, bytes, n);
    free(own);
    return rc;
}

int ig_json_each(const ig_format_t *fmt, const char *data, size_t len, ig_item_fn fn, void *ctx)
{
    const char *p = data;
    size_t n = len;
    while (n > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        n--;
    }
    /* Server-sent events (Mastodon's streaming API): keep the data lines. */
    if (n >= 5 && memcmp(p, "data:", 5) == 0) {
        p += 5;
        n -= 5;
    } else if (n > 0 && (*p == ':' || (n >= 6 && memcmp(p, "event:", 6) == 0) ||
                         (n >= 3 && memcmp(p, "id:", 3) == 0))) {
        return 0;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!doc) {
        ig_result_t res = {0};
        ig_reject(&res, "invalid_json", "invalid JSON at column %d: %s", jerr.column, jerr.text);
        return fn(ctx, &res, 0, data, len) != 0 ? -1 : 1;
    }
    const json_t *list = NULL;
    const json_t *inner = NULL;
    if (json_is_array(doc)) {
        list = doc;
    } else if (json_is_object(doc)) {
        inner = json_object_get(doc, "data");
        if (!json_is_array(inner) && !json_is_object(inner)) {
            inner = json_object_get(doc, "tweet_create_events");
        }
        if (json_is_array(inner)) {
            list = inner;
        } else if (!json_is_object(inner)) {
            inner = doc;
        }
    } else {
        inner = doc;
    }
    int count = 0;
    if (list) {
        size_t i;
        const json_t *v;
        json_array_foreach(list, i, v)
        {
            if (one(fmt, v, doc, i, 0, data, len, fn, ctx) != 0) {
                json_decref(doc);
                return -1;
            }
            count++;
        }
    } else {
        int whole = inner == doc;
        if (one(fmt, inner, doc, 0, whole, data, len, fn, ctx) != 0) {
            json_decref(doc);
            return -1;
        }
        count = 1;
    }
    json_decref(doc);
    return count;
}
