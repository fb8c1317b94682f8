/* alertmsg.c -- outcry.alert/v1 objects and their deterministic ids. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "sla.h"
#include "timeutil.h"

#define AL_ALERT_SCHEMA "outcry.alert/v1"

int al_alert_id(const char *type, const char *case_id, const char *start_post, char out[33])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
             EVP_DigestUpdate(ctx, type, strlen(type)) == 1 && EVP_DigestUpdate(ctx, "|", 1) == 1 &&
             EVP_DigestUpdate(ctx, case_id, strlen(case_id)) == 1 &&
             EVP_DigestUpdate(ctx, "|", 1) == 1 &&
             EVP_DigestUpdate(ctx, start_post, strlen(start_post)) == 1 &&
             EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen >= 16;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[32] = '\0';
    return 0;
}

/* Seconds as a JSON integer when whole, else a real. New reference. */
static json_t *seconds(int64_t ms)
{
    if (ms % 1000 == 0)
        return json_integer(ms / 1000);
    return json_real((double)ms / 1000.0);
}

static int set_time(json_t *obj, const char *key, int64_t ms)
{
    char buf[OC_TIME_BUFSZ];
    return json_object_set_new(obj, key, json_string(oc_time_format(ms, buf, sizeof(buf))));
}

json_t *al_alert_new(const al_clock_t *c, al_kind_t kind, int64_t at_ms, const char *post)
{
    const char *type = al_kind_name(kind);
    char id[33];
    if (type == NULL || al_alert_id(type, c->case_id, c->start_post, id) != 0)
        return NULL;
    /* Alerts are few: the summary kept as text becomes an object here. */
    json_t *about = json_loads(post != NULL ? post : c->post, 0, NULL);
    json_t *a = about != NULL ? json_object() : NULL;
    if (a == NULL) {
        json_decref(about);
        return NULL;
    }
    /* elapsed_s counts whole seconds: "waited 41s", never "40.999s". */
    int64_t elapsed_ms = at_ms - c->opened_ms;
    int rc = json_object_set_new(a, "schema", json_string(AL_ALERT_SCHEMA));
    rc |= json_object_set_new(a, "alert_id", json_string(id));
    rc |= json_object_set_new(a, "type", json_string(type));
    rc |= json_object_set_new(a, "case", json_string(c->case_id));
    rc |= json_object_set_new(a, "clock_start_post", json_string(c->start_post));
    rc |= json_object_set_new(a, "brand", json_string(c->brand));
    rc |= json_object_set_new(a, "team", json_string(c->team));
    rc |= json_object_set_new(a, "priority", json_string(c->priority));
    rc |= set_time(a, "opened_at", c->opened_ms);
    rc |= set_time(a, "deadline", c->due[AL_BREACH]);
    rc |= set_time(a, "at", at_ms);
    rc |= json_object_set_new(a, "elapsed_s", json_integer(elapsed_ms / 1000));
    rc |= json_object_set_new(a, "target_s", seconds(c->target_ms));
    rc |= json_object_set_new(a, "post", about);
    if (rc != 0) {
        json_decref(a);
        return NULL;
    }
    return a;
}
