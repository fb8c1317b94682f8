/* jscan.h -- a strict JSON scanner that builds no tree, for the fast path of
 * canonical posts (canon.h).
 *
 * It reads RFC 8259 JSON as jansson does with JSON_REJECT_DUPLICATES --
 * UTF-8 checked (no overlongs, surrogates or values above U+10FFFF), escapes
 * and surrogate pairs checked, no raw control bytes, no \u0000, duplicate keys
 * refused in every object -- and it is stricter wherever being exact would
 * cost: a key with an escape, a number that could overflow jansson's int64 or
 * double (more than 18 integer digits, an exponent of more than 2 digits),
 * nesting deeper than IG_JSCAN_MAX_DEPTH or more than IG_JSCAN_MAX_KEYS
 * members are refused too. So "yes" means jansson would take the same bytes
 * and read the same values; "no" means "ask jansson".
 *
 * Reentrant, no globals, no allocation (about 6 KiB of stack). */
#ifndef IG_JSCAN_H
#define IG_JSCAN_H

#include <stddef.h>
#include <stdint.h>

#define IG_JSCAN_MAX_DEPTH 32 /* deeper nesting is "no" */
#define IG_JSCAN_MAX_KEYS  64 /* more members in one object is "no" */

/* What a value is, as far as validation cares. */
enum { IG_JSTRING = 1, IG_JNUMBER, IG_JTRUE, IG_JFALSE, IG_JNULL, IG_JOBJECT, IG_JARRAY };

typedef struct ig_jval {
    int kind;           /* IG_J* */
    const char *start;  /* strings: first content byte; else the value's first byte */
    const char *end;    /* strings: the closing quote; else one past the value */
    size_t dlen;        /* strings: length once unescaped */
    unsigned char esc;  /* strings: held an escape */
    unsigned char wide; /* strings: holds a character beyond ASCII */
    unsigned char nat;  /* numbers: a non-negative integer (digits only) */
} ig_jval_t;

/* A member of an object. */
typedef struct ig_jmember {
    const char *key; /* the key's bytes (escape-free) */
    size_t klen;     /* its length */
    ig_jval_t v;     /* its value */
} ig_jmember_t;

/* Scans the object starting at p (its '{'; end bounds the input) at nesting
 * depth depth (1 for a top-level value), its members (up to
 * IG_JSCAN_MAX_KEYS) into m and their count into *n. Returns one past its
 * closing '}', or NULL for "no". */
const char *ig_jscan_object(const char *p, const char *end, int depth, ig_jmember_t *m, size_t *n);

#endif
