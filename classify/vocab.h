/* vocab.h -- the model's word cache: what a word contributes to scoring,
 * worked out once per word instead of once per occurrence (fastText-style).
 *
 * All that a token adds to a classification that depends on its text (and
 * kind) alone is precomputed: its matches in each of the four word-list
 * tables (lexicon.h, cl_lexw_t) and, under a quantised trained model, the
 * sum of its character n-gram rows and its unigram buckets (linear.h,
 * cl_lin_word_t). What depends on the token's place (negation, the opening
 * word, bigrams, phrases, "but") is still worked out per text, from these.
 *
 * The cache is a flat open-addressing table keyed by the token's FNV-1a
 * hash, the text compared on every hit (no false hits). It is filled when
 * the model is built with every word of the word lists and a list of common
 * words, then at run time with each new word met, up to a fixed capacity
 * allocated once; past it, a new word is worked out directly each time it
 * is met (the same result, the old speed). Nothing is allocated per text. */
#ifndef CL_VOCAB_H
#define CL_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "features.h"
#include "lexicon.h"
#include "linear.h"

#define CL_VOCAB_NLEX   4          /* word-list tables, in the model's order */
#define CL_VOCAB_CAP    (1u << 14) /* default capacity, in words (3 MB) */
#define CL_VOCAB_CAPMAX (1u << 24) /* largest capacity accepted */

/* An entry is three cache lines, aligned: the word's linear-model sum as
 * a plain word, the same as a negated one (a token reads one of the two),
 * then the opening-word bucket and bigram state, the word-list lookups and
 * the key: what every occurrence reads is two lines. */
typedef struct cl_vword {
    _Alignas(64) cl_lin_word_t lin; /* the linear model's part; unset without a quantised model */
    cl_lexw_t lex[CL_VOCAB_NLEX];   /* cl_lex_word() in each table */
    char text[CL_TOKEN_MAX];        /* the token text, NUL-terminated: the key */
    uint32_t fnv;                   /* the token's cl_fnv() */
    uint8_t len;                    /* bytes of text */
    uint8_t kind;                   /* cl_tok_kind_t: prefix terms and n-grams are for words */
    uint8_t scan;                   /* bit k: table k has a term the word is, starts or matches by
                                       prefix (CL_VOCAB_SCAN); clear: its scan skips the word */
    uint8_t inner;                  /* bit k: CL_LW_INNER in table k */
} cl_vword_t;

/* 1 when the scan of a table must look at a word whose lookup there is w:
 * what cl_lex_scan() does not skip, the letter-run fallback aside. */
#define CL_VOCAB_SCAN(w) (((w).flags & ~CL_LW_INNER) != CL_LW_KNOWN || (w).n != 0)

typedef struct cl_vocab {
    cl_vword_t *w;                      /* words cached, owned */
    size_t n;                           /* words used */
    size_t cap;                         /* words allocated */
    size_t preset;                      /* words put in when the cache was built */
    uint32_t *slot;                     /* 1 + index into w, 0 empty; owned */
    size_t nslot;                       /* slots, a power of two, >= 2 * cap */
    const cl_lex_t *lex[CL_VOCAB_NLEX]; /* the tables (borrowed) */
    const cl_lin_t *lin;                /* quantised weights (borrowed), or NULL */
    unsigned long long hits;            /* lookups that found their word */
    unsigned long long misses;          /* lookups that added it */
    unsigned long long uncached;        /* lookups that found it missing and the cache full */
} cl_vocab_t;

/* Builds a cache of cap words (1..CL_VOCAB_CAPMAX) for the tables lex and
 * the weights lin (NULL, or not quantised: no linear part), all borrowed:
 * they must outlive v. Fills it with the word lists' words and common words
 * (as many as fit). Returns 0, or -1 when out of memory (v is then empty
 * and cl_vocab_free() safe). */
int cl_vocab_init(cl_vocab_t *v, const cl_lex_t *const lex[CL_VOCAB_NLEX], const cl_lin_t *lin,
                  size_t cap);
void cl_vocab_free(cl_vocab_t *v); /* leaves v zeroed */

/* The entry of token t (not punctuation): found, or worked out and added.
 * NULL when it is not cached and the cache is full: the caller works the
 * token out directly. Counts the lookup in hits, misses or uncached. */
const cl_vword_t *cl_vocab_get(cl_vocab_t *v, const cl_token_t *t);

/* Starts loading the entries of tok[0..n) into the cache, so that the
 * cl_vocab_get() of each that follows waits on no memory one at a time: the
 * slots first, then the entries they point to. Changes nothing. */
void cl_vocab_prefetch(const cl_vocab_t *v, const cl_token_t *tok, size_t n);

/* What the cache gives the tokens of one text: for each table k, the
 * tokens its scan must look at (at[k][0..n[k]), with lw[k][i] set for each
 * token i among them) -- the tokens it has a term for, and those not cached
 * or with cut letter runs; per token, whether it may continue a phrase of
 * table k (bit k of inner), and its linear-model part (words, NULL: work it
 * out directly). ~35 kB: on the stack, nothing allocated. */
typedef struct cl_vtext {
    cl_lexw_t lw[CL_VOCAB_NLEX][CL_MAX_TOKENS];
    uint16_t at[CL_VOCAB_NLEX][CL_MAX_TOKENS];
    size_t n[CL_VOCAB_NLEX];
    uint8_t inner[CL_MAX_TOKENS];
    const cl_lin_word_t *words[CL_MAX_TOKENS];
} cl_vtext_t;

/* Looks up (and adds) every token of f but punctuation; fills vt. */
void cl_vocab_text(cl_vocab_t *v, const cl_features_t *f, cl_vtext_t *vt);

/* Works out e for token t without the cache (what cl_vocab_get() stores). */
void cl_vocab_word(const cl_vocab_t *v, const cl_token_t *t, cl_vword_t *e);

#endif
