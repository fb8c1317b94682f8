/* fastpost.c -- the cJSON post codec of the hot path (fastpost.h). */
#define _GNU_SOURCE /* memmem() */
#include "fastpost.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "post.h"
#include "utf8.h"

/* cJSON allocates once per value, and malloc + free were a sixth of a
 * stage's time. A post's tree is made in a per-thread arena instead and
 * dropped all at once: the arena serves one tree at a time (its owner), any
 * other cJSON allocation (a second live tree, a tree too big for it, trees
 * built by hand) goes to malloc, and the free hook tells them apart by
 * address. Under AddressSanitizer the arena is off, so that the sanitizer
 * still sees every node. */
#if defined(__SANITIZE_ADDRESS__)
#define FP_ARENA 0
#else
#define FP_ARENA 1
#endif
#define FP_ARENA_BYTES (96 * 1024) /* a 64 KiB message's tree fits, mostly */

static _Thread_local struct {
    _Alignas(16) unsigned char mem[FP_ARENA_BYTES]; /* node and string storage */
    size_t used;                                    /* bytes handed out */
    int active;                                     /* a parse is allocating from it */
    const cJSON *owner;                             /* the live tree in it, or NULL */
} arena;

static void *fp_malloc(size_t n)
{
    size_t need = (n + 15) & ~(size_t)15;
    if (arena.active && need <= FP_ARENA_BYTES - arena.used) {
        void *p = arena.mem + arena.used;
        arena.used += need;
        return p;
    }
    return malloc(n);
}

static void fp_free(void *p)
{
    const unsigned char *c = p;
    if (c >= arena.mem && c < arena.mem + FP_ARENA_BYTES) {
        return; /* dropped with the arena */
    }
    free(p);
}

static pthread_once_t hooks_once = PTHREAD_ONCE_INIT;

static void hooks_install(void)
{
    cJSON_Hooks h = {.malloc_fn = fp_malloc, .free_fn = fp_free};
    cJSON_InitHooks(&h);
}

/* cJSON resets and sets a global error position on every parse: parses are
 * serialised (uncontended but for ingest's HTTP threads). */
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

/* cJSON reads some numbers jansson refuses: 01, 1., 1e, and 150.0 where an
 * integer is validated (author.followers). The patterns find where such a
 * number may be: as an object member's value (after ':', LAX_MEMBER) or an
 * array's element (after '[' or ',', LAX_ELEMENT), so not inside a
 * timestamp. A match inside a string ("at 10:05, ...") only means jansson
 * is asked, so they may err towards matching. How they are split is what
 * they cost (PCRE2 10.42, JIT, per post of the bench, 2026-12-07): one
 * pattern starting [:[,] with the followers check as an alternative began
 * a match at every '"' too, ~14,000 instructions a post (callgrind), more
 * than cJSON's parse; without it 0.6-0.9 µs a post, scanning for any of
 * three bytes one by one. A pattern whose first byte is one character is
 * found by a vector search: LAX_MEMBER runs ~2x faster. LAX_ELEMENT runs
 * from the first '[' on, if there is one (a post has none until classify
 * adds its signals, at the end), LAX_FOLLOWERS only where memmem() finds
 * "followers" (anchored there). The whole check: 0.44 against 0.62 µs a
 * post of the bench, 0.77 against 0.83 on classified posts. */
#define LAX_NUMBER_TAIL                                                                            \
    "\\s*-?(?:0\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?\\s*[,\\]}]|\\d+\\.(?!\\d)|"                      \
    "\\d+(?:\\.\\d+)?[eE](?![+-]?\\d))"
#define LAX_MEMBER    ":" LAX_NUMBER_TAIL
#define LAX_ELEMENT   "[\\[,]" LAX_NUMBER_TAIL
#define FOLLOWERS     "\"followers\""
#define LAX_FOLLOWERS FOLLOWERS "\\s*:\\s*-?\\d+[.eE]"

#define FP_PAD 64 /* zero bytes after a subject the JIT matches (see maybe_lax_number) */

static _Atomic int strict_numbers; /* oc_fp_strict_numbers() */
/* LAX_MEMBER, LAX_ELEMENT and LAX_FOLLOWERS (anchored) compiled; any NULL:
 * jansson is always asked */
