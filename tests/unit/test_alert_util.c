/* test_alert_util.c -- Redis URLs, the timer heap, the clock map, watch lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/clockmap.h"
#include "alert/heap.h"
#include "alert/redisurl.h"
#include "alert/sla.h"
#include "alert/watch.h"

static void parse_ok(const char *url, al_redis_url_t *u)
{
    char err[256] = "";
    if (al_redis_url_parse(url, u, err, sizeof(err)) != 0)
        fail_msg("'%s' rejected: %s", url, err);
}

static void test_url_full(void **state)
{
    al_redis_url_t u;
    parse_ok("redis://alice:s3cret@redis.example.com:6380/2", &u);
    assert_string_equal(u.host, "redis.example.com");
    assert_int_equal(u.port, 6380);
    assert_string_equal(u.user, "alice");
    assert_string_equal(u.password, "s3cret");
    assert_int_equal(u.db, 2);
}

static void test_url_defaults(void **state)
{
    al_redis_url_t u;
    parse_ok("redis://localhost", &u);
    assert_string_equal(u.host, "localhost");
    assert_int_equal(u.port, 6379);
    assert_int_equal(u.db, 0);
    assert_string_equal(u.user, "");
    assert_string_equal(u.password, "");
    parse_ok("redis://127.0.0.1:6379/", &u);
    assert_string_equal(u.host, "127.0.0.1");
    assert_int_equal(u.db, 0);
    parse_ok("redis://127.0.0.1:7000/0", &u);
    assert_int_equal(u.port, 7000);
}

static void test_url_password_only(void **state)
{
    al_redis_url_t u;
    parse_ok("redis://:pw@h:1/3", &u);
    assert_string_equal(u.user, "");
    assert_string_equal(u.password, "pw");
    assert_int_equal(u.db, 3);
    parse_ok("redis://justpw@h", &u);
    assert_string_equal(u.password, "justpw");
    /* percent-encoding, and ':' / '@' inside the password */
    parse_ok("redis://bob:p%40ss%3Aword@h:2", &u);
    assert_string_equal(u.user, "bob");
    assert_string_equal(u.password, "p@ss:word");
    parse_ok("redis://bob:a:b@h", &u);
    assert_string_equal(u.password, "a:b");
}

static void test_url_ipv6(void **state)
{
    al_redis_url_t u;
    parse_ok("redis://[::1]:6390/1", &u);
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 6390);
    assert_int_equal(u.db, 1);
}

static void test_url_bad(void **state)
{
    static const char *const bad[] = {
        "",
        "http://h:1/0",
        "rediss://h:1/0",
        "redis://",
        "redis://:pw@",
        "redis://h:0",
        "redis://h:65536",
        "redis://h:12ab",
        "redis://h:1/x",
        "redis://h:1/-1",
        "redis://[::1",
        "redis://u:p%4@h",
        "redis://h:1/0?timeout=1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        al_redis_url_t u;
        char err[256] = "";
        if (al_redis_url_parse(bad[i], &u, err, sizeof(err)) == 0)
            fail_msg("'%s' accepted", bad[i]);
        assert_true(strlen(err) > 0);
    }
    al_redis_url_t u;
    char err[256];
    assert_int_equal(al_redis_url_parse(NULL, &u, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "OUTCRY_REDIS_URL"));
}

static void test_heap_order(void **state)
{
    al_heap_t h = {0};
    srand(7);
    for (int i = 0; i < 2000; i++) {
        al_heap_entry_t e = {
            .due = rand() % 500, .seq = (uint64_t)(rand() % 5), .kind = rand() % 4};
        assert_int_equal(al_heap_push(&h, &e), 0);
    }
    al_heap_entry_t prev, cur;
    assert_int_equal(al_heap_pop(&h, &prev), 0);
    size_t n = 1;
    while (al_heap_pop(&h, &cur) == 0) {
        int ordered = prev.due < cur.due ||
                      (prev.due == cur.due &&
                       (prev.seq < cur.seq || (prev.seq == cur.seq && prev.kind <= cur.kind)));
        assert_true(ordered);
        prev = cur;
        n++;
    }
    assert_int_equal(n, 2000);
    assert_null(al_heap_peek(&h));
    al_heap_free(&h);
}

static int keep_even(const al_heap_entry_t *e)
{
    return e->due % 2 == 0;
}

static void test_heap_filter(void **state)
{
    al_heap_t h = {0};
    for (int i = 999; i >= 0; i--) {
        al_heap_entry_t e = {.due = i};
        assert_int_equal(al_heap_push(&h, &e), 0);
    }
    al_heap_filter(&h, keep_even, NULL, NULL);
    assert_int_equal(h.len, 500);
    al_heap_entry_t e;
    for (int i = 0; i < 1000; i += 2) {
        assert_int_equal(al_heap_pop(&h, &e), 0);
        assert_int_equal(e.due, i);
    }
    al_heap_free(&h);
}

