/* tzone.c -- TZif parsing and UTC offsets (see tzone.h). */
#include "tzone.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

#define TZ_MAX_FILE (1 << 20)

static int64_t be(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    if (n == 4)
        return (int64_t)(int32_t)(uint32_t)v;
    return (int64_t)v;
}

/* Reads [+-]hh[:mm[:ss]] at *s. Returns seconds, or sets *bad. */
static int32_t parse_hms(const char **s, int *bad)
{
    int sign = 1;
    if (**s == '+' || **s == '-')
        sign = *(*s)++ == '-' ? -1 : 1;
    if (!isdigit((unsigned char)**s)) {
        *bad = 1;
        return 0;
    }
    int32_t v[3] = {0, 0, 0};
    for (int i = 0; i < 3; i++) {
        while (isdigit((unsigned char)**s))
            v[i] = v[i] * 10 + (*(*s)++ - '0');
        if (i < 2 && **s == ':' && isdigit((unsigned char)(*s)[1]))
            (*s)++;
        else
            break;
    }
    return sign * (v[0] * 3600 + v[1] * 60 + v[2]);
}

static void skip_name(const char **s)
{
    if (**s == '<') {
        while (**s != '\0' && **s != '>')
            (*s)++;
        if (**s == '>')
            (*s)++;
    } else {
        while (isalpha((unsigned char)**s))
            (*s)++;
    }
}

static int parse_rule(const char **s, al_tz_rule_t *r)
{
    int bad = 0;
    if (*(*s)++ != ',' || *(*s)++ != 'M')
        return -1;
    char *end;
    r->month = (int)strtol(*s, &end, 10);
    if (*end != '.')
        return -1;
    r->week = (int)strtol(end + 1, &end, 10);
    if (*end != '.')
        return -1;
    r->wday = (int)strtol(end + 1, &end, 10);
    *s = end;
    r->secs = 7200;
    if (**s == '/') {
        (*s)++;
        r->secs = parse_hms(s, &bad);
    }
    if (bad || r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 || r->wday < 0 ||
        r->wday > 6)
        return -1;
    return 0;
}

/* The footer: std offset [dst [offset] ,start,end]. POSIX offsets are west
 * positive, hence the minus signs. */
static void parse_footer(al_tzone_t *z, const char *s)
{
    int bad = 0;
    skip_name(&s);
    z->std_off = -parse_hms(&s, &bad);
    if (bad)
        return;
    if (*s == '\0') {
        z->has_rule = 1;
        return;
    }
    skip_name(&s);
    z->dst_off = z->std_off + 3600;
    if (*s != ',' && *s != '\0')
        z->dst_off = -parse_hms(&s, &bad);
    if (bad || parse_rule(&s, &z->start) != 0 || parse_rule(&s, &z->end) != 0 || *s != '\0')
        return;
    z->has_dst = 1;
    z->has_rule = 1;
}

