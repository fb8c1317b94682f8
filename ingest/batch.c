/* batch.c -- a whole input read into memory: accepted posts, DLQ entries for
 * the rest, counts by reason. Its posts go out through render.c. */
#include "canon.h"
#include "dlq.h"
#include "ingest.h"
#include "log.h"
#include "post.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int ig_batch_reject(ig_batch_t *b, const char *code, const char *reason, int64_t number,
                    const char *bytes, size_t len)
{
    oc_dlq_origin_t origin = {
        .source = b->source, .topic = NULL, .partition = -1, .offset = number, .key = NULL};
    json_t *entry = oc_dlq_entry("ingest", code, reason, &origin, bytes, len);
    /* in record order: a post found too big after reading goes back in line */
    size_t at = json_array_size(b->dlq);
    while (at > 0 &&
           json_integer_value(json_object_get(json_array_get(b->dlq, at - 1), "offset")) > number) {
        at--;
    }
    if (!entry || json_array_insert_new(b->dlq, at, entry) != 0) {
        snprintf(b->err, sizeof b->err, "out of memory recording a rejected row");
        return -1;
    }
    json_t *n = json_object_get(b->reasons, code);
    json_int_t count = n ? json_integer_value(n) : 0;
    if (json_object_set_new(b->reasons, code, json_integer(count + 1)) != 0) {
        snprintf(b->err, sizeof b->err, "out of memory counting rejects");
        return -1;
    }
    oc_debug("row_rejected", "%s record %lld: %s: %s", b->source, (long long)number, code, reason);
    return 0;
}

int ig_batch_reject_item(ig_batch_t *b, ig_item_t *it, const char *code, const char *reason)
{
    char *s = it->post ? oc_json_dumps(it->post) : NULL;
    int rc = (it->post && !s) || ig_batch_reject(b, code, reason, it->number, s ? s : it->raw,
                                                 s ? strlen(s) : it->raw_len) != 0
                 ? -1
                 : 0;
    free(s);
    json_decref(it->post);
    it->post = NULL;
    return rc;
}

/* ---- the arena of lean items ---------------------------------------------- */

#define CHUNK_BYTES (4 * 1024 * 1024)

struct ig_chunk {
    ig_chunk_t *next; /* the block before this one */
    size_t used;      /* bytes handed out */
    size_t cap;       /* bytes in data */
    size_t size;      /* bytes mapped, this header included */
    char data[];      /* the bytes */
};

/* Memory mapped with its pages in place: the kernel fills them in one call
 * instead of one page fault each, a third of the load's time on a VM. */
static void *map_populated(size_t size)
{
    void *p =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return p == MAP_FAILED ? NULL : p;
}

/* A NUL-terminated copy of s[0..n) in b's arena, or NULL when out of memory. */
static char *arena_copy(ig_batch_t *b, const char *s, size_t n)
{
    ig_chunk_t *c = b->arena;
    if (!c || c->cap - c->used < n + 1) {
        int big = n + 1 > CHUNK_BYTES / 4;
        size_t cap = big ? n + 1 : CHUNK_BYTES - sizeof *c;
        size_t size = sizeof *c + cap;
        ig_chunk_t *nc = map_populated(size);
        if (!nc) {
            return NULL;
        }
        nc->used = 0;
        nc->cap = cap;
        nc->size = size;
        if (c && big) {
            /* a big one goes behind the current block, which keeps filling */
            nc->next = c->next;
            c->next = nc;
        } else {
            nc->next = c;
            b->arena = nc;
        }
        c = nc;
    }
    char *d = c->data + c->used;
    memcpy(d, s, n);
    d[n] = '\0';
    c->used += n + 1;
    return d;
}

static char *arena_str(ig_batch_t *b, const char *s)
{
    return s ? arena_copy(b, s, strlen(s)) : NULL;
}

static void arena_free(ig_batch_t *b)
{
    while (b->arena) {
        ig_chunk_t *next = b->arena->next;
        munmap(b->arena, b->arena->size);
        b->arena = next;
    }
}

/* A new item at the end of b->items (zeroed), or NULL when out of memory. */
static ig_item_t *new_item(ig_batch_t *b)
{
    if (b->nitems == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        ig_item_t *items = realloc(b->items, cap * sizeof *items);
        if (!items) {
            return NULL;
        }
        b->items = items;
        b->cap = cap;
    }
    ig_item_t *it = &b->items[b->nitems++];
    memset(it, 0, sizeof *it);
    return it;
}

static int add_item(ig_batch_t *b, json_t *post, int64_t created_ms, int64_t number)
{
    ig_item_t *it = new_item(b);
    if (!it) {
        return -1;
    }
    it->post = post;
    it->created_ms = created_ms;
    it->number = number;
    return 0;
}

