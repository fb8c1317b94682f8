/* rulelist.c -- the rules and boosts lists of a rules file. */
#include "rulelist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"

static const char *const rule_keys[] = {"name",   "match", "default",  "team", "priority",
                                        "policy", "tags",  "suppress", NULL};
static const char *const boost_keys[] = {"name", "when", "steps", NULL};

#define POLICY_UNSET ((size_t)-1) /* a rule without policy: the default rule's */

/* "billing, delivery, ..." for messages. */
static void team_list(const rt_rules_t *r, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->nteams && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", r->teams[i].name);
        used += w > 0 ? (size_t)w : 0;
    }
}

/* Resolves a team reference, reporting unknown ones with a hint. */
static void resolve_team(rt_ydoc_t *y, const rt_rules_t *r, const yaml_node_t *n, const char *what,
                         rt_rule_t *rule)
{
    char *name = NULL;
    char label[200];
    snprintf(label, sizeof label, "team of %s", what);
    if (rt_y_string(y, n, label, &name) < 0) {
        return;
    }
    int idx = rt_rules_team_index(r, name);
    if (idx >= 0) {
        rule->team = (size_t)idx;
    } else if (r->nteams > 0) {
        const char *cand[64];
        size_t nc = r->nteams < 64 ? r->nteams : 64;
        for (size_t i = 0; i < nc; i++) {
            cand[i] = r->teams[i].name;
        }
        const char *hint = rt_suggest(name, cand, nc);
        char list[256];
        team_list(r, list, sizeof list);
        rt_y_error(y, rt_y_line(n), "unknown team '%s' in %s%s%s%s (teams: %s)", name, what,
                   hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "", list);
    }
    free(name);
}

static void resolve_policy(rt_ydoc_t *y, const rt_rules_t *r, const yaml_node_t *n,
                           const char *what, rt_rule_t *rule)
{
    char *name = NULL;
    char label[200];
    snprintf(label, sizeof label, "policy of %s", what);
    if (rt_y_string(y, n, label, &name) < 0) {
        return;
    }
    const char *cand[64];
    size_t nc = 0;
    for (size_t i = 0; i < r->npolicies; i++) {
        if (strcmp(r->policies[i].name, name) == 0) {
            rule->policy = i;
            free(name);
            return;
        }
        if (nc < 64) {
            cand[nc++] = r->policies[i].name;
        }
    }
    if (r->npolicies > 0) {
        const char *hint = rt_suggest(name, cand, nc);
        rt_y_error(y, rt_y_line(n), "unknown policy '%s' in %s%s%s%s", name, what,
                   hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "");
    }
    free(name);
}

static void load_rule(rt_ydoc_t *y, const rt_rules_t *r, const yaml_node_t *map, size_t idx,
                      rt_rule_t *rule)
{
    char what[160];
    snprintf(what, sizeof what, "rule #%zu", idx + 1);
    rule->line = rt_y_line(map);
    rule->policy = POLICY_UNSET;
    if (rt_y_want_map(y, map, what) < 0) {
        return;
    }
    yaml_node_t *name = rt_y_get(y, map, "name");
    if (!name) {
        rt_y_error(y, rule->line, "%s has no 'name'; every rule needs a unique name", what);
    } else if (rt_y_string(y, name, "the name of a rule", &rule->name) == 0) {
        snprintf(what, sizeof what, "rule '%s'", rule->name);
    }
    rt_y_check_keys(y, map, rule_keys, what);
    yaml_node_t *def = rt_y_get(y, map, "default");
    if (def) {
        char label[200];
        snprintf(label, sizeof label, "'default' of %s", what);
        rt_y_bool(y, def, label, &rule->is_default);
    }
    yaml_node_t *match = rt_y_get(y, map, "match");
    char mwhat[200];
    snprintf(mwhat, sizeof mwhat, "match of %s", what);
    if (rule->is_default && match) {
        rt_y_error(y, rt_y_line(match),
                   "the default %s must not have a match: it applies to whatever no other rule "
                   "matched",
                   what);
    } else if (!rule->is_default && !match) {
        rt_y_error(y, rule->line,
                   "%s has no 'match'; give it one, or make it the default rule "
                   "with 'default: true'",
                   what);
    } else if (match && rt_match_parse(y, match, mwhat, &rule->match) == 0 &&
               rule->match.npreds == 0) {
        rt_y_error(y, rt_y_line(match),
                   "%s has an empty match, which would match everything; use 'default: true' "
                   "for that",
                   what);
    }
    yaml_node_t *sup = rt_y_get(y, map, "suppress");
    if (sup) {
        char label[200];
        snprintf(label, sizeof label, "'suppress' of %s", what);
        rt_y_bool(y, sup, label, &rule->suppress);
    }
    if (rule->suppress) {
        /* routed nowhere: a team, priority or policy would never be used */
        static const char *const unused[] = {"team", "priority", "policy"};
        for (size_t i = 0; i < 3; i++) {
            yaml_node_t *n = rt_y_get(y, map, unused[i]);
            if (n) {
                rt_y_error(y, rt_y_line(n),
                           "%s has 'suppress: true' and a '%s': a suppressed post goes to no "
                           "team; remove one of them",
                           what, unused[i]);
            }
        }
        if (rule->is_default) {
            rt_y_error(y, rt_y_line(sup),
                       "the default %s cannot suppress: unmatched complaints must reach a team",
                       what);
        }
        rule->priority = RT_NPRIO;
        yaml_node_t *tags = rt_y_get(y, map, "tags");
        if (tags) {
            char label[200];
            snprintf(label, sizeof label, "tags of %s", what);
            rt_y_strings(y, tags, label, &rule->tags, &rule->ntags);
        }
        return;
    }
    yaml_node_t *team = rt_y_get(y, map, "team");
    if (team) {
        resolve_team(y, r, team, what, rule);
    } else {
        rt_y_error(y, rule->line, "%s has no 'team'", what);
    }
    yaml_node_t *prio = rt_y_get(y, map, "priority");
    const char *p = rt_y_scalar(prio);
    for (int i = 0; p && i < RT_NPRIO; i++) {
        if (strcmp(p, rt_priority_name(i + 1)) == 0) {
            rule->priority = i + 1;
        }
    }
    if (!prio) {
        rt_y_error(y, rule->line, "%s has no 'priority' (p1, p2, p3 or p4)", what);
    } else if (!rule->priority) {
        char shown[64];
        rt_y_error(y, rt_y_line(prio), "priority of %s must be p1, p2, p3 or p4, not %s", what,
                   rt_y_show(prio, shown, sizeof shown));
    }
    yaml_node_t *pol = rt_y_get(y, map, "policy");
    if (pol) {
        resolve_policy(y, r, pol, what, rule);
    }
    yaml_node_t *tags = rt_y_get(y, map, "tags");
    if (tags) {
        char label[200];
        snprintf(label, sizeof label, "tags of %s", what);
        rt_y_strings(y, tags, label, &rule->tags, &rule->ntags);
    }
}

