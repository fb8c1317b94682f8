/* test_ingest_canon.c -- the fast path of canonical posts (ingest/canon.c,
 * on common/fastpost.c): what it takes, what it leaves to jansson, and that
 * whatever it takes jansson and oc_post_validate take too, with the same
 * values. Also the combined dedup check (ingest/dedup.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "ingest/canon.h"
#include "ingest/dedup.h"
#include "post.h"
#include "timeutil.h"

#define POST(extra)                                                                                \
    "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","                \
    "\"native_id\":\"5\",\"direction\":\"inbound\",\"brand\":\"acme\","                            \
    "\"author\":{\"id\":\"7\",\"handle\":\"c\",\"followers\":12,\"verified\":false},"              \
    "\"text\":\"my bill \\\"is\\\" wrong\\n\",\"created_at\":\"2020-01-01T00:00:01.250Z\"" extra   \
    "}"

static int scan(const char *s, ig_canon_t *c)
{
    return ig_canon_scan(s, strlen(s), c);
}

static int span_is(ig_span_t sp, const char *want)
{
    return want ? sp.p && sp.n == strlen(want) && memcmp(sp.p, want, sp.n) == 0 : sp.p == NULL;
}

static void test_takes_a_canonical_post(void **state)
{
    (void)state;
    ig_canon_t c;
    const char *line =
        "  " POST(",\"in_reply_to\":\"twitter:4\",\"conversation\":\"twitter:1\"") " \r";
    assert_int_equal(scan(line, &c), 1);
    assert_ptr_equal(c.obj, line + 2);
    assert_int_equal(c.len, strlen(line) - 4);
    assert_true(span_is(c.id, "twitter:5"));
    assert_true(span_is(c.in_reply_to, "twitter:4"));
    assert_true(span_is(c.conversation, "twitter:1"));
    assert_int_equal(c.created_ms, 1577836801250LL);
    assert_int_equal(c.has_source, 0);
    assert_int_equal(c.has_ingested, 0);

    assert_int_equal(scan(POST(",\"source\":\"x\",\"ingested_at\":null,\"in_reply_to\":null,"
                               "\"extra\":[1,-2.5e-3,{\"k\":[true,null]}],\"text2\":\"\\u00e9\""),
                          &c),
                     1);
    assert_true(span_is(c.in_reply_to, NULL));
    assert_true(span_is(c.conversation, NULL));
    assert_int_equal(c.has_source, 1);
    assert_int_equal(c.has_ingested, 1);
    /* NFC text as raw UTF-8, emoji, right-to-left: all in normal form */
    assert_int_equal(scan("{\"schema\":\"outcry.post/v1\",\"id\":\"mastodon:1\",\"platform\":"
                          "\"mastodon\",\"direction\":\"outbound\",\"brand\":\"b\",\"author\":"
                          "{\"id\":\"1\"},\"text\":\"caf\xc3\xa9 \xf0\x9f\x98\x80 "
                          "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\",\"created_at\":"
                          "\"2019-12-08T03:00:00Z\"}",
                          &c),
                     1);
}

/* Lines the fast path leaves to jansson: invalid ones (jansson rejects them
 * with its reason), and valid posts not in normal form (the jsonl format
 * does with them what it does). */
