/* featnames.c -- feature names and their hash for hashed-feature models
 * (features.h): cl_features_each() and cl_feature_hash(). */
#include <stdio.h>

#include "features.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int capped(int n)
{
    return n > 3 ? 3 : n;
}

int cl_features_each(const cl_features_t *f, cl_feature_cb cb, void *arg)
{
    char name[2 * CL_TOKEN_MAX + 8];
    int rc = cb("m:bias", 1.0, arg);
    if (rc != 0) {
        return rc;
    }
    for (size_t i = 0; i < f->n; i++) {
        const cl_token_t *t = &f->tok[i];
        if (t->kind == CL_TOK_PUNCT) {
            continue;
        }
        snprintf(name, sizeof name, "%s:%s", (t->flags & CL_TF_NEGATED) ? "n" : "w", t->text);
        rc = cb(name, 1.0, arg);
        if (rc != 0) {
            return rc;
        }
        if (i + 1 < f->n && f->tok[i + 1].kind != CL_TOK_PUNCT) {
            snprintf(name, sizeof name, "b:%s %s", t->text, f->tok[i + 1].text);
            rc = cb(name, 1.0, arg);
            if (rc != 0) {
                return rc;
            }
        }
    }
    static const char *const meta[] = {"m:exclaim", "m:question", "m:caps",
                                       "m:url",     "m:mention",  "m:emoji"};
    int counts[] = {f->exclaim, f->question, f->caps_words, f->urls, f->mentions, f->emoji};
    for (size_t i = 0; i < COUNT(meta); i++) {
        if (counts[i] > 0) {
            rc = cb(meta[i], capped(counts[i]), arg);
            if (rc != 0) {
                return rc;
            }
        }
    }
    return 0;
}

uint32_t cl_feature_hash(const char *name)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *c = (const unsigned char *)name; *c; c++) {
        h ^= *c;
        h *= 16777619u;
    }
    return h;
}
