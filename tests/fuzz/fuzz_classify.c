/* fuzz_classify.c -- the classify stage core as --stdio drives it: any
 * bytes, a line a message, through the trained model and through the word
 * lists alone (the first byte picks: bit 0 set, the word lists). Bad input
 * must become a DLQ entry, never a crash, a sanitizer report or a failure
 * of the stage (cl_process() returning -1 stops a stage: only out of
 * memory may); what is written is JSON that route can read: an object with
 * a "classification" of DESIGN.md's form. The model is classify/model.bin,
 * run from the repository's root as make fuzz does, or
 * OUTCRY_CLASSIFY_MODEL. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/classify.h"
#include "fuzz.h"

static oc_config_t cfg;
static cl_ctx_t trained, lexicon;

static const oc_stage_t stage = {
    .name = "classify",
    .input = "posts",
    .primary = "classified",
    .process = cl_process,
};

static void init_ctx(cl_ctx_t *ctx, const char *model)
{
    if (cl_ctx_init(ctx, model) != 0) {
        fprintf(stderr, "fuzz: classify: %s\n", ctx->err);
        exit(2);
    }
    ctx->loose = 1; /* --stdio: bare {"id","text"} objects too */
}

static void bad_output(const char *why, const char *line, size_t len)
{
    fprintf(stderr, "fuzz: classify wrote %s: %.*s\n", why, (int)(len < 2000 ? len : 2000), line);
    abort();
}

/* 1 when s is one of names[0..n). */
static int one_of(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; s != NULL && i < n; i++) {
        if (strcmp(s, names[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Checks one output line: JSON, an object, its classification complete. */
static void check_line(const char *line, size_t len, void *arg)
{
    (void)arg;
    static const char *const cats[] = {"billing", "delivery", "product", "technical", "account",
                                       "service", "safety",   "privacy", "other"};
    static const char *const sevs[] = {"low", "medium", "high", "critical"};
    json_error_t e;
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &e);
    json_t *c = json_object_get(o, "classification");
    if (o == NULL || !json_is_object(o)) {
        bad_output("a line that is not a JSON object", line, len);
    }
    double score = json_real_value(json_object_get(c, "score"));
    if (!json_is_object(c) || !json_is_boolean(json_object_get(c, "complaint")) ||
        !json_is_number(json_object_get(c, "score")) || score < 0 || score > 1 ||
        !one_of(json_string_value(json_object_get(c, "category")), cats, 9) ||
        !one_of(json_string_value(json_object_get(c, "severity")), sevs, 4) ||
        !json_is_array(json_object_get(c, "signals")) ||
        !json_is_string(json_object_get(c, "model"))) {
        bad_output("an incomplete classification", line, len);
    }
    json_decref(o);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_config(&cfg, "classify");
    const char *model = getenv(CL_MODEL_ENV);
    init_ctx(&trained, model != NULL ? model : "classify/model.bin");
    init_ctx(&lexicon, CL_MODEL_LEXICON);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    cl_ctx_t *ctx = (data[0] & 1) ? &lexicon : &trained;
    fz_stage_check(&cfg, &stage, ctx, data + 1, size - 1, check_line, NULL);
    return 0;
}
