/* lexicon.h -- word lists and how they are matched against a text's tokens.
 *
 * A lexicon is a table of terms: a word ("refund"), a phrase of up to
 * CL_LEX_MAX_WORDS tokens separated by single spaces ("charged twice",
 * "no one"), a word prefix ("overcharg*": any word starting so, 4+ letters
 * before the star) or an emoji/emoticon token. Terms are written as the
 * tokeniser normalises text (features.h): lower case, no accents, "'" as
 * apostrophe, "<num>" and "<money>" for numbers.
 *
 * Matching walks the tokens left to right and takes the longest term that
 * starts at each position; the tokens it covers are not looked at again, so
 * "customer service" never also counts as "service". A phrase never spans
 * punctuation. A match is negated when its first token is inside a negation
 * scope. The tables themselves live in wordlists.c. */
#ifndef CL_LEXICON_H
#define CL_LEXICON_H

#include <stddef.h>
#include <stdint.h>

#include "features.h"

#define CL_LEX_MAX_WORDS 4

typedef struct cl_term {
    const char *term; /* the term, as described above */
    float w;          /* weight (complaint, category) or valence (polarity) */
    float w_neg;      /* complaint weight inside a negation scope; unused elsewhere */
    unsigned aux;     /* per table: CL_TERM_* flags, a category, CL_SIG_* | CL_SF_* bits */
} cl_term_t;

typedef struct cl_lex {
    const char *name;         /* table name, for errors */
    const cl_term_t **exact;  /* whole-token terms, sorted by term; owned array */
    size_t nexact;            /* entries in exact */
    const cl_term_t **prefix; /* "word*" terms, longest first; owned array */
    size_t nprefix;           /* entries in prefix */
    int max_words;            /* longest phrase, in tokens */
    uint32_t *slot;           /* hash index: 1 + first exact index of a term, 0 empty; owned */
    uint32_t *shash;          /* the hash of each slot's term, checked before strcmp; owned */
    uint32_t *fhash;          /* the hash of each first-word slot's word; owned */
    size_t nslot;             /* slots, a power of two */
    size_t *plen;             /* length of each prefix term without '*'; owned */
    uint32_t *first;          /* hash set: 1 + index of a phrase whose first word it is; owned */
    uint32_t *pslot;          /* prefix index by first 4 bytes: 1 + first prefix; owned */
    uint32_t *pnext;          /* next prefix with the same 4 bytes (1 + index), 0 end; owned */
    uint32_t *lead;           /* hash set of the index hashes of the first 2, 3.. words of
                                 each phrase, 0 empty; owned */
    size_t nlead;             /* its slots, a power of two */
    uint32_t *inner;          /* hash set of the index hashes of phrases' later words, 0
                                 empty; nlead slots; owned */
} cl_lex_t;

/* Indexes a table (borrowed: it must outlive lx) after checking every term.
 * dup_ok allows one term to appear more than once (the category table lists
 * a word once per category). Returns 0, or -1 with the table, the term and
 * what is wrong with it in err. */
int cl_lex_init(cl_lex_t *lx, const char *name, const cl_term_t *terms, size_t n, int dup_ok,
                char *err, size_t errlen);
void cl_lex_free(cl_lex_t *lx);

/* Called for each term matched: first token index, tokens covered, and
 * whether the match is negated. Every entry of a repeated term is reported. */
typedef void (*cl_lex_cb)(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg);

/* What one token's text finds in one table, worked out once per word
 * (cl_lex_word) so that a scan needs no hashing or string compare for it:
 * the model keeps these in its word cache (vocab.h). */
typedef struct cl_lexw {
    uint16_t at;   /* 1 + index in exact of the first term equal to the token; 0: none */
    uint8_t n;     /* how many exact terms equal it (a repeated term has an entry per use) */
    uint8_t flags; /* CL_LW_* */
} cl_lexw_t;

#define CL_LW_KNOWN        0x1u /* the fields are filled in; without it the scan looks the token up */
#define CL_LW_PREFIX       0x4u /* no exact term, but a prefix term matches: look it up */
#define CL_LW_INNER        0x8u /* may be a later word of a phrase (by hash: maybe) */
#define CL_LW_WORDS(flags) (((flags) >> 4) & 0x7u) /* words of the longest phrase it starts */

/* Works out *w for token t (whose text, len, fnv and fnv4 are set) in lx.
 * Returns 0, or -1 when the table is too large for cl_lexw_t (then *w is
 * zero: the scan looks the token up as without it). */
int cl_lex_word(const cl_lex_t *lx, const cl_token_t *t, cl_lexw_t *w);

/* Matches lx against the tokens of f, calling cb for each match. lw, when
 * not NULL, holds cl_lex_word() of each token (lw[i] for f->tok[i]; an
 * entry without CL_LW_KNOWN is looked up): the matches are the same. */
void cl_lex_scan(const cl_lex_t *lx, const cl_features_t *f, const cl_lexw_t *lw, cl_lex_cb cb,
                 void *arg);

/* cl_lex_scan() that looks only at the tokens at[0..n) (ascending): every
 * token the scan would not skip at once (see CL_VOCAB_SCAN) must be among
 * them, and lw[i] set for each. The matches are the same. */
void cl_lex_scan_at(const cl_lex_t *lx, const cl_features_t *f, const cl_lexw_t *lw,
                    const uint16_t *at, size_t n, cl_lex_cb cb, void *arg);

/* cl_lex_scan_at() also told, by inner[i] & bit, which tokens may be a
 * later word of a phrase (their CL_LW_INNER; set for a token not looked up):
 * a phrase is not tried past a token that cannot continue it. */
void cl_lex_scan_inner(const cl_lex_t *lx, const cl_features_t *f, const cl_lexw_t *lw,
                       const uint16_t *at, size_t n, const uint8_t *inner, unsigned bit,
                       cl_lex_cb cb, void *arg);

/* The tables (wordlists.c) and their sizes. */
extern const cl_term_t cl_complaint_terms[]; /* w, w_neg; aux CL_TERM_* */
extern const size_t cl_complaint_nterms;
extern const cl_term_t cl_category_terms[]; /* w toward category aux */
extern const size_t cl_category_nterms;
extern const cl_term_t cl_polarity_terms[]; /* w = valence, -3..3 */
extern const size_t cl_polarity_nterms;
extern const cl_term_t cl_signal_terms[]; /* aux = CL_SIG_* | CL_SF_* */
extern const size_t cl_signal_nterms;

/* Complaint-table flags. */
#define CL_TERM_PRAISE   0x1u /* a positive word: dropped when the text is sarcastic */
#define CL_TERM_QUESTION 0x2u /* a question form ("how do i") */

#endif
