/* text.c -- UTF-8 validation, HTML entities, NFC, Twitter timestamps, mentions. */
#include "text.h"
#include "timeutil.h"
#include "utf8.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void ig_utf8_scrub(char *s)
{
    size_t len = strlen(s);
    size_t at = 0;
    size_t bad = 0;
    while (oc_utf8_valid(s + at, len - at, &bad) != 0) {
        s[at + bad] = '?';
        at += bad + 1;
    }
}

/* Appends the UTF-8 form of cp to out. Returns the bytes written. */
static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Reads the entity starting at s[0] == '&'. Returns its length (including
 * '&' and ';') and the code point in *cp, or 0 when it is not one we decode. */
static size_t entity(const char *s, size_t len, uint32_t *cp)
{
    static const struct {
        const char *name; /* entity name between '&' and ';' */
        uint32_t cp;      /* what it stands for */
    } named[] = {{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
    if (len >= 4 && s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';
        size_t i = hex ? 3 : 2;
        size_t start = i;
        uint32_t v = 0;
        while (i < len && i - start < 8) {
            char c = s[i];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (hex && c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (hex && c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                break;
            }
            v = v * (hex ? 16 : 10) + (uint32_t)d;
            i++;
        }
        if (i == start || i >= len || s[i] != ';') {
            return 0;
        }
        if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            return 0;
        }
        *cp = v;
        return i + 1;
    }
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        size_t n = strlen(named[k].name);
        if (len >= n + 2 && memcmp(s + 1, named[k].name, n) == 0 && s[n + 1] == ';') {
            *cp = named[k].cp;
            return n + 2;
        }
    }
    return 0;
}

char *ig_html_decode(const char *s, size_t len, size_t *outlen)
{
    /* An entity is never shorter than what it decodes to (&#x10FFFF; is 10
     * bytes for 4), so len + 1 bytes always suffice. */
    char *out = malloc(len + 1);
    if (!out) {
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = s[i] == '&' ? entity(s + i, len - i, &cp) : 0;
        if (n > 0) {
            o += utf8_put(cp, out + o);
            i += n;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

char *ig_nfc(const char *s, size_t len, size_t *outlen)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)len, &dst,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (n < 0) {
        free(dst);
        return NULL;
    }
    *outlen = (size_t)n;
    return (char *)dst;
}

char *ig_text_clean(const char *s, size_t len, size_t *outlen, const char **code, char *err,
                    size_t errlen)
{
    size_t bad = 0;
    if (oc_utf8_valid(s, len, &bad) != 0) {
        *code = "invalid_utf8";
        snprintf(err, errlen, "text is not valid UTF-8 (byte 0x%02x at offset %zu)",
                 (unsigned)(unsigned char)s[bad], bad);
        return NULL;
    }
    if (memchr(s, '\0', len)) {
        *code = "invalid_text";
        snprintf(err, errlen, "text contains a NUL byte");
        return NULL;
    }
    size_t dlen = 0;
    char *decoded = ig_html_decode(s, len, &dlen);
    if (!decoded) {
        goto nomem;
    }
    /* Line ends inside a post become LF, whatever the file used. */
    size_t o = 0;
    for (size_t i = 0; i < dlen; i++) {
        if (decoded[i] == '\r') {
            decoded[o++] = '\n';
            if (i + 1 < dlen && decoded[i + 1] == '\n') {
                i++;
            }
        } else {
            decoded[o++] = decoded[i];
        }
    }
    decoded[o] = '\0';
    char *nfc = ig_nfc(decoded, o, outlen);
    free(decoded);
    if (!nfc) {
        goto nomem;
    }
    return nfc;
nomem:
    *code = "invalid_text";
    snprintf(err, errlen, "text could not be normalised (out of memory)");
    return NULL;
}

int ig_text_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f') {
            return 0;
        }
    }
    return 1;
}

/* Index (0-based) of the three-letter name at s in names, compared without
 * case, or -1. */
static int name3(const char *s, const char *const *names, int n)
{
    for (int i = 0; i < n; i++) {
        int same = 1;
        for (int k = 0; k < 3; k++) {
            char a = s[k];
            if (a >= 'A' && a <= 'Z') {
                a = (char)(a - 'A' + 'a');
            }
            if (a != names[i][k]) {
                same = 0;
                break;
            }
        }
        if (same) {
            return i;
        }
    }
    return -1;
}

/* Reads exactly n digits at *p, advancing it. Returns 0 or -1. */
static int fixed_digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        char c = (*p)[i];
        if (c < '0' || c > '9') {
            return -1;
        }
        v = v * 10 + (c - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

/* Skips one or more spaces. Returns 0, or -1 when there is none. */
static int spaces(const char **p)
{
    if (**p != ' ') {
        return -1;
    }
    while (**p == ' ') {
        (*p)++;
    }
    return 0;
}

int ig_twitter_time(const char *s, int64_t *ms)
{
    static const char *const wdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s) {
        return -1;
    }
    const char *p = s;
    while (*p == ' ') {
        p++;
    }
    if (name3(p, wdays, 7) < 0) {
        return -1;
    }
    p += 3;
    if (spaces(&p) != 0) {
        return -1;
    }
    int mon = name3(p, months, 12);
    if (mon < 0) {
        return -1;
    }
    p += 3;
    int day, h, mi, sec, oh, om, year;
    if (spaces(&p) != 0) {
        return -1;
    }
    if (fixed_digits(&p, 2, &day) != 0 && fixed_digits(&p, 1, &day) != 0) {
        return -1;
    }
    if (spaces(&p) != 0 || fixed_digits(&p, 2, &h) != 0 || *p++ != ':' ||
        fixed_digits(&p, 2, &mi) != 0 || *p++ != ':' || fixed_digits(&p, 2, &sec) != 0 ||
        spaces(&p) != 0) {
        return -1;
    }
    char sign = *p++;
    if ((sign != '+' && sign != '-') || fixed_digits(&p, 2, &oh) != 0 ||
        fixed_digits(&p, 2, &om) != 0 || spaces(&p) != 0 || fixed_digits(&p, 4, &year) != 0) {
        return -1;
    }
    while (*p == ' ') {
        p++;
    }
    if (*p != '\0') {
        return -1;
    }
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day < 1 || day > mdays[mon] || (mon == 1 && day == 29 && !leap) || h > 23 || mi > 59 ||
        sec > 59 || oh > 23 || om > 59) {
        return -1;
    }
    int64_t offset = (int64_t)(oh * 3600 + om * 60) * (sign == '-' ? -1 : 1);
    int64_t secs = oc_days_from_civil(year, mon + 1, day) * 86400 + h * 3600 + mi * 60 + sec;
    *ms = (secs - offset) * 1000;
    return 0;
}

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

int ig_mention_next(const char *text, size_t len, size_t *pos, const char **name, size_t *namelen)
{
    for (size_t i = *pos; i < len; i++) {
        if (text[i] != '@' || (i > 0 && word_char(text[i - 1]))) {
            continue;
        }
        size_t k = i + 1;
        while (k < len && word_char(text[k])) {
            k++;
        }
        if (k == i + 1 || k - i - 1 > 50) {
            i = k - 1;
            continue;
        }
        *name = text + i + 1;
        *namelen = k - i - 1;
        *pos = k;
        return 1;
    }
    *pos = len;
    return 0;
}

int ig_is_digits(const char *s)
{
    if (!s || !*s) {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
    }
    return 1;
}
