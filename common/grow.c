/* grow.c -- see grow.h. */
#include "grow.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int oc_grow_slow(void *vp, size_t *cap, size_t n, size_t elem, size_t first)
{
    if (n < *cap)
        return 0;
    size_t c = *cap ? *cap : (first ? first : 1);
    while (c <= n) {
        if (c > SIZE_MAX / 2)
            return -1;
        c *= 2;
    }
    if (elem == 0 || c > SIZE_MAX / elem)
        return -1;
    /* *vp is a T *: read and written through memcpy, not through a void **
     * that would alias it. */
    void *old;
    memcpy(&old, vp, sizeof old);
    void *grown = realloc(old, c * elem);
    if (grown == NULL)
        return -1;
    memcpy(vp, &grown, sizeof grown);
    *cap = c;
    return 0;
}

int oc_grow2(void *ap, size_t aelem, void *bp, size_t belem, size_t *cap, size_t n, size_t first)
{
    size_t ca = *cap, cb = *cap;
    if (oc_grow_slow(ap, &ca, n, aelem, first) != 0 || oc_grow_slow(bp, &cb, n, belem, first) != 0)
        return -1;
    *cap = ca; /* == cb: the same start and the same doubling */
    return 0;
}
