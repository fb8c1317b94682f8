/* route.c -- the route stage's core. No I/O: both loops and the tests drive it. */
#include "route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "match.h"
#include "post.h"

static void routing_free(rt_ctx_t *ctx)
{
    for (size_t i = 0; i < ctx->nrouting; i++) {
        free(ctx->routing[i].s);
    }
    free(ctx->routing);
    ctx->routing = NULL;
    ctx->nrouting = 0;
}

int rt_ctx_set_rules(rt_ctx_t *ctx, const rt_rules_t *rules)
{
    oc_metric_t **counts = calloc(rules->nteams ? rules->nteams : 1, sizeof *counts);
    size_t nrouting = rules->nrules * RT_NPRIO;
    rt_rtext_t *routing = calloc(nrouting ? nrouting : 1, sizeof *routing);
    if (!counts || !routing) {
        free(counts);
        free(routing);
        return -1;
    }
    for (size_t i = 0; i < rules->nteams; i++) {
        char labels[160];
        snprintf(labels, sizeof labels, "stage=\"route\",team=\"%s\"", rules->teams[i].name);
        /* finds the existing counter when a reload keeps the team */
        counts[i] = oc_counter("outcry_route_routed_total", "Complaints routed, by team", labels);
    }
    free(ctx->team_count);
    ctx->team_count = counts;
    routing_free(ctx);
    ctx->routing = routing;
    ctx->nrouting = nrouting;
    ctx->rules = rules;
    return 0;
}

int rt_ctx_init(rt_ctx_t *ctx, const rt_rules_t *rules)
{
    memset(ctx, 0, sizeof *ctx);
    if (rt_ctx_set_rules(ctx, rules) < 0) {
        return -1;
    }
    ctx->suppressed = oc_counter(
        "outcry_route_suppressed_total",
        "Complaints a suppress rule (blocklists, ...) kept from every team", "stage=\"route\"");
    ctx->outbound =
        oc_counter("outcry_route_outbound_total", "Outbound (brand) posts passed through to routed",
                   "stage=\"route\"");
    ctx->skipped =
        oc_counter("outcry_route_skipped_total",
                   "Inbound posts that are not complaints, emitted nowhere", "stage=\"route\"");
    return 0;
}

void rt_ctx_free(rt_ctx_t *ctx)
{
    if (ctx) {
        free(ctx->team_count);
        ctx->team_count = NULL;
        routing_free(ctx);
        oc_buf_free(&ctx->routed);
    }
}

/* Sets key on obj to value (stolen); any failure poisons *ok. */
static void put(json_t *obj, const char *key, json_t *value, int *ok)
{
    if (!obj || !value) {
        json_decref(value);
        *ok = 0;
    } else if (json_object_set_new(obj, key, value) < 0) {
        *ok = 0;
    }
}

json_t *rt_routing_new(const rt_decision_t *d)
{
    int ok = 1;
    json_t *routing = json_object();
    json_t *sla = json_object();
    json_t *tags = json_array();
    put(routing, "team", json_string(d->team), &ok);
    put(routing, "priority", json_string(rt_priority_name(d->priority)), &ok);
    put(sla, "first_reply_s", json_integer(d->first_reply_s), &ok);
    put(sla, "warn_at", json_real(d->policy->warn_at), &ok);
    put(sla, "escalate_at", json_real(d->policy->escalate_at), &ok);
    put(routing, "sla", sla, &ok);
    put(routing, "rule", json_string(d->rule->name), &ok);
    put(routing, "policy", json_string(d->policy->name), &ok);
    for (size_t i = 0; tags && i < d->rule->ntags; i++) {
        ok &= json_array_append_new(tags, json_string(d->rule->tags[i])) == 0;
    }
    put(routing, "tags", tags, &ok);
    if (!ok) {
        json_decref(routing);
        return NULL;
    }
    return routing;
}

int rt_route_post(const rt_rules_t *rules, json_t *post)
{
    rt_decision_t d;
    if (rt_decide_json(rules, post, &d) < 0) {
        return -1;
    }
    if (d.rule->suppress) {
        return 1;
    }
    json_t *routing = rt_routing_new(&d);
    return routing && json_object_set_new(post, "routing", routing) == 0 ? 0 : -1;
}

/* The routing text of d, made with jansson the first time the rule decides
 * at that priority; borrowed from ctx. NULL when out of memory. */
