/* utf8.h -- UTF-8 validation, for ingest's formats and the cJSON post codec
 * (cJSON, unlike jansson, does not check what it parses). */
#ifndef OC_UTF8_H
#define OC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Checks s[0..len) is valid UTF-8 as RFC 3629 defines it: no overlong forms,
 * no surrogates, nothing above U+10FFFF. Returns 0, or -1 with the offset of
 * the first bad byte in *bad (bad may be NULL). */
int oc_utf8_valid(const char *s, size_t len, size_t *bad);

#endif
