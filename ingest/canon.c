/* canon.c -- the fast path's recogniser of canonical posts (canon.h): the
 * rules of oc_post_validate over what jscan.c found, plus the normal-form
 * checks that let a post keep its bytes. */
#include "canon.h"

#include <stdlib.h>
#include <string.h>

#include "jscan.h"
#include "post.h"
#include "text.h"
#include "timeutil.h"

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The member named name, or NULL. */
static const ig_jval_t *get(const ig_jmember_t *m, size_t n, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++) {
        if (m[i].klen == len && memcmp(m[i].key, name, len) == 0) {
            return &m[i].v;
        }
    }
    return NULL;
}

static int absent_or_null(const ig_jval_t *v)
{
    return !v || v->kind == IG_JNULL;
}

/* oc_post_validate's "required non-empty string". */
static int nonempty(const ig_jval_t *v)
{
    return v && v->kind == IG_JSTRING && v->dlen > 0;
}

/* A required string the fast path reads as bytes: non-empty, escape-free. */
static int plain(const ig_jval_t *v)
{
    return nonempty(v) && !v->esc;
}

static int is(const ig_jval_t *v, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(v->end - v->start) == n && memcmp(v->start, word, n) == 0;
}

static ig_span_t span(const ig_jval_t *v)
{
    return (ig_span_t){.p = v->start, .n = (size_t)(v->end - v->start)};
}

/* author: an object with a non-empty string id, and handle, followers and
 * verified of the right types when present. */
static int author_ok(const ig_jval_t *a)
{
    if (!a || a->kind != IG_JOBJECT) {
        return 0;
    }
    ig_jmember_t m[IG_JSCAN_MAX_KEYS];
    size_t n = 0;
    if (!ig_jscan_object(a->start, a->end, 2, m, &n)) {
        return 0;
    }
    const ig_jval_t *id = get(m, n, "id");
    const ig_jval_t *handle = get(m, n, "handle");
    const ig_jval_t *followers = get(m, n, "followers");
    const ig_jval_t *verified = get(m, n, "verified");
    return nonempty(id) && (absent_or_null(handle) || handle->kind == IG_JSTRING) &&
           (absent_or_null(followers) || (followers->kind == IG_JNUMBER && followers->nat)) &&
           (absent_or_null(verified) || verified->kind == IG_JTRUE || verified->kind == IG_JFALSE);
}

/* ---- already in the form a normaliser would give --------------------------- */

/* text in NFC: ASCII always is; other text is normalised and compared (an
 * escaped non-ASCII character sends the post the slow way). */
static int text_nfc(const ig_jval_t *t)
{
    if (!t->wide) {
        return 1;
    }
    if (t->esc) {
        return 0;
    }
    size_t n = (size_t)(t->end - t->start), m = 0;
    char *nfc = ig_nfc(t->start, n, &m);
    int same = nfc && m == n && memcmp(nfc, t->start, n) == 0;
    free(nfc);
    return same;
}

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

/* created_at (which oc_time_parse took) written as oc_time_format writes
 * it: UTC, 'T' and 'Z', no leap second, milliseconds only when not zero:
 * "2020-01-01T00:00:00Z" or "2020-01-01T00:00:00.250Z". */
static int utc_form(const char *s, size_t n)
{
    if ((n != 20 && n != 24) || s[10] != 'T' || s[n - 1] != 'Z' || s[17] > '5') {
        return 0;
    }
    return n == 20 || (s[19] == '.' && digits(s + 20, 3) && memcmp(s + 20, "000", 3) != 0);
}

/* id is "<platform>:<native_id>" (with native_id as the post gives it, when
 * it does). */
static int id_form(const ig_jval_t *id, const ig_jval_t *platform, const ig_jval_t *native)
{
    size_t in = (size_t)(id->end - id->start), pn = (size_t)(platform->end - platform->start);
    if (platform->esc || in <= pn + 1 || memcmp(id->start, platform->start, pn) != 0 ||
        id->start[pn] != ':') {
        return 0;
    }
    if (absent_or_null(native)) {
        return 1;
    }
    size_t nn = (size_t)(native->end - native->start);
    return !native->esc && in == pn + 1 + nn && memcmp(id->start + pn + 1, native->start, nn) == 0;
}

