/* test_ingest_batch.c -- a whole input of canonical JSONL loaded as convert
 * and replay load it (ig_batch_load_ex, lean) and as a tree (ingest/batch.c,
 * thread.c), and what its posts look like on the way out (render.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ingest/ingest.h"
#include "post.h"

/* Appends a canonical post with id, created_at (NULL: 2026-03-01T09:00:00Z)
 * and extra members (JSON, starting with ',') to in as a line. */
static void add(char *in, size_t size, const char *id, const char *created, const char *extra)
{
    size_t used = strlen(in);
    snprintf(in + used, size - used,
             "{\"schema\":\"outcry.post/v1\",\"id\":\"%s\",\"platform\":\"rss\","
             "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"7\"},"
             "\"text\":\"hi\",\"created_at\":\"%s\"%s}\n",
             id, created ? created : "2026-03-01T09:00:00Z", extra);
}

/* Loads in as canonical JSONL from a stream; lean as convert does, or not. */
static void load(ig_batch_t *b, const char *in, int lean)
{
    FILE *f = fmemopen((void *)in, strlen(in), "r");
    assert_non_null(f);
    if (ig_batch_load_ex(b, f, "in.jsonl", &ig_format_jsonl, 0, lean) != 0) {
        fail_msg("load failed: %s", b->err);
    }
    fclose(f);
}

/* Item i as it goes out, read back as a canonical post (new reference). */
static json_t *out(ig_batch_t *b, size_t i)
{
    char *s = ig_item_render(&b->items[i], 0);
    assert_non_null(s);
    char err[256];
    json_t *p = oc_post_parse(s, strlen(s), err, sizeof err);
    if (!p) {
        fail_msg("%s: %s", err, s);
    }
    free(s);
    return p;
}

/* "conversation": "" is no conversation, as every stage reads it
 * (oc_post_conversation: else the id). It was lent to replies as it was, so
 * a reply came out with "" too: read as its own id, the thread fell apart
 * into one conversation per post, and replay keyed each apart. */
static void test_empty_conversation_is_none(void **state)
{
    (void)state;
    char in[4096] = "";
    add(in, sizeof in, "rss:1", NULL, ",\"conversation\":\"\"");
    add(in, sizeof in, "rss:2", NULL, ",\"in_reply_to\":\"rss:1\"");
    add(in, sizeof in, "rss:3", NULL, ",\"in_reply_to\":\"rss:2\",\"conversation\":\"\"");
    for (int lean = 0; lean <= 1; lean++) {
        ig_batch_t b;
        load(&b, in, lean);
        assert_int_equal(b.nitems, 3);
        for (size_t i = 0; i < 3; i++) {
            json_t *p = out(&b, i);
            assert_string_equal(oc_post_str(p, "conversation"), "rss:1");
            assert_string_equal(ig_item_conversation(&b.items[i]), "rss:1");
            json_decref(p);
        }
        ig_batch_free(&b);
    }
}

/* A file that starts with a UTF-8 byte order mark (editors and exports
 * write one): its first post is a post, read lean or as a tree. cJSON
 * skipped the mark and jansson refused it, so the two reads disagreed
 * (found by tests/fuzz/fuzz_ingest.c); a mark anywhere else is content. */
static void test_byte_order_mark(void **state)
{
    (void)state;
    char in[4096] = "\xEF\xBB\xBF";
    add(in, sizeof in, "rss:1", NULL, "");
    add(in, sizeof in, "rss:2", NULL, "");
    size_t second = strlen(in);
    snprintf(in + second, sizeof in - second, "\xEF\xBB\xBF");
    add(in, sizeof in, "rss:3", NULL, "");
    for (int lean = 0; lean <= 1; lean++) {
        ig_batch_t b;
        load(&b, in, lean);
        assert_int_equal(b.nitems, 2);
        assert_string_equal(ig_item_id(&b.items[0]), "rss:1");
        assert_int_equal(json_array_size(b.dlq), 1);
        assert_string_equal(json_string_value(json_object_get(json_array_get(b.dlq, 0), "code")),
                            "invalid_json");
        ig_batch_free(&b);
    }
}

/* A canonical post with id and an unknown member "pad" of n bytes, then
 * extra (JSON members starting with ','), as a malloc'd line. */
static char *padded(const char *id, size_t n, const char *extra)
{
    char *pad = malloc(n + 1);
    assert_non_null(pad);
    memset(pad, 'p', n);
    pad[n] = '\0';
    size_t size = n + strlen(id) + strlen(extra) + 512;
    char *s = malloc(size);
    assert_non_null(s);
    snprintf(s, size,
             "{\"schema\":\"outcry.post/v1\",\"id\":\"%s\",\"platform\":\"rss\","
             "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"7\"},"
             "\"text\":\"hi\",\"created_at\":\"2026-03-01T09:00:00Z\",\"pad\":\"%s\"%s}\n",
             id, pad, extra);
    free(pad);
    return s;
}

