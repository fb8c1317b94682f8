/* tokscan.h -- the tokeniser's fast paths: a SIMD reader of plain ASCII
 * words, and the tokens' hashes worked out together.
 *
 * Most words of a post are a short run of ASCII letters and digits followed
 * by a space or a punctuation mark that cannot continue them. Such a word
 * is read 16 bytes at a time (SSE2, which every x86-64 has): its end found
 * by a compare and a count of trailing ones instead of a branch per byte,
 * its letters lower-cased and counted at once. Anything else -- a longer
 * word, a run of three equal letters to squeeze, an apostrophe, hyphen or
 * separator after it, non-ASCII bytes, or fewer than 16 bytes left -- is
 * left to the byte-at-a-time reader (tokread.c), which gives the same token;
 * so does a build without SSE2 (or with CL_NO_SIMD), where the reader here
 * always declines. */
#ifndef CL_TOKSCAN_H
#define CL_TOKSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "features.h"

/* cl_tok_ascii_word() stores a word's text as two 16-byte halves. */
_Static_assert(CL_TOKEN_MAX >= 32, "a token's text holds two 16-byte stores");

/* A word read by cl_tok_ascii_word(). */
typedef struct cl_ascii_word {
    _Alignas(16) char text[CL_TOKEN_MAX]; /* lower-cased, zero-padded (NUL-terminated) */
    unsigned upper;                       /* upper-case letters */
    unsigned lower;                       /* lower-case letters */
    unsigned digits;                      /* digits */
} cl_ascii_word_t;

/* A new token at the end of f, its text, len, kind and flags for the
 * caller to set, or NULL when the list is full or out of memory
 * (features.c). */
cl_token_t *cl_tok_slot(cl_features_t *f);

/* Appends the token of a word cl_tok_ascii_word() read (n bytes) and
 * counts it in f: the same counts, flags and token as the byte-at-a-time
 * reader (tokread.c) gives it. flags: the token's flags so far.
 * Returns 0, or -1 when out of memory (a full list is not an error). */
int cl_tok_ascii_push(cl_features_t *f, const cl_ascii_word_t *w, size_t n, unsigned flags,
                      int ready);

/* Sets fnv and fnv4 of tok[0..n) from their text and len (text padded with
 * zeros to CL_TOKEN_MAX bytes), four tokens at a time: FNV-1a multiplies
 * one byte after another, so one chain keeps the multiplier waiting; four
 * independent ones keep it busy. */
void cl_tok_hash(cl_token_t *tok, size_t n);

/* One FNV-1a step of state h over byte c, taken only when i < len: a
 * select, not a branch, so that chains of different lengths run in step. */
static inline uint32_t cl_fnv_step_if(uint32_t h, unsigned char c, size_t i, size_t len)
{
    uint32_t x = (h ^ c) * CL_FNV_PRIME;
#if defined(__x86_64__) && !defined(CL_NO_SIMD)
    /* a conditional move (the compiler makes a branch of the select) */
    __asm__("cmpq %2, %3\n\tcmovb %1, %0" : "+r"(h) : "r"(x), "r"(len), "r"(i) : "cc");
    return h;
#else
    uint32_t take = 0u - (uint32_t)(i < len); /* all ones or zero: no branch to mispredict */
    return (x & take) | (h & ~take);
#endif
}

#if defined(__SSE2__) && !defined(CL_NO_SIMD)
#include <emmintrin.h>

/* Lanes of v (as signed bytes) in lo..hi: ASCII ranges only, so bytes of
 * 0x80 and up (negative) are never in them. */
static inline __m128i cl_tok_in_range(__m128i v, char lo, char hi)
{
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1))));
}

/* Reads the word of ASCII letters and digits that starts at s[0], with
 * avail bytes readable from s. Returns its length in bytes, with *w
 * filled, when the word needs nothing of the byte-at-a-time reader (see
 * above); 0 when that reader must read it. Inline: it is most words. */
static inline size_t cl_tok_ascii_word(const char *s, size_t avail, cl_ascii_word_t *w)
{
    if (avail < 16) {
        return 0; /* 16 bytes are read */
    }
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i up = cl_tok_in_range(v, 'A', 'Z');
    __m128i lo = cl_tok_in_range(v, 'a', 'z');
    __m128i dg = cl_tok_in_range(v, '0', '9');
    unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(up, lo), dg));
    unsigned n = (unsigned)__builtin_ctz(~word); /* bit 16 up is clear in word */
    if (n == 0 || n >= 16) {
        return 0;
    }
    unsigned in = (1u << n) - 1; /* lanes of the word */
    /* what follows may continue the word (cl_tok_read_word()): a byte
     * of a multi-byte character; an apostrophe or a hyphen before a
     * letter or digit; '.', ',' or ':' after a number. The byte-at-a-time
     * reader decides those. */
    unsigned char end = (unsigned char)s[n];
    if (end >= 0x80) {
        return 0;
    }
    if (end == '\'' || end == '-') {
        unsigned char nx = (unsigned char)s[n + 1]; /* n + 1 < 16 <= avail */
        unsigned char lx = (unsigned char)(nx | 0x20);
        if (nx >= 0x80 || (nx >= '0' && nx <= '9') || (lx >= 'a' && lx <= 'z')) {
            return 0;
        }
    } else if ((end == '.' || end == ',' || end == ':') &&
               ((unsigned)_mm_movemask_epi8(dg) & in) == in) {
        return 0;
    }
    /* 'A' | 0x20 = 'a'; digits stay as they are */
    __m128i lc = _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20)));
    /* a letter equal to the two before it: a run to squeeze ("sooo") */
    __m128i run = _mm_and_si128(_mm_cmpeq_epi8(lc, _mm_slli_si128(lc, 1)),
                                _mm_cmpeq_epi8(lc, _mm_slli_si128(lc, 2)));
    run = _mm_and_si128(run, _mm_or_si128(up, lo));
    if ((unsigned)_mm_movemask_epi8(run) & in) {
        return 0;
    }
    /* keep the word's lanes, zero the rest: the token text is padded */
    __m128i keep = _mm_cmpgt_epi8(_mm_set1_epi8((char)n), _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8,
                                                                        9, 10, 11, 12, 13, 14, 15));
    _mm_store_si128((__m128i *)(void *)w->text, _mm_and_si128(lc, keep));
    _mm_store_si128((__m128i *)(void *)(w->text + 16), _mm_setzero_si128());
    /* counts without popcnt (not in the x86-64 baseline): an upper-case
     * lane as 1, a digit as 32, summed; the rest of the word is lower case */
    __m128i ones = _mm_and_si128(keep, _mm_or_si128(_mm_and_si128(up, _mm_set1_epi8(1)),
                                                    _mm_and_si128(dg, _mm_set1_epi8(32))));
    __m128i sum = _mm_sad_epu8(ones, _mm_setzero_si128());
    unsigned t =
        (unsigned)_mm_cvtsi128_si32(sum) + (unsigned)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    w->upper = t & 31u;
    w->digits = t >> 5;
    w->lower = n - w->upper - w->digits;
    return n;
}

#else

static inline size_t cl_tok_ascii_word(const char *s, size_t avail, cl_ascii_word_t *w)
{
    (void)s;
    (void)avail;
    (void)w;
    return 0; /* no SIMD: the byte-at-a-time reader reads every word */
}

#endif

#endif
