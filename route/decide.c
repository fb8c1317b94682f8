/* decide.c -- evaluating matchers on a post, and the routing decision. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fastpost.h"
#include "match.h"
#include "post.h"
#include "preds.h"
#include "timeutil.h"

/* The strings of classification.signals into v->signals. Returns 0 or -1. */
static int view_signals(rt_view_t *v, const cJSON *sig)
{
    size_t n = 0;
    for (const cJSON *c = cJSON_IsArray(sig) ? sig->child : NULL; c; c = c->next) {
        n += cJSON_IsString(c) ? 1 : 0;
    }
    if (n > RT_NSIG) {
        const char **heap = malloc(n * sizeof *heap);
        if (!heap) {
            return -1;
        }
        v->signals = heap;
    }
    for (const cJSON *c = n ? sig->child : NULL; c; c = c->next) {
        if (cJSON_IsString(c)) {
            v->signals[v->nsignals++] = c->valuestring;
        }
    }
    return 0;
}

int rt_view_init(rt_view_t *v, const rt_rules_t *rules, const cJSON *post)
{
    memset(v, 0, sizeof *v);
    v->rules = rules;
    v->signals = v->sigbuf;
    v->brand = oc_fp_str(post, "brand");
    v->lang = oc_fp_str(post, "lang");
    v->text = oc_fp_str(post, "text");
    v->text_len = v->text ? strlen(v->text) : 0; /* oc_fp_parse refused \u0000 */
    const cJSON *author = oc_fp_get(post, "author");
    v->author_id = oc_fp_str(author, "id");
    const cJSON *f = oc_fp_get(author, "followers");
    /* a valid post's followers are a whole number >= 0; the bounds keep the cast defined */
    if (cJSON_IsNumber(f) && f->valuedouble >= 0 && f->valuedouble < 9.2e18) {
        v->followers = (int64_t)f->valuedouble;
    }
    v->verified = cJSON_IsTrue(oc_fp_get(author, "verified"));
    v->visibility = oc_fp_str(post, "visibility");
    if (!v->visibility) {
        v->visibility = "public";
    }
    v->created_at = oc_fp_str(post, "created_at");
    const cJSON *cls = oc_fp_get(post, "classification");
    v->category = oc_fp_str(cls, "category");
    v->severity = oc_fp_str(cls, "severity");
    v->brand_cfg = v->brand ? rt_rules_brand(rules, v->brand) : NULL;
    /* one string compare per field and post, not per rule */
    v->category_bit = rt_enum_bit(RT_PRED_CATEGORY, v->category);
    v->severity_bit = rt_enum_bit(RT_PRED_SEVERITY, v->severity);
    v->visibility_bit = rt_enum_bit(RT_PRED_VISIBILITY, v->visibility);
    return view_signals(v, oc_fp_get(cls, "signals"));
}

void rt_view_free(rt_view_t *v)
{
    free(v->folded);
    v->folded = NULL;
    if (v->signals != v->sigbuf) {
        free(v->signals);
        v->signals = v->sigbuf;
    }
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
        for (size_t i = 0; i < v->nsignals; i++) {
            if (any_equal(p, v->signals[i], 0)) {
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

cJSON *rt_cjson_of(const json_t *value)
{
    char *s = oc_json_dumps(value);
    cJSON *c = s ? cJSON_Parse(s) : NULL;
    free(s);
    return c;
}

int rt_match_post(const rt_rules_t *rules, const rt_match_t *m, const json_t *post)
{
    rt_view_t v;
    cJSON *c = rt_cjson_of(post);
    int r = c && rt_view_init(&v, rules, c) == 0 ? match_holds(&v, m) : -1;
    if (c) {
        rt_view_free(&v);
    }
    cJSON_Delete(c);
    return r;
}

int rt_decide_json(const rt_rules_t *rules, const json_t *post, rt_decision_t *d)
{
    cJSON *c = rt_cjson_of(post);
    int r = c ? rt_decide(rules, c, d) : -1;
    cJSON_Delete(c);
    return r;
}

int rt_decide(const rt_rules_t *rules, const cJSON *post, rt_decision_t *d)
{
    rt_view_t v;
    int rc = -1;
    memset(d, 0, sizeof *d);
    if (rt_view_init(&v, rules, post) < 0) {
        goto out;
    }
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
