/* fuzz_alert_clock.c -- alert's stored clocks, read back after a takeover
 * (alert/state.c): al_clock_parse() reads the form al_clock_text() writes
 * with cJSON and takes the stored post text as it is; anything else goes to
 * jansson. Both ways must give one verdict, so for any bytes:
 *   - al_clock_parse() and jansson + al_clock_from_json() agree on whether
 *     they are a clock, and where they are, the clock they make writes the
 *     same text (al_clock_text);
 *   - that text reads back as itself (a takeover of a takeover changes
 *     nothing). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/sla.h"
#include "buf.h"

static void differ(const char *what, const uint8_t *data, size_t size, const char *a, const char *b)
{
    fprintf(stderr, "stored clock: %s\n  al_clock_parse: %s\n  jansson:        %s\n  input: %.*s\n",
            what, a, b, (int)(size < 2000 ? size : 2000), (const char *)data);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char ferr[256] = "", jerr[256] = "";
    al_clock_t *fast = al_clock_parse(s, size, 3, ferr, sizeof ferr);
    json_error_t e;
    json_t *j = json_loadb(s, size, 0, &e);
    al_clock_t *slow = j != NULL ? al_clock_from_json(j, 3, jerr, sizeof jerr) : NULL;
    json_decref(j);
    if ((fast == NULL) != (slow == NULL)) {
        differ("one reads a clock, the other does not", data, size, fast ? "a clock" : ferr,
               slow ? "a clock" : (j != NULL ? jerr : e.text));
    }
    if (fast != NULL) {
        oc_buf_t a = {0}, b = {0}, c = {0};
        if (al_clock_text(fast, &a) != 0 || al_clock_text(slow, &b) != 0) {
            abort(); /* out of memory: not what is fuzzed */
        }
        if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0) {
            differ("the clocks differ", data, size, a.data, b.data);
        }
        char rerr[256];
        al_clock_t *again = al_clock_parse(a.data, a.len, 3, rerr, sizeof rerr);
        if (again == NULL || al_clock_text(again, &c) != 0 || c.len != a.len ||
            memcmp(c.data, a.data, a.len) != 0) {
            differ("the clock's text does not read back as itself", data, size, a.data,
                   again != NULL ? c.data : rerr);
        }
        al_clock_free(again);
        oc_buf_free(&a);
        oc_buf_free(&b);
        oc_buf_free(&c);
    }
    al_clock_free(fast);
    al_clock_free(slow);
    return 0;
}
