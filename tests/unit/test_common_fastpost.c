/* Unit tests for common/fastpost.c: the cJSON post codec must accept and
 * refuse what jansson's oc_post_parse() does, and splice outputs exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fastpost.h"
#include "post.h"

#define POST_HEAD                                                                                  \
    "{\"schema\":\"outcry.post/v1\",\"id\":\"twitter:1\",\"platform\":\"twitter\","                \
    "\"direction\":\"inbound\",\"brand\":\"acme\",\"author\":{\"id\":\"9\",\"followers\":12,"      \
    "\"verified\":false},\"created_at\":\"2026-11-23T10:00:00Z\""

static const char *const good_post = POST_HEAD ",\"text\":\"my bill is wrong \\u00e9\"}";

static int fp(const char *s, const char **code, char *err, size_t errlen)
{
    oc_fpost_t p;
    int rc = oc_fp_parse(&p, s, strlen(s), code, err, errlen);
    if (rc == 0) {
        assert_non_null(p.root);
        oc_fp_free(&p);
    } else {
        assert_null(p.root);
    }
    return rc;
}

static void test_fields(void **state)
{
    oc_fpost_t p;
    const char *code = NULL;
    char err[256];
    const char *s =
        POST_HEAD ",\"text\":\"caf\\u00e9 \\\"ok\\\"\",\"conversation\":\"twitter:0\"}  \n";
    assert_int_equal(oc_fp_parse(&p, s, strlen(s), &code, err, sizeof err), 0);
    assert_string_equal(p.id, "twitter:1");
    assert_string_equal(p.text, "caf\xc3\xa9 \"ok\"");
    assert_int_equal(p.text_len, strlen("caf\xc3\xa9 \"ok\""));
    assert_int_equal(p.outbound, 0);
    assert_string_equal(oc_fp_conversation(&p), "twitter:0");
    assert_int_equal(p.bytes[p.len - 1], '}'); /* trailing white space is not part of it */
    oc_fp_free(&p);
    oc_fp_free(&p); /* idempotent */
}

static void test_splice(void **state)
{
    oc_fpost_t p;
    oc_buf_t out = {0};
    const char *code = NULL;
    char err[256];
    /* integers beyond a double's precision and escapes reach the output as
     * they came */
    const char *s = " " POST_HEAD ",\"text\":\"a\\/b\",\"raw\":9007199254740993}";
    assert_int_equal(oc_fp_parse(&p, s, strlen(s), &code, err, sizeof err), 0);
    const char *m = "{\"complaint\":true}";
    assert_int_equal(oc_fp_with(&p, "classification", m, strlen(m), &out), 0);
    assert_string_equal(out.data, POST_HEAD ",\"text\":\"a\\/b\",\"raw\":9007199254740993,"
                                            "\"classification\":{\"complaint\":true}}");
    oc_fp_free(&p);

    /* a member that is there already is replaced, not repeated */
    const char *again = POST_HEAD ",\"text\":\"x\",\"classification\":{\"complaint\":false}}";
    assert_int_equal(oc_fp_parse(&p, again, strlen(again), &code, err, sizeof err), 0);
    assert_int_equal(oc_fp_with(&p, "classification", m, strlen(m), &out), 0);
    json_t *j = json_loads(out.data, JSON_REJECT_DUPLICATES, NULL);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(json_object_get(j, "classification"), "complaint")));
    json_decref(j);
    oc_fp_free(&p);
    oc_buf_free(&out);
    oc_buf_free(&out);
}