static pcre2_code *lax_re[3];
static int lax_jit; /* all three are JIT-compiled */
static pthread_once_t lax_once = PTHREAD_ONCE_INIT;

/* What a thread keeps for the number check, made on its first check and
 * freed when it ends (a pthread key's destructor: ingest's HTTP threads
 * come and go). */
typedef struct lax_tls {
    pcre2_match_data *md; /* match data: a malloc and a free per message otherwise */
    char *pad;            /* the padded copy of the message (below); owned */
    size_t padcap;        /* bytes allocated at pad */
} lax_tls_t;

static pthread_key_t lax_key;
static int lax_key_ok; /* lax_key was created */

static void lax_tls_free(void *v)
{
    lax_tls_t *t = v;
    pcre2_match_data_free(t->md);
    free(t->pad);
    free(t);
}

static void lax_compile(void)
{
    static const char *const pattern[3] = {LAX_MEMBER, LAX_ELEMENT, LAX_FOLLOWERS};
    int errcode;
    PCRE2_SIZE erroff;
    lax_key_ok = pthread_key_create(&lax_key, lax_tls_free) == 0;
    lax_jit = 1;
    for (int i = 0; i < 3; i++) {
        lax_re[i] = pcre2_compile((PCRE2_SPTR)pattern[i], PCRE2_ZERO_TERMINATED,
                                  i == 2 ? PCRE2_ANCHORED : 0, &errcode, &erroff, NULL);
        lax_jit =
            lax_jit && lax_re[i] != NULL && pcre2_jit_compile(lax_re[i], PCRE2_JIT_COMPLETE) == 0;
    }
}

/* 1 when re matches buf[0..len) from start on, or when that cannot be told
 * (a matching error); 0 when it surely does not. */
static int lax_match(const pcre2_code *re, const char *buf, size_t len, size_t start,
                     pcre2_match_data *md)
{
    int rc = lax_jit ? pcre2_jit_match(re, (PCRE2_SPTR)buf, len, start, 0, md, NULL)
                     : pcre2_match(re, (PCRE2_SPTR)buf, len, start, 0, md, NULL);
    return rc == PCRE2_ERROR_NOMATCH ? 0 : 1;
}

/* This thread's state, or NULL when out of memory. */
static lax_tls_t *lax_tls(void)
{
    lax_tls_t *t = lax_key_ok ? pthread_getspecific(lax_key) : NULL;
    if (t != NULL || !lax_key_ok) {
        return t;
    }
    t = calloc(1, sizeof *t);
    if (t == NULL || (t->md = pcre2_match_data_create(1, NULL)) == NULL ||
        pthread_setspecific(lax_key, t) != 0) {
        if (t != NULL) {
            lax_tls_free(t);
        }
        return NULL;
    }
    return t;
}

/* 1 when buf[0..len) may hold a number cJSON reads and jansson refuses (or
 * when that cannot be told), 0 when it surely does not. */
static int maybe_lax_number(const char *buf, size_t len)
{
    pthread_once(&lax_once, lax_compile);
    lax_tls_t *t = lax_tls();
    if (lax_re[0] == NULL || lax_re[1] == NULL || lax_re[2] == NULL || t == NULL) {
        return 1;
    }
    pcre2_match_data *md = t->md;
    /* PCRE2's JIT looks for LAX_MEMBER's ':' 16 bytes at a time and may
     * read past the subject's end, within the aligned block: harmless, but
     * a caller's buffer (getline's) is uninitialised there, and valgrind
     * reports every such read. The JIT matches a copy with zeros after it:
     * ~20 ns a post. The copy grows, never shrinks, per thread. */
    if (len + FP_PAD > t->padcap) {
        size_t cap = len + FP_PAD > 4096 ? len + FP_PAD : 4096;
        char *p = realloc(t->pad, cap);
        if (p == NULL) {
            return 1;
        }
        memset(p, 0, cap); /* initialised: what lies past a subject is read */
        t->pad = p;
        t->padcap = cap;
    }
    char *pad = t->pad;
    memcpy(pad, buf, len);
    /* elements follow the first '[', if any: LAX_ELEMENT starts there */
    const char *array = memchr(buf, '[', len);
    if (lax_match(lax_re[0], pad, len, 0, md) ||
        (array != NULL && lax_match(lax_re[1], pad, len, (size_t)(array - buf), md))) {
        return 1;
    }
    const char *at = buf;
    const size_t flen = sizeof FOLLOWERS - 1;
    while ((size_t)(buf + len - at) >= flen) {
        const char *f = memmem(at, (size_t)(buf + len - at), FOLLOWERS, flen);
        if (f == NULL) {
            break;
        }
        if (lax_match(lax_re[2], pad, len, (size_t)(f - buf), md)) {
            return 1;
        }
        at = f + flen;
    }
    return 0;
}

