/* calendar.h -- business hours: a weekly schedule in an IANA time zone plus
 * holiday dates. An SLA counted in business hours pauses outside them.
 *
 * The calendars file (OUTCRY_ALERT_CALENDARS / --calendars) is JSON:
 *   {"calendars": {"emea": {"timezone": "Europe/Berlin",
 *                           "hours": {"mon": "09:00-17:00", "tue": "09:00-12:00,13:00-17:00",
 *                                     "sat": "", ...},
 *                           "holidays": ["2024-12-25", "2024-12-26"]}},
 *    "teams": {"billing": "emea"}}
 * Days not listed are closed; "24:00" ends a day. See docs/alert.md. */
#ifndef AL_CALENDAR_H
#define AL_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

#include "tzone.h"

#define AL_MAX_WINDOWS 8 /* per weekday */

typedef struct al_window {
    int32_t start, end; /* minutes after local midnight, start < end <= 1440 */
} al_window_t;

typedef struct al_calendar {
    char *name;                         /* owned */
    al_tzone_t tz;                      /* the zone */
    al_window_t win[7][AL_MAX_WINDOWS]; /* per weekday, 0 = Sunday, sorted */
    int nwin[7];                        /* windows per weekday */
    int64_t *holidays; /* local day numbers (days since 1970-01-01), sorted; owned */
    size_t nholidays;  /* entries in holidays */
} al_calendar_t;

typedef struct al_calendars {
    al_calendar_t *v; /* owned */
    size_t n;
    char **team;      /* team names; owned */
    size_t *team_cal; /* index into v per team */
    size_t nteams;
} al_calendars_t;

/* Loads path (NULL or "": none). Returns 0, or -1 with the reason in err
 * (the file, the place and what is wrong). */
int al_calendars_load(al_calendars_t *c, const char *path, char *err, size_t errlen);
/* Parses the JSON text (for tests). Returns 0 or -1 (err). */
int al_calendars_parse(al_calendars_t *c, const char *text, char *err, size_t errlen);
void al_calendars_free(al_calendars_t *c);

/* The calendar named name, or NULL. */
const al_calendar_t *al_calendar_get(const al_calendars_t *c, const char *name);
/* The calendar of team, or NULL (24/7). */
const al_calendar_t *al_calendar_of_team(const al_calendars_t *c, const char *team);

/* The instant at which dur_ms of business time have passed since start_ms
 * (starting outside business hours, the clock waits for the next window). */
int64_t al_calendar_add(const al_calendar_t *cal, int64_t start_ms, int64_t dur_ms);

#endif
