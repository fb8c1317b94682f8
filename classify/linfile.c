/* linfile.c -- the linear model in memory and on disk (linear.h): making,
 * freeing and quantising the weights, saving and loading the model file.
 * Scoring and the features are linear.c's. */
#include "linear.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "sha256.h"

int cl_lin_init(cl_lin_t *lin, unsigned bits)
{
    memset(lin, 0, sizeof *lin);
    lin->bits = bits;
    lin->mask = (1u << bits) - 1;
    lin->w = calloc((size_t)1 << bits, sizeof(float) * CL_LIN_NOUT);
    if (lin->w == NULL) {
        return -1;
    }
    for (int k = 0; k < CL_LIN_NOUT; k++) {
        lin->scale[k] = 1.0f;
    }
    snprintf(lin->name, sizeof lin->name, "outcry-linear/%u", CL_LIN_VERSION);
    cl_lin_set_fixed(lin);
    return 0;
}

void cl_lin_free(cl_lin_t *lin)
{
    if (lin == NULL) {
        return;
    }
    free(lin->w);
    free(lin->q);
    free(lin->meta);
    memset(lin, 0, sizeof *lin);
}

static int16_t to_q(float w, float scale)
{
    long q = lrintf(w / scale);
    return (int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q);
}

#define HUGE_PAGE ((size_t)2 << 20)

void *cl_big_alloc(size_t bytes)
{
    /* aligned_alloc() wants a multiple of the alignment */
    if (bytes < HUGE_PAGE) {
        return aligned_alloc(64, (bytes + 63) / 64 * 64);
    }
    size_t size = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void *p = aligned_alloc(HUGE_PAGE, size);
    /* Only advice, so its failure is not an error: without huge pages the
     * lookups are as right, if slower (a TLB miss each). */
    if (p != NULL)
        (void)madvise(p, size, MADV_HUGEPAGE);
    return p;
}

/* The scoring copy of the weights: rows of CL_LIN_QSTRIDE int16 (the
 * outputs, then zeros), 64-byte aligned, so that a feature's weights are one
 * aligned half cache line. NULL when out of memory. */
static int16_t *q_alloc(unsigned bits)
{
    size_t bytes = sizeof(int16_t) * ((size_t)CL_LIN_QSTRIDE << bits);
    int16_t *q = cl_big_alloc(bytes);
    if (q != NULL) {
        memset(q, 0, bytes);
    }
    return q;
}