void oc_fp_strict_numbers(int on)
{
    strict_numbers = on != 0;
}

cJSON *oc_fp_json_parse(const char *buf, size_t len, const char **end)
{
    int mine = FP_ARENA && arena.owner == NULL;
    if (FP_ARENA) {
        pthread_once(&hooks_once, hooks_install);
    }
    if (mine) {
        arena.used = 0;
        arena.active = 1;
    }
    pthread_mutex_lock(&parse_lock);
    cJSON *root = cJSON_ParseWithLengthOpts(buf, len, end, 0);
    pthread_mutex_unlock(&parse_lock);
    if (mine) {
        arena.active = 0;
        arena.owner = root;
    }
    return root;
}

void oc_fp_json_drop(cJSON *root)
{
    cJSON_Delete(root);
    if (root != NULL && arena.owner == root) {
        arena.owner = NULL;
        arena.used = 0;
    }
}

/* The cJSON side of oc_post_tree_t. */
static const void *cj_get(const void *obj, const char *key)
{
    return oc_fp_get(obj, key);
}

static oc_jkind_t cj_kind(const void *v)
{
    const cJSON *j = v;
    if (!j) {
        return OC_JK_ABSENT;
    }
    if (cJSON_IsNull(j)) {
        return OC_JK_NULL;
    }
    if (cJSON_IsString(j)) {
        return OC_JK_STRING;
    }
    if (cJSON_IsBool(j)) {
        return OC_JK_BOOL;
    }
    if (cJSON_IsObject(j)) {
        return OC_JK_OBJECT;
    }
    /* cJSON keeps numbers as doubles: whole values within int64 are integers */
    if (cJSON_IsNumber(j) && j->valuedouble >= -9.2e18 && j->valuedouble <= 9.2e18 &&
        j->valuedouble == (double)(long long)j->valuedouble) {
        return OC_JK_INTEGER;
    }
    return OC_JK_OTHER;
}

static const char *cj_str(const void *v, size_t *len)
{
    const char *s = ((const cJSON *)v)->valuestring;
    *len = strlen(s); /* "\u0000" was refused before: strlen is the length */
    return s;
}

static long long cj_int(const void *v)
{
    return (long long)((const cJSON *)v)->valuedouble;
}

static const oc_post_tree_t cjson_tree = {cj_get, cj_kind, cj_str, cj_int};

const cJSON *oc_fp_get(const cJSON *obj, const char *key)
{
    if (!cJSON_IsObject(obj)) {
        return NULL;
    }
    /* cJSON_GetObjectItemCaseSensitive() without a strcmp call per key: the
     * first byte tells most keys apart */
    for (const cJSON *c = obj->child; c; c = c->next) {
        if (c->string && c->string[0] == key[0] && strcmp(c->string, key) == 0) {
            return c;
        }
    }
    return NULL;
}

const char *oc_fp_str(const cJSON *obj, const char *key)
{
    const cJSON *v = oc_fp_get(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *oc_fp_conversation(const oc_fpost_t *p)
{
    const char *c = oc_fp_str(p->root, "conversation");
    return (c && *c) ? c : p->id;
}

static int fail(const char **code, const char *c, char *err, size_t errlen, const char *reason)
{
    *code = c;
    snprintf(err, errlen, "%s", reason);
    return -1;
}

/* 1 when some byte of s[0..n) is below 0x20. */
static int has_control(const char *s, size_t n)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        /* a byte below 0x20 borrows when 0x20 is taken from it */
        if ((w - 0x2020202020202020ull) & ~w & 0x8080808080808080ull) {
            return 1;
        }
    }
    for (; i < n; i++) {
        if ((unsigned char)s[i] < 0x20) {
            return 1;
        }
    }
    return 0;
}

/* 1 when s[0..n) starts with a UTF-8 byte order mark, which cJSON skips
 * and jansson refuses (found by tests/fuzz/fuzz_ingest.c). */
