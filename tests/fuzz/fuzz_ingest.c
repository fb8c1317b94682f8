/* fuzz_ingest.c -- ingest's file intake (convert, replay): any bytes as an
 * input file in one of the five formats, loaded whole (ig_batch_load_ex,
 * threads and brands resolved), written as convert writes it, sorted and
 * rebased as replay does.
 *
 * The first byte picks: bits 0-2 the format (jsonl, twcs, twitter1,
 * twitter2, mastodon; 5-7 are jsonl again, the format with the fast path),
 * bit 3 a regular file (a memfd: canonical JSONL is then read whole, mmap'd)
 * or a stream (fmemopen), bit 4 a --rebase-now replay. What must hold,
 * besides no crash, sanitizer report or leak:
 *   - every record becomes a post or a DLQ entry with a code and a reason
 *     (accepted + rejected == rows); loading fails only for the reasons
 *     docs/ingest.md gives (a bad header, more rows than --max-rows);
 *   - every post goes out as a canonical post oc_post_parse() accepts, with
 *     the item's id, its conversation (what replay keys it by) and an
 *     instant equal to the item's created_at;
 *   - a post that did not name its conversation shares its parent's when
 *     the parent is in the input (thread.c);
 *   - canonical JSONL comes out the same whether the fast path took a line
 *     or jansson did (the lean load against the whole-tree one).
 * A broken promise aborts with the offending post, so the fuzzer keeps the
 * input. */
#define _GNU_SOURCE /* memfd_create */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_ingest.h"
#include "ingest/ingest.h"
#include "post.h"
#include "timeutil.h"

/* ingested_at and replay's "now": fixed, so that two loads render alike */
#define NOW_MS   1767225600000LL /* 2026-01-01T00:00:00Z */
#define MAX_ROWS 2000

static oc_config_t cfg;
static FILE *devnull;
static int memfd = -1;

static const ig_format_t *const formats[8] = {
    &ig_format_jsonl,    &ig_format_twcs,  &ig_format_twitter1, &ig_format_twitter2,
    &ig_format_mastodon, &ig_format_jsonl, &ig_format_jsonl,    &ig_format_jsonl};

static void broken(const char *what, const char *detail, const char *post)
{
    fprintf(stderr, "fuzz: ingest: %s: %s\n  post: %s\n", what, detail ? detail : "",
            post ? post : "(none)");
    abort();
}

/* data as an input file: a regular one (a memfd) or a stream. */
static FILE *open_input(const uint8_t *data, size_t size, int regular)
{
    if (!regular) {
        return fmemopen((void *)data, size, "r");
    }
    int fd = -1;
    if (ftruncate(memfd, 0) != 0 || pwrite(memfd, data, size, 0) != (ssize_t)size ||
        lseek(memfd, 0, SEEK_SET) != 0 || (fd = dup(memfd)) < 0) {
        return NULL;
    }
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
    }
    return f;
}

/* Loads data as fmt into b. Returns what ig_batch_load_ex returns; aborts
 * when it fails for a reason docs/ingest.md does not give. */
static int load(ig_batch_t *b, const uint8_t *data, size_t size, const ig_format_t *fmt,
                int regular, int lean)
{
    FILE *in = open_input(data, size, regular);
    if (!in) {
        perror("fuzz: ingest: opening the input");
        exit(2);
    }
    int rc = ig_batch_load_ex(b, in, "fuzz", fmt, MAX_ROWS, lean);
    fclose(in);
    if (rc != 0 && !strstr(b->err, "header has") && !strstr(b->err, "records; ingest reads")) {
        broken("loading failed", b->err, NULL);
    }
    return rc;
}

/* The DLQ entries: one per rejected record, with a code and a reason. */
static void check_rejects(const ig_batch_t *b)
{
    if (b->rows != (int64_t)(b->nitems + json_array_size(b->dlq))) {
        char n[128];
        snprintf(n, sizeof n, "%lld rows, %zu accepted, %zu rejected", (long long)b->rows,
                 b->nitems, json_array_size(b->dlq));
        broken("a record was lost or counted twice", n, NULL);
    }
    size_t i;
    json_t *e;
    json_array_foreach(b->dlq, i, e)
    {
        const char *code = json_string_value(json_object_get(e, "code"));
        const char *reason = json_string_value(json_object_get(e, "reason"));
        /* the record number: SSE event:/id: lines count there, not in rows */
        json_int_t at = json_integer_value(json_object_get(e, "offset"));
        if (!code || !code[0] || !reason || !reason[0] || at < 1) {
            char *s = oc_json_dumps(e);
            broken("a DLQ entry without a code, reason or record number", s, NULL);
        }
    }
}

/* Every item rendered and read back as a canonical post (new references). */
static json_t **render_all(ig_batch_t *b)
{
    json_t **posts = calloc(b->nitems + 1, sizeof *posts);
    char ts[OC_TIME_BUFSZ];
    oc_time_format(NOW_MS, ts, sizeof ts);
    oc_buf_t out = {0};
    if (!posts) {
        abort();
    }
    for (size_t i = 0; i < b->nitems; i++) {
        ig_item_t *it = &b->items[i];
        char err[512];
        if (ig_item_render_to(it, ts, &out) != 0) {
            broken("rendering failed", ig_item_id(it), NULL);
        }
        posts[i] = oc_post_parse(out.data, out.len, err, sizeof err);
        if (!posts[i]) {
            broken("ingest wrote a post oc_post_parse() refuses", err, out.data);
        }
        const char *conv = json_string_value(json_object_get(posts[i], "conversation"));
        int64_t ms = 0;
        if (strcmp(oc_post_id(posts[i]), ig_item_id(it)) != 0) {
            broken("the post's id is not the item's", ig_item_id(it), out.data);
        }
        if (!conv || strcmp(oc_post_conversation(posts[i]), ig_item_conversation(it)) != 0) {
            broken("the post's conversation is not the one replay keys it by",
                   ig_item_conversation(it), out.data);
        }
        if (oc_time_parse(oc_post_str(posts[i], "created_at"), &ms) != 0 || ms != it->created_ms) {
            broken("created_at is not the item's instant", oc_post_str(posts[i], "created_at"),
                   out.data);
        }
    }
    oc_buf_free(&out);
    return posts;
}

