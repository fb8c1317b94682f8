/* platform.h -- what the platform formats (Twitter v1.1 and v2, Mastodon)
 * share: the configured brand accounts, which give a post its direction and
 * brand, and one builder from a platform's fields to a canonical post. */
#ifndef IG_PLATFORM_H
#define IG_PLATFORM_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

/* Sets the brand accounts from a spec "brand:handle1,handle2;brand2:h3"
 * (newlines work as ';', '#' starts a comment, a leading '@' on a handle is
 * ignored, handles compare without case), or from the file it names when the
 * spec starts with '/' or "./". Call once before any parsing (not
 * thread-safe; read-only afterwards). Returns 0, or -1 with the reason in err. */
int ig_brands_set(const char *spec, char *err, size_t errlen);
/* The brand whose account handle is handle (NULL: none); borrowed. */
const char *ig_brand_of(const char *handle, size_t len);
/* Number of configured accounts. */
size_t ig_brands_count(void);
void ig_brands_free(void);

/* A platform's post, before it becomes canonical. Strings are borrowed. */
typedef struct ig_src_post {
    const char *platform;        /* "twitter", "mastodon" */
    const char *native_id;       /* the platform's id, as a string */
    const char *author_id;       /* the author's platform id */
    const char *handle;          /* the author's handle (screen name, acct); may be NULL */
    const char *name;            /* display name; may be NULL */
    json_t *followers;           /* follower count (integer), or NULL; borrowed */
    const char *text;            /* raw text: entities decoded and cleaned here */
    size_t text_len;             /* its length */
    int64_t created_ms;          /* created_at, ms since the epoch */
    const char *reply_to;        /* native id of the parent, or NULL */
    const char *reply_to_handle; /* handle the post answers, or NULL (gives inbound brand) */
    const char *conversation;    /* native id of the thread root, or NULL */
    const char *url;             /* link to the post, or NULL */
    const char *lang;            /* language tag, or NULL */
    const char *source;          /* "twitter-v1.1", "twitter-v2", "mastodon" */
    int repost;                  /* a retweet/boost: marked "repost": true */
} ig_src_post_t;

/* Builds the canonical post: id "<platform>:<native_id>", direction outbound
 * when the author's handle (or id) is a brand account (brand = that brand),
 * else inbound with the brand of reply_to_handle, else of the first
 * @mention naming a brand account, else "unknown". Returns 0 with res->post,
 * or -1 with the reject in res. */
int ig_post_build(const ig_src_post_t *s, ig_result_t *res);

/* A JSON member as an id string: a string of digits/characters, or an
 * integer written in decimal, into buf. Returns buf, or NULL when absent,
 * null, empty or of another type. */
const char *ig_json_id(const json_t *obj, const char *key, char *buf, size_t size);

#endif
