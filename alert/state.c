/* state.c -- change tracking and a clock as JSON text, for the Redis state
 * (see store.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpost.h"
#include "grow.h"
#include "post.h"
#include "sla.h"

/* ---- change tracking --------------------------------------------------- */

int al_engine_track(al_engine_t *e)
{
    e->dirty.on = 1;
    return 0;
}

static uint32_t hash32(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

/* The slot holding case_id, or the empty slot where it would go. */
static size_t dirty_slot(const al_dirty_t *d, const char *case_id, uint32_t h)
{
    size_t mask = d->nslots - 1;
    size_t i = h & mask;
    while (d->slots[i] != 0) {
        const al_dirty_rec_t *r = &d->v[d->slots[i] - 1];
        if (r->hash == h && strcmp(d->strs.data + r->key, case_id) == 0)
            break;
        i = (i + 1) & mask;
    }
    return i;
}

static const al_dirty_rec_t *dirty_find(const al_dirty_t *d, const char *case_id)
{
    if (d->n == 0)
        return NULL;
    size_t i = dirty_slot(d, case_id, hash32(case_id));
    return d->slots[i] != 0 ? &d->v[d->slots[i] - 1] : NULL;
}

/* Rebuilds the index with twice the slots. Returns 0 or -1. */
static int dirty_grow(al_dirty_t *d)
{
    size_t n = d->nslots ? 2 * d->nslots : 64;
    uint32_t *slots = calloc(n, sizeof(*slots));
    if (slots == NULL)
        return -1;
    free(d->slots);
    d->slots = slots;
    d->nslots = n;
    for (size_t k = 0; k < d->n; k++)
        d->slots[dirty_slot(d, d->strs.data + d->v[k].key, d->v[k].hash)] = (uint32_t)(k + 1);
    return 0;
}

int al_dirty_mark(al_dirty_t *d, const char *case_id, int32_t p, const char *team)
{
    uint32_t h = hash32(case_id);
    if (d->n > 0 && d->slots[dirty_slot(d, case_id, h)] != 0)
        return 0;
    if (oc_grow(&d->v, &d->cap, d->n, sizeof(*d->v), 256) != 0)
        return -1;
    if ((d->n + 1) * 2 > d->nslots && dirty_grow(d) != 0)
        return -1;
    al_dirty_rec_t r = {.key = d->strs.len, .p = p, .hash = h};
    if (oc_buf_add(&d->strs, case_id, strlen(case_id) + 1) != 0)
        return -1;
    r.team = d->strs.len;
    if (oc_buf_add(&d->strs, team, strlen(team) + 1) != 0)
        return -1;
    d->v[d->n] = r;
    d->slots[dirty_slot(d, case_id, h)] = (uint32_t)(d->n + 1);
    d->n++;
    return 0;
}

void al_dirty_free(al_dirty_t *d)
{
    free(d->v);
    free(d->slots);
    oc_buf_free(&d->strs);
    memset(d, 0, sizeof(*d));
}

void al_engine_clean(al_engine_t *e)
{
    al_dirty_t *d = &e->dirty;
    if (d->n > 0)
        memset(d->slots, 0, d->nslots * sizeof(*d->slots));
    d->n = 0;
    d->strs.len = 0;
    e->dirty_oom = 0;
    for (size_t i = 0; i < e->nparts; i++)
        e->parts[i].dirty = 0;
}

size_t al_engine_dirty_count(const al_engine_t *e)
{
    return e->dirty.n;
}

const char *al_engine_dirty_case(const al_engine_t *e, size_t i, int32_t *p, const char **team)
{
    const al_dirty_rec_t *r = &e->dirty.v[i];
    *p = r->p;
    *team = e->dirty.strs.data + r->team;
    return e->dirty.strs.data + r->key;
}

const char *al_engine_dirty_team(const al_engine_t *e, const char *case_id)
{
    const al_dirty_rec_t *r = dirty_find(&e->dirty, case_id);
    return r != NULL ? e->dirty.strs.data + r->team : NULL;
}

al_clock_t *al_engine_find(const al_engine_t *e, const char *case_id)
{
    return al_map_get(&e->clocks, case_id);
}

int64_t al_clock_next_due(const al_clock_t *c)
{
    int64_t best = AL_NO_TIME;
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        if (c->due[k] == AL_NO_TIME || (c->fired & (1u << k)) != 0)
            continue;
        if (best == AL_NO_TIME || c->due[k] < best)
            best = c->due[k];
    }
    return best;
}

