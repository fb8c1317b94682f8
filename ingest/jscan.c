/* jscan.c -- a strict JSON scanner without a tree, for canon.c (jscan.h).
 *
 * One pass, no allocation. Every doubt answers "no": the caller then parses
 * with jansson as before, so this file only has to be right about what it
 * accepts, never about why something is wrong. */
#include "jscan.h"

#include <string.h>

#define ONES          0x0101010101010101ull
#define HIGHS         0x8080808080808080ull
#define MAX_OPEN_KEYS 256 /* keys of all the objects open at once */

/* A key of an open object, for the duplicate check. */
typedef struct okey {
    const char *key; /* bytes */
    size_t len;      /* length */
    uint64_t head;   /* the first (up to) 8 bytes, for a quick compare */
} okey_t;

typedef struct scanner {
    const char *p;              /* next byte */
    const char *end;            /* end of the line */
    okey_t keys[MAX_OPEN_KEYS]; /* keys of the objects being scanned */
    size_t nkeys;               /* entries used in keys */
} scanner_t;

static int scan_value(scanner_t *s, int depth, ig_jval_t *v);

static void ws(scanner_t *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
        s->p++;
    }
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Four hex digits at p (before end) into *cp. Returns 1, or 0. */
static int hex4(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    if (end - p < 4) {
        return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) {
            return 0;
        }
        v = (v << 4) | (uint32_t)h;
    }
    *cp = v;
    return 1;
}

/* Length of the valid UTF-8 sequence (RFC 3629: no overlongs, surrogates or
 * values above U+10FFFF) starting with a byte >= 0x80 at p, or 0. */
static size_t utf8_seq(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    size_t n;
    uint32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n) {
        return 0;
    }
    for (size_t k = 1; k < n; k++) {
        if ((p[k] & 0xC0) != 0x80) {
            return 0;
        }
        cp = (cp << 6) | (p[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return 0;
    }
    return n;
}

/* One escape after the backslash at *pp: moves *pp past it and adds its
 * unescaped length to *dlen. Returns 1, or 0 for anything jansson refuses
 * (unknown escapes, bad hex, \u0000, unpaired surrogates). */
static int scan_escape(const unsigned char **pp, const unsigned char *end, size_t *dlen, int *wide)
{
    const unsigned char *p = *pp + 1;
    if (p >= end) {
        return 0;
    }
    switch (*p) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
        *dlen += 1;
        *pp = p + 1;
        return 1;
    case 'u':
        break;
    default:
        return 0;
    }
    uint32_t cp, lo;
    if (!hex4(p + 1, end, &cp) || cp == 0) {
        return 0;
    }
    p += 5;
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return 0;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, end, &lo) || lo < 0xDC00 ||
            lo > 0xDFFF) {
            return 0;
        }
        p += 6;
        *dlen += 4;
        *wide = 1;
    } else {
        *dlen += cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
        *wide |= cp >= 0x80;
    }
    *pp = p;
    return 1;
}

/* A string at s->p (its opening quote). */
static int scan_string(scanner_t *s, ig_jval_t *v)
{
    const unsigned char *p = (const unsigned char *)s->p + 1;
    const unsigned char *end = (const unsigned char *)s->end;
    size_t dlen = 0;
    int esc = 0, wide = 0;
    for (;;) {
        /* Eight plain bytes at a time: no quote, backslash, control or
         * non-ASCII byte among them. */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t q = w ^ (ONES * '"');
            uint64_t b = w ^ (ONES * '\\');
            uint64_t t = ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((w - ONES * 0x20) & ~w) | w;
            if (t & HIGHS) {
                break;
            }
            p += 8;
            dlen += 8;
        }
        if (p >= end) {
            return 0;
        }
        unsigned char c = *p;
        if (c == '"') {
            break;
        }
        if (c == '\\') {
            if (!scan_escape(&p, end, &dlen, &wide)) {
                return 0;
            }
            esc = 1;
        } else if (c < 0x20) {
            return 0;
        } else if (c < 0x80) {
            p++;
            dlen++;
        } else {
            size_t n = utf8_seq(p, (size_t)(end - p));
            if (n == 0) {
                return 0;
            }
            p += n;
            dlen += n;
            wide = 1;
        }
    }
    v->kind = IG_JSTRING;
    v->start = s->p + 1;
    v->end = (const char *)p;
    v->dlen = dlen;
    v->esc = (unsigned char)esc;
    v->wide = (unsigned char)wide;
    s->p = (const char *)p + 1;
    return 1;
}

