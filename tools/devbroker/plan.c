/* plan.c -- the topics outcry-devbroker pre-creates: the pipeline's, one
 * per team and the --topic ones, their names checked before any is made. */
#include <stdio.h>
#include <string.h>

#include "devbroker.h"

/* Topic names: Kafka allows [a-zA-Z0-9._-], up to 249 characters. */
int db_topic_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > DB_MAX_TOPIC)
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Appends one topic to the plan, checking its name. Returns 0, or -1 after
 * saying on stderr what is wrong with it. */
static int db_plan_add(db_plan_t *plan, const char *name, size_t len, int partitions)
{
    if (plan->n >= DB_MAX_TOPICS) {
        fprintf(stderr, DB_PROG ": more than %d topics; create fewer teams or --topic options\n",
                DB_MAX_TOPICS);
        return -1;
    }
    if (len == 0 || len > DB_MAX_TOPIC) {
        fprintf(stderr, DB_PROG ": topic name '%.*s' must have 1 to %d characters\n",
                (int)(len > 300 ? 300 : len), name, DB_MAX_TOPIC);
        return -1;
    }
    db_topic_t *t = &plan->topics[plan->n];
    memcpy(t->name, name, len);
    t->name[len] = '\0';
    if (!db_topic_ok(t->name)) {
        fprintf(stderr,
                DB_PROG ": topic name '%s' may only hold letters, digits, '.', '_' and '-'\n",
                t->name);
        return -1;
    }
    for (int i = 0; i < plan->n; i++) {
        if (strcmp(plan->topics[i].name, t->name) == 0) {
            fprintf(stderr, DB_PROG ": topic '%s' is named twice\n", t->name);
            return -1;
        }
    }
    t->partitions = partitions;
    plan->n++;
    return 0;
}

/* Works out every topic to pre-create: the pipeline's, one per team, and the
 * --topic ones. Returns 0, or -1 after a message on stderr (a usage error). */
int db_plan_topics(const db_opts_t *o, db_plan_t *plan)
{
    static const char *const base[] = {"posts", "classified", "routed", "dlq"};
    char name[2 * DB_MAX_TOPIC];
    plan->n = 0;
    for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
        int w = snprintf(name, sizeof(name), "%s%s", o->prefix, base[i]);
        if (db_plan_add(plan, name, (size_t)w < sizeof(name) ? (size_t)w : sizeof(name),
                        o->partitions) != 0)
            return -1;
    }
    for (const char *p = o->teams; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            int w = snprintf(name, sizeof(name), "%steam.%.*s", o->prefix,
                             (int)(len < DB_MAX_TOPIC ? len : DB_MAX_TOPIC), p);
            if (db_plan_add(plan, name, (size_t)w < sizeof(name) ? (size_t)w : sizeof(name),
                            o->partitions) != 0)
                return -1;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    for (int i = 0; i < o->nextra; i++) {
        const char *spec = o->extra[i];
        const char *colon = strrchr(spec, ':');
        int partitions = o->partitions;
        if (colon != NULL && db_parse_int(colon + 1, 1, DB_MAX_PARTITIONS, &partitions) != 0) {
            fprintf(stderr,
                    DB_PROG ": --topic '%s': the partition count after ':' must be 1 to %d\n", spec,
                    DB_MAX_PARTITIONS);
            return -1;
        }
        if (db_plan_add(plan, spec, colon != NULL ? (size_t)(colon - spec) : strlen(spec),
                        partitions) != 0)
            return -1;
    }
    return 0;
}
