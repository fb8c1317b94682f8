/* buf.c -- see buf.h. */
#include "buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

int oc_buf_add(oc_buf_t *b, const char *s, size_t n)
{
    /* room for index len + n: the n bytes and the NUL after them */
    if (n > SIZE_MAX - b->len - 1 || oc_grow(&b->data, &b->cap, b->len + n, 1, 1024) != 0)
        return -1;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

void oc_buf_free(oc_buf_t *b)
{
    if (b) {
        free(b->data);
        memset(b, 0, sizeof *b);
    }
}

int oc_buf_json_str(oc_buf_t *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    /* room for the worst case (every byte \u00XX), the quotes and the NUL,
     * reserved once: the bytes are then written in place, one pass, where
     * an append per run and per escape cost alert ~5% (a clock's stored post
     * summary is escaped whole at every state write) */
    if (n > (SIZE_MAX - b->len - 3) / 6 ||
        oc_grow(&b->data, &b->cap, b->len + 6 * n + 2, 1, 1024) != 0)
        return -1;
    char *o = b->data + b->len;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        unsigned char ch = *p;
        if (ch >= 0x20 && ch != '"' && ch != '\\') {
            *o++ = (char)ch;
            continue;
        }
        *o++ = '\\';
        switch (ch) {
        case '"':
            *o++ = '"';
            break;
        case '\\':
            *o++ = '\\';
            break;
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        default: /* \u00XX, upper-case hex like jansson */
            *o++ = 'u';
            *o++ = '0';
            *o++ = '0';
            *o++ = hex[ch >> 4];
            *o++ = hex[ch & 15];
        }
    }
    *o++ = '"';
    *o = '\0';
    b->len = (size_t)(o - b->data);
    return 0;
}
