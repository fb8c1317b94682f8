/* render.c -- a batch's posts on the way out: each with what ingest adds
 * (ingested_at, and for a lean post its resolved conversation and source),
 * and convert, which writes them and the rejects as JSON lines. */
#include "ingest.h"
#include "post.h"
#include "timeutil.h"

#include <stdlib.h>
#include <string.h>

int ig_stamp(json_t *post, int64_t now_ms)
{
    if (json_object_get(post, "ingested_at")) {
        return 0;
    }
    char ts[OC_TIME_BUFSZ];
    return json_object_set_new(post, "ingested_at",
                               json_string(oc_time_format(now_ms, ts, sizeof ts)));
}

const char *ig_item_id(const ig_item_t *it)
{
    return it->post ? oc_post_id(it->post) : it->id;
}

const char *ig_item_conversation(const ig_item_t *it)
{
    if (it->post) {
        return oc_post_conversation(it->post);
    }
    return it->conv && it->conv[0] ? it->conv : it->id;
}

/* The rare ways out: a post that is a jansson tree (not lean), or a lean
 * one whose created_at moved (--rebase-now), which is parsed back. */
static int render_tree(ig_item_t *it, const char *ingested_at, oc_buf_t *out)
{
    json_t *post = it->post;
    if (!post) {
        char ts[OC_TIME_BUFSZ];
        json_error_t jerr;
        post = json_loadb(it->raw, it->raw_len, 0, &jerr);
        if (!post ||
            json_object_set_new(post, "created_at",
                                json_string(oc_time_format(it->created_ms, ts, sizeof ts))) ||
            (!it->raw_source && json_object_set_new(post, "source", json_string("jsonl"))) ||
            (it->conv && json_object_set_new(post, "conversation", json_string(it->conv)))) {
            json_decref(post);
            return -1;
        }
    }
    int rc = -1;
    char *s = NULL;
    if (json_object_get(post, "ingested_at") ||
        json_object_set_new(post, "ingested_at", json_string(ingested_at)) == 0) {
        s = oc_json_dumps(post);
    }
    if (s && oc_buf_add(out, s, strlen(s)) == 0) {
        rc = 0;
    }
    free(s);
    if (post != it->post) {
        json_decref(post);
    }
    return rc;
}

/* Appends a string literal. */
#define ADD_LIT(out, lit) oc_buf_add((out), (lit), sizeof(lit) - 1)

int ig_item_render_to(ig_item_t *it, const char *ingested_at, oc_buf_t *out)
{
    out->len = 0;
    if (!it->raw || it->rebased) {
        return render_tree(it, ingested_at, out);
    }
    /* Lean: append what is missing before the closing brace. */
    if (oc_buf_add(out, it->raw, it->raw_len - 1) != 0 ||
        (!it->raw_source && ADD_LIT(out, ",\"source\":\"jsonl\"") != 0) ||
        (!it->raw_conv && it->conv &&
         (ADD_LIT(out, ",\"conversation\":") != 0 || oc_buf_json_str(out, it->conv) != 0)) ||
        (!it->raw_ingested &&
         (ADD_LIT(out, ",\"ingested_at\":") != 0 || oc_buf_json_str(out, ingested_at) != 0)) ||
        oc_buf_add(out, "}", 1) != 0) {
        return -1;
    }
    return 0;
}

char *ig_item_render(ig_item_t *it, int64_t now_ms)
{
    char ts[OC_TIME_BUFSZ];
    oc_buf_t out = {0};
    if (ig_item_render_to(it, oc_time_format(now_ms, ts, sizeof ts), &out) != 0) {
        oc_buf_free(&out);
        return NULL;
    }
    return out.data;
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
    oc_buf_t line = {0};
    char ts[OC_TIME_BUFSZ];
    int64_t ts_ms = -1;
    for (i = 0; i < b->nitems; i++) {
        int64_t now = oc_now_ms();
        if (now != ts_ms) {
            oc_time_format(now, ts, sizeof ts);
            ts_ms = now;
        }
        if (ig_item_render_to(&b->items[i], ts, &line) != 0 ||
            fwrite(line.data, 1, line.len, out) != line.len || fputc('\n', out) == EOF) {
            oc_buf_free(&line);
            return -1;
        }
    }
    oc_buf_free(&line);
    return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
