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
