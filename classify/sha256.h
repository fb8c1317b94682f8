/* sha256.h -- SHA-256 (FIPS 180-4), for model files and training-data
 * fingerprints. Small and dependency-free so that the classifier links
 * nothing beyond what the services already link. */
#ifndef CL_SHA256_H
#define CL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define CL_SHA256_LEN 32

typedef struct cl_sha256 {
    uint32_t h[8];   /* chaining state */
    uint64_t bytes;  /* message length so far */
    uint8_t buf[64]; /* pending partial block */
    size_t nbuf;     /* bytes in buf */
} cl_sha256_t;

void cl_sha256_init(cl_sha256_t *s);
void cl_sha256_update(cl_sha256_t *s, const void *data, size_t len);
void cl_sha256_final(cl_sha256_t *s, uint8_t out[CL_SHA256_LEN]);

/* One-shot digest of data[0..len). */
void cl_sha256(const void *data, size_t len, uint8_t out[CL_SHA256_LEN]);

/* Lower-case hex of a digest into hex (65 bytes with the NUL). */
void cl_sha256_hex(const uint8_t d[CL_SHA256_LEN], char hex[2 * CL_SHA256_LEN + 1]);

#endif