/* ---- JSON text (strings: oc_buf_json_str) ---------------------------------- */

size_t al_decimal(long long v, char out[AL_DECIMAL_MAX])
{
    char buf[AL_DECIMAL_MAX];
    char *p = buf + sizeof(buf);
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(buf + sizeof(buf) - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

int al_json_int(oc_buf_t *b, long long v)
{
    char buf[AL_DECIMAL_MAX];
    return oc_buf_add(b, buf, al_decimal(v, buf));
}

int al_json_member(oc_buf_t *b, const char *name, const char *s)
{
    return oc_buf_add(b, name, strlen(name)) != 0 ? -1 : oc_buf_json_str(b, s);
}

int al_event_summary(const al_event_t *ev, oc_buf_t *out)
{
    out->len = 0;
    int rc = al_json_member(out, "{\"id\":", ev->post_id) |
             al_json_member(out, ",\"author\":{\"id\":", ev->author_id);
    if (ev->handle != NULL)
        rc |= al_json_member(out, ",\"handle\":", ev->handle);
    if (ev->has_followers)
        rc |= oc_buf_add(out, ",\"followers\":", 13) | al_json_int(out, ev->followers);
    rc |= al_json_member(out, "},\"text\":", ev->text);
    if (ev->url != NULL)
        rc |= al_json_member(out, ",\"url\":", ev->url);
    rc |= oc_buf_add(out, "}", 1);
    return rc != 0 ? -1 : 0;
}

int al_clock_text(const al_clock_t *c, oc_buf_t *out)
{
    out->len = 0;
    int rc = al_json_member(out, "{\"case\":", c->case_id) |
             al_json_member(out, ",\"start\":", c->start_post) |
             al_json_member(out, ",\"brand\":", c->brand) |
             al_json_member(out, ",\"team\":", c->team) |
             al_json_member(out, ",\"priority\":", c->priority) | oc_buf_add(out, ",\"post\":", 8) |
             oc_buf_json_str(out, c->post) | oc_buf_add(out, ",\"opened\":", 10) |
             al_json_int(out, c->opened_ms) | oc_buf_add(out, ",\"target\":", 10) |
             al_json_int(out, c->target_ms) | oc_buf_add(out, ",\"due\":[", 8);
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        if (k > AL_WARNING)
            rc |= oc_buf_add(out, ",", 1);
        rc |= c->due[k] == AL_NO_TIME ? oc_buf_add(out, "null", 4) : al_json_int(out, c->due[k]);
    }
    rc |= oc_buf_add(out, "],\"fired\":", 10) | al_json_int(out, (int)c->fired) |
          oc_buf_add(out, "}", 1);
    return rc != 0 ? -1 : 0;
}

/* ---- clocks ----------------------------------------------------------- */

/* al_clock_set_strings() with the lengths given (without the NULs). */
static int set_strings(al_clock_t *c, const char *const src[6], const size_t n[6])
{
    char **dst[6] = {&c->case_id, &c->start_post, &c->brand, &c->team, &c->priority, &c->post};
    size_t total = 0;
    for (int i = 0; i < 6; i++)
        total += n[i] + 1;
    free(c->mem);
    c->mem = malloc(total);
    char *p = c->mem;
    for (int i = 0; i < 6; i++) {
        *dst[i] = p;
        if (p != NULL) {
            memcpy(p, src[i], n[i]);
            p[n[i]] = '\0';
            p += n[i] + 1;
        }
    }
    return c->mem != NULL ? 0 : -1;
}

int al_clock_set_strings(al_clock_t *c, const char *case_id, const char *start_post,
                         const char *brand, const char *team, const char *priority,
                         const char *post)
{
    const char *src[6] = {case_id, start_post, brand, team, priority, post};
    size_t len[6];
    for (int i = 0; i < 6; i++)
        len[i] = strlen(src[i]);
    return set_strings(c, src, len);
}

/* An integer, or a real whose value is one within +-2^53 ("1.0", "1e3"):
 * 1 with *out set, else 0. The cJSON path (exact_int) cannot tell 1.0 from
 * 1, so both read it alike (tests/fuzz/fuzz_alert_clock.c found them apart:
 * jansson refused a clock cJSON took). */
static int json_exact_int(const json_t *v, int64_t *out)
{
    if (json_is_integer(v)) {
        *out = json_integer_value(v);
        return 1;
    }
    double d = json_real_value(v);
    if (!json_is_real(v) || d < -9007199254740992.0 || d > 9007199254740992.0 ||
        (double)(int64_t)d != d)
        return 0;
    *out = (int64_t)d;
    return 1;
}

al_clock_t *al_clock_from_json(const json_t *j, int32_t partition, char *err, size_t errlen)
{
    const json_t *due = json_object_get(j, "due");
    const json_t *post = json_object_get(j, "post");
    int64_t opened, target, fired;
    if (!json_is_array(due) || json_array_size(due) != AL_KINDS - AL_WARNING ||
        !(json_is_object(post) || json_is_string(post)) ||
        !json_exact_int(json_object_get(j, "opened"), &opened) ||
        !json_exact_int(json_object_get(j, "target"), &target) ||
        !json_exact_int(json_object_get(j, "fired"), &fired)) {
        snprintf(err, errlen, "stored clock: missing or bad due/post/opened/target/fired");
        return NULL;
    }
    const char *s[5];
    static const char *const names[5] = {"case", "start", "brand", "team", "priority"};
    for (int i = 0; i < 5; i++) {
        s[i] = json_string_value(json_object_get(j, names[i]));
        if (s[i] == NULL) {
            snprintf(err, errlen, "stored clock: missing case/start/brand/team/priority");
            return NULL;
        }
    }
    /* "post" is the summary's JSON text in a string (al_clock_text), or,
     * as earlier versions wrote it, the object itself */
    json_t *obj = json_is_string(post)
                      ? json_loadb(json_string_value(post), json_string_length(post), 0, NULL)
                      : json_incref((json_t *)post);
    if (!json_is_object(obj)) {
        snprintf(err, errlen, "stored clock: \"post\" is not a JSON object");
        json_decref(obj);
        return NULL;
    }
    al_clock_t *c = calloc(1, sizeof(*c));
    /* the stored text as it is; an object printed as jansson prints it */
    char *dumped = json_is_string(post) ? NULL : oc_json_dumps(obj);
    const char *text = json_is_string(post) ? json_string_value(post) : dumped;
    json_decref(obj);
    if (c == NULL || text == NULL ||
        al_clock_set_strings(c, s[0], s[1], s[2], s[3], s[4], text) != 0) {
        snprintf(err, errlen, "out of memory");
        free(dumped);
        al_clock_free(c);
        return NULL;
    }
    free(dumped);
    c->partition = partition;
    c->opened_ms = opened;
    c->target_ms = target;
    c->fired = (unsigned)fired;
    c->due[AL_CRITICAL] = AL_NO_TIME;
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        int64_t d;
        c->due[k] =
            json_exact_int(json_array_get(due, (size_t)(k - AL_WARNING)), &d) ? d : AL_NO_TIME;
    }
    return c;
}

