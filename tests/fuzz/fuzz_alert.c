/* fuzz_alert.c -- the alert stage core as --stdio drives it, without Redis:
 * any bytes, a line a message (routed posts, replies, end_of_input control
 * messages), then the drain at the end of the input, as outcry-alert
 * --stdio runs. The engine keeps clocks and watermarks from one line to the
 * next, so sequences are fuzzed; every input starts from a fresh context
 * (initialised and freed here), so inputs are independent, reproducible
 * and checked for leaks one by one.
 *
 * The first byte picks the options --stdio takes:
 *   bit 0  --every-inbound 60 (every inbound post opens a clock)
 *   bit 1  --brand-accounts acme:AcmeHelp,acme_support
 *   bit 2  --calendars (business hours in two zones, holidays; teams billing
 *          and care)
 *   bit 3  --lateness-ms 0 (else the default 500)
 *   bit 4  --retain 60 (unanswered clocks expire; else 7 days)
 *
 * What must hold: no crash or sanitizer report, no leak, the stage never
 * fails (al_process() or al_drain() failing stops a stage: only out of
 * memory may), and every alert the sink writes is one outcry.alert/v1 JSON
 * object on a line, as jansson reads it (alerts are written as text, not
 * by jansson: alertmsg.c). Needs tzdata (/usr/share/zoneinfo). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert/core.h"
#include "fuzz.h"

static oc_config_t cfg;
static al_accounts_t accounts;
static al_calendars_t calendars;

/* Two calendars unlike the unit tests': a zone without DST at a half-hour
 * offset, and one of the southern hemisphere (DST from October to April);
 * split days, a window to midnight, holidays. */
static const char calendars_json[] =
    "{\"calendars\": {"
    " \"india\": {\"timezone\": \"Asia/Kolkata\","
    "   \"hours\": {\"mon\": \"09:30-13:00,14:00-18:30\", \"tue\": \"09:30-18:30\","
    "             \"wed\": \"09:30-18:30\", \"thu\": \"09:30-18:30\", \"fri\": \"09:30-16:00\"},"
    "   \"holidays\": [\"2026-01-26\", \"2026-08-15\", \"2026-10-02\"]},"
    " \"sydney\": {\"timezone\": \"Australia/Sydney\","
    "   \"hours\": {\"sat\": \"08:00-24:00\", \"sun\": \"00:00-02:00,20:00-24:00\"},"
    "   \"holidays\": [\"2026-12-26\"]}},"
    " \"teams\": {\"billing\": \"india\", \"care\": \"sydney\"}}";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    char err[1024];
    fz_config(&cfg, "alert");
    if (al_accounts_parse(&accounts, "acme:AcmeHelp,acme_support", err, sizeof err) != 0 ||
        al_calendars_parse(&calendars, calendars_json, err, sizeof err) != 0) {
        fprintf(stderr, "fuzz: alert: %s\n", err);
        exit(2);
    }
    return 0;
}

/* Aborts unless an alert line is an outcry.alert/v1 object jansson reads. */
static void check_alert(const char *line, size_t len, void *arg)
{
    (void)arg;
    json_error_t jerr;
    json_t *a = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *schema = json_string_value(json_object_get(a, "schema"));
    const char *id = json_string_value(json_object_get(a, "alert_id"));
    if (schema == NULL || strcmp(schema, "outcry.alert/v1") != 0 || id == NULL ||
        strlen(id) != 32 || !json_is_string(json_object_get(a, "team"))) {
        fprintf(stderr, "fuzz: alert wrote a bad alert (%s): %.*s\n",
                a == NULL ? jerr.text : "not an outcry.alert/v1 object",
                (int)(len < 2000 ? len : 2000), line);
        abort();
    }
    json_decref(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) {
        return 0;
    }
    al_options_t opt;
    al_options_default(&opt);
    opt.every_inbound_ms = (data[0] & 1) ? 60000 : 0;
    opt.accounts = (data[0] & 2) ? &accounts : NULL;
    opt.calendars = (data[0] & 4) ? &calendars : NULL;
    opt.lateness_ms = (data[0] & 8) ? 0 : 500;
    opt.retain_ms = (data[0] & 16) ? 60000 : 7LL * 86400 * 1000;

    char *out = NULL;
    size_t outlen = 0;
    FILE *sink = open_memstream(&out, &outlen);
    al_ctx_t ctx;
    if (sink == NULL || al_ctx_init(&ctx, &opt) != 0) {
        fprintf(stderr, "fuzz: alert: out of memory\n");
        exit(2);
    }
    /* no Redis: the alerts go to the sink's FILE alone, as with --stdio */
    if (al_sink_init(&ctx.sink, sink, NULL, AL_DEFAULT_MAXLEN, AL_DEFAULT_TTL_S, -1) != 0) {
        fprintf(stderr, "fuzz: alert: %s\n", ctx.sink.err);
        exit(2);
    }
    int rc = fz_run_stdio(&cfg, &al_stage, &ctx, data + 1, size - 1);
    al_sink_close(&ctx.sink);
    al_ctx_free(&ctx);
    if (fclose(sink) != 0) {
        fprintf(stderr, "fuzz: alert: cannot write the alerts to memory\n");
        exit(2);
    }
    if (rc != 0) {
        fprintf(stderr, "fuzz: alert failed on this input (the stage would stop)\n");
        abort();
    }
    fz_lines(out, outlen, check_alert, NULL);
    free(out);
    return 0;
}
