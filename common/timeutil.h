/* timeutil.h -- event time as int64 milliseconds since the Unix epoch, UTC. */
#ifndef OC_TIMEUTIL_H
#define OC_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Parses RFC 3339 ("2017-10-31T22:10:47Z", fractions and offsets allowed).
 * Returns 0 and sets *ms, or -1 when s is not a valid timestamp. */
int oc_time_parse(const char *s, int64_t *ms);
/* Formats ms as "2017-10-31T22:10:47Z", or with ".123" when ms has a fraction.
 * buf needs OC_TIME_BUFSZ bytes. Returns buf. */
#define OC_TIME_BUFSZ 32
char *oc_time_format(int64_t ms, char *buf, size_t size);
/* Days from 1970-01-01 to y-m-d (proleptic Gregorian), for parsers of other
 * timestamp formats; no TZ or locale involved. */
int64_t oc_days_from_civil(int64_t y, int m, int d);
/* Wall clock, ms since the epoch. */
int64_t oc_now_ms(void);
/* Monotonic clock, ms, for timeouts and intervals. */
int64_t oc_mono_ms(void);

#endif
