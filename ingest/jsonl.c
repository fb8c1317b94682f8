/* jsonl.c -- canonical posts, one JSON object per line.
 *
 * Each line must already be an outcry.post/v1 (schema included); it is
 * validated with oc_post_parse and kept as it came, unknown fields too. Only
 * "source" is added ("jsonl") when absent; ingested_at is stamped on output
 * when absent, and conversation filled from in_reply_to links when absent
 * (thread.c). */
#include "format.h"
#include "post.h"
#include "timeutil.h"

static int jsonl_parse(const ig_record_t *rec, ig_result_t *res)
{
    char err[IG_REASON_MAX];
    json_t *post = oc_post_parse(rec->data, rec->len, err, sizeof err);
    if (!post) {
        /* Tell broken JSON from a JSON value that is not a post. */
        json_error_t jerr;
        json_t *any = json_loadb(rec->data, rec->len, 0, &jerr);
        const char *code = any ? "invalid_post" : "invalid_json";
        json_decref(any);
        return ig_reject(res, code, "%s", err);
    }
    int64_t ms = 0;
    if (oc_time_parse(oc_post_str(post, "created_at"), &ms) != 0) {
        json_decref(post);
        return ig_reject(res, "bad_timestamp", "created_at is not an RFC 3339 timestamp");
    }
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
    .help = "canonical posts (outcry.post/v1), one JSON object per line",
    .framing = IG_FRAME_LINES,
    .columns = NULL,
    .thread_flags = 0,
    .parse = jsonl_parse,
};
