/* jsonl.c -- canonical posts, one JSON object (or an array of them) per line.
 *
 * Each object must already be an outcry.post/v1 (schema included); it is
 * validated with oc_post_validate and kept as it came, unknown fields too.
 * Only "source" is added ("jsonl") when absent; ingested_at is stamped on
 * output when absent, and conversation filled from in_reply_to links when
 * absent (thread.c). */
#include "format.h"
#include "post.h"
#include "timeutil.h"

static int jsonl_parse(const json_t *obj, const json_t *doc, ig_result_t *res)
{
    (void)doc;
    char err[IG_REASON_MAX];
    if (oc_post_validate(obj, err, sizeof err) != 0) {
        return ig_reject(res, "invalid_post", "%s", err);
    }
    int64_t ms = 0;
    if (oc_time_parse(oc_post_str(obj, "created_at"), &ms) != 0) {
        return ig_reject(res, "bad_timestamp", "created_at is not an RFC 3339 timestamp");
    }
    /* The document is dropped after parsing: keep this object rather than
     * copy it (format.h allows it). */
    json_t *post = json_incref((json_t *)obj);
    if (!json_is_string(json_object_get(post, "source")) &&
        json_object_set_new(post, "source", json_string("jsonl")) != 0) {
        json_decref(post);
        return ig_reject(res, "internal", "out of memory");
    }
    res->post = post;
    res->created_ms = ms;
    return 0;
}

const ig_format_t ig_format_jsonl = {
    .name = "jsonl",
    .help = "canonical posts (outcry.post/v1): JSON objects, one a line, or arrays",
    .framing = IG_FRAME_LINES,
    .columns = NULL,
    .thread_flags = 0,
    .parse = NULL,
    .parse_json = jsonl_parse,
};
