/* rules.c -- loading and validating a rule set from YAML (libyaml document API). */
#include "rules.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "match.h"
#include "rulelist.h"
#include "ydoc.h"

#define RT_RULES_MAX_FILE (4 * 1024 * 1024) /* a rules file is text a human edits */
#define RT_NAME_MAX       100               /* team names end up in topic names */

static const char *const top_keys[] = {"version", "teams",  "policies", "brands",
                                       "rules",   "boosts", NULL};
static const char *const policy_keys[] = {"p1", "p2", "p3", "p4", "warn_at", "escalate_at", NULL};
static const char *const brand_keys[] = {"accounts", "vip", "blocklist", NULL};
static const char *const prio_names[RT_NPRIO] = {"p1", "p2", "p3", "p4"};

const char *rt_priority_name(int priority)
{
    return (priority >= 1 && priority <= RT_NPRIO) ? prio_names[priority - 1] : "p?";
}

static int valid_team_name(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > RT_NAME_MAX) {
        return 0;
    }
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

static void load_version(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    yaml_node_t *v = rt_y_get(y, root, "version");
    int64_t version = 0;
    if (!v) {
        rt_y_error(y, rt_y_line(root), "missing 'version: 1' (the format version)");
        return;
    }
    if (rt_y_int(y, v, "'version'", 1, INT32_MAX, &version) < 0) {
        return;
    }
    if (version != 1) {
        rt_y_error(y, rt_y_line(v), "unsupported version %lld; this outcry-route reads version 1",
                   (long long)version);
        return;
    }
    r->version = (int)version;
}

static void load_teams(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    yaml_node_t *seq = rt_y_get(y, root, "teams");
    if (!seq) {
        rt_y_error(y, rt_y_line(root), "missing 'teams:' (the list of teams rules route to)");
        return;
    }
    if (rt_y_want_seq(y, seq, "'teams'") < 0) {
        return;
    }
    size_t len = rt_y_seq_len(seq);
    if (len == 0) {
        rt_y_error(y, rt_y_key_line(y, root, "teams"), "'teams' is empty; list at least one team");
        return;
    }
    r->teams = calloc(len, sizeof *r->teams);
    if (!r->teams) {
        rt_y_error(y, rt_y_line(seq), "out of memory reading 'teams'");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *item = rt_y_seq_item(y, seq, i);
        char *name = NULL;
        if (rt_y_string(y, item, "a team name", &name) < 0) {
            continue;
        }
        if (!valid_team_name(name)) {
            rt_y_error(y, rt_y_line(item),
                       "bad team name '%s': use letters, digits, '.', '_' and '-' (at most %d); "
                       "it becomes the topic name team.%s",
                       name, RT_NAME_MAX, name);
            free(name);
            continue;
        }
        if (rt_rules_team_index(r, name) >= 0) {
            rt_y_error(y, rt_y_line(item), "team '%s' is listed twice", name);
            free(name);
            continue;
        }
        r->teams[r->nteams].name = name;
        r->teams[r->nteams].line = rt_y_line(item);
        r->nteams++;
    }
}

static void load_policy(rt_ydoc_t *y, const char *name, const yaml_node_t *map, rt_policy_t *p)
{
    char what[160], label[200];
    snprintf(what, sizeof what, "policy '%s'", name);
    p->warn_at = 0.75;
    p->escalate_at = 2.0;
    if (rt_y_want_map(y, map, what) < 0) {
        return;
    }
    rt_y_check_keys(y, map, policy_keys, what);
    for (int i = 0; i < RT_NPRIO; i++) {
        yaml_node_t *v = rt_y_get(y, map, prio_names[i]);
        snprintf(label, sizeof label, "%s in %s", prio_names[i], what);
        if (!v) {
            rt_y_error(y, rt_y_line(map), "missing %s (the first-reply target for %s)", label,
                       prio_names[i]);
            continue;
        }
        rt_y_duration(y, v, label, &p->target_s[i]);
    }
    yaml_node_t *w = rt_y_get(y, map, "warn_at");
    snprintf(label, sizeof label, "warn_at in %s", what);
    if (w && rt_y_number(y, w, label, &p->warn_at) == 0 && !(p->warn_at > 0 && p->warn_at < 1)) {
        rt_y_error(y, rt_y_line(w),
                   "%s must lie between 0 and 1 (a fraction of the target), not %g", label,
                   p->warn_at);
    }
    yaml_node_t *e = rt_y_get(y, map, "escalate_at");
    snprintf(label, sizeof label, "escalate_at in %s", what);
    if (e && rt_y_number(y, e, label, &p->escalate_at) == 0 &&
        !(p->escalate_at >= 1 && p->escalate_at <= 100)) {
        rt_y_error(y, rt_y_line(e), "%s must be from 1 to 100 (a multiple of the target), not %g",
                   label, p->escalate_at);
    }
}

