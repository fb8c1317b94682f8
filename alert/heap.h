/* heap.h -- a binary min-heap of due times, the SLA engine's timer queue.
 *
 * Entries are ordered by (due, seq, kind), so two alerts due at the same
 * millisecond always come out in the same order: replays are deterministic.
 * The heap does not own what clock points to; the engine invalidates entries
 * lazily (a stopped clock's entries stay until they reach the top). */
#ifndef AL_HEAP_H
#define AL_HEAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct al_heap_entry {
    int64_t due;  /* ms since the epoch at which the entry is due */
    uint64_t seq; /* the clock's creation sequence, first tie-breaker */
    int kind;     /* what is due (an al_kind_t), second tie-breaker */
    void *clock;  /* the clock the entry belongs to; borrowed */
} al_heap_entry_t;

typedef struct al_heap {
    al_heap_entry_t *v; /* entries, v[0] the smallest; owned */
    size_t len;         /* entries in use */
    size_t cap;         /* entries allocated */
} al_heap_t;

/* Returns 0, or -1 when memory ran out (the heap is unchanged). */
int al_heap_push(al_heap_t *h, const al_heap_entry_t *e);
/* The smallest entry (borrowed, valid until the next change), or NULL. */
const al_heap_entry_t *al_heap_peek(const al_heap_t *h);
/* Removes the smallest entry into *out. Returns 0, or -1 when empty. */
int al_heap_pop(al_heap_t *h, al_heap_entry_t *out);
/* Keeps only the entries for which keep() returns non-zero (the others are
 * passed to drop() first, when it is not NULL) and restores the heap order in
 * O(n). For compacting away lazily invalidated entries. */
void al_heap_filter(al_heap_t *h, int (*keep)(const al_heap_entry_t *e),
                    void (*drop)(const al_heap_entry_t *e, void *arg), void *arg);
void al_heap_free(al_heap_t *h);

#endif
