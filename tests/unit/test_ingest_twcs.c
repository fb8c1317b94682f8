/* test_ingest_twcs.c -- TWCS CSV rows to canonical posts: CSV mess, fields,
 * direction, brand, conversation, rejects (ingest/twcs.c, input.c, thread.c,
 * batch.c). The fixtures are made up here, in the corpus's layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ingest/ingest.h"
#include "dlq.h"
#include "post.h"

#define HEADER                                                                                     \
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id"

/* Rows 1-15. CRLF line ends except where noted. */
static const char fixture[] =
    HEADER "\r\n"
           /* 1: a brand's reply that comes before its parent (row 2); multi-line
            * quoted text; &amp; */
           "10,AcmeCare,False,Tue Oct 31 22:10:47 +0000 2017,\"@500 Sorry to hear that &amp; we'll "
           "help.\r\n"
           "DM us, please.\",11,20\r\n"
           /* 2: the customer's first post, the thread root; entities, emoji */
           "20,500,True,Tue Oct 31 22:00:00 +0000 2017,@AcmeCare my order &lt;#123&gt; never came "
           "\xF0\x9F\x93\xA6,10,\r\n"
           /* 3: the customer answers the brand; a stray CR inside an unquoted field; LF line end */
           "11,500,True,Tue Oct 31 22:15:00 +0000 2017,@AcmeCare thanks\rbye,,10\n"
           /* 4: a reply to a tweet missing from the file: it is its own root */
           "30,501,True,Wed Nov 01 08:00:00 +0000 2017,@600 @acmecare still waiting,31,99\r\n"
           /* 5: a reply in that thread; no brand ever answered it */
           "31,502,True,Wed Nov 01 09:00:00 +0000 2017,@700 hello there,,30\r\n"
           /* 6, 7: no known brand anywhere */
           "40,503,True,Wed Nov 01 10:00:00 +0000 2017,@800 hi,,\r\n"
           "41,504,True,Wed Nov 01 10:00:01 +0000 2017,no mention at all,,\r\n"
           /* 8: bad timestamp */
           "50,505,True,Xyz Nov 01 10:00:00 +0000 2017,bad time,,\r\n"
           /* 9: wrong column count */
           "51,506,True,Wed Nov 01 10:00:00 +0000 2017,too few\r\n"
           /* 10: invalid UTF-8 */
           "52,507,True,Wed Nov 01 10:00:00 +0000 2017,\"bad \xFF\xFE"
           " bytes\",,\r\n"
           /* 11: empty text */
           "53,508,True,Wed Nov 01 10:00:00 +0000 2017,\"   \",,\r\n"
           /* 12: a numeric author marked inbound=False is outbound */
           "60,509,False,Wed Nov 01 10:00:00 +0000 2017,we are on it,,\r\n"
           /* 13: a non-numeric author is outbound even when marked True; NFC */
           "70,ZetaHelp,True,Wed Nov 01 11:00:00 +0000 2017,caf"
           "e\xCC\x81 is open,,\r\n"
           /* 14, 15: a reply cycle (broken data) still ends in one conversation;
            * no newline at the end of the file */
           "80,510,True,Wed Nov 01 12:00:00 +0000 2017,@ZetaHelp loop a,,81\r\n"
           "81,511,True,Wed Nov 01 12:01:00 +0000 2017,loop b,,80";

/* Loads csv as twcs into b; fails the test when loading fails. */
static void load(ig_batch_t *b, const char *csv, size_t len)
{
    FILE *f = fmemopen((void *)csv, len, "r");
    assert_non_null(f);
    int rc = ig_batch_load(b, f, "fixture.csv", &ig_format_twcs, 0);
    if (rc != 0) {
        fail_msg("load failed: %s", b->err);
    }
    fclose(f);
}

static json_t *post(const ig_batch_t *b, const char *id)
{
    for (size_t i = 0; i < b->nitems; i++) {
        if (strcmp(oc_post_id(b->items[i].post), id) == 0) {
            return b->items[i].post;
        }
    }
    fail_msg("no post %s", id);
    return NULL;
}

