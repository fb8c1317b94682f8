/* list.c -- outcry-alert --list TEAM [--breached]: a team's open clocks
 * from the Redis state (see store.h). */
#include <stdlib.h>
#include <string.h>

#include "post.h"
#include "publish.h"
#include "store.h"
#include "timeutil.h"

#define LS_TIMEOUT_MS 5000

static const char *status(unsigned fired)
{
    if (fired & (1u << AL_ESCALATION))
        return "escalated";
    if (fired & (1u << AL_BREACH))
        return "breached";
    if (fired & (1u << AL_WARNING))
        return "warned";
    return "open";
}

/* Prints one stored clock. Returns 1 when printed, 0 when filtered out. */
static int print_clock(const char *text, int breached, int json, FILE *out)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    char err[128];
    al_clock_t *c = j != NULL ? al_clock_from_json(j, 0, err, sizeof(err)) : NULL;
    int printed = 0;
    if (c == NULL || (breached && (c->fired & (1u << AL_BREACH)) == 0))
        goto out;
    /* the post as an object, whether stored as its JSON text (this
     * version) or as the object (earlier ones): al_clock_from_json checked it */
    json_object_set_new(j, "post", json_loads(c->post, 0, NULL));
    char deadline[40], opened[40];
    oc_time_format(c->due[AL_BREACH], deadline, sizeof(deadline));
    oc_time_format(c->opened_ms, opened, sizeof(opened));
    if (json) {
        json_object_set_new(j, "deadline", json_string(deadline));
        json_object_set_new(j, "opened_at", json_string(opened));
        json_object_set_new(j, "status", json_string(status(c->fired)));
        char *line = oc_json_dumps(j);
        if (line != NULL)
            fprintf(out, "%s\n", line);
        free(line);
    } else {
        const json_t *author = json_object_get(json_object_get(j, "post"), "author");
        const char *handle = json_string_value(json_object_get(author, "handle"));
        fprintf(out, "%-24s  %-9s  %-4s  %-24s  opened %s  @%s\n", deadline, status(c->fired),
                c->priority, c->case_id, opened, handle != NULL ? handle : "?");
    }
    printed = 1;
out:
    al_clock_free(c);
    json_decref(j);
    return printed;
}

int al_store_list(const char *redis_url, const char *team, int breached, int json, FILE *out)
{
    al_redis_url_t url;
    char err[512];
    if (al_redis_url_parse(redis_url, &url, err, sizeof(err)) != 0) {
        fprintf(stderr, "outcry-alert: %s\n", err);
        return 2;
    }
    redisContext *rc = al_redis_connect(&url, LS_TIMEOUT_MS, err, sizeof(err));
    if (rc == NULL) {
        fprintf(stderr, "outcry-alert: %s\n", err);
        return 1;
    }
    int code = 1;
    char tkey[300];
    snprintf(tkey, sizeof(tkey), "%s%s", AL_TEAM_PREFIX, team);
    redisReply *z = redisCommand(rc, "ZRANGE %s 0 -1 WITHSCORES", tkey);
    if (z == NULL || z->type != REDIS_REPLY_ARRAY) {
        fprintf(stderr, "outcry-alert: Redis ZRANGE %s: %s\n", tkey,
                z == NULL ? rc->errstr : (z->type == REDIS_REPLY_ERROR ? z->str : "bad reply"));
        goto out;
    }
    /* Members are "topic|partition|case": one pipelined HGET each. */
    size_t sent = 0;
    for (size_t i = 0; i + 1 < z->elements; i += 2) {
        const char *m = z->element[i]->str;
        const char *bar1 = strchr(m, '|');
        const char *bar2 = bar1 != NULL ? strchr(bar1 + 1, '|') : NULL;
        if (bar2 == NULL)
            continue;
        char hkey[700];
        snprintf(hkey, sizeof(hkey), "%s%.*s:%.*s:clocks", AL_STATE_PREFIX, (int)(bar1 - m), m,
                 (int)(bar2 - bar1 - 1), bar1 + 1);
        if (redisAppendCommand(rc, "HGET %s %s", hkey, bar2 + 1) != REDIS_OK) {
            fprintf(stderr, "outcry-alert: Redis: %s\n", rc->errstr);
            goto out;
        }
        sent++;
    }
    size_t shown = 0;
    for (size_t i = 0; i < sent; i++) {
        void *v = NULL;
        if (redisGetReply(rc, &v) != REDIS_OK || v == NULL) {
            fprintf(stderr, "outcry-alert: Redis: %s\n", rc->errstr);
            goto out;
        }
        redisReply *r = v;
        if (r->type == REDIS_REPLY_STRING)
            shown += (size_t)print_clock(r->str, breached, json, out);
        freeReplyObject(r);
    }
    if (!json && shown == 0)
        fprintf(stderr, "outcry-alert: team '%s' has no %s clocks\n", team,
                breached ? "breached" : "open");
    code = fflush(out) == 0 ? 0 : 1;
out:
    if (z != NULL)
        freeReplyObject(z);
    redisFree(rc);
    return code;
}
