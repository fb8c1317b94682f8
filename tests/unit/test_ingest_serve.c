/* test_ingest_serve.c -- the dedup window (ingest/dedup.c), brand accounts
 * (ingest/platform.c), webhook signatures and secret comparison
 * (ingest/webhook.c), and the field named in an error (ingest/serve.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ingest/dedup.h"
#include "ingest/platform.h"
#include "ingest/serve.h"

static void test_dedup_count_window(void **state)
{
    (void)state;
    ig_seen_t *s = ig_seen_new(3, 0);
    assert_non_null(s);
    assert_int_equal(ig_seen_get(s, "t:1", 0, NULL), 0);
    assert_int_equal(ig_seen_add(s, "t:1", "t:1", 0), 0);
    assert_int_equal(ig_seen_add(s, "t:2", "t:1", 0), 0);
    assert_int_equal(ig_seen_add(s, "t:3", NULL, 0), 0);
    char *conv = NULL;
    assert_int_equal(ig_seen_get(s, "t:2", 0, &conv), 1);
    assert_string_equal(conv, "t:1");
    free(conv);
    assert_int_equal(ig_seen_get(s, "t:3", 0, &conv), 1);
    assert_string_equal(conv, "t:3"); /* no conversation: the id itself */
    free(conv);
    /* A fourth pushes out the oldest (t:1) and only it. */
    assert_int_equal(ig_seen_add(s, "t:4", NULL, 0), 0);
    assert_int_equal(ig_seen_get(s, "t:1", 0, NULL), 0);
    assert_int_equal(ig_seen_get(s, "t:2", 0, NULL), 1);
    assert_int_equal(ig_seen_get(s, "t:4", 0, NULL), 1);
    /* Many more: the window stays at 3 and still finds the newest. */
    char id[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "x:%d", i);
        assert_int_equal(ig_seen_add(s, id, NULL, 0), 0);
    }
    assert_int_equal(ig_seen_get(s, "x:999", 0, NULL), 1);
    assert_int_equal(ig_seen_get(s, "x:997", 0, NULL), 1);
    assert_int_equal(ig_seen_get(s, "x:996", 0, NULL), 0);
    assert_int_equal(ig_seen_get(s, "t:4", 0, NULL), 0);
    ig_seen_free(s);
}

static void test_dedup_time_window_and_off(void **state)
{
    (void)state;
    ig_seen_t *s = ig_seen_new(10, 1000);
    assert_non_null(s);
    assert_int_equal(ig_seen_add(s, "m:1", NULL, 5000), 0);
    assert_int_equal(ig_seen_get(s, "m:1", 5999, NULL), 1);
    assert_int_equal(ig_seen_get(s, "m:1", 6000, NULL), 1);
    assert_int_equal(ig_seen_get(s, "m:1", 6001, NULL), 0);
    ig_seen_free(s);
    ig_seen_t *off = ig_seen_new(0, 0);
    assert_non_null(off);
    assert_int_equal(ig_seen_add(off, "a", NULL, 0), 0);
    assert_int_equal(ig_seen_get(off, "a", 0, NULL), 0);
    ig_seen_free(off);
}

