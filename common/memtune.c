/* memtune.c -- see memtune.h. */
#include "memtune.h"

#include "log.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

int oc_malloc_tune(void)
{
#ifdef __SANITIZE_ADDRESS__
    return 1; /* the sanitizer's allocator stands in for glibc's */
#else
    const char *t = getenv("GLIBC_TUNABLES");
    if (t != NULL && strstr(t, "glibc.malloc.") != NULL)
        return 1;
    /* mallopt returns 1 on success, 0 on error */
    if (mallopt(M_MMAP_THRESHOLD, OC_MMAP_THRESHOLD) != 1 ||
        mallopt(M_TRIM_THRESHOLD, OC_TRIM_THRESHOLD) != 1) {
        oc_warn("malloc_tune", "mallopt refused the allocator thresholds; running on glibc's "
                               "defaults (more page faults; GLIBC_TUNABLES can set them)");
        return -1;
    }
    return 0;
#endif
}
