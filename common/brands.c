/* brands.c -- the brand accounts spec (brands.h). */
#include "brands.h"
#include "grow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define OC_BRANDS_FILE_MAX (1024 * 1024)

void oc_brands_free(oc_brands_t *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].handle);
        free(b->v[i].brand);
    }
    free(b->v);
    memset(b, 0, sizeof *b);
}

/* s[0..len) without surrounding blanks, as a malloc'd string (NULL: empty or OOM). */
static char *trim_dup(const char *s, size_t len)
{
    while (len > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
        len--;
    }
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) {
        len--;
    }
    return len ? strndup(s, len) : NULL;
}

/* Reads a whole small file into a malloc'd string. */
static char *slurp(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "brand accounts file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(OC_BRANDS_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, OC_BRANDS_FILE_MAX, f) : 0;
    int bad = !buf || ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "brand accounts file %s: unreadable or over 1 MiB", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int push(oc_brands_t *b, const char *handle, const char *brand)
{
    if (oc_grow(&b->v, &b->cap, b->n, sizeof *b->v, 16) != 0) {
        return -1;
    }
    char *h = strdup(handle[0] == '@' ? handle + 1 : handle);
    char *br = strdup(brand);
    if (!h || !br || !h[0]) {
        free(h);
        free(br);
        return -1;
    }
    b->v[b->n++] = (oc_brand_account_t){.handle = h, .brand = br};
    return 0;
}

/* One "brand:h1,h2" entry. */
static int add_entry(oc_brands_t *b, const char *s, size_t len, char *err, size_t errlen)
{
    const char *colon = memchr(s, ':', len);
    char *brand = colon ? trim_dup(s, (size_t)(colon - s)) : NULL;
    if (!brand) {
        snprintf(err, errlen, "brand accounts: '%.*s' is not brand:handle1,handle2", (int)len, s);
        return -1;
    }
    const char *p = colon + 1, *end = s + len;
    int added = 0, rc = 0;
    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *stop = comma ? comma : end;
        char *h = trim_dup(p, (size_t)(stop - p));
        if (h) {
            rc = push(b, h, brand);
            free(h);
            if (rc < 0) {
                snprintf(err, errlen,
                         "brand accounts: empty handle for brand '%s' (or out of "
                         "memory)",
                         brand);
                break;
            }
            added++;
        }
        p = stop + 1;
    }
    if (rc == 0 && !added) {
        snprintf(err, errlen, "brand accounts: brand '%s' has no handles", brand);
        rc = -1;
    }
    free(brand);
    return rc;
}

int oc_brands_parse(oc_brands_t *b, const char *spec, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    if (!spec || !spec[0]) {
        return 0;
    }
    char *owned = NULL;
    if (spec[0] == '/' || strncmp(spec, "./", 2) == 0) {
        owned = slurp(spec, err, errlen);
        if (!owned) {
            return -1;
        }
        spec = owned;
    }
    int rc = 0;
    const char *p = spec;
    while (*p) {
        size_t n = strcspn(p, ";\n");
        size_t content = n;
        const char *hash = memchr(p, '#', n);
        if (hash) {
            content = (size_t)(hash - p);
        }
        char *t = trim_dup(p, content);
        if (t) {
            rc = add_entry(b, t, strlen(t), err, errlen);
            free(t);
            if (rc != 0) {
                break;
            }
        }
        p += n;
        if (*p) {
            p++;
        }
    }
    free(owned);
    if (rc != 0) {
        oc_brands_free(b);
    }
    return rc;
}

const char *oc_brands_brand_of(const oc_brands_t *b, const char *handle, size_t len)
{
    if (!handle) {
        return NULL;
    }
    if (len > 0 && handle[0] == '@') {
        handle++;
        len--;
    }
    for (size_t i = 0; i < b->n; i++) {
        if (strlen(b->v[i].handle) == len && strncasecmp(b->v[i].handle, handle, len) == 0) {
            return b->v[i].brand;
        }
    }
    return NULL;
}

int oc_brands_is_account(const oc_brands_t *b, const char *brand, const char *author_id,
                         const char *handle)
{
    const char *names[2] = {author_id, handle};
    for (int k = 0; k < 2; k++) {
        if (!names[k]) {
            continue;
        }
        const char *of = oc_brands_brand_of(b, names[k], strlen(names[k]));
        if (of && brand && strcmp(of, brand) == 0) {
            return 1;
        }
    }
    return 0;
}
