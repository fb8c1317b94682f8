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

int al_accounts_match(const al_accounts_t *a, const char *brand, const json_t *post)
{
    if (a == NULL || a->n == 0)
        return 0;
    const json_t *author = json_object_get(post, "author");
    return oc_brands_is_account(a, brand, json_string_value(json_object_get(author, "id")),
                                json_string_value(json_object_get(author, "handle")));
}

int al_post_is_repost(const json_t *post)
{
    if (json_is_true(json_object_get(post, "repost")))
        return 1;
    const char *text = json_string_value(json_object_get(post, "text"));
    return text != NULL && strncmp(text, "RT @", 4) == 0;
}
