/* route.h -- the route stage's core: classified post in, routed post out.
 *
 * An inbound complaint gets a `routing` object (team, priority, SLA, rule)
 * and goes to "routed" and "team.<team>"; an outbound post goes to "routed"
 * unchanged so alert sees the replies; an inbound non-complaint goes nowhere
 * (counted); bad input goes to the DLQ. docs/routing.md has the details.
 *
 * The per-message path reads the post with cJSON (common/fastpost.h) and
 * writes the input's own bytes with the routing object spliced in; jansson
 * builds that object once per rule and priority (rt_ctx_t.routing). */
#ifndef RT_ROUTE_H
#define RT_ROUTE_H

#include <jansson.h>

#include "fastpost.h"
#include "match.h"
#include "metrics.h"
#include "rules.h"
#include "stage.h"

typedef struct rt_reload rt_reload_t; /* reload.h */

/* The JSON text of one routing object. */
typedef struct rt_rtext {
    char *s;    /* compact JSON, NUL-terminated; owned; NULL until first used */
    size_t len; /* bytes of s */
} rt_rtext_t;

typedef struct rt_ctx {
    const rt_rules_t *rules;  /* the rule set in force; borrowed (a reload swaps it) */
    oc_metric_t **team_count; /* complaints routed per team, parallel to rules->teams; owned */
    oc_metric_t *outbound;    /* outbound posts passed through */
    oc_metric_t *skipped;     /* inbound non-complaints, emitted nowhere */
    oc_metric_t *suppressed;  /* complaints a suppress rule decided, emitted nowhere */
    rt_reload_t *reload;      /* hot reload state (Kafka mode), or NULL; owned by main */
    rt_rtext_t *routing;      /* routing text per rule (row) and priority (column); owned */
    size_t nrouting;          /* entries in routing: rules->nrules * RT_NPRIO */
    oc_buf_t routed;          /* the routed post being written, reused per message */
} rt_ctx_t;

/* Prepares ctx for rules (borrowed, must outlive ctx) and registers the
 * metrics. Returns 0, or -1 when out of memory. */
int rt_ctx_init(rt_ctx_t *ctx, const rt_rules_t *rules);
void rt_ctx_free(rt_ctx_t *ctx);

/* Puts rules (borrowed) in force for the next message, with its per-team
 * counters. Returns 0, or -1 when out of memory (the old rules stay). */
int rt_ctx_set_rules(rt_ctx_t *ctx, const rt_rules_t *rules);

/* The routing object of a decision that routes (not a suppress rule): new
 * reference, or NULL when out of memory. */
json_t *rt_routing_new(const rt_decision_t *d);

/* Decides with rules and sets post's "routing" object (replacing one that
 * was there). post is an inbound complaint, borrowed. Returns 0, 1 when a
 * suppress rule decided (post untouched), or -1 on allocation failure.
 * The jansson form of what rt_process() does; exposed for tests. */
int rt_route_post(const rt_rules_t *rules, json_t *post);

/* Subcommands (explain.c, bench.c): argv[1] is the subcommand. Exit codes. */
int rt_cmd_explain(int argc, char **argv);
int rt_cmd_bench(int argc, char **argv);

/* The stage core (oc_stage_t.process); ctx is an rt_ctx_t. */
int rt_process(void *ctx, const oc_msg_t *in, oc_emit_t *out);

#endif
