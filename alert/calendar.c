/* calendar.c -- business hours (see calendar.h and docs/alert.md). */
#include "calendar.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

#define DAY_MS   86400000LL
#define MAX_DAYS 3700 /* a calendar with no window for ten years is refused at load */

static const char *const day_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

static int parse_hhmm(const char *s, int32_t *min)
{
    if (strlen(s) < 5 || s[2] != ':')
        return -1;
    for (int i = 0; i < 5; i++)
        if (i != 2 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m != 0))
        return -1;
    *min = h * 60 + m;
    return 0;
}

/* "09:00-12:00,13:00-17:00" -> windows; "" closed. */
static int parse_day(al_calendar_t *cal, int wd, const char *spec, char *err, size_t errlen)
{
    const char *p = spec;
    while (*p != '\0') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == '\0')
            break;
        int32_t a, b;
        if (parse_hhmm(p, &a) != 0 || p[5] != '-' || parse_hhmm(p + 6, &b) != 0 || a >= b ||
            cal->nwin[wd] >= AL_MAX_WINDOWS ||
            (cal->nwin[wd] > 0 && cal->win[wd][cal->nwin[wd] - 1].end > a)) {
            snprintf(err, errlen,
                     "calendar '%s': hours.%s: bad '%s': expected up to %d ascending, "
                     "non-overlapping HH:MM-HH:MM ranges separated by commas",
                     cal->name, day_names[wd], spec, AL_MAX_WINDOWS);
            return -1;
        }
        cal->win[wd][cal->nwin[wd]++] = (al_window_t){a, b};
        p += 11;
    }
    return 0;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int parse_calendar(al_calendar_t *cal, const char *name, const json_t *j, char *err,
                          size_t errlen)
{
    cal->name = strdup(name);
    if (cal->name == NULL || !json_is_object(j)) {
        snprintf(err, errlen, "calendar '%s': expected an object", name);
        return -1;
    }
    const char *zone = json_string_value(json_object_get(j, "timezone"));
    char why[400];
    if (zone == NULL) {
        snprintf(err, errlen, "calendar '%s': timezone: expected an IANA name (Europe/Berlin)",
                 name);
        return -1;
    }
    if (al_tz_load(&cal->tz, zone, why, sizeof(why)) != 0) {
        snprintf(err, errlen, "calendar '%s': %s", name, why);
        return -1;
    }
    const json_t *hours = json_object_get(j, "hours");
    const char *key;
    const json_t *v;
    if (!json_is_object(hours)) {
        snprintf(err, errlen, "calendar '%s': hours: expected {\"mon\": \"09:00-17:00\", ...}",
                 name);
        return -1;
    }
    int total = 0;
    json_object_foreach((json_t *)hours, key, v)
    {
        int wd = -1;
        for (int d = 0; d < 7; d++)
            if (strcmp(key, day_names[d]) == 0)
                wd = d;
        if (wd < 0 || !json_is_string(v)) {
            snprintf(err, errlen,
                     "calendar '%s': hours.%s: expected a day (mon..sun) with a string value", name,
                     key);
            return -1;
        }
        if (parse_day(cal, wd, json_string_value(v), err, errlen) != 0)
            return -1;
        total += cal->nwin[wd];
    }
    if (total == 0) {
        snprintf(err, errlen, "calendar '%s': hours: no business hours on any day", name);
        return -1;
    }
    const json_t *hol = json_object_get(j, "holidays");
    if (hol != NULL && !json_is_array(hol)) {
        snprintf(err, errlen, "calendar '%s': holidays: expected a list of YYYY-MM-DD", name);
        return -1;
    }
    size_t n = json_array_size(hol);
    cal->holidays = calloc(n + 1, sizeof(*cal->holidays));
    if (cal->holidays == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const char *d = json_string_value(json_array_get(hol, i));
        int y, m, dd;
        char tail;
        if (d == NULL || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || m < 1 || m > 12 ||
            dd < 1 || dd > 31) {
            snprintf(err, errlen, "calendar '%s': holidays[%zu]: expected YYYY-MM-DD", name, i);
            return -1;
        }
        cal->holidays[cal->nholidays++] = oc_days_from_civil(y, m, dd);
    }
    qsort(cal->holidays, cal->nholidays, sizeof(*cal->holidays), cmp_i64);
    return 0;
}

