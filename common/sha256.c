/* sha256.c -- SHA-256 through OpenSSL (sha256.h). */
#include "sha256.h"

#include <openssl/evp.h>
#include <string.h>

int oc_sha256_init(oc_sha256_t *s)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    s->ctx = ctx;
    s->failed = ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1;
    return s->failed ? -1 : 0;
}

void oc_sha256_update(oc_sha256_t *s, const void *data, size_t len)
{
    if (!s->failed && EVP_DigestUpdate(s->ctx, data, len) != 1)
        s->failed = 1;
}

int oc_sha256_final(oc_sha256_t *s, uint8_t out[OC_SHA256_LEN])
{
    unsigned int n = 0;
    if (!s->failed && (EVP_DigestFinal_ex(s->ctx, out, &n) != 1 || n != OC_SHA256_LEN))
        s->failed = 1;
    EVP_MD_CTX_free(s->ctx);
    s->ctx = NULL;
    if (s->failed) {
        memset(out, 0, OC_SHA256_LEN);
        return -1;
    }
    return 0;
}

int oc_sha256(const void *data, size_t len, uint8_t out[OC_SHA256_LEN])
{
    oc_sha256_t s;
    (void)oc_sha256_init(&s); /* a failure is reported by final */
    oc_sha256_update(&s, data, len);
    return oc_sha256_final(&s, out);
}

void oc_sha256_hex(const uint8_t d[OC_SHA256_LEN], char hex[2 * OC_SHA256_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < OC_SHA256_LEN; i++) {
        hex[2 * i] = digits[d[i] >> 4];
        hex[2 * i + 1] = digits[d[i] & 15];
    }
    hex[2 * OC_SHA256_LEN] = '\0';
}
