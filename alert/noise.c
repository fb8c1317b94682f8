/* noise.c -- reposts and brand accounts (see noise.h). */
#include "noise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int al_accounts_parse(al_accounts_t *a, const char *spec, char *err, size_t errlen)
{
    return oc_brands_parse(a, spec, err, errlen);
}

void al_accounts_free(al_accounts_t *a)
{
    oc_brands_free(a);
}

int al_accounts_match(const al_accounts_t *a, const char *brand, const char *author_id,
                      const char *handle)
{
    if (a == NULL || a->n == 0)
        return 0;
    return oc_brands_is_account(a, brand, author_id, handle);
}

int al_post_is_repost(int repost_true, const char *text)
{
    return repost_true || (text != NULL && strncmp(text, "RT @", 4) == 0);
}
