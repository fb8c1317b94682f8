/* tokread.c -- the tokeniser's byte-at-a-time word reader (tokread.h): it
 * reads every word that the 16-byte reader (tokscan.h) declines -- an
 * apostrophe, hyphen or separator inside it, non-ASCII letters, a run to
 * squeeze, a long word, fewer than 16 bytes left -- and the word after a
 * '#' or a currency sign. */
#include "tokread.h"

#include <string.h>
#include <utf8proc.h>

#include "features.h"
#include "wordshape.h"

/* Squeezes runs of 3+ equal ASCII letters to 2 in place. Returns 1 when it did. */
static int squeeze(char *w, size_t *len)
{
    size_t o = 0;
    int did = 0;
    for (size_t i = 0; i < *len; i++) {
        char c = w[i];
        int letter = (c >= 'a' && c <= 'z');
        if (letter && o >= 2 && w[o - 1] == c && w[o - 2] == c) {
            did = 1;
            continue;
        }
        w[o++] = c;
    }
    *len = o;
    return did;
}

/* Byte classes of the ASCII fast path: digit, lower-case and upper-case
 * letter (0 for anything else, bytes of multi-byte characters included). */
#define BC_DIGIT 1u
#define BC_LOWER 2u
#define BC_UPPER 4u
/* clang-format off */
static const uint8_t byte_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0,
    0, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0,
    0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* clang-format on */
/* See tokread.h. */
int cl_tok_read_word(cl_features_t *f, const char *s, size_t len, size_t *p, unsigned flags,
                     int ready)
{
    char raw[128], word[sizeof raw];
    size_t rn = 0, wn = 0;
    int letters = 0, upper = 0, lower = 0, digits = 0, ascii = 1, squeezed = 0;
    /* Most words are plain ASCII letters and digits: take them a byte at a
     * time, as the loop below would, without decoding or property lookups,
     * and lower-case and squeeze them (see squeeze()) on the way. */
    size_t at = *p; /* in a register: the stores to raw and word may alias *p */
    for (; at < len; at++) {
        unsigned char c = (unsigned char)s[at];
        unsigned cls = byte_class[c];
        if (cls == 0) {
            break;
        }
        digits += (int)(cls & BC_DIGIT);
        lower += (int)(cls >> 1 & 1u);
        upper += (int)(cls >> 2 & 1u);
        unsigned char lc = (unsigned char)(c | (cls & BC_UPPER) << 3); /* 'A' | 0x20 = 'a' */
        if (rn < sizeof raw) {
            raw[rn++] = (char)c;
            if (lc >= 'a' && wn >= 2 && word[wn - 1] == (char)lc && word[wn - 2] == (char)lc) {
                squeezed = 1;
            } else {
                word[wn++] = (char)lc;
            }
        }
    }
    *p = at;
    letters = upper + lower;
    /* The word ends here, all ASCII, unless what follows may continue it
     * (an apostrophe, a hyphen, a separator inside a number, or a byte of
     * a multi-byte character): then the loop below decides, a code point
     * at a time. */
    unsigned char end = *p < len ? (unsigned char)s[*p] : ' ';
    int done = end < 0x80 && end != '\'' && end != '-' && end != '.' && end != ',' && end != ':';
    while (!done && *p < len) {
        size_t q = *p;
        int32_t cp = cl_cp_next(s, len, &q);
        int keep = cl_cp_is_word(cp);
        if (!keep && rn > 0) {
            int32_t nx = cl_cp_peek(s, len, q);
            if ((cp == '\'' || cp == 0x2019) && cl_cp_is_word(nx) && !cl_cp_is_digit(nx)) {
                keep = 2; /* apostrophe inside a word, written as ' */
            } else if (cp == '-' && cl_cp_is_word(nx)) {
                *p = q; /* "wi-fi" -> "wifi" */
                continue;
            } else if ((cp == '.' || cp == ',' || cp == ':') && digits > 0 && letters == 0 &&
                       cl_cp_is_digit(nx)) {
                *p = q; /* 1,000 / 3.50 / 10:30 stay one number */
                continue;
            }
        }
        if (!keep) {
            break;
        }
        if (keep == 2) {
            if (rn < sizeof raw) {
                raw[rn++] = '\'';
            }
        } else {
            if (cp >= 0x80) {
                ascii = 0;
            }
            if (cl_cp_is_digit(cp)) {
                digits++;
            } else if (cp < 0x80) {
                letters++; /* cl_cp_is_word() let only letters and digits through */
                if (cp <= 'Z') {
                    upper++;
                } else {
                    lower++;
                }
            } else if (utf8proc_isupper(cp)) {
                letters++;
                upper++;
            } else if (utf8proc_islower(cp)) {
                letters++;
                lower++;
            } else if (cp >= 0x80 && utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU &&
                       utf8proc_category(cp) <= UTF8PROC_CATEGORY_LO) {
                letters++;
            }
            if (rn + (q - *p) <= sizeof raw) {
                memcpy(raw + rn, s + *p, q - *p);
                rn += q - *p;
            }
        }
        *p = q;
    }
    f->letters += letters;
    f->upper += upper;
    if (rn == 0) {
        return 0;
    }
    if (letters == 0 && digits > 0) {
        return cl_tok_add(f, "<num>", 5, CL_TOK_NUM, flags);
    }
    if (done) {
        /* word and squeezed are already what the lines below would make */
    } else if (ascii) {
        for (size_t i = 0; i < rn; i++) {
            char c = raw[i];
            word[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
        }
        wn = rn;
        squeezed = squeeze(word, &wn);
    } else {
        /* utf8proc_map() without its allocation: decompose into code points
         * on the stack, re-encode in place. A word is at most 128 bytes, so
         * 4 code points per byte is room enough for any decomposition. */
        utf8proc_int32_t cps[4 * sizeof raw];
        const utf8proc_option_t opt =
            UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD;
        utf8proc_ssize_t n =
            utf8proc_decompose((const utf8proc_uint8_t *)raw, (utf8proc_ssize_t)rn, cps,
                               (utf8proc_ssize_t)(sizeof cps / sizeof cps[0]), opt);
        if (n < 0 || (size_t)n > sizeof cps / sizeof cps[0]) {
            return 0; /* not a word we can fold: skip it */
        }
        n = utf8proc_reencode(cps, n, opt);
        if (n < 0) {
            return 0;
        }
        wn = (size_t)n < sizeof word ? (size_t)n : sizeof word;
        memcpy(word, cps, wn);
        if (wn == 0) {
            return 0;
        }
        squeezed = squeeze(word, &wn);
    }
    if (squeezed) {
        flags |= CL_TF_ELONGATED;
    }
    size_t sn = wn < sizeof word ? wn : sizeof word - 1; /* strlen(word) */
    word[sn] = '\0';
    if (upper >= 3 && lower == 0 && !cl_shape_acronym(word, sn) &&
        (upper >= 4 || cl_shape_loud3(word, sn))) {
        flags |= CL_TF_CAPS;
        f->caps_words++;
    }
    if (cl_shape_negator(word, sn, ready)) {
        flags |= CL_TF_NEGATOR;
    }
    if (cl_shape_contrast(word, sn, ready)) {
        flags |= CL_TF_CONTRAST;
    }
    f->words++;
    return cl_tok_add(f, word, wn, CL_TOK_WORD, flags);
}
