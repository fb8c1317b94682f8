/* reload.h -- hot reload of the rules file (Kafka mode).
 *
 * On SIGHUP, or when the file's identity (device, inode, size, mtime)
 * changes -- checked once a second from the stage's tick -- the file is
 * loaded and validated as a whole. A good file is swapped in between two
 * messages (the loop is single-threaded, so every message is routed wholly
 * by one rule set); a bad one is refused with every error in the log, and
 * the rules in force stay. */
#ifndef RT_RELOAD_H
#define RT_RELOAD_H

#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>

#include "metrics.h"
#include "route.h"
#include "rules.h"

struct rt_reload {
    char *path;              /* the rules file; owned */
    rt_rules_t *current;     /* the rule set in force; owned */
    struct stat seen;        /* the file as last loaded or refused */
    int have_seen;           /* seen is valid */
    int64_t last_check_ms;   /* wall clock of the last stat() */
    int64_t generation;      /* 1 for the first rules, +1 per accepted reload */
    oc_metric_t *reloads;    /* accepted reloads */
    oc_metric_t *failures;   /* refused reloads */
    oc_metric_t *gen_gauge;  /* generation in force */
    oc_metric_t *hash_gauge; /* low 52 bits of the rules' FNV-1a hash */
};

/* Set by the SIGHUP handler; the next tick reloads. */
/* SIGHUP comes through common's oc_sighup_install() / oc_reload_requested. */

/* Takes ownership of rules (loaded from path, NULL for the built-in rules:
 * then nothing is watched) and registers the metrics. Returns 0 or -1. */
int rt_reload_init(rt_reload_t *rl, const char *path, rt_rules_t *rules);
void rt_reload_free(rt_reload_t *rl);

/* Reloads now: loads path, and on success puts the new rules in force in ctx
 * and frees the old. Returns 1 when swapped, 0 when refused (logged). */
int rt_reload_now(rt_ctx_t *ctx, const char *why);

/* oc_stage_t.tick: a pending SIGHUP, or a changed file, triggers a reload. */
int rt_reload_tick(void *ctx, int64_t now_ms, oc_emit_t *out);

/* Logs the lint findings of rules as warnings (the service runs anyway). */
void rt_log_lint(const rt_rules_t *rules);

#endif