static const char *str(const json_t *p, const char *field)
{
    const char *s = oc_post_str(p, field);
    assert_non_null(s);
    return s;
}

static int group_setup(void **state)
{
    ig_batch_t *b = calloc(1, sizeof *b);
    if (!b) {
        return -1;
    }
    load(b, fixture, sizeof fixture - 1);
    *state = b;
    return 0;
}

static int group_teardown(void **state)
{
    ig_batch_free(*state);
    free(*state);
    return 0;
}

static void test_counts(void **state)
{
    ig_batch_t *b = *state;
    assert_int_equal(b->rows, 15);
    assert_int_equal(b->nitems, 11);
    assert_int_equal(json_array_size(b->dlq), 4);
    assert_int_equal(b->rows, (int64_t)b->nitems + (int64_t)json_array_size(b->dlq));
    const char *codes[] = {"bad_timestamp", "wrong_columns", "invalid_utf8", "empty_text"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(json_integer_value(json_object_get(b->reasons, codes[i])), 1);
    }
    for (size_t i = 0; i < b->nitems; i++) {
        char err[256];
        if (oc_post_validate(b->items[i].post, err, sizeof err) != 0) {
            fail_msg("post %zu invalid: %s", i, err);
        }
    }
}

static void test_fields(void **state)
{
    ig_batch_t *b = *state;
    json_t *p = post(b, "twitter:10");
    assert_string_equal(str(p, "schema"), "outcry.post/v1");
    assert_string_equal(str(p, "platform"), "twitter");
    assert_string_equal(str(p, "native_id"), "10");
    assert_string_equal(str(p, "created_at"), "2017-10-31T22:10:47Z");
    assert_string_equal(str(p, "in_reply_to"), "twitter:20");
    assert_string_equal(str(p, "text"), "@500 Sorry to hear that & we'll help.\nDM us, please.");
    assert_string_equal(str(p, "source"), "twcs-csv");
    json_t *author = json_object_get(p, "author");
    assert_string_equal(json_string_value(json_object_get(author, "id")), "AcmeCare");
    assert_string_equal(json_string_value(json_object_get(author, "handle")), "AcmeCare");
    assert_int_equal(b->items[0].created_ms, INT64_C(1509487847000));

    p = post(b, "twitter:20");
    assert_string_equal(str(p, "text"), "@AcmeCare my order <#123> never came \xF0\x9F\x93\xA6");
    assert_null(json_object_get(p, "in_reply_to"));

    assert_string_equal(str(post(b, "twitter:11"), "text"), "@AcmeCare thanks\nbye");
    assert_string_equal(str(post(b, "twitter:70"), "text"), "caf\xC3\xA9 is open");
}

static void test_direction(void **state)
{
    ig_batch_t *b = *state;
    assert_int_equal(oc_post_is_outbound(post(b, "twitter:10")), 1);
    assert_int_equal(oc_post_is_outbound(post(b, "twitter:20")), 0);
    assert_int_equal(oc_post_is_outbound(post(b, "twitter:11")), 0);
    assert_int_equal(oc_post_is_outbound(post(b, "twitter:60")), 1); /* inbound=False */
    assert_int_equal(oc_post_is_outbound(post(b, "twitter:70")), 1); /* non-numeric author */
    assert_string_equal(str(post(b, "twitter:20"), "direction"), "inbound");
    assert_string_equal(str(post(b, "twitter:70"), "direction"), "outbound");
}