int al_calendars_parse(al_calendars_t *c, const char *text, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (root == NULL) {
        snprintf(err, errlen, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return -1;
    }
    const json_t *cals = json_object_get(root, "calendars");
    const json_t *teams = json_object_get(root, "teams");
    const char *key;
    json_t *v;
    int rc = -1;
    if (!json_is_object(cals) || (teams != NULL && !json_is_object(teams))) {
        snprintf(err, errlen, "expected {\"calendars\": {NAME: {...}}, \"teams\": {TEAM: NAME}}");
        goto out;
    }
    c->v = calloc(json_object_size(cals) + 1, sizeof(*c->v));
    c->team = calloc(json_object_size(teams) + 1, sizeof(*c->team));
    c->team_cal = calloc(json_object_size(teams) + 1, sizeof(*c->team_cal));
    if (c->v == NULL || c->team == NULL || c->team_cal == NULL) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    json_object_foreach((json_t *)cals, key, v)
    {
        if (parse_calendar(&c->v[c->n++], key, v, err, errlen) != 0)
            goto out;
    }
    json_object_foreach((json_t *)teams, key, v)
    {
        const char *name = json_string_value(v);
        const al_calendar_t *cal = name != NULL ? al_calendar_get(c, name) : NULL;
        if (cal == NULL) {
            snprintf(err, errlen, "teams.%s: '%s' is not a calendar of this file", key,
                     name != NULL ? name : "(not a string)");
            goto out;
        }
        c->team[c->nteams] = strdup(key);
        c->team_cal[c->nteams] = (size_t)(cal - c->v);
        if (c->team[c->nteams++] == NULL) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
    rc = 0;
out:
    json_decref(root);
    if (rc != 0)
        al_calendars_free(c);
    return rc;
}

int al_calendars_load(al_calendars_t *c, const char *path, char *err, size_t errlen)
{
    memset(c, 0, sizeof(*c));
    if (path == NULL || path[0] == '\0')
        return 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen,
                 "calendars file %s: cannot open it (check --calendars / "
                 "OUTCRY_ALERT_CALENDARS)",
                 path);
        return -1;
    }
    size_t cap = 1 << 20;
    char *buf = malloc(cap + 1);
    size_t len = buf != NULL ? fread(buf, 1, cap, f) : 0;
    fclose(f);
    if (buf == NULL || len == cap) {
        free(buf);
        snprintf(err, errlen, "calendars file %s: larger than 1 MiB or out of memory", path);
        return -1;
    }
    buf[len] = '\0';
    char why[512];
    int rc = al_calendars_parse(c, buf, why, sizeof(why));
    free(buf);
    if (rc != 0)
        snprintf(err, errlen, "calendars file %s: %s", path, why);
    return rc;
}

void al_calendars_free(al_calendars_t *c)
{
    for (size_t i = 0; c->v != NULL && i < c->n; i++) {
        free(c->v[i].name);
        free(c->v[i].holidays);
        al_tz_free(&c->v[i].tz);
    }
    for (size_t i = 0; c->team != NULL && i < c->nteams; i++)
        free(c->team[i]);
    free(c->v);
    free(c->team);
    free(c->team_cal);
    memset(c, 0, sizeof(*c));
}

const al_calendar_t *al_calendar_get(const al_calendars_t *c, const char *name)
{
    for (size_t i = 0; c != NULL && i < c->n; i++)
        if (c->v[i].name != NULL && strcmp(c->v[i].name, name) == 0)
            return &c->v[i];
    return NULL;
}

const al_calendar_t *al_calendar_of_team(const al_calendars_t *c, const char *team)
{
    for (size_t i = 0; c != NULL && i < c->nteams; i++)
        if (strcmp(c->team[i], team) == 0)
            return &c->v[c->team_cal[i]];
    return NULL;
}

static int is_holiday(const al_calendar_t *cal, int64_t day)
{
    return bsearch(&day, cal->holidays, cal->nholidays, sizeof(day), cmp_i64) != NULL;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

int64_t al_calendar_add(const al_calendar_t *cal, int64_t start_ms, int64_t dur_ms)
{
    int64_t t = start_ms, left = dur_ms;
    int64_t day = floor_div(t + al_tz_offset(&cal->tz, t), DAY_MS);
    for (int i = 0; i < MAX_DAYS; i++, day++) {
        int wd = (int)(((day + 4) % 7 + 7) % 7);
        if (!is_holiday(cal, day)) {
            for (int w = 0; w < cal->nwin[wd]; w++) {
                int64_t ws = al_tz_to_utc(&cal->tz, day * DAY_MS + cal->win[wd][w].start * 60000LL);
                int64_t we = al_tz_to_utc(&cal->tz, day * DAY_MS + cal->win[wd][w].end * 60000LL);
                if (we <= t)
                    continue;
                int64_t s = ws > t ? ws : t;
                if (s + left <= we)
                    return s + left;
                left -= we - s;
                t = we;
            }
        }
    }
    return t + left; /* unreachable with a validated calendar */
}