static const rt_rtext_t *routing_text(rt_ctx_t *ctx, const rt_decision_t *d)
{
    size_t i = (size_t)(d->rule - ctx->rules->rules) * RT_NPRIO + (size_t)(d->priority - 1);
    rt_rtext_t *t = &ctx->routing[i];
    if (!t->s) {
        json_t *r = rt_routing_new(d);
        t->s = r ? oc_json_dumps(r) : NULL;
        json_decref(r);
        t->len = t->s ? strlen(t->s) : 0;
    }
    return t->s ? t : NULL;
}

/* Rejects the input; keeps process()'s return convention. */
static int reject(oc_emit_t *out, const char *code, const char *reason)
{
    return oc_emit_dlq(out, code, reason) < 0 ? -1 : 0;
}

/* Checks the classification fields route reads. Returns 0, or -1 with a
 * DLQ code and reason. */
static int check_classification(const cJSON *cls, const char **code, char *reason, size_t size)
{
    *code = "invalid_classification";
    if (!cls || cJSON_IsNull(cls)) {
        *code = "missing_classification";
        snprintf(reason, size,
                 "missing field 'classification' on an inbound post; route reads classify's "
                 "output (topic classified), not raw posts");
        return -1;
    }
    if (!cJSON_IsObject(cls)) {
        snprintf(reason, size, "field 'classification' must be an object");
        return -1;
    }
    if (!cJSON_IsBool(oc_fp_get(cls, "complaint"))) {
        snprintf(reason, size, "field 'classification.complaint' must be true or false");
        return -1;
    }
    static const char *const strs[] = {"category", "severity"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const cJSON *v = oc_fp_get(cls, strs[i]);
        if (v && !cJSON_IsNull(v) && !cJSON_IsString(v)) {
            snprintf(reason, size, "field 'classification.%s' must be a string", strs[i]);
            return -1;
        }
    }
    const cJSON *sig = oc_fp_get(cls, "signals");
    if (sig && !cJSON_IsNull(sig)) {
        int ok = cJSON_IsArray(sig);
        for (const cJSON *c = ok ? sig->child : NULL; c && ok; c = c->next) {
            ok = cJSON_IsString(c);
        }
        if (!ok) {
            snprintf(reason, size, "field 'classification.signals' must be a list of strings");
            return -1;
        }
    }
    return 0;
}

/* An inbound complaint p: decides, then emits the post with its routing
 * object to "routed" and "team.<team>" (the same bytes to both). */
static int route_complaint(rt_ctx_t *ctx, const oc_fpost_t *p, const char *key, oc_emit_t *out)
{
    rt_decision_t d;
    const rt_rtext_t *routing = NULL;
    if (rt_decide(ctx->rules, p->root, &d) < 0 ||
        (!d.rule->suppress && !(routing = routing_text(ctx, &d)))) {
        oc_error("route_failed", "out of memory routing post %s", p->id);
        return -1;
    }
    if (d.rule->suppress) {
        oc_metric_add(ctx->suppressed, 1);
        return 0;
    }
    if (oc_fp_with(p, "routing", routing->s, routing->len, &ctx->routed) < 0) {
        oc_error("route_failed", "out of memory writing routed post %s", p->id);
        return -1;
    }
    char topic[160];
    snprintf(topic, sizeof topic, "team.%s", d.team);
    oc_metric_add(ctx->team_count[d.rule->team], 1);
    if (oc_emit_raw(out, "routed", key, ctx->routed.data, ctx->routed.len) < 0) {
        return -1;
    }
    return oc_emit_raw(out, topic, key, ctx->routed.data, ctx->routed.len);
}

int rt_process(void *vctx, const oc_msg_t *in, oc_emit_t *out)
{
    rt_ctx_t *ctx = vctx;
    char reason[512];
    const char *code = NULL;
    oc_fpost_t p;
    if (oc_fp_parse(&p, in->payload, in->len, &code, reason, sizeof reason) < 0) {
        return reject(out, code, reason);
    }
    /* Kafka input is keyed by conversation already; stdin and strays are not. */
    const char *key = in->key ? NULL : oc_fp_conversation(&p);
    int rc;
    const cJSON *cls = oc_fp_get(p.root, "classification");
    if (p.outbound) {
        oc_metric_add(ctx->outbound, 1);
        rc = oc_emit_raw(out, "routed", key, p.bytes, p.len);
    } else if (check_classification(cls, &code, reason, sizeof reason) < 0) {
        rc = reject(out, code, reason);
    } else if (!cJSON_IsTrue(oc_fp_get(cls, "complaint"))) {
        oc_metric_add(ctx->skipped, 1);
        rc = 0;
    } else {
        rc = route_complaint(ctx, &p, key, out);
    }
    oc_fp_free(&p);
    return rc;
}
