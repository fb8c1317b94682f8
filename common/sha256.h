/* sha256.h -- SHA-256 for classify's model files and training-data
 * fingerprints, alert's ids and ingest's secret comparison, computed by
 * OpenSSL's EVP interface (libcrypto, which ingest's webhook HMAC and the
 * DLQ's base64 link too). */
#ifndef OC_SHA256_H
#define OC_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define OC_SHA256_LEN 32

typedef struct oc_sha256 {
    void *ctx;  /* EVP_MD_CTX (owned; freed by oc_sha256_final) */
    int failed; /* an EVP call failed: final reports it */
} oc_sha256_t;

/* Starts a digest. Returns 0, or -1 when OpenSSL cannot (out of memory);
 * oc_sha256_final must still be called, and reports the failure. */
int oc_sha256_init(oc_sha256_t *s);
void oc_sha256_update(oc_sha256_t *s, const void *data, size_t len);
/* Writes the digest and releases the context. Returns 0, or -1 when any
 * step failed (out is then zeroed). */
int oc_sha256_final(oc_sha256_t *s, uint8_t out[OC_SHA256_LEN]);

/* One-shot digest of data[0..len). Returns 0 or -1 (as final). */
int oc_sha256(const void *data, size_t len, uint8_t out[OC_SHA256_LEN]);

/* Lower-case hex of a digest into hex (65 bytes with the NUL). */
void oc_sha256_hex(const uint8_t d[OC_SHA256_LEN], char hex[2 * OC_SHA256_LEN + 1]);

#endif