static void load_policies(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    yaml_node_t *map = rt_y_get(y, root, "policies");
    if (!map) {
        rt_y_error(y, rt_y_line(root), "missing 'policies:' (the SLA policies rules refer to)");
        return;
    }
    if (rt_y_want_map(y, map, "'policies'") < 0) {
        return;
    }
    rt_y_check_keys(y, map, NULL, "'policies'");
    size_t len = rt_y_map_len(map);
    if (len == 0) {
        rt_y_error(y, rt_y_key_line(y, root, "policies"),
                   "'policies' is empty; define at least one SLA policy");
        return;
    }
    r->policies = calloc(len, sizeof *r->policies);
    if (!r->policies) {
        rt_y_error(y, rt_y_line(map), "out of memory reading 'policies'");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        const char *name = rt_y_scalar(rt_y_map_key(y, map, i));
        int dup = 0;
        for (size_t j = 0; name && j < r->npolicies; j++) {
            dup |= strcmp(r->policies[j].name, name) == 0;
        }
        if (!name || !*name || dup) {
            continue; /* reported by rt_y_check_keys */
        }
        rt_policy_t *p = &r->policies[r->npolicies];
        p->name = strdup(name);
        if (!p->name) {
            rt_y_error(y, rt_y_line(map), "out of memory reading 'policies'");
            return;
        }
        p->line = rt_y_line(rt_y_map_key(y, map, i));
        r->npolicies++;
        load_policy(y, name, rt_y_map_value(y, map, i), p);
    }
}

static void load_brands(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    yaml_node_t *map = rt_y_get(y, root, "brands");
    if (!map || rt_y_is_null(map)) {
        return; /* optional */
    }
    if (rt_y_want_map(y, map, "'brands'") < 0) {
        return;
    }
    rt_y_check_keys(y, map, NULL, "'brands'");
    size_t len = rt_y_map_len(map);
    r->brands = calloc(len ? len : 1, sizeof *r->brands);
    if (!r->brands) {
        rt_y_error(y, rt_y_line(map), "out of memory reading 'brands'");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        yaml_node_t *k = rt_y_map_key(y, map, i);
        const char *name = rt_y_scalar(k);
        const rt_brand_t *seen = name ? rt_rules_brand(r, name) : NULL;
        if (!name || !*name || seen) {
            /* an identical key is reported by rt_y_check_keys already */
            if (seen && strcmp(seen->name, name) != 0) {
                rt_y_error(y, rt_y_line(k), "brand '%s' is already an account of brand '%s'", name,
                           seen->name);
            }
            continue;
        }
        rt_brand_t *b = &r->brands[r->nbrands];
        b->name = strdup(name);
        if (!b->name) {
            rt_y_error(y, rt_y_line(k), "out of memory reading 'brands'");
            return;
        }
        b->line = rt_y_line(k);
        r->nbrands++;
        yaml_node_t *v = rt_y_map_value(y, map, i);
        if (rt_y_is_null(v)) {
            continue;
        }
        char what[160], label[200];
        snprintf(what, sizeof what, "brand '%s'", name);
        if (rt_y_want_map(y, v, what) < 0) {
            continue;
        }
        rt_y_check_keys(y, v, brand_keys, what);
        yaml_node_t *acc = rt_y_get(y, v, "accounts");
        snprintf(label, sizeof label, "accounts of %s", what);
        if (acc) {
            rt_y_strings(y, acc, label, &b->accounts, &b->naccounts);
        }
        yaml_node_t *vip = rt_y_get(y, v, "vip");
        snprintf(label, sizeof label, "vip of %s", what);
        if (vip) {
            rt_y_strings(y, vip, label, &b->vip, &b->nvip);
        }
        yaml_node_t *block = rt_y_get(y, v, "blocklist");
        snprintf(label, sizeof label, "blocklist of %s", what);
        if (block) {
            rt_y_strings(y, block, label, &b->blocklist, &b->nblocklist);
        }
    }
}

static void load_root(rt_ydoc_t *y, const yaml_node_t *root, rt_rules_t *r)
{
    if (rt_y_want_map(y, root, "the rules file") < 0) {
        return;
    }
    rt_y_check_keys(y, root, top_keys, "the rules file");
    /* Fixed order, whatever the file's: rules refer to teams and policies. */
    load_version(y, root, r);
    load_teams(y, root, r);
    load_policies(y, root, r);
    load_brands(y, root, r);
    rt_load_rules(y, root, r);
    rt_load_boosts(y, root, r);
}

static void syntax_error(rt_diag_t *diag, const char *source, const yaml_parser_t *p)
{
    int line = (int)p->problem_mark.line + 1;
    if (p->context) {
        rt_diag_add(diag, source, line, "YAML syntax error: %s %s (line %d)", p->problem,
                    p->context, (int)p->context_mark.line + 1);
    } else {
        rt_diag_add(diag, source, line, "YAML syntax error: %s",
                    p->problem ? p->problem : "cannot parse");
    }
}