static int has_bom(const char *s, size_t n)
{
    return n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0;
}

int oc_fp_needs_jansson(const char *buf, size_t len)
{
    return has_control(buf, len) || maybe_lax_number(buf, len);
}

static int is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Looks at every escape in s[0..n) (a backslash that is not itself
 * escaped). Returns 1 for \u0000, 2 for an escape JSON does not have
 * (cJSON reads "\ud8zz" as a NUL where jansson refuses it), else 0. */
static int bad_escape(const char *s, size_t n)
{
    const char *end = s + n;
    const char *b = memchr(s, '\\', n);
    while (b) {
        const char *q = b;
        while (q < end && *q == '\\') {
            q++;
        }
        if (((q - b) & 1) && q < end) {
            if (*q == 'u') {
                if (end - q < 5 || !is_hex(q[1]) || !is_hex(q[2]) || !is_hex(q[3]) ||
                    !is_hex(q[4])) {
                    return 2;
                }
                if (memcmp(q, "u0000", 5) == 0) {
                    return 1;
                }
            } else if (*q == '\0' || !strchr("\"/bfnrt", *q)) {
                return 2;
            }
        }
        b = q < end ? memchr(q, '\\', (size_t)(end - q)) : NULL;
    }
    return 0;
}

const char *oc_fp_duplicate_key(const cJSON *v, int *big)
{
    for (const cJSON *c = v ? v->child : NULL; c; c = c->next) {
        if (cJSON_IsObject(v)) {
            for (const cJSON *d = c->next; d; d = d->next) {
                if (c->string[0] == d->string[0] && strcmp(c->string, d->string) == 0) {
                    return c->string;
                }
            }
        }
        if (cJSON_IsNumber(c) && (c->valuedouble >= 9.2e18 || c->valuedouble <= -9.2e18)) {
            *big = 1;
        }
        if (c->child) {
            const char *k = oc_fp_duplicate_key(c, big);
            if (k) {
                return k;
            }
        }
    }
    return NULL;
}

/* jansson's verdict on bytes cJSON failed on, or that cJSON alone cannot be
 * trusted with: its message has line and column. Returns 0 when jansson
 * takes them, with its tree in *keep when keep is not NULL. */
static int strict_check(const char *buf, size_t len, const char **code, char *err, size_t errlen,
                        json_t **keep)
{
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
    if (j) {
        if (keep) {
            *keep = j;
        } else {
            json_decref(j);
        }
        return 0;
    }
    *code = "invalid_json";
    snprintf(err, errlen, "invalid JSON at line %d column %d: %s", jerr.line, jerr.column,
             jerr.text);
    return -1;
}

