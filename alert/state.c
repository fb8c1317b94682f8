/* state.c -- change tracking and a clock as JSON, for the Redis state
 * (see store.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sla.h"

int al_engine_track(al_engine_t *e)
{
    if (e->dirty == NULL)
        e->dirty = json_object();
    return e->dirty != NULL ? 0 : -1;
}

void al_engine_clean(al_engine_t *e)
{
    if (e->dirty != NULL)
        json_object_clear(e->dirty);
    e->dirty_oom = 0;
    for (size_t i = 0; i < e->nparts; i++)
        e->parts[i].dirty = 0;
}

al_clock_t *al_engine_find(const al_engine_t *e, const char *case_id)
{
    return al_map_get(&e->clocks, case_id);
}

int64_t al_clock_next_due(const al_clock_t *c)
{
    int64_t best = AL_NO_TIME;
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        if (c->due[k] == AL_NO_TIME || (c->fired & (1u << k)) != 0)
            continue;
        if (best == AL_NO_TIME || c->due[k] < best)
            best = c->due[k];
    }
    return best;
}

static json_t *time_or_null(int64_t t)
{
    return t == AL_NO_TIME ? json_null() : json_integer((json_int_t)t);
}

json_t *al_clock_to_json(const al_clock_t *c)
{
    json_t *due = json_array();
    if (due == NULL)
        return NULL;
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        if (json_array_append_new(due, time_or_null(c->due[k])) != 0) {
            json_decref(due);
            return NULL;
        }
    }
    return json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:I,s:I,s:o,s:i}", "case", c->case_id, "start",
                     c->start_post, "brand", c->brand, "team", c->team, "priority", c->priority,
                     "post", c->post, "opened", (json_int_t)c->opened_ms, "target",
                     (json_int_t)c->target_ms, "due", due, "fired", (int)c->fired);
}

static char *dup_field(const json_t *j, const char *name)
{
    const char *s = json_string_value(json_object_get(j, name));
    return s != NULL ? strdup(s) : NULL;
}

al_clock_t *al_clock_from_json(const json_t *j, int32_t partition, char *err, size_t errlen)
{
    const json_t *due = json_object_get(j, "due");
    const json_t *post = json_object_get(j, "post");
    if (!json_is_array(due) || json_array_size(due) != AL_KINDS - AL_WARNING ||
        !json_is_object(post) || !json_is_integer(json_object_get(j, "opened")) ||
        !json_is_integer(json_object_get(j, "target")) ||
        !json_is_integer(json_object_get(j, "fired"))) {
        snprintf(err, errlen, "stored clock: missing or bad due/post/opened/target/fired");
        return NULL;
    }
    al_clock_t *c = calloc(1, sizeof(*c));
    if (c == NULL) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    c->case_id = dup_field(j, "case");
    c->start_post = dup_field(j, "start");
    c->brand = dup_field(j, "brand");
    c->team = dup_field(j, "team");
    c->priority = dup_field(j, "priority");
    c->post = json_deep_copy(post);
    if (!c->case_id || !c->start_post || !c->brand || !c->team || !c->priority || !c->post) {
        snprintf(err, errlen, "stored clock: missing case/start/brand/team/priority (or memory)");
        al_clock_free(c);
        return NULL;
    }
    c->partition = partition;
    c->opened_ms = json_integer_value(json_object_get(j, "opened"));
    c->target_ms = json_integer_value(json_object_get(j, "target"));
    c->fired = (unsigned)json_integer_value(json_object_get(j, "fired"));
    c->due[AL_CRITICAL] = AL_NO_TIME;
    for (int k = AL_WARNING; k < AL_KINDS; k++) {
        const json_t *v = json_array_get(due, (size_t)(k - AL_WARNING));
        c->due[k] = json_is_integer(v) ? json_integer_value(v) : AL_NO_TIME;
    }
    return c;
}
