/* thread.c -- conversation roots and brands over a whole input.
 *
 * Rows come unsorted and a reply may precede its parent, so this runs once
 * every post is in memory. The root of a post is found by following
 * in_reply_to while the parent is in the input: a parent missing from the
 * input makes the earliest ancestor present the root. A post that already
 * names its conversation (a format without IG_THREAD_CONVERSATION, e.g. jsonl)
 * stops the walk and lends its conversation to its replies. A cycle of
 * replies (broken data) is cut where the walk meets itself. */
#include "ingest.h"
#include "post.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- a string -> index map (open addressing, keys borrowed) ------------- */

/* The keys are ids, authors and conversations of the posts being resolved,
 * which outlive the map and do not change while it is used. */
typedef struct smap {
    const char **keys; /* borrowed; NULL marks an empty slot */
    size_t *vals;      /* the value of each slot */
    size_t cap;        /* slots, a power of two */
} smap_t;

static int smap_init(smap_t *m, size_t expected)
{
    m->cap = 16;
    while (m->cap < expected * 2) {
        m->cap *= 2;
    }
    m->keys = calloc(m->cap, sizeof *m->keys);
    m->vals = calloc(m->cap, sizeof *m->vals);
    return m->keys && m->vals ? 0 : -1;
}

static void smap_free(smap_t *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t hash(const char *s, size_t len, int fold)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (fold && c >= 'A' && c <= 'Z') {
            c = (unsigned char)(c - 'A' + 'a');
        }
        h = (h ^ c) * 1099511628211ULL;
    }
    return (size_t)h;
}

static int same(const char *key, const char *s, size_t len, int fold)
{
    if (strlen(key) != len) {
        return 0;
    }
    return fold ? strncasecmp(key, s, len) == 0 : memcmp(key, s, len) == 0;
}

