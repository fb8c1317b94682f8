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

/* The jansson side of oc_post_tree_t. */
static const void *jt_get(const void *obj, const char *key)
{
    return json_is_object((const json_t *)obj) ? json_object_get(obj, key) : NULL;
}

static oc_jkind_t jt_kind(const void *v)
{
    const json_t *j = v;
    if (!j) {
        return OC_JK_ABSENT;
    }
    switch (json_typeof(j)) {
    case JSON_NULL:
        return OC_JK_NULL;
    case JSON_STRING:
        return OC_JK_STRING;
    case JSON_INTEGER:
        return OC_JK_INTEGER;
    case JSON_TRUE:
    case JSON_FALSE:
        return OC_JK_BOOL;
    case JSON_OBJECT:
        return OC_JK_OBJECT;
    default:
        return OC_JK_OTHER;
    }
}

static const char *jt_str(const void *v, size_t *len)
{
    *len = json_string_length(v);
    return json_string_value(v);
}

static long long jt_int(const void *v)
{
    return (long long)json_integer_value(v);
}

static const oc_post_tree_t jansson_tree = {jt_get, jt_kind, jt_str, jt_int};

/* A required non-empty string field. */
static int need_string(const oc_post_tree_t *t, const void *obj, const char *field,
                       const char *path, char *err, size_t errlen)
{
    const void *v = t->get(obj, field);
    oc_jkind_t k = t->kind(v);
    size_t len;
    if (k == OC_JK_ABSENT || k == OC_JK_NULL) {
        return fail(err, errlen, "missing required field '%s'", path);
    }
    if (k != OC_JK_STRING) {
        return fail(err, errlen, "field '%s' must be a string", path);
    }
    t->str(v, &len);
    if (len == 0) {
        return fail(err, errlen, "field '%s' must not be empty", path);
    }
    return 0;
}

/* An optional field that, when present and not null, must be a string. */
static int opt_string(const oc_post_tree_t *t, const void *obj, const char *field, const char *path,
                      char *err, size_t errlen)
{
    oc_jkind_t k = t->kind(t->get(obj, field));
    if (k != OC_JK_ABSENT && k != OC_JK_NULL && k != OC_JK_STRING) {
        return fail(err, errlen, "field '%s' must be a string or null", path);
    }
    return 0;
}

static const char *tree_str(const oc_post_tree_t *t, const void *obj, const char *field)
{
    size_t len;
    const void *v = t->get(obj, field);
    return t->kind(v) == OC_JK_STRING ? t->str(v, &len) : NULL;
}

int oc_post_validate_tree(const oc_post_tree_t *t, const void *post, char *err, size_t errlen)
{
    if (t->kind(post) != OC_JK_OBJECT) {
        return fail(err, errlen, "a post must be a JSON object%s", "");
    }
    if (need_string(t, post, "schema", "schema", err, errlen) < 0) {
        return -1;
    }
    if (strcmp(tree_str(t, post, "schema"), OC_POST_SCHEMA) != 0) {
        return fail(err, errlen, "field 'schema' must be \"%s\"", OC_POST_SCHEMA);
    }
    static const char *const required[] = {"id", "platform", "direction", "brand", "created_at"};
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        if (need_string(t, post, required[i], required[i], err, errlen) < 0) {
            return -1;
        }
    }
    const char *dir = tree_str(t, post, "direction");
    if (strcmp(dir, "inbound") != 0 && strcmp(dir, "outbound") != 0) {
        return fail(err, errlen, "field 'direction' must be \"inbound\" or \"outbound\"%s", "");
    }
    const void *author = t->get(post, "author");
    oc_jkind_t ak = t->kind(author);
    if (ak == OC_JK_ABSENT || ak == OC_JK_NULL) {
        return fail(err, errlen, "missing required field '%s'", "author");
    }
    if (ak != OC_JK_OBJECT) {
        return fail(err, errlen, "field '%s' must be an object", "author");
    }
    if (need_string(t, author, "id", "author.id", err, errlen) < 0) {
        return -1;
    }
    if (opt_string(t, author, "handle", "author.handle", err, errlen) < 0) {
        return -1;
    }
    const void *followers = t->get(author, "followers");
    oc_jkind_t fk = t->kind(followers);
    if (fk != OC_JK_ABSENT && fk != OC_JK_NULL &&
        (fk != OC_JK_INTEGER || t->integer(followers) < 0)) {
        return fail(err, errlen, "field '%s' must be a non-negative integer", "author.followers");
    }
    oc_jkind_t vk = t->kind(t->get(author, "verified"));
    if (vk != OC_JK_ABSENT && vk != OC_JK_NULL && vk != OC_JK_BOOL) {
        return fail(err, errlen, "field '%s' must be true or false", "author.verified");
    }
    const void *text = t->get(post, "text");
    oc_jkind_t tk = t->kind(text);
    if (tk == OC_JK_ABSENT || tk == OC_JK_NULL) {
        return fail(err, errlen, "missing required field '%s'", "text");
    }
    if (tk != OC_JK_STRING) {
        return fail(err, errlen, "field '%s' must be a string", "text");
    }
    size_t tlen;
    const char *tval = t->str(text, &tlen);
    if (tlen > OC_POST_MAX_TEXT) {
        if (err && errlen) {
            snprintf(err, errlen, "field 'text' is %zu bytes; the limit is %d", tlen,
                     OC_POST_MAX_TEXT);
        }
        return -1;
    }
    if (strlen(tval) != tlen) {
        return fail(err, errlen, "field '%s' must not contain NUL characters", "text");
    }
    int64_t ms;
    if (oc_time_parse(tree_str(t, post, "created_at"), &ms) < 0) {
        return fail(err, errlen, "field '%s' must be an RFC 3339 timestamp", "created_at");
    }
    static const char *const optional[] = {"in_reply_to", "conversation", "lang",
                                           "url",         "source",       "native_id"};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++) {
        if (opt_string(t, post, optional[i], optional[i], err, errlen) < 0) {
            return -1;
        }
    }
    return 0;
}

int oc_post_validate(const json_t *post, char *err, size_t errlen)
{
    return oc_post_validate_tree(&jansson_tree, post, err, errlen);
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
            snprintf(err, errlen, "invalid JSON at line %d column %d: %s", jerr.line, jerr.column,
                     jerr.text);
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

/* 15 significant digits: 0.953 prints as 0.953, not 0.95299999999999996 */
#define DUMP_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15))

char *oc_json_dumps(const json_t *value)
{
    return json_dumps(value, DUMP_FLAGS);
}

size_t oc_json_size(const json_t *value)
{
    return json_dumpb(value, NULL, 0, DUMP_FLAGS);
}

size_t oc_json_size_bound(const json_t *value)
{
    size_t n = 2, i;
    const char *key;
    json_t *v;
    switch (json_typeof(value)) {
    case JSON_OBJECT:
        json_object_foreach((json_t *)value, key, v)
        {
            n += 6 * strlen(key) + 4 + oc_json_size_bound(v); /* "key":v, */
        }
        return n;
    case JSON_ARRAY:
        json_array_foreach(value, i, v)
        {
            n += 1 + oc_json_size_bound(v);
        }
        return n;
    case JSON_STRING:
        return 6 * json_string_length(value) + 2; /* \u00XX each */
    default:
        return 32; /* a number as printed (at most 24), true, false, null */
    }
}