static void test_brand(void **state)
{
    ig_batch_t *b = *state;
    /* outbound: the author */
    assert_string_equal(str(post(b, "twitter:10"), "brand"), "AcmeCare");
    assert_string_equal(str(post(b, "twitter:60"), "brand"), "509");
    assert_string_equal(str(post(b, "twitter:70"), "brand"), "ZetaHelp");
    /* inbound in a thread the brand answered (the answer came first in the file) */
    assert_string_equal(str(post(b, "twitter:20"), "brand"), "AcmeCare");
    assert_string_equal(str(post(b, "twitter:11"), "brand"), "AcmeCare");
    /* no answer: a known brand @mentioned (any case), written as the brand writes it */
    assert_string_equal(str(post(b, "twitter:30"), "brand"), "AcmeCare");
    /* its reply mentions no brand: the thread's mention */
    assert_string_equal(str(post(b, "twitter:31"), "brand"), "AcmeCare");
    /* no known brand: the first @mention, else unknown */
    assert_string_equal(str(post(b, "twitter:40"), "brand"), "800");
    assert_string_equal(str(post(b, "twitter:41"), "brand"), "unknown");
    assert_string_equal(str(post(b, "twitter:80"), "brand"), "ZetaHelp");
}

static void test_conversation(void **state)
{
    ig_batch_t *b = *state;
    assert_string_equal(str(post(b, "twitter:20"), "conversation"), "twitter:20");
    assert_string_equal(str(post(b, "twitter:10"), "conversation"), "twitter:20");
    assert_string_equal(str(post(b, "twitter:11"), "conversation"), "twitter:20");
    /* parent 99 is not in the file: the earliest ancestor present is the root */
    assert_string_equal(str(post(b, "twitter:30"), "conversation"), "twitter:30");
    assert_string_equal(str(post(b, "twitter:30"), "in_reply_to"), "twitter:99");
    assert_string_equal(str(post(b, "twitter:31"), "conversation"), "twitter:30");
    assert_string_equal(str(post(b, "twitter:40"), "conversation"), "twitter:40");
    const char *c80 = str(post(b, "twitter:80"), "conversation");
    assert_string_equal(c80, str(post(b, "twitter:81"), "conversation"));
}

static void test_rejects(void **state)
{
    ig_batch_t *b = *state;
    /* in input order, with the row number, the file name and the row's bytes */
    const struct {
        const char *code; /* expected code */
        int offset;       /* expected row number */
        const char *b64;  /* expected bytes, base64 of the row as written */
    } want[] = {{"bad_timestamp", 8, NULL},
                {"wrong_columns", 9, NULL},
                {"invalid_utf8", 10, NULL},
                {"empty_text", 11, NULL}};
    for (size_t i = 0; i < 4; i++) {
        json_t *e = json_array_get(b->dlq, i);
        assert_string_equal(json_string_value(json_object_get(e, "schema")), "outcry.dlq/v1");
        assert_string_equal(json_string_value(json_object_get(e, "stage")), "ingest");
        assert_string_equal(json_string_value(json_object_get(e, "code")), want[i].code);
        assert_string_equal(json_string_value(json_object_get(e, "source")), "fixture.csv");
        assert_int_equal(json_integer_value(json_object_get(e, "offset")), want[i].offset);
        assert_non_null(json_string_value(json_object_get(e, "reason")));
    }
    /* the original bytes, without the line end */
    const char row9[] = "51,506,True,Wed Nov 01 10:00:00 +0000 2017,too few";
    json_t *e = json_array_get(b->dlq, 1);
    assert_int_equal(json_integer_value(json_object_get(e, "payload_bytes")), sizeof row9 - 1);
    char *b64 = oc_base64(row9, sizeof row9 - 1);
    assert_string_equal(json_string_value(json_object_get(e, "payload_b64")), b64);
    free(b64);
    /* the reason names the field */
    const char *reason = json_string_value(json_object_get(json_array_get(b->dlq, 0), "reason"));
    assert_non_null(strstr(reason, "created_at"));
}

