/* explain.c -- `outcry-route explain`: which rules a post met, and why. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpost.h"
#include "match.h"
#include "preds.h"
#include "route.h"

#define WHY_MAX 512 /* bytes of one matcher's explanation */

/* "a, b, c" of p's values (regexes as /p/). */
static void values_list(const rt_pred_t *p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < p->nvalues && used < size; i++) {
        const char *fmt = p->kind == RT_PRED_REGEX ? "%s/%s/" : "%s%s";
        int w = snprintf(buf + used, size - used, fmt, i ? ", " : "", p->values[i]);
        used += w > 0 ? (size_t)w : 0;
    }
}

static void why_one_of(char *buf, size_t size, const char *field, const char *value, int holds,
                       const char *list)
{
    if (!value) {
        snprintf(buf, size, "the post has no %s (wanted one of %s)", field, list);
    } else {
        snprintf(buf, size, "%s \"%s\" is %sone of %s", field, value, holds ? "" : "not ", list);
    }
}

static void why_listed(char *buf, size_t size, const rt_view_t *v, const char *list_name, int holds,
                       int flag)
{
    int listed = holds == flag; /* holds = (listed == flag) */
    if (!v->brand_cfg) {
        snprintf(buf, size, "brand \"%s\" has no settings, so author %s is on no %s (wanted %s)",
                 v->brand ? v->brand : "", v->author_id ? v->author_id : "?", list_name,
                 flag ? "listed" : "not listed");
        return;
    }
    snprintf(buf, size, "author %s is %son the %s of brand %s (wanted %s)",
             v->author_id ? v->author_id : "?", listed ? "" : "not ", list_name, v->brand_cfg->name,
             flag ? "listed" : "not listed");
}

/* A human sentence on why p does (holds) or does not hold for the post. */
static void why_pred(rt_view_t *v, const rt_pred_t *p, int holds, char *buf, size_t size)
{
    char list[WHY_MAX / 2];
    values_list(p, list, sizeof list);
    switch (p->kind) {
    case RT_PRED_BRAND:
        why_one_of(buf, size, "brand", v->brand, holds, list);
        return;
    case RT_PRED_CATEGORY:
        why_one_of(buf, size, "category", v->category, holds, list);
        return;
    case RT_PRED_SEVERITY:
        why_one_of(buf, size, "severity", v->severity, holds, list);
        return;
    case RT_PRED_LANG:
        why_one_of(buf, size, "lang", v->lang, holds, list);
        return;
    case RT_PRED_VISIBILITY:
        why_one_of(buf, size, "visibility", v->visibility, holds, list);
        return;
    case RT_PRED_SIGNALS:
        snprintf(buf, size, "signals (%zu) include %s of %s", v->nsignals, holds ? "one" : "none",
                 list);
        return;
    case RT_PRED_KEYWORDS:
        snprintf(buf, size, "text contains %s of the keywords %s", holds ? "one" : "none", list);
        return;
    case RT_PRED_REGEX:
        snprintf(buf, size, "text %s %s", holds ? "matches one of" : "matches none of", list);
        if (v->utf_state < 0) {
            snprintf(buf, size, "text is not valid UTF-8, so no pattern matches it");
        }
        return;
    case RT_PRED_FOLLOWERS_AT_LEAST:
        snprintf(buf, size, "followers %lld %s %lld", (long long)v->followers, holds ? ">=" : "<",
                 (long long)p->number);
        return;
    case RT_PRED_VERIFIED:
        snprintf(buf, size, "author.verified is %s (wanted %s)", v->verified ? "true" : "false",
                 p->flag ? "true" : "false");
        return;
    case RT_PRED_VIP:
        why_listed(buf, size, v, "vip list", holds, p->flag);
        return;
    case RT_PRED_BLOCKLISTED:
        why_listed(buf, size, v, "blocklist", holds, p->flag);
        return;
    case RT_PRED_HOURS: {
        char window[128];
        rt_hours_format(&p->hours, window, sizeof window);
        if (v->time_state < 0) {
            snprintf(buf, size, "created_at is missing or not RFC 3339 (window %s)", window);
        } else {
            snprintf(buf, size, "created_at %s is %swithin %s", v->created_at, holds ? "" : "not ",
                     window);
        }
        return;
    }
    }
    snprintf(buf, size, "?");
}