static void test_leaves_the_rest_to_jansson(void **state)
{
    (void)state;
    static const char *const lines[] = {
        /* not in the form a normaliser gives */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"e\xcc\x81\",\"created_at\":\"2020-01-01T00:00:00Z\"}", /* NFD: e + U+0301 */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T02:00:00+02:00\"}", /* offset */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01t00:00:00z\"}", /* lower case */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00.000Z\"}", /* .000 */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2016-12-31T23:59:60Z\"}", /* leap second */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00.5Z\"}", /* short fraction */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00Z\"}", /* id without platform */
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"native_id\":\"6\",\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00Z\"}", /* id is not platform:native_id
                                                                    */
        /* what the jsonl format or ig_json_each treat apart */
        POST(",\"conversation\":null"),
        POST(",\"conversation\":\"\""),
        POST(",\"source\":null"),
        POST(",\"data\":{}"),
        POST(",\"tweet_create_events\":[]"),
        "[" POST("") "]",
        /* invalid: jansson rejects, oc_post_validate rejects */
        POST(",\"a\":1,\"a\":2"),
        POST(",\"n\":{\"a\":1,\"a\":2}"),
        POST(",\"z\":\"nul \\u0000\""),
        POST(",\"z\":\"lone \\udc00\""),
        POST(",\"z\":\"lone \\ud83d x\""),
        POST(",\"z\":\"bad \\x\""),
        POST(",\"z\":\"bad \xc3\x28\""),
        POST(",\"z\":\"overlong \xc0\xaf\""),
        POST(",\"z\":\"surrogate \xed\xa0\x80\""),
        POST(",\"z\":\"tab \t raw\""),
        POST(",\"z\":01"),
        POST(",\"z\":1."),
        POST(",\"z\":-"),
        POST(",\"z\":1e400"),
        POST(",\"z\":99999999999999999999"),
        POST(",\"z\":tru"),
        POST(",\"z\":[1,]"),
        POST(",\"z\":{\"a\":1,}"),
        POST(","),
        POST(",\"x\":0") "  trailing",
        POST(",\"lang\":5"),
        "{\"schema\":\"outcry.post/v2\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"sideways\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00Z\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\",\"followers\":-1},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00Z\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\",\"followers\":1.0},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00Z\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"\"},"
        "\"text\":\"t\",\"created_at\":\"2020-01-01T00:00:00Z\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"created_at\":\"2020-01-01T00:00:00Z\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":\"twitter\","
        "\"direction\":\"inbound\",\"brand\":\"a\",\"author\":{\"id\":\"7\"},"
        "\"text\":\"t\",\"created_at\":\"2020-02-30T00:00:00Z\"}",
        "",
        "   ",
        "{}",
    };
    ig_canon_t c;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        if (scan(lines[i], &c) != 0) {
            fail_msg("line %zu was taken: %s", i, lines[i]);
        }
    }
    /* text over 10,000 bytes once unescaped: "\n" counts 1 */
    size_t n = 10001;
    char *big = malloc(n * 2 + 512);
    assert_non_null(big);
    int w = snprintf(big, 512,
                     "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:5\",\"platform\":"
                     "\"twitter\",\"direction\":\"inbound\",\"brand\":\"a\",\"author\":"
                     "{\"id\":\"7\"},\"created_at\":\"2020-01-01T00:00:00Z\",\"text\":\"");
    for (size_t i = 0; i < n; i++) {
        memcpy(big + w + 2 * i, "\\n", 2);
    }
    memcpy(big + w + 2 * n, "\"}", 3);
    assert_int_equal(scan(big, &c), 0);
    big[w + 2 * n - 2] = '"'; /* 10,000 escapes: exactly the limit */
    big[w + 2 * n - 1] = '}';
    big[w + 2 * n] = '\0';
    assert_int_equal(scan(big, &c), 1);
    free(big);
}

/* A small deterministic generator for the mutations below. */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static const char *const pieces[] = {
    "\"",
    "\\",
    ",",
    ":",
    "{",
    "}",
    "[",
    "]",
    " ",
    "0",
    "-",
    ".",
    "e",
    "1",
    "null",
    "true",
    "\\u0000",
    "\\u00e9",
    "\\ud83d\\ude00",
    "\\udc00",
    "\xc3\xa9",
    "\xc3",
    "\xff",
    "\x01",
    "\"id\":\"x\",",
    "\"author\":{},",
    "\"text\":\"a\",",
    "+01:00",
    "Z",
    "t",
    "\"a\":1,\"a\":2,",
    "\"conversation\":null,",
    "\"in_reply_to\":\"twitter:9\",",
    "\"source\":\"s\",",
    "1e5",
};

