/* fuzz_common_fastpost.c -- fastpost (cJSON) against jansson, the reader it
 * stands in for on the stages' hot path (common/fastpost.h).
 *
 * The first byte picks the mode (bit 0: strict numbers, ingest's), the rest
 * is one message. What must hold:
 *   - strict: a post oc_fp_parse() accepts, oc_post_parse() accepts too;
 *   - both accepting: the same id, text and direction;
 *   - oc_fp_with() splices a member in so that jansson reads the post it
 *     wrote as the input post with that member set (strict mode: the
 *     numbers are read alike there).
 * A difference aborts with both readings, so the fuzzer keeps the input. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fastpost.h"
#include "post.h"

static void differ(const char *what, const char *buf, size_t len, const char *a, const char *b)
{
    fprintf(stderr, "fastpost vs jansson: %s\n  fastpost: %s\n  jansson:  %s\n  input: %.*s\n",
            what, a, b, (int)(len < 2000 ? len : 2000), buf);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    int strict = data[0] & 1;
    const char *buf = (const char *)data + 1;
    size_t len = size - 1;
    oc_fp_strict_numbers(strict);
    oc_fpost_t p;
    const char *code = NULL;
    char ferr[512], jerr[512];
    int frc = oc_fp_parse(&p, buf, len, &code, ferr, sizeof ferr);
    json_t *j = oc_post_parse(buf, len, jerr, sizeof jerr);
    if (frc == 0 && j == NULL && strict) {
        differ("only fastpost accepts", buf, len, "accepted", jerr);
    }
    if (frc == 0 && j != NULL) {
        const char *jtext = oc_post_str(j, "text");
        size_t jlen = jtext != NULL ? json_string_length(json_object_get(j, "text")) : 0;
        if (strcmp(p.id, oc_post_id(j)) != 0) {
            differ("id", buf, len, p.id, oc_post_id(j));
        }
        if (jtext == NULL || jlen != p.text_len || memcmp(jtext, p.text, jlen) != 0) {
            differ("text", buf, len, p.text, jtext != NULL ? jtext : "(none)");
        }
        if (p.outbound != oc_post_is_outbound(j)) {
            differ("direction", buf, len, p.outbound ? "outbound" : "inbound",
                   oc_post_is_outbound(j) ? "outbound" : "inbound");
        }
        static const char member[] = "{\"complaint\":true,\"score\":0.5}";
        oc_buf_t out = {0};
        if (strict && oc_fp_with(&p, "classification", member, sizeof member - 1, &out) == 0) {
            json_error_t e;
            json_t *got = json_loadb(out.data, out.len, JSON_REJECT_DUPLICATES, &e);
            json_t *want = json_deep_copy(j);
            if (want == NULL ||
                json_object_set_new(want, "classification", json_loads(member, 0, NULL)) != 0) {
                abort(); /* out of memory: not what is fuzzed */
            }
            if (got == NULL) {
                differ("oc_fp_with wrote what jansson cannot read", out.data, out.len, e.text, "");
            }
            if (!json_equal(got, want)) {
                char *a = json_dumps(got, JSON_COMPACT), *b = json_dumps(want, JSON_COMPACT);
                differ("oc_fp_with", buf, len, a != NULL ? a : "?", b != NULL ? b : "?");
            }
            json_decref(got);
            json_decref(want);
        }
        oc_buf_free(&out);
    }
    if (frc == 0) {
        oc_fp_free(&p);
    }
    json_decref(j);
    return 0;
}