/* Adds post (stolen) as a lean item: serialised whole, plus the strings
 * thread resolution and replay read. */
static int make_lean(ig_batch_t *b, json_t *post, int64_t ms, int64_t number)
{
    /* "conversation": null or "" is no conversation (oc_post_conversation):
     * the resolved one is appended on output, and must not follow it */
    const json_t *conv = json_object_get(post, "conversation");
    if (json_is_null(conv) || (json_is_string(conv) && json_string_length(conv) == 0)) {
        json_object_del(post, "conversation");
    }
    char *raw = oc_json_dumps(post);
    ig_item_t *it = raw ? new_item(b) : NULL;
    int rc = -1;
    if (it) {
        it->raw_len = strlen(raw);
        it->raw = arena_copy(b, raw, it->raw_len);
        it->id = arena_str(b, oc_post_id(post));
        it->in_reply_to = arena_str(b, oc_post_str(post, "in_reply_to"));
        it->conv = arena_str(b, oc_post_str(post, "conversation"));
        it->created_ms = ms;
        it->number = number;
        it->raw_conv = oc_post_str(post, "conversation") != NULL;
        it->raw_ingested = json_object_get(post, "ingested_at") != NULL;
        it->raw_source = 1; /* the format put in what it wanted */
        /* a copy that failed is out of memory, not a missing member */
        rc = it->raw && it->id && (it->in_reply_to || !oc_post_str(post, "in_reply_to")) &&
                     (it->conv || !it->raw_conv)
                 ? 0
                 : -1;
    }
    free(raw);
    json_decref(post);
    return rc;
}

/* The fast path of canonical JSONL: a post canon.h vouches for is kept as
 * its bytes, with no JSON tree. */
static int add_canon(ig_batch_t *b, const ig_canon_t *c, int64_t number)
{
    ig_item_t *it = new_item(b);
    if (!it) {
        return -1;
    }
    /* a post read from the whole file stays there; a stream's is copied */
    it->raw = b->input ? c->obj : arena_copy(b, c->obj, c->len);
    it->raw_len = c->len;
    it->id = arena_copy(b, c->id.p, c->id.n);
    it->in_reply_to = c->in_reply_to.p ? arena_copy(b, c->in_reply_to.p, c->in_reply_to.n) : NULL;
    it->conv = c->conversation.p ? arena_copy(b, c->conversation.p, c->conversation.n) : NULL;
    it->created_ms = c->created_ms;
    it->number = number;
    it->raw_conv = c->conversation.p != NULL;
    it->raw_ingested = c->has_ingested;
    it->raw_source = c->has_source;
    b->fast++;
    return it->raw && it->id && (it->in_reply_to || !c->in_reply_to.p) &&
                   (it->conv || !c->conversation.p)
               ? 0
               : -1;
}

/* Context of one JSON record's objects. */
typedef struct json_ctx {
    ig_batch_t *b;  /* the batch */
    int64_t number; /* the record's number */
    size_t items;   /* objects seen */
} json_ctx_t;

static int accept_post(ig_batch_t *b, ig_result_t *res, int64_t number, const char *bytes,
                       size_t len)
{
    char err[IG_REASON_MAX];
    if (oc_post_validate(res->post, err, sizeof err) != 0) {
        json_decref(res->post);
        return ig_batch_reject(b, "invalid_post", err, number, bytes, len);
    }
    if (b->lean && make_lean(b, res->post, res->created_ms, number) != 0) {
        snprintf(b->err, sizeof b->err, "out of memory after %lld records", (long long)b->rows);
        return -1;
    }
    if (b->lean) {
        return 0;
    }
    if (add_item(b, res->post, res->created_ms, number) != 0) {
        json_decref(res->post);
        snprintf(b->err, sizeof b->err, "out of memory after %lld records", (long long)b->rows);
        return -1;
    }
    return 0;
}

static int on_json_item(void *ctx, ig_result_t *res, size_t index, const char *bytes, size_t len)
{
    json_ctx_t *jc = ctx;
    if (++jc->items > 1) {
        jc->b->rows++; /* the record's first object was counted as its row */
    }
    (void)index;
    if (!res->post) {
        return ig_batch_reject(jc->b, res->code ? res->code : "invalid_post", res->reason,
                               jc->number, bytes, len);
    }
    return accept_post(jc->b, res, jc->number, bytes, len);
}