/* A message is at most 64 KiB (DESIGN.md) and every stage refuses a bigger
 * one: ingest wrote posts that big (unknown members are kept, and the
 * conversation and ingested_at are added on the way out), so a post it
 * accepted went to the DLQ of the next stage instead. Now it is ingest's
 * reject, in record order among the others. */
static void test_message_limit(void **state)
{
    (void)state;
    /* 1: fits as written, not once source, conversation and ingested_at
     * are added; 2: invalid; 3: fits with them; 4: the reply of a post
     * with a long id: its conversation, appended, takes it over */
    char id4[30001];
    memset(id4, 'i', sizeof id4 - 1);
    memcpy(id4, "rss:", 4);
    id4[sizeof id4 - 1] = '\0';
    char up[30100];
    snprintf(up, sizeof up, ",\"in_reply_to\":\"%s\"", id4);
    char *l1 = padded("rss:1", 65536 - 220, ""), *l3 = padded("rss:3", 65536 - 320, "");
    char *l4 = padded(id4, 10, ""), *l5 = padded("rss:5", 65536 - 30300, up);
    size_t size = strlen(l1) + strlen(l3) + strlen(l4) + strlen(l5) + 64;
    char *in = malloc(size);
    assert_non_null(in);
    snprintf(in, size, "%s{not json\n%s%s%s", l1, l3, l4, l5);
    assert_true(strlen(l1) - 1 <= 65536 && strlen(l5) - 1 <= 65536); /* as written */
    for (int lean = 0; lean <= 1; lean++) {
        ig_batch_t b;
        load(&b, in, lean);
        assert_int_equal(b.rows, 5);
        assert_int_equal(b.nitems, 2);
        assert_string_equal(ig_item_id(&b.items[0]), "rss:3");
        assert_string_equal(ig_item_id(&b.items[1]), id4);
        for (size_t i = 0; i < b.nitems; i++) {
            json_decref(out(&b, i));
        }
        assert_int_equal(json_array_size(b.dlq), 3);
        json_int_t want[] = {1, 2, 5};
        for (size_t i = 0; i < 3; i++) {
            json_t *e = json_array_get(b.dlq, i);
            assert_int_equal(json_integer_value(json_object_get(e, "offset")), want[i]);
        }
        json_t *e = json_array_get(b.dlq, 0);
        assert_string_equal(json_string_value(json_object_get(e, "code")), "invalid_post");
        assert_non_null(strstr(json_string_value(json_object_get(e, "reason")), "at most 65536"));
        assert_int_equal(json_integer_value(json_object_get(b.reasons, "invalid_post")), 2);
        ig_batch_free(&b);
    }
    free(in);
    free(l1);
    free(l3);
    free(l4);
    free(l5);
}

/* replay --rebase-now moves every created_at by one shift: a post it took
 * past 9999-12-31 (a placeholder date among real ones, say) was written
 * as "10008-..." -- no RFC 3339 timestamp, and every stage refused the
 * post. It is now a bad_timestamp reject; the others move. */
static void test_rebase_keeps_timestamps_valid(void **state)
{
    (void)state;
    char in[4096] = "";
    add(in, sizeof in, "rss:1", "9999-12-31T00:00:00Z", "");
    add(in, sizeof in, "rss:2", NULL, "");
    for (int lean = 0; lean <= 1; lean++) {
        ig_batch_t b;
        load(&b, in, lean);
        ig_batch_sort(&b);
        assert_int_equal(ig_rebase(&b, INT64_C(10) * 366 * 86400000), 0);
        assert_int_equal(b.rows, 2);
        assert_int_equal(b.nitems, 1);
        json_t *p = out(&b, 0);
        assert_string_equal(oc_post_id(p), "rss:2");
        assert_string_equal(oc_post_str(p, "created_at"), "2036-03-08T09:00:00Z");
        json_decref(p);
        json_t *e = json_array_get(b.dlq, 0);
        assert_string_equal(json_string_value(json_object_get(e, "code")), "bad_timestamp");
        assert_int_equal(json_integer_value(json_object_get(e, "offset")), 1);
        ig_batch_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_conversation_is_none),
        cmocka_unit_test(test_byte_order_mark),
        cmocka_unit_test(test_message_limit),
        cmocka_unit_test(test_rebase_keeps_timestamps_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