int ig_canon_scan(const char *line, size_t len, ig_canon_t *c)
{
    const char *open = line, *end = line + len;
    while (open < end && is_ws(*open)) {
        open++;
    }
    ig_jmember_t m[IG_JSCAN_MAX_KEYS];
    size_t n = 0;
    const char *close = ig_jscan_object(open, end, 1, m, &n);
    if (!close) {
        return 0;
    }
    for (const char *p = close; p < end; p++) {
        if (!is_ws(*p)) {
            return 0;
        }
    }
    /* envelopes ({"data": ...}, {"tweet_create_events": ...}) go to ig_json_each */
    if (get(m, n, "data") || get(m, n, "tweet_create_events")) {
        return 0;
    }
    const ig_jval_t *schema = get(m, n, "schema");
    const ig_jval_t *id = get(m, n, "id");
    const ig_jval_t *direction = get(m, n, "direction");
    const ig_jval_t *created = get(m, n, "created_at");
    const ig_jval_t *text = get(m, n, "text");
    const ig_jval_t *platform = get(m, n, "platform");
    if (!plain(schema) || !is(schema, OC_POST_SCHEMA) || !plain(id) || !nonempty(platform) ||
        !nonempty(get(m, n, "brand")) || !plain(direction) ||
        !(is(direction, "inbound") || is(direction, "outbound")) || !plain(created) || !text ||
        text->kind != IG_JSTRING || text->dlen > OC_POST_MAX_TEXT ||
        !author_ok(get(m, n, "author"))) {
        return 0;
    }
    static const char *const optional[] = {"lang", "url", "native_id"};
    for (size_t i = 0; i < sizeof optional / sizeof optional[0]; i++) {
        const ig_jval_t *v = get(m, n, optional[i]);
        if (!absent_or_null(v) && v->kind != IG_JSTRING) {
            return 0;
        }
    }
    /* the fast path keeps the post's bytes: only when they already are in
     * the form a normaliser would give (a post that is not goes the jansson
     * way, which does whatever the jsonl format does with it) */
    size_t tlen = (size_t)(created->end - created->start);
    if (!utc_form(created->start, tlen) || !id_form(id, platform, get(m, n, "native_id")) ||
        !text_nfc(text)) {
        return 0;
    }
    char ts[48];
    memcpy(ts, created->start, tlen);
    ts[tlen] = '\0';
    if (oc_time_parse(ts, &c->created_ms) != 0) {
        return 0;
    }
    /* what the jsonl format adds, and thread resolution reads */
    const ig_jval_t *source = get(m, n, "source");
    const ig_jval_t *conv = get(m, n, "conversation");
    const ig_jval_t *up = get(m, n, "in_reply_to");
    if ((source && source->kind != IG_JSTRING) || (conv && !plain(conv)) ||
        (up && up->kind != IG_JNULL && (up->kind != IG_JSTRING || up->esc))) {
        return 0;
    }
    c->obj = open;
    c->len = (size_t)(close - open);
    c->id = span(id);
    c->in_reply_to = up && up->kind == IG_JSTRING ? span(up) : (ig_span_t){NULL, 0};
    c->conversation = conv ? span(conv) : (ig_span_t){NULL, 0};
    c->has_source = source != NULL;
    c->has_ingested = get(m, n, "ingested_at") != NULL;
    return 1;
}

size_t ig_json_escape(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            *o++ = '\\';
            *o++ = (char)ch;
        } else if (ch >= 0x20) {
            *o++ = (char)ch;
        } else if (ch == '\n' || ch == '\t' || ch == '\r' || ch == '\b' || ch == '\f') {
            *o++ = '\\';
            *o++ = ch == '\n' ? 'n' : ch == '\t' ? 't' : ch == '\r' ? 'r' : ch == '\b' ? 'b' : 'f';
        } else {
            memcpy(o, "\\u00", 4);
            o[4] = hex[ch >> 4];
            o[5] = hex[ch & 15];
            o += 6;
        }
    }
    return (size_t)(o - out);
}
