/* features.c -- the tokeniser behind every classify model (features.h). */
#include "features.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "grow.h"
#include "tokscan.h"
#include "wordshape.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Decodes one code point at s[*p..len); returns it and advances *p, or
 * returns -1 and skips one byte when the bytes are not valid UTF-8. */
static int32_t next_cp(const char *s, size_t len, size_t *p)
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

static int32_t peek_cp(const char *s, size_t len, size_t p)
{
    return p < len ? next_cp(s, len, &p) : -1;
}

static int is_space(int32_t cp)
{
    if (cp < 0) {
        return 1;
    }
    if (cp <= 0x20 || cp == 0x7f) {
        return 1;
    }
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

static int is_word_cp(int32_t cp)
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

static int is_digit_cp(int32_t cp)
{
    return cp >= '0' && cp <= '9';
}

static int is_emoji_cp(int32_t cp)
{
    return (cp >= 0x1F300 && cp <= 0x1F5FF) || (cp >= 0x1F600 && cp <= 0x1F64F) ||
           (cp >= 0x1F680 && cp <= 0x1F6FF) || (cp >= 0x1F900 && cp <= 0x1F9FF) ||
           (cp >= 0x1FA70 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF) ||
           (cp >= 0x1F1E6 && cp <= 0x1F1FF) || cp == 0x2B50 || cp == 0x2B55 ||
           (cp >= 0x231A && cp <= 0x231B) || (cp >= 0x23E9 && cp <= 0x23FA);
}

/* Code points that only modify the emoji before them. */
static int is_emoji_modifier(int32_t cp)
{
    return cp == 0xFE0E || cp == 0xFE0F || cp == 0x20E3 || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

static int is_currency(int32_t cp)
{
    return cp == '$' || cp == 0xA3 || cp == 0x20AC || cp == 0xA5 || cp == 0x20B9;
}

/* See tokscan.h. Its hashes are worked out for all tokens at once when
 * the text is read (cl_tok_hash). */
cl_token_t *cl_tok_slot(cl_features_t *f)
{
    if (f->n >= CL_MAX_TOKENS) {
        return NULL;
    }
    if (oc_grow(&f->tok, &f->cap, f->n, sizeof *f->tok, 64) != 0) {
        return NULL;
    }
    return &f->tok[f->n++];
}

/* Appends a token, text cut to CL_TOKEN_MAX - 1 bytes. Returns 0, or -1
 * when out of memory; a full token list is not an error, the rest of the
 * text is simply not looked at. */
static int add(cl_features_t *f, const char *text, size_t len, cl_tok_kind_t kind, unsigned flags)
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

static int ci_prefix(const char *s, size_t len, size_t p, const char *prefix)
{
    size_t n = strlen(prefix);
    if (len - p < n) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[p + i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return 0;
        }
    }
    return 1;
}

/* 1 when a link starts at s[p]. */
static int link_at(const char *s, size_t len, size_t p)
{
    return ci_prefix(s, len, p, "http://") || ci_prefix(s, len, p, "https://") ||
           ci_prefix(s, len, p, "www.");
}

/* Emoticons, longest first, with the token each one becomes. */
static const struct {
    const char *as_written; /* the characters in the text */
    const char *token;      /* the normalised token */
} emoticons[] = {
    {">:-(", ":("}, {">:(", ":("}, {":'-(", ":("}, {":'(", ":("}, {":-)", ":)"}, {":-(", ":("},
    {":-D", ":D"},  {";-)", ";)"}, {":-/", ":/"},  {":-P", ":P"}, {":-|", ":|"}, {":)", ":)"},
    {":(", ":("},   {":D", ":D"},  {";)", ";)"},   {":/", ":/"},  {":P", ":P"},  {":p", ":P"},
    {":|", ":|"},   {"=)", ":)"},  {"=(", ":("},   {"<3", "<3"},  {"xD", ":D"},  {"XD", ":D"},
};

/* Matches an emoticon at p with no word character right after it (and not
 * the start of "://"). */
static size_t match_emoticon(const char *s, size_t len, size_t p, const char **token)
{
    if (strchr(">:;=<xX", s[p]) == NULL || s[p] == '\0') {
        return 0; /* no emoticon starts otherwise */
    }
    for (size_t i = 0; i < COUNT(emoticons); i++) {
        size_t n = strlen(emoticons[i].as_written);
        int32_t after = peek_cp(s, len, p + n);
        if (len - p >= n && memcmp(s + p, emoticons[i].as_written, n) == 0 && !is_word_cp(after) &&
            after != '/') {
            *token = emoticons[i].token;
            return n;
        }
    }
    return 0;
}

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

/* Reads a word starting at *p; fills the token. Returns 0, or -1 when out of
 * memory. A full token list is not an error: the rest is ignored. */
static int read_word(cl_features_t *f, const char *s, size_t len, size_t *p, unsigned flags,
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
        int32_t cp = next_cp(s, len, &q);
        int keep = is_word_cp(cp);
        if (!keep && rn > 0) {
            int32_t nx = peek_cp(s, len, q);
            if ((cp == '\'' || cp == 0x2019) && is_word_cp(nx) && !is_digit_cp(nx)) {
                keep = 2; /* apostrophe inside a word, written as ' */
            } else if (cp == '-' && is_word_cp(nx)) {
                *p = q; /* "wi-fi" -> "wifi" */
                continue;
            } else if ((cp == '.' || cp == ',' || cp == ':') && digits > 0 && letters == 0 &&
                       is_digit_cp(nx)) {
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
            if (is_digit_cp(cp)) {
                digits++;
            } else if (cp < 0x80) {
                letters++; /* is_word_cp() let only letters and digits through */
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
        return add(f, "<num>", 5, CL_TOK_NUM, flags);
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
    return add(f, word, wn, CL_TOK_WORD, flags);
}

/* Skips the rest of a URL or mention: everything up to white space. */
static void skip_to_space(const char *s, size_t len, size_t *p)
{
    while (*p < len) {
        unsigned char c = (unsigned char)s[*p];
        if (c < 0x80) {
            if (c <= 0x20 || c == 0x7f) {
                return; /* is_space() of an ASCII byte */
            }
            (*p)++;
            continue;
        }
        size_t q = *p;
        if (is_space(next_cp(s, len, &q))) {
            return;
        }
        *p = q;
    }
}

static void mark_negation(cl_features_t *f)
{
    int scope = 0;
    f->last_contrast = -1;
    for (size_t i = 0; i < f->n; i++) {
        cl_token_t *t = &f->tok[i];
        if (t->kind == CL_TOK_PUNCT) {
            scope = 0;
            continue;
        }
        if (t->flags & CL_TF_CONTRAST) {
            scope = 0;
            f->last_contrast = (int)i;
            continue;
        }
        if (t->kind != CL_TOK_WORD && t->kind != CL_TOK_NUM) {
            continue; /* mentions, links and emoji neither count nor get marked */
        }
        if (scope > 0) {
            t->flags |= CL_TF_NEGATED;
            scope--;
        }
        if (t->flags & CL_TF_NEGATOR) {
            scope = CL_NEG_SCOPE;
        }
    }
}

int cl_features_extract(cl_features_t *f, const char *s, size_t len)
{
    cl_token_t *keep = f->tok;
    size_t cap = f->cap;
    memset(f, 0, sizeof *f);
    f->tok = keep;
    f->cap = cap;
    f->last_contrast = -1;
    int ready = cl_shape_ready() == 0;
    size_t p = 0;
    int run = 0;       /* current run of ! and ? */
    int prev_word = 0; /* the previous code point was part of a word */
    while (p < len && f->n < CL_MAX_TOKENS) {
        size_t start = p;
        unsigned char b = (unsigned char)s[p];
        /* ASCII fast paths, taken exactly where the general code below would
         * do the same: a space ends a run and a word; a letter or digit that
         * can start no emoticon ("xD") or link ("http", "www") starts a word. */
        if (b == ' ' || b == '\n') {
            run = 0;
            prev_word = 0;
            p++;
            continue;
        }
        unsigned char lb = (unsigned char)(b | 0x20);
        if ((b >= '0' && b <= '9') || (lb >= 'a' && lb <= 'z' &&
                                       ((lb != 'x' && lb != 'h' && lb != 'w') ||
                                        (lb == 'x' && (p + 1 >= len || s[p + 1] != 'D')) ||
                                        (lb != 'x' && (prev_word || !link_at(s, len, p)))))) {
            run = 0;
            /* most words: read 16 bytes at a time (tokscan.h) */
            cl_ascii_word_t aw;
            size_t an = cl_tok_ascii_word(s + p, len - p, &aw);
            if (an > 0) {
                p += an;
                if (cl_tok_ascii_push(f, &aw, an, 0, ready) != 0) {
                    return -1;
                }
            } else if (read_word(f, s, len, &p, 0, ready) != 0) {
                return -1;
            }
            prev_word = 1;
            continue;
        }
        if (b == '!' || b == '?') {
            /* what the general code below does for them, in short */
            run++;
            if (b == '!') {
                f->exclaim++;
            } else {
                f->question++;
            }
            if (run > f->exclaim_run && f->exclaim > 0) {
                f->exclaim_run = run;
            }
            if (add(f, b == '!' ? "!" : "?", 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
            prev_word = 0;
            p++;
            continue;
        }
        if (b == ',') {
            run = 0;
            if (add(f, ",", 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
            prev_word = 0;
            p++;
            continue;
        }
        int32_t cp = next_cp(s, len, &p);
        int32_t nx = peek_cp(s, len, p);
        if (cp != '!' && cp != '?') {
            run = 0;
        }
        const char *emo = NULL;
        size_t elen =
            (prev_word && cp != ':' && cp != ';') ? 0 : match_emoticon(s, len, start, &emo);
        if (is_space(cp)) {
            prev_word = 0;
            continue;
        }
        if (cp == '@' && !prev_word && (is_word_cp(nx) || nx == '_')) {
            skip_to_space(s, len, &p);
            f->mentions++;
            if (add(f, "@user", 5, CL_TOK_MENTION, 0) != 0) {
                return -1;
            }
        } else if (!prev_word && link_at(s, len, start)) {
            skip_to_space(s, len, &p);
            f->urls++;
            if (add(f, "<url>", 5, CL_TOK_URL, 0) != 0) {
                return -1;
            }
        } else if (cp == '#' && !prev_word && is_word_cp(nx)) {
            if (read_word(f, s, len, &p, CL_TF_HASHTAG, ready) != 0) {
                return -1;
            }
        } else if (is_currency(cp) && is_digit_cp(nx)) {
            size_t before = f->n;
            if (read_word(f, s, len, &p, 0, ready) != 0) {
                return -1;
            }
            if (f->n > before && f->tok[f->n - 1].kind == CL_TOK_NUM) {
                memcpy(f->tok[f->n - 1].text, "<money>", 8);
                f->tok[f->n - 1].len = 7;
            }
        } else if (elen > 0) {
            p = start + elen;
            f->emoji++;
            if (add(f, emo, strlen(emo), CL_TOK_EMOJI, 0) != 0) {
                return -1;
            }
        } else if (is_word_cp(cp)) {
            p = start;
            if (read_word(f, s, len, &p, 0, ready) != 0) {
                return -1;
            }
            prev_word = 1;
            continue;
        } else if (cp == '!' || cp == '?') {
            run++;
            if (cp == '!') {
                f->exclaim++;
            } else {
                f->question++;
            }
            if (run > f->exclaim_run && f->exclaim > 0) {
                f->exclaim_run = run;
            }
            if (add(f, cp == '!' ? "!" : "?", 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
        } else if (cp == '.' || cp == 0x2026) {
            int dots = cp == 0x2026 ? 3 : 1;
            while (p < len && (s[p] == '.' || ci_prefix(s, len, p, "\xE2\x80\xA6"))) {
                dots += s[p] == '.' ? 1 : 3;
                p += s[p] == '.' ? 1 : 3;
            }
            const char *tok = dots >= 2 ? "..." : ".";
            if (add(f, tok, strlen(tok), CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
        } else if (cp == ',' || cp == ';' || cp == ':') {
            char c = (char)cp;
            if (add(f, &c, 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
        } else if (is_emoji_cp(cp)) {
            size_t end = p;
            for (;;) {
                size_t q = end;
                int32_t m = peek_cp(s, len, q);
                if (is_emoji_modifier(m)) {
                    next_cp(s, len, &end);
                } else if (m == 0x200D) {
                    next_cp(s, len, &end); /* ZWJ and whatever it joins */
                    if (end < len) {
                        next_cp(s, len, &end);
                    }
                } else {
                    break;
                }
            }
            f->emoji++;
            if (add(f, s + start, p - start, CL_TOK_EMOJI, 0) != 0) {
                return -1;
            }
            p = end;
        }
        prev_word = 0; /* anything else (quotes, brackets, symbols) separates */
    }
    cl_tok_hash(f->tok, f->n);
    mark_negation(f);
    return 0;
}

void cl_features_free(cl_features_t *f)
{
    free(f->tok);
    f->tok = NULL;
    f->n = f->cap = 0;
}