/* The rules list: each rule, then what only the whole list shows. */
void rt_load_rules(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    yaml_node_t *seq = rt_y_get(y, root, "rules");
    if (!seq) {
        rt_y_error(y, rt_y_line(root), "missing 'rules:' (the ordered list of routing rules)");
        return;
    }
    if (rt_y_want_seq(y, seq, "'rules'") < 0) {
        return;
    }
    size_t len = rt_y_seq_len(seq);
    r->rules = calloc(len ? len : 1, sizeof *r->rules);
    if (!r->rules) {
        rt_y_error(y, rt_y_line(seq), "out of memory reading 'rules'");
        return;
    }
    const rt_rule_t *def = NULL;
    for (size_t i = 0; i < len; i++) {
        rt_rule_t *rule = &r->rules[r->nrules++];
        load_rule(y, r, rt_y_seq_item(y, seq, i), i, rule);
        for (size_t j = 0; rule->name && j < i; j++) {
            if (r->rules[j].name && strcmp(r->rules[j].name, rule->name) == 0) {
                rt_y_error(y, rule->line, "rule name '%s' is used twice (first at line %d)",
                           rule->name, r->rules[j].line);
                break;
            }
        }
        if (rule->is_default && def) {
            rt_y_error(y, rule->line, "a second default rule '%s'; the default is '%s' at line %d",
                       rule->name ? rule->name : "?", def->name ? def->name : "?", def->line);
        } else if (rule->is_default) {
            def = rule;
        }
    }
    if (!def) {
        rt_y_error(y, rt_y_key_line(y, root, "rules"),
                   "no default rule: end 'rules' with a rule that has 'default: true' (it "
                   "routes the complaints no other rule matches)");
        return;
    }
    if (def != &r->rules[r->nrules - 1]) {
        rt_y_error(y, def->line,
                   "the default rule '%s' must be the last rule: rules after it would never "
                   "match",
                   def->name ? def->name : "?");
    }
    if (def->policy == POLICY_UNSET) {
        rt_y_error(y, def->line,
                   "the default rule '%s' needs a 'policy' (rules without one use it)",
                   def->name ? def->name : "?");
        return;
    }
    for (size_t i = 0; i < r->nrules; i++) {
        if (r->rules[i].policy == POLICY_UNSET) {
            r->rules[i].policy = def->policy;
        }
    }
}

void rt_load_boosts(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    yaml_node_t *seq = rt_y_get(y, root, "boosts");
    if (!seq || rt_y_is_null(seq)) {
        return; /* optional */
    }
    if (rt_y_want_seq(y, seq, "'boosts'") < 0) {
        return;
    }
    size_t len = rt_y_seq_len(seq);
    r->boosts = calloc(len ? len : 1, sizeof *r->boosts);
    if (!r->boosts) {
        rt_y_error(y, rt_y_line(seq), "out of memory reading 'boosts'");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *map = rt_y_seq_item(y, seq, i);
        rt_boost_t *b = &r->boosts[r->nboosts++];
        char what[160], label[200];
        snprintf(what, sizeof what, "boost #%zu", i + 1);
        b->line = rt_y_line(map);
        b->steps = 1;
        if (rt_y_want_map(y, map, what) < 0) {
            continue;
        }
        yaml_node_t *name = rt_y_get(y, map, "name");
        if (name && rt_y_string(y, name, "the name of a boost", &b->name) == 0) {
            snprintf(what, sizeof what, "boost '%s'", b->name);
        }
        rt_y_check_keys(y, map, boost_keys, what);
        yaml_node_t *when = rt_y_get(y, map, "when");
        snprintf(label, sizeof label, "'when' of %s", what);
        if (!when) {
            rt_y_error(y, b->line, "%s has no 'when' (the matchers it applies to)", what);
        } else if (rt_match_parse(y, when, label, &b->when) == 0 && b->when.npreds == 0) {
            rt_y_error(y, rt_y_line(when),
                       "%s is empty; a boost for everything is a different "
                       "priority in the rules",
                       label);
        }
        yaml_node_t *steps = rt_y_get(y, map, "steps");
        int64_t s = 1;
        snprintf(label, sizeof label, "steps of %s", what);
        if (steps && rt_y_int(y, steps, label, 1, RT_NPRIO - 1, &s) == 0) {
            b->steps = (int)s;
        }
    }
}
