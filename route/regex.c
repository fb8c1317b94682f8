/* regex.c -- PCRE2 patterns: compiled once at load, JIT where available. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>

#include "preds.h"

struct rt_regex {
    pcre2_code *code;     /* the compiled pattern */
    pcre2_match_data *md; /* reused per match: the loop is single-threaded */
    int jit;              /* 1 when JIT compilation succeeded */
};

static int jit_seen = -1; /* -1 unknown, else whether the last compile got JIT */

rt_regex_t *rt_regex_compile(const char *pattern, char *err, size_t errlen)
{
    int code = 0;
    PCRE2_SIZE offset = 0;
    rt_regex_t *re = calloc(1, sizeof *re);
    if (!re) {
        snprintf(err, errlen, "out of memory compiling the pattern");
        return NULL;
    }
    re->code =
        pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &code, &offset, NULL);
    if (!re->code) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(code, msg, sizeof msg) < 0) {
            snprintf((char *)msg, sizeof msg, "PCRE2 error %d", code);
        }
        snprintf(err, errlen, "%s at offset %zu", (const char *)msg, (size_t)offset);
        free(re);
        return NULL;
    }
    /* JIT is an optimisation: without it (no JIT support, or no executable
     * memory) the interpreter gives the same answers. */
    re->jit = pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE) == 0;
    jit_seen = re->jit;
    re->md = pcre2_match_data_create(1, NULL);
    if (!re->md) {
        snprintf(err, errlen, "out of memory compiling the pattern");
        rt_regex_free(re);
        return NULL;
    }
    return re;
}

void rt_regex_free(rt_regex_t *re)
{
    if (re) {
        pcre2_match_data_free(re->md);
        pcre2_code_free(re->code);
        free(re);
    }
}

int rt_regex_match(rt_regex_t *re, const char *text, size_t len, int utf_checked)
{
    int rc;
    if (re->jit && utf_checked) {
        rc = pcre2_jit_match(re->code, (PCRE2_SPTR)text, len, 0, 0, re->md, NULL);
    } else {
        rc = pcre2_match(re->code, (PCRE2_SPTR)text, len, 0, utf_checked ? PCRE2_NO_UTF_CHECK : 0,
                         re->md, NULL);
    }
    if (rc >= 0) {
        return 1;
    }
    if (rc == PCRE2_ERROR_NOMATCH) {
        return 0;
    }
    /* UTF errors are PCRE2_ERROR_UTF8_ERR1 (-3) .. ERR21 (-23) */
    if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21) {
        return -2;
    }
    return -1;
}

int rt_regex_jit(void)
{
    return jit_seen == 1;
}