static void test_no_header_and_reordered(void **state)
{
    ig_batch_t b;
    const char plain[] = "5,AcmeCare,False,Tue Oct 31 22:10:47 +0000 2017,hi,,6\n"
                         "6,42,True,Tue Oct 31 22:00:00 +0000 2017,@AcmeCare help,5,\n";
    load(&b, plain, sizeof plain - 1);
    assert_int_equal(b.rows, 2);
    assert_int_equal(b.nitems, 2);
    assert_string_equal(str(post(&b, "twitter:5"), "conversation"), "twitter:6");
    ig_batch_free(&b);

    /* columns in another order, an extra one, a UTF-8 BOM */
    const char reordered[] = "\xEF\xBB\xBF"
                             "text,extra,in_response_to_tweet_id,created_at,inbound,author_id,"
                             "response_tweet_id,tweet_id\n"
                             "\"a, b\",x,,Tue Oct 31 22:00:00 +0000 2017,True,42,,7\n";
    load(&b, reordered, sizeof reordered - 1);
    assert_int_equal(b.nitems, 1);
    json_t *p = post(&b, "twitter:7");
    assert_string_equal(str(p, "text"), "a, b");
    assert_string_equal(str(p, "direction"), "inbound");
    ig_batch_free(&b);

    /* a header without a needed column is refused as a whole */
    const char missing[] = "tweet_id,author_id,inbound,created_at,response_tweet_id\n1,2,True,x,\n";
    FILE *f = fmemopen((void *)missing, sizeof missing - 1, "r");
    assert_non_null(f);
    assert_int_equal(ig_batch_load(&b, f, "m.csv", &ig_format_twcs, 0), -1);
    assert_non_null(strstr(b.err, "'text'"));
    ig_batch_free(&b);
    fclose(f);
}

static void test_more_rejects(void **state)
{
    const char csv[] = HEADER "\n"
                              "x1,42,True,Tue Oct 31 22:00:00 +0000 2017,hi,,\n"
                              "2,42,True,Tue Oct 31 22:00:00 +0000 2017,hi,,abc\n"
                              "3,,True,Tue Oct 31 22:00:00 +0000 2017,hi,,\n"
                              "4,42,Maybe,Tue Oct 31 22:00:00 +0000 2017,hi,,\n"
                              "5,42,True,Tue Oct 31 22:00:00 +0000 2017,&#0;,,4.0\n";
    ig_batch_t b;
    load(&b, csv, sizeof csv - 1);
    assert_int_equal(b.rows, 5);
    assert_int_equal(b.nitems, 1);
    assert_int_equal(json_integer_value(json_object_get(b.reasons, "invalid_id")), 2);
    assert_int_equal(json_integer_value(json_object_get(b.reasons, "invalid_author")), 1);
    assert_int_equal(json_integer_value(json_object_get(b.reasons, "invalid_field")), 1);
    json_t *p = post(&b, "twitter:5");
    assert_string_equal(str(p, "text"), "&#0;");
    assert_string_equal(str(p, "in_reply_to"), "twitter:4");
    ig_batch_free(&b);
}

static void test_max_rows(void **state)
{
    ig_batch_t b;
    FILE *f = fmemopen((void *)fixture, sizeof fixture - 1, "r");
    assert_non_null(f);
    assert_int_equal(ig_batch_load(&b, f, "fixture.csv", &ig_format_twcs, 5), -1);
    assert_non_null(strstr(b.err, "--max-rows"));
    ig_batch_free(&b);
    fclose(f);
}

static void test_unbalanced_quote(void **state)
{
    /* An opening quote that never closes swallows the rest of the file; the
     * reader gives up on it after IG_MAX_ROW_BYTES and resumes at the next line. */
    size_t filler = IG_MAX_ROW_BYTES / 50 + 10;
    size_t cap = 256 + filler * 64;
    char *csv = malloc(cap);
    assert_non_null(csv);
    size_t n = (size_t)snprintf(csv, cap, "%s\n1,42,True,Tue Oct 31 22:00:00 +0000 2017,\"open,,\n",
                                HEADER);
    for (size_t i = 0; i < filler; i++) {
        n += (size_t)snprintf(csv + n, cap - n, "%s\n",
                              "just words inside the open quote, no end in sight at all.");
    }
    n += (size_t)snprintf(csv + n, cap - n, "%s\n", "tail of the swallowed part");
    n += (size_t)snprintf(csv + n, cap - n, "%s\n",
                          "9,43,True,Tue Oct 31 22:00:00 +0000 2017,after,,");
    ig_batch_t b;
    load(&b, csv, n);
    assert_int_equal(b.rows, (int64_t)b.nitems + (int64_t)json_array_size(b.dlq));
    assert_int_equal(json_integer_value(json_object_get(b.reasons, "row_too_long")), 1);
    assert_string_equal(str(post(&b, "twitter:9"), "text"), "after");
    free(csv);
    ig_batch_free(&b);
}