static int on_record(void *ctx, const ig_record_t *rec, const char *code, const char *reason)
{
    ig_batch_t *b = ctx;
    b->rows++;
    if (b->max_rows > 0 && b->rows > b->max_rows) {
        snprintf(b->err, sizeof b->err,
                 "%s has more than %lld records; ingest reads a file whole to link its threads "
                 "-- raise --max-rows (0 = no limit) if memory allows, or split the file",
                 b->source, (long long)b->max_rows);
        return -1;
    }
    if (code) {
        return ig_batch_reject(b, code, reason, rec->number, rec->data, rec->len);
    }
    ig_canon_t canon;
    if (b->lean && b->fmt == &ig_format_jsonl && ig_canon_scan(rec->data, rec->len, &canon)) {
        if (add_canon(b, &canon, rec->number) != 0) {
            snprintf(b->err, sizeof b->err, "out of memory after %lld records", (long long)b->rows);
            return -1;
        }
        return 0;
    }
    if (b->fmt->parse_json) {
        json_ctx_t jc = {.b = b, .number = rec->number, .items = 0};
        int n = ig_json_each(b->fmt, rec->data, rec->len, on_json_item, &jc);
        if (n == 0) {
            b->rows--; /* an SSE event:/id: line holds no post */
        }
        return n < 0 ? -1 : 0;
    }
    ig_result_t res = {0};
    if (b->fmt->parse(rec, &res) != 0) {
        return ig_batch_reject(b, res.code ? res.code : "invalid_post", res.reason, rec->number,
                               rec->data, rec->len);
    }
    return accept_post(b, &res, rec->number, rec->data, rec->len);
}

/* Reads all of a regular file into b->input, so that the fast path's posts
 * can stay where they are instead of being copied one by one. Returns 1 when
 * it did, 0 when in is not a regular file (read it as a stream), -1 on a
 * read error or when out of memory. */
static int slurp(ig_batch_t *b, FILE *in)
{
    struct stat st;
    if (fstat(fileno(in), &st) != 0 || !S_ISREG(st.st_mode)) {
        return 0;
    }
    size_t cap = (size_t)st.st_size + 4096;
    char *buf = map_populated(cap);
    size_t len = 0;
    while (buf) {
        len += fread(buf + len, 1, cap - len, in);
        if (len < cap) {
            break;
        }
        /* the file grew while being read: read on */
        char *nb = map_populated(cap * 2);
        if (nb) {
            memcpy(nb, buf, len);
        }
        munmap(buf, cap);
        buf = nb;
        cap *= 2;
    }
    if (!buf || ferror(in)) {
        if (buf) {
            munmap(buf, cap);
        }
        return -1;
    }
    b->input = buf;
    b->input_len = len;
    b->input_cap = cap;
    return 1;
}

/* The longest ingested_at (oc_time_format), and what stamping adds. */
#define LONGEST_STAMP "2026-01-01T00:00:00.000Z"
#define STAMP_BYTES   (sizeof(",\"ingested_at\":\"" LONGEST_STAMP "\"") - 1)

/* The bytes it goes out as, with the longest ingested_at, or an upper bound
 * when that fits a message already (almost every post: nothing is rendered
 * twice); 0 when out of memory. scratch is a buffer to render into. */
static size_t out_size(ig_item_t *it, oc_buf_t *scratch)
{
    if (it->raw && !it->rebased) {
        /* lean: its bytes, plus what ig_item_render_to() may append */
        size_t n = it->raw_len + sizeof(",\"source\":\"jsonl\"") + STAMP_BYTES +
                   (it->conv ? sizeof(",\"conversation\":\"\"") + 6 * strlen(it->conv) : 0);
        if (n <= OC_POST_MAX_MESSAGE) {
            return n;
        }
    } else if (it->post) {
        /* rendering a tree would stamp it: count instead */
        size_t stamp = json_object_get(it->post, "ingested_at") ? 0 : STAMP_BYTES;
        size_t n = oc_json_size_bound(it->post) + stamp;
        if (n > OC_POST_MAX_MESSAGE) {
            n = oc_json_size(it->post);
            n = n ? n + stamp : 0;
        }
        return n;
    }
    return ig_item_render_to(it, LONGEST_STAMP, scratch) == 0 ? scratch->len : 0;
}

/* Moves the posts that would go out bigger than a message may be (64 KiB,
 * DESIGN.md: every stage refuses more) to the DLQ as invalid_post. Known
 * only now: a post without a conversation gets the resolved one appended.
 * Returns 0, or -1 when out of memory. */
