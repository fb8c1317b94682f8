/* rules.h -- the routing rule set: load, validate, free.
 *
 * A rule set is read from a YAML file (docs/routing.md, route/rules.example.yaml)
 * or from the built-in defaults, through one loader. Loading validates the
 * whole file and collects every error with its line, so a user fixes them in
 * one round; a rule set that loaded is complete and consistent (every rule
 * names a known team and policy, exactly one default rule comes last), and
 * the matcher relies on that. */
#ifndef RT_RULES_H
#define RT_RULES_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define RT_NPRIO    4   /* p1 (most urgent) .. p4 */
#define RT_DIAG_MAX 64  /* errors kept per load; more are counted, not kept */
#define RT_DIAG_MSG 320 /* bytes of one error message */

/* What a matcher looks at. New kinds (regex, time of day, DM vs public,
 * lists) are added here, in match.c's table and in rt_pred_t's fields. */
typedef enum rt_pred_kind {
    RT_PRED_BRAND = 0,          /* post.brand, case-insensitive, any of values */
    RT_PRED_CATEGORY,           /* classification.category, any of values */
    RT_PRED_SEVERITY,           /* classification.severity, any of values */
    RT_PRED_SIGNALS,            /* classification.signals contains any of values */
    RT_PRED_LANG,               /* post.lang equals, or has as prefix + '-', any of values */
    RT_PRED_KEYWORDS,           /* text contains any of values (casefolded) */
    RT_PRED_FOLLOWERS_AT_LEAST, /* author.followers >= number */
    RT_PRED_VERIFIED,           /* author.verified == flag */
    RT_PRED_VIP,                /* (author.id in the brand's vip list) == flag */
    RT_PRED_BLOCKLISTED,        /* (author.id in the brand's blocklist) == flag */
    RT_PRED_REGEX,              /* text matches any of the compiled patterns */
    RT_PRED_VISIBILITY,         /* post.visibility ("public" when absent), any of values */
    RT_PRED_HOURS               /* created_at falls in a weekly time window */
} rt_pred_kind_t;

/* A compiled PCRE2 pattern (regex.c); opaque outside it. */
typedef struct rt_regex rt_regex_t;

/* A weekly window of local time: days and [from, to) minutes of the day, at a
 * fixed offset from UTC. from > to wraps past midnight (22:00-06:00 belongs
 * to the day it starts on). */
typedef struct rt_hours {
    int from_min;   /* start, minutes after local midnight, 0..1439 */
    int to_min;     /* end (exclusive), 0..1440 */
    int days;       /* bit 0 = Monday .. bit 6 = Sunday; 0x7f when not given */
    int offset_min; /* local time minus UTC, in minutes (+60 for "+01:00") */
} rt_hours_t;

/* One matcher of a match: a test on one aspect of the post. */
typedef struct rt_pred {
    rt_pred_kind_t kind; /* which test */
    char **values;       /* string operands, any of which may hold; owned */
    size_t nvalues;      /* entries in values */
    int64_t number;      /* followers_at_least: the count; category, severity,
                          * visibility: the set of accepted value bits */
    int flag;            /* boolean operand (verified, vip, blocklisted) */
    rt_regex_t **regex;  /* regex: one compiled pattern per values[i]; owned */
    rt_hours_t hours;    /* hours: the window */
    int cost;            /* evaluation order inside a match: cheap tests first */
    int line;            /* line in the rules file, for messages */
} rt_pred_t;

/* A conjunction of matchers; an empty match holds for every post. */
typedef struct rt_match {
    rt_pred_t *preds; /* all must hold; owned */
    size_t npreds;    /* entries in preds */
} rt_match_t;

typedef struct rt_team {
    char *name; /* team name, also the topic suffix team.<name>; owned */
    int line;   /* where it was declared */
} rt_team_t;

typedef struct rt_policy {
    char *name;                 /* policy name; owned */
    int64_t target_s[RT_NPRIO]; /* first-reply target in seconds, p1 first */
    double warn_at;             /* warning at this fraction of the target */
    double escalate_at;         /* escalation at this multiple of the target */
    int line;                   /* where it was declared */
} rt_policy_t;

typedef struct rt_brand {
    char *name;        /* the brand as posts name it; owned */
    char **accounts;   /* the brand's own accounts, also accepted as its name; owned */
    size_t naccounts;  /* entries in accounts */
    char **vip;        /* author ids treated as VIP; owned */
    size_t nvip;       /* entries in vip */
    char **blocklist;  /* author ids the blocklisted matcher flags; owned */
    size_t nblocklist; /* entries in blocklist */
    int line;          /* where it was declared */
} rt_brand_t;