static void test_refusals(void **state)
{
    const char *code;
    char err[256];
    struct {
        const char *in;
        const char *code;
        const char *reason; /* a part of it */
    } cases[] = {
        {"{\"a\":", "invalid_json", "line 1 column"},
        {"not json", "invalid_json", "invalid JSON"},
        {POST_HEAD ",\"text\":\"x\"} junk", "invalid_json", "invalid JSON"},
        {POST_HEAD ",\"text\":\"bad \xff byte\"}", "invalid_json", "not UTF-8"},
        {POST_HEAD ",\"text\":\"surrogate \xed\xa0\x80\"}", "invalid_json", "not UTF-8"},
        {POST_HEAD ",\"text\":\"raw\nnewline\"}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\",\"text\":\"y\"}", "invalid_json",
         "duplicate object key 'text'"},
        {POST_HEAD ",\"text\":\"x\",\"raw\":{\"k\":1,\"k\":2}}", "invalid_json", "duplicate"},
        {POST_HEAD ",\"text\":\"nul \\u0000 here\"}", "invalid_post", "NUL"},
        {POST_HEAD ",\"source\":\"\\u0000\",\"text\":\"x\"}", "invalid_post", "NUL"},
        {POST_HEAD ",\"text\":\"x\\ud8zz\"}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\\q\"}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\\u12\"}", "invalid_json", "line 1"},
        {POST_HEAD "}", "invalid_post", "missing required field 'text'"},
        {POST_HEAD ",\"text\":5}", "invalid_post", "field 'text' must be a string"},
        {"[1,2]", "invalid_post", "must be a JSON object"},
        /* numbers cJSON reads and jansson refuses */
        {POST_HEAD ",\"text\":\"x\",\"raw\":01}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\",\"raw\":[1, -01]}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\",\"raw\":1.}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\",\"raw\":1.e5}", "invalid_json", "line 1"},
        {POST_HEAD ",\"text\":\"x\",\"raw\":2E}", "invalid_json", "line 1"},
        {"{\"schema\":\"outcry.post/v1\",\"id\":\"t:1\",\"platform\":\"t\",\"direction\":"
         "\"inbound\",\"brand\":\"b\",\"author\":{\"id\":\"1\",\"followers\":150.0},"
         "\"created_at\":\"2026-11-23T10:00:00Z\",\"text\":\"x\"}",
         "invalid_post", "author.followers"},
        {POST_HEAD ",\"text\":\"x\",\"raw\":123456789012345678901234}", "invalid_json", "integer"},
        {"{\"schema\":\"outcry.post/v2\"}", "invalid_post", "field 'schema'"},
    };
    oc_fp_strict_numbers(1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        code = NULL;
        err[0] = '\0';
        if (fp(cases[i].in, &code, err, sizeof err) != -1) {
            fail_msg("case %zu accepted: %s", i, cases[i].in);
        }
        assert_string_equal(code, cases[i].code);
        if (!strstr(err, cases[i].reason)) {
            fail_msg("case %zu: reason '%s' lacks '%s'", i, err, cases[i].reason);
        }
    }
    /* the stages behind ingest do not look for lax numbers */
    oc_fp_strict_numbers(0);
    assert_int_equal(fp(POST_HEAD ",\"text\":\"x\",\"raw\":01}", &code, err, sizeof err), 0);
    oc_fp_strict_numbers(1);
    /* what only looks like a lax number is asked of jansson, which takes it */
    assert_int_equal(fp(POST_HEAD ",\"text\":\"I paid $50. Call 01234 at 3.\",\"raw\":[0,1.5,2e3]}",
                        &code, err, sizeof err),
                     0);
    /* an escaped backslash before u0000 is text, not NUL */
    assert_int_equal(fp(POST_HEAD ",\"text\":\"C:\\\\u0000\"}", &code, err, sizeof err), 0);
    char *big = malloc(OC_POST_MAX_MESSAGE + 2);
    assert_non_null(big);
    memset(big, ' ', OC_POST_MAX_MESSAGE + 1);
    big[OC_POST_MAX_MESSAGE + 1] = '\0';
    assert_int_equal(fp(big, &code, err, sizeof err), -1);
    assert_string_equal(code, "too_large");
    free(big);
}

/* Trees share a per-thread arena one at a time: two live at once, freed in
 * any order, and a tree bigger than the arena, all read back intact. */
