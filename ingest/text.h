/* text.h -- text helpers shared by ingest's formats: UTF-8 scrubbing, HTML
 * entities, NFC normalisation, Twitter's timestamp and @mentions. */
#ifndef IG_TEXT_H
#define IG_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* Replaces every byte of s that is not part of valid UTF-8 with '?', so a
 * message quoting bad input can still go into JSON. */
void ig_utf8_scrub(char *s);

/* Decodes the HTML entities Twitter leaves in text: &amp; &lt; &gt; &quot;
 * &apos; &#39; and any &#NNN; or &#xHH; that names a valid scalar value other
 * than NUL. Anything else (unknown names, "&" alone, &#0;, surrogates) stays
 * as written; decoding is one pass, so "&amp;lt;" gives "&lt;". Returns a
 * malloc'd, NUL-terminated string with its length in *outlen, or NULL when
 * out of memory. */
char *ig_html_decode(const char *s, size_t len, size_t *outlen);

/* NFC-normalises valid UTF-8 (utf8proc). Returns a malloc'd, NUL-terminated
 * string with its length in *outlen, or NULL on failure. */
char *ig_nfc(const char *s, size_t len, size_t *outlen);

/* The whole cleaning of a post's text, in order: UTF-8 validation of the raw
 * bytes, no NUL, entity decoding, CRLF and lone CR to LF, NFC. Returns a
 * malloc'd, NUL-terminated string (length in *outlen), or NULL with a reject
 * code ("invalid_utf8", "invalid_text") in *code and the reason in err. */
char *ig_text_clean(const char *s, size_t len, size_t *outlen, const char **code, char *err,
                    size_t errlen);

/* 1 when s holds nothing but ASCII whitespace (or is empty), else 0. */
int ig_text_blank(const char *s, size_t len);

/* Parses Twitter's classic timestamp "Tue Oct 31 22:10:47 +0000 2017"
 * (weekday, month, day, time, UTC offset, year; names in English whatever the
 * locale). Returns 0 and the instant as ms since the epoch in *ms, or -1. */
int ig_twitter_time(const char *s, int64_t *ms);

/* Finds the next @mention in text at or after *pos: an '@' not preceded by a
 * word character, followed by 1..50 of [A-Za-z0-9_]. Returns 1 with the name
 * (without '@', not NUL-terminated) in *name and *namelen and *pos moved past
 * it, or 0 when there is none. */
int ig_mention_next(const char *text, size_t len, size_t *pos, const char **name, size_t *namelen);

/* 1 when s is a non-empty run of ASCII digits, else 0. */
int ig_is_digits(const char *s);

#endif