int oc_fp_parse(oc_fpost_t *p, const char *buf, size_t len, const char **code, char *err,
                size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (len > OC_POST_MAX_MESSAGE) {
        *code = "too_large";
        snprintf(err, errlen, "message is %zu bytes; the limit is %d", len, OC_POST_MAX_MESSAGE);
        return -1;
    }
    size_t bad;
    if (oc_utf8_valid(buf, len, &bad) != 0) {
        *code = "invalid_json";
        snprintf(err, errlen, "invalid JSON: not UTF-8 at byte %zu", bad);
        return -1;
    }
    /* When cJSON alone cannot be trusted with these bytes, jansson reads
     * them too, once, and its tree is what gets validated. */
    json_t *strict = NULL;
    if ((has_control(buf, len) || has_bom(buf, len) ||
         (strict_numbers && maybe_lax_number(buf, len))) &&
        strict_check(buf, len, code, err, errlen, &strict) != 0) {
        return -1;
    }
    const char *end = NULL;
    cJSON *root = oc_fp_json_parse(buf, len, &end);
    if (!root) {
        if (strict || strict_check(buf, len, code, err, errlen, NULL) == 0) {
            /* jansson took what cJSON did not: deeper than cJSON's nesting limit */
            fail(code, "invalid_json", err, errlen, "invalid JSON: nested deeper than 1000 levels");
        }
        goto error;
    }
    while (end && end < buf + len &&
           (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) {
        end++;
    }
    p->root = root;
    if (end != buf + len) {
        if (strict || strict_check(buf, len, code, err, errlen, NULL) == 0) {
            fail(code, "invalid_json", err, errlen, "invalid JSON: bytes after the value");
        }
        goto error;
    }
    int esc = bad_escape(buf, len);
    if (esc == 2) {
        if (strict || strict_check(buf, len, code, err, errlen, NULL) == 0) {
            fail(code, "invalid_json", err, errlen, "invalid JSON: a string has a bad escape");
        }
        goto error;
    }
    if (esc == 1) {
        fail(code, "invalid_post", err, errlen,
             "a string holds \\u0000 (NUL); no field may contain NUL characters");
        goto error;
    }
    int big = 0;
    const char *dup = oc_fp_duplicate_key(root, &big);
    if (dup) {
        *code = "invalid_json";
        snprintf(err, errlen, "invalid JSON: duplicate object key '%s'", dup);
        goto error;
    }
    /* an integer beyond int64: jansson, and so the next stage, refuses it */
    if (big && !strict && strict_check(buf, len, code, err, errlen, &strict) != 0) {
        goto error;
    }
    int invalid = strict ? oc_post_validate(strict, err, errlen)
                         : oc_post_validate_tree(&cjson_tree, root, err, errlen);
    if (invalid < 0) {
        *code = "invalid_post";
        goto error;
    }
    json_decref(strict);
    /* a valid post is an object: its bytes run from '{' to the last '}' */
    const char *open = memchr(buf, '{', len);
    const char *close = buf + len;
    while (close > open && close[-1] != '}') {
        close--;
    }
    p->bytes = open;
    p->len = (size_t)(close - open);
    p->id = oc_fp_str(root, "id");
    const cJSON *text = oc_fp_get(root, "text");
    p->text = text->valuestring;
    p->text_len = strlen(p->text);
    p->outbound = strcmp(oc_fp_str(root, "direction"), "outbound") == 0;
    return 0;
error:
    json_decref(strict);
    oc_fp_free(p);
    return -1;
}

cJSON *oc_fp_json_parse_exact(const char *buf, size_t len)
{
    size_t bad;
    const char *end = NULL;
    int big = 0;
    /* cJSON reads an escape JSON does not have ("\u0}0e") as a NUL where
     * jansson refuses it (found by tests/fuzz/fuzz_alert_clock.c) */
    if (oc_fp_needs_jansson(buf, len) || has_bom(buf, len) || oc_utf8_valid(buf, len, &bad) != 0 ||
        bad_escape(buf, len) != 0)
        return NULL;
    cJSON *v = oc_fp_json_parse(buf, len, &end);
    if (v != NULL && (end != buf + len || oc_fp_duplicate_key(v, &big) != NULL || big)) {
        oc_fp_json_drop(v);
        v = NULL;
    }
    return v;
}

void oc_fp_free(oc_fpost_t *p)
{
    oc_fp_json_drop(p->root);
    p->root = NULL;
}

/* The rare path: the post has the member already. jansson rebuilds it. */
static int rebuild(const oc_fpost_t *p, const char *name, const char *member, size_t mlen,
                   oc_buf_t *out)
{
    int rc = -1;
    char *s = NULL;
    json_t *post = json_loadb(p->bytes, p->len, 0, NULL);
    json_t *m = json_loadb(member, mlen, JSON_DECODE_ANY, NULL);
    if (!post || !m || json_object_set(post, name, m) != 0) {
        goto out;
    }
    s = oc_json_dumps(post);
    if (!s || oc_buf_add(out, s, strlen(s)) != 0) {
        goto out;
    }
    rc = 0;
out:
    free(s);
    json_decref(m);
    json_decref(post);
    return rc;
}

int oc_fp_with(const oc_fpost_t *p, const char *name, const char *member, size_t mlen,
               oc_buf_t *out)
{
    out->len = 0;
    if (oc_fp_get(p->root, name)) {
        return rebuild(p, name, member, mlen, out);
    }
    /* {...} -> {...,"name":member}; name is one of ours and needs no escaping */
    if (oc_buf_add(out, p->bytes, p->len - 1) != 0 || oc_buf_add(out, ",\"", 2) != 0 ||
        oc_buf_add(out, name, strlen(name)) != 0 || oc_buf_add(out, "\":", 2) != 0 ||
        oc_buf_add(out, member, mlen) != 0 || oc_buf_add(out, "}", 1) != 0) {
        return -1;
    }
    return 0;
}
