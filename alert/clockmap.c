/* clockmap.c -- open-addressing hash of clocks by case id (see clockmap.h). */
#include "clockmap.h"

#include <stdlib.h>
#include <string.h>

#include "sla.h"

/* FNV-1a, 64 bit; 0 is reserved for "empty slot". */
static uint64_t hash_key(const char *s)
{
    uint64_t h = 14695981039346656037ULL;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        h ^= *p;
        h *= 1099511628211ULL;
    }
    return h != 0 ? h : 1;
}

static size_t find_slot(const al_clockmap_t *m, const char *key, uint64_t h)
{
    size_t mask = m->cap - 1;
    size_t i = (size_t)h & mask;
    while (m->slots[i].hash != 0) {
        if (m->slots[i].hash == h && strcmp(m->slots[i].clock->case_id, key) == 0)
            return i;
        i = (i + 1) & mask;
    }
    return i; /* the empty slot where key would go */
}

al_clock_t *al_map_get(const al_clockmap_t *m, const char *case_id)
{
    if (m->len == 0)
        return NULL;
    size_t i = find_slot(m, case_id, hash_key(case_id));
    return m->slots[i].hash != 0 ? m->slots[i].clock : NULL;
}

static int grow(al_clockmap_t *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    al_map_slot_t *slots = calloc(cap, sizeof(*slots));
    if (slots == NULL)
        return -1;
    size_t mask = cap - 1;
    for (size_t j = 0; j < m->cap; j++) {
        if (m->slots[j].hash == 0)
            continue;
        size_t i = (size_t)m->slots[j].hash & mask;
        while (slots[i].hash != 0)
            i = (i + 1) & mask;
        slots[i] = m->slots[j];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = cap;
    return 0;
}

int al_map_put(al_clockmap_t *m, al_clock_t *clock)
{
    if ((m->len + 1) * 10 > m->cap * 7 && grow(m) != 0)
        return -1;
    uint64_t h = hash_key(clock->case_id);
    size_t i = find_slot(m, clock->case_id, h);
    if (m->slots[i].hash == 0)
        m->len++;
    m->slots[i].hash = h;
    m->slots[i].clock = clock;
    return 0;
}

al_clock_t *al_map_del(al_clockmap_t *m, const char *case_id)
{
    if (m->len == 0)
        return NULL;
    size_t mask = m->cap - 1;
    size_t i = find_slot(m, case_id, hash_key(case_id));
    if (m->slots[i].hash == 0)
        return NULL;
    al_clock_t *found = m->slots[i].clock;
    /* Backward-shift deletion: move later members of the probe run into the
     * hole when their home slot does not lie cyclically in (hole, j]. */
    size_t hole = i;
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (m->slots[j].hash == 0)
            break;
        size_t home = (size_t)m->slots[j].hash & mask;
        int stays = (hole <= j) ? (hole < home && home <= j) : (hole < home || home <= j);
        if (stays)
            continue;
        m->slots[hole] = m->slots[j];
        hole = j;
    }
    m->slots[hole].hash = 0;
    m->slots[hole].clock = NULL;
    m->len--;
    return found;
}

void al_map_free(al_clockmap_t *m)
{
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}
