/* tzone.h -- UTC offsets of an IANA time zone, read from the system tz
 * database (/usr/share/zoneinfo, package tzdata; $TZDIR overrides).
 *
 * The TZif file is parsed here (its 64-bit v2+ part: transition times and
 * their UTC offsets) instead of switching TZ and calling localtime_r: no
 * process-global state, so it is safe from any thread and deterministic.
 * After the last transition in the file the POSIX TZ rule in its footer
 * ("CET-1CEST,M3.5.0,M10.5.0/3") is applied; only the Mm.w.d rule form is
 * supported (the one every current zone uses), otherwise the last offset
 * stays in force. Leap seconds are ignored (tzdata "right/" zones are not
 * meant for this). */
#ifndef AL_TZONE_H
#define AL_TZONE_H

#include <stddef.h>
#include <stdint.h>

typedef struct al_tz_rule {
    int month, week, wday; /* Mm.w.d: month 1-12, week 1-5 (5 = last), weekday 0 = Sunday */
    int32_t secs;          /* local time of day of the change, seconds */
} al_tz_rule_t;

typedef struct al_tzone {
    int64_t *at;              /* transition instants, seconds since the epoch; owned */
    int32_t *off;             /* UTC offset (seconds) in force from at[i]; owned */
    size_t n;                 /* transitions */
    int32_t off0;             /* offset before the first transition */
    int has_rule;             /* the footer gave a rule for later times */
    int32_t std_off, dst_off; /* footer: standard and daylight offsets */
    int has_dst;              /* footer has a daylight part */
    al_tz_rule_t start, end;  /* footer: daylight starts, ends */
} al_tzone_t;

/* Loads zone name ("Europe/Berlin", "UTC"). Returns 0, or -1 with the
 * reason in err. */
int al_tz_load(al_tzone_t *z, const char *name, char *err, size_t errlen);
/* Parses a TZif image (for tests). Returns 0 or -1. */
int al_tz_parse(al_tzone_t *z, const unsigned char *buf, size_t len, char *err, size_t errlen);
void al_tz_free(al_tzone_t *z);

/* UTC offset in force at instant ms (since the epoch, UTC), in ms. */
int64_t al_tz_offset(const al_tzone_t *z, int64_t ms);
/* The instant (UTC ms) when local wall-clock time local_ms (ms since the
 * epoch as if local were UTC) occurs. In a gap (spring forward) the wall
 * time is read with the offset before the gap (02:30 -> 03:30, like mktime);
 * in an overlap (fall back) the first occurrence. */
int64_t al_tz_to_utc(const al_tzone_t *z, int64_t local_ms);

#endif
