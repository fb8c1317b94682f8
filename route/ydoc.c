/* ydoc.c -- typed reads from a libyaml document, with errors collected. */
#include "ydoc.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RT_MAX_DURATION_S (366LL * 24 * 3600) /* a year: anything longer is a typo */

static void diag_vadd(rt_diag_t *diag, const char *source, int line, const char *fmt, va_list ap)
{
    diag->total++;
    if (diag->n >= RT_DIAG_MAX) {
        return;
    }
    rt_diag_entry_t *e = &diag->errs[diag->n++];
    char reason[RT_DIAG_MSG];
    vsnprintf(reason, sizeof reason, fmt, ap);
    e->line = line;
    if (line > 0) {
        snprintf(e->msg, sizeof e->msg, "%s:%d: %s", source, line, reason);
    } else {
        snprintf(e->msg, sizeof e->msg, "%s: %s", source, reason);
    }
}

void rt_diag_add(rt_diag_t *diag, const char *source, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(diag, source, line, fmt, ap);
    va_end(ap);
}

void rt_y_error(rt_ydoc_t *y, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    diag_vadd(y->diag, y->source, line, fmt, ap);
    va_end(ap);
}

yaml_node_t *rt_y_node(rt_ydoc_t *y, int index)
{
    return yaml_document_get_node(y->doc, index);
}

int rt_y_line(const yaml_node_t *n)
{
    return n ? (int)n->start_mark.line + 1 : 0;
}

const char *rt_y_scalar(const yaml_node_t *n)
{
    return (n && n->type == YAML_SCALAR_NODE) ? (const char *)n->data.scalar.value : NULL;
}

int rt_y_is_null(const yaml_node_t *n)
{
    const char *s = rt_y_scalar(n);
    if (!s || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return 0;
    }
    return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
           strcmp(s, "NULL") == 0;
}

const char *rt_y_show(const yaml_node_t *n, char *buf, size_t size)
{
    if (!n) {
        return "nothing";
    }
    switch (n->type) {
    case YAML_MAPPING_NODE:
        return "a mapping";
    case YAML_SEQUENCE_NODE:
        return "a list";
    default:
        break;
    }
    if (rt_y_is_null(n)) {
        return "nothing";
    }
    const char *s = rt_y_scalar(n);
    if (!s || !*s) {
        return "an empty string";
    }
    snprintf(buf, size, "'%.40s%s'", s, strlen(s) > 40 ? "..." : "");
    return buf;
}

size_t rt_y_map_len(const yaml_node_t *map)
{
    if (!map || map->type != YAML_MAPPING_NODE) {
        return 0;
    }
    return (size_t)(map->data.mapping.pairs.top - map->data.mapping.pairs.start);
}

yaml_node_t *rt_y_map_key(rt_ydoc_t *y, const yaml_node_t *map, size_t i)
{
    return rt_y_node(y, map->data.mapping.pairs.start[i].key);
}

yaml_node_t *rt_y_map_value(rt_ydoc_t *y, const yaml_node_t *map, size_t i)
{
    return rt_y_node(y, map->data.mapping.pairs.start[i].value);
}

size_t rt_y_seq_len(const yaml_node_t *seq)
{
    if (!seq || seq->type != YAML_SEQUENCE_NODE) {
        return 0;
    }
    return (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start);
}

yaml_node_t *rt_y_seq_item(rt_ydoc_t *y, const yaml_node_t *seq, size_t i)
{
    return rt_y_node(y, seq->data.sequence.items.start[i]);
}

int rt_y_want_map(rt_ydoc_t *y, const yaml_node_t *n, const char *what)
{
    if (n && n->type == YAML_MAPPING_NODE) {
        return 0;
    }
    char shown[64];
    rt_y_error(y, rt_y_line(n), "%s must be a mapping (key: value), not %s", what,
               rt_y_show(n, shown, sizeof shown));
    return -1;
}

int rt_y_want_seq(rt_ydoc_t *y, const yaml_node_t *n, const char *what)
{
    if (n && n->type == YAML_SEQUENCE_NODE) {
        return 0;
    }
    char shown[64];
    rt_y_error(y, rt_y_line(n), "%s must be a list, not %s", what,
               rt_y_show(n, shown, sizeof shown));
    return -1;
}