int al_tz_parse(al_tzone_t *z, const unsigned char *buf, size_t len, char *err, size_t errlen)
{
    memset(z, 0, sizeof(*z));
    if (len < 44 || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2') {
        snprintf(err, errlen, "not a TZif version 2+ file");
        return -1;
    }
    /* Skip the 32-bit block. */
    const unsigned char *h = buf;
    int64_t c[6];
    for (int i = 0; i < 6; i++)
        c[i] = be(h + 20 + 4 * i, 4);
    size_t skip = 44 + (size_t)(c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
    if (skip + 44 > len || memcmp(buf + skip, "TZif", 4) != 0) {
        snprintf(err, errlen, "truncated TZif file");
        return -1;
    }
    h = buf + skip;
    for (int i = 0; i < 6; i++)
        c[i] = be(h + 20 + 4 * i, 4);
    int64_t isut = c[0], isstd = c[1], leap = c[2], timecnt = c[3], typecnt = c[4], chars = c[5];
    const unsigned char *p = h + 44;
    size_t need = (size_t)(timecnt * 9 + typecnt * 6 + chars + leap * 12 + isstd + isut);
    if (timecnt < 0 || typecnt < 1 || (size_t)(p - buf) + need > len) {
        snprintf(err, errlen, "truncated TZif file");
        return -1;
    }
    const unsigned char *times = p, *idx = p + timecnt * 8, *types = idx + timecnt;
    z->at = malloc(((size_t)timecnt + 1) * sizeof(*z->at));
    z->off = malloc(((size_t)timecnt + 1) * sizeof(*z->off));
    if (z->at == NULL || z->off == NULL) {
        al_tz_free(z);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (int64_t i = 0; i < timecnt; i++) {
        if (idx[i] >= typecnt) {
            al_tz_free(z);
            snprintf(err, errlen, "bad TZif type index");
            return -1;
        }
        z->at[i] = be(times + 8 * i, 8);
        z->off[i] = (int32_t)be(types + 6 * idx[i], 4);
    }
    z->n = (size_t)timecnt;
    /* Before the first transition: the first standard-time type (else type 0). */
    z->off0 = (int32_t)be(types, 4);
    for (int64_t t = 0; t < typecnt; t++)
        if (types[6 * t + 4] == 0) {
            z->off0 = (int32_t)be(types + 6 * t, 4);
            break;
        }
    const unsigned char *foot = p + need;
    if (foot < buf + len && *foot == '\n') {
        const unsigned char *e = memchr(foot + 1, '\n', (size_t)(buf + len - foot - 1));
        if (e != NULL && e - foot - 1 < 128) {
            char tz[128];
            memcpy(tz, foot + 1, (size_t)(e - foot - 1));
            tz[e - foot - 1] = '\0';
            parse_footer(z, tz);
        }
    }
    return 0;
}

int al_tz_load(al_tzone_t *z, const char *name, char *err, size_t errlen)
{
    memset(z, 0, sizeof(*z));
    if (name == NULL || name[0] == '\0' || name[0] == '/' || strstr(name, "..") != NULL) {
        snprintf(err, errlen, "time zone '%s': expected an IANA name like Europe/Berlin",
                 name != NULL ? name : "");
        return -1;
    }
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", dir != NULL && *dir ? dir : "/usr/share/zoneinfo", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "time zone '%s': cannot open %s (unknown zone? is tzdata installed?)",
                 name, path);
        return -1;
    }
    unsigned char *buf = malloc(TZ_MAX_FILE);
    size_t len = buf != NULL ? fread(buf, 1, TZ_MAX_FILE, f) : 0;
    fclose(f);
    char why[128];
    int rc = buf != NULL ? al_tz_parse(z, buf, len, why, sizeof(why)) : -1;
    free(buf);
    if (rc != 0)
        snprintf(err, errlen, "time zone '%s': %s: %s", name, path,
                 buf != NULL ? why : "out of memory");
    return rc;
}

void al_tz_free(al_tzone_t *z)
{
    free(z->at);
    free(z->off);
    memset(z, 0, sizeof(*z));
}

/* Day of the month of rule r in year y. */
static int64_t rule_day(const al_tz_rule_t *r, int64_t y)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t first = oc_days_from_civil(y, r->month, 1);
    int wd1 = (int)(((first + 4) % 7 + 7) % 7);
    int dim = mdays[r->month - 1] +
              (r->month == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
    int day = 1 + (r->wday - wd1 + 7) % 7 + (r->week - 1) * 7;
    while (day > dim)
        day -= 7;
    return first + day - 1;
}

static int32_t rule_offset(const al_tzone_t *z, int64_t s)
{
    if (!z->has_dst)
        return z->std_off;
    int64_t y = 1970 + (s + (int64_t)z->std_off) / 31556952;
    /* Start: local standard time; end: local daylight time. */
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.secs - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.secs - z->dst_off;
    int dst = start < end ? (s >= start && s < end) : !(s >= end && s < start);
    return dst ? z->dst_off : z->std_off;
}

int64_t al_tz_offset(const al_tzone_t *z, int64_t ms)
{
    int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
    if (z->n == 0 || s < z->at[0])
        return (int64_t)(z->n == 0 && z->has_rule ? rule_offset(z, s) : z->off0) * 1000;
    if (s >= z->at[z->n - 1] && z->has_rule)
        return (int64_t)rule_offset(z, s) * 1000;
    size_t lo = 0, hi = z->n; /* the last at[i] <= s */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->at[mid] <= s)
            lo = mid;
        else
            hi = mid;
    }
    return (int64_t)z->off[lo] * 1000;
}

int64_t al_tz_to_utc(const al_tzone_t *z, int64_t local_ms)
{
    /* Offsets a day either side cover every transition around local_ms. */
    int64_t before = al_tz_offset(z, local_ms - 86400000);
    int64_t after = al_tz_offset(z, local_ms + 86400000);
    int64_t u1 = local_ms - before, u2 = local_ms - after;
    int ok1 = al_tz_offset(z, u1) == before, ok2 = al_tz_offset(z, u2) == after;
    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2; /* overlap: the first occurrence */
    if (ok1)
        return u1;
    if (ok2)
        return u2;
    /* A gap: the wall time never occurs; read it with the offset before the
     * gap, as mktime does (02:30 on a spring-forward night is 03:30). */
    return u1;
}
