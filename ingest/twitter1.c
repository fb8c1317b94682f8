/* twitter1.c -- Twitter v1.1 statuses (the REST and streaming APIs, and the
 * Account Activity webhook's tweet_create_events).
 *
 * The text is extended_tweet.full_text, else full_text, else text; a retweet
 * (retweeted_status) is kept but marked "repost": true so that alert does not
 * take a customer's retweet for a new complaint. v1.1 has no conversation id:
 * thread.c links replies within a file, serve through its recent-id map. */
#include "platform.h"
#include "text.h"

#include <string.h>

#define ID_MAX 32

/* The status's text as the platform wrote it: the long form first. */
static const json_t *status_text(const json_t *st)
{
    const json_t *t = json_object_get(json_object_get(st, "extended_tweet"), "full_text");
    if (!json_is_string(t)) {
        t = json_object_get(st, "full_text");
    }
    if (!json_is_string(t)) {
        t = json_object_get(st, "text");
    }
    return json_is_string(t) ? t : NULL;
}

static int v1_parse(const json_t *st, const json_t *doc, ig_result_t *res)
{
    (void)doc;
    char id[ID_MAX], uid[ID_MAX], parent[ID_MAX], url[160];
    if (!ig_json_id(st, "id_str", id, sizeof id) && !ig_json_id(st, "id", id, sizeof id)) {
        return ig_reject(res, "invalid_id", "id_str (or id) is missing or not a tweet id");
    }
    if (!ig_is_digits(id)) {
        return ig_reject(res, "invalid_id", "id_str '%s' is not a tweet id (digits)", id);
    }
    const json_t *user = json_object_get(st, "user");
    if (!json_is_object(user) || (!ig_json_id(user, "id_str", uid, sizeof uid) &&
                                  !ig_json_id(user, "id", uid, sizeof uid))) {
        return ig_reject(res, "invalid_author", "user.id_str (or user.id) is missing");
    }
    const json_t *text = status_text(st);
    if (!text) {
        return ig_reject(res, "empty_text",
                         "text is missing (none of extended_tweet.full_text, full_text, text)");
    }
    const char *created = json_string_value(json_object_get(st, "created_at"));
    int64_t ms = 0;
    if (!created || ig_twitter_time(created, &ms) != 0) {
        return ig_reject(res, "bad_timestamp",
                         "created_at is missing or not like 'Wed Oct 10 20:19:24 +0000 2018'");
    }
    const char *reply = ig_json_id(st, "in_reply_to_status_id_str", parent, sizeof parent);
    if (!reply) {
        reply = ig_json_id(st, "in_reply_to_status_id", parent, sizeof parent);
    }
    if (reply && !ig_is_digits(reply)) {
        return ig_reject(res, "invalid_id", "in_reply_to_status_id_str '%s' is not a tweet id",
                         reply);
    }
    const char *handle = json_string_value(json_object_get(user, "screen_name"));
    snprintf(url, sizeof url, "https://twitter.com/%s/status/%s", handle ? handle : "i/web", id);
    const json_t *rt = json_object_get(st, "retweeted_status");
    ig_src_post_t s = {
        .platform = "twitter",
        .native_id = id,
        .author_id = uid,
        .handle = handle,
        .name = json_string_value(json_object_get(user, "name")),
        .followers = json_object_get(user, "followers_count"),
        .text = json_string_value(text),
        .text_len = json_string_length(text),
        .created_ms = ms,
        .reply_to = reply,
        .reply_to_handle = json_string_value(json_object_get(st, "in_reply_to_screen_name")),
        .conversation = NULL,
        .url = url,
        .lang = json_string_value(json_object_get(st, "lang")),
        .source = "twitter-v1.1",
        .repost = json_is_object(rt),
    };
    return ig_post_build(&s, res);
}

const ig_format_t ig_format_twitter1 = {
    .name = "twitter1",
    .help = "Twitter v1.1 statuses (REST/stream JSON, Account Activity events), one a line",
    .framing = IG_FRAME_LINES,
    .columns = NULL,
    .thread_flags = 0,
    .parse = NULL,
    .parse_json = v1_parse,
};