/* The slot holding s, or the empty slot where it would go. */
static size_t smap_slot(const smap_t *m, const char *s, size_t len, int fold)
{
    size_t i = hash(s, len, fold) & (m->cap - 1);
    while (m->keys[i] && !same(m->keys[i], s, len, fold)) {
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

/* Looks s up. Returns 1 with the value in *val, or 0. */
static int smap_get(const smap_t *m, const char *s, size_t len, int fold, size_t *val)
{
    size_t i = smap_slot(m, s, len, fold);
    if (!m->keys[i]) {
        return 0;
    }
    *val = m->vals[i];
    return 1;
}

/* Adds s (a whole NUL-terminated string, borrowed) -> val unless s is there
 * already (the first one wins). The map was sized for every key, so it never
 * fills. Returns 0. */
static int smap_add(smap_t *m, const char *s, int fold, size_t val)
{
    size_t i = smap_slot(m, s, strlen(s), fold);
    if (m->keys[i]) {
        return 0;
    }
    m->keys[i] = s;
    m->vals[i] = val;
    return 0;
}

/* ---- conversations ------------------------------------------------------- */

#define NONE ((size_t)-1)

/* A post's own conversation as the input gave it, or NULL. An empty one
 * is none, as everywhere (oc_post_conversation): lent to replies, it would
 * put each of them in a conversation of its own. */
static const char *own_conversation(const ig_item_t *it)
{
    if (it->post) {
        const char *c = oc_post_str(it->post, "conversation");
        return c && c[0] ? c : NULL;
    }
    return it->raw_conv ? it->conv : NULL;
}

static const char *reply_to(const ig_item_t *it)
{
    return it->post ? oc_post_str(it->post, "in_reply_to") : it->in_reply_to;
}

/* Sets the resolved conversation: in the post, or (lean) in the item, where
 * conv (the root's id or conversation) lives as long as the batch. */
static int set_conversation(ig_item_t *it, const char *conv)
{
    if (!it->post) {
        it->conv = conv;
        return 0;
    }
    return json_object_set_new(it->post, "conversation", json_string(conv));
}

/* The conversation a root lends to its thread. */
static const char *root_conversation(const ig_item_t *it, int flags)
{
    const char *conv = own_conversation(it);
    if (!(flags & IG_THREAD_CONVERSATION) && conv) {
        return conv;
    }
    return ig_item_id(it);
}

/* Finds every post's root. parent[i] is NONE for a post that ends a walk. */
static int find_roots(size_t n, const size_t *parent, size_t *root)
{
    unsigned char *state = calloc(n, 1); /* 0 new, 1 on the current walk, 2 done */
    size_t *path = malloc(n * sizeof *path);
    if (!state || !path) {
        free(state);
        free(path);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        size_t at = i;
        size_t r;
        for (;;) {
            if (state[at] == 2) {
                r = root[at];
                break;
            }
            if (state[at] == 1) {
                r = at; /* a cycle: cut it here */
                break;
            }
            state[at] = 1;
            path[len++] = at;
            if (parent[at] == NONE) {
                r = at;
                break;
            }
            at = parent[at];
        }
        for (size_t k = 0; k < len; k++) {
            root[path[k]] = r;
            state[path[k]] = 2;
        }
    }
    free(state);
    free(path);
    return 0;
}

/* ---- brands -------------------------------------------------------------- */

/* What a thread tells about its brand. */
typedef struct ig_group {
    const char *outbound; /* author of its earliest outbound post; borrowed */
    const char *mention;  /* earliest known brand @mentioned by a customer; borrowed */
} ig_group_t;

/* A post's place in time, for sorting indices. */
typedef struct ig_when {
    int64_t t;      /* created_at, ms */
    int64_t number; /* input order, for ties */
    size_t index;   /* index into items */
} ig_when_t;

static int by_time(const void *pa, const void *pb)
{
    const ig_when_t *a = pa, *b = pb;
    if (a->t != b->t) {
        return a->t < b->t ? -1 : 1;
    }
    return a->number < b->number ? -1 : a->number > b->number;
}

static const char *author_of(const ig_item_t *it)
{
    return json_string_value(json_object_get(json_object_get(it->post, "author"), "id"));
}

/* The first @mention in text that names a known brand, as the brand writes
 * its handle; or NULL. */
static const char *known_mention(const smap_t *brands, const ig_item_t *items, const char *text)
{
    size_t len = strlen(text), pos = 0, namelen, at;
    const char *name;
    while (ig_mention_next(text, len, &pos, &name, &namelen)) {
        if (smap_get(brands, name, namelen, 1, &at)) {
            return author_of(&items[at]);
        }
    }
    return NULL;
}

static int resolve_brands(ig_item_t *items, size_t n, char *err, size_t errlen)
{
    int rc = -1;
    smap_t brands = {0}, convs = {0};
    ig_when_t *when = malloc(n * sizeof *when);
    size_t *order = malloc(n * sizeof *order);
    ig_group_t *groups = calloc(n, sizeof *groups);
    size_t *group = malloc(n * sizeof *group); /* group[i]: the thread of items[i] */
    if (!when || !order || !groups || !group || smap_init(&brands, n) != 0 ||
        smap_init(&convs, n) != 0) {
        goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        when[i] = (ig_when_t){.t = items[i].created_ms, .number = items[i].number, .index = i};
    }
    qsort(when, n, sizeof *when, by_time);
    for (size_t k = 0; k < n; k++) {
        order[k] = when[k].index;
    }

    /* Brands are the accounts seen writing outbound. */
    for (size_t k = 0; k < n; k++) {
        const ig_item_t *it = &items[order[k]];
        const char *author = author_of(it);
        if (oc_post_is_outbound(it->post) && author &&
            smap_add(&brands, author, 1, order[k]) != 0) {
            goto nomem;
        }
    }
    /* Each thread's brand, from its posts in time order. */
    size_t ngroups = 0;
    for (size_t k = 0; k < n; k++) {
        size_t i = order[k];
        const char *conv = oc_post_conversation(items[i].post);
        size_t g;
        if (!smap_get(&convs, conv, strlen(conv), 0, &g)) {
            g = ngroups++;
            if (smap_add(&convs, conv, 0, g) != 0) {
                goto nomem;
            }
        }
        group[i] = g;
        if (oc_post_is_outbound(items[i].post)) {
            if (!groups[g].outbound) {
                groups[g].outbound = author_of(&items[i]);
            }
        } else if (!groups[g].mention) {
            groups[g].mention = known_mention(&brands, items, oc_post_str(items[i].post, "text"));
        }
    }
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        json_t *post = items[i].post;
        if (oc_post_is_outbound(post)) {
            continue;
        }
        const char *text = oc_post_str(post, "text");
        const ig_group_t *g = &groups[group[i]];
        const char *brand = g->outbound;
        if (!brand) {
            brand = known_mention(&brands, items, text);
        }
        if (!brand) {
            brand = g->mention;
        }
        json_t *value;
        size_t pos = 0, namelen;
        const char *name;
        if (brand) {
            value = json_string(brand);
        } else if (ig_mention_next(text, strlen(text), &pos, &name, &namelen)) {
            value = json_stringn(name, namelen);
        } else {
            value = json_string("unknown");
        }
        if (json_object_set_new(post, "brand", value) != 0) {
            snprintf(err, errlen, "out of memory setting brands");
            rc = -1;
        }
    }
    goto out;
nomem:
    snprintf(err, errlen, "out of memory resolving brands of %zu posts", n);
out:
    smap_free(&brands);
    smap_free(&convs);
    free(when);
    free(order);
    free(groups);
    free(group);
    return rc;
}

int ig_thread_resolve(ig_item_t *items, size_t n, int flags, char *err, size_t errlen)
{
    if (n == 0) {
        return 0;
    }
    int rc = -1;
    smap_t ids = {0};
    size_t *parent = malloc(n * sizeof *parent);
    size_t *root = malloc(n * sizeof *root);
    if (!parent || !root || smap_init(&ids, n) != 0) {
        goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        const char *id = ig_item_id(&items[i]);
        if (smap_add(&ids, id, 0, i) != 0) {
            goto nomem;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const char *up = reply_to(&items[i]);
        size_t j = NONE;
        parent[i] = NONE;
        if (!(flags & IG_THREAD_CONVERSATION) && own_conversation(&items[i])) {
            continue; /* names its own conversation */
        }
        if (up && smap_get(&ids, up, strlen(up), 0, &j) && j != i) {
            parent[i] = j;
        }
    }
    if (find_roots(n, parent, root) != 0) {
        goto nomem;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(flags & IG_THREAD_CONVERSATION) && own_conversation(&items[i])) {
            continue;
        }
        if (set_conversation(&items[i], root_conversation(&items[root[i]], flags)) != 0) {
            goto nomem;
        }
    }
    rc = 0;
    if (flags & IG_THREAD_BRAND) {
        rc = resolve_brands(items, n, err, errlen);
    }
    goto out;
nomem:
    snprintf(err, errlen, "out of memory linking %zu posts", n);
out:
    smap_free(&ids);
    free(parent);
    free(root);
    return rc;
}
