/* fuzz_ingest.h -- what the ingest targets share: the service's
 * configuration and the brand accounts the platform formats read. */
#ifndef FZ_FUZZ_INGEST_H
#define FZ_FUZZ_INGEST_H

#include "fuzz.h"
#include "ingest/platform.h"

/* libFuzzer's entry points, which each ingest target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets cfg up for ingest (fz_config) and the brand accounts, which give
 * the platform formats' posts their direction and brand. Exits the process
 * when that fails. */
static inline void fz_ingest_config(oc_config_t *cfg)
{
    char err[256];
    fz_config(cfg, "ingest");
    if (ig_brands_set("acme:AcmeHelp,acme,acme@social.example;globex:GlobexCares", err,
                      sizeof err) != 0) {
        fprintf(stderr, "fuzz: ingest: setting the brand accounts failed: %s\n", err);
        exit(2);
    }
}

#endif