static void test_jsonl(void **state)
{
    const char in[] =
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"x:1\",\"platform\":\"x\",\"direction\":\"inbound\","
        "\"brand\":\"acme\",\"author\":{\"id\":\"u\"},\"text\":\"hi\",\"created_at\":"
        "\"2017-10-31T22:00:00Z\",\"extra\":{\"kept\":true}}\n"
        "\n"
        "{\"schema\":\"outcry.post/"
        "v1\",\"id\":\"x:2\",\"platform\":\"x\",\"direction\":\"outbound\","
        "\"brand\":\"acme\",\"author\":{\"id\":\"acme\"},\"text\":\"yo\",\"created_at\":"
        "\"2017-10-31T22:01:00Z\",\"in_reply_to\":\"x:1\",\"source\":\"mine\"}\r\n"
        "{\"schema\":\"outcry.post/v1\",\"id\":\"x:3\"}\n"
        "{not json\n";
    FILE *f = fmemopen((void *)in, sizeof in - 1, "r");
    assert_non_null(f);
    ig_batch_t b;
    assert_int_equal(ig_batch_load(&b, f, "in.jsonl", &ig_format_jsonl, 0), 0);
    fclose(f);
    assert_int_equal(b.rows, 4);
    assert_int_equal(b.nitems, 2);
    assert_int_equal(json_integer_value(json_object_get(b.reasons, "invalid_post")), 1);
    assert_int_equal(json_integer_value(json_object_get(b.reasons, "invalid_json")), 1);
    json_t *p1 = post(&b, "x:1"), *p2 = post(&b, "x:2");
    assert_string_equal(str(p1, "source"), "jsonl");
    assert_string_equal(str(p2, "source"), "mine");
    assert_non_null(json_object_get(json_object_get(p1, "extra"), "kept"));
    assert_string_equal(str(p2, "conversation"), "x:1");
    assert_int_equal(ig_stamp(p1, 0), 0);
    assert_string_equal(str(p1, "ingested_at"), "1970-01-01T00:00:00Z");
    ig_batch_free(&b);
}

static void test_pacing(void **state)
{
    ig_batch_t *b = *state;
    assert_int_equal(ig_pace_due(1000, 61000, 1), 60000);
    assert_int_equal(ig_pace_due(1000, 61000, 60), 1000);
    assert_int_equal(ig_pace_due(1000, 500, 2), 0);
    ig_batch_sort(b);
    for (size_t i = 1; i < b->nitems; i++) {
        assert_true(b->items[i - 1].created_ms <= b->items[i].created_ms);
    }
    int64_t first = b->items[0].created_ms;
    assert_int_equal(ig_rebase(b, INT64_C(3600000)), 0);
    assert_int_equal(b->items[0].created_ms, first + 3600000);
    assert_string_equal(str(b->items[0].post, "created_at"), "2017-10-31T23:00:00Z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_direction),
        cmocka_unit_test(test_brand),
        cmocka_unit_test(test_conversation),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_no_header_and_reordered),
        cmocka_unit_test(test_more_rejects),
        cmocka_unit_test(test_max_rows),
        cmocka_unit_test(test_unbalanced_quote),
        cmocka_unit_test(test_jsonl),
        cmocka_unit_test(test_pacing),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
