/* test_ingest_text.c -- entities, UTF-8 validation, NFC, Twitter timestamps,
^ * mentions (ingest/text.c; UTF-8 validation is common/utf8.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/text.h"
#include "utf8.h"

/* Runs the whole cleaning and returns the text (caller frees), or NULL with
 * the code in *code. */
static char *clean(const char *s, size_t len, const char **code)
{
    char err[256];
    size_t outlen = 0;
    *code = NULL;
    char *out = ig_text_clean(s, len, &outlen, code, err, sizeof err);
    if (out) {
        assert_int_equal(strlen(out), outlen);
    }
    return out;
}

static void decoded_is(const char *in, const char *want)
{
    size_t n = 0;
    char *out = ig_html_decode(in, strlen(in), &n);
    assert_non_null(out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    free(out);
}

static void test_entities(void **state)
{
    decoded_is("AT&amp;T", "AT&T");
    decoded_is("&lt;b&gt; &quot;hi&quot; it&#39;s &apos;x&apos;", "<b> \"hi\" it's 'x'");
    decoded_is("&#233;t&#xE9; &#X1F600;", "\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80");
    /* one pass only */
    decoded_is("&amp;lt;", "&lt;");
    /* not entities, or not ones we decode: kept as written */
    decoded_is("fish & chips &nbsp; &amp &#; &#x; &#0; &#xD800; &#x110000; &",
               "fish & chips &nbsp; &amp &#; &#x; &#0; &#xD800; &#x110000; &");
    decoded_is("", "");
}

static void test_utf8_valid(void **state)
{
    size_t bad = 99;
    assert_int_equal(oc_utf8_valid("plain", 5, &bad), 0);
    const char emoji[] = "ok \xF0\x9F\x93\xA6 \xC3\xA9 \xE2\x82\xAC";
    assert_int_equal(oc_utf8_valid(emoji, strlen(emoji), &bad), 0);
    assert_int_equal(oc_utf8_valid("ab\xFF", 3, &bad), -1);
    assert_int_equal(bad, 2);
    assert_int_equal(oc_utf8_valid("\xC0\xAF", 2, &bad), -1);         /* overlong '/' */
    assert_int_equal(oc_utf8_valid("\xED\xA0\x80", 3, &bad), -1);     /* surrogate */
    assert_int_equal(oc_utf8_valid("\xF4\x90\x80\x80", 4, &bad), -1); /* > U+10FFFF */
    assert_int_equal(oc_utf8_valid("x\xE2\x82", 3, &bad), -1);        /* truncated */
    assert_int_equal(bad, 1);
    assert_int_equal(oc_utf8_valid("\x80", 1, &bad), -1); /* lone continuation */
}

static void test_scrub(void **state)
{
    char s[] = "a\xFF"
               "b\xE2\x82";
    ig_utf8_scrub(s);
    assert_string_equal(s, "a?b??");
    char ok[] = "caf\xC3\xA9";
    ig_utf8_scrub(ok);
    assert_string_equal(ok, "caf\xC3\xA9");
}

static void test_nfc(void **state)
{
    const char *code;
    char *out = clean("caf"
                      "e\xCC\x81",
                      6, &code); /* e + COMBINING ACUTE */
    assert_non_null(out);
    assert_string_equal(out, "caf\xC3\xA9"); /* é, one code point */
    free(out);
    size_t n = 0;
    out = ig_nfc("A\xCC\x8A", 3, &n); /* A + RING ABOVE -> Å */
    assert_non_null(out);
    assert_string_equal(out, "\xC3\x85");
    assert_int_equal(n, 2);
    free(out);
}

static void test_clean(void **state)
{
    const char *code;
    char *out = clean("a &amp; b\r\nc\rd", 14, &code);
    assert_non_null(out);
    assert_string_equal(out, "a & b\nc\nd");
    free(out);

    /* an entity that decodes to a combining mark composes too */
    out = clean("e&#769;", 7, &code);
    assert_non_null(out);
    assert_string_equal(out, "\xC3\xA9");
    free(out);

    assert_null(clean("bad \xFF\xFE bytes", 12, &code));
    assert_string_equal(code, "invalid_utf8");
    assert_null(clean("half \xE2\x82", 7, &code));
    assert_string_equal(code, "invalid_utf8");
    assert_null(clean("nul\0inside", 10, &code));
    assert_string_equal(code, "invalid_text");

    assert_int_equal(ig_text_blank(" \t\n\r ", 5), 1);
    assert_int_equal(ig_text_blank("", 0), 1);
    assert_int_equal(ig_text_blank("  x ", 4), 0);
}

static void time_is(const char *s, int64_t want)
{
    int64_t ms = -1;
    assert_int_equal(ig_twitter_time(s, &ms), 0);
    assert_int_equal(ms, want);
}

static void test_twitter_time(void **state)
{
    time_is("Tue Oct 31 22:10:47 +0000 2017", INT64_C(1509487847000));
    time_is("Thu Jan 01 00:00:00 +0000 1970", 0);
    time_is("Mon Feb 29 12:00:00 +0000 2016", INT64_C(1456747200000));
    /* offsets move the instant to UTC; single-digit day; other case */
    time_is("Wed Nov 01 00:10:47 +0200 2017", INT64_C(1509487847000));
    time_is("tue oct 31 17:10:47 -0500 2017", INT64_C(1509487847000));
    time_is("Wed Nov 1 00:00:00 +0000 2017", INT64_C(1509494400000));

    int64_t ms;
    const char *bad[] = {"",
                         "2017-10-31T22:10:47Z",
                         "Xyz Oct 31 22:10:47 +0000 2017",
                         "Tue Okt 31 22:10:47 +0000 2017",
                         "Tue Oct 32 22:10:47 +0000 2017",
                         "Tue Feb 29 22:10:47 +0000 2017",
                         "Tue Oct 31 24:10:47 +0000 2017",
                         "Tue Oct 31 22:60:47 +0000 2017",
                         "Tue Oct 31 22:10:47 0000 2017",
                         "Tue Oct 31 22:10:47 +0000 17",
                         "Tue Oct 31 22:10:47 +0000 2017 x",
                         "Tue Oct 31 22:10 +0000 2017",
                         NULL};
    for (int i = 0; bad[i]; i++) {
        if (ig_twitter_time(bad[i], &ms) == 0) {
            fail_msg("accepted '%s'", bad[i]);
        }
    }
    assert_int_equal(ig_twitter_time(NULL, &ms), -1);
}

static void test_mentions(void **state)
{
    const char *t = "@AcmeCare hi mail@example.com @ @_x2 @"
                    "toolong_toolong_toolong_toolong_toolong_toolong_toolong";
    size_t pos = 0, n = 0;
    const char *name = NULL;
    assert_int_equal(ig_mention_next(t, strlen(t), &pos, &name, &n), 1);
    assert_int_equal(n, 8);
    assert_memory_equal(name, "AcmeCare", 8);
    assert_int_equal(ig_mention_next(t, strlen(t), &pos, &name, &n), 1);
    assert_int_equal(n, 3);
    assert_memory_equal(name, "_x2", 3);
    assert_int_equal(ig_mention_next(t, strlen(t), &pos, &name, &n), 0);

    assert_int_equal(ig_is_digits("115712"), 1);
    assert_int_equal(ig_is_digits("sprintcare"), 0);
    assert_int_equal(ig_is_digits(""), 0);
    assert_int_equal(ig_is_digits("12a"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entities), cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_scrub),    cmocka_unit_test(test_nfc),
        cmocka_unit_test(test_clean),    cmocka_unit_test(test_twitter_time),
        cmocka_unit_test(test_mentions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
