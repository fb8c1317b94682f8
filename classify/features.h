/* features.h -- turning a post's text into tokens and model features.
 *
 * The tokeniser is shared by every classifier model: the lexicon model of
 * today matches its word lists against the tokens, and a trained hashed-
 * feature model enumerates cl_features_each() and hashes the names. Both see
 * the same normalisation:
 *   - words are lower-cased and case-folded, accents stripped ("Llegó" ->
 *     "llego"), intra-word hyphens dropped ("wi-fi" -> "wifi"), runs of three
 *     or more equal letters cut to two ("sooooo" -> "soo"), ’ read as ';
 *   - "@name" -> "@user", "http://..", "https://..", "www.." -> "<url>",
 *     numbers -> "<num>", a currency sign with a number ("$50") -> "<money>",
 *     "#word" -> "word" with CL_TF_HASHTAG;
 *   - emoji are single tokens (variation selectors, skin tones and ZWJ
 *     dropped), and so are the emoticons :) :( :D ;) :/ <3 and friends;
 *   - ! ? . , ; : and ... are punctuation tokens; they end a negation scope;
 *   - a negator ("not", "no", "never", any word ending in "n't", their
 *     apostrophe-less forms and a few in es/fr/de/pt) marks the next 3 word
 *     tokens CL_TF_NEGATED, up to the end of the clause;
 *   - a word of 3+ letters written all in capitals gets CL_TF_CAPS
 *     (well-known acronyms such as DM, UPS, FCC excepted). */
#ifndef CL_FEATURES_H
#define CL_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#define CL_FNV_BASIS 2166136261u
#define CL_FNV_PRIME 16777619u

/* FNV-1a of s[0..n) continued from h (CL_FNV_BASIS to start). */
static inline uint32_t cl_fnv(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= CL_FNV_PRIME;
    }
    return h;
}

#define CL_TOKEN_MAX  32   /* bytes of a token's text with the NUL; longer words are cut */
#define CL_MAX_TOKENS 1024 /* tokens kept per text; the rest is not looked at */
#define CL_NEG_SCOPE  3    /* word tokens a negator reaches */

typedef enum {
    CL_TOK_WORD = 0, /* a word, lower-cased */
    CL_TOK_NUM,      /* "<num>" or "<money>" */
    CL_TOK_MENTION,  /* "@user" */
    CL_TOK_URL,      /* "<url>" */
    CL_TOK_EMOJI,    /* one emoji or emoticon, as written */
    CL_TOK_PUNCT     /* "!", "?", ".", ",", ";", ":" or "..." */
} cl_tok_kind_t;

/* Token flags. */
#define CL_TF_NEGATED   0x01u /* inside a negator's scope */
#define CL_TF_NEGATOR   0x02u /* the token is itself a negator */
#define CL_TF_CAPS      0x04u /* written in capitals (3+ letters, not an acronym) */
#define CL_TF_HASHTAG   0x08u /* came from "#word" */
#define CL_TF_ELONGATED 0x10u /* letters were repeated ("sooo") */
#define CL_TF_CONTRAST  0x20u /* "but", "however", "although", "though" */

typedef struct cl_token {
    char text[CL_TOKEN_MAX]; /* normalised text, NUL-terminated */
    cl_tok_kind_t kind;      /* what the token is */
    unsigned flags;          /* CL_TF_* */
    uint32_t fnv;            /* cl_fnv(CL_FNV_BASIS, text, len): word lists look it up */
    uint32_t fnv4;           /* the same over the first 4 bytes (all when shorter) */
    size_t len;              /* bytes of text */
} cl_token_t;

typedef struct cl_features {
    cl_token_t *tok;   /* tokens in text order, owned */
    size_t n;          /* tokens used */
    size_t cap;        /* tokens allocated */
    int words;         /* CL_TOK_WORD tokens */
    int exclaim;       /* '!' characters */
    int exclaim_run;   /* longest run of '!' (with '?' mixed in: "?!?!") */
    int question;      /* '?' characters */
    int caps_words;    /* words with CL_TF_CAPS */
    int letters;       /* letters in the text */
    int upper;         /* upper-case letters in the text */
    int mentions;      /* @mentions */
    int urls;          /* links */
    int emoji;         /* emoji and emoticons */
    int last_contrast; /* index of the last CL_TF_CONTRAST token, -1 when none */
} cl_features_t;

/* Tokenises text[0..len) (UTF-8; invalid bytes are skipped) into f, which is
 * reset first. Returns 0, or -1 when out of memory. f must be zeroed before
 * its first use and released with cl_features_free(). */
int cl_features_extract(cl_features_t *f, const char *text, size_t len);

void cl_features_free(cl_features_t *f);

/* 1 when w is one of list[0..n), else 0. */
int cl_in_list(const char *w, const char *const *list, size_t n);

/* 1 when the token is a negator word ("not", "can't", "nunca"), else 0. */
int cl_is_negator(const char *word);

/* Calls cb once per feature of f, for hashed-feature models. Names:
 *   "w:<token>"         a token outside a negation scope,
 *   "n:<token>"         a token inside one,
 *   "b:<tok> <tok>"     two adjacent tokens of one clause,
 *   "m:exclaim", "m:question", "m:caps", "m:url", "m:mention", "m:emoji"
 *                       counts, capped at 3,
 *   "m:bias"            always 1.
 * value is 1 for words and bigrams (repeats call again), the count for "m:".
 * Stops early and returns cb's value when it is non-zero; returns 0 when
 * every feature was visited. */
typedef int (*cl_feature_cb)(const char *name, double value, void *arg);
int cl_features_each(const cl_features_t *f, cl_feature_cb cb, void *arg);

/* FNV-1a of a feature name, for hashing into a weight vector. */
uint32_t cl_feature_hash(const char *name);

#endif
