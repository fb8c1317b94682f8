/* memtune.h -- the allocator settings every outcry process starts with.
 *
 * glibc hands freed memory back to the kernel once the free top of a heap
 * passes its trim threshold, and serves large requests (librdkafka's
 * decompression buffers, fetched message sets) with mmap; both thresholds
 * adapt only upwards and slowly. A stage frees and reallocates the same
 * megabytes every fetch, so the pages went back and were faulted in again:
 * page faults were ~10% of classify's CPU in the bench profile, more of the
 * passthrough ceiling's. Keeping freed memory for reuse removes most of
 * them (docs/operations.md, "Memory"). */
#ifndef OC_MEMTUNE_H
#define OC_MEMTUNE_H

#define OC_MMAP_THRESHOLD (32 << 20)  /* requests below this come from the heap */
#define OC_TRIM_THRESHOLD (256 << 20) /* free heap top kept before trimming */

/* Sets the thresholds above with mallopt(), unless GLIBC_TUNABLES names a
 * glibc.malloc tunable: then the operator's settings stand. Returns 0 when
 * set, 1 when left alone (GLIBC_TUNABLES; or built with AddressSanitizer,
 * whose allocator replaces glibc's), -1 when mallopt refused (logged; the
 * process runs on with glibc's defaults). Call it in main, after the log is
 * set up (oc_config_init) and before any thread starts. */
int oc_malloc_tune(void);

#endif
