/* buf.h -- a growable byte buffer for text that is built to be sent:
 * serialised posts, alert JSON, Redis arguments, HTTP bodies.
 *
 * Zero-initialise one, append to it, set len to 0 to reuse it (its memory
 * stays for the next message: nothing is allocated per message once it has
 * grown), oc_buf_free() it. The bytes are always NUL-terminated. */
#ifndef OC_BUF_H
#define OC_BUF_H

#include <stddef.h>

typedef struct oc_buf {
    char *data; /* the bytes, NUL-terminated; owned */
    size_t len; /* bytes used, the NUL not counted */
    size_t cap; /* bytes allocated */
} oc_buf_t;

/* Appends n bytes to b, growing it. Returns 0, or -1 when out of memory
 * (b as it was). */
int oc_buf_add(oc_buf_t *b, const char *s, size_t n);

void oc_buf_free(oc_buf_t *b); /* NULL-safe; leaves b zeroed */

/* Appends the NUL-terminated UTF-8 string s as a JSON string, quotes
 * included, escaped as jansson's dump escapes it ('"', '\\', control bytes;
 * \u00XX in upper case; UTF-8 kept). Returns 0, or -1 when out of memory. */
int oc_buf_json_str(oc_buf_t *b, const char *s);

#endif
