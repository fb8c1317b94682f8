/* match.c -- matchers: reading them from YAML and evaluating them on a post. */
#include "match.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "preds.h"

typedef enum { V_STRINGS, V_ENUM, V_COUNT, V_BOOL, V_REGEX, V_HOURS } operand_t;

static const char *const categories[] = {"billing", "delivery", "product", "technical", "account",
                                         "service", "safety",   "privacy", "other",     NULL};
static const char *const severities[] = {"low", "medium", "high", "critical", NULL};
static const char *const visibilities[] = {"public", "direct", NULL};
static const char *const hours_keys[] = {"from", "to", "days", "utc_offset", NULL};

/* The matchers a match may hold. Adding one: a kind in rules.h, a row here,
 * a case in pred_holds(). */
static const struct pred_spec {
    const char *key;           /* YAML key */
    rt_pred_kind_t kind;       /* the test */
    operand_t operand;         /* how the value is read */
    const char *const *values; /* V_ENUM: allowed values */
    int cost;                  /* relative cost; a match tests cheap matchers first */
} specs[] = {
    {"brand", RT_PRED_BRAND, V_STRINGS, NULL, 2},
    {"category", RT_PRED_CATEGORY, V_ENUM, categories, 1},
    {"severity", RT_PRED_SEVERITY, V_ENUM, severities, 1},
    {"signals", RT_PRED_SIGNALS, V_STRINGS, NULL, 2},
    {"lang", RT_PRED_LANG, V_STRINGS, NULL, 1},
    {"keywords", RT_PRED_KEYWORDS, V_STRINGS, NULL, 5},
    {"followers_at_least", RT_PRED_FOLLOWERS_AT_LEAST, V_COUNT, NULL, 0},
    {"verified", RT_PRED_VERIFIED, V_BOOL, NULL, 0},
    {"vip", RT_PRED_VIP, V_BOOL, NULL, 3},
    {"blocklisted", RT_PRED_BLOCKLISTED, V_BOOL, NULL, 3},
    {"regex", RT_PRED_REGEX, V_REGEX, NULL, 6},
    {"visibility", RT_PRED_VISIBILITY, V_ENUM, visibilities, 0},
    {"hours", RT_PRED_HOURS, V_HOURS, NULL, 4},
};
#define NSPECS (sizeof specs / sizeof specs[0])

/* Case-folded copy of s (Unicode via utf8proc; ASCII lower-casing when s is
 * not valid UTF-8). malloc'd; NULL only when out of memory. */
