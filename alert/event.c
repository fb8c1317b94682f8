/* event.c -- a routed post read into plain C (al_event_t), once a message.
 *
 * The engine needs a dozen fields of a post. They are read from the post's
 * cJSON tree (oc_fp_parse(), the hot path) or, for the few messages that
 * path does not take, from jansson's tree (core.c says which), through one
 * reader over a small view of either tree: one set of rules, two parsers. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sla.h"
#include "timeutil.h"

#define AL_DEFAULT_WARN_AT     0.75
#define AL_DEFAULT_ESCALATE_AT 2.0
#define AL_MAX_FACTOR          1000.0                 /* warn_at / escalate_at sanity bound */
#define AL_MAX_TARGET_MS       (366LL * 86400 * 1000) /* a year */

typedef enum { V_ABSENT, V_NULL, V_STRING, V_NUMBER, V_TRUE, V_OBJECT, V_OTHER } vtype_t;

/* A read-only view of a parsed JSON tree. */
typedef struct view {
    const void *(*get)(const void *obj, const char *key); /* member, NULL when obj is no object */
    vtype_t (*type)(const void *v);                       /* what v is (NULL: absent) */
    const char *(*str)(const void *v);                    /* a string's value */
    double (*num)(const void *v);                         /* a number's value */
    long long (*integer)(const void *v);                  /* an integer's value */
} view_t;

static const void *cj_get(const void *obj, const char *key)
{
    return oc_fp_get(obj, key);
}

static vtype_t cj_type(const void *v)
{
    const cJSON *j = v;
    if (j == NULL)
        return V_ABSENT;
    if (cJSON_IsString(j))
        return V_STRING;
    if (cJSON_IsNumber(j))
        return V_NUMBER;
    if (cJSON_IsObject(j))
        return V_OBJECT;
    return cJSON_IsTrue(j) ? V_TRUE : cJSON_IsNull(j) ? V_NULL : V_OTHER;
}

static const char *cj_str(const void *v)
{
    return ((const cJSON *)v)->valuestring;
}

static double cj_num(const void *v)
{
    return ((const cJSON *)v)->valuedouble;
}

/* Exact: core.c sends a post whose author.followers has more than 15
 * digits to jansson. */
static long long cj_int(const void *v)
{
    return (long long)((const cJSON *)v)->valuedouble;
}

static const view_t cjson_view = {cj_get, cj_type, cj_str, cj_num, cj_int};

static const void *js_get(const void *obj, const char *key)
{
    return json_object_get(obj, key);
}

static vtype_t js_type(const void *v)
{
    static const vtype_t of[] = {
        [JSON_OBJECT] = V_OBJECT,  [JSON_ARRAY] = V_OTHER, [JSON_STRING] = V_STRING,
        [JSON_INTEGER] = V_NUMBER, [JSON_REAL] = V_NUMBER, [JSON_TRUE] = V_TRUE,
        [JSON_FALSE] = V_OTHER,    [JSON_NULL] = V_NULL,
    };
    return v == NULL ? V_ABSENT : of[json_typeof((const json_t *)v)];
}

static const char *js_str(const void *v)
{
    return json_string_value(v);
}

static double js_num(const void *v)
{
    return json_number_value(v);
}

static long long js_int(const void *v)
{
    return (long long)json_integer_value(v);
}

static const view_t jansson_view = {js_get, js_type, js_str, js_num, js_int};

static const char *vstr(const view_t *v, const void *obj, const char *key)
{
    const void *x = v->get(obj, key);
    return v->type(x) == V_STRING ? v->str(x) : NULL;
}

/* Reads an SLA factor: absent means the default, null or <= 0 disables. */
static int read_factor(const view_t *v, const void *sla, const char *name, double dflt, double *out,
                       char *err, size_t errlen)
{
    const void *x = sla != NULL ? v->get(sla, name) : NULL;
    vtype_t t = v->type(x);
    if (t == V_ABSENT) {
        *out = dflt;
        return 0;
    }
    if (t == V_NULL) {
        *out = 0;
        return 0;
    }
    if (t != V_NUMBER || v->num(x) > AL_MAX_FACTOR) {
        snprintf(err, errlen, "routing.sla.%s: expected a number up to %.0f", name, AL_MAX_FACTOR);
        return -1;
    }
    *out = v->num(x);
    return 0;
}

