/* lint.c -- what a valid rule set can still get wrong: rules that never
 * match, teams nothing routes to, policies nothing uses. */
#include <string.h>
#include <strings.h>

#include "rules.h"
#include "ydoc.h"

/* Whether every value of b is among a's (case-insensitive when nocase). */
static int values_within(const rt_pred_t *b, const rt_pred_t *a, int nocase)
{
    for (size_t i = 0; i < b->nvalues; i++) {
        int found = 0;
        for (size_t j = 0; !found && j < a->nvalues; j++) {
            found = nocase ? strcasecmp(a->values[j], b->values[i]) == 0
                           : strcmp(a->values[j], b->values[i]) == 0;
        }
        if (!found) {
            return 0;
        }
    }
    return 1;
}

/* Whether a holds for every post b holds for (a is at least as wide). A
 * sufficient test, not a complete one: it never claims a cover that is not. */
static int pred_covers(const rt_pred_t *a, const rt_pred_t *b)
{
    if (a->kind != b->kind) {
        return 0;
    }
    switch (a->kind) {
    case RT_PRED_BRAND:
    case RT_PRED_LANG:
    case RT_PRED_VISIBILITY:
        return values_within(b, a, 1);
    case RT_PRED_CATEGORY:
    case RT_PRED_SEVERITY:
    case RT_PRED_SIGNALS:
    case RT_PRED_REGEX:
        return values_within(b, a, 0);
    case RT_PRED_KEYWORDS:
        /* b's keyword found implies an a keyword found when one is inside it */
        for (size_t i = 0; i < b->nvalues; i++) {
            int found = 0;
            for (size_t j = 0; !found && j < a->nvalues; j++) {
                found = strstr(b->values[i], a->values[j]) != NULL;
            }
            if (!found) {
                return 0;
            }
        }
        return 1;
    case RT_PRED_FOLLOWERS_AT_LEAST:
        return a->number <= b->number;
    case RT_PRED_VERIFIED:
    case RT_PRED_VIP:
    case RT_PRED_BLOCKLISTED:
        return a->flag == b->flag;
    case RT_PRED_HOURS:
        return memcmp(&a->hours, &b->hours, sizeof a->hours) == 0;
    }
    return 0;
}

/* Whether rule a matches every post rule b matches: each of a's matchers
 * covers one of b's (b may have more; they only narrow it). */
static int match_covers(const rt_match_t *a, const rt_match_t *b)
{
    for (size_t i = 0; i < a->npreds; i++) {
        int covered = 0;
        for (size_t j = 0; !covered && j < b->npreds; j++) {
            covered = pred_covers(&a->preds[i], &b->preds[j]);
        }
        if (!covered) {
            return 0;
        }
    }
    return 1;
}

int rt_rules_lint(const rt_rules_t *r, rt_diag_t *diag)
{
    int before = diag->total;
    for (size_t j = 0; j < r->nrules; j++) {
        const rt_rule_t *b = &r->rules[j];
        for (size_t i = 0; !b->is_default && i < j; i++) {
            const rt_rule_t *a = &r->rules[i];
            if (!a->is_default && match_covers(&a->match, &b->match)) {
                int same = match_covers(&b->match, &a->match);
                rt_diag_add(diag, r->source, b->line,
                            "rule '%s' can never match: rule '%s' (line %d) comes first and "
                            "matches %s; move it above '%s' or remove it",
                            b->name, a->name, a->line,
                            same ? "exactly the same posts" : "every post it would", a->name);
                break;
            }
        }
    }
    for (size_t t = 0; t < r->nteams; t++) {
        int used = 0;
        for (size_t i = 0; !used && i < r->nrules; i++) {
            used = !r->rules[i].suppress && r->rules[i].team == t;
        }
        if (!used) {
            rt_diag_add(diag, r->source, r->teams[t].line,
                        "team '%s' has no policy: no rule routes to it, so no SLA policy "
                        "applies to it; route a rule to it or remove it from 'teams'",
                        r->teams[t].name);
        }
    }
    for (size_t p = 0; p < r->npolicies; p++) {
        int used = 0;
        for (size_t i = 0; !used && i < r->nrules; i++) {
            used = !r->rules[i].suppress && r->rules[i].policy == p;
        }
        if (!used) {
            rt_diag_add(diag, r->source, r->policies[p].line,
                        "policy '%s' is used by no rule; name it in a rule's 'policy' or "
                        "remove it",
                        r->policies[p].name);
        }
    }
    rt_diag_sort(diag);
    return diag->total - before;
}
