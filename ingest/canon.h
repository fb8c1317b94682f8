/* canon.h -- the fast path for canonical posts: is a JSONL line a post the
 * jsonl format would accept exactly as it stands?
 *
 * Canonical JSONL (jsonl.c) keeps a post as it came: validated, with
 * "source" added when absent, "conversation" filled from in_reply_to when
 * absent and "ingested_at" stamped when absent. For a line that jansson
 * would parse and oc_post_validate would pass, producing the line's own bytes
 * with those members appended is the same post. ig_canon_scan() recognises
 * such lines with common/fastpost.h (cJSON, checked to refuse what jansson
 * refuses, validated by oc_post_validate's own rules), and answers "yes"
 * only when it is sure. It also asks that the post already be in the form a
 * normaliser would give it -- text in NFC, created_at in UTC as
 * oc_time_format writes it, id "<platform>:<native_id>" -- so that the bytes
 * can stand as they are whatever the jsonl format does with other posts.
 * Anything else -- an array or envelope line, an id, conversation or
 * in_reply_to that would need escaping, a null conversation or source,
 * invalid input of any kind -- is a "no", and the caller takes the jansson
 * path, which accepts, normalises or rejects it with its reason exactly as
 * before. So the fast path only ever takes lines whose outcome it knows.
 *
 * Thread-safe: serve's HTTP threads call it concurrently. */
#ifndef IG_CANON_H
#define IG_CANON_H

#include <stddef.h>
#include <stdint.h>

/* A string value; p is NULL when the member is absent (or null, for
 * in_reply_to). It needs no escaping (no '"', '\\' or control byte), so it
 * is valid JSON string content as it is. */
typedef struct ig_span {
    const char *p; /* first byte; borrowed from the line */
    size_t n;      /* length */
} ig_span_t;

#define IG_CANON_STR_MAX 256 /* longer ids go the jansson way */

/* What the fast path needs of a post it took. */
typedef struct ig_canon {
    const char *obj;               /* the object, from '{' to its '}'; borrowed */
    size_t len;                    /* bytes of obj */
    ig_span_t id;                  /* the post's id */
    ig_span_t in_reply_to;         /* the parent's id, or p = NULL */
    ig_span_t conversation;        /* its conversation (non-empty), or p = NULL */
    int64_t created_ms;            /* created_at, ms since the epoch */
    unsigned char has_source;      /* "source" is a string: nothing to add */
    unsigned char has_ingested;    /* "ingested_at" is present: nothing to stamp */
    char str[3][IG_CANON_STR_MAX]; /* storage of id, in_reply_to, conversation */
} ig_canon_t;

/* Scans line[0..len) (one JSONL record, surrounding white space allowed).
 * Returns 1 with c filled when it is one canonical post the fast path may
 * take as it is, 0 otherwise (c is then undefined; use the jansson path).
 * c's spans point into c itself and into line. */
int ig_canon_scan(const char *line, size_t len, ig_canon_t *c);

#endif
