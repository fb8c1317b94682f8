/* route.c -- the route stage's core. No I/O: both loops and the tests drive it. */
#include "route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "match.h"
#include "post.h"

int rt_ctx_set_rules(rt_ctx_t *ctx, const rt_rules_t *rules)
{
    oc_metric_t **counts = calloc(rules->nteams ? rules->nteams : 1, sizeof *counts);
    if (!counts) {
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

int rt_route_post(const rt_rules_t *rules, json_t *post)
{
    rt_decision_t d;
    if (rt_decide(rules, post, &d) < 0) {
        return -1;
    }
    if (d.rule->suppress) {
        return 1;
    }
    int ok = 1;
    json_t *routing = json_object();
    json_t *sla = json_object();
    json_t *tags = json_array();
    put(routing, "team", json_string(d.team), &ok);
    put(routing, "priority", json_string(rt_priority_name(d.priority)), &ok);
    put(sla, "first_reply_s", json_integer(d.first_reply_s), &ok);
    put(sla, "warn_at", json_real(d.policy->warn_at), &ok);
    put(sla, "escalate_at", json_real(d.policy->escalate_at), &ok);
    put(routing, "sla", sla, &ok);
    put(routing, "rule", json_string(d.rule->name), &ok);
    put(routing, "policy", json_string(d.policy->name), &ok);
    for (size_t i = 0; tags && i < d.rule->ntags; i++) {
        ok &= json_array_append_new(tags, json_string(d.rule->tags[i])) == 0;
    }
    put(routing, "tags", tags, &ok);
    if (!ok) {
        json_decref(routing);
        return -1;
    }
    return json_object_set_new(post, "routing", routing) < 0 ? -1 : 0;
}

/* Rejects the input; keeps process()'s return convention. */
static int reject(oc_emit_t *out, json_t *post, const char *code, const char *reason)
{
    json_decref(post);
    return oc_emit_dlq(out, code, reason) < 0 ? -1 : 0;
}

/* Checks the classification fields route reads. Returns 0, or -1 with a
 * DLQ code and reason. */
static int check_classification(const json_t *cls, const char **code, char *reason, size_t size)
{
    *code = "invalid_classification";
    if (!cls || json_is_null(cls)) {
        *code = "missing_classification";
        snprintf(reason, size,
                 "missing field 'classification' on an inbound post; route reads classify's "
                 "output (topic classified), not raw posts");
        return -1;
    }
    if (!json_is_object(cls)) {
        snprintf(reason, size, "field 'classification' must be an object");
        return -1;
    }
    if (!json_is_boolean(json_object_get(cls, "complaint"))) {
        snprintf(reason, size, "field 'classification.complaint' must be true or false");
        return -1;
    }
    static const char *const strs[] = {"category", "severity"};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        const json_t *v = json_object_get(cls, strs[i]);
        if (v && !json_is_null(v) && !json_is_string(v)) {
            snprintf(reason, size, "field 'classification.%s' must be a string", strs[i]);
            return -1;
        }
    }
    const json_t *sig = json_object_get(cls, "signals");
    if (sig && !json_is_null(sig)) {
        int ok = json_is_array(sig);
        for (size_t i = 0; ok && i < json_array_size(sig); i++) {
            ok = json_is_string(json_array_get(sig, i));
        }
        if (!ok) {
            snprintf(reason, size, "field 'classification.signals' must be a list of strings");
            return -1;
        }
    }
    return 0;
}

int rt_process(void *vctx, const oc_msg_t *in, oc_emit_t *out)
{
    rt_ctx_t *ctx = vctx;
    char reason[512];
    const char *code = NULL;
    if (in->len > OC_POST_MAX_MESSAGE) {
        snprintf(reason, sizeof reason, "message is %zu bytes; the limit is %d", in->len,
                 OC_POST_MAX_MESSAGE);
        return reject(out, NULL, "too_large", reason);
    }
    json_error_t jerr;
    json_t *post = json_loadb(in->payload, in->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!post) {
        snprintf(reason, sizeof reason, "invalid JSON at line %d column %d: %s", jerr.line,
                 jerr.column, jerr.text);
        return reject(out, NULL, "invalid_json", reason);
    }
    if (oc_post_validate(post, reason, sizeof reason) < 0) {
        return reject(out, post, "invalid_post", reason);
    }
    /* Kafka input is keyed by conversation already; stdin and strays are not. */
    char *key = NULL;
    if (!in->key) {
        key = strdup(oc_post_conversation(post));
        if (!key) {
            json_decref(post);
            return -1;
        }
    }
    int rc = -1;
    if (oc_post_is_outbound(post)) {
        oc_metric_add(ctx->outbound, 1);
        rc = oc_emit(out, "routed", key, post);
        goto out;
    }
    if (check_classification(json_object_get(post, "classification"), &code, reason,
                             sizeof reason) < 0) {
        rc = reject(out, post, code, reason);
        goto out;
    }
    if (!json_is_true(json_object_get(json_object_get(post, "classification"), "complaint"))) {
        oc_metric_add(ctx->skipped, 1);
        json_decref(post);
        rc = 0;
        goto out;
    }
    int routed = rt_route_post(ctx->rules, post);
    if (routed < 0) {
        oc_error("route_failed", "out of memory routing post %s", oc_post_id(post));
        json_decref(post);
        goto out;
    }
    if (routed == 1) {
        oc_metric_add(ctx->suppressed, 1);
        json_decref(post);
        rc = 0;
        goto out;
    }
    const json_t *routing = json_object_get(post, "routing");
    const char *team = json_string_value(json_object_get(routing, "team"));
    char topic[160];
    snprintf(topic, sizeof topic, "team.%s", team);
    int idx = rt_rules_team_index(ctx->rules, team);
    if (idx >= 0) {
        oc_metric_add(ctx->team_count[idx], 1);
    }
    json_incref(post); /* one reference per emit: each steals its own */
    if (oc_emit(out, "routed", key, post) < 0) {
        json_decref(post);
        goto out;
    }
    rc = oc_emit(out, topic, key, post);
out:
    free(key);
    return rc;
}
