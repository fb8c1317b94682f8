/* noise.h -- posts that never open a clock: reposts, and the brand's own
 * accounts speaking as if they were customers.
 *
 * Brand accounts come from OUTCRY_BRAND_ACCOUNTS / --brand-accounts in the
 * spec every service reads (common/brands.h): "brand:acct1,acct2;brand2:acct3".
 * An account matches the post's author.id or author.handle, without case and
 * without a leading '@'. See docs/alert.md ("Noise"). */
#ifndef AL_NOISE_H
#define AL_NOISE_H

#include <stddef.h>

#include "brands.h"

/* The brands' own accounts: the shared spec, parsed. */
typedef oc_brands_t al_accounts_t;

/* Parses spec (NULL or empty: no accounts) into a (zeroed by the call).
 * Returns 0, or -1 with the reason in err (a is then empty). */
int al_accounts_parse(al_accounts_t *a, const char *spec, char *err, size_t errlen);
void al_accounts_free(al_accounts_t *a);

/* 1 when the author author_id or handle (either may be NULL) is one of
 * brand's accounts (a may be NULL). */
int al_accounts_match(const al_accounts_t *a, const char *brand, const char *author_id,
                      const char *handle);

/* 1 when a post is a repost: its "repost" is true (repost_true), or its
 * text (may be NULL) starts "RT @". */
int al_post_is_repost(int repost_true, const char *text);

#endif
