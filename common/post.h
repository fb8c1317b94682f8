/* post.h -- the canonical post, outcry.post/v1 (../shared/DESIGN.md).
 *
 * A post is a jansson object; these functions check and build it. Unknown
 * fields are kept as they came. */
#ifndef OC_POST_H
#define OC_POST_H

#include <jansson.h>
#include <stddef.h>

#define OC_POST_SCHEMA      "outcry.post/v1"
#define OC_POST_MAX_TEXT    10000       /* bytes of UTF-8 */
#define OC_POST_MAX_MESSAGE (64 * 1024) /* bytes of the serialised post */

/* Checks the required fields and their types, the limits, UTF-8 and the
 * enumerations. Returns 0, or -1 with a reason naming the field in err. */
int oc_post_validate(const json_t *post, char *err, size_t errlen);

/* A read-only view of a JSON tree, so that one set of rules validates posts
 * parsed by jansson (oc_post_validate) and by cJSON (fastpost.c). */
typedef enum {
    OC_JK_ABSENT = 0, /* no such member (get() returned NULL) */
    OC_JK_NULL,       /* null */
    OC_JK_STRING,     /* a string */
    OC_JK_INTEGER,    /* a number without fraction or exponent */
    OC_JK_BOOL,       /* true or false */
    OC_JK_OBJECT,     /* an object */
    OC_JK_OTHER       /* a real number, an array */
} oc_jkind_t;

typedef struct oc_post_tree {
    const void *(*get)(const void *obj, const char *key); /* member, or NULL; borrowed */
    oc_jkind_t (*kind)(const void *v);                    /* what v is (NULL: absent) */
    const char *(*str)(const void *v, size_t *len);       /* a string's bytes and length */
    long long (*integer)(const void *v);                  /* an integer's value */
} oc_post_tree_t;

/* oc_post_validate() over any tree. */
int oc_post_validate_tree(const oc_post_tree_t *t, const void *post, char *err, size_t errlen);

/* Parses one JSON message and validates it as a post.
 * Returns a new reference, or NULL with the reason (line and column for
 * JSON errors) in err. */
json_t *oc_post_parse(const char *buf, size_t len, char *err, size_t errlen);

/* Borrowed accessors; NULL (or the fallback) when absent or of another type. */
const char *oc_post_str(const json_t *post, const char *field);
const char *oc_post_id(const json_t *post);
const char *oc_post_conversation(const json_t *post); /* conversation, else id */
int oc_post_is_outbound(const json_t *post);

/* Serialises compactly, keys in insertion order. Returns a malloc'd string
 * the caller frees, or NULL on allocation failure. */
char *oc_json_dumps(const json_t *value);
/* The bytes oc_json_dumps() writes for value (without the NUL), counted
 * without keeping them; 0 on failure. */
size_t oc_json_size(const json_t *value);
/* An upper bound of oc_json_size(value), in time linear in the number of
 * values rather than in bytes (every character as if escaped). */
size_t oc_json_size_bound(const json_t *value);

#endif
