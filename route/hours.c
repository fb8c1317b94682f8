/* hours.c -- weekly time windows on a post's created_at, at a fixed UTC offset.
 *
 * A fixed offset rather than a tz database name: evaluating a zone per post
 * needs either the process-global TZ (not thread-safe, slow) or a tzfile
 * reader; an operator who follows daylight saving edits the offset and the
 * file reloads without a restart (docs/routing.md). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "preds.h"

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
static const char *const day_full[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                        "friday", "saturday", "sunday"};

static int two_digits(const char *s, int *v)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1])) {
        return -1;
    }
    *v = (s[0] - '0') * 10 + (s[1] - '0');
    return 0;
}

int rt_parse_clock(const char *s, int allow_24, int *minutes)
{
    int h = 0, m = 0;
    size_t n = strlen(s);
    const char *mm = s + 2;
    if (n == 4 && isdigit((unsigned char)s[0]) && s[1] == ':') { /* "9:00" */
        h = s[0] - '0';
        mm = s + 2;
        if (two_digits(mm, &m) < 0) {
            return -1;
        }
    } else if (n == 5 && s[2] == ':') {
        if (two_digits(s, &h) < 0 || two_digits(s + 3, &m) < 0) {
            return -1;
        }
    } else {
        return -1;
    }
    if (m > 59 || h > 24 || (h == 24 && (m != 0 || !allow_24))) {
        return -1;
    }
    *minutes = h * 60 + m;
    return 0;
}

int rt_parse_utc_offset(const char *s, int *minutes)
{
    int h = 0, m = 0;
    if (strcmp(s, "Z") == 0 || strcasecmp(s, "UTC") == 0) {
        *minutes = 0;
        return 0;
    }
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
        two_digits(s + 1, &h) < 0 || two_digits(s + 4, &m) < 0 || h > 14 || m > 59) {
        return -1;
    }
    *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
    return 0;
}

int rt_parse_day(const char *s)
{
    for (int i = 0; i < 7; i++) {
        if (strcasecmp(s, day_names[i]) == 0 || strcasecmp(s, day_full[i]) == 0) {
            return 1 << i;
        }
    }
    return -1;
}

int rt_hours_holds(const rt_hours_t *h, int64_t ms)
{
    int64_t local_min = ms / 60000 + h->offset_min;
    if (ms < 0 && ms % 60000 != 0) {
        local_min--; /* floor, for instants before 1970 */
    }
    int64_t day = local_min / 1440;
    int64_t min = local_min % 1440;
    if (min < 0) {
        min += 1440;
        day--;
    }
    /* 1970-01-01 was a Thursday (index 3 from Monday) */
    int wd = (int)(((day % 7) + 7 + 3) % 7);
    int prev = (wd + 6) % 7;
    if (h->from_min <= h->to_min) {
        return (h->days & (1 << wd)) && min >= h->from_min && min < h->to_min;
    }
    /* wraps midnight: the evening part belongs to today, the morning to yesterday */
    if (min >= h->from_min) {
        return (h->days & (1 << wd)) != 0;
    }
    return min < h->to_min && (h->days & (1 << prev));
}

void rt_hours_format(const rt_hours_t *h, char *buf, size_t size)
{
    char days[64] = "";
    size_t used = 0;
    if (h->days == 0x7f) {
        snprintf(days, sizeof days, "every day");
    } else {
        for (int i = 0; i < 7 && used < sizeof days; i++) {
            if (h->days & (1 << i)) {
                int w = snprintf(days + used, sizeof days - used, "%s%s", used ? "," : "",
                                 day_names[i]);
                used += w > 0 ? (size_t)w : 0;
            }
        }
    }
    int off = h->offset_min < 0 ? -h->offset_min : h->offset_min;
    snprintf(buf, size, "%s %02d:%02d-%02d:%02d UTC%c%02d:%02d", days, h->from_min / 60,
             h->from_min % 60, h->to_min / 60, h->to_min % 60, h->offset_min < 0 ? '-' : '+',
             off / 60, off % 60);
}
