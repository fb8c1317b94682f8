/* result.c -- the classification object as JSON text (model.h): the
 * stage's hot path writes it without building a JSON tree or calling
 * printf. */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "model.h"

/* round3(v) as jansson prints it with JSON_REAL_PRECISION(15) ("%.15g",
 * then ".0" when that looks like an integer): the thousandths, trailing
 * zeros dropped. Without printf, which was a twentieth of the stage's time.
 * Returns the bytes written, or 0 when v is out of range. */
static size_t put_real(char *buf, size_t size, double v)
{
    if (!(v > -1e6 && v < 1e6) || size < 16) {
        return 0;
    }
    long k = lround(fabs(v) * 1000);
    long ip = k / 1000, frac = k % 1000;
    char tmp[16];
    size_t n = 0, o = 0;
    do {
        tmp[n++] = (char)('0' + ip % 10);
        ip /= 10;
    } while (ip > 0);
    if (signbit(v)) {
        buf[o++] = '-';
    }
    while (n > 0) {
        buf[o++] = tmp[--n];
    }
    buf[o++] = '.';
    buf[o++] = (char)('0' + frac / 100);
    if (frac % 100 != 0) {
        buf[o++] = (char)('0' + frac / 10 % 10);
        if (frac % 10 != 0) {
            buf[o++] = (char)('0' + frac % 10);
        }
    }
    buf[o] = '\0';
    return o;
}

/* Appends s to buf at *o. Returns 0, or -1 when it does not fit. */
static int put(char *buf, size_t size, size_t *o, const char *s)
{
    size_t n = strlen(s);
    if (*o + n >= size) {
        return -1;
    }
    memcpy(buf + *o, s, n + 1);
    *o += n;
    return 0;
}

size_t cl_result_text(const cl_result_t *r, char *buf, size_t size)
{
    char num[3][40];
    if (put_real(num[0], sizeof num[0], r->score) == 0 ||
        put_real(num[1], sizeof num[1], r->category_score) == 0 ||
        put_real(num[2], sizeof num[2], r->sentiment) == 0) {
        return 0;
    }
    /* every string here is one of ours: names and the model name need no
     * escaping */
    size_t o = 0;
    int bad =
        put(buf, size, &o,
            r->complaint ? "{\"complaint\":true,\"score\":" : "{\"complaint\":false,\"score\":") |
        put(buf, size, &o, num[0]) | put(buf, size, &o, ",\"category\":\"") |
        put(buf, size, &o, cl_category_name(r->category)) |
        put(buf, size, &o, "\",\"category_score\":") | put(buf, size, &o, num[1]) |
        put(buf, size, &o, ",\"severity\":\"") | put(buf, size, &o, cl_severity_name(r->severity)) |
        put(buf, size, &o, "\",\"sentiment\":") | put(buf, size, &o, num[2]) |
        put(buf, size, &o, ",\"signals\":[");
    const char *sep = "\"";
    for (int i = 0; i < CL_NSIG; i++) {
        if (r->signals & (1u << i)) {
            bad |= put(buf, size, &o, sep) | put(buf, size, &o, cl_signal_name(1u << i)) |
                   put(buf, size, &o, "\"");
            sep = ",\"";
        }
    }
    bad |= put(buf, size, &o, "],\"model\":\"") | put(buf, size, &o, r->model) |
           put(buf, size, &o, "\"}");
    return bad ? 0 : o;
}

json_t *cl_result_json(const cl_result_t *r)
{
    /* one format: the text the stage splices, read back */
    char buf[CL_RESULT_TEXT_MAX];
    size_t n = cl_result_text(r, buf, sizeof buf);
    return n ? json_loadb(buf, n, 0, NULL) : NULL;
}
