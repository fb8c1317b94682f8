/* match.c -- matchers: reading them from YAML and evaluating them on a post. */
#include "match.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

typedef enum { V_STRINGS, V_ENUM, V_COUNT, V_BOOL } operand_t;

static const char *const categories[] = {"billing", "delivery", "product", "technical", "account",
                                         "service", "safety",   "privacy", "other",     NULL};
static const char *const severities[] = {"low", "medium", "high", "critical", NULL};

/* The matchers a match may hold. Adding one: a kind in rules.h, a row here,
 * a case in pred_holds(). */
static const struct pred_spec {
    const char *key;           /* YAML key */
    rt_pred_kind_t kind;       /* the test */
    operand_t operand;         /* how the value is read */
    const char *const *values; /* V_ENUM: allowed values */
} specs[] = {
    {"brand", RT_PRED_BRAND, V_STRINGS, NULL},
    {"category", RT_PRED_CATEGORY, V_ENUM, categories},
    {"severity", RT_PRED_SEVERITY, V_ENUM, severities},
    {"signals", RT_PRED_SIGNALS, V_STRINGS, NULL},
    {"lang", RT_PRED_LANG, V_STRINGS, NULL},
    {"keywords", RT_PRED_KEYWORDS, V_STRINGS, NULL},
    {"followers_at_least", RT_PRED_FOLLOWERS_AT_LEAST, V_COUNT, NULL},
    {"verified", RT_PRED_VERIFIED, V_BOOL, NULL},
    {"vip", RT_PRED_VIP, V_BOOL, NULL},
};
#define NSPECS (sizeof specs / sizeof specs[0])

/* Case-folded copy of s (Unicode via utf8proc; ASCII lower-casing when s is
 * not valid UTF-8). malloc'd; NULL only when out of memory. */
static char *casefold(const char *s)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n =
        utf8proc_map((const utf8proc_uint8_t *)s, 0, &dst,
                     UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    if (n >= 0) {
        return (char *)dst;
    }
    if (n == UTF8PROC_ERROR_NOMEM) {
        return NULL;
    }
    char *copy = strdup(s);
    for (char *p = copy; p && *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return copy;
}

/* The keys of specs, in the same order, for unknown-key suggestions. */
static const char *const spec_keys[] = {"brand", "category", "severity",           "signals",
                                        "lang",  "keywords", "followers_at_least", "verified",
                                        "vip",   NULL};
_Static_assert(sizeof spec_keys / sizeof spec_keys[0] == NSPECS + 1, "spec_keys follows specs");

static const struct pred_spec *spec_for(const char *key)
{
    for (size_t i = 0; i < NSPECS; i++) {
        if (strcmp(specs[i].key, key) == 0) {
            return &specs[i];
        }
    }
    return NULL;
}

static const struct pred_spec *spec_of(rt_pred_kind_t kind)
{
    for (size_t i = 0; i < NSPECS; i++) {
        if (specs[i].kind == kind) {
            return &specs[i];
        }
    }
    return NULL;
}

/* Reads one matcher's operand into p. Returns 0 or -1 (reported). */
static int parse_operand(rt_ydoc_t *y, const struct pred_spec *spec, const yaml_node_t *v,
                         const char *what, rt_pred_t *p)
{
    char label[160];
    snprintf(label, sizeof label, "'%s' in %s", spec->key, what);
    switch (spec->operand) {
    case V_COUNT:
        return rt_y_int(y, v, label, 0, INT64_MAX, &p->number);
    case V_BOOL:
        return rt_y_bool(y, v, label, &p->flag);
    case V_STRINGS:
    case V_ENUM:
        break;
    }
    if (rt_y_strings(y, v, label, &p->values, &p->nvalues) < 0) {
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < p->nvalues; i++) {
        if (spec->operand == V_ENUM) {
            size_t n = 0;
            int known = 0;
            while (spec->values[n]) {
                known |= strcmp(spec->values[n], p->values[i]) == 0;
                n++;
            }
            if (!known) {
                const char *hint = rt_suggest(p->values[i], spec->values, n);
                char list[200] = "";
                size_t used = 0;
                for (size_t j = 0; j < n && used < sizeof list; j++) {
                    int w = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                                     spec->values[j]);
                    used += w > 0 ? (size_t)w : 0;
                }
                rt_y_error(y, rt_y_line(v), "unknown %s '%s' in %s%s%s%s (known: %s)", spec->key,
                           p->values[i], what, hint ? "; did you mean '" : "", hint ? hint : "",
                           hint ? "'?" : "", list);
                bad = 1;
            }
        } else if (spec->kind == RT_PRED_KEYWORDS) {
            char *folded = casefold(p->values[i]);
            if (!folded) {
                rt_y_error(y, rt_y_line(v), "out of memory reading %s", label);
                return -1;
            }
            free(p->values[i]);
            p->values[i] = folded;
        }
    }
    return bad ? -1 : 0;
}

