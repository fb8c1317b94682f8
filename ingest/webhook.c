/* webhook.c -- Twitter's webhook signatures (CRC challenge, request
 * signature) and constant-time secret comparison, with OpenSSL. */
#include "serve.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <string.h>

#include "sha256.h"

/* "sha256=" + base64(HMAC-SHA256(key, data)) into out. */
static int hmac_b64(const char *key, const void *data, size_t len, char *out, size_t outlen)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    if (!HMAC(EVP_sha256(), key, (int)strlen(key), data, len, mac, &maclen)) {
        return -1;
    }
    /* base64 of 32 bytes is 44 characters, plus "sha256=" and the NUL */
    if (outlen < 7 + 4 * ((maclen + 2) / 3) + 1) {
        return -1;
    }
    memcpy(out, "sha256=", 7);
    EVP_EncodeBlock((unsigned char *)out + 7, mac, (int)maclen);
    return 0;
}

int ig_twitter_crc(const char *secret, const char *crc_token, char *out, size_t outlen)
{
    return hmac_b64(secret, crc_token, strlen(crc_token), out, outlen);
}

int ig_twitter_signature_ok(const char *secret, const char *body, size_t len, const char *header)
{
    char want[128];
    if (!header || hmac_b64(secret, body, len, want, sizeof want) != 0) {
        return 0;
    }
    return ig_secret_equal(want, header);
}

int ig_secret_equal(const char *a, const char *b)
{
    /* digests first: equal lengths, so the comparison's time says nothing
     * about either secret's length */
    uint8_t da[OC_SHA256_LEN], db[OC_SHA256_LEN];
    if (oc_sha256(a, strlen(a), da) != 0 || oc_sha256(b, strlen(b), db) != 0) {
        return 0;
    }
    return CRYPTO_memcmp(da, db, sizeof da) == 0;
}
