/* lexicon.c -- checking, indexing and matching word lists (lexicon.h). */
#include "lexicon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_term(const void *a, const void *b)
{
    const cl_term_t *x = *(const cl_term_t *const *)a;
    const cl_term_t *y = *(const cl_term_t *const *)b;
    int c = strcmp(x->term, y->term);
    if (c != 0) {
        return c;
    }
    return x->aux < y->aux ? -1 : x->aux > y->aux;
}

static int cmp_prefix_len(const void *a, const void *b)
{
    size_t x = strlen((*(const cl_term_t *const *)a)->term);
    size_t y = strlen((*(const cl_term_t *const *)b)->term);
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Checks one term's spelling. Returns its word count, or 0 with why in err. */
static int check_term(const char *t, char *why, size_t whylen)
{
    size_t n = strlen(t);
    int words = 1;
    if (n == 0) {
        snprintf(why, whylen, "empty term");
        return 0;
    }
    if (t[0] == ' ' || t[n - 1] == ' ' || strstr(t, "  ") != NULL) {
        snprintf(why, whylen, "stray space (words are separated by exactly one space)");
        return 0;
    }
    int emoticon = (t[0] == ':' || t[0] == ';');
    for (size_t i = 0; i < n; i++) {
        if (t[i] == ' ') {
            words++;
        } else if (t[i] >= 'A' && t[i] <= 'Z' && !emoticon) {
            snprintf(why, whylen, "upper-case letter (terms are matched lower-cased)");
            return 0;
        } else if (t[i] == '*' && i != n - 1) {
            snprintf(why, whylen, "'*' is only allowed at the end");
            return 0;
        }
    }
    if (t[n - 1] == '*' && (words > 1 || n < 5)) {
        snprintf(why, whylen, "a prefix term is one word with 4+ letters before '*'");
        return 0;
    }
    if (words > CL_LEX_MAX_WORDS) {
        snprintf(why, whylen, "more than %d words", CL_LEX_MAX_WORDS);
        return 0;
    }
    return words;
}

/* The index's hash: FNV-1a (the tokens carry it, features.h) with its high
 * bits folded down, since the slot is the low bits. */
static uint32_t fin(uint32_t fnv)
{
    return fnv ^ (fnv >> 15);
}

static uint32_t mem_hash(const char *s, size_t n)
{
    return fin(cl_fnv(CL_FNV_BASIS, s, n));
}

static uint32_t term_hash(const char *s)
{
    return mem_hash(s, strlen(s));
}

static uint32_t lead_key(uint32_t h)
{
    return h != 0 ? h : 1;
}

/* A set of hashes in n slots (a power of two, never full). */
static void hset_add(uint32_t *set, size_t n, uint32_t h)
{
    size_t mask = n - 1;
    uint32_t key = lead_key(h);
    size_t at = key & mask;
    while (set[at] != 0 && set[at] != key) {
        at = (at + 1) & mask;
    }
    set[at] = key;
}

static int hset_has(const uint32_t *set, size_t n, uint32_t h)
{
    size_t mask = n - 1;
    uint32_t key = lead_key(h);
    for (size_t at = key & mask; set[at] != 0; at = (at + 1) & mask) {
        if (set[at] == key) {
            return 1;
        }
    }
    return 0;
}

static void add_lead(cl_lex_t *lx, uint32_t h)
{
    hset_add(lx->lead, lx->nlead, h);
}

/* 0 when no phrase of lx begins with the words whose index hash is h. */
static int has_lead(const cl_lex_t *lx, uint32_t h)
{
    return hset_has(lx->lead, lx->nlead, h);
}

/* The hash index over exact terms (sorted: equal terms are adjacent) and
 * the prefix lengths: matching a text costs one hash and about one strcmp
 * per lookup instead of a binary search. */
static int build_index(cl_lex_t *lx)
{
    size_t n = 16;
    while (n < 2 * (lx->nexact + lx->nprefix) + 2) {
        n *= 2;
    }
    lx->slot = calloc(n, sizeof *lx->slot);
    lx->shash = calloc(n, sizeof *lx->shash);
    lx->fhash = calloc(n, sizeof *lx->fhash);
    lx->plen = calloc(lx->nprefix ? lx->nprefix : 1, sizeof *lx->plen);
    if (lx->slot == NULL || lx->shash == NULL || lx->fhash == NULL || lx->plen == NULL) {
        return -1;
    }
    lx->nslot = n;
    for (size_t i = 0; i < lx->nexact; i++) {
        if (i > 0 && strcmp(lx->exact[i - 1]->term, lx->exact[i]->term) == 0) {
            continue;
        }
        uint32_t h = term_hash(lx->exact[i]->term);
        size_t at = h & (n - 1);
        while (lx->slot[at] != 0) {
            at = (at + 1) & (n - 1);
        }
        lx->slot[at] = (uint32_t)i + 1;
        lx->shash[at] = h; /* compared before the strings are */
    }
    for (size_t p = 0; p < lx->nprefix; p++) {
        lx->plen[p] = strlen(lx->prefix[p]->term) - 1;
    }
    /* First words of phrases: a token that starts none needs no phrase
     * lookups. */
    lx->first = calloc(n, sizeof *lx->first);
    lx->pslot = calloc(n, sizeof *lx->pslot);
    lx->pnext = calloc(lx->nprefix ? lx->nprefix : 1, sizeof *lx->pnext);
    if (lx->first == NULL || lx->pslot == NULL || lx->pnext == NULL) {
        return -1;
    }
    for (size_t i = 0; i < lx->nexact; i++) {
        const char *t = lx->exact[i]->term, *sp = strchr(t, ' ');
        if (sp == NULL) {
            continue;
        }
        uint32_t h = mem_hash(t, (size_t)(sp - t));
        size_t at = h & (n - 1);
        while (lx->first[at] != 0) {
            at = (at + 1) & (n - 1);
        }
        lx->first[at] = (uint32_t)i + 1;
        lx->fhash[at] = h;
    }
    /* The leading words of phrases, by hash: a phrase is only tried while
     * the tokens that follow can still begin one. 0 marks an empty slot,
     * so a hash of 0 is stored as 1 (a false "maybe" costs a compare). */
    size_t leads = 0; /* words after the first: as many leads, as many inner words */
    for (size_t i = 0; i < lx->nexact; i++) {
        for (const char *sp = strchr(lx->exact[i]->term, ' '); sp != NULL;
             sp = strchr(sp + 1, ' ')) {
            leads++;
        }
    }
    lx->nlead = 16;
    while (lx->nlead < 2 * leads + 2) {
        lx->nlead *= 2;
    }
    lx->lead = calloc(lx->nlead, sizeof *lx->lead);
    lx->inner = calloc(lx->nlead, sizeof *lx->inner);
    if (lx->lead == NULL || lx->inner == NULL) {
        return -1;
    }
    for (size_t i = 0; i < lx->nexact; i++) {
        const char *t = lx->exact[i]->term;
        for (const char *sp = strchr(t, ' '); sp != NULL; sp = strchr(sp + 1, ' ')) {
            add_lead(lx, mem_hash(t, (size_t)(sp - t)));
            const char *end = strchr(sp + 1, ' ');
            size_t wl = end != NULL ? (size_t)(end - sp - 1) : strlen(sp + 1);
            hset_add(lx->inner, lx->nlead, mem_hash(sp + 1, wl));
        }
        if (strchr(t, ' ') != NULL) {
            add_lead(lx, term_hash(t));
        }
    }
    /* Prefixes chained by their first 4 bytes, in list order (longest
     * first), so a word only tries the prefixes it can match. */
    for (size_t p = lx->nprefix; p-- > 0;) {
        size_t at = mem_hash(lx->prefix[p]->term, 4) & (n - 1);
        while (lx->pslot[at] != 0 &&
               memcmp(lx->prefix[lx->pslot[at] - 1]->term, lx->prefix[p]->term, 4) != 0) {
            at = (at + 1) & (n - 1);
        }
        lx->pnext[p] = lx->pslot[at];
        lx->pslot[at] = (uint32_t)p + 1;
    }
    return 0;
}

/* 1 when token t is the first word of some phrase of lx. */
static int starts_phrase(const cl_lex_t *lx, const cl_token_t *t)
{
    size_t mask = lx->nslot - 1;
    uint32_t h = fin(t->fnv);
    for (size_t at = h & mask; lx->first[at] != 0; at = (at + 1) & mask) {
        const char *term = lx->exact[lx->first[at] - 1]->term;
        if (lx->fhash[at] == h && strncmp(term, t->text, t->len) == 0 && term[t->len] == ' ') {
            return 1;
        }
    }
    return 0;
}

int cl_lex_init(cl_lex_t *lx, const char *name, const cl_term_t *terms, size_t n, int dup_ok,
                char *err, size_t errlen)
{
    memset(lx, 0, sizeof *lx);
    lx->name = name;
    lx->exact = calloc(n ? n : 1, sizeof *lx->exact);
    lx->prefix = calloc(n ? n : 1, sizeof *lx->prefix);
    if (lx->exact == NULL || lx->prefix == NULL) {
        snprintf(err, errlen, "lexicon %s: out of memory", name);
        goto error;
    }
    for (size_t i = 0; i < n; i++) {
        char why[96];
        int words = check_term(terms[i].term, why, sizeof why);
        if (words == 0) {
            snprintf(err, errlen, "lexicon %s, entry %zu \"%s\": %s", name, i + 1, terms[i].term,
                     why);
            goto error;
        }
        if (words > lx->max_words) {
            lx->max_words = words;
        }
        size_t len = strlen(terms[i].term);
        if (terms[i].term[len - 1] == '*') {
            lx->prefix[lx->nprefix++] = &terms[i];
        } else {
            lx->exact[lx->nexact++] = &terms[i];
        }
    }
    qsort(lx->exact, lx->nexact, sizeof *lx->exact, cmp_term);
    qsort(lx->prefix, lx->nprefix, sizeof *lx->prefix, cmp_prefix_len);
    for (size_t i = 1; i < lx->nexact; i++) {
        const cl_term_t *a = lx->exact[i - 1], *b = lx->exact[i];
        if (strcmp(a->term, b->term) == 0 && (!dup_ok || a->aux == b->aux)) {
            snprintf(err, errlen, "lexicon %s: \"%s\" is listed twice; keep one entry", name,
                     a->term);
            goto error;
        }
    }
    if (build_index(lx) != 0) {
        snprintf(err, errlen, "lexicon %s: out of memory", name);
        goto error;
    }
    for (size_t i = 0; i < lx->nprefix; i++) {
        for (size_t j = i + 1; j < lx->nprefix; j++) {
            if (strcmp(lx->prefix[i]->term, lx->prefix[j]->term) == 0 &&
                (!dup_ok || lx->prefix[i]->aux == lx->prefix[j]->aux)) {
                snprintf(err, errlen, "lexicon %s: \"%s\" is listed twice; keep one entry", name,
                         lx->prefix[i]->term);
                goto error;
            }
        }
    }
    return 0;
error:
    cl_lex_free(lx);
    return -1;
}

void cl_lex_free(cl_lex_t *lx)
{
    free(lx->exact);
    free(lx->prefix);
    free(lx->slot);
    free(lx->shash);
    free(lx->fhash);
    lx->shash = lx->fhash = NULL;
    free(lx->plen);
    free(lx->first);
    free(lx->pslot);
    free(lx->pnext);
    free(lx->lead);
    free(lx->inner);
    lx->inner = NULL;
    lx->nlead = 0;
    lx->first = lx->pslot = lx->pnext = lx->lead = NULL;
    lx->slot = NULL;
    lx->plen = NULL;
    lx->nslot = 0;
    lx->exact = lx->prefix = NULL;
    lx->nexact = lx->nprefix = 0;
}

/* Index of the first exact term equal to key (whose term_hash is h), or
 * nexact when none. */
static size_t lower_bound(const cl_lex_t *lx, const char *key, uint32_t h)
{
    size_t mask = lx->nslot - 1;
    for (size_t at = h & mask; lx->slot[at] != 0; at = (at + 1) & mask) {
        size_t i = lx->slot[at] - 1;
        if (lx->shash[at] == h && strcmp(lx->exact[i]->term, key) == 0) {
            return i;
        }
    }
    return lx->nexact;
}

/* Reports every exact term equal to key (hash h) as tokens [i, i+k).
 * Returns k when there was one, else 0. */
static size_t match_exact(const cl_lex_t *lx, const char *key, uint32_t h, size_t i, size_t k,
                          int negated, cl_lex_cb cb, void *arg)
{
    size_t used = 0;
    for (size_t at = lower_bound(lx, key, h);
         at < lx->nexact && strcmp(lx->exact[at]->term, key) == 0; at++) {
        cb(lx->exact[at], i, k, negated, arg);
        used = k;
    }
    return used;
}

/* 1 when some exact term's index hash is h. */
static int has_hash(const cl_lex_t *lx, uint32_t h)
{
    size_t mask = lx->nslot - 1;
    for (size_t at = h & mask; lx->slot[at] != 0; at = (at + 1) & mask) {
        if (lx->shash[at] == h) {
            return 1;
        }
    }
    return 0;
}

/* Joins tokens [i, i+k) with spaces into key. Returns 0, or -1 when a token
 * is punctuation or the tokens run out. */
static int join(const cl_features_t *f, size_t i, size_t k, char *key, size_t size)
{
    size_t o = 0;
    if (i + k > f->n) {
        return -1;
    }
    for (size_t j = i; j < i + k; j++) {
        if (f->tok[j].kind == CL_TOK_PUNCT) {
            return -1;
        }
        size_t n = f->tok[j].len;
        if (o + n + 2 > size) {
            return -1;
        }
        if (j > i) {
            key[o++] = ' ';
        }
        memcpy(key + o, f->tok[j].text, n);
        o += n;
    }
    key[o] = '\0';
    return 0;
}

/* Matches one word (wlen bytes; fnv4: FNV-1a of its first 4) against the
 * prefix terms, longest first. Returns 1 when something matched, else 0. */
static size_t match_prefix(const cl_lex_t *lx, const char *word, size_t wlen, uint32_t fnv4,
                           size_t i, int negated, cl_lex_cb cb, void *arg)
{
    size_t best = 0, used = 0, mask = lx->nslot - 1;
    if (wlen < 4) {
        return 0; /* every prefix has 4+ letters */
    }
    size_t at = fin(fnv4) & mask;
    while (lx->pslot[at] != 0 && memcmp(lx->prefix[lx->pslot[at] - 1]->term, word, 4) != 0) {
        at = (at + 1) & mask;
    }
    for (size_t p1 = lx->pslot[at]; p1 != 0; p1 = lx->pnext[p1 - 1]) {
        size_t p = p1 - 1;
        size_t n = lx->plen[p];
        if (best != 0 && n < best) {
            break; /* longest first: shorter prefixes lose */
        }
        if (strncmp(word, lx->prefix[p]->term, n) == 0) {
            cb(lx->prefix[p], i, 1, negated, arg);
            best = n;
            used = 1;
        }
    }
    return used;
}

static void count_cb(const cl_term_t *t, size_t first, size_t ntok, int negated, void *arg)
{
    ++*(size_t *)arg;
}

/* Words of the longest phrase of lx that token t starts, 0 when none. */
static int phrase_words(const cl_lex_t *lx, const cl_token_t *t)
{
    size_t mask = lx->nslot - 1;
    uint32_t h = fin(t->fnv);
    int most = 0;
    if (lx->max_words < 2) {
        return 0;
    }
    for (size_t at = h & mask; lx->first[at] != 0; at = (at + 1) & mask) {
        const char *term = lx->exact[lx->first[at] - 1]->term;
        if (lx->fhash[at] == h && strncmp(term, t->text, t->len) == 0 && term[t->len] == ' ') {
            int words = 1;
            for (const char *c = term; *c; c++) {
                words += *c == ' ';
            }
            most = words > most ? words : most;
        }
    }
    return most;
}

int cl_lex_word(const cl_lex_t *lx, const cl_token_t *t, cl_lexw_t *w)
{
    memset(w, 0, sizeof *w);
    if (lx->nexact >= UINT16_MAX) {
        return -1;
    }
    unsigned flags = CL_LW_KNOWN | (unsigned)phrase_words(lx, t) << 4;
    if (hset_has(lx->inner, lx->nlead, fin(t->fnv))) {
        flags |= CL_LW_INNER;
    }
    size_t at = lower_bound(lx, t->text, fin(t->fnv)), n = 0;
    while (at + n < lx->nexact && strcmp(lx->exact[at + n]->term, t->text) == 0) {
        n++;
    }
    if (n > UINT8_MAX) {
        return -1;
    }
    if (n > 0) {
        w->at = (uint16_t)(at + 1);
        w->n = (uint8_t)n;
    } else if (t->kind == CL_TOK_WORD && t->len >= 4 && lx->nprefix > 0) {
        size_t hits = 0;
        match_prefix(lx, t->text, t->len, t->fnv4, 0, 0, count_cb, &hits);
        if (hits > 0) {
            flags |= CL_LW_PREFIX; /* rare: the prefix lookup stays at scan time */
        }
    }
    w->flags = (uint8_t)flags;
    return 0;
}

/* The longest match starting at token i (phrases, then the token alone,
 * then its prefix terms, then the letter-run fallback), reported through
 * cb. lw: the token's cl_lex_word(), or NULL. Returns the tokens used, 0
 * when nothing matched. */
static size_t match_at(const cl_lex_t *lx, const cl_features_t *f, size_t i, const cl_lexw_t *lw,
                       const uint8_t *inner, unsigned bit, cl_lex_cb cb, void *arg)
{
    char key[CL_LEX_MAX_WORDS * CL_TOKEN_MAX + CL_LEX_MAX_WORDS];
    const cl_token_t *t = &f->tok[i];
    int negated = (t->flags & CL_TF_NEGATED) != 0;
    int known = lw != NULL && (lw->flags & CL_LW_KNOWN);
    size_t used = 0;
    /* phrases first, longest first; only for a token that starts one */
    size_t kmax = (size_t)lx->max_words;
    if (known) {
        kmax = CL_LW_WORDS(lw->flags); /* no longer phrase starts with it */
    } else if (kmax > 1 && !starts_phrase(lx, t)) {
        kmax = 1;
    }
    if (kmax > 1) {
        /* The hashes of the joined tokens, continued token by token from
         * the one each token carries; a phrase is joined and compared only
         * when its hash is in the index. */
        uint32_t h[CL_LEX_MAX_WORDS + 1];
        size_t kn = 1;
        h[1] = t->fnv;
        while (kn < kmax && i + kn < f->n && f->tok[i + kn].kind != CL_TOK_PUNCT) {
            const cl_token_t *u = &f->tok[i + kn];
            if (inner != NULL && !(inner[i + kn] & bit)) {
                break; /* the word is in no phrase but as its first */
            }
            h[kn + 1] = cl_fnv(cl_fnv(h[kn], " ", 1), u->text, u->len);
            if (!has_lead(lx, fin(h[kn + 1]))) {
                break; /* no phrase begins so: none this long or longer matches */
            }
            kn++;
        }
        for (size_t k = kn; k >= 2 && used == 0; k--) {
            if (has_hash(lx, fin(h[k])) && join(f, i, k, key, sizeof key) == 0) {
                used = match_exact(lx, key, term_hash(key), i, k, negated, cb, arg);
            }
        }
    }
    /* the token alone: its hash was computed when it was made */
    if (used == 0 && known) {
        for (size_t j = 0; j < lw->n; j++) {
            cb(lx->exact[lw->at - 1 + j], i, 1, negated, arg);
            used = 1;
        }
        if (used == 0 && (lw->flags & CL_LW_PREFIX)) {
            used = match_prefix(lx, t->text, t->len, t->fnv4, i, negated, cb, arg);
        }
    } else if (used == 0) {
        used = match_exact(lx, t->text, fin(t->fnv), i, 1, negated, cb, arg);
        if (used == 0 && t->kind == CL_TOK_WORD) {
            used = match_prefix(lx, t->text, t->len, t->fnv4, i, negated, cb, arg);
        }
    }
    if (used == 0 && (t->flags & CL_TF_ELONGATED)) {
        /* "sooo" was cut to "soo"; try "so" too ("ughhh", "pleasee") */
        char one[CL_TOKEN_MAX];
        size_t o = 0;
        for (size_t j = 0; t->text[j] != '\0'; j++) {
            if (o == 0 || one[o - 1] != t->text[j]) {
                one[o++] = t->text[j];
            }
        }
        one[o] = '\0';
        used = match_exact(lx, one, mem_hash(one, o), i, 1, negated, cb, arg);
        if (used == 0) {
            used = match_prefix(lx, one, o, cl_fnv(CL_FNV_BASIS, one, o < 4 ? o : 4), i, negated,
                                cb, arg);
        }
    }
    return used;
}

void cl_lex_scan(const cl_lex_t *lx, const cl_features_t *f, const cl_lexw_t *lw, cl_lex_cb cb,
                 void *arg)
{
    size_t i = 0;
    while (i < f->n) {
        if (f->tok[i].kind == CL_TOK_PUNCT) {
            i++;
            continue;
        }
        if (lw != NULL && (lw[i].flags & ~CL_LW_INNER) == CL_LW_KNOWN && lw[i].n == 0 &&
            !(f->tok[i].flags & CL_TF_ELONGATED)) {
            i++; /* the common case: a word that is in no term of the table */
            continue;
        }
        size_t used = match_at(lx, f, i, lw != NULL ? &lw[i] : NULL, NULL, 0, cb, arg);
        i += used ? used : 1;
    }
}

void cl_lex_scan_at(const cl_lex_t *lx, const cl_features_t *f, const cl_lexw_t *lw,
                    const uint16_t *at, size_t n, cl_lex_cb cb, void *arg)
{
    cl_lex_scan_inner(lx, f, lw, at, n, NULL, 0, cb, arg);
}

void cl_lex_scan_inner(const cl_lex_t *lx, const cl_features_t *f, const cl_lexw_t *lw,
                       const uint16_t *at, size_t n, const uint8_t *inner, unsigned bit,
                       cl_lex_cb cb, void *arg)
{
    /* cl_lex_scan() steps over every other token one at a time, so only
     * where a match leaves the scan (past the tokens it covered) matters */
    size_t next = 0;
    for (size_t j = 0; j < n; j++) {
        size_t i = at[j];
        if (i < next) {
            continue; /* covered by the phrase matched before it */
        }
        size_t used = match_at(lx, f, i, &lw[i], inner, bit, cb, arg);
        next = i + (used ? used : 1);
    }
}