char *rt_casefold(const char *s)
{
    /* Fast path: ASCII folds to lower case, and most posts are ASCII; the
     * Unicode mapping was the largest cost of a routing decision. */
    size_t len = 0;
    while (s[len] && !((unsigned char)s[len] & 0x80)) {
        len++;
    }
    if (!s[len]) {
        char *lower = malloc(len + 1);
        for (size_t i = 0; lower && i <= len; i++) {
            unsigned char c = (unsigned char)s[i];
            lower[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        return lower;
    }
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
static const char *const spec_keys[] = {
    "brand",    "category",           "severity", "signals", "lang",
    "keywords", "followers_at_least", "verified", "vip",     "blocklisted",
    "regex",    "visibility",         "hours",    NULL};
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

int rt_enum_bit(rt_pred_kind_t kind, const char *value)
{
    const struct pred_spec *spec = NULL;
    for (size_t i = 0; i < NSPECS && !spec; i++) {
        spec = specs[i].kind == kind && specs[i].operand == V_ENUM ? &specs[i] : NULL;
    }
    for (int i = 0; spec && value && spec->values[i]; i++) {
        if (kind == RT_PRED_VISIBILITY ? strcasecmp(spec->values[i], value) == 0
                                       : strcmp(spec->values[i], value) == 0) {
            return 1 << i;
        }
    }
    return 0;
}

const char *rt_pred_key(rt_pred_kind_t kind)
{
    for (size_t i = 0; i < NSPECS; i++) {
        if (specs[i].kind == kind) {
            return specs[i].key;
        }
    }
    return "?";
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

/* hours: {from: "09:00", to: "17:00", days: [mon, ...], utc_offset: "+01:00"} */
static int parse_hours(rt_ydoc_t *y, const yaml_node_t *v, const char *label, rt_hours_t *h)
{
    h->days = 0x7f;
    if (rt_y_want_map(y, v, label) < 0) {
        return -1;
    }
    int bad = rt_y_check_keys(y, v, hours_keys, label) > 0;
    static const char *const ends[2] = {"from", "to"};
    int *mins[2] = {&h->from_min, &h->to_min};
    for (int i = 0; i < 2; i++) {
        yaml_node_t *n = rt_y_get(y, v, ends[i]);
        const char *s = rt_y_scalar(n);
        if (!n) {
            rt_y_error(y, rt_y_line(v), "%s has no '%s' (a time of day such as \"09:00\")", label,
                       ends[i]);
            bad = 1;
        } else if (!s || rt_parse_clock(s, i == 1, mins[i]) < 0) {
            char shown[64];
            rt_y_error(y, rt_y_line(n),
                       "'%s' of %s must be a time of day HH:MM (00:00..%s), not %s", ends[i], label,
                       i ? "24:00" : "23:59", rt_y_show(n, shown, sizeof shown));
            bad = 1;
        }
    }
    if (!bad && h->from_min == h->to_min) {
        rt_y_error(y, rt_y_line(v), "%s is empty: 'from' equals 'to'", label);
        bad = 1;
    }
    yaml_node_t *days = rt_y_get(y, v, "days");
    if (days) {
        char **names = NULL;
        size_t n = 0;
        if (rt_y_strings(y, days, label, &names, &n) < 0) {
            return -1;
        }
        h->days = 0;
        for (size_t i = 0; i < n; i++) {
            int bit = rt_parse_day(names[i]);
            if (bit < 0) {
                rt_y_error(y, rt_y_line(days),
                           "unknown day '%s' in %s (use mon, tue, wed, thu, fri, sat, sun)",
                           names[i], label);
                bad = 1;
            } else {
                h->days |= bit;
            }
        }
        rt_strv_free(names, n);
    }
    yaml_node_t *off = rt_y_get(y, v, "utc_offset");
    if (off) {
        const char *s = rt_y_scalar(off);
        if (!s || rt_parse_utc_offset(s, &h->offset_min) < 0) {
            char shown[64];
            rt_y_error(y, rt_y_line(off),
                       "utc_offset of %s must look like \"+01:00\" or \"-05:30\" (at most "
                       "14h), not %s",
                       label, rt_y_show(off, shown, sizeof shown));
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

/* regex: PATTERN | [PATTERNS], each compiled now; a bad one is an error
 * with PCRE2's message and the offset in the pattern. */
static int parse_regex(rt_ydoc_t *y, const yaml_node_t *v, const char *label, rt_pred_t *p)
{
    if (rt_y_strings(y, v, label, &p->values, &p->nvalues) < 0) {
        return -1;
    }
    p->regex = calloc(p->nvalues, sizeof *p->regex);
    if (!p->regex) {
        rt_y_error(y, rt_y_line(v), "out of memory reading %s", label);
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < p->nvalues; i++) {
        char err[256];
        p->regex[i] = rt_regex_compile(p->values[i], err, sizeof err);
        if (!p->regex[i]) {
            rt_y_error(y, rt_y_line(v), "bad regular expression '%s' in %s: %s", p->values[i],
                       label, err);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
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
    case V_HOURS:
        return parse_hours(y, v, label, &p->hours);
    case V_REGEX:
        return parse_regex(y, v, label, p);
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
                if (strcmp(spec->values[n], p->values[i]) == 0) {
                    known = 1;
                    p->number |= (int64_t)1 << n; /* evaluated as a bit set */
                }
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
            char *folded = rt_casefold(p->values[i]);
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
        p->cost = spec->cost;
        p->line = rt_y_line(v);
        m->npreds++; /* counted before parsing so rt_match_free() sees partial values */
        if (parse_operand(y, spec, v, what, p) < 0) {
            bad = 1;
        }
    }
    if (!bad) {
        /* cheap tests first: a match fails at its first false matcher, so a
         * regex runs only on posts the category (say) already let through */
        for (size_t i = 1; i < m->npreds; i++) {
            rt_pred_t t = m->preds[i];
            size_t j = i;
            for (; j > 0 && m->preds[j - 1].cost > t.cost; j--) {
                m->preds[j] = m->preds[j - 1];
            }
            m->preds[j] = t;
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
        for (size_t j = 0; m->preds[i].regex && j < m->preds[i].nvalues; j++) {
            rt_regex_free(m->preds[i].regex[j]);
        }
        free(m->preds[i].regex);
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
        } else if (spec->operand == V_HOURS) {
            char from[8], to[8];
            snprintf(from, sizeof from, "%02d:%02d", p->hours.from_min / 60,
                     p->hours.from_min % 60);
            snprintf(to, sizeof to, "%02d:%02d", p->hours.to_min / 60, p->hours.to_min % 60);
            v = json_pack("{s:s,s:s,s:i,s:i}", "from", from, "to", to, "days", p->hours.days,
                          "utc_offset_min", p->hours.offset_min);
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
