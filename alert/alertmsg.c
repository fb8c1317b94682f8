/* alertmsg.c -- outcry.alert/v1 alerts as JSON text, and their ids.
 *
 * An alert is written once and then only published, so it is written as
 * text into the batch's buffer, like the clocks stored in Redis (state.c),
 * rather than built as a jansson tree and serialised: building, dumping and
 * freeing the tree was alert's largest cost (docs/alert.md, "Cost"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sla.h"
#include "grow.h"
#include "sha256.h"
#include "timeutil.h"

#define AL_ALERT_SCHEMA "outcry.alert/v1"

int al_alert_id(const char *type, const char *case_id, const char *start_post, char out[33])
{
    uint8_t md[OC_SHA256_LEN];
    char hex[2 * OC_SHA256_LEN + 1];
    oc_sha256_t sha;
    (void)oc_sha256_init(&sha); /* a failure is reported by final */
    oc_sha256_update(&sha, type, strlen(type));
    oc_sha256_update(&sha, "|", 1);
    oc_sha256_update(&sha, case_id, strlen(case_id));
    oc_sha256_update(&sha, "|", 1);
    oc_sha256_update(&sha, start_post, strlen(start_post));
    if (oc_sha256_final(&sha, md) != 0)
        return -1;
    oc_sha256_hex(md, hex);
    memcpy(out, hex, 32); /* the first 16 bytes of the digest */
    out[32] = '\0';
    return 0;
}

/* Seconds as jansson writes them: an integer when whole, else a real with
 * 15 significant digits (oc_json_dumps's JSON_REAL_PRECISION(15)) and a '.'
 * always. A fractional target is at most a year (event.c), so "%.15g"
 * never turns to an exponent here. */
static int json_seconds(oc_buf_t *b, int64_t ms)
{
    if (ms % 1000 == 0)
        return al_json_int(b, ms / 1000);
    char buf[40];
    int n = snprintf(buf, sizeof(buf), "%.15g", (double)ms / 1000.0);
    if (n <= 0 || (size_t)n >= sizeof(buf))
        return -1;
    return oc_buf_add(b, buf, (size_t)n);
}

static int json_time(oc_buf_t *b, const char *name, int64_t ms)
{
    char buf[OC_TIME_BUFSZ];
    return al_json_member(b, name, oc_time_format(ms, buf, sizeof(buf)));
}

/* Appends s and its NUL to b; *at is where it starts. */
static int add_cstr(oc_buf_t *b, const char *s, size_t *at)
{
    *at = b->len;
    return oc_buf_add(b, s, strlen(s) + 1);
}

int al_alerts_add(al_alerts_t *a, const al_clock_t *c, al_kind_t kind, int64_t at_ms,
                  const char *post)
{
    const char *type = al_kind_name(kind);
    char id[33];
    if (type == NULL || al_alert_id(type, c->case_id, c->start_post, id) != 0)
        return -1;
    if (oc_grow(&a->v, &a->cap, a->n, sizeof(*a->v), 64) != 0)
        return -1;
    oc_buf_t *b = &a->text;
    size_t mark = b->len;
    al_alert_rec_t r = {.kind = kind, .at_ms = at_ms};
    int rc = add_cstr(b, id, &r.id) | add_cstr(b, c->case_id, &r.case_id) |
             add_cstr(b, c->team, &r.team);
    r.json = b->len;
    /* elapsed_s counts whole seconds: "waited 41s", never "40.999s". */
    rc |= al_json_member(b, "{\"schema\":", AL_ALERT_SCHEMA) |
          al_json_member(b, ",\"alert_id\":", id) | al_json_member(b, ",\"type\":", type) |
          al_json_member(b, ",\"case\":", c->case_id) |
          al_json_member(b, ",\"clock_start_post\":", c->start_post) |
          al_json_member(b, ",\"brand\":", c->brand) | al_json_member(b, ",\"team\":", c->team) |
          al_json_member(b, ",\"priority\":", c->priority) |
          json_time(b, ",\"opened_at\":", c->opened_ms) |
          json_time(b, ",\"deadline\":", c->due[AL_BREACH]) | json_time(b, ",\"at\":", at_ms) |
          oc_buf_add(b, ",\"elapsed_s\":", 13) | al_json_int(b, (at_ms - c->opened_ms) / 1000) |
          oc_buf_add(b, ",\"target_s\":", 12) | json_seconds(b, c->target_ms);
    /* The summary is JSON text that state.c wrote as jansson would. */
    const char *about = post != NULL ? post : c->post;
    rc |= oc_buf_add(b, ",\"post\":", 8) | oc_buf_add(b, about, strlen(about)) |
          oc_buf_add(b, "}", 2);
    if (rc != 0) {
        b->len = mark;
        return -1;
    }
    r.len = b->len - 1 - r.json;
    a->v[a->n++] = r;
    return 0;
}

size_t al_alerts_count(const al_alerts_t *a)
{
    return a->n;
}

al_alert_t al_alerts_get(const al_alerts_t *a, size_t i)
{
    const al_alert_rec_t *r = &a->v[i];
    const char *t = a->text.data;
    return (al_alert_t){.kind = r->kind,
                        .at_ms = r->at_ms,
                        .id = t + r->id,
                        .case_id = t + r->case_id,
                        .team = t + r->team,
                        .json = t + r->json,
                        .json_len = r->len};
}

void al_alerts_clear(al_alerts_t *a)
{
    a->n = 0;
    a->text.len = 0;
}

void al_alerts_free(al_alerts_t *a)
{
    free(a->v);
    oc_buf_free(&a->text);
    memset(a, 0, sizeof(*a));
}