int rt_match_parse(rt_ydoc_t *y, const yaml_node_t *map, const char *what, rt_match_t *m)
{
    memset(m, 0, sizeof *m);
    if (rt_y_is_null(map)) {
        return 0; /* "match:" with nothing after it: reported by the caller if it matters */
    }
    if (rt_y_want_map(y, map, what) < 0) {
        return -1;
    }
    int bad = rt_y_check_keys(y, map, spec_keys, what) > 0;
    size_t len = rt_y_map_len(map);
    m->preds = calloc(len ? len : 1, sizeof *m->preds);
    if (!m->preds) {
        rt_y_error(y, rt_y_line(map), "out of memory reading %s", what);
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        const char *key = rt_y_scalar(rt_y_map_key(y, map, i));
        const struct pred_spec *spec = key ? spec_for(key) : NULL;
        if (!spec) {
            continue; /* reported by rt_y_check_keys */
        }
        int dup = 0;
        for (size_t j = 0; j < m->npreds; j++) {
            dup |= m->preds[j].kind == spec->kind;
        }
        if (dup) {
            continue; /* duplicate key, reported */
        }
        yaml_node_t *v = rt_y_map_value(y, map, i);
        rt_pred_t *p = &m->preds[m->npreds];
        p->kind = spec->kind;
        p->line = rt_y_line(v);
        m->npreds++; /* counted before parsing so rt_match_free() sees partial values */
        if (parse_operand(y, spec, v, what, p) < 0) {
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

void rt_match_free(rt_match_t *m)
{
    if (!m) {
        return;
    }
    for (size_t i = 0; i < m->npreds; i++) {
        rt_strv_free(m->preds[i].values, m->preds[i].nvalues);
    }
    free(m->preds);
    m->preds = NULL;
    m->npreds = 0;
}

json_t *rt_match_to_json(const rt_match_t *m)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < m->npreds; i++) {
        const rt_pred_t *p = &m->preds[i];
        const struct pred_spec *spec = spec_of(p->kind);
        json_t *v = NULL;
        if (spec->operand == V_COUNT) {
            v = json_integer(p->number);
        } else if (spec->operand == V_BOOL) {
            v = json_boolean(p->flag);
        } else {
            v = json_array();
            for (size_t j = 0; v && j < p->nvalues; j++) {
                if (json_array_append_new(v, json_string(p->values[j])) < 0) {
                    json_decref(v);
                    v = NULL;
                }
            }
        }
        if (!v || json_object_set_new(o, spec->key, v) < 0) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

/* The parts of a post the matchers read, looked up once per decision. */
typedef struct view {
    const rt_rules_t *rules;     /* for brand settings */
    const char *brand;           /* post.brand */
    const char *lang;            /* post.lang, or NULL */
    const char *text;            /* post.text */
    const char *author_id;       /* author.id */
    int64_t followers;           /* author.followers, 0 when absent */
    int verified;                /* author.verified, 0 when absent */
    const char *category;        /* classification.category, or NULL */
    const char *severity;        /* classification.severity, or NULL */
    const json_t *signals;       /* classification.signals array, or NULL */
    char *folded;                /* case-folded text, made on first keyword test */
    const rt_brand_t *brand_cfg; /* the brand's settings, or NULL */
} view_t;

static void view_init(view_t *v, const rt_rules_t *rules, const json_t *post)
{
    memset(v, 0, sizeof *v);
    v->rules = rules;
    v->brand = json_string_value(json_object_get(post, "brand"));
    v->lang = json_string_value(json_object_get(post, "lang"));
    v->text = json_string_value(json_object_get(post, "text"));
    const json_t *author = json_object_get(post, "author");
    v->author_id = json_string_value(json_object_get(author, "id"));
    const json_t *f = json_object_get(author, "followers");
    v->followers = json_is_integer(f) ? json_integer_value(f) : 0;
    v->verified = json_is_true(json_object_get(author, "verified"));
    const json_t *cls = json_object_get(post, "classification");
    v->category = json_string_value(json_object_get(cls, "category"));
    v->severity = json_string_value(json_object_get(cls, "severity"));
    const json_t *sig = json_object_get(cls, "signals");
    v->signals = json_is_array(sig) ? sig : NULL;
    v->brand_cfg = v->brand ? rt_rules_brand(rules, v->brand) : NULL;
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

static int is_vip(const view_t *v)
{
    const rt_brand_t *b = v->brand_cfg;
    for (size_t i = 0; b && v->author_id && i < b->nvip; i++) {
        if (strcmp(b->vip[i], v->author_id) == 0) {
            return 1;
        }
    }
    return 0;
}

/* 1 when p holds, 0 when not, -1 when out of memory. */
static int pred_holds(view_t *v, const rt_pred_t *p)
{
    switch (p->kind) {
    case RT_PRED_BRAND:
        return any_equal(p, v->brand, 1);
    case RT_PRED_CATEGORY:
        return any_equal(p, v->category, 0);
    case RT_PRED_SEVERITY:
        return any_equal(p, v->severity, 0);
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
            v->folded = casefold(v->text);
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
        return is_vip(v) == p->flag;
    }
    return 0;
}

static int match_holds(view_t *v, const rt_match_t *m)
{
    for (size_t i = 0; i < m->npreds; i++) {
        int r = pred_holds(v, &m->preds[i]);
        if (r != 1) {
            return r;
        }
    }
    return 1;
}

int rt_match_post(const rt_rules_t *rules, const rt_match_t *m, const json_t *post)
{
    view_t v;
    view_init(&v, rules, post);
    int r = match_holds(&v, m);
    free(v.folded);
    return r;
}

int rt_decide(const rt_rules_t *rules, const json_t *post, rt_decision_t *d)
{
    view_t v;
    int rc = -1;
    view_init(&v, rules, post);
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
    free(v.folded);
    return rc;
}
