/* dedup.c -- the recent-id window (dedup.h): a ring of entries in insertion
 * order plus a chained hash over them. Adding to a full ring overwrites the
 * oldest entry and unlinks it from its chain. */
#include "dedup.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct seen_entry {
    char *id;      /* post id; owned; NULL when the slot is empty */
    char *conv;    /* its conversation; owned; may be NULL */
    int64_t at_ms; /* when it was added */
    size_t next;   /* next slot in the same chain, or SIZE_MAX */
} seen_entry_t;

struct ig_seen {
    pthread_mutex_t mu; /* guards everything below */
    seen_entry_t *ring; /* cap slots, oldest at head */
    size_t cap;         /* slots */
    size_t head;        /* the slot to overwrite next */
    size_t *bucket;     /* nbuckets chain heads (slot index or SIZE_MAX) */
    size_t nbuckets;    /* a power of two, >= 2 * cap */
    int64_t window_ms;  /* age limit; 0 = none */
};

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return h;
}

ig_seen_t *ig_seen_new(size_t cap, int64_t window_ms)
{
    ig_seen_t *s = calloc(1, sizeof *s);
    if (!s) {
        return NULL;
    }
    s->cap = cap;
    s->window_ms = window_ms;
    s->nbuckets = 16;
    while (s->nbuckets < cap * 2) {
        s->nbuckets *= 2;
    }
    s->ring = cap ? calloc(cap, sizeof *s->ring) : NULL;
    s->bucket = malloc(s->nbuckets * sizeof *s->bucket);
    if ((cap && !s->ring) || !s->bucket || pthread_mutex_init(&s->mu, NULL) != 0) {
        free(s->ring);
        free(s->bucket);
        free(s);
        return NULL;
    }
    for (size_t i = 0; i < s->nbuckets; i++) {
        s->bucket[i] = SIZE_MAX;
    }
    return s;
}

void ig_seen_free(ig_seen_t *s)
{
    if (!s) {
        return;
    }
    for (size_t i = 0; i < s->cap; i++) {
        free(s->ring[i].id);
        free(s->ring[i].conv);
    }
    free(s->ring);
    free(s->bucket);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

/* The slot holding id, or SIZE_MAX. Caller holds mu. */
static size_t find(const ig_seen_t *s, const char *id)
{
    for (size_t k = s->bucket[hash(id) & (s->nbuckets - 1)]; k != SIZE_MAX; k = s->ring[k].next) {
        if (strcmp(s->ring[k].id, id) == 0) {
            return k;
        }
    }
    return SIZE_MAX;
}

int ig_seen_get(ig_seen_t *s, const char *id, int64_t now_ms, char **conv)
{
    if (!s || s->cap == 0 || !id) {
        return 0;
    }
    pthread_mutex_lock(&s->mu);
    size_t k = find(s, id);
    int hit = k != SIZE_MAX && (s->window_ms <= 0 || now_ms - s->ring[k].at_ms <= s->window_ms);
    if (hit && conv) {
        /* whole: a conversation cut short would name another thread */
        *conv = strdup(s->ring[k].conv ? s->ring[k].conv : s->ring[k].id);
    }
    pthread_mutex_unlock(&s->mu);
    return hit;
}

/* Unlinks slot k from its chain. Caller holds mu. */
static void unlink_slot(ig_seen_t *s, size_t k)
{
    size_t *p = &s->bucket[hash(s->ring[k].id) & (s->nbuckets - 1)];
    while (*p != SIZE_MAX && *p != k) {
        p = &s->ring[*p].next;
    }
    if (*p == k) {
        *p = s->ring[k].next;
    }
    free(s->ring[k].id);
    free(s->ring[k].conv);
    s->ring[k].id = NULL;
    s->ring[k].conv = NULL;
}

/* Remembers id (copies i and c are stolen) in slot old if it is there
 * (its age restarts), else in the oldest slot. Caller holds mu. */
static void put(ig_seen_t *s, size_t old, const char *id, char *i, char *c, int64_t now_ms)
{
    if (old != SIZE_MAX) {
        /* Seen again: refresh it in place (its age restarts). */
        free(s->ring[old].conv);
        s->ring[old].conv = c;
        s->ring[old].at_ms = now_ms;
        free(i);
        return;
    }
    size_t k = s->head;
    if (s->ring[k].id) {
        unlink_slot(s, k);
    }
    size_t b = hash(id) & (s->nbuckets - 1);
    s->ring[k] = (seen_entry_t){.id = i, .conv = c, .at_ms = now_ms, .next = s->bucket[b]};
    s->bucket[b] = k;
    s->head = (k + 1) % s->cap;
}

/* Copies of id and conv (may be NULL). Returns 0, or -1 when out of memory. */
static int copies(const char *id, const char *conv, char **i, char **c)
{
    *i = strdup(id);
    *c = conv ? strdup(conv) : NULL;
    if (!*i || (conv && !*c)) {
        free(*i);
        free(*c);
        return -1;
    }
    return 0;
}

/* ig_seen_add() and, with check, ig_seen_check_add(): one lock, one lookup. */
static int add(ig_seen_t *s, const char *id, const char *conv, int64_t now_ms, int check)
{
    if (!s || s->cap == 0 || !id) {
        return 0;
    }
    char *i, *c;
    if (copies(id, conv, &i, &c) != 0) {
        return -1;
    }
    pthread_mutex_lock(&s->mu);
    size_t k = find(s, id);
    if (check && k != SIZE_MAX &&
        (s->window_ms <= 0 || now_ms - s->ring[k].at_ms <= s->window_ms)) {
        pthread_mutex_unlock(&s->mu);
        free(i);
        free(c);
        return 1;
    }
    put(s, k, id, i, c, now_ms);
    pthread_mutex_unlock(&s->mu);
    return 0;
}

int ig_seen_add(ig_seen_t *s, const char *id, const char *conv, int64_t now_ms)
{
    return add(s, id, conv, now_ms, 0);
}

int ig_seen_check_add(ig_seen_t *s, const char *id, const char *conv, int64_t now_ms)
{
    return add(s, id, conv, now_ms, 1);
}