static void test_arena(void **state)
{
    oc_fpost_t a, b, c, big;
    const char *code;
    char err[256];
    const char *sa = POST_HEAD ",\"text\":\"first\"}";
    const char *sb = POST_HEAD ",\"text\":\"second\"}";
    assert_int_equal(oc_fp_parse(&a, sa, strlen(sa), &code, err, sizeof err), 0);
    assert_int_equal(oc_fp_parse(&b, sb, strlen(sb), &code, err, sizeof err), 0);
    oc_fp_free(&a);
    assert_int_equal(oc_fp_parse(&c, sa, strlen(sa), &code, err, sizeof err), 0);
    assert_string_equal(b.text, "second");
    assert_string_equal(c.text, "first");
    oc_fp_free(&b);
    assert_string_equal(c.text, "first");
    /* ~6,000 values: more nodes than the arena holds, the rest from malloc */
    char *s = malloc(OC_POST_MAX_MESSAGE);
    assert_non_null(s);
    size_t o =
        (size_t)snprintf(s, OC_POST_MAX_MESSAGE, "%s,\"text\":\"big\",\"raw\":[0", POST_HEAD);
    int values = 1;
    while (o < 20000) {
        memcpy(s + o, ",1", 2);
        o += 2;
        values++;
    }
    memcpy(s + o, "]}", 3);
    o += 2;
    assert_int_equal(oc_fp_parse(&big, s, o, &code, err, sizeof err), 0);
    assert_int_equal(cJSON_GetArraySize(oc_fp_get(big.root, "raw")), values);
    assert_string_equal(big.text, "big");
    assert_string_equal(c.text, "first");
    oc_fp_free(&c);
    oc_fp_free(&big);
    free(s);
}

/* Whatever the variant, the fast codec and jansson's parse agree on accept
 * or refuse, and on the reason when validation refuses. */
static void test_agrees_with_jansson(void **state)
{
    const char *variants[] = {
        good_post,
        POST_HEAD ",\"text\":\"\"}",
        POST_HEAD ",\"text\":null}",
        POST_HEAD ",\"text\":\"x\",\"lang\":7}",
        POST_HEAD ",\"text\":\"x\",\"lang\":null}",
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"t:1\",\"platform\":\"t\",\"direction\":\"sideways\","
        "\"brand\":\"b\",\"author\":{\"id\":\"1\"},\"created_at\":\"2026-11-23T10:00:00Z\","
        "\"text\":\"x\"}",
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"t:1\",\"platform\":\"t\",\"direction\":\"inbound\","
        "\"brand\":\"b\",\"author\":{\"id\":\"1\",\"followers\":-3},"
        "\"created_at\":\"2026-11-23T10:00:00Z\",\"text\":\"x\"}",
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"t:1\",\"platform\":\"t\",\"direction\":\"inbound\","
        "\"brand\":\"b\",\"author\":{\"id\":\"1\",\"verified\":\"yes\"},"
        "\"created_at\":\"2026-11-23T10:00:00Z\",\"text\":\"x\"}",
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"t:1\",\"platform\":\"t\",\"direction\":\"inbound\","
        "\"brand\":\"b\",\"author\":\"me\",\"created_at\":\"2026-11-23T10:00:00Z\",\"text\":\"x\"}",
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"t:1\",\"platform\":\"t\",\"direction\":\"inbound\","
        "\"brand\":\"b\",\"author\":{\"id\":\"1\"},\"created_at\":\"yesterday\",\"text\":\"x\"}",
        "{\"schema\":\"outcry.post/v1\",\"id\":\"\",\"platform\":\"t\",\"direction\":\"inbound\","
        "\"brand\":\"b\",\"author\":{\"id\":\"1\"},\"created_at\":\"2026-11-23T10:00:00Z\","
        "\"text\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
        char e1[256] = "", e2[256] = "";
        const char *code;
        json_t *j = oc_post_parse(variants[i], strlen(variants[i]), e1, sizeof e1);
        int rc = fp(variants[i], &code, e2, sizeof e2);
        if ((j != NULL) != (rc == 0)) {
            fail_msg("variant %zu: jansson %s, cJSON %s (%s / %s)", i, j ? "accepts" : "refuses",
                     rc == 0 ? "accepts" : "refuses", e1, e2);
        }
        if (!j) {
            assert_string_equal(e1, e2);
        }
        json_decref(j);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),   cmocka_unit_test(test_splice),
        cmocka_unit_test(test_refusals), cmocka_unit_test(test_agrees_with_jansson),
        cmocka_unit_test(test_arena),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
