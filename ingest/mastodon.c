/* mastodon.c -- Mastodon statuses: the REST/streaming Status entity, a
 * streaming "data:" line (server-sent events), or the WebSocket frame
 * {"event": "update", "payload": "<status as a JSON string>"}.
 *
 * content is HTML: tags are dropped, <br> becomes a line break and a new
 * paragraph a blank line, entities are decoded. A boost (reblog) is marked
 * "repost": true. Ids are per server: one deployment should read one server
 * (or give each server its own platform name upstream). */
#include "platform.h"
#include "text.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ID_MAX 64

/* Appends s[0..n) to out (capacity checked by the caller's sizing). */
static void put(char *out, size_t *o, const char *s, size_t n)
{
    memcpy(out + *o, s, n);
    *o += n;
}

/* HTML to plain text (entities are left for ig_text_clean). Returns a
 * malloc'd string with its length in *outlen, or NULL when out of memory. */
static char *html_text(const char *s, size_t len, size_t *outlen)
{
    char *out = malloc(len * 2 + 1);
    if (!out) {
        return NULL;
    }
    size_t o = 0;
    int paragraphs = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] != '<') {
            put(out, &o, s + i, 1);
            i++;
            continue;
        }
        const char *gt = memchr(s + i, '>', len - i);
        if (!gt) {
            put(out, &o, s + i, len - i); /* not a tag: keep the text */
            break;
        }
        size_t tl = (size_t)(gt - (s + i)) + 1;
        if (tl >= 3 && strncasecmp(s + i, "<br", 3) == 0) {
            put(out, &o, "\n", 1);
        } else if (tl >= 2 && strncasecmp(s + i, "<p", 2) == 0 && (tl == 3 || s[i + 2] == ' ')) {
            if (paragraphs++ > 0) {
                put(out, &o, "\n\n", 2);
            }
        }
        i += tl;
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* The mentioned account with id aid (its acct), or NULL. */
static const char *mention_acct(const json_t *st, const char *aid)
{
    size_t i;
    const json_t *m;
    char buf[ID_MAX];
    json_array_foreach(json_object_get(st, "mentions"), i, m)
    {
        if (ig_json_id(m, "id", buf, sizeof buf) && strcmp(buf, aid) == 0) {
            return json_string_value(json_object_get(m, "acct"));
        }
    }
    return NULL;
}

static int status_parse(const json_t *st, ig_result_t *res)
{
    char id[ID_MAX], aid[ID_MAX], parent[ID_MAX], raid[ID_MAX];
    if (!ig_json_id(st, "id", id, sizeof id) || strchr(id, ':') || strchr(id, ' ')) {
        return ig_reject(res, "invalid_id", "id is missing or not a status id");
    }
    const json_t *acc = json_object_get(st, "account");
    if (!json_is_object(acc) || !ig_json_id(acc, "id", aid, sizeof aid)) {
        return ig_reject(res, "invalid_author", "account.id is missing");
    }
    const json_t *content = json_object_get(st, "content");
    if (!json_is_string(content)) {
        return ig_reject(res, "empty_text", "content is missing or not a string");
    }
    int64_t ms = 0;
    const char *created = json_string_value(json_object_get(st, "created_at"));
    if (!created || oc_time_parse(created, &ms) != 0) {
        return ig_reject(res, "bad_timestamp", "created_at is missing or not RFC 3339");
    }
    const char *reply = ig_json_id(st, "in_reply_to_id", parent, sizeof parent);
    const char *reply_handle = NULL;
    if (ig_json_id(st, "in_reply_to_account_id", raid, sizeof raid)) {
        reply_handle = mention_acct(st, raid);
    }
    size_t tlen = 0;
    char *text = html_text(json_string_value(content), json_string_length(content), &tlen);
    if (!text) {
        return ig_reject(res, "internal", "out of memory");
    }
    const char *acct = json_string_value(json_object_get(acc, "acct"));
    const json_t *reblog = json_object_get(st, "reblog");
    ig_src_post_t s = {
        .platform = "mastodon",
        .native_id = id,
        .author_id = aid,
        .handle = acct ? acct : json_string_value(json_object_get(acc, "username")),
        .name = json_string_value(json_object_get(acc, "display_name")),
        .followers = json_object_get(acc, "followers_count"),
        .text = text,
        .text_len = tlen,
        .created_ms = ms,
        .reply_to = reply,
        .reply_to_handle = reply_handle,
        .conversation = NULL,
        .url = json_string_value(json_object_get(st, "url")),
        .lang = json_string_value(json_object_get(st, "language")),
        .source = "mastodon",
        .repost = json_is_object(reblog),
    };
    if (s.repost && tlen == 0) {
        /* A boost's own content is empty: the boosted status's is the text. */
        free(text);
        const json_t *rc = json_object_get(reblog, "content");
        text = json_is_string(rc) ? html_text(json_string_value(rc), json_string_length(rc), &tlen)
                                  : NULL;
        if (!text) {
            return ig_reject(res, "empty_text", "reblog.content is missing");
        }
        s.text = text;
        s.text_len = tlen;
    }
    int rc = ig_post_build(&s, res);
    free(text);
    return rc;
}

static int mastodon_parse(const json_t *obj, const json_t *doc, ig_result_t *res)
{
    (void)doc;
    const json_t *event = json_object_get(obj, "event");
    const json_t *payload = json_object_get(obj, "payload");
    if (!json_is_string(event) || !json_is_string(payload)) {
        return status_parse(obj, res);
    }
    if (strcmp(json_string_value(event), "update") != 0 &&
        strcmp(json_string_value(event), "status.update") != 0) {
        return ig_reject(res, "not_a_post", "streaming event '%.40s' carries no status",
                         json_string_value(event));
    }
    json_error_t jerr;
    json_t *st = json_loadb(json_string_value(payload), json_string_length(payload),
                            JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(st)) {
        json_decref(st);
        return ig_reject(res, "invalid_json", "payload is not a JSON status: %s",
                         st ? "not an object" : jerr.text);
    }
    int rc = status_parse(st, res);
    json_decref(st);
    return rc;
}

const ig_format_t ig_format_mastodon = {
    .name = "mastodon",
    .help = "Mastodon statuses (REST or streaming JSON, SSE data: lines), one a line",
    .framing = IG_FRAME_LINES,
    .columns = NULL,
    .thread_flags = 0,
    .parse = NULL,
    .parse_json = mastodon_parse,
};
