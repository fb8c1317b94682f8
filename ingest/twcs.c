/* twcs.c -- the "Customer Support on Twitter" CSV layout:
 *   tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id
 *
 * One row becomes one canonical post. Direction comes from the row (a
 * non-numeric author is a brand's care account, and so is inbound=False);
 * the conversation and an inbound post's brand need the whole file and are
 * resolved by thread.c (IG_THREAD_CONVERSATION | IG_THREAD_BRAND). Until then
 * the post carries placeholders: conversation = its own id, brand "unknown". */
#include "format.h"
#include "post.h"
#include "text.h"
#include "utf8.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_TWEET_ID, C_AUTHOR_ID, C_INBOUND, C_CREATED_AT, C_TEXT, C_RESPONSE, C_IN_RESPONSE };

static const char *const columns[] = {"tweet_id",
                                      "author_id",
                                      "inbound",
                                      "created_at",
                                      "text",
                                      "response_tweet_id",
                                      "in_response_to_tweet_id",
                                      NULL};

#define ID_MAX 64

/* Copies field k of rec without surrounding whitespace into buf. Returns its
 * length, or -1 when it does not fit. */
static int trimmed(const ig_record_t *rec, int k, char *buf, size_t size)
{
    const char *s = rec->fields[k];
    size_t len = rec->field_len[k];
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
        s++;
        len--;
    }
    while (len > 0 &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n')) {
        len--;
    }
    if (len >= size) {
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return (int)len;
}

/* A tweet id: digits, as the corpus writes them (also "123.0", which
 * spreadsheet round trips leave). Normalises buf in place. Returns 0 or -1. */
static int tweet_id(char *buf)
{
    size_t len = strlen(buf);
    if (len > 2 && strcmp(buf + len - 2, ".0") == 0) {
        buf[len - 2] = '\0';
    }
    return ig_is_digits(buf) && strlen(buf) <= 20 ? 0 : -1;
}

/* An author id: 1..63 bytes of valid UTF-8 without whitespace or controls. */
static int author_ok(const char *s, size_t len)
{
    if (len == 0 || oc_utf8_valid(s, len, NULL) != 0) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= ' ' || c == 0x7F) {
            return 0;
        }
    }
    return 1;
}

/* -1 absent, 0 False, 1 True; -2 anything else. */
static int inbound_flag(const char *s)
{
    if (!*s) {
        return -1;
    }
    if (strcasecmp(s, "true") == 0 || strcmp(s, "1") == 0) {
        return 1;
    }
    if (strcasecmp(s, "false") == 0 || strcmp(s, "0") == 0) {
        return 0;
    }
    return -2;
}

static int twcs_parse(const ig_record_t *rec, ig_result_t *res)
{
    char id[ID_MAX], author[ID_MAX], inbound[16], created[64], parent[ID_MAX];
    char buf[IG_REASON_MAX];
    if (trimmed(rec, C_TWEET_ID, id, sizeof id) < 0 || tweet_id(id) != 0) {
        return ig_reject(res, "invalid_id", "tweet_id is not a tweet id (digits): '%.40s'",
                         rec->fields[C_TWEET_ID]);
    }
    int alen = trimmed(rec, C_AUTHOR_ID, author, sizeof author);
    if (alen < 0 || !author_ok(author, (size_t)alen)) {
        return ig_reject(res, "invalid_author",
                         "author_id is empty, too long or has spaces or controls");
    }
    int flag = trimmed(rec, C_INBOUND, inbound, sizeof inbound) < 0 ? -2 : inbound_flag(inbound);
    if (flag == -2) {
        return ig_reject(res, "invalid_field", "inbound is '%.20s'; expected True or False",
                         rec->fields[C_INBOUND]);
    }
    int64_t ms = 0;
    if (trimmed(rec, C_CREATED_AT, created, sizeof created) < 0 ||
        ig_twitter_time(created, &ms) != 0) {
        return ig_reject(res, "bad_timestamp",
                         "created_at '%.40s' is not like 'Tue Oct 31 22:10:47 +0000 2017'",
                         rec->fields[C_CREATED_AT]);
    }
    int plen = trimmed(rec, C_IN_RESPONSE, parent, sizeof parent);
    if (plen < 0 || (plen > 0 && tweet_id(parent) != 0)) {
        return ig_reject(res, "invalid_id",
                         "in_response_to_tweet_id is not a tweet id (digits): '%.40s'",
                         rec->fields[C_IN_RESPONSE]);
    }
    const char *code = NULL;
    size_t tlen = 0;
    char *text =
        ig_text_clean(rec->fields[C_TEXT], rec->field_len[C_TEXT], &tlen, &code, buf, sizeof buf);
    if (!text) {
        return ig_reject(res, code, "%s", buf);
    }
    if (ig_text_blank(text, tlen)) {
        free(text);
        return ig_reject(res, "empty_text", "text is empty");
    }

    /* A brand's care account writes outbound; the corpus anonymises
     * customers as numbers, so a non-numeric author is a brand. */
    int outbound = !ig_is_digits(author) || flag == 0;
    char full[ID_MAX + 16], ts[OC_TIME_BUFSZ], url[ID_MAX + 48];
    snprintf(full, sizeof full, "twitter:%s", id);
    snprintf(url, sizeof url, "https://twitter.com/i/web/status/%s", id);
    oc_time_format(ms, ts, sizeof ts);

    json_t *post = json_object();
    json_t *who = json_pack("{s:s, s:s}", "id", author, "handle", author);
    if (!post || !who) {
        json_decref(post);
        json_decref(who);
        free(text);
        return ig_reject(res, "internal", "out of memory");
    }
    int bad = 0;
    bad |= json_object_set_new(post, "schema", json_string(OC_POST_SCHEMA));
    bad |= json_object_set_new(post, "id", json_string(full));
    bad |= json_object_set_new(post, "platform", json_string("twitter"));
    bad |= json_object_set_new(post, "native_id", json_string(id));
    bad |= json_object_set_new(post, "direction", json_string(outbound ? "outbound" : "inbound"));
    bad |= json_object_set_new(post, "brand", json_string(outbound ? author : "unknown"));
    bad |= json_object_set_new(post, "author", who);
    bad |= json_object_set_new(post, "text", json_stringn(text, tlen));
    bad |= json_object_set_new(post, "created_at", json_string(ts));
    if (plen > 0) {
        char up[ID_MAX + 16];
        snprintf(up, sizeof up, "twitter:%s", parent);
        bad |= json_object_set_new(post, "in_reply_to", json_string(up));
    }
    bad |= json_object_set_new(post, "conversation", json_string(full));
    bad |= json_object_set_new(post, "url", json_string(url));
    bad |= json_object_set_new(post, "source", json_string("twcs-csv"));
    free(text);
    if (bad) {
        json_decref(post);
        return ig_reject(res, "internal", "out of memory building the post");
    }
    res->post = post;
    res->created_ms = ms;
    return 0;
}

const ig_format_t ig_format_twcs = {
    .name = "twcs",
    .help = "Customer Support on Twitter CSV (tweet_id,author_id,inbound,created_at,text,...)",
    .framing = IG_FRAME_CSV,
    .columns = columns,
    .thread_flags = IG_THREAD_CONVERSATION | IG_THREAD_BRAND,
    .parse = twcs_parse,
};
