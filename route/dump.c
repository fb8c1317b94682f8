/* dump.c -- a rule set as canonical JSON (for tests now, `explain` later). */
#include <stdlib.h>

#include "match.h"
#include "rules.h"

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

static json_t *strv(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        if (json_array_append_new(a, json_string(v[i])) < 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *policy_json(const rt_policy_t *p, int *ok)
{
    json_t *o = json_object();
    for (int i = 0; i < RT_NPRIO; i++) {
        put(o, rt_priority_name(i + 1), json_integer(p->target_s[i]), ok);
    }
    put(o, "warn_at", json_real(p->warn_at), ok);
    put(o, "escalate_at", json_real(p->escalate_at), ok);
    return o;
}

json_t *rt_rules_to_json(const rt_rules_t *r)
{
    int ok = 1;
    json_t *root = json_object();
    put(root, "version", json_integer(r->version), &ok);
    json_t *teams = json_array();
    for (size_t i = 0; teams && i < r->nteams; i++) {
        ok &= json_array_append_new(teams, json_string(r->teams[i].name)) == 0;
    }
    put(root, "teams", teams, &ok);
    json_t *policies = json_object();
    for (size_t i = 0; i < r->npolicies; i++) {
        put(policies, r->policies[i].name, policy_json(&r->policies[i], &ok), &ok);
    }
    put(root, "policies", policies, &ok);
    json_t *brands = json_object();
    for (size_t i = 0; i < r->nbrands; i++) {
        json_t *b = json_object();
        put(b, "accounts", strv(r->brands[i].accounts, r->brands[i].naccounts), &ok);
        put(b, "vip", strv(r->brands[i].vip, r->brands[i].nvip), &ok);
        put(b, "blocklist", strv(r->brands[i].blocklist, r->brands[i].nblocklist), &ok);
        put(brands, r->brands[i].name, b, &ok);
    }
    put(root, "brands", brands, &ok);
    json_t *rules = json_array();
    for (size_t i = 0; rules && i < r->nrules; i++) {
        const rt_rule_t *rule = &r->rules[i];
        json_t *o = json_object();
        put(o, "name", json_string(rule->name), &ok);
        put(o, "default", json_boolean(rule->is_default), &ok);
        put(o, "match", rt_match_to_json(&rule->match), &ok);
        put(o, "suppress", json_boolean(rule->suppress), &ok);
        put(o, "team", rule->suppress ? json_null() : json_string(r->teams[rule->team].name), &ok);
        put(o, "priority", json_string(rt_priority_name(rule->priority)), &ok);
        put(o, "policy", json_string(r->policies[rule->policy].name), &ok);
        put(o, "tags", strv(rule->tags, rule->ntags), &ok);
        ok &= o && json_array_append_new(rules, o) == 0;
    }
    put(root, "rules", rules, &ok);
    json_t *boosts = json_array();
    for (size_t i = 0; boosts && i < r->nboosts; i++) {
        const rt_boost_t *b = &r->boosts[i];
        json_t *o = json_object();
        put(o, "name", b->name ? json_string(b->name) : json_null(), &ok);
        put(o, "when", rt_match_to_json(&b->when), &ok);
        put(o, "steps", json_integer(b->steps), &ok);
        ok &= o && json_array_append_new(boosts, o) == 0;
    }
    put(root, "boosts", boosts, &ok);
    if (!ok) {
        json_decref(root);
        return NULL;
    }
    return root;
}
