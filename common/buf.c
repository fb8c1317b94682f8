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
    if (oc_buf_add(b, "\"", 1) != 0)
        return -1;
    const char *run = s;
    for (;; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch >= 0x20 && ch != '"' && ch != '\\')
            continue;
        if (s > run && oc_buf_add(b, run, (size_t)(s - run)) != 0)
            return -1;
        if (ch == '\0')
            break;
        char esc[6] = {'\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15]};
        size_t n = 2;
        switch (ch) {
        case '"':
            esc[1] = '"';
            break;
        case '\\':
            esc[1] = '\\';
            break;
        case '\b':
            esc[1] = 'b';
            break;
        case '\f':
            esc[1] = 'f';
            break;
        case '\n':
            esc[1] = 'n';
            break;
        case '\r':
            esc[1] = 'r';
            break;
        case '\t':
            esc[1] = 't';
            break;
        default:
            n = 6; /* \u00XX, upper-case hex like jansson */
        }
        if (oc_buf_add(b, esc, n) != 0)
            return -1;
        run = s + 1;
    }
    return oc_buf_add(b, "\"", 1);
}
