/* heap.c -- binary min-heap (see heap.h). */
#include "heap.h"
#include "grow.h"

#include <stdlib.h>

static int entry_less(const al_heap_entry_t *a, const al_heap_entry_t *b)
{
    if (a->due != b->due)
        return a->due < b->due;
    if (a->seq != b->seq)
        return a->seq < b->seq;
    return a->kind < b->kind;
}

static void sift_up(al_heap_t *h, size_t i)
{
    al_heap_entry_t e = h->v[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!entry_less(&e, &h->v[parent]))
            break;
        h->v[i] = h->v[parent];
        i = parent;
    }
    h->v[i] = e;
}

static void sift_down(al_heap_t *h, size_t i)
{
    al_heap_entry_t e = h->v[i];
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len)
            break;
        if (child + 1 < h->len && entry_less(&h->v[child + 1], &h->v[child]))
            child++;
        if (!entry_less(&h->v[child], &e))
            break;
        h->v[i] = h->v[child];
        i = child;
    }
    h->v[i] = e;
}

int al_heap_push(al_heap_t *h, const al_heap_entry_t *e)
{
    if (oc_grow(&h->v, &h->cap, h->len, sizeof(*h->v), 64) != 0)
        return -1;
    h->v[h->len] = *e;
    sift_up(h, h->len);
    h->len++;
    return 0;
}

const al_heap_entry_t *al_heap_peek(const al_heap_t *h)
{
    return h->len > 0 ? &h->v[0] : NULL;
}

int al_heap_pop(al_heap_t *h, al_heap_entry_t *out)
{
    if (h->len == 0)
        return -1;
    *out = h->v[0];
    h->len--;
    if (h->len > 0) {
        h->v[0] = h->v[h->len];
        sift_down(h, 0);
    }
    return 0;
}

void al_heap_filter(al_heap_t *h, int (*keep)(const al_heap_entry_t *e),
                    void (*drop)(const al_heap_entry_t *e, void *arg), void *arg)
{
    size_t n = 0;
    for (size_t i = 0; i < h->len; i++) {
        if (keep(&h->v[i]))
            h->v[n++] = h->v[i];
        else if (drop != NULL)
            drop(&h->v[i], arg);
    }
    h->len = n;
    /* Floyd's heap construction: sift down every inner node, last first. */
    for (size_t i = n / 2; i-- > 0;)
        sift_down(h, i);
}

void al_heap_free(al_heap_t *h)
{
    free(h->v);
    h->v = NULL;
    h->len = h->cap = 0;
}
