/* post.c -- the canonical post: validation and accessors. */
#include "post.h"

#include <stdio.h>
#include <string.h>

#include "timeutil.h"

static int fail(char *err, size_t errlen, const char *fmt, const char *field)
{
    if (err && errlen) {
        snprintf(err, errlen, fmt, field);
    }
    return -1;
}

/* A required non-empty string field. */
static int need_string(const json_t *obj, const char *field, const char *path, char *err,
                       size_t errlen)
{
    const json_t *v = json_object_get(obj, field);
    if (!v || json_is_null(v)) {
        return fail(err, errlen, "missing required field '%s'", path);
    }
    if (!json_is_string(v)) {
        return fail(err, errlen, "field '%s' must be a string", path);
    }
    if (json_string_length(v) == 0) {
        return fail(err, errlen, "field '%s' must not be empty", path);
    }
    return 0;
}

/* An optional field that, when present and not null, must be a string. */
static int opt_string(const json_t *obj, const char *field, const char *path, char *err,
                      size_t errlen)
{
    const json_t *v = json_object_get(obj, field);
    if (v && !json_is_null(v) && !json_is_string(v)) {
        return fail(err, errlen, "field '%s' must be a string or null", path);
    }
    return 0;
}

int oc_post_validate(const json_t *post, char *err, size_t errlen)
{
    if (!json_is_object(post)) {
        return fail(err, errlen, "a post must be a JSON object%s", "");
    }
    if (need_string(post, "schema", "schema", err, errlen) < 0) {
        return -1;
    }
    if (strcmp(oc_post_str(post, "schema"), OC_POST_SCHEMA) != 0) {
        return fail(err, errlen, "field 'schema' must be \"%s\"", OC_POST_SCHEMA);
    }
    static const char *const required[] = {"id", "platform", "direction", "brand", "created_at"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (need_string(post, required[i], required[i], err, errlen) < 0) {
            return -1;
        }
    }
    const char *dir = oc_post_str(post, "direction");
    if (strcmp(dir, "inbound") != 0 && strcmp(dir, "outbound") != 0) {
        return fail(err, errlen, "field 'direction' must be \"inbound\" or \"outbound\"%s", "");
    }
    const json_t *author = json_object_get(post, "author");
    if (!author || json_is_null(author)) {
        return fail(err, errlen, "missing required field '%s'", "author");
    }
    if (!json_is_object(author)) {
        return fail(err, errlen, "field '%s' must be an object", "author");
    }
    if (need_string(author, "id", "author.id", err, errlen) < 0) {
        return -1;
    }
    if (opt_string(author, "handle", "author.handle", err, errlen) < 0) {
        return -1;
    }
    const json_t *followers = json_object_get(author, "followers");
    if (followers && !json_is_null(followers) &&
        (!json_is_integer(followers) || json_integer_value(followers) < 0)) {
        return fail(err, errlen, "field '%s' must be a non-negative integer", "author.followers");
    }
    const json_t *verified = json_object_get(author, "verified");
    if (verified && !json_is_null(verified) && !json_is_boolean(verified)) {
        return fail(err, errlen, "field '%s' must be true or false", "author.verified");
    }
    const json_t *text = json_object_get(post, "text");
    if (!text || json_is_null(text)) {
        return fail(err, errlen, "missing required field '%s'", "text");
    }
    if (!json_is_string(text)) {
        return fail(err, errlen, "field '%s' must be a string", "text");
    }
    if (json_string_length(text) > OC_POST_MAX_TEXT) {
        if (err && errlen) {
            snprintf(err, errlen, "field 'text' is %zu bytes; the limit is %d",
                     json_string_length(text), OC_POST_MAX_TEXT);
        }
        return -1;
    }
    if (strlen(json_string_value(text)) != json_string_length(text)) {
        return fail(err, errlen, "field '%s' must not contain NUL characters", "text");
    }
    int64_t ms;
    if (oc_time_parse(oc_post_str(post, "created_at"), &ms) < 0) {
        return fail(err, errlen, "field '%s' must be an RFC 3339 timestamp", "created_at");
    }
    static const char *const optional[] = {"in_reply_to", "conversation", "lang",
                                           "url",         "source",       "native_id"};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++) {
        if (opt_string(post, optional[i], optional[i], err, errlen) < 0) {
            return -1;
        }
    }
    return 0;
}

json_t *oc_post_parse(const char *buf, size_t len, char *err, size_t errlen)
{
    if (len > OC_POST_MAX_MESSAGE) {
        if (err && errlen) {
            snprintf(err, errlen, "message is %zu bytes; the limit is %d", len,
                     OC_POST_MAX_MESSAGE);
        }
        return NULL;
    }
    json_error_t jerr;
    json_t *post = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!post) {
        if (err && errlen) {
            snprintf(err, errlen, "invalid JSON at line %d column %d: %s", jerr.line,
                     jerr.column, jerr.text);
        }
        return NULL;
    }
    if (oc_post_validate(post, err, errlen) < 0) {
        json_decref(post);
        return NULL;
    }
    return post;
}

const char *oc_post_str(const json_t *post, const char *field)
{
    return json_string_value(json_object_get(post, field));
}

const char *oc_post_id(const json_t *post)
{
    return oc_post_str(post, "id");
}

const char *oc_post_conversation(const json_t *post)
{
    const char *c = oc_post_str(post, "conversation");
    return (c && *c) ? c : oc_post_id(post);
}

int oc_post_is_outbound(const json_t *post)
{
    const char *d = oc_post_str(post, "direction");
    return d && strcmp(d, "outbound") == 0;
}

char *oc_json_dumps(const json_t *value)
{
    /* 15 significant digits: 0.953 prints as 0.953, not 0.95299999999999996 */
    return json_dumps(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY |
                                 JSON_REAL_PRECISION(15));
}
