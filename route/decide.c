/* decide.c -- evaluating matchers on a post, and the routing decision. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "match.h"
#include "preds.h"
#include "timeutil.h"

void rt_view_init(rt_view_t *v, const rt_rules_t *rules, const json_t *post)
{
    memset(v, 0, sizeof *v);
    v->rules = rules;
    v->brand = json_string_value(json_object_get(post, "brand"));
    v->lang = json_string_value(json_object_get(post, "lang"));
    const json_t *text = json_object_get(post, "text");
    v->text = json_string_value(text);
    v->text_len = v->text ? json_string_length(text) : 0;
    const json_t *author = json_object_get(post, "author");
    v->author_id = json_string_value(json_object_get(author, "id"));
    const json_t *f = json_object_get(author, "followers");
    v->followers = json_is_integer(f) ? json_integer_value(f) : 0;
    v->verified = json_is_true(json_object_get(author, "verified"));
    v->visibility = json_string_value(json_object_get(post, "visibility"));
    if (!v->visibility) {
        v->visibility = "public";
    }
    v->created_at = json_string_value(json_object_get(post, "created_at"));
    const json_t *cls = json_object_get(post, "classification");
    v->category = json_string_value(json_object_get(cls, "category"));
    v->severity = json_string_value(json_object_get(cls, "severity"));
    const json_t *sig = json_object_get(cls, "signals");
    v->signals = json_is_array(sig) ? sig : NULL;
    v->brand_cfg = v->brand ? rt_rules_brand(rules, v->brand) : NULL;
    /* one string compare per field and post, not per rule */
    v->category_bit = rt_enum_bit(RT_PRED_CATEGORY, v->category);
    v->severity_bit = rt_enum_bit(RT_PRED_SEVERITY, v->severity);
    v->visibility_bit = rt_enum_bit(RT_PRED_VISIBILITY, v->visibility);
}

void rt_view_free(rt_view_t *v)
{
    free(v->folded);
    v->folded = NULL;
}

static int any_equal(const rt_pred_t *p, const char *s, int nocase)
{
    for (size_t i = 0; s && i < p->nvalues; i++) {
        if (nocase ? strcasecmp(p->values[i], s) == 0 : strcmp(p->values[i], s) == 0) {
            return 1;
        }
    }
    return 0;
}

static int lang_holds(const rt_pred_t *p, const char *lang)
{
    for (size_t i = 0; lang && i < p->nvalues; i++) {
        size_t n = strlen(p->values[i]);
        if (strncasecmp(p->values[i], lang, n) == 0 && (lang[n] == '\0' || lang[n] == '-')) {
            return 1;
        }
    }
    return 0;
}

static int listed(char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++) {
        if (strcmp(ids[i], id) == 0) {
            return 1;
        }
    }
    return 0;
}

static int regex_holds(rt_view_t *v, const rt_pred_t *p)
{
    if (!v->text || v->utf_state < 0) {
        return 0;
    }
    for (size_t i = 0; i < p->nvalues; i++) {
        /* PCRE2 checks the UTF-8 once, on the first pattern; later ones trust it */
        int r = rt_regex_match(p->regex[i], v->text, v->text_len, v->utf_state == 1);
        if (r == -2) {
            v->utf_state = -1;
            return 0;
        }
        v->utf_state = 1;
        if (r == 1) {
            return 1;
        }
    }
    return 0;
}

static int hours_holds(rt_view_t *v, const rt_pred_t *p)
{
    if (v->time_state == 0) {
        v->time_state = v->created_at && oc_time_parse(v->created_at, &v->created_ms) == 0 ? 1 : -1;
    }
    return v->time_state == 1 && rt_hours_holds(&p->hours, v->created_ms);
}

int rt_pred_holds(rt_view_t *v, const rt_pred_t *p)
{
    const rt_brand_t *b = v->brand_cfg;
    switch (p->kind) {
    case RT_PRED_BRAND:
        /* a brand's accounts are other names of it */
        return any_equal(p, v->brand, 1) || (b && any_equal(p, b->name, 1));
    case RT_PRED_CATEGORY:
        return (p->number & v->category_bit) != 0;
    case RT_PRED_SEVERITY:
        return (p->number & v->severity_bit) != 0;
    case RT_PRED_SIGNALS:
        for (size_t i = 0; v->signals && i < json_array_size(v->signals); i++) {
            if (any_equal(p, json_string_value(json_array_get(v->signals, i)), 0)) {
                return 1;
            }
        }
        return 0;
    case RT_PRED_LANG:
        return lang_holds(p, v->lang);
    case RT_PRED_KEYWORDS:
        if (!v->text) {
            return 0;
        }
        if (!v->folded) {
            v->folded = rt_casefold(v->text);
            if (!v->folded) {
                return -1;
            }
        }
        for (size_t i = 0; i < p->nvalues; i++) {
            if (strstr(v->folded, p->values[i])) {
                return 1;
            }
        }
        return 0;
    case RT_PRED_FOLLOWERS_AT_LEAST:
        return v->followers >= p->number;
    case RT_PRED_VERIFIED:
        return v->verified == p->flag;
    case RT_PRED_VIP:
        return (b && listed(b->vip, b->nvip, v->author_id)) == p->flag;
    case RT_PRED_BLOCKLISTED:
        return (b && listed(b->blocklist, b->nblocklist, v->author_id)) == p->flag;
    case RT_PRED_REGEX:
        return regex_holds(v, p);
    case RT_PRED_VISIBILITY:
        return (p->number & v->visibility_bit) != 0;
    case RT_PRED_HOURS:
        return hours_holds(v, p);
    }
    return 0;
}

static int match_holds(rt_view_t *v, const rt_match_t *m)
{
    for (size_t i = 0; i < m->npreds; i++) {
        int r = rt_pred_holds(v, &m->preds[i]);
        if (r != 1) {
            return r;
        }
    }
    return 1;
}

int rt_match_post(const rt_rules_t *rules, const rt_match_t *m, const json_t *post)
{
    rt_view_t v;
    rt_view_init(&v, rules, post);
    int r = match_holds(&v, m);
    rt_view_free(&v);
    return r;
}

int rt_decide(const rt_rules_t *rules, const json_t *post, rt_decision_t *d)
{
    rt_view_t v;
    int rc = -1;
    rt_view_init(&v, rules, post);
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < rules->nrules; i++) {
        const rt_rule_t *r = &rules->rules[i];
        int h = r->is_default ? 1 : match_holds(&v, &r->match);
        if (h < 0) {
            goto out;
        }
        if (h) {
            d->rule = r;
            break;
        }
    }
    if (!d->rule) {
        goto out; /* cannot happen with a loaded rule set: the default is last */
    }
    if (d->rule->suppress) {
        rc = 0; /* routed nowhere: no team, priority or SLA */
        goto out;
    }
    for (size_t i = 0; i < rules->nboosts; i++) {
        int h = match_holds(&v, &rules->boosts[i].when);
        if (h < 0) {
            goto out;
        }
        if (h) {
            d->boost_steps += rules->boosts[i].steps;
        }
    }
    d->team = rules->teams[d->rule->team].name;
    d->policy = &rules->policies[d->rule->policy];
    d->base_priority = d->rule->priority;
    d->priority = d->base_priority - d->boost_steps;
    if (d->priority < 1) {
        d->priority = 1;
    }
    d->first_reply_s = d->policy->target_s[d->priority - 1];
    rc = 0;
out:
    rt_view_free(&v);
    return rc;
}
