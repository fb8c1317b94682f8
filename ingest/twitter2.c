/* twitter2.c -- Twitter/X API v2 tweets: a response {"data": tweet|[tweets],
 * "includes": {"users": [...]}}, a filtered-stream line (the same with one
 * tweet), or bare tweet objects.
 *
 * The author's handle, name and followers come from includes.users (matched
 * by author_id); conversation_id is the thread root; referenced_tweets gives
 * in_reply_to (replied_to) and marks retweets as reposts. created_at is only
 * there when the request asked for tweet.fields=created_at: without it the
 * tweet is rejected (bad_timestamp) rather than stamped with a guess. */
#include "platform.h"
#include "text.h"
#include "timeutil.h"

#include <string.h>

#define ID_MAX 32

/* The user object with id uid in doc.includes.users; borrowed, or NULL. */
static const json_t *find_user(const json_t *doc, const char *uid)
{
    const json_t *users = json_object_get(json_object_get(doc, "includes"), "users");
    size_t i;
    const json_t *u;
    char buf[ID_MAX];
    json_array_foreach(users, i, u)
    {
        if (ig_json_id(u, "id", buf, sizeof buf) && strcmp(buf, uid) == 0) {
            return u;
        }
    }
    return NULL;
}

static int v2_parse(const json_t *tw, const json_t *doc, ig_result_t *res)
{
    char id[ID_MAX], uid[ID_MAX], conv[ID_MAX], parent[ID_MAX] = "", ruid[ID_MAX], url[160];
    if (!ig_json_id(tw, "id", id, sizeof id) || !ig_is_digits(id)) {
        return ig_reject(res, "invalid_id", "id is missing or not a tweet id (digits)");
    }
    if (!ig_json_id(tw, "author_id", uid, sizeof uid)) {
        return ig_reject(res, "invalid_author",
                         "author_id is missing: request expansions=author_id");
    }
    const json_t *text = json_object_get(json_object_get(tw, "note_tweet"), "text");
    if (!json_is_string(text)) {
        text = json_object_get(tw, "text");
    }
    if (!json_is_string(text)) {
        return ig_reject(res, "empty_text", "text is missing or not a string");
    }
    int64_t ms = 0;
    const char *created = json_string_value(json_object_get(tw, "created_at"));
    if (!created || oc_time_parse(created, &ms) != 0) {
        return ig_reject(res, "bad_timestamp",
                         "created_at is missing or not RFC 3339: request tweet.fields=created_at");
    }
    int repost = 0;
    size_t i;
    const json_t *ref;
    json_array_foreach(json_object_get(tw, "referenced_tweets"), i, ref)
    {
        const char *type = json_string_value(json_object_get(ref, "type"));
        if (!type) {
            continue;
        }
        if (strcmp(type, "replied_to") == 0) {
            if (!ig_json_id(ref, "id", parent, sizeof parent) || !ig_is_digits(parent)) {
                return ig_reject(res, "invalid_id", "referenced_tweets[%zu].id is not a tweet id",
                                 i);
            }
        } else if (strcmp(type, "retweeted") == 0) {
            repost = 1;
        }
    }
    const char *cid = ig_json_id(tw, "conversation_id", conv, sizeof conv);
    if (cid && !ig_is_digits(cid)) {
        return ig_reject(res, "invalid_id", "conversation_id '%s' is not a tweet id", cid);
    }
    const json_t *user = find_user(doc, uid);
    const char *handle = json_string_value(json_object_get(user, "username"));
    const json_t *pm = json_object_get(user, "public_metrics");
    const char *reply_handle = NULL;
    if (ig_json_id(tw, "in_reply_to_user_id", ruid, sizeof ruid)) {
        reply_handle = json_string_value(json_object_get(find_user(doc, ruid), "username"));
    }
    snprintf(url, sizeof url, "https://twitter.com/%s/status/%s", handle ? handle : "i/web", id);
    ig_src_post_t s = {
        .platform = "twitter",
        .native_id = id,
        .author_id = uid,
        .handle = handle,
        .name = json_string_value(json_object_get(user, "name")),
        .followers = json_object_get(pm, "followers_count"),
        .text = json_string_value(text),
        .text_len = json_string_length(text),
        .created_ms = ms,
        .reply_to = parent[0] ? parent : NULL,
        .reply_to_handle = reply_handle,
        .conversation = cid,
        .url = url,
        .lang = json_string_value(json_object_get(tw, "lang")),
        .source = "twitter-v2",
        .repost = repost,
    };
    return ig_post_build(&s, res);
}

const ig_format_t ig_format_twitter2 = {
    .name = "twitter2",
    .help = "Twitter/X API v2 tweets (data + includes.users; responses or stream lines)",
    .framing = IG_FRAME_LINES,
    .columns = NULL,
    .thread_flags = 0,
    .parse = NULL,
    .parse_json = v2_parse,
};
