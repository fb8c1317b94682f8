/* tokread.h -- what the tokeniser's token loop (features.c) and its
 * byte-at-a-time word reader (tokread.c) share: reading a code point,
 * the classes of code point a word is made of, and appending a token.
 * static inline: they run for every character and token on the hot path,
 * where a call across files would cost more than most of them do. */
#ifndef CL_TOKREAD_H
#define CL_TOKREAD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "features.h"
#include "tokscan.h"

/* Decodes one code point at s[*p..len); returns it and advances *p, or
 * returns -1 and skips one byte when the bytes are not valid UTF-8. */
static inline int32_t cl_cp_next(const char *s, size_t len, size_t *p)
{
    if ((unsigned char)s[*p] < 0x80) {
        return (unsigned char)s[(*p)++]; /* most text is ASCII: no decoding */
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n =
        utf8proc_iterate((const utf8proc_uint8_t *)s + *p, (utf8proc_ssize_t)(len - *p), &cp);
    if (n <= 0) {
        (*p)++;
        return -1;
    }
    *p += (size_t)n;
    return cp;
}

static inline int32_t cl_cp_peek(const char *s, size_t len, size_t p)
{
    return p < len ? cl_cp_next(s, len, &p) : -1;
}

static inline int cl_cp_is_word(int32_t cp)
{
    if (cp < 0) {
        return 0;
    }
    if (cp < 0x80) {
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return 1;
    default:
        return 0;
    }
}

static inline int cl_cp_is_digit(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

/* Appends a token, text cut to CL_TOKEN_MAX - 1 bytes. Returns 0, or -1
 * when out of memory; a full token list is not an error, the rest of the
 * text is simply not looked at. */
static inline int cl_tok_add(cl_features_t *f, const char *text, size_t len, cl_tok_kind_t kind,
                             unsigned flags)
{
    cl_token_t *t = cl_tok_slot(f);
    if (t == NULL) {
        return f->n < CL_MAX_TOKENS ? -1 : 0;
    }
    if (len >= CL_TOKEN_MAX) {
        len = CL_TOKEN_MAX - 1;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80) {
            len--; /* do not cut a UTF-8 sequence */
        }
    }
    memset(t->text, 0, sizeof t->text); /* whole: the word cache compares 8 bytes at a time */
    memcpy(t->text, text, len);
    t->len = len;
    t->kind = kind;
    t->flags = flags;
    return 0;
}

/* Reads a word starting at *p; fills the token. Returns 0, or -1 when out of
 * memory. A full token list is not an error: the rest is ignored. flags:
 * the token's flags so far (CL_TF_HASHTAG); ready: 1 when cl_shape_ready()
 * succeeded (wordshape.h). */
int cl_tok_read_word(cl_features_t *f, const char *s, size_t len, size_t *p, unsigned flags,
                     int ready);

#endif
