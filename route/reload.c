/* reload.c -- hot reload of the rules file between two messages. */
#include "reload.h"
#include "stage.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define CHECK_EVERY_MS 1000 /* how often the file's identity is compared */

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void publish(rt_reload_t *rl)
{
    oc_metric_set(rl->gen_gauge, rl->generation);
    oc_metric_set(rl->hash_gauge, (int64_t)(rl->current->hash & ((1ULL << 52) - 1)));
}

int rt_reload_init(rt_reload_t *rl, const char *path, rt_rules_t *rules)
{
    memset(rl, 0, sizeof *rl);
    if (path && !(rl->path = strdup(path))) {
        return -1;
    }
    rl->current = rules;
    rl->generation = 1;
    rl->have_seen = path && stat(path, &rl->seen) == 0;
    rl->reloads =
        oc_counter("outcry_route_rules_reloads_total",
                   "Rules files loaded and put in force after start-up", "stage=\"route\"");
    rl->failures =
        oc_counter("outcry_route_rules_reload_failures_total",
                   "Rules files refused on reload (the old rules stayed)", "stage=\"route\"");
    rl->gen_gauge =
        oc_gauge("outcry_route_rules_generation",
                 "Rule set in force: 1 at start-up, +1 per accepted reload", "stage=\"route\"");
    rl->hash_gauge =
        oc_gauge("outcry_route_rules_hash",
                 "Low 52 bits of the FNV-1a hash of the rules file in force", "stage=\"route\"");
    publish(rl);
    return 0;
}

void rt_reload_free(rt_reload_t *rl)
{
    if (rl) {
        rt_rules_free(rl->current);
        rl->current = NULL;
        free(rl->path);
        rl->path = NULL;
    }
}

/* The errors of a diag as a JSON list of strings (new reference). */
static json_t *diag_json(const rt_diag_t *diag)
{
    json_t *a = json_array();
    for (int i = 0; a && i < diag->n; i++) {
        json_array_append_new(a, json_string(diag->errs[i].msg));
    }
    return a;
}

void rt_log_lint(const rt_rules_t *rules)
{
    rt_diag_t *diag = calloc(1, sizeof *diag);
    if (!diag) {
        return;
    }
    if (rt_rules_lint(rules, diag) > 0) {
        oc_log_fields(OC_LOG_WARN, "rules_lint",
                      json_pack("{s:s,s:o}", "file", rules->source, "warnings", diag_json(diag)),
                      "%d warning(s) in %s (see 'outcry-route check'); routing with them anyway",
                      diag->total, rules->source);
    }
    free(diag);
}

int rt_reload_now(rt_ctx_t *ctx, const char *why)
{
    rt_reload_t *rl = ctx->reload;
    if (!rl->path) {
        oc_warn("rules_reload",
                "%s: the built-in rules are in force (no --rules or OUTCRY_RULES); "
                "nothing to reload",
                why);
        return 0;
    }
    struct stat st;
    int have = stat(rl->path, &st) == 0;
    rt_diag_t *diag = malloc(sizeof *diag);
    rt_rules_t *next = diag ? rt_rules_load_file(rl->path, diag) : NULL;
    /* remember what was tried, good or bad: a refused file is retried only
     * when it changes again (or on SIGHUP) */
    if (have) {
        rl->seen = st;
        rl->have_seen = 1;
    }
    if (!next || rt_ctx_set_rules(ctx, next) < 0) {
        oc_metric_add(rl->failures, 1);
        json_t *fields =
            json_pack("{s:s,s:s,s:I,s:o}", "file", rl->path, "trigger", why, "generation",
                      (json_int_t)rl->generation, "errors", diag ? diag_json(diag) : json_array());
        oc_log_fields(OC_LOG_ERROR, "rules_refused", fields,
                      "new rules in %s refused (%d error(s)); generation %lld stays in force; "
                      "fix the file (outcry-route check %s)",
                      rl->path, diag ? diag->total : 0, (long long)rl->generation, rl->path);
        rt_rules_free(next);
        free(diag);
        return 0;
    }
    free(diag);
    char hash[20];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)next->hash);
    rt_rules_free(rl->current);
    rl->current = next;
    rl->generation++;
    oc_metric_add(rl->reloads, 1);
    publish(rl);
    oc_log_fields(OC_LOG_INFO, "rules_reloaded",
                  json_pack("{s:s,s:s,s:I,s:I,s:s}", "file", rl->path, "trigger", why, "generation",
                            (json_int_t)rl->generation, "rules", (json_int_t)next->nrules, "hash",
                            hash),
                  "rules reloaded from %s: generation %lld, %zu rules, %zu teams", rl->path,
                  (long long)rl->generation, next->nrules, next->nteams);
    rt_log_lint(next);
    return 1;
}

int rt_reload_tick(void *vctx, int64_t now_ms, oc_emit_t *out)
{
    (void)out;
    rt_ctx_t *ctx = vctx;
    rt_reload_t *rl = ctx->reload;
    if (!rl) {
        return 0;
    }
    if (oc_reload_requested) {
        oc_reload_requested = 0;
        rt_reload_now(ctx, "SIGHUP");
        rl->last_check_ms = now_ms;
        return 0;
    }
    if (!rl->path || now_ms - rl->last_check_ms < CHECK_EVERY_MS) {
        return 0;
    }
    rl->last_check_ms = now_ms;
    struct stat st;
    if (stat(rl->path, &st) != 0) {
        if (rl->have_seen) {
            oc_warn("rules_missing",
                    "cannot stat the rules file %s: %s; keeping the rules in "
                    "force (generation %lld)",
                    rl->path, strerror(errno), (long long)rl->generation);
            rl->have_seen = 0;
        }
        return 0;
    }
    if (!rl->have_seen || !same_file(&st, &rl->seen)) {
        rt_reload_now(ctx, "file changed");
    }
    return 0;
}
