/* redisurl.c -- parses redis:// URLs (see redisurl.h). */
#include "redisurl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Copies s[0..len) into out, decoding %XX. Returns 0, or -1 when it does
 * not fit or an escape is bad. */
static int decode(const char *s, size_t len, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '%') {
            if (i + 2 >= len || hexval(s[i + 1]) < 0 || hexval(s[i + 2]) < 0)
                return -1;
            ch = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            if (ch == '\0')
                return -1;
            i += 2;
        }
        if (n + 1 >= size)
            return -1;
        out[n++] = ch;
    }
    out[n] = '\0';
    return 0;
}

static int parse_int(const char *s, size_t len, long min, long max, int *out)
{
    char buf[16];
    if (len == 0 || len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        if (buf[i] < '0' || buf[i] > '9')
            return -1;
    errno = 0;
    char *end = NULL;
    long v = strtol(buf, &end, 10);
    if (errno != 0 || end == buf || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

int al_redis_url_parse(const char *url, al_redis_url_t *out, char *err, size_t errlen)
{
    static const char scheme[] = "redis://";
    memset(out, 0, sizeof(*out));
    out->port = 6379;
    if (url == NULL || *url == '\0') {
        snprintf(err, errlen,
                 "no Redis URL: set OUTCRY_REDIS_URL or --redis "
                 "(redis://[user:password@]host:port/db)");
        return -1;
    }
    if (strncmp(url, "rediss://", 9) == 0) {
        snprintf(err, errlen,
                 "Redis URL '%s': TLS (rediss://) is not supported by this build; "
                 "use redis:// behind a TLS proxy",
                 url);
        return -1;
    }
    if (strncmp(url, scheme, sizeof(scheme) - 1) != 0) {
        snprintf(err, errlen, "Redis URL '%s': expected redis://[user:password@]host:port/db", url);
        return -1;
    }
    const char *p = url + sizeof(scheme) - 1;
    const char *end = p + strcspn(p, "/?#");
    /* Credentials end at the last '@' before the path: passwords may hold '@'
     * only percent-encoded, but be lenient. */
    const char *at = NULL;
    for (const char *q = p; q < end; q++)
        if (*q == '@')
            at = q;
    if (at != NULL) {
        const char *colon = memchr(p, ':', (size_t)(at - p));
        int bad;
        if (colon != NULL)
            bad = decode(p, (size_t)(colon - p), out->user, sizeof(out->user)) != 0 ||
                  decode(colon + 1, (size_t)(at - colon - 1), out->password,
                         sizeof(out->password)) != 0;
        else /* "redis://secret@host": a bare password, as redis-cli reads it */
            bad = decode(p, (size_t)(at - p), out->password, sizeof(out->password)) != 0;
        if (bad) {
            snprintf(err, errlen,
                     "Redis URL: user or password too long or badly "
                     "percent-encoded");
            return -1;
        }
        p = at + 1;
    }
    const char *host_end;
    const char *port_start = NULL;
    if (*p == '[') {
        const char *rb = memchr(p, ']', (size_t)(end - p));
        if (rb == NULL) {
            snprintf(err, errlen, "Redis URL '%s': '[' without ']' around an IPv6 address", url);
            return -1;
        }
        host_end = rb;
        p++;
        if (rb + 1 < end) {
            if (rb[1] != ':') {
                snprintf(err, errlen, "Redis URL '%s': expected ':port' after ']'", url);
                return -1;
            }
            port_start = rb + 2;
        }
    } else {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        host_end = colon != NULL ? colon : end;
        if (colon != NULL)
            port_start = colon + 1;
    }
    size_t hlen = (size_t)(host_end - p);
    if (hlen == 0 || hlen >= sizeof(out->host)) {
        snprintf(err, errlen, "Redis URL '%s': %s host", url, hlen == 0 ? "missing" : "too long a");
        return -1;
    }
    memcpy(out->host, p, hlen);
    out->host[hlen] = '\0';
    if (port_start != NULL &&
        parse_int(port_start, (size_t)(end - port_start), 1, 65535, &out->port) != 0) {
        snprintf(err, errlen, "Redis URL '%s': port must be a number from 1 to 65535", url);
        return -1;
    }
    if (*end == '/' && end[1] != '\0') {
        const char *db = end + 1;
        if (parse_int(db, strlen(db), 0, 1000000, &out->db) != 0) {
            snprintf(err, errlen, "Redis URL '%s': database must be a number after the '/'", url);
            return -1;
        }
    } else if (*end == '?' || *end == '#') {
        snprintf(err, errlen, "Redis URL '%s': query parameters are not supported", url);
        return -1;
    }
    return 0;
}