/* The routing half of an event that may open a clock. */
static int read_routing(const al_options_t *opt, const view_t *v, const void *routing,
                        al_event_t *ev, char *err, size_t errlen)
{
    const void *sla = routing != NULL ? v->get(routing, "sla") : NULL;
    ev->team = routing != NULL ? vstr(v, routing, "team") : NULL;
    ev->priority = routing != NULL ? vstr(v, routing, "priority") : NULL;
    if (routing != NULL && ev->team == NULL) {
        snprintf(err, errlen, "routing.team: expected a string");
        return -1;
    }
    if (ev->team != NULL && strlen(ev->team) > AL_TEAM_MAX) {
        snprintf(err, errlen, "routing.team: %zu bytes; a team name has at most %d",
                 strlen(ev->team), AL_TEAM_MAX);
        return -1;
    }
    if (strlen(ev->case_id) > AL_CASE_MAX) {
        snprintf(err, errlen, "%s: %zu bytes; the id of a case that opens a clock has at most %d",
                 ev->case_id == ev->post_id ? "id" : "conversation", strlen(ev->case_id),
                 AL_CASE_MAX);
        return -1;
    }
    if (ev->team == NULL)
        ev->team = "care";
    if (ev->priority == NULL)
        ev->priority = "p3";
    if (opt->every_inbound_ms > 0) {
        ev->target_ms = opt->every_inbound_ms;
    } else {
        const void *t = sla != NULL ? v->get(sla, "first_reply_s") : NULL;
        double s = v->type(t) == V_NUMBER ? v->num(t) : -1;
        if (!(s > 0) || s * 1000 > (double)AL_MAX_TARGET_MS) {
            snprintf(err, errlen,
                     "routing.sla.first_reply_s: expected a number of seconds "
                     "above 0 and up to a year");
            return -1;
        }
        ev->target_ms = llround(s * 1000);
        if (ev->target_ms <= 0)
            ev->target_ms = 1;
    }
    const char *cal = sla != NULL ? vstr(v, sla, "calendar") : NULL;
    ev->cal = cal != NULL ? al_calendar_get(opt->calendars, cal)
                          : al_calendar_of_team(opt->calendars, ev->team);
    if (cal != NULL && ev->cal == NULL) {
        snprintf(err, errlen,
                 "routing.sla.calendar: '%s' is not in the calendars file (--calendars)", cal);
        return -1;
    }
    return read_factor(v, sla, "warn_at", AL_DEFAULT_WARN_AT, &ev->warn_at, err, errlen) != 0 ||
                   read_factor(v, sla, "escalate_at", AL_DEFAULT_ESCALATE_AT, &ev->escalate_at, err,
                               errlen) != 0
               ? -1
               : 0;
}

static int read_event(const al_options_t *opt, const view_t *v, const void *post, al_event_t *ev,
                      char *err, size_t errlen)
{
    memset(ev, 0, sizeof(*ev));
    const char *conv = vstr(v, post, "conversation");
    ev->post_id = vstr(v, post, "id");
    ev->case_id = conv != NULL && *conv != '\0' ? conv : ev->post_id;
    ev->brand = vstr(v, post, "brand");
    const char *created = vstr(v, post, "created_at");
    if (ev->case_id == NULL || ev->post_id == NULL || ev->brand == NULL) {
        snprintf(err, errlen, "id, conversation and brand must be strings");
        return -1;
    }
    if (created == NULL || oc_time_parse(created, &ev->at_ms) != 0) {
        snprintf(err, errlen, "created_at: expected an RFC 3339 timestamp");
        return -1;
    }
    const char *dir = vstr(v, post, "direction");
    ev->outbound = dir != NULL && strcmp(dir, "outbound") == 0;
    ev->text = vstr(v, post, "text");
    if (al_post_is_repost(v->type(v->get(post, "repost")) == V_TRUE, ev->text)) {
        ev->noise = 1;
        return 0;
    }
    const void *author = v->get(post, "author");
    ev->author_id = vstr(v, author, "id");
    ev->handle = vstr(v, author, "handle");
    /* The brand's other accounts speak for the brand, whatever ingest said. */
    if (!ev->outbound && al_accounts_match(opt->accounts, ev->brand, ev->author_id, ev->handle))
        ev->outbound = 1;
    if (ev->outbound)
        return 0;

    const void *cls = v->get(post, "classification");
    const void *routing = v->get(post, "routing");
    int complaint = cls != NULL && v->type(v->get(cls, "complaint")) == V_TRUE;
    const char *severity = cls != NULL ? vstr(v, cls, "severity") : NULL;
    ev->critical = severity != NULL && strcmp(severity, "critical") == 0;
    if (routing != NULL && v->type(routing) != V_OBJECT) {
        snprintf(err, errlen, "routing: expected an object");
        return -1;
    }
    if (routing == NULL && complaint && opt->every_inbound_ms <= 0) {
        snprintf(err, errlen,
                 "routing: missing on an inbound complaint (is route's output "
                 "the input of alert?)");
        return -1;
    }
    ev->opens = opt->every_inbound_ms > 0 || (complaint && routing != NULL);
    if (!ev->opens)
        return 0;
    /* What the alert's "post" says (al_event_summary): read only here, for a
     * post that may open a clock or be critical. */
    const void *f = v->get(author, "followers");
    ev->has_followers = v->type(f) == V_NUMBER;
    ev->followers = ev->has_followers ? v->integer(f) : 0;
    ev->url = vstr(v, post, "url");
    return read_routing(opt, v, routing, ev, err, errlen);
}

int al_event_read_cjson(const al_options_t *opt, const cJSON *post, al_event_t *ev, char *err,
                        size_t errlen)
{
    return read_event(opt, &cjson_view, post, ev, err, errlen);
}

int al_event_read_json(const al_options_t *opt, const json_t *post, al_event_t *ev, char *err,
                       size_t errlen)
{
    return read_event(opt, &jansson_view, post, ev, err, errlen);
}

int al_engine_apply(al_engine_t *e, int32_t partition, const json_t *post, al_alerts_t *alerts,
                    char *err, size_t errlen)
{
    al_event_t ev;
    if (al_event_read_json(&e->opt, post, &ev, err, errlen) != 0)
        return -1;
    if (al_engine_apply_event(e, partition, &ev, alerts) != 0) {
        snprintf(err, errlen, "partition %d: out of range or out of memory", (int)partition);
        return -2;
    }
    return 0;
}