typedef struct rt_rule {
    char *name;       /* unique; written into routing.rule; owned */
    int is_default;   /* 1 for the fallback rule (last, no match) */
    int suppress;     /* 1: a post it decides is routed nowhere (counted) */
    rt_match_t match; /* when the rule applies */
    size_t team;      /* index into rt_rules_t.teams */
    int priority;     /* 1..RT_NPRIO before boosts */
    size_t policy;    /* index into rt_rules_t.policies */
    char **tags;      /* copied into routing.tags; owned */
    size_t ntags;     /* entries in tags */
    int line;         /* where the rule starts */
} rt_rule_t;

typedef struct rt_boost {
    char *name;      /* optional label for logs and docs, or NULL; owned */
    rt_match_t when; /* when the boost applies */
    int steps;       /* priority steps it raises (>= 1) */
    int line;        /* where it starts */
} rt_boost_t;

typedef struct rt_rules {
    char *source;          /* file name (or "<built-in>") for messages; owned */
    int version;           /* format version (1) */
    rt_team_t *teams;      /* declared teams, in file order; owned */
    size_t nteams;         /* entries in teams */
    rt_policy_t *policies; /* SLA policies, in file order; owned */
    size_t npolicies;      /* entries in policies */
    rt_brand_t *brands;    /* brand settings; owned */
    size_t nbrands;        /* entries in brands */
    rt_rule_t *rules;      /* ordered, first match wins, default last; owned */
    size_t nrules;         /* entries in rules */
    rt_boost_t *boosts;    /* priority boosts, all applied; owned */
    size_t nboosts;        /* entries in boosts */
    uint64_t hash;         /* FNV-1a of the file's bytes, to tell versions apart */
} rt_rules_t;

/* One validation error. */
typedef struct rt_diag_entry {
    int line;              /* 1-based line in the file, 0 when not tied to one */
    char msg[RT_DIAG_MSG]; /* "rules.yaml:12: unknown key 'tema' in rule 'billing'" */
} rt_diag_entry_t;

/* Every error of one load, in the order found. */
typedef struct rt_diag {
    rt_diag_entry_t errs[RT_DIAG_MAX]; /* the first RT_DIAG_MAX errors */
    int n;                             /* entries used in errs */
    int total;                         /* errors found, including those not kept */
} rt_diag_t;

/* The built-in rules, equivalent to route/rules.example.yaml (defaults.c). */
extern const char rt_default_rules_yaml[];

/* Loads and validates a rules file. Returns a rule set to free with
 * rt_rules_free(), or NULL with every error in diag (which is reset first). */
rt_rules_t *rt_rules_load_file(const char *path, rt_diag_t *diag);

/* Same for YAML in memory; source names it in messages. */
rt_rules_t *rt_rules_load_string(const char *yaml, size_t len, const char *source, rt_diag_t *diag);

/* The built-in defaults. */
rt_rules_t *rt_rules_load_default(rt_diag_t *diag);

void rt_rules_free(rt_rules_t *rules); /* NULL-safe */

/* Findings about a rule set that loads but is probably wrong (lint.c):
 * rules that can never match (an earlier rule matches everything they do),
 * teams no rule routes to (so no SLA policy ever applies to them) and
 * policies no rule uses. `outcry-route check` fails on them; the service
 * logs them as warnings and runs. Appends to diag; returns the count. */
int rt_rules_lint(const rt_rules_t *rules, rt_diag_t *diag);

/* Index of the team called name, or -1. */
int rt_rules_team_index(const rt_rules_t *rules, const char *name);

/* The brand whose name or one of whose accounts is name (case-insensitive),
 * or NULL. Borrowed. */
const rt_brand_t *rt_rules_brand(const rt_rules_t *rules, const char *name);

/* A canonical JSON rendering of the whole rule set (durations in seconds,
 * defaults filled in, no line numbers): two rule sets that route every post
 * alike render equal. New reference, or NULL on allocation failure. */
json_t *rt_rules_to_json(const rt_rules_t *rules);

/* "p1".."p4" for 1..4. */
const char *rt_priority_name(int priority);

/* Parses a duration ("90s", "15m", "1h", "2d", "1h30m", or plain seconds)
 * into seconds. Returns 0, or -1 when s is not one or is not positive. */
int rt_parse_duration(const char *s, int64_t *seconds);

#endif