static int is_digit(const char *p, const char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

/* A number as jansson's lexer reads it; only those that cannot overflow its
 * int64 or double (at most 18 integer digits, a 2-digit exponent). */
static int scan_number(scanner_t *s, ig_jval_t *v)
{
    const char *p = s->p, *end = s->end;
    int nat = 1;
    if (*p == '-') {
        nat = 0;
        p++;
    }
    const char *digits = p;
    if (!is_digit(p, end)) {
        return 0;
    }
    if (*p == '0') {
        p++;
        if (is_digit(p, end)) {
            return 0;
        }
    } else {
        while (is_digit(p, end)) {
            p++;
        }
    }
    if (p - digits > 18) {
        return 0;
    }
    if (p < end && *p == '.') {
        nat = 0;
        p++;
        if (!is_digit(p, end)) {
            return 0;
        }
        while (is_digit(p, end)) {
            p++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        nat = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }
        const char *e = p;
        while (is_digit(p, end)) {
            p++;
        }
        if (p == e || p - e > 2) {
            return 0;
        }
    }
    if (p - s->p > 40) {
        return 0;
    }
    v->kind = IG_JNUMBER;
    v->start = s->p;
    v->end = p;
    v->nat = (unsigned char)nat;
    s->p = p;
    return 1;
}

static int scan_literal(scanner_t *s, ig_jval_t *v, const char *word, size_t n, int kind)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) {
        return 0;
    }
    v->kind = kind;
    v->start = s->p;
    s->p += n;
    v->end = s->p;
    return 1;
}

static uint64_t head8(const char *k, size_t n)
{
    uint64_t h = 0;
    memcpy(&h, k, n < 8 ? n : 8);
    return h;
}

/* An object at s->p. With cap, its members go to cap[*ncap...]. Keys must be
 * escape-free (so equal bytes = equal keys) and distinct. */
static int scan_object(scanner_t *s, int depth, ig_jmember_t *cap, size_t *ncap)
{
    if (depth > IG_JSCAN_MAX_DEPTH) {
        return 0;
    }
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return 1;
    }
    size_t base = s->nkeys;
    for (;;) {
        ig_jval_t k, v;
        if (s->p >= s->end || *s->p != '"' || !scan_string(s, &k) || k.esc) {
            return 0;
        }
        size_t klen = (size_t)(k.end - k.start);
        uint64_t h = head8(k.start, klen);
        for (size_t i = base; i < s->nkeys; i++) {
            if (s->keys[i].head == h && s->keys[i].len == klen &&
                memcmp(s->keys[i].key, k.start, klen) == 0) {
                return 0;
            }
        }
        if (s->nkeys == MAX_OPEN_KEYS) {
            return 0;
        }
        s->keys[s->nkeys++] = (okey_t){.key = k.start, .len = klen, .head = h};
        ws(s);
        if (s->p >= s->end || *s->p != ':') {
            return 0;
        }
        s->p++;
        ws(s);
        if (!scan_value(s, depth + 1, &v)) {
            return 0;
        }
        if (cap) {
            if (*ncap == IG_JSCAN_MAX_KEYS) {
                return 0;
            }
            cap[(*ncap)++] = (ig_jmember_t){.key = k.start, .klen = klen, .v = v};
        }
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == '}') {
            s->p++;
            break;
        }
        return 0;
    }
    s->nkeys = base;
    return 1;
}

static int scan_array(scanner_t *s, int depth)
{
    if (depth > IG_JSCAN_MAX_DEPTH) {
        return 0;
    }
    s->p++;
    ws(s);
    if (s->p < s->end && *s->p == ']') {
        s->p++;
        return 1;
    }
    for (;;) {
        ig_jval_t v;
        if (!scan_value(s, depth + 1, &v)) {
            return 0;
        }
        ws(s);
        if (s->p < s->end && *s->p == ',') {
            s->p++;
            ws(s);
            continue;
        }
        if (s->p < s->end && *s->p == ']') {
            s->p++;
            return 1;
        }
        return 0;
    }
}

static int scan_value(scanner_t *s, int depth, ig_jval_t *v)
{
    if (s->p >= s->end) {
        return 0;
    }
    const char *start = s->p;
    switch (*s->p) {
    case '"':
        return scan_string(s, v);
    case '{':
        if (!scan_object(s, depth, NULL, NULL)) {
            return 0;
        }
        *v = (ig_jval_t){.kind = IG_JOBJECT, .start = start, .end = s->p};
        return 1;
    case '[':
        if (!scan_array(s, depth)) {
            return 0;
        }
        *v = (ig_jval_t){.kind = IG_JARRAY, .start = start, .end = s->p};
        return 1;
    case 't':
        return scan_literal(s, v, "true", 4, IG_JTRUE);
    case 'f':
        return scan_literal(s, v, "false", 5, IG_JFALSE);
    case 'n':
        return scan_literal(s, v, "null", 4, IG_JNULL);
    default:
        return scan_number(s, v);
    }
}

const char *ig_jscan_object(const char *p, const char *end, int depth, ig_jmember_t *m, size_t *n)
{
    scanner_t s = {.p = p, .end = end, .nkeys = 0};
    if (p >= end || *p != '{') {
        return NULL;
    }
    *n = 0;
    return scan_object(&s, depth, m, n) ? s.p : NULL;
}