/* 1 when jansson and oc_post_validate take line, with the values c says. */
static int jansson_agrees(const char *line, size_t len, const ig_canon_t *c)
{
    json_error_t jerr;
    json_t *p = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    char err[256];
    int64_t ms = 0;
    int ok = p && json_is_object(p) && oc_post_validate(p, err, sizeof err) == 0 &&
             oc_time_parse(oc_post_str(p, "created_at"), &ms) == 0 && ms == c->created_ms &&
             span_is(c->id, oc_post_id(p)) &&
             span_is(c->conversation, oc_post_str(p, "conversation")) &&
             span_is(c->in_reply_to, oc_post_str(p, "in_reply_to")) &&
             c->has_source == json_is_string(json_object_get(p, "source")) &&
             c->has_ingested == (json_object_get(p, "ingested_at") != NULL) &&
             !json_object_get(p, "data") && !json_object_get(p, "tweet_create_events");
    json_decref(p);
    return ok;
}

static void test_whatever_it_takes_jansson_takes(void **state)
{
    (void)state;
    static const char *const bases[] = {
        POST(""),
        POST(",\"conversation\":\"twitter:1\",\"in_reply_to\":\"twitter:4\",\"source\":\"s\""),
        POST(",\"x\":{\"y\":[1,2.5,-3e2,\"\\u00e9\\ud83d\\ude00\",null,true],\"z\":{}}"),
    };
    char buf[1024];
    int taken = 0, tried = 0;
    for (int round = 0; round < 60000; round++) {
        const char *base = bases[round % 3];
        size_t len = strlen(base);
        memcpy(buf, base, len + 1);
        int edits = 1 + (int)(next_rand() % 3);
        for (int e = 0; e < edits; e++) {
            size_t at = next_rand() % (len + 1);
            const char *piece = pieces[next_rand() % (sizeof pieces / sizeof pieces[0])];
            size_t pl = strlen(piece);
            size_t cut = next_rand() % 3 == 0 ? next_rand() % 4 : 0; /* replace bytes */
            if (at + cut > len) {
                cut = len - at;
            }
            if (len - cut + pl >= sizeof buf) {
                continue;
            }
            memmove(buf + at + pl, buf + at + cut, len - at - cut + 1);
            memcpy(buf + at, piece, pl);
            len = len - cut + pl;
        }
        ig_canon_t c;
        tried++;
        if (ig_canon_scan(buf, len, &c)) {
            taken++;
            if (!jansson_agrees(buf, len, &c)) {
                fail_msg("the fast path took what jansson reads otherwise: %s", buf);
            }
        }
    }
    /* the mutations must leave enough valid posts for this to mean anything */
    assert_true(taken > tried / 50);
    print_message("fast path took %d of %d mutated lines; jansson agreed on all\n", taken, tried);
}

static void test_dedup_check_add(void **state)
{
    (void)state;
    ig_seen_t *s = ig_seen_new(2, 1000);
    assert_non_null(s);
    assert_int_equal(ig_seen_check_add(s, "t:1", NULL, 0), 0);    /* new: remembered */
    assert_int_equal(ig_seen_check_add(s, "t:1", NULL, 500), 1);  /* within the window */
    assert_int_equal(ig_seen_check_add(s, "t:1", NULL, 999), 1);  /* age is from the first */
    assert_int_equal(ig_seen_check_add(s, "t:1", NULL, 1500), 0); /* too old: produced again */
    assert_int_equal(ig_seen_check_add(s, "t:1", NULL, 2400), 1); /* ...and its age restarted */
    assert_int_equal(ig_seen_check_add(s, "t:2", "c", 2400), 0);
    assert_int_equal(ig_seen_check_add(s, "t:3", NULL, 2400), 0); /* pushes out t:1 */
    assert_int_equal(ig_seen_check_add(s, "t:1", NULL, 2400), 0);
    assert_int_equal(ig_seen_get(s, "t:2", 2400, NULL), 0); /* pushed out by t:1 */
    assert_int_equal(ig_seen_get(s, "t:3", 2400, NULL), 1);
    ig_seen_free(s);
    ig_seen_t *off = ig_seen_new(0, 0);
    assert_int_equal(ig_seen_check_add(off, "t:1", NULL, 0), 0);
    assert_int_equal(ig_seen_check_add(off, "t:1", NULL, 0), 0);
    ig_seen_free(off);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_takes_a_canonical_post),
        cmocka_unit_test(test_leaves_the_rest_to_jansson),
        cmocka_unit_test(test_whatever_it_takes_jansson_takes),
        cmocka_unit_test(test_dedup_check_add),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
