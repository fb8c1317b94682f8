/* platform.c -- brand accounts and the canonical post builder shared by the
 * platform formats (platform.h). */
#include "platform.h"
#include "post.h"
#include "text.h"
#include "timeutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define IG_MAX_BRAND_ACCOUNTS 1024

typedef struct ig_account {
    char *handle; /* account handle without '@'; owned */
    char *brand;  /* the brand it speaks for; owned */
} ig_account_t;

static ig_account_t accounts[IG_MAX_BRAND_ACCOUNTS]; /* the configured accounts */
static size_t naccounts;                              /* entries used */

void ig_brands_free(void)
{
    for (size_t i = 0; i < naccounts; i++) {
        free(accounts[i].handle);
        free(accounts[i].brand);
    }
    naccounts = 0;
}

size_t ig_brands_count(void)
{
    return naccounts;
}

/* s[0..len) without surrounding blanks, as a malloc'd string (NULL: empty or OOM). */
static char *trim_dup(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) {
        len--;
    }
    return len ? strndup(s, len) : NULL;
}

/* Reads a whole small file into a malloc'd string. */
static char *slurp(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "brand accounts file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(1024 * 1024 + 1);
    size_t n = buf ? fread(buf, 1, 1024 * 1024, f) : 0;
    int bad = !buf || ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "brand accounts file %s: unreadable or over 1 MiB", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

/* One "brand:h1,h2" entry. */
static int add_entry(const char *s, size_t len, char *err, size_t errlen)
{
    const char *colon = memchr(s, ':', len);
    char *brand = colon ? trim_dup(s, (size_t)(colon - s)) : NULL;
    if (!brand) {
        snprintf(err, errlen, "brand accounts: '%.*s' is not brand:handle1,handle2", (int)len, s);
        return -1;
    }
    const char *p = colon + 1, *end = s + len;
    int added = 0;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        char *h = trim_dup(p, (size_t)(stop - p));
        if (h) {
            if (naccounts == IG_MAX_BRAND_ACCOUNTS) {
                free(h);
                free(brand);
                snprintf(err, errlen, "brand accounts: more than %d handles",
                         IG_MAX_BRAND_ACCOUNTS);
                return -1;
            }
            char *at = h[0] == '@' ? strdup(h + 1) : strdup(h);
            char *b = strdup(brand);
            free(h);
            if (!at || !b || !at[0]) {
                free(at);
                free(b);
                free(brand);
                snprintf(err, errlen, "brand accounts: empty handle for brand");
                return -1;
            }
            accounts[naccounts++] = (ig_account_t){.handle = at, .brand = b};
            added++;
        }
        p = stop + 1;
    }
    free(brand);
    if (!added) {
        snprintf(err, errlen, "brand accounts: brand '%.*s' has no handles", (int)len, s);
        return -1;
    }
    return 0;
}

int ig_brands_set(const char *spec, char *err, size_t errlen)
{
    ig_brands_free();
    char *owned = NULL;
    if (spec[0] == '/' || strncmp(spec, "./", 2) == 0) {
        owned = slurp(spec, err, errlen);
        if (!owned) {
            return -1;
        }
        spec = owned;
    }
    int rc = 0;
    const char *p = spec;
    while (*p) {
        size_t n = strcspn(p, ";\n");
        size_t content = n;
        const char *hash = memchr(p, '#', n);
        if (hash) {
            content = (size_t)(hash - p);
        }
        char *t = trim_dup(p, content);
        if (t) {
            rc = add_entry(t, strlen(t), err, errlen);
            free(t);
            if (rc != 0) {
                break;
            }
        }
        p += n;
        if (*p) {
            p++;
        }
    }
    free(owned);
    if (rc != 0) {
        ig_brands_free();
    }
    return rc;
}

const char *ig_brand_of(const char *handle, size_t len)
{
    if (!handle) {
        return NULL;
    }
    if (len > 0 && handle[0] == '@') {
        handle++;
        len--;
    }
    for (size_t i = 0; i < naccounts; i++) {
        if (strlen(accounts[i].handle) == len && strncasecmp(accounts[i].handle, handle, len) == 0) {
            return accounts[i].brand;
        }
    }
    return NULL;
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
    const char *b = s->reply_to_handle ? ig_brand_of(s->reply_to_handle, strlen(s->reply_to_handle))
                                       : NULL;
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
