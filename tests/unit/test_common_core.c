/* Unit tests for common/: time, posts, configuration, metrics, DLQ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "brands.h"
#include "config.h"
#include "dlq.h"
#include "sha256.h"
#include "emit.h"
#include "grow.h"
#include "memtune.h"
#include "metrics.h"
#include "post.h"
#include "timeutil.h"

/* The doubling, the first size, indexes past a doubling, and overflow
 * refused with the array left as it was. */
static void test_grow(void **state)
{
    int *v = NULL;
    size_t cap = 0;
    assert_int_equal(oc_grow(&v, &cap, 0, sizeof *v, 4), 0);
    assert_int_equal(cap, 4);
    for (int i = 0; i < 4; i++)
        v[i] = i;
    assert_int_equal(oc_grow(&v, &cap, 3, sizeof *v, 4), 0);
    assert_int_equal(cap, 4);
    assert_int_equal(oc_grow(&v, &cap, 4, sizeof *v, 4), 0);
    assert_int_equal(cap, 8);
    assert_int_equal(oc_grow(&v, &cap, 40, sizeof *v, 4), 0);
    assert_int_equal(cap, 64);
    for (int i = 0; i < 4; i++)
        assert_int_equal(v[i], i);
    int *kept = v;
    assert_int_equal(oc_grow(&v, &cap, SIZE_MAX / 2, sizeof *v, 4), -1);
    assert_int_equal(oc_grow(&v, &cap, SIZE_MAX - 1, 1, 4), -1);
    assert_ptr_equal(v, kept);
    assert_int_equal(cap, 64);
    free(v);
}

static void test_time_roundtrip(void **state)
{
    int64_t ms;
    char buf[OC_TIME_BUFSZ];
    assert_int_equal(oc_time_parse("2017-10-31T22:10:47Z", &ms), 0);
    assert_int_equal(ms, 1509487847000LL);
    assert_string_equal(oc_time_format(ms, buf, sizeof buf), "2017-10-31T22:10:47Z");
    assert_int_equal(oc_time_parse("2017-10-31T23:10:47.250+01:00", &ms), 0);
    assert_int_equal(ms, 1509487847250LL);
    assert_string_equal(oc_time_format(ms, buf, sizeof buf), "2017-10-31T22:10:47.250Z");
    assert_int_equal(oc_time_parse("2024-02-29T00:00:00Z", &ms), 0);
    assert_int_equal(oc_time_parse("1970-01-01T00:00:00Z", &ms), 0);
    assert_int_equal(ms, 0);
}

static void test_time_rejects(void **state)
{
    int64_t ms;
    const char *bad[] = {"",
                         "2017-10-31",
                         "2017-13-01T00:00:00Z",
                         "2023-02-29T00:00:00Z",
                         "2017-10-31T22:10:47",
                         "2017-10-31T22:10:47Zjunk",
                         "Tue Oct 31 22:10:47 +0000 2017",
                         "2017-10-31T25:00:00Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(oc_time_parse(bad[i], &ms), -1);
    }
}

static const char good_post[] =
    "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:1\",\"platform\":\"twitter\","
    "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"9\",\"followers\":3},"
    "\"text\":\"hello\",\"created_at\":\"2026-11-23T10:00:00Z\",\"extra\":{\"kept\":true}}";

static void test_post_valid_keeps_unknown(void **state)
{
    char err[256];
    json_t *p = oc_post_parse(good_post, strlen(good_post), err, sizeof err);
    assert_non_null(p);
    assert_string_equal(oc_post_conversation(p), "twitter:1"); /* falls back to id */
    assert_false(oc_post_is_outbound(p));
    char *s = oc_json_dumps(p);
    assert_non_null(strstr(s, "\"extra\":{\"kept\":true}"));
    free(s);
    json_decref(p);
}

