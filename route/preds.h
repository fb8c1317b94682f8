/* preds.h -- the matchers that need more than a string compare: PCRE2
 * patterns (regex.c) and weekly time windows (hours.c). */
#ifndef RT_PREDS_H
#define RT_PREDS_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"

/* Compiles pattern (UTF mode, JIT when the library has it). Returns a handle
 * to free with rt_regex_free(), or NULL with the PCRE2 message and the
 * offset in the pattern in err. */
rt_regex_t *rt_regex_compile(const char *pattern, char *err, size_t errlen);
void rt_regex_free(rt_regex_t *re); /* NULL-safe */

/* Whether re matches text (len bytes). utf_checked: the caller already knows
 * text is valid UTF-8 (skips PCRE2's check). Returns 1, 0, or -2 when text
 * is not valid UTF-8 (nothing matches it), -1 on another PCRE2 failure. */
int rt_regex_match(rt_regex_t *re, const char *text, size_t len, int utf_checked);

/* Whether the library JIT-compiled the patterns (for logs and the bench). */
int rt_regex_jit(void);

/* Parses "HH:MM" into minutes after midnight; allow_24 accepts "24:00".
 * Returns 0 or -1. */
int rt_parse_clock(const char *s, int allow_24, int *minutes);
/* Parses a UTC offset "+01:00", "-05:30", "Z" or "+00:00". Returns 0 or -1. */
int rt_parse_utc_offset(const char *s, int *minutes);
/* Parses a day name (mon, tue, ... sun; full names too, any case) into its
 * bit (bit 0 = Monday). Returns the bit or -1. */
int rt_parse_day(const char *s);

/* Whether the instant ms (Unix epoch, UTC) falls inside h. */
int rt_hours_holds(const rt_hours_t *h, int64_t ms);

/* "mon-fri 09:00-17:00 +01:00" for explain and dumps. */
void rt_hours_format(const rt_hours_t *h, char *buf, size_t size);

#endif
