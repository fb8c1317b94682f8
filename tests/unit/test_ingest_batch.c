/* test_ingest_batch.c -- a whole input of canonical JSONL loaded as convert
 * and replay load it (ig_batch_load_ex, lean) and as a tree (ingest/batch.c,
 * thread.c), and what its posts look like on the way out. */
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

/* Appends a canonical post with id and extra members (JSON, starting with
 * ',') to in as a line. */
static void add(char *in, size_t size, const char *id, const char *extra)
{
    size_t used = strlen(in);
    snprintf(in + used, size - used,
             "{\"schema\":\"outcry.post/v1\",\"id\":\"%s\",\"platform\":\"rss\","
             "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"7\"},"
             "\"text\":\"hi\",\"created_at\":\"2026-03-01T09:00:00Z\"%s}\n",
             id, extra);
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
    add(in, sizeof in, "rss:1", ",\"conversation\":\"\"");
    add(in, sizeof in, "rss:2", ",\"in_reply_to\":\"rss:1\"");
    add(in, sizeof in, "rss:3", ",\"in_reply_to\":\"rss:2\",\"conversation\":\"\"");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_conversation_is_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
