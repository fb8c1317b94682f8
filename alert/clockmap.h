/* clockmap.h -- open clocks by case id: a small open-addressing hash table.
 *
 * Why not jansson's json_object (a well-kept hash table)? Its values must be
 * json_t, and a clock is a C struct that the timer heap points into; keeping
 * the clocks in a json_object would need a side table from an integer handle
 * to the struct, plus a string copy of every key. This table stores the
 * pointer and borrows the key from the clock itself (clock->case_id), uses
 * linear probing with backward-shift deletion (no tombstones, so lookups stay
 * short however many cases come and go) and grows at 70% load. */
#ifndef AL_CLOCKMAP_H
#define AL_CLOCKMAP_H

#include <stddef.h>
#include <stdint.h>

struct al_clock;

typedef struct al_map_slot {
    uint64_t hash;          /* hash of the key, 0 when the slot is empty */
    struct al_clock *clock; /* the clock, its case_id is the key; borrowed */
} al_map_slot_t;

typedef struct al_clockmap {
    al_map_slot_t *slots; /* cap slots, owned */
    size_t cap;           /* a power of two, or 0 before the first insert */
    size_t len;           /* slots in use */
} al_clockmap_t;

/* The clock keyed by case_id (borrowed), or NULL. */
struct al_clock *al_map_get(const al_clockmap_t *m, const char *case_id);
/* Inserts clock under clock->case_id, which must not be present yet.
 * Returns 0, or -1 when memory ran out (the map is unchanged). */
int al_map_put(al_clockmap_t *m, struct al_clock *clock);
/* Removes case_id. Returns the clock that was stored, or NULL. */
struct al_clock *al_map_del(al_clockmap_t *m, const char *case_id);
void al_map_free(al_clockmap_t *m);

#endif
