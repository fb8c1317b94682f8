/* vocab.c -- the model's word cache (vocab.h). */
#include "vocab.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Words common in any post, whatever it is about, put in the cache when it
 * is built so that the first texts do not pay for them (the word lists'
 * own words are added too). Written for this cache; any word missing here
 * is added the first time it is met. */
static const char *const common_text =
    "the a an and or but if so to of in on at by for from with about as into over after "
    "before up down out off again still just now then than too very really not no never "
    "i me my mine we us our you your yours he him his she her it its they them their this "
    "that these those there here what which who whom whose when where why how is am are was "
    "were be been being have has had having do does did doing done will would can could "
    "should shall may might must get got gets getting go goes going went make made take "
    "took know think want need please thanks thank help hi hello hey dear all any some "
    "every each one two three day days week weeks month months year hour hours minutes "
    "time today yesterday tomorrow morning night order account phone service customer "
    "support app internet email call called calling message update issue problem working "
    "work new back like good great bad still even also only more most much many other "
    "another same again i'm i've i'll it's don't can't won't didn't doesn't isn't "
    "@user <url> $5 5 :) :( ! ?";

_Static_assert(sizeof(cl_vword_t) == 192, "a cached word is three cache lines");
_Static_assert(offsetof(cl_vword_t, lin.sn) == 64 && offsetof(cl_vword_t, lin.bs) == 128,
               "a token reads the key line and one sum line");

/* The cache's index hash: FNV-1a with its high bits folded down, since the
 * slot is the low bits. */
static size_t slot_of(uint32_t fnv, size_t mask)
{
    return (fnv ^ (fnv >> 15)) & mask;
}

void cl_vocab_word(const cl_vocab_t *v, const cl_token_t *t, cl_vword_t *e)
{
    memset(e, 0, sizeof *e);
    memcpy(e->text, t->text, t->len + 1);
    e->fnv = t->fnv;
    e->len = (uint8_t)t->len;
    e->kind = (uint8_t)t->kind;
    for (int k = 0; k < CL_VOCAB_NLEX; k++) {
        if (cl_lex_word(v->lex[k], t, &e->lex[k]) != 0) {
            memset(&e->lex[k], 0, sizeof e->lex[k]); /* looked up at scan time */
        }
        if (CL_VOCAB_SCAN(e->lex[k])) {
            e->scan |= (uint8_t)(1u << k);
        }
        if (!(e->lex[k].flags & CL_LW_KNOWN) || (e->lex[k].flags & CL_LW_INNER)) {
            e->inner |= (uint8_t)(1u << k);
        }
    }
    if (v->lin != NULL) {
        cl_lin_word(v->lin, t, &e->lin);
    }
}

/* Bytes 0xff then 0x00: the 8 bytes at ones + 32 - n + i keep the bytes
 * below n of a word read at offset i, in memory order (any byte order). */
static const unsigned char ones[2 * CL_TOKEN_MAX] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};
_Static_assert(CL_TOKEN_MAX == 32, "same_text() reads 32 bytes");

/* memcmp(a, b, n) == 0 for two CL_TOKEN_MAX-byte buffers and n <=
 * CL_TOKEN_MAX: all four words read and masked, without a branch on n or
 * a mask built through memory (a store-forwarding stall per lookup). */
static int same_text(const char *a, const char *b, size_t n)
{
    const unsigned char *m = ones + CL_TOKEN_MAX - n;
    uint64_t diff = 0;
    for (size_t i = 0; i < CL_TOKEN_MAX; i += 8) {
        uint64_t x, y, k;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        memcpy(&k, m + i, 8);
        diff |= (x ^ y) & k;
    }
    return diff == 0;
}

/* The slot holding t's word, or the empty slot where it would go. */
static size_t find(const cl_vocab_t *v, const cl_token_t *t)
{
    size_t mask = v->nslot - 1;
    size_t at = slot_of(t->fnv, mask);
    for (; v->slot[at] != 0; at = (at + 1) & mask) {
        const cl_vword_t *e = &v->w[v->slot[at] - 1];
        if (e->fnv == t->fnv && e->len == t->len && e->kind == (uint8_t)t->kind &&
            same_text(e->text, t->text, t->len)) {
            break;
        }
    }
    return at;
}

void cl_vocab_prefetch(const cl_vocab_t *v, const cl_token_t *tok, size_t n)
{
    size_t mask = v->nslot - 1;
    for (size_t i = 0; i < n; i++) {
        __builtin_prefetch(&v->slot[slot_of(tok[i].fnv, mask)]);
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t s = v->slot[slot_of(tok[i].fnv, mask)];
        if (s != 0) {
            /* the key line, and the sum line the token will read */
            const char *e = (const char *)&v->w[s - 1];
            __builtin_prefetch(e + 128);
            __builtin_prefetch(e + ((tok[i].flags & CL_TF_NEGATED) ? 64 : 0));
        }
    }
}

