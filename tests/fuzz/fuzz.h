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

#include "config.h"
#include "stage.h"

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

/* Runs stage over data[0..size) as --stdio input; outputs go to a sink that
 * discards them. Returns what oc_run_stdio() returns. */
static inline int fz_run_stdio(oc_config_t *cfg, const oc_stage_t *stage, void *ctx,
                               const uint8_t *data, size_t size)
{
    static FILE *devnull;
    if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL) {
        perror("fuzz: /dev/null");
        exit(2);
    }
    if (size == 0) {
        return 0; /* fmemopen() refuses an empty buffer */
    }
    FILE *in = fmemopen((void *)data, size, "r");
    if (in == NULL) {
        perror("fuzz: fmemopen");
        exit(2);
    }
    int rc = oc_run_stdio(cfg, stage, ctx, in, devnull);
    fclose(in);
    return rc;
}

#endif