/* Evaluates every matcher of m (not stopping at the first false, so the
 * reader sees them all). Returns 1/0 for the match, -1 out of memory; the
 * matchers' results go into arr (JSON objects) when not NULL. */
static int explain_match(rt_view_t *v, const rt_match_t *m, json_t *arr)
{
    int all = 1;
    for (size_t i = 0; i < m->npreds; i++) {
        const rt_pred_t *p = &m->preds[i];
        int h = rt_pred_holds(v, p);
        if (h < 0) {
            return -1;
        }
        char why[WHY_MAX];
        why_pred(v, p, h, why, sizeof why);
        all &= h;
        json_array_append_new(arr, json_pack("{s:s,s:b,s:s}", "matcher", rt_pred_key(p->kind),
                                             "holds", h, "why", why));
    }
    return all;
}

/* The explanation of one post (read as rt_process() reads it) as JSON (new
 * reference), or NULL. */
static json_t *explain_post(const rt_rules_t *rules, const oc_fpost_t *post)
{
    rt_view_t v;
    json_t *tried = json_array();
    json_t *boosts = json_array();
    json_t *out = json_pack("{s:s,s:o,s:o}", "id", post->id, "tried", tried, "boosts", boosts);
    if (rt_view_init(&v, rules, post->root) < 0) {
        goto fail;
    }
    const char *note = NULL;
    if (post->outbound) {
        note = "outbound: passed to routed unchanged (rules shown as if it were a complaint)";
    } else if (!cJSON_IsTrue(oc_fp_get(oc_fp_get(post->root, "classification"), "complaint"))) {
        note = "not a complaint: routed nowhere (rules shown as if it were one)";
    }
    if (note) {
        json_object_set_new(out, "note", json_string(note));
    }
    const rt_rule_t *decided = NULL;
    for (size_t i = 0; !decided && i < rules->nrules; i++) {
        const rt_rule_t *r = &rules->rules[i];
        json_t *preds = json_array();
        int h = r->is_default ? 1 : explain_match(&v, &r->match, preds);
        if (h < 0) {
            json_decref(preds);
            goto fail;
        }
        json_array_append_new(tried,
                              json_pack("{s:s,s:i,s:b,s:b,s:o}", "rule", r->name, "line", r->line,
                                        "default", r->is_default, "matched", h, "matchers", preds));
        if (h) {
            decided = r;
        }
    }
    if (decided && !decided->suppress) {
        for (size_t i = 0; i < rules->nboosts; i++) {
            const rt_boost_t *b = &rules->boosts[i];
            json_t *preds = json_array();
            int h = explain_match(&v, &b->when, preds);
            if (h < 0) {
                json_decref(preds);
                goto fail;
            }
            char label[160];
            if (b->name) {
                snprintf(label, sizeof label, "%s", b->name);
            } else {
                snprintf(label, sizeof label, "#%zu", i + 1);
            }
            json_array_append_new(boosts, json_pack("{s:s,s:i,s:i,s:b,s:o}", "boost", label, "line",
                                                    b->line, "steps", b->steps, "matched", h,
                                                    "matchers", preds));
        }
    }
    rt_view_free(&v);
    rt_decision_t d;
    if (rt_decide(rules, post->root, &d) < 0) {
        json_decref(out);
        return NULL;
    }
    if (d.rule->suppress) {
        json_object_set_new(out, "suppressed", json_string(d.rule->name));
    } else if (json_object_set_new(out, "routing", rt_routing_new(&d)) < 0) {
        json_decref(out);
        return NULL;
    }
    return out;
fail:
    rt_view_free(&v);
    json_decref(out);
    return NULL;
}

static void print_matchers(FILE *f, const json_t *preds)
{
    size_t i;
    const json_t *m;
    json_array_foreach(preds, i, m)
    {
        fprintf(f, "      %s %s: %s\n", json_is_true(json_object_get(m, "holds")) ? "+" : "-",
                json_string_value(json_object_get(m, "matcher")),
                json_string_value(json_object_get(m, "why")));
    }
}