const cl_vword_t *cl_vocab_get(cl_vocab_t *v, const cl_token_t *t)
{
    size_t at = find(v, t);
    if (v->slot[at] != 0) {
        v->hits++;
        return &v->w[v->slot[at] - 1];
    }
    if (v->n == v->cap || t->len >= CL_TOKEN_MAX) {
        v->uncached++;
        return NULL;
    }
    v->misses++;
    cl_vword_t *e = &v->w[v->n];
    cl_vocab_word(v, t, e);
    v->slot[at] = (uint32_t)++v->n;
    return e;
}

void cl_vocab_text(cl_vocab_t *v, const cl_features_t *f, cl_vtext_t *vt)
{
    static const cl_lexw_t unknown = {0}; /* not cached: the scans look it up */
    memset(vt->n, 0, sizeof vt->n);
    cl_vocab_prefetch(v, f->tok, f->n);
    for (size_t i = 0; i < f->n; i++) {
        const cl_token_t *t = &f->tok[i];
        vt->words[i] = NULL;
        vt->inner[i] = 0; /* punctuation ends a phrase anyway */
        if (t->kind == CL_TOK_PUNCT) {
            continue;
        }
        const cl_vword_t *e = cl_vocab_get(v, t);
        vt->inner[i] = e != NULL ? e->inner : 0xFu;
        /* a table's scan looks at a token only when the token is something
         * in it (or is not cached, or its letter runs were cut: "sooo"
         * also tries "so") */
        unsigned scan = e != NULL && !(t->flags & CL_TF_ELONGATED) ? e->scan : 0xFu;
        for (int k = 0; k < CL_VOCAB_NLEX; k++) {
            if (scan & (1u << k)) {
                vt->lw[k][i] = e != NULL ? e->lex[k] : unknown;
                vt->at[k][vt->n[k]++] = (uint16_t)i;
            }
        }
        vt->words[i] = e != NULL && v->lin != NULL ? &e->lin : NULL;
    }
}

/* Adds the tokens of text to the cache. Returns 0, or -1 when out of
 * memory. */
static int add_text(cl_vocab_t *v, cl_features_t *f, const char *text)
{
    if (cl_features_extract(f, text, strlen(text)) != 0) {
        return -1;
    }
    for (size_t i = 0; i < f->n && v->n < v->cap; i++) {
        if (f->tok[i].kind != CL_TOK_PUNCT) {
            cl_vocab_get(v, &f->tok[i]);
        }
    }
    return 0;
}

/* Adds the words of every term of lx (a prefix term's stem as a word). */
static int add_terms(cl_vocab_t *v, cl_features_t *f, const cl_lex_t *lx)
{
    for (size_t i = 0; i < lx->nexact; i++) {
        if (add_text(v, f, lx->exact[i]->term) != 0) {
            return -1;
        }
    }
    for (size_t i = 0; i < lx->nprefix; i++) {
        char stem[CL_TOKEN_MAX];
        size_t n = lx->plen[i] < sizeof stem - 1 ? lx->plen[i] : sizeof stem - 1;
        memcpy(stem, lx->prefix[i]->term, n);
        stem[n] = '\0';
        if (add_text(v, f, stem) != 0) {
            return -1;
        }
    }
    return 0;
}

int cl_vocab_init(cl_vocab_t *v, const cl_lex_t *const lex[CL_VOCAB_NLEX], const cl_lin_t *lin,
                  size_t cap)
{
    memset(v, 0, sizeof *v);
    if (cap == 0 || cap > CL_VOCAB_CAPMAX) {
        return -1;
    }
    size_t nslot = 16;
    while (nslot < 2 * cap) {
        nslot *= 2;
    }
    v->w = cl_big_alloc(cap * sizeof *v->w);
    v->slot = calloc(nslot, sizeof *v->slot);
    if (v->w == NULL || v->slot == NULL) {
        cl_vocab_free(v);
        return -1;
    }
    v->cap = cap;
    v->nslot = nslot;
    memcpy(v->lex, lex, sizeof v->lex);
    v->lin = lin != NULL && lin->q != NULL ? lin : NULL;
    cl_features_t f = {0};
    int rc = add_text(v, &f, common_text);
    for (int k = 0; k < CL_VOCAB_NLEX && rc == 0; k++) {
        rc = add_terms(v, &f, lex[k]);
    }
    cl_features_free(&f);
    if (rc != 0) {
        cl_vocab_free(v);
        return -1;
    }
    v->preset = v->n;
    v->hits = v->misses = v->uncached = 0; /* the figures are of the texts classified */
    return 0;
}

void cl_vocab_free(cl_vocab_t *v)
{
    free(v->w);
    free(v->slot);
    memset(v, 0, sizeof *v);
}