static int reject_oversize(ig_batch_t *b)
{
    oc_buf_t out = {0};
    size_t kept = 0;
    int rc = 0;
    for (size_t i = 0; i < b->nitems; i++) {
        ig_item_t *it = &b->items[i];
        size_t size = rc == 0 ? out_size(it, &out) : 0;
        if (rc == 0 && size == 0) {
            rc = -1; /* out of memory: the rest stay as they are */
        }
        if (rc != 0 || size <= OC_POST_MAX_MESSAGE) {
            b->items[kept++] = *it;
            continue;
        }
        char reason[IG_REASON_MAX];
        snprintf(reason, sizeof reason,
                 "the post is %zu bytes as it goes out; a message is at most %d", size,
                 OC_POST_MAX_MESSAGE);
        if (ig_batch_reject_item(b, it, "invalid_post", reason) != 0) {
            rc = -1;
        }
    }
    b->nitems = kept;
    oc_buf_free(&out);
    if (rc != 0) {
        snprintf(b->err, sizeof b->err, "%s: out of memory checking the posts' size", b->source);
    }
    return rc;
}

int ig_batch_load(ig_batch_t *b, FILE *in, const char *source, const ig_format_t *fmt,
                  int64_t max_rows)
{
    return ig_batch_load_ex(b, in, source, fmt, max_rows, 0);
}

int ig_batch_load_ex(ig_batch_t *b, FILE *in, const char *source, const ig_format_t *fmt,
                     int64_t max_rows, int lean)
{
    memset(b, 0, sizeof *b);
    b->lean = lean && !(fmt->thread_flags & IG_THREAD_BRAND);
    b->fmt = fmt;
    b->source = source;
    b->max_rows = max_rows;
    b->dlq = json_array();
    b->reasons = json_object();
    if (!b->dlq || !b->reasons) {
        snprintf(b->err, sizeof b->err, "out of memory");
        return -1;
    }
    char err[sizeof b->err];
    err[0] = '\0';
    int whole = b->lean && fmt == &ig_format_jsonl ? slurp(b, in) : 0;
    if (whole < 0) {
        snprintf(b->err, sizeof b->err, "%s: read error or out of memory reading it whole", source);
        return -1;
    }
    if (whole ? ig_read_mem(b->input, b->input_len, on_record, b) != 0
              : ig_read(in, fmt, on_record, b, err, sizeof err) != 0) {
        if (err[0]) {
            snprintf(b->err, sizeof b->err, "%s: %s", source, err);
        }
        return -1;
    }
    if (ig_thread_resolve(b->items, b->nitems, fmt->thread_flags, err, sizeof err) != 0) {
        snprintf(b->err, sizeof b->err, "%s: linking threads: %s", source, err);
        return -1;
    }
    return reject_oversize(b);
}

static int by_time(const void *pa, const void *pb)
{
    const ig_item_t *a = pa, *b = pb;
    if (a->created_ms != b->created_ms) {
        return a->created_ms < b->created_ms ? -1 : 1;
    }
    return a->number < b->number ? -1 : a->number > b->number;
}

void ig_batch_sort(ig_batch_t *b)
{
    if (b->nitems > 1) {
        qsort(b->items, b->nitems, sizeof *b->items, by_time);
    }
}

void ig_batch_summary(const ig_batch_t *b, json_t *extra)
{
    long long rejected = (long long)json_array_size(b->dlq);
    json_t *fields =
        json_pack("{s:s, s:s, s:I, s:I, s:I, s:O}", "source", b->source, "format",
                  b->fmt ? b->fmt->name : "", "rows", (json_int_t)b->rows, "accepted",
                  (json_int_t)b->nitems, "rejected", (json_int_t)rejected, "reasons", b->reasons);
    if (fields && b->lean && b->fmt == &ig_format_jsonl) {
        /* how many posts the fast path took (canon.h), for the curious */
        json_object_set_new(fields, "fast_path", json_integer((json_int_t)b->fast));
    }
    if (fields && extra) {
        json_object_update(fields, extra);
    }
    json_decref(extra);
    oc_log_fields(OC_LOG_INFO, "ingest_summary", fields, "%s: accepted %zu, rejected %lld of %lld",
                  b->source, b->nitems, rejected, (long long)b->rows);
    if (!isatty(STDERR_FILENO)) {
        return;
    }
    fprintf(stderr, "outcry-ingest: %s: %zu accepted, %lld rejected", b->source, b->nitems,
            rejected);
    const char *code;
    json_t *n;
    int first = 1;
    json_object_foreach(b->reasons, code, n)
    {
        fprintf(stderr, "%s%s %lld", first ? " (" : ", ", code, (long long)json_integer_value(n));
        first = 0;
    }
    fprintf(stderr, "%s of %lld records\n", first ? "" : ")", (long long)b->rows);
}

void ig_batch_free(ig_batch_t *b)
{
    for (size_t i = 0; i < b->nitems; i++) {
        json_decref(b->items[i].post);
    }
    free(b->items);
    arena_free(b);
    if (b->input) {
        munmap(b->input, b->input_cap);
    }
    json_decref(b->dlq);
    json_decref(b->reasons);
    memset(b, 0, sizeof *b);
}
