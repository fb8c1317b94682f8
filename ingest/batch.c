/* batch.c -- a whole input read into memory: accepted posts, DLQ entries for
 * the rest, counts by reason; and its plain output, convert. */
#include "dlq.h"
#include "ingest.h"
#include "log.h"
#include "post.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ig_batch_reject(ig_batch_t *b, const char *code, const char *reason, int64_t number,
                    const char *bytes, size_t len)
{
    oc_dlq_origin_t origin = {
        .source = b->source, .topic = NULL, .partition = -1, .offset = number, .key = NULL};
    json_t *entry = oc_dlq_entry("ingest", code, reason, &origin, bytes, len);
    if (!entry || json_array_append_new(b->dlq, entry) != 0) {
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

static int add_item(ig_batch_t *b, json_t *post, int64_t created_ms, int64_t number)
{
    if (b->nitems == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        ig_item_t *items = realloc(b->items, cap * sizeof *items);
        if (!items) {
            return -1;
        }
        b->items = items;
        b->cap = cap;
    }
    b->items[b->nitems++] =
        (ig_item_t){.post = post, .raw = NULL, .created_ms = created_ms, .number = number};
    return 0;
}

static int add_item(ig_batch_t *b, json_t *post, int64_t created_ms, int64_t number);

/* Adds post (stolen) as a lean item: serialised whole, plus a small object
 * with what thread resolution and replay read. */
static int make_lean(ig_batch_t *b, json_t *post, int64_t ms, int64_t number)
{
    char *raw = oc_json_dumps(post);
    json_t *slim = json_object();
    static const char *const keep[] = {"id", "in_reply_to", "conversation", NULL};
    int bad = !raw || !slim;
    for (int k = 0; !bad && keep[k]; k++) {
        json_t *v = json_object_get(post, keep[k]);
        if (json_is_string(v)) {
            bad |= json_object_set(slim, keep[k], v);
        }
    }
    int has_conv = json_is_string(json_object_get(post, "conversation"));
    int has_ing = json_object_get(post, "ingested_at") != NULL;
    json_decref(post);
    if (bad || add_item(b, slim, ms, number) != 0) {
        free(raw);
        json_decref(slim);
        return -1;
    }
    ig_item_t *it = &b->items[b->nitems - 1];
    it->raw = raw;
    it->raw_conv = (unsigned char)has_conv;
    it->raw_ingested = (unsigned char)has_ing;
    return 0;
}

/* Context of one JSON record's objects. */
typedef struct json_ctx {
    ig_batch_t *b;   /* the batch */
    int64_t number;  /* the record's number */
    size_t items;    /* objects seen */
} json_ctx_t;

static int accept_post(ig_batch_t *b, ig_result_t *res, int64_t number, const char *bytes, size_t len)
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
    if (ig_read(in, fmt, on_record, b, err, sizeof err) != 0) {
        if (err[0]) {
            snprintf(b->err, sizeof b->err, "%s: %s", source, err);
        }
        return -1;
    }
    if (ig_thread_resolve(b->items, b->nitems, fmt->thread_flags, err, sizeof err) != 0) {
        snprintf(b->err, sizeof b->err, "%s: linking threads: %s", source, err);
        return -1;
    }
    return 0;
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
        free(b->items[i].raw);
    }
    free(b->items);
    json_decref(b->dlq);
    json_decref(b->reasons);
    memset(b, 0, sizeof *b);
}

int ig_stamp(json_t *post, int64_t now_ms)
{
    if (json_object_get(post, "ingested_at")) {
        return 0;
    }
    char ts[OC_TIME_BUFSZ];
    return json_object_set_new(post, "ingested_at",
                               json_string(oc_time_format(now_ms, ts, sizeof ts)));
}

char *ig_item_render(ig_item_t *it, int64_t now_ms)
{
    char ts[OC_TIME_BUFSZ];
    if (!it->raw || it->rebased) {
        json_t *post = it->post;
        if (it->raw) {
            /* Rebased (the demo): rare, so parse it back rather than splice. */
            json_error_t jerr;
            post = json_loads(it->raw, 0, &jerr);
            const char *conv = oc_post_str(it->post, "conversation");
            if (!post ||
                json_object_set_new(post, "created_at",
                                    json_string(oc_time_format(it->created_ms, ts, sizeof ts))) ||
                (conv && json_object_set_new(post, "conversation", json_string(conv)))) {
                json_decref(post);
                return NULL;
            }
        }
        char *s = ig_stamp(post, now_ms) == 0 ? oc_json_dumps(post) : NULL;
        if (post != it->post) {
            json_decref(post);
        }
        return s;
    }
    /* Lean: append what is missing before the closing brace. */
    json_t *extra = json_object();
    const char *conv = oc_post_str(it->post, "conversation");
    if (!extra || (!it->raw_conv && conv &&
                   json_object_set_new(extra, "conversation", json_string(conv)) != 0) ||
        (!it->raw_ingested &&
         json_object_set_new(extra, "ingested_at",
                             json_string(oc_time_format(now_ms, ts, sizeof ts))) != 0)) {
        json_decref(extra);
        return NULL;
    }
    char *add = oc_json_dumps(extra);
    json_decref(extra);
    size_t rlen = strlen(it->raw), alen = add ? strlen(add) : 0;
    char *s = add ? malloc(rlen + alen + 1) : NULL;
    if (s) {
        memcpy(s, it->raw, rlen);
        if (alen > 2) { /* not "{}" */
            s[rlen - 1] = ',';
            memcpy(s + rlen, add + 1, alen - 1);
            s[rlen + alen - 1] = '\0';
        } else {
            s[rlen] = '\0';
        }
    }
    free(add);
    return s;
}

/* Writes value as one JSON line. Returns 0 or -1. */
static int put_line(FILE *f, const json_t *value)
{
    char *s = oc_json_dumps(value);
    if (!s) {
        return -1;
    }
    int rc = fputs(s, f) < 0 || fputc('\n', f) == EOF ? -1 : 0;
    free(s);
    return rc;
}

int ig_convert(ig_batch_t *b, FILE *out, FILE *errout)
{
    size_t i;
    json_t *entry;
    json_array_foreach(b->dlq, i, entry)
    {
        if (put_line(errout, entry) != 0) {
            return -1;
        }
    }
    fflush(errout);
    for (i = 0; i < b->nitems; i++) {
        char *line = ig_item_render(&b->items[i], oc_now_ms());
        int bad = !line || fputs(line, out) < 0 || fputc('\n', out) == EOF;
        free(line);
        if (bad) {
            return -1;
        }
    }
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
