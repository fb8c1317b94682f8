/* match.h -- matchers and the routing decision.
 *
 * A match is a list of predicates (rules.h, rt_pred_t) that must all hold.
 * rt_decide() runs a loaded rule set over one post: the first rule whose
 * match holds (the default rule when none does), then every boost. */
#ifndef RT_MATCH_H
#define RT_MATCH_H

#include <cJSON.h>
#include <jansson.h>
#include <stddef.h>

#include "rules.h"
#include "ydoc.h"

/* What the rule set decided for one post. Pointers borrow from the rule set. */
typedef struct rt_decision {
    const rt_rule_t *rule;     /* the rule that matched (the default if no other) */
    const char *team;          /* the rule's team */
    const rt_policy_t *policy; /* the rule's SLA policy */
    int base_priority;         /* the rule's priority, 1..RT_NPRIO */
    int priority;              /* after boosts, never above p1 */
    int boost_steps;           /* steps of all boosts that matched (before the p1 cap) */
    int64_t first_reply_s;     /* the policy's target for priority */
} rt_decision_t;

/* Reads a match mapping (the value of "match:" or "when:") into m. what
 * names it in messages ("match of rule 'billing'"). Returns 0, or -1 after
 * reporting every problem to y. An empty mapping yields an empty match. */
int rt_match_parse(rt_ydoc_t *y, const yaml_node_t *map, const char *what, rt_match_t *m);

void rt_match_free(rt_match_t *m);

/* Canonical JSON of a match (new reference), for rt_rules_to_json(). */
json_t *rt_match_to_json(const rt_match_t *m);

/* Decides team, priority and policy for post (a valid canonical post as
 * oc_fp_parse() reads it; its classification may be absent, matchers on it
 * then do not hold). Returns 0, or -1 on allocation failure. */
int rt_decide(const rt_rules_t *rules, const cJSON *post, rt_decision_t *d);

/* rt_decide() for a jansson post (tests, tools; converted to cJSON first, so
 * both read the post through one rt_view_init()). */
int rt_decide_json(const rt_rules_t *rules, const json_t *post, rt_decision_t *d);

/* A cJSON copy of a jansson value (new tree, cJSON_Delete() it), or NULL
 * when out of memory. */
cJSON *rt_cjson_of(const json_t *value);

#define RT_NSIG 8 /* signals a view holds in itself; more are allocated */

/* The parts of a post the matchers read, looked up once per decision
 * (decide.c). Shared with explain.c. */
typedef struct rt_view {
    const rt_rules_t *rules;     /* for brand settings */
    const char *brand;           /* post.brand */
    const char *lang;            /* post.lang, or NULL */
    const char *text;            /* post.text */
    size_t text_len;             /* bytes of text */
    const char *author_id;       /* author.id */
    int64_t followers;           /* author.followers, 0 when absent */
    int verified;                /* author.verified, 0 when absent */
    const char *visibility;      /* post.visibility, "public" when absent */
    const char *created_at;      /* post.created_at, or NULL */
    int64_t created_ms;          /* created_at parsed, when time_state is 1 */
    int time_state;              /* 0 not parsed yet, 1 parsed, -1 unparseable */
    int utf_state;               /* 0 text not checked yet, 1 valid UTF-8, -1 not */
    int category_bit;            /* bit of the category among the known ones, or 0 */
    int severity_bit;            /* bit of the severity, or 0 */
    int visibility_bit;          /* bit of the visibility, or 0 */
    const char *category;        /* classification.category, or NULL */
    const char *severity;        /* classification.severity, or NULL */
    const char **signals;        /* the strings of classification.signals */
    size_t nsignals;             /* entries in signals */
    const char *sigbuf[RT_NSIG]; /* signals' storage when they fit */
    char *folded;                /* case-folded text, made on first keyword test */
    const rt_brand_t *brand_cfg; /* the brand's settings, or NULL */
} rt_view_t;

/* Reads post's fields into v (pointers borrow from post, which must outlive
 * v). Returns 0, or -1 when out of memory (v is then safe to free). */
int rt_view_init(rt_view_t *v, const rt_rules_t *rules, const cJSON *post);
void rt_view_free(rt_view_t *v);
/* 1 when p holds for the post, 0 when not, -1 when out of memory. */
int rt_pred_holds(rt_view_t *v, const rt_pred_t *p);
/* For category, severity and visibility: the bit of value among the values
 * the matcher accepts (a matcher's rt_pred_t.number is a set of them), or 0
 * when value is NULL or unknown. */
int rt_enum_bit(rt_pred_kind_t kind, const char *value);
/* The YAML key of a matcher kind ("category"). */
const char *rt_pred_key(rt_pred_kind_t kind);
/* Case-folded copy of s (malloc'd), NULL only when out of memory. */
char *rt_casefold(const char *s);

/* Whether one match holds for post (a jansson post; exposed for tests).
 * Returns 1, 0, or -1 on allocation failure. */
int rt_match_post(const rt_rules_t *rules, const rt_match_t *m, const json_t *post);

#endif
