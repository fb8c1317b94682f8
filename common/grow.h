/* grow.h -- the growable-array step that outcry's arrays share.
 *
 * A stage's arrays (alerts of a batch, dirty clocks, the timer heap, held
 * tickets, brand accounts, items of a request) grow by doubling; this is
 * the one place that does it, and the one that checks the sizes for
 * overflow before realloc sees them. */
#ifndef OC_GROW_H
#define OC_GROW_H

#include <stddef.h>

/* Makes room for element index `n` in the array at *vp (a pointer to the
 * caller's `T *`), of *cap elements of `elem` bytes: the capacity doubles,
 * starting from `first` when it is 0, until it exceeds n. Returns 0; or -1
 * when the size would overflow or realloc fails, leaving *vp and *cap as
 * they were (the array is still the caller's to free). */
int oc_grow_slow(void *vp, size_t *cap, size_t n, size_t elem, size_t first);

/* oc_grow for two arrays indexed together (a text and its length, a hash
 * and its weight) sharing the one capacity *cap. Returns 0; or -1 as
 * oc_grow_slow, with *cap as it was and both arrays still the caller's to
 * free (the first may have grown). */
int oc_grow2(void *ap, size_t aelem, void *bp, size_t belem, size_t *cap, size_t n, size_t first);

/* Inline: callers add one element at a time on per-message paths, and the
 * array is almost always big enough already. */
static inline int oc_grow(void *vp, size_t *cap, size_t n, size_t elem, size_t first)
{
    return n < *cap ? 0 : oc_grow_slow(vp, cap, n, elem, first);
}

#endif
