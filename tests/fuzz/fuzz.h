/* fuzz.h -- what the libFuzzer targets in tests/fuzz/ share.
 *
 * A stage target feeds the fuzzer's bytes to the stage as --stdio would:
 * split into lines, each line one input message through the stage core and
 * oc_run_stdio(), so sequences of messages (a clock opened, then replied to)
 * are fuzzed too. Warnings (every DLQ entry is one) are not logged: the
 * fuzzer's own report must stay readable; errors still are. */
#ifndef FZ_FUZZ_H
#define FZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "stage.h"

/* libFuzzer's entry points, defined by each target (the second optional). */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets cfg up for service name with only errors logged. Exits the process
 * (the fuzzer cannot run) when that fails. */
static inline void fz_config(oc_config_t *cfg, const char *name)
{
    if (setenv("OUTCRY_LOG", "error", 1) != 0 || oc_config_init(cfg, name) != 0 ||
        oc_config_apply_log(cfg) != 0) {
        fprintf(stderr, "fuzz: configuring %s failed: %s\n", name, cfg->err);
        exit(2);
    }
}

/* Runs stage over data[0..size) as --stdio input. The primary output is
 * kept in *out (malloc'd, NUL-terminated, *outlen bytes; the caller frees
 * it) when out is not NULL, else discarded. Returns what oc_run_stdio()
 * returns. */
static inline int fz_run_stdio_out(oc_config_t *cfg, const oc_stage_t *stage, void *ctx,
                                   const uint8_t *data, size_t size, char **out, size_t *outlen)
{
    static FILE *devnull;
    if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL) {
        perror("fuzz: /dev/null");
        exit(2);
    }
    FILE *o = devnull;
    if (out != NULL) {
        *out = NULL;
        *outlen = 0;
        o = open_memstream(out, outlen);
    }
    FILE *in = size > 0 ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
    if (in == NULL || o == NULL) {
        perror("fuzz: fmemopen/open_memstream");
        exit(2);
    }
    int rc = oc_run_stdio(cfg, stage, ctx, in, o);
    fclose(in);
    if (out != NULL && fclose(o) != 0) {
        perror("fuzz: open_memstream");
        exit(2);
    }
    return rc;
}

/* fz_run_stdio_out() with the output discarded. */
static inline int fz_run_stdio(oc_config_t *cfg, const oc_stage_t *stage, void *ctx,
                               const uint8_t *data, size_t size)
{
    return fz_run_stdio_out(cfg, stage, ctx, data, size, NULL, NULL);
}

/* Calls fn(line, length, arg) for every line of buf[0..len), without its
 * '\n' (the last line may lack one): a target's check of what a stage
 * wrote. */
static inline void fz_lines(const char *buf, size_t len,
                            void (*fn)(const char *line, size_t len, void *arg), void *arg)
{
    for (const char *line = buf; line < buf + len;) {
        const char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        size_t n = nl != NULL ? (size_t)(nl - line) : (size_t)(buf + len - line);
        fn(line, n, arg);
        line += n + 1;
    }
}

/* A stage target's run: stage over data[0..size) as --stdio input, then
 * check(line, length, arg) on every line of its primary output. Aborts when
 * the stage fails: a failure stops a stage in production (only out of
 * memory may cause one). */
static inline void fz_stage_check(oc_config_t *cfg, const oc_stage_t *stage, void *ctx,
                                  const uint8_t *data, size_t size,
                                  void (*check)(const char *line, size_t len, void *arg), void *arg)
{
    char *out;
    size_t outlen;
    if (fz_run_stdio_out(cfg, stage, ctx, data, size, &out, &outlen) != 0) {
        fprintf(stderr, "fuzz: %s failed on this input (the stage would stop)\n", stage->name);
        abort();
    }
    fz_lines(out, outlen, check, arg);
    free(out);
}

#endif
