/* canon.h -- the fast path for canonical posts: one pass over a JSONL line
 * that says whether it is a post the jsonl format would accept exactly as it
 * stands, without building a JSON tree.
 *
 * Canonical JSONL (jsonl.c) keeps a post as it came: validated, with
 * "source" added when absent, "conversation" filled from in_reply_to when
 * absent and "ingested_at" stamped when absent. For a line that jansson
 * would parse and oc_post_validate would pass, producing the line's own bytes
 * with those members appended is the same post. ig_canon_scan() recognises
 * such lines: jscan.h's strict scanner plus oc_post_validate's rules, and it
 * answers "yes" only when it is sure. It also asks that the post already be
 * in the form a normaliser would give it -- text in NFC, created_at in UTC
 * as oc_time_format writes it, id "<platform>:<native_id>" -- so that the
 * bytes can stand as they are whatever the jsonl format does with other
 * posts. Anything else -- an array or envelope line, an escape inside
 * id/created_at/conversation/in_reply_to/schema/direction/platform or in any
 * key, an escaped non-ASCII character in the text, a null conversation or
 * source, invalid input of any kind -- is a "no", and the caller takes the
 * jansson path, which accepts, normalises or rejects it with its reason
 * exactly as before. So the fast path only ever takes lines whose outcome
 * it knows.
 *
 * Reentrant, no globals: serve's HTTP threads call it concurrently. */
#ifndef IG_CANON_H
#define IG_CANON_H

#include <stddef.h>
#include <stdint.h>

/* Bytes inside the scanned line; p is NULL when the member is absent (or
 * null, for in_reply_to). Strings here never hold an escape, so the bytes
 * are the value as well as valid JSON string content. */
typedef struct ig_span {
    const char *p; /* first byte; borrowed from the line */
    size_t n;      /* length */
} ig_span_t;

/* What the fast path needs of a post it took. */
typedef struct ig_canon {
    const char *obj;            /* the object, from '{' to its '}'; borrowed */
    size_t len;                 /* bytes of obj */
    ig_span_t id;               /* the post's id */
    ig_span_t in_reply_to;      /* the parent's id, or p = NULL */
    ig_span_t conversation;     /* its conversation (non-empty), or p = NULL */
    int64_t created_ms;         /* created_at, ms since the epoch */
    unsigned char has_source;   /* "source" is a string: nothing to add */
    unsigned char has_ingested; /* "ingested_at" is present: nothing to stamp */
} ig_canon_t;

/* Scans line[0..len) (one JSONL record, surrounding white space allowed).
 * Returns 1 with c filled when it is one canonical post the fast path may
 * take as it is, 0 otherwise (c is then undefined; use the jansson path). */
int ig_canon_scan(const char *line, size_t len, ig_canon_t *c);

/* Appends s[0..n) to out as the content of a JSON string (quotes not
 * included), escaping '"', '\\' and control bytes; s is valid UTF-8. out
 * must have room for 6 * n bytes. Returns the bytes written. */
size_t ig_json_escape(char *out, const char *s, size_t n);

#endif