static void print_human(FILE *f, const json_t *e)
{
    size_t i;
    const json_t *t;
    fprintf(f, "post %s\n", json_string_value(json_object_get(e, "id")));
    if (json_object_get(e, "note")) {
        fprintf(f, "  note: %s\n", json_string_value(json_object_get(e, "note")));
    }
    json_array_foreach(json_object_get(e, "tried"), i, t)
    {
        int matched = json_is_true(json_object_get(t, "matched"));
        int def = json_is_true(json_object_get(t, "default"));
        fprintf(f, "  rule '%s' (line %lld): %s\n", json_string_value(json_object_get(t, "rule")),
                (long long)json_integer_value(json_object_get(t, "line")),
                def       ? "DEFAULT (no other rule matched)"
                : matched ? "MATCH"
                          : "no");
        print_matchers(f, json_object_get(t, "matchers"));
    }
    json_array_foreach(json_object_get(e, "boosts"), i, t)
    {
        fprintf(f, "  boost %s (line %lld, +%lld): %s\n",
                json_string_value(json_object_get(t, "boost")),
                (long long)json_integer_value(json_object_get(t, "line")),
                (long long)json_integer_value(json_object_get(t, "steps")),
                json_is_true(json_object_get(t, "matched")) ? "APPLIES" : "no");
        print_matchers(f, json_object_get(t, "matchers"));
    }
    const json_t *r = json_object_get(e, "routing");
    if (r) {
        fprintf(f, "  => team %s, priority %s, policy %s, first reply in %llds (rule '%s')\n\n",
                json_string_value(json_object_get(r, "team")),
                json_string_value(json_object_get(r, "priority")),
                json_string_value(json_object_get(r, "policy")),
                (long long)json_integer_value(
                    json_object_get(json_object_get(r, "sla"), "first_reply_s")),
                json_string_value(json_object_get(r, "rule")));
    } else {
        fprintf(f, "  => suppressed by rule '%s': routed to no team\n\n",
                json_string_value(json_object_get(e, "suppressed")));
    }
}

int rt_cmd_explain(int argc, char **argv)
{
    const char *path = getenv("OUTCRY_RULES");
    int as_json = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            as_json = 1;
        } else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Usage: outcry-route explain [--rules FILE] [--json] < posts.jsonl\n"
                   "For each classified post on stdin: the rules tried in order, each matcher\n"
                   "with why it held or not, the boosts, and the decision. --json prints one\n"
                   "JSON object per post instead.\n");
            return 0;
        } else {
            fprintf(stderr, "outcry-route: explain: unknown argument '%s' (see --help)\n", argv[i]);
            return 2;
        }
    }
    rt_diag_t *diag = malloc(sizeof *diag);
    if (!diag) {
        fprintf(stderr, "outcry-route: out of memory\n");
        return 1;
    }
    rt_rules_t *rules =
        path && *path ? rt_rules_load_file(path, diag) : rt_rules_load_default(diag);
    if (!rules) {
        for (int i = 0; i < diag->n; i++) {
            fprintf(stderr, "%s\n", diag->errs[i].msg);
        }
        fprintf(stderr, "outcry-route: explain: the rules were refused; fix them first\n");
        free(diag);
        return 2;
    }
    free(diag);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        lineno++;
        char err[256];
        if (strspn(line, " \t\r\n") == (size_t)n) {
            continue;
        }
        oc_fpost_t post;
        const char *code = NULL;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            n--;
        }
        if (oc_fp_parse(&post, line, (size_t)n, &code, err, sizeof err) < 0) {
            fprintf(stderr, "outcry-route: explain: line %ld skipped: %s\n", lineno, err);
            rc = 1;
            continue;
        }
        json_t *e = explain_post(rules, &post);
        oc_fp_free(&post);
        if (!e) {
            fprintf(stderr, "outcry-route: explain: out of memory at line %ld\n", lineno);
            rc = 1;
            break;
        }
        if (as_json) {
            char *s = json_dumps(e, JSON_COMPACT);
            if (s) {
                puts(s);
            }
            free(s);
        } else {
            print_human(stdout, e);
        }
        json_decref(e);
    }
    free(line);
    rt_rules_free(rules);
    return rc;
}
