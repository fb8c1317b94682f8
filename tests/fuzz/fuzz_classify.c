/* fuzz_classify.c -- the classify stage core as --stdio drives it: any
 * bytes, a line a message, through the trained model and through the word
 * lists alone (the first byte picks: bit 0 set, the word lists). Bad input
 * must become a DLQ entry, never a crash, a sanitizer report or a failure
 * of the stage (cl_process() returning -1 stops a stage: only out of
 * memory may). The model is classify/model.bin, run from the repository's
 * root as make fuzz does, or OUTCRY_CLASSIFY_MODEL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

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

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    if (fz_run_stdio(&cfg, &stage, ctx, data + 1, size - 1) != 0) {
        fprintf(stderr, "fuzz: classify failed on this input (the stage would stop)\n");
        abort();
    }
    return 0;
}
