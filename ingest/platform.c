/* platform.c -- brand accounts and the canonical post builder shared by the
 * platform formats (platform.h). */
#include "platform.h"
#include "brands.h"
#include "post.h"
#include "text.h"
#include "timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The configured accounts; set once before parsing, read-only afterwards. */
static oc_brands_t brands;

void ig_brands_free(void)
{
    oc_brands_free(&brands);
}

size_t ig_brands_count(void)
{
    return brands.n;
}

int ig_brands_set(const char *spec, char *err, size_t errlen)
{
    oc_brands_free(&brands);
    return oc_brands_parse(&brands, spec, err, errlen);
}

const char *ig_brand_of(const char *handle, size_t len)
{
    return oc_brands_brand_of(&brands, handle, len);
}

const char *ig_json_id(const json_t *obj, const char *key, char *buf, size_t size)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < size) {
        memcpy(buf, json_string_value(v), json_string_length(v) + 1);
        return memchr(buf, '\0', json_string_length(v)) ? NULL : buf;
    }
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    }
    return NULL;
}

/* The brand of an inbound post: whom it answers, else its first @mention of
 * a brand account. */
static const char *inbound_brand(const ig_src_post_t *s, const char *text, size_t len)
{
    const char *b =
        s->reply_to_handle ? ig_brand_of(s->reply_to_handle, strlen(s->reply_to_handle)) : NULL;
    size_t pos = 0;
    const char *name;
    size_t namelen;
    while (!b && ig_mention_next(text, len, &pos, &name, &namelen)) {
        b = ig_brand_of(name, namelen);
    }
    return b ? b : "unknown";
}

int ig_post_build(const ig_src_post_t *s, ig_result_t *res)
{
    char buf[IG_REASON_MAX];
    const char *code = NULL;
    size_t tlen = 0;
    char *text = ig_text_clean(s->text, s->text_len, &tlen, &code, buf, sizeof buf);
    if (!text) {
        return ig_reject(res, code, "text: %s", buf);
    }
    if (ig_text_blank(text, tlen)) {
        free(text);
        return ig_reject(res, "empty_text", "text is empty");
    }
    const char *brand = NULL;
    if (s->handle) {
        brand = ig_brand_of(s->handle, strlen(s->handle));
    }
    if (!brand) {
        brand = ig_brand_of(s->author_id, strlen(s->author_id));
    }
    int outbound = brand != NULL;
    if (!outbound) {
        brand = inbound_brand(s, text, tlen);
    }
    char id[160], ts[OC_TIME_BUFSZ];
    snprintf(id, sizeof id, "%s:%s", s->platform, s->native_id);
    oc_time_format(s->created_ms, ts, sizeof ts);
    json_t *post = json_object();
    json_t *who = json_pack("{s:s}", "id", s->author_id);
    if (!post || !who) {
        json_decref(post);
        json_decref(who);
        free(text);
        return ig_reject(res, "internal", "out of memory");
    }
    int bad = 0;
    if (s->handle) {
        bad |= json_object_set_new(who, "handle", json_string(s->handle));
    }
    if (s->name) {
        bad |= json_object_set_new(who, "name", json_string(s->name));
    }
    if (json_is_integer(s->followers)) {
        bad |= json_object_set(who, "followers", s->followers);
    }
    bad |= json_object_set_new(post, "schema", json_string(OC_POST_SCHEMA));
    bad |= json_object_set_new(post, "id", json_string(id));
    bad |= json_object_set_new(post, "platform", json_string(s->platform));
    bad |= json_object_set_new(post, "native_id", json_string(s->native_id));
    bad |= json_object_set_new(post, "direction", json_string(outbound ? "outbound" : "inbound"));
    bad |= json_object_set_new(post, "brand", json_string(brand));
    bad |= json_object_set_new(post, "author", who);
    bad |= json_object_set_new(post, "text", json_stringn(text, tlen));
    if (s->lang) {
        bad |= json_object_set_new(post, "lang", json_string(s->lang));
    }
    bad |= json_object_set_new(post, "created_at", json_string(ts));
    if (s->reply_to) {
        char up[160];
        snprintf(up, sizeof up, "%s:%s", s->platform, s->reply_to);
        bad |= json_object_set_new(post, "in_reply_to", json_string(up));
    }
    if (s->conversation) {
        char conv[160];
        snprintf(conv, sizeof conv, "%s:%s", s->platform, s->conversation);
        bad |= json_object_set_new(post, "conversation", json_string(conv));
    }
    if (s->url) {
        bad |= json_object_set_new(post, "url", json_string(s->url));
    }
    if (s->repost) {
        bad |= json_object_set_new(post, "repost", json_true());
    }
    bad |= json_object_set_new(post, "source", json_string(s->source));
    free(text);
    if (bad) {
        json_decref(post);
        return ig_reject(res, "invalid_field",
                         "a field is not valid UTF-8 or out of memory building the post");
    }
    res->post = post;
    res->created_ms = s->created_ms;
    return 0;
}