/* ---- a stored clock back, without jansson ------------------------------ */

/* Whether s[0..n) is surely a JSON object jansson would read (valid UTF-8,
 * nothing cJSON reads laxly, no repeated key, integers it can hold),
 * checked with cJSON in the arena: the test the stored "post" text passes
 * before it goes into alerts verbatim. 0 leaves the verdict to jansson. */
static int post_text_ok(const char *s, size_t n)
{
    cJSON *v = oc_fp_json_parse_exact(s, n);
    int ok = cJSON_IsObject(v);
    oc_fp_json_drop(v);
    return ok;
}

/* A number that is an integer within +-2^53 (exact in cJSON's double). */
static int exact_int(const cJSON *v, int64_t *out)
{
    if (!cJSON_IsNumber(v) || v->valuedouble < -9007199254740992.0 ||
        v->valuedouble > 9007199254740992.0)
        return 0;
    int64_t i = (int64_t)v->valuedouble;
    if ((double)i != v->valuedouble)
        return 0;
    *out = i;
    return 1;
}

/* The clock in s[0..len) read with cJSON in the arena when it has the form
 * al_clock_text writes ("post" a string holding the summary's JSON text),
 * else NULL (not out of memory: *oom) for the jansson path to judge. */
static al_clock_t *clock_fast(const char *s, size_t len, int32_t partition, int *oom)
{
    static const char *const names[6] = {"case", "start", "brand", "team", "priority", "post"};
    *oom = 0;
    cJSON *root = oc_fp_json_parse_exact(s, len);
    al_clock_t *c = NULL;
    if (!cJSON_IsObject(root))
        goto out;
    const cJSON *due = oc_fp_get(root, "due");
    int64_t opened, target, fired, dues[AL_KINDS - AL_WARNING];
    if (!cJSON_IsArray(due) || cJSON_GetArraySize(due) != AL_KINDS - AL_WARNING ||
        !exact_int(oc_fp_get(root, "opened"), &opened) ||
        !exact_int(oc_fp_get(root, "target"), &target) ||
        !exact_int(oc_fp_get(root, "fired"), &fired) || fired < 0 || fired > UINT_MAX)
        goto out;
    const cJSON *v = due->child;
    for (int k = 0; k < AL_KINDS - AL_WARNING; k++, v = v->next) {
        if (cJSON_IsNull(v))
            dues[k] = AL_NO_TIME;
        else if (!exact_int(v, &dues[k]))
            goto out;
    }
    const char *src[6];
    size_t n[6];
    for (int i = 0; i < 6; i++) {
        src[i] = oc_fp_str(root, names[i]);
        if (src[i] == NULL)
            goto out;
        n[i] = strlen(src[i]);
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL || set_strings(c, src, n) != 0) {
        al_clock_free(c);
        c = NULL;
        *oom = 1;
        goto out;
    }
    c->partition = partition;
    c->opened_ms = opened;
    c->target_ms = target;
    c->fired = (unsigned)fired;
    c->due[AL_CRITICAL] = AL_NO_TIME;
    for (int k = AL_WARNING; k < AL_KINDS; k++)
        c->due[k] = dues[k - AL_WARNING];
out:
    oc_fp_json_drop(root); /* before post_text_ok: the arena holds one tree */
    if (c != NULL && !post_text_ok(c->post, n[5])) {
        al_clock_free(c);
        c = NULL;
    }
    return c;
}

al_clock_t *al_clock_parse(const char *s, size_t len, int32_t partition, char *err, size_t errlen)
{
    int oom;
    al_clock_t *c = clock_fast(s, len, partition, &oom);
    if (c != NULL || oom) {
        if (oom)
            snprintf(err, errlen, "out of memory");
        return c;
    }
    /* Not in the form al_clock_text writes (an older writer's "post"
     * object, or not a clock): jansson reads it and gives the verdict. */
    json_error_t jerr;
    json_t *j = json_loadb(s, len, 0, &jerr);
    if (j == NULL) {
        snprintf(err, errlen, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    c = al_clock_from_json(j, partition, err, errlen);
    json_decref(j);
    return c;
}