rt_rules_t *rt_rules_load_string(const char *yaml, size_t len, const char *source, rt_diag_t *diag)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    rt_rules_t *r = NULL;
    memset(diag, 0, sizeof *diag);
    if (!yaml_parser_initialize(&parser)) {
        rt_diag_add(diag, source, 0, "out of memory starting the YAML parser");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)yaml, len);
    if (!yaml_parser_load(&parser, &doc)) {
        syntax_error(diag, source, &parser);
        yaml_parser_delete(&parser);
        return NULL;
    }
    rt_ydoc_t y = {.doc = &doc, .source = source, .diag = diag};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        rt_diag_add(diag, source, 0, "the rules file is empty; start from rules.example.yaml");
        goto out;
    }
    yaml_document_t more;
    if (!yaml_parser_load(&parser, &more)) {
        syntax_error(diag, source, &parser);
    } else {
        yaml_node_t *extra = yaml_document_get_root_node(&more);
        if (extra) {
            rt_diag_add(diag, source, rt_y_line(extra),
                        "a second YAML document ('---'); keep all rules in one document");
        }
        yaml_document_delete(&more);
    }
    r = calloc(1, sizeof *r);
    if (!r || !(r->source = strdup(source))) {
        rt_diag_add(diag, source, 0, "out of memory loading the rules");
        goto out;
    }
    load_root(&y, root, r);
    r->hash = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        r->hash = (r->hash ^ (unsigned char)yaml[i]) * 1099511628211ULL;
    }
out:
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (diag->total > 0) {
        rt_diag_sort(diag);
        rt_rules_free(r);
        return NULL;
    }
    return r;
}

rt_rules_t *rt_rules_load_file(const char *path, rt_diag_t *diag)
{
    memset(diag, 0, sizeof *diag);
    FILE *f = fopen(path, "rb");
    if (!f) {
        rt_diag_add(diag, path, 0, "cannot open the rules file: %s", strerror(errno));
        return NULL;
    }
    char *buf = malloc(RT_RULES_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, RT_RULES_MAX_FILE + 1, f) : 0;
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed) {
        rt_diag_add(diag, path, 0, "cannot read the rules file%s", buf ? "" : ": out of memory");
        free(buf);
        return NULL;
    }
    if (n > RT_RULES_MAX_FILE) {
        rt_diag_add(diag, path, 0, "the rules file is larger than %d bytes", RT_RULES_MAX_FILE);
        free(buf);
        return NULL;
    }
    rt_rules_t *r = rt_rules_load_string(buf, n, path, diag);
    free(buf);
    return r;
}

rt_rules_t *rt_rules_load_default(rt_diag_t *diag)
{
    return rt_rules_load_string(rt_default_rules_yaml, strlen(rt_default_rules_yaml),
                                "<built-in rules>", diag);
}

void rt_rules_free(rt_rules_t *r)
{
    if (!r) {
        return;
    }
    for (size_t i = 0; i < r->nteams; i++) {
        free(r->teams[i].name);
    }
    for (size_t i = 0; i < r->npolicies; i++) {
        free(r->policies[i].name);
    }
    for (size_t i = 0; i < r->nbrands; i++) {
        free(r->brands[i].name);
        rt_strv_free(r->brands[i].accounts, r->brands[i].naccounts);
        rt_strv_free(r->brands[i].vip, r->brands[i].nvip);
        rt_strv_free(r->brands[i].blocklist, r->brands[i].nblocklist);
    }
    for (size_t i = 0; i < r->nrules; i++) {
        free(r->rules[i].name);
        rt_match_free(&r->rules[i].match);
        rt_strv_free(r->rules[i].tags, r->rules[i].ntags);
    }
    for (size_t i = 0; i < r->nboosts; i++) {
        free(r->boosts[i].name);
        rt_match_free(&r->boosts[i].when);
    }
    free(r->teams);
    free(r->policies);
    free(r->brands);
    free(r->rules);
    free(r->boosts);
    free(r->source);
    free(r);
}

int rt_rules_team_index(const rt_rules_t *r, const char *name)
{
    for (size_t i = 0; i < r->nteams; i++) {
        if (strcmp(r->teams[i].name, name) == 0) {
            return (int)i;
        }
    }
    return -1;
}

const rt_brand_t *rt_rules_brand(const rt_rules_t *r, const char *name)
{
    for (size_t i = 0; i < r->nbrands; i++) {
        const rt_brand_t *b = &r->brands[i];
        if (strcasecmp(b->name, name) == 0) {
            return b;
        }
        for (size_t j = 0; j < b->naccounts; j++) {
            if (strcasecmp(b->accounts[j], name) == 0) {
                return b;
            }
        }
    }
    return NULL;
}
