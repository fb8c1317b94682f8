/* features.c -- the tokeniser behind every classify model (features.h):
 * the token loop over a text (mentions, links, emoticons, emoji,
 * punctuation) and negation scopes. Words are read by tokscan.h's 16-byte
 * reader or, when it declines, by tokread.c's byte-at-a-time one. */
#include "features.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "grow.h"
#include "tokread.h"
#include "tokscan.h"
#include "wordshape.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

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
        int32_t after = cl_cp_peek(s, len, p + n);
        if (len - p >= n && memcmp(s + p, emoticons[i].as_written, n) == 0 &&
            !cl_cp_is_word(after) && after != '/') {
            *token = emoticons[i].token;
            return n;
        }
    }
    return 0;
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
        if (is_space(cl_cp_next(s, len, &q))) {
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
            } else if (cl_tok_read_word(f, s, len, &p, 0, ready) != 0) {
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
            if (cl_tok_add(f, b == '!' ? "!" : "?", 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
            prev_word = 0;
            p++;
            continue;
        }
        if (b == ',') {
            run = 0;
            if (cl_tok_add(f, ",", 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
            prev_word = 0;
            p++;
            continue;
        }
        int32_t cp = cl_cp_next(s, len, &p);
        int32_t nx = cl_cp_peek(s, len, p);
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
        if (cp == '@' && !prev_word && (cl_cp_is_word(nx) || nx == '_')) {
            skip_to_space(s, len, &p);
            f->mentions++;
            if (cl_tok_add(f, "@user", 5, CL_TOK_MENTION, 0) != 0) {
                return -1;
            }
        } else if (!prev_word && link_at(s, len, start)) {
            skip_to_space(s, len, &p);
            f->urls++;
            if (cl_tok_add(f, "<url>", 5, CL_TOK_URL, 0) != 0) {
                return -1;
            }
        } else if (cp == '#' && !prev_word && cl_cp_is_word(nx)) {
            if (cl_tok_read_word(f, s, len, &p, CL_TF_HASHTAG, ready) != 0) {
                return -1;
            }
        } else if (is_currency(cp) && cl_cp_is_digit(nx)) {
            size_t before = f->n;
            if (cl_tok_read_word(f, s, len, &p, 0, ready) != 0) {
                return -1;
            }
            if (f->n > before && f->tok[f->n - 1].kind == CL_TOK_NUM) {
                memcpy(f->tok[f->n - 1].text, "<money>", 8);
                f->tok[f->n - 1].len = 7;
            }
        } else if (elen > 0) {
            p = start + elen;
            f->emoji++;
            if (cl_tok_add(f, emo, strlen(emo), CL_TOK_EMOJI, 0) != 0) {
                return -1;
            }
        } else if (cl_cp_is_word(cp)) {
            p = start;
            if (cl_tok_read_word(f, s, len, &p, 0, ready) != 0) {
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
            if (cl_tok_add(f, cp == '!' ? "!" : "?", 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
        } else if (cp == '.' || cp == 0x2026) {
            int dots = cp == 0x2026 ? 3 : 1;
            while (p < len && (s[p] == '.' || ci_prefix(s, len, p, "\xE2\x80\xA6"))) {
                dots += s[p] == '.' ? 1 : 3;
                p += s[p] == '.' ? 1 : 3;
            }
            const char *tok = dots >= 2 ? "..." : ".";
            if (cl_tok_add(f, tok, strlen(tok), CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
        } else if (cp == ',' || cp == ';' || cp == ':') {
            char c = (char)cp;
            if (cl_tok_add(f, &c, 1, CL_TOK_PUNCT, 0) != 0) {
                return -1;
            }
        } else if (is_emoji_cp(cp)) {
            size_t end = p;
            for (;;) {
                size_t q = end;
                int32_t m = cl_cp_peek(s, len, q);
                if (is_emoji_modifier(m)) {
                    cl_cp_next(s, len, &end);
                } else if (m == 0x200D) {
                    cl_cp_next(s, len, &end); /* ZWJ and whatever it joins */
                    if (end < len) {
                        cl_cp_next(s, len, &end);
                    }
                } else {
                    break;
                }
            }
            f->emoji++;
            if (cl_tok_add(f, s + start, p - start, CL_TOK_EMOJI, 0) != 0) {
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
