/* dedup.h -- the recent-id window: which post ids were produced lately, and
 * the conversation each went to.
 *
 * Webhooks retry, exports overlap and clients resend after a timeout: the
 * same platform id seen again within the window is not produced twice. The
 * window is bounded by count (the oldest id is forgotten first, FIFO) and by
 * age; the same map lets serve put a reply into its parent's conversation.
 * Thread-safe (one mutex): serve's HTTP threads share one window. */
#ifndef IG_DEDUP_H
#define IG_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#define IG_DEDUP_DEFAULT_IDS 100000
#define IG_DEDUP_DEFAULT_MS  (24LL * 3600 * 1000)

typedef struct ig_seen ig_seen_t;

/* A window of at most cap ids, each remembered for window_ms (0: until
 * pushed out by count). cap 0 disables dedup (every call misses). Returns
 * NULL when out of memory. */
ig_seen_t *ig_seen_new(size_t cap, int64_t window_ms);
void ig_seen_free(ig_seen_t *s); /* NULL-safe */

/* 1 when id was added within the window (as of now_ms), else 0. When conv
 * is not NULL and the id is there, *conv is a malloc'd copy of its
 * conversation (its id when it was added without one), or NULL when out of
 * memory; the caller frees it. */
int ig_seen_get(ig_seen_t *s, const char *id, int64_t now_ms, char **conv);

/* Remembers id (and its conversation, may be NULL) as of now_ms, pushing
 * out the oldest id when full. Returns 0, or -1 when out of memory. */
int ig_seen_add(ig_seen_t *s, const char *id, const char *conv, int64_t now_ms);

/* ig_seen_get then, on a miss, ig_seen_add, under one lock and one lookup:
 * 1 when id was added within the window (nothing changes then), 0 when it
 * was not and is now remembered, -1 when out of memory. */
int ig_seen_check_add(ig_seen_t *s, const char *id, const char *conv, int64_t now_ms);

#endif
