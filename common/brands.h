/* brands.h -- which accounts speak for which brand.
 *
 * One spec, read by every service that needs it (ingest: direction and
 * brand of platform posts; alert: a brand's other accounts never open a
 * clock), from OUTCRY_BRAND_ACCOUNTS or a flag:
 *
 *   "brand:handle1,handle2;brand2:handle3"
 *
 * Newlines work as ';', '#' starts a comment, a leading '@' on a handle is
 * ignored, handles compare without case. A spec starting with '/' or "./"
 * names a file holding the same text. */
#ifndef OC_BRANDS_H
#define OC_BRANDS_H

#include <stddef.h>

typedef struct oc_brand_account {
    char *handle; /* account handle (or numeric id) without '@'; owned */
    char *brand;  /* the brand it speaks for; owned */
} oc_brand_account_t;

typedef struct oc_brands {
    oc_brand_account_t *v; /* the accounts; owned */
    size_t n;              /* entries in v */
    size_t cap;            /* allocated entries */
} oc_brands_t;

#define OC_BRANDS_ENV "OUTCRY_BRAND_ACCOUNTS"

/* Parses spec into b (zeroed first; NULL or "" gives no accounts). Returns 0,
 * or -1 with the reason in err (b is then empty). */
int oc_brands_parse(oc_brands_t *b, const char *spec, char *err, size_t errlen);
void oc_brands_free(oc_brands_t *b);

/* The brand whose account is handle[0..len) (a leading '@' is skipped);
 * borrowed, NULL when none. */
const char *oc_brands_brand_of(const oc_brands_t *b, const char *handle, size_t len);

/* 1 when author_id or handle (either may be NULL) is one of brand's accounts. */
int oc_brands_is_account(const oc_brands_t *b, const char *brand, const char *author_id,
                         const char *handle);

#endif
