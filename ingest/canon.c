/* canon.c -- the fast path's recogniser of canonical posts (canon.h): a
 * post common/fastpost.h parsed and validated, plus the normal-form checks
 * that let it keep its bytes. */
#include "canon.h"

#include <stdlib.h>
#include <string.h>

#include "fastpost.h"
#include "post.h"
#include "text.h"
#include "timeutil.h"

/* text in NFC: ASCII always is; other text is normalised and compared. */
static int text_nfc(const char *t, size_t n)
{
    size_t i = 0;
    while (i < n && (unsigned char)t[i] < 0x80) {
        i++;
    }
    if (i == n) {
        return 1;
    }
    size_t m = 0;
    char *nfc = ig_nfc(t, n, &m);
    int same = nfc && m == n && memcmp(nfc, t, n) == 0;
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
static int utc_form(const char *s)
{
    size_t n = strlen(s);
    if ((n != 20 && n != 24) || s[10] != 'T' || s[n - 1] != 'Z' || s[17] > '5') {
        return 0;
    }
    return n == 20 || (s[19] == '.' && digits(s + 20, 3) && memcmp(s + 20, "000", 3) != 0);
}

/* id is "<platform>:<native_id>" (with native_id as the post gives it, when
 * it does). */
static int id_form(const char *id, const char *platform, const char *native)
{
    size_t pn = strlen(platform);
    if (strncmp(id, platform, pn) != 0 || id[pn] != ':' || id[pn + 1] == '\0') {
        return 0;
    }
    return native == NULL || strcmp(id + pn + 1, native) == 0;
}

/* Copies a string value that needs no escaping into buf as a span. Returns
 * 0, or -1 when it is too long or would need escaping. */
static int keep(const char *v, char *buf, ig_span_t *out)
{
    size_t n = strlen(v);
    if (n >= IG_CANON_STR_MAX) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch < 0x20 || ch == '"' || ch == '\\') {
            return -1;
        }
    }
    memcpy(buf, v, n + 1);
    *out = (ig_span_t){.p = buf, .n = n};
    return 0;
}

/* The checks on a valid post; 1 when the fast path may take it. */
static int canonical(const oc_fpost_t *p, ig_canon_t *c)
{
    const cJSON *r = p->root;
    /* envelopes ({"data": ...}, {"tweet_create_events": ...}) go to ig_json_each */
    if (oc_fp_get(r, "data") || oc_fp_get(r, "tweet_create_events")) {
        return 0;
    }
    const char *created = oc_fp_str(r, "created_at");
    if (!utc_form(created) || oc_time_parse(created, &c->created_ms) != 0 ||
        !id_form(p->id, oc_fp_str(r, "platform"), oc_fp_str(r, "native_id")) ||
        !text_nfc(p->text, p->text_len) || keep(p->id, c->str[0], &c->id) != 0) {
        return 0;
    }
    /* what the jsonl format adds, and thread resolution reads */
    const cJSON *source = oc_fp_get(r, "source");
    const cJSON *conv = oc_fp_get(r, "conversation");
    const cJSON *up = oc_fp_get(r, "in_reply_to");
    if ((source && !cJSON_IsString(source)) || (conv && !cJSON_IsString(conv)) ||
        (up && !cJSON_IsNull(up) && !cJSON_IsString(up))) {
        return 0;
    }
    c->in_reply_to = (ig_span_t){NULL, 0};
    c->conversation = (ig_span_t){NULL, 0};
    if ((cJSON_IsString(up) && keep(up->valuestring, c->str[1], &c->in_reply_to) != 0) ||
        (conv && (conv->valuestring[0] == '\0' ||
                  keep(conv->valuestring, c->str[2], &c->conversation) != 0))) {
        return 0;
    }
    c->obj = p->bytes;
    c->len = p->len;
    c->has_source = source != NULL;
    c->has_ingested = oc_fp_get(r, "ingested_at") != NULL;
    return 1;
}

int ig_canon_scan(const char *line, size_t len, ig_canon_t *c)
{
    oc_fpost_t p;
    const char *code;
    char err[8];             /* a refusal is the jansson path's to explain */
    oc_fp_strict_numbers(1); /* ingest is the input boundary: refuse what jansson does */
    if (oc_fp_parse(&p, line, len, &code, err, sizeof err) != 0) {
        return 0;
    }
    int ok = canonical(&p, c);
    oc_fp_free(&p);
    return ok;
}