int cl_lin_quantise(cl_lin_t *lin)
{
    size_t nb = (size_t)1 << lin->bits;
    free(lin->q);
    lin->q = q_alloc(lin->bits);
    if (lin->q == NULL) {
        return -1;
    }
    for (int k = 0; k < CL_LIN_NOUT; k++) {
        float max = 0;
        for (size_t b = 0; b < nb; b++) {
            float a = fabsf(lin->w[b * CL_LIN_NOUT + (size_t)k]);
            if (a > max) {
                max = a;
            }
        }
        float s = max > 0 ? max / 32767.0f : 1.0f;
        lin->scale[k] = s;
        for (size_t b = 0; b < nb; b++) {
            size_t i = b * CL_LIN_NOUT + (size_t)k;
            int16_t q = to_q(lin->w[i], s);
            lin->q[b * CL_LIN_QSTRIDE + (size_t)k] = q;
            lin->w[i] = (float)q * s;
        }
    }
    return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        p[i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t float_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float bits_float(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Bytes of a file of 2^bits buckets and mlen bytes of metadata. */
static size_t file_size(unsigned bits, size_t mlen)
{
    return CL_LIN_HEADER_LEN + mlen + 4 * CL_LIN_NOUT + 2 * CL_LIN_NOUT * ((size_t)1 << bits) +
           OC_SHA256_LEN;
}

int cl_lin_save(const cl_lin_t *lin, const char *path, const char *meta, char *err, size_t errlen)
{
    size_t mlen = strlen(meta);
    size_t size = file_size(lin->bits, mlen);
    uint8_t *buf = malloc(size);
    if (buf == NULL) {
        snprintf(err, errlen, "model file %s: out of memory", path);
        return -1;
    }
    memcpy(buf, CL_LIN_MAGIC, 8);
    put32(buf + 8, CL_LIN_VERSION);
    put32(buf + 12, CL_LIN_FEATSET);
    put32(buf + 16, lin->bits);
    put32(buf + 20, CL_LIN_NOUT);
    put32(buf + 24, (uint32_t)mlen);
    memcpy(buf + 28, lin->data_sha, 32);
    uint8_t *p = buf + CL_LIN_HEADER_LEN;
    memcpy(p, meta, mlen);
    p += mlen;
    for (int k = 0; k < CL_LIN_NOUT; k++, p += 4) {
        put32(p, float_bits(lin->scale[k]));
    }
    size_t nw = (size_t)CL_LIN_NOUT << lin->bits;
    for (size_t i = 0; i < nw; i++, p += 2) {
        uint16_t u = (uint16_t)to_q(lin->w[i], lin->scale[i % CL_LIN_NOUT]);
        p[0] = (uint8_t)u;
        p[1] = (uint8_t)(u >> 8);
    }
    if (oc_sha256(buf, (size_t)(p - buf), p) != 0) {
        snprintf(err, errlen,
                 "model file %s: SHA-256 failed (OpenSSL out of memory?); nothing written", path);
        free(buf);
        return -1;
    }
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *fp = fopen(tmp, "wb");
    int ok = fp != NULL && fwrite(buf, 1, size, fp) == size;
    if (fp != NULL && fclose(fp) != 0) {
        ok = 0;
    }
    free(buf);
    if (!ok || rename(tmp, path) != 0) {
        snprintf(err, errlen,
                 "model file %s: cannot write (%s); check the directory exists and "
                 "is writable",
                 path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Reads a whole file. Returns the bytes (owned) or NULL with err set. */
static uint8_t *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) {
        snprintf(err, errlen,
                 "model file %s: cannot open (%s); build it with 'make model' or "
                 "point OUTCRY_CLASSIFY_MODEL / --model at one",
                 path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 20, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap) {
            break;
        }
        uint8_t *nb = cap < ((size_t)1 << 30) ? realloc(buf, cap * 2) : NULL;
        if (nb == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = buf == NULL || ferror(fp);
    fclose(fp);
    if (bad) {
        free(buf);
        snprintf(err, errlen,
                 "model file %s: cannot read (too large, out of memory or an I/O "
                 "error)",
                 path);
        return NULL;
    }
    *len = n;
    return buf;
}

int cl_lin_load(cl_lin_t *lin, const char *path, char *err, size_t errlen)
{
    size_t len = 0;
    memset(lin, 0, sizeof *lin);
    uint8_t *buf = read_file(path, &len, err, errlen);
    if (buf == NULL) {
        return -1;
    }
    const char *what = NULL;
    unsigned bits = 0;
    size_t mlen = 0;
    if (len < CL_LIN_HEADER_LEN || memcmp(buf, CL_LIN_MAGIC, 8) != 0) {
        what = "not an outcry classifier model (bad magic)";
    } else if (get32(buf + 8) != CL_LIN_VERSION) {
        what = "unsupported format version (this build reads version 1); retrain with this "
               "build's 'outcry-classify train'";
    } else if (get32(buf + 12) != CL_LIN_FEATSET) {
        what = "trained with another feature set than this build computes; retrain with 'make "
               "model'";
    } else if ((bits = get32(buf + 16)) < CL_LIN_BITS_MIN || bits > CL_LIN_BITS_MAX) {
        what = "feature-hash size out of range (2^10..2^24 buckets)";
    } else if (get32(buf + 20) != CL_LIN_NOUT) {
        what = "wrong number of outputs (expected 14: complaint, 9 categories, 4 severities)";
    } else if ((mlen = get32(buf + 24)) > len || len != file_size(bits, mlen)) {
        what = "truncated or wrong length for its hash size";
    } else {
        uint8_t sum[OC_SHA256_LEN];
        if (oc_sha256(buf, len - OC_SHA256_LEN, sum) != 0) {
            what = "SHA-256 failed (OpenSSL out of memory?)";
        } else if (memcmp(sum, buf + len - OC_SHA256_LEN, OC_SHA256_LEN) != 0) {
            what = "checksum mismatch (corrupt or edited)";
        }
    }
    if (what == NULL) {
        json_error_t jerr;
        json_t *m = json_loadb((const char *)buf + CL_LIN_HEADER_LEN, mlen, 0, &jerr);
        const char *name = json_string_value(json_object_get(m, "name"));
        if (name == NULL) {
            what = "metadata is not a JSON object with a \"name\"";
        } else {
            snprintf(lin->name, sizeof lin->name, "%s", name);
        }
        json_decref(m);
    }
    if (what != NULL) {
        snprintf(err, errlen, "model file %s: %s; rebuild it with 'make model'", path, what);
        free(buf);
        return -1;
    }
    lin->bits = bits;
    lin->mask = (1u << bits) - 1;
    cl_lin_set_fixed(lin);
    memcpy(lin->data_sha, buf + 28, 32);
    lin->meta = malloc(mlen + 1);
    lin->w = malloc(sizeof(float) * ((size_t)CL_LIN_NOUT << bits));
    lin->q = q_alloc(bits);
    if (lin->meta == NULL || lin->w == NULL || lin->q == NULL) {
        snprintf(err, errlen, "model file %s: out of memory", path);
        free(buf);
        cl_lin_free(lin);
        return -1;
    }
    memcpy(lin->meta, buf + CL_LIN_HEADER_LEN, mlen);
    lin->meta[mlen] = '\0';
    const uint8_t *p = buf + CL_LIN_HEADER_LEN + mlen;
    for (int k = 0; k < CL_LIN_NOUT; k++, p += 4) {
        lin->scale[k] = bits_float(get32(p));
    }
    size_t nw = (size_t)CL_LIN_NOUT << bits;
    for (size_t i = 0; i < nw; i++, p += 2) {
        int16_t q = (int16_t)(uint16_t)(p[0] | p[1] << 8);
        lin->q[i / CL_LIN_NOUT * CL_LIN_QSTRIDE + i % CL_LIN_NOUT] = q;
        lin->w[i] = (float)q * lin->scale[i % CL_LIN_NOUT];
    }
    free(buf);
    return 0;
}