static void test_brands(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(
        ig_brands_set("acme: AcmeHelp, @acme_support ; globex:GlobexCares", err, sizeof err), 0);
    assert_int_equal(ig_brands_count(), 3);
    assert_string_equal(ig_brand_of("acmehelp", 8), "acme");
    assert_string_equal(ig_brand_of("@ACME_SUPPORT", 13), "acme");
    assert_string_equal(ig_brand_of("GlobexCares", 11), "globex");
    assert_null(ig_brand_of("Acme", 4));
    assert_null(ig_brand_of("AcmeHelpx", 9));
    assert_int_equal(ig_brands_set("nohandles", err, sizeof err), -1);
    assert_non_null(strstr(err, "brand:handle1"));
    assert_int_equal(ig_brands_count(), 0);
    assert_int_equal(ig_brands_set("acme:", err, sizeof err), -1);

    char path[] = "/tmp/outcry-brands-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("# brand accounts\nacme: AcmeHelp\n\nglobex: GlobexCares # the care team\n", f);
    fclose(f);
    assert_int_equal(ig_brands_set(path, err, sizeof err), 0);
    assert_int_equal(ig_brands_count(), 2);
    assert_string_equal(ig_brand_of("globexcares", 11), "globex");
    unlink(path);
    assert_int_equal(ig_brands_set("/nonexistent/brands", err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/brands"));
    ig_brands_free();
}

static void test_build_direction(void **state)
{
    (void)state;
    char err[256];
    assert_int_equal(ig_brands_set("acme:AcmeHelp", err, sizeof err), 0);
    ig_src_post_t s = {.platform = "twitter",
                       .native_id = "9",
                       .author_id = "5",
                       .handle = "cust",
                       .text = "hi @AcmeHelp",
                       .text_len = 12,
                       .created_ms = 0,
                       .source = "test"};
    ig_result_t res = {0};
    assert_int_equal(ig_post_build(&s, &res), 0);
    assert_string_equal(json_string_value(json_object_get(res.post, "direction")), "inbound");
    assert_string_equal(json_string_value(json_object_get(res.post, "brand")), "acme");
    assert_string_equal(json_string_value(json_object_get(res.post, "created_at")),
                        "1970-01-01T00:00:00Z");
    json_decref(res.post);
    s.handle = "ACMEHELP";
    s.text = "  ";
    s.text_len = 2;
    memset(&res, 0, sizeof res);
    assert_int_equal(ig_post_build(&s, &res), -1);
    assert_string_equal(res.code, "empty_text");
    s.text = "we are on it";
    s.text_len = 12;
    s.repost = 1;
    assert_int_equal(ig_post_build(&s, &res), 0);
    assert_string_equal(json_string_value(json_object_get(res.post, "direction")), "outbound");
    assert_true(json_is_true(json_object_get(res.post, "repost")));
    json_decref(res.post);
    ig_brands_free();
}

static void test_twitter_signatures(void **state)
{
    (void)state;
    char out[128];
    /* Reference values from Python's hmac + base64. */
    assert_int_equal(ig_twitter_crc("consumer-secret", "abc123", out, sizeof out), 0);
    assert_string_equal(out, "sha256=uWCvRjzPn3Ze439/BvadzeJY3nkdXavefSSjmCbY1dY=");
    const char *body = "{\"a\":1}";
    assert_int_equal(ig_twitter_signature_ok("k", body, strlen(body),
                                             "sha256=w6kv+eJ0zczieljBWnjsbcu9vQA4qH56EbrvICj9i/8="),
                     1);
    assert_int_equal(ig_twitter_signature_ok("k", body, strlen(body) - 1,
                                             "sha256=w6kv+eJ0zczieljBWnjsbcu9vQA4qH56EbrvICj9i/8="),
                     0);
    assert_int_equal(ig_twitter_signature_ok("k", body, strlen(body), NULL), 0);
    assert_int_equal(ig_twitter_signature_ok("k", body, strlen(body), ""), 0);
    assert_int_equal(ig_twitter_crc("k", "x", out, 20), -1); /* does not fit */
    assert_int_equal(ig_secret_equal("token", "token"), 1);
    assert_int_equal(ig_secret_equal("token", "token "), 0);
    assert_int_equal(ig_secret_equal("", "token"), 0);
}

static void test_reason_field(void **state)
{
    (void)state;
    char f[64];
    ig_reason_field("missing required field 'text'", f, sizeof f);
    assert_string_equal(f, "text");
    ig_reason_field("field 'author.id' must be a string", f, sizeof f);
    assert_string_equal(f, "author.id");
    ig_reason_field("created_at is missing or not RFC 3339", f, sizeof f);
    assert_string_equal(f, "created_at");
    ig_reason_field("invalid JSON at column 3: x", f, sizeof f);
    assert_string_equal(f, "");
    ig_reason_field("Text is fine", f, sizeof f);
    assert_string_equal(f, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dedup_count_window),
        cmocka_unit_test(test_dedup_time_window_and_off),
        cmocka_unit_test(test_brands),
        cmocka_unit_test(test_build_direction),
        cmocka_unit_test(test_twitter_signatures),
        cmocka_unit_test(test_reason_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