static void free_posts(json_t **posts)
{
    for (size_t i = 0; posts && posts[i]; i++) {
        json_decref(posts[i]);
    }
    free(posts);
}

/* A post that did not name its conversation has its parent's, when the
 * parent (the first post with that id) is in the input. */
static void check_threads(const ig_batch_t *b, json_t **posts)
{
    json_t *ids = json_object(); /* id -> index of its first post */
    if (!ids) {
        abort();
    }
    for (size_t i = 0; i < b->nitems; i++) {
        if (!json_object_get(ids, oc_post_id(posts[i]))) {
            json_object_set_new(ids, oc_post_id(posts[i]), json_integer((json_int_t)i));
        }
    }
    int always = b->fmt->thread_flags & IG_THREAD_CONVERSATION;
    for (size_t i = 0; i < b->nitems; i++) {
        const ig_item_t *it = &b->items[i];
        const char *up = oc_post_str(posts[i], "in_reply_to");
        json_t *at = up ? json_object_get(ids, up) : NULL;
        /* a lean item remembers whether the input named its conversation */
        if (!at || (!always && (!it->raw || it->raw_conv))) {
            continue;
        }
        size_t j = (size_t)json_integer_value(at);
        if (j != i && strcmp(oc_post_conversation(posts[i]), oc_post_conversation(posts[j])) != 0) {
            char *s = oc_json_dumps(posts[j]);
            broken("a reply is not in its parent's conversation", s, oc_json_dumps(posts[i]));
        }
    }
    json_decref(ids);
}

/* Canonical JSONL: the lean load (fast path and lean posts) gives what the
 * whole-tree load gives. */
static void check_same(const ig_batch_t *a, json_t **pa, const ig_batch_t *b, json_t **pb)
{
    if (a->rows != b->rows || a->nitems != b->nitems ||
        json_array_size(a->dlq) != json_array_size(b->dlq)) {
        char n[160];
        snprintf(n, sizeof n, "lean: %lld rows, %zu posts; whole: %lld rows, %zu posts",
                 (long long)a->rows, a->nitems, (long long)b->rows, b->nitems);
        broken("the fast path and jansson differ", n, NULL);
    }
    for (size_t i = 0; i < a->nitems; i++) {
        if (!json_equal(pa[i], pb[i])) {
            char *s = oc_json_dumps(pb[i]);
            broken("the fast path and jansson wrote different posts", s, oc_json_dumps(pa[i]));
        }
    }
    size_t i;
    json_t *e;
    json_array_foreach(a->dlq, i, e)
    {
        if (!json_equal(json_object_get(e, "code"),
                        json_object_get(json_array_get(b->dlq, i), "code"))) {
            broken("the fast path and jansson rejected differently",
                   json_string_value(json_object_get(e, "code")), NULL);
        }
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_ingest_config(&cfg);
    devnull = fopen("/dev/null", "w");
    memfd = memfd_create("fuzz_ingest", 0);
    if (!devnull || memfd < 0) {
        perror("fuzz: ingest: /dev/null or memfd_create");
        exit(2);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2) {
        return 0; /* fmemopen() refuses an empty buffer */
    }
    const ig_format_t *fmt = formats[data[0] & 7];
    int regular = (data[0] >> 3) & 1;
    int rebase = (data[0] >> 4) & 1;
    data++;
    size--;

    ig_batch_t b;
    if (load(&b, data, size, fmt, regular, 1) != 0) {
        ig_batch_free(&b);
        return 0;
    }
    check_rejects(&b);
    if (ig_convert(&b, devnull, devnull) != 0) {
        broken("convert failed", "writing to /dev/null", NULL);
    }
    json_t **posts = render_all(&b);
    check_threads(&b, posts);
    if (fmt == &ig_format_jsonl) {
        ig_batch_t whole;
        if (load(&whole, data, size, fmt, 0, 0) != 0) {
            broken("the whole-tree load failed where the lean one did not", whole.err, NULL);
        }
        json_t **wposts = render_all(&whole);
        check_same(&b, posts, &whole, wposts);
        free_posts(wposts);
        ig_batch_free(&whole);
    }
    free_posts(posts);

    /* replay: created_at order, --rebase-now as replay computes it */
    ig_batch_sort(&b);
    for (size_t i = 1; i < b.nitems; i++) {
        if (b.items[i].created_ms < b.items[i - 1].created_ms) {
            broken("replay's order is not created_at's", ig_item_id(&b.items[i]), NULL);
        }
    }
    if (rebase && b.nitems > 0) {
        int64_t delta = (NOW_MS - b.items[0].created_ms) / 1000 * 1000;
        if (ig_rebase(&b, delta) != 0) {
            broken("rebasing failed", NULL, NULL);
        }
        check_rejects(&b); /* a post the shift takes past year 9999 is one */
        free_posts(render_all(&b));
    }
    ig_batch_free(&b);
    return 0;
}