/* Levenshtein distance, capped: words longer than 63 bytes never match. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) {
        return (size_t)-1;
    }
    size_t prev[64], cur[64];
    for (size_t j = 0; j <= lb; j++) {
        prev[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] +
                         (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            size_t best = sub < del ? sub : del;
            cur[j] = best < ins ? best : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *rt_suggest(const char *word, const char *const *candidates, size_t n)
{
    const char *best = NULL;
    size_t best_d = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_d && d < strlen(word)) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

int rt_y_check_keys(rt_ydoc_t *y, const yaml_node_t *map, const char *const *allowed,
                    const char *what)
{
    int bad = 0;
    size_t nallowed = 0;
    while (allowed && allowed[nallowed]) {
        nallowed++;
    }
    size_t len = rt_y_map_len(map);
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *k = rt_y_map_key(y, map, i);
        const char *key = rt_y_scalar(k);
        if (!key) {
            char shown[64];
            rt_y_error(y, rt_y_line(k), "a key in %s must be a plain word, not %s", what,
                       rt_y_show(k, shown, sizeof shown));
            bad++;
            continue;
        }
        int dup = 0;
        for (size_t j = 0; j < i && !dup; j++) {
            const char *other = rt_y_scalar(rt_y_map_key(y, map, j));
            dup = other && strcmp(other, key) == 0;
        }
        if (dup) {
            rt_y_error(y, rt_y_line(k), "duplicate key '%s' in %s", key, what);
            bad++;
            continue;
        }
        if (!allowed) {
            continue;
        }
        int known = 0;
        for (size_t j = 0; j < nallowed && !known; j++) {
            known = strcmp(allowed[j], key) == 0;
        }
        if (!known) {
            const char *hint = rt_suggest(key, allowed, nallowed);
            if (hint) {
                rt_y_error(y, rt_y_line(k), "unknown key '%s' in %s; did you mean '%s'?", key, what,
                           hint);
            } else {
                rt_y_error(y, rt_y_line(k), "unknown key '%s' in %s", key, what);
            }
            bad++;
        }
    }
    return bad;
}

yaml_node_t *rt_y_get(rt_ydoc_t *y, const yaml_node_t *map, const char *key)
{
    size_t len = rt_y_map_len(map);
    for (size_t i = 0; i < len; i++) {
        const char *k = rt_y_scalar(rt_y_map_key(y, map, i));
        if (k && strcmp(k, key) == 0) {
            return rt_y_map_value(y, map, i);
        }
    }
    return NULL;
}

int rt_y_key_line(rt_ydoc_t *y, const yaml_node_t *map, const char *key)
{
    size_t len = rt_y_map_len(map);
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *k = rt_y_map_key(y, map, i);
        const char *s = rt_y_scalar(k);
        if (s && strcmp(s, key) == 0) {
            return rt_y_line(k);
        }
    }
    return rt_y_line(map);
}

void rt_diag_sort(rt_diag_t *diag)
{
    for (int i = 1; i < diag->n; i++) {
        rt_diag_entry_t e = diag->errs[i];
        int j = i;
        while (j > 0 && diag->errs[j - 1].line > e.line) {
            diag->errs[j] = diag->errs[j - 1];
            j--;
        }
        diag->errs[j] = e;
    }
}

int rt_y_string(rt_ydoc_t *y, const yaml_node_t *n, const char *what, char **out)
{
    const char *s = rt_y_scalar(n);
    if (!s || rt_y_is_null(n) || *s == '\0') {
        char shown[64];
        rt_y_error(y, rt_y_line(n), "%s must be a non-empty string, not %s", what,
                   rt_y_show(n, shown, sizeof shown));
        return -1;
    }
    *out = strdup(s);
    if (!*out) {
        rt_y_error(y, rt_y_line(n), "out of memory reading %s", what);
        return -1;
    }
    return 0;
}

void rt_strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i]);
    }
    free(v);
}

int rt_strv_push(char ***v, size_t *n, const char *s)
{
    char *copy = strdup(s);
    char **grown = copy ? realloc(*v, (*n + 1) * sizeof **v) : NULL;
    if (!grown) {
        free(copy);
        return -1;
    }
    grown[*n] = copy;
    *v = grown;
    (*n)++;
    return 0;
}

int rt_y_strings(rt_ydoc_t *y, const yaml_node_t *n, const char *what, char ***out, size_t *nout)
{
    char **v = NULL;
    size_t len = 0;
    int bad = 0;
    if (n && n->type == YAML_SCALAR_NODE && !rt_y_is_null(n)) {
        char *s = NULL;
        if (rt_y_string(y, n, what, &s) < 0) {
            return -1;
        }
        v = malloc(sizeof *v);
        if (!v) {
            free(s);
            rt_y_error(y, rt_y_line(n), "out of memory reading %s", what);
            return -1;
        }
        v[0] = s;
        *out = v;
        *nout = 1;
        return 0;
    }
    char shown[64];
    if (!n || n->type != YAML_SEQUENCE_NODE || rt_y_seq_len(n) == 0) {
        rt_y_error(y, rt_y_line(n), "%s must be a string or a non-empty list of strings, not %s",
                   what,
                   (n && n->type == YAML_SEQUENCE_NODE) ? "an empty list"
                                                        : rt_y_show(n, shown, sizeof shown));
        return -1;
    }
    for (size_t i = 0; i < rt_y_seq_len(n); i++) {
        yaml_node_t *item = rt_y_seq_item(y, n, i);
        const char *s = rt_y_scalar(item);
        if (!s || rt_y_is_null(item) || *s == '\0') {
            rt_y_error(y, rt_y_line(item), "every item of %s must be a non-empty string, not %s",
                       what, rt_y_show(item, shown, sizeof shown));
            bad = 1;
            continue;
        }
        if (rt_strv_push(&v, &len, s) < 0) {
            rt_y_error(y, rt_y_line(item), "out of memory reading %s", what);
            bad = 1;
            break;
        }
    }
    if (bad) {
        rt_strv_free(v, len);
        return -1;
    }
    *out = v;
    *nout = len;
    return 0;
}

int rt_y_bool(rt_ydoc_t *y, const yaml_node_t *n, const char *what, int *out)
{
    const char *s = rt_y_scalar(n);
    if (s && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)) {
        *out = 1;
        return 0;
    }
    if (s && (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)) {
        *out = 0;
        return 0;
    }
    char shown[64];
    rt_y_error(y, rt_y_line(n), "%s must be true or false, not %s", what,
               rt_y_show(n, shown, sizeof shown));
    return -1;
}

int rt_y_int(rt_ydoc_t *y, const yaml_node_t *n, const char *what, int64_t min, int64_t max,
             int64_t *out)
{
    const char *s = rt_y_scalar(n);
    if (s && *s) {
        char *end = NULL;
        errno = 0;
        long long v = strtoll(s, &end, 10);
        if (errno == 0 && end && *end == '\0' && v >= min && v <= max) {
            *out = v;
            return 0;
        }
    }
    char shown[64];
    rt_y_error(y, rt_y_line(n), "%s must be a whole number from %lld to %lld, not %s", what,
               (long long)min, (long long)max, rt_y_show(n, shown, sizeof shown));
    return -1;
}

int rt_y_number(rt_ydoc_t *y, const yaml_node_t *n, const char *what, double *out)
{
    const char *s = rt_y_scalar(n);
    if (s && *s) {
        char *end = NULL;
        errno = 0;
        double v = strtod(s, &end);
        if (errno == 0 && end && *end == '\0' && v == v) {
            *out = v;
            return 0;
        }
    }
    char shown[64];
    rt_y_error(y, rt_y_line(n), "%s must be a number, not %s", what,
               rt_y_show(n, shown, sizeof shown));
    return -1;
}

int rt_parse_duration(const char *s, int64_t *seconds)
{
    if (!s || !*s) {
        return -1;
    }
    int64_t total = 0;
    const char *p = s;
    int units = 0;
    while (*p) {
        if (!isdigit((unsigned char)*p)) {
            return -1;
        }
        int64_t v = 0;
        while (isdigit((unsigned char)*p)) {
            v = v * 10 + (*p - '0');
            if (v > RT_MAX_DURATION_S) {
                return -1;
            }
            p++;
        }
        int64_t mult;
        switch (*p) {
        case '\0':
            if (units) {
                return -1; /* "1h30" is ambiguous */
            }
            mult = 1;
            break;
        case 's':
            mult = 1;
            break;
        case 'm':
            mult = 60;
            break;
        case 'h':
            mult = 3600;
            break;
        case 'd':
            mult = 86400;
            break;
        default:
            return -1;
        }
        if (*p) {
            p++;
            units++;
        }
        total += v * mult;
        if (total > RT_MAX_DURATION_S) {
            return -1;
        }
    }
    if (total <= 0) {
        return -1;
    }
    *seconds = total;
    return 0;
}

int rt_y_duration(rt_ydoc_t *y, const yaml_node_t *n, const char *what, int64_t *seconds)
{
    const char *s = rt_y_scalar(n);
    char shown[64];
    if (s && rt_parse_duration(s, seconds) == 0) {
        return 0;
    }
    rt_y_error(y, rt_y_line(n),
               "bad duration %s for %s (use e.g. 90s, 15m, 1h, 2d, 1h30m or seconds; "
               "more than 0, at most 366d)",
               rt_y_show(n, shown, sizeof shown), what);
    return -1;
}