/* Each mutation must fail and the reason must name the field. */
static void test_post_invalid_names_field(void **state)
{
    static const struct {
        const char *field, *json, *expect;
    } cases[] = {
        {"schema", "\"v0\"", "schema"},
        {"id", "null", "id"},
        {"direction", "\"sideways\"", "direction"},
        {"author", "\"x\"", "author"},
        {"text", "7", "text"},
        {"created_at", "\"yesterday\"", "created_at"},
        {"in_reply_to", "12", "in_reply_to"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *p = json_loads(good_post, 0, NULL);
        json_object_set_new(p, cases[i].field, json_loads(cases[i].json, JSON_DECODE_ANY, NULL));
        char err[256] = "";
        assert_int_equal(oc_post_validate(p, err, sizeof err), -1);
        assert_non_null(strstr(err, cases[i].expect));
        json_decref(p);
    }
    char err[256];
    assert_null(oc_post_parse("{\"a\":1,\"a\":2}", 13, err, sizeof err));
    assert_non_null(strstr(err, "duplicate"));
    assert_null(oc_post_parse("{oops", 5, err, sizeof err));
    assert_non_null(strstr(err, "line 1"));
}

static void test_post_limits(void **state)
{
    json_t *p = json_loads(good_post, 0, NULL);
    char *big = malloc(OC_POST_MAX_TEXT + 2);
    memset(big, 'a', OC_POST_MAX_TEXT + 1);
    big[OC_POST_MAX_TEXT + 1] = '\0';
    json_object_set_new(p, "text", json_string(big));
    char err[256];
    assert_int_equal(oc_post_validate(p, err, sizeof err), -1);
    assert_non_null(strstr(err, "limit"));
    big[OC_POST_MAX_TEXT] = '\0';
    json_object_set_new(p, "text", json_string(big));
    assert_int_equal(oc_post_validate(p, err, sizeof err), 0);
    json_decref(p);
    free(big);
}

static void test_config_flags_and_env(void **state)
{
    setenv("OUTCRY_BROKERS", "envhost:1", 1);
    setenv("OUTCRY_KAFKA_SECURITY_PROTOCOL", "plaintext", 1);
    oc_config_t cfg;
    assert_int_equal(oc_config_init(&cfg, "test"), 0);
    assert_string_equal(cfg.brokers, "envhost:1");
    assert_string_equal(cfg.group, "outcry-test");
    char *argv[] = {(char *)"x",           (char *)"-b",         (char *)"flaghost:2", (char *)"-X",
                    (char *)"linger.ms=7", (char *)"--group=g1", (char *)"--other"};
    int argc = 7, i = 1;
    assert_int_equal(oc_config_flag(&cfg, argc, argv, &i), 1);
    assert_int_equal(i, 2);
    i = 3;
    assert_int_equal(oc_config_flag(&cfg, argc, argv, &i), 1);
    i = 5;
    assert_int_equal(oc_config_flag(&cfg, argc, argv, &i), 1);
    i = 6;
    assert_int_equal(oc_config_flag(&cfg, argc, argv, &i), 0);
    assert_string_equal(cfg.brokers, "flaghost:2");
    assert_string_equal(cfg.group, "g1");
    int found = 0;
    for (int k = 0; k < cfg.nprops; k++) {
        if (strcmp(cfg.props[k].key, "security.protocol") == 0) {
            found++;
        }
        if (strcmp(cfg.props[k].key, "linger.ms") == 0) {
            assert_string_equal(cfg.props[k].value, "7");
            found++;
        }
    }
    assert_int_equal(found, 2);
    /* topic.* reaches the default topic config, except a global property
     * whose name starts with "topic." */
    assert_int_equal(oc_config_set_prop(&cfg, "topic.request.required.acks", "1"), 0);
    assert_int_equal(oc_config_set_prop(&cfg, "topic.metadata.refresh.interval.ms", "1234"), 0);
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    assert_int_equal(oc_config_apply_kafka(&cfg, conf), 0);
    char val[64];
    size_t vlen = sizeof val;
    assert_int_equal(rd_kafka_conf_get(conf, "topic.metadata.refresh.interval.ms", val, &vlen),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(val, "1234");
    const rd_kafka_topic_conf_t *tconf = rd_kafka_conf_get_default_topic_conf(conf);
    assert_non_null(tconf);
    vlen = sizeof val;
    assert_int_equal(rd_kafka_topic_conf_get(tconf, "request.required.acks", val, &vlen),
                     RD_KAFKA_CONF_OK);
    assert_string_equal(val, "1");
    rd_kafka_conf_destroy(conf);
    /* a property librdkafka does not know is refused with its name */
    assert_int_equal(oc_config_set_prop(&cfg, "no.such.property", "1"), 0);
    conf = rd_kafka_conf_new();
    assert_int_equal(oc_config_apply_kafka(&cfg, conf), -1);
    assert_non_null(strstr(cfg.err, "no.such.property"));
    rd_kafka_conf_destroy(conf);
    char *bad[] = {(char *)"x", (char *)"-X", (char *)"novalue"};
    i = 1;
    assert_int_equal(oc_config_flag(&cfg, 3, bad, &i), -1);
    char topic[64];
    assert_string_equal(oc_topic_name(&cfg, "posts", topic, sizeof topic), "outcry.posts");
    oc_config_free(&cfg);
    unsetenv("OUTCRY_BROKERS");
    unsetenv("OUTCRY_KAFKA_SECURITY_PROTOCOL");
}

static void test_metrics_render(void **state)
{
    oc_metric_t *a = oc_counter("t_total", "a test counter", "k=\"1\"");
    oc_metric_t *b = oc_counter("t_total", "a test counter", "k=\"2\"");
    assert_ptr_equal(a, oc_counter("t_total", "ignored", "k=\"1\""));
    oc_metric_add(a, 3);
    oc_metric_add(b, 1);
    char *s = oc_metrics_render();
    assert_non_null(strstr(s, "# TYPE t_total counter\n"));
    assert_non_null(strstr(s, "t_total{k=\"1\"} 3\n"));
    assert_non_null(strstr(s, "t_total{k=\"2\"} 1\n"));
    free(s);
}

static void test_dlq_entry(void **state)
{
    oc_dlq_origin_t o = {.source = "kafka",
                         .topic = "outcry.posts",
                         .partition = 2,
                         .offset = 41,
                         .key = "twitter:1"};
    json_t *e = oc_dlq_entry("classify", "invalid_json", "bad", &o, "a\0b", 3);
    assert_non_null(e);
    assert_string_equal(json_string_value(json_object_get(e, "payload_b64")), "YQBi");
    assert_int_equal(json_integer_value(json_object_get(e, "offset")), 41);
    assert_string_equal(json_string_value(json_object_get(e, "schema")), OC_DLQ_SCHEMA);
    json_decref(e);
    char *s = oc_metrics_render();
    assert_non_null(strstr(s, "outcry_dlq_total{stage=\"classify\",code=\"invalid_json\"} 1"));
    free(s);
}

static void test_brands_spec(void **state)
{
    oc_brands_t b;
    char err[256];
    assert_int_equal(oc_brands_parse(&b, " acme: @AcmeHelp, acme_support ;# c\nglobex:GlobexCares",
                                     err, sizeof err),
                     0);
    assert_int_equal(b.n, 3);
    assert_string_equal(oc_brands_brand_of(&b, "@acmehelp", 9), "acme");
    assert_string_equal(oc_brands_brand_of(&b, "GLOBEXCARES", 11), "globex");
    assert_null(oc_brands_brand_of(&b, "acme", 4));
    assert_int_equal(oc_brands_is_account(&b, "acme", "123", "Acme_Support"), 1);
    assert_int_equal(oc_brands_is_account(&b, "globex", "123", "acme_support"), 0);
    oc_brands_free(&b);
    assert_int_equal(oc_brands_parse(&b, "nocolon", err, sizeof err), -1);
    assert_non_null(strstr(err, "nocolon"));
    assert_int_equal(oc_brands_parse(&b, "acme:", err, sizeof err), -1);
    assert_int_equal(oc_brands_parse(&b, "./does/not/exist", err, sizeof err), -1);
    assert_non_null(strstr(err, "does/not/exist"));
    assert_int_equal(oc_brands_parse(&b, NULL, err, sizeof err), 0);
    assert_int_equal(b.n, 0);
}

/* A held input counts as an output in flight until released; nothing is
 * held where nothing is committed (stdio, ticks). */
static void test_emit_hold(void **state)
{
    oc_stage_t stage = {.name = "t", .input = "in", .primary = "out"};
    oc_producer_t producer;
    memset(&producer, 0, sizeof producer);
    oc_ticket_t ticket = {0};
    oc_msg_t msg = {.topic = "in", .payload = "{}", .len = 2};
    oc_emit_t stdio = {.stage = &stage, .in = &msg, .out = stdout};
    assert_null(oc_emit_hold(&stdio));
    oc_emit_t tick = {.stage = &stage, .producer = &producer, .ticket = &ticket};
    assert_null(oc_emit_hold(&tick));
    oc_emit_t kafka = {.stage = &stage, .in = &msg, .producer = &producer, .ticket = &ticket};
    oc_ticket_t *h1 = oc_emit_hold(&kafka);
    oc_ticket_t *h2 = oc_emit_hold(&kafka);
    assert_ptr_equal(h1, &ticket);
    assert_int_equal(ticket.pending, 2);
    oc_hold_release(h1);
    oc_hold_release(h2);
    assert_int_equal(ticket.pending, 0);
}

/* Two arrays grown together keep one capacity and their contents. */
static void test_grow2(void **state)
{
    (void)state;
    int *a = NULL;
    double *b = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 100; i++) {
        assert_int_equal(oc_grow2(&a, sizeof *a, &b, sizeof *b, &cap, i, 4), 0);
        assert_true(cap > i);
        a[i] = (int)i;
        b[i] = (double)i / 2;
    }
    assert_int_equal(cap, 128);
    for (size_t i = 0; i < 100; i++) {
        assert_int_equal(a[i], (int)i);
        assert_true(b[i] == (double)i / 2);
    }
    size_t was = cap;
    assert_int_equal(oc_grow2(&a, SIZE_MAX / 2, &b, sizeof *b, &cap, cap, 4), -1);
    assert_int_equal(cap, was);
    free(a);
    free(b);
}

/* The operator's GLIBC_TUNABLES for malloc win over ours; otherwise ours
 * are set (mallopt accepts them: -1 would mean they are out of range). */
static void test_malloc_tune(void **state)
{
    (void)state;
    const char *was = getenv("GLIBC_TUNABLES");
    char *saved = was != NULL ? strdup(was) : NULL;
    assert_int_equal(setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1048576", 1), 0);
    assert_int_equal(oc_malloc_tune(), 1);
#ifdef __SANITIZE_ADDRESS__
    const int set = 1; /* left to the sanitizer's allocator */
#else
    const int set = 0;
#endif
    assert_int_equal(setenv("GLIBC_TUNABLES", "glibc.rtld.nns=2", 1), 0);
    assert_int_equal(oc_malloc_tune(), set);
    assert_int_equal(unsetenv("GLIBC_TUNABLES"), 0);
    assert_int_equal(oc_malloc_tune(), set);
    if (saved != NULL)
        assert_int_equal(setenv("GLIBC_TUNABLES", saved, 1), 0);
    free(saved);
}

static void test_sha256(void **state)
{
    (void)state;
    uint8_t d[32];
    char hex[65];
    assert_int_equal(oc_sha256("abc", 3, d), 0);
    oc_sha256_hex(d, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(oc_sha256("", 0, d), 0);
    oc_sha256_hex(d, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    /* streaming in odd pieces gives the one-shot digest (2 blocks + tail) */
    char msg[200];
    for (size_t i = 0; i < sizeof msg; i++) {
        msg[i] = (char)('a' + i % 26);
    }
    uint8_t one[32], parts[32];
    assert_int_equal(oc_sha256(msg, sizeof msg, one), 0);
    oc_sha256_t s;
    assert_int_equal(oc_sha256_init(&s), 0);
    oc_sha256_update(&s, msg, 7);
    oc_sha256_update(&s, msg + 7, 100);
    oc_sha256_update(&s, msg + 107, 93);
    assert_int_equal(oc_sha256_final(&s, parts), 0);
    assert_memory_equal(one, parts, 32);
}

/* The reference oc_time_format had: gmtime_r and snprintf. */
static void ref_time(int64_t ms, char *buf, size_t size)
{
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int frac = (int)(ms - secs * 1000);
    time_t t = (time_t)secs;
    struct tm tm;
    assert_non_null(gmtime_r(&t, &tm));
    if (frac)
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    else
        snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* oc_time_format writes years 0..9999 by hand: the same text as gmtime_r
 * and snprintf, over boundaries and 200,000 pseudo-random instants. */
static void test_time_format(void **state)
{
    (void)state;
    static const int64_t edge[] = {0,
                                   1,
                                   -1,
                                   999,
                                   -999,
                                   1000,
                                   -1000,
                                   86399999,
                                   86400000,
                                   -86400000,
                                   -86400001,
                                   951782400000 /* 2000-02-29 */,
                                   4107542399999 /* 2100-02-28T23:59:59.999 */,
                                   -62167219200000 /* 0000-01-01 */,
                                   253402300799999,
                                   1704103200250,
                                   1704103230000};
    char got[64], want[64];
    for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
        ref_time(edge[i], want, sizeof(want));
        assert_string_equal(oc_time_format(edge[i], got, sizeof(got)), want);
    }
    uint64_t x = 88172645463325252ULL; /* xorshift64 */
    const int64_t lo = -62167219200000, span = 253402300799999 - lo + 1;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t ms = lo + (int64_t)(x % (uint64_t)span);
        if (i % 2)
            ms -= ms % 1000; /* whole seconds: no fraction written */
        ref_time(ms, want, sizeof(want));
        assert_string_equal(oc_time_format(ms, got, sizeof(got)), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_emit_hold),
        cmocka_unit_test(test_time_roundtrip),
        cmocka_unit_test(test_time_rejects),
        cmocka_unit_test(test_post_valid_keeps_unknown),
        cmocka_unit_test(test_post_invalid_names_field),
        cmocka_unit_test(test_post_limits),
        cmocka_unit_test(test_config_flags_and_env),
        cmocka_unit_test(test_metrics_render),
        cmocka_unit_test(test_dlq_entry),
        cmocka_unit_test(test_brands_spec),
        cmocka_unit_test(test_grow),
        cmocka_unit_test(test_grow2),
        cmocka_unit_test(test_malloc_tune),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_time_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