/* Inserts and deletes many keys, checking against a plain array. */
static void test_clockmap(void **state)
{
    enum { N = 3000 };
    al_clock_t *clocks = calloc(N, sizeof(*clocks));
    char(*keys)[16] = calloc(N, sizeof(*keys));
    int *in = calloc(N, sizeof(*in));
    assert_non_null(clocks);
    al_clockmap_t m = {0};
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof(keys[i]), "t:%d", i);
        clocks[i].case_id = keys[i];
    }
    srand(11);
    for (int round = 0; round < 30000; round++) {
        int i = rand() % N;
        if (in[i]) {
            assert_ptr_equal(al_map_del(&m, keys[i]), &clocks[i]);
            in[i] = 0;
        } else {
            assert_null(al_map_get(&m, keys[i]));
            assert_int_equal(al_map_put(&m, &clocks[i]), 0);
            in[i] = 1;
        }
        if (round % 1000 == 0) {
            size_t count = 0;
            for (int j = 0; j < N; j++) {
                if (in[j]) {
                    assert_ptr_equal(al_map_get(&m, keys[j]), &clocks[j]);
                    count++;
                } else {
                    assert_null(al_map_get(&m, keys[j]));
                }
            }
            assert_int_equal(m.len, count);
        }
    }
    assert_null(al_map_del(&m, "absent"));
    al_map_free(&m);
    free(clocks);
    free(keys);
    free(in);
}

static void test_watch_format(void **state)
{
    json_t *a = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:i,s:{s:s,s:{s:s,s:s},s:s}}", "type",
                          "sla.breach", "case", "twitter:123", "team", "care", "priority", "p2",
                          "at", "2024-01-01T14:03:22Z", "opened_at", "2024-01-01T14:02:41Z",
                          "elapsed_s", 41, "target_s", 30, "post", "id", "twitter:124", "author",
                          "id", "9", "handle", "jdoe", "text", "my order\nnever   \"arrived\"");
    char line[512];
    al_watch_format(a, line, sizeof(line));
    assert_string_equal(line, "14:03:22  BREACH      care/p2       twitter:123  @jdoe waited 41s "
                              "(target 30s): \"my order never 'arrived'\"");
    json_object_set_new(a, "type", json_string("case.critical"));
    json_object_set_new(
        json_object_get(a, "post"), "text",
        json_string("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                    "\xc3\xa9\xc3\xa9 0123456789012345678901234567890123456789"
                    "0123456789 tail"));
    al_watch_format(a, line, sizeof(line));
    assert_non_null(strstr(line, "CRITICAL"));
    assert_non_null(strstr(line, "critical complaint"));
    /* 60 characters (the accented ones count once), then "..." */
    assert_non_null(strstr(line, ": \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
                                 "\xc3\xa9\xc3\xa9\xc3\xa9 0123456789012345678901234567890123456789"
                                 "012345678...\""));
    assert_null(strstr(line, "tail"));
    json_object_set_new(a, "type", json_string("sla.escalation"));
    json_object_set_new(a, "elapsed_s", json_integer(7320));
    json_object_set_new(a, "target_s", json_integer(3600));
    al_watch_format(a, line, sizeof(line));
    assert_non_null(strstr(line, "waited 2h02m (target 1h00m)"));
    /* A tiny buffer still ends in a NUL. */
    char small[10];
    al_watch_format(a, small, sizeof(small));
    assert_int_equal(strlen(small), 9);
    json_decref(a);
}

/* al_decimal writes what "%lld" writes, at the edges and in between. */
static void test_decimal(void **state)
{
    (void)state;
    static const long long edge[] = {0,
                                     1,
                                     -1,
                                     9,
                                     10,
                                     -10,
                                     99,
                                     100,
                                     1704103200250LL,
                                     -1704103200250LL,
                                     9223372036854775807LL,
                                     -9223372036854775807LL - 1};
    char got[AL_DECIMAL_MAX], want[AL_DECIMAL_MAX];
    for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        snprintf(want, sizeof(want), "%lld", edge[i]);
        assert_int_equal(al_decimal(edge[i], got), strlen(want));
        assert_string_equal(got, want);
    }
    unsigned long long x = 2463534242ULL;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        long long v = (long long)(x >> (i % 60)) * (i % 2 ? -1 : 1);
        snprintf(want, sizeof(want), "%lld", v);
        assert_int_equal(al_decimal(v, got), strlen(want));
        assert_string_equal(got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_full),          cmocka_unit_test(test_url_defaults),
        cmocka_unit_test(test_url_password_only), cmocka_unit_test(test_url_ipv6),
        cmocka_unit_test(test_url_bad),           cmocka_unit_test(test_heap_order),
        cmocka_unit_test(test_heap_filter),       cmocka_unit_test(test_clockmap),
        cmocka_unit_test(test_watch_format),      cmocka_unit_test(test_decimal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
