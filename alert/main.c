/* main.c -- outcry-alert: routed complaints and replies in, SLA alerts out.
 *
 *   outcry-alert                      Kafka loop: outcry.routed -> Redis
 *   outcry-alert --stdio [--publish]  routed JSON lines in, alerts as JSON lines out
 *   outcry-alert watch [--team T]     print live alerts from Redis */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core.h"
#include "log.h"
#include "memtune.h"
#include "publish.h"
#include "sla.h"
#include "stage.h"
#include "watch.h"

#define AL_STDIO_GIVE_UP_MS 30000 /* --stdio --publish: how long Redis may be away */

static void usage(FILE *f)
{
    fputs("Usage: outcry-alert [options]\n"
          "         consume outcry.routed, publish SLA alerts to Redis\n"
          "       outcry-alert --stdio [--publish] [options]\n"
          "         routed posts as JSON lines on stdin, every alert as a JSON line on\n"
          "         stdout, in event time; --publish also publishes them to Redis\n"
          "       outcry-alert --list TEAM [--breached] [--json] [--redis URL]\n"
          "         list TEAM's open (or breached) clocks with their deadlines, from Redis\n"
          "       outcry-alert watch [--team TEAM] [--json] [--redis URL]\n"
          "         print live alerts from Redis, one readable line each\n"
          "\n"
          "Alert options:\n"
          "      --stdio                 read stdin instead of Kafka; no wall clock: alerts\n"
          "                              fire as the data's own time passes, and what is due\n"
          "                              by the last post's time fires at the end\n"
          "      --publish               with --stdio: also publish to Redis (--redis)\n"
          "      --every-inbound SECONDS every inbound post opens a clock with this target\n"
          "                              (OUTCRY_ALERT_EVERY_INBOUND; default off)\n"
          "      --lateness-ms MS        allowed lateness of event time\n"
          "                              (OUTCRY_ALERT_LATENESS_MS; default 500)\n"
          "      --stream-maxlen N       approximate length cap of outcry:alerts:stream\n"
          "                              (OUTCRY_ALERT_STREAM_MAXLEN; default 100000)\n"
          "      --seen-ttl SECONDS      how long a published alert id is remembered\n"
          "                              (OUTCRY_ALERT_SEEN_TTL; default 2592000 = 30 days)\n"
          "      --retain SECONDS        forget an unanswered case this long after its last\n"
          "                              alert (OUTCRY_ALERT_RETAIN; default 604800 = 7 days)\n"
          "      --print                 Kafka loop: also print every alert as a JSON line on\n"
          "                              stdout once published (duplicates included)\n"
          "      --event-time            Kafka loop without the wall clock: watermarks move\n"
          "                              with the data and end-of-input control messages\n"
          "                              only (replays through Kafka: outcry-replay)\n"
          "      --calendars FILE        business hours per team (JSON; OUTCRY_ALERT_CALENDARS;\n"
          "                              default none: SLAs count around the clock)\n"
          "      --brand-accounts SPEC   the brands' own accounts, "
          "\"brand:acct1,acct2;brand2:acct3\"\n"
          "                              or a file (./f, /f); their posts count as the brand's\n"
          "                              (OUTCRY_BRAND_ACCOUNTS; default none)\n"
          "  -h, --help                  this help\n"
          "      --version               print the version\n"
          "\n"
          "Watch options:\n"
          "      --team TEAM             only TEAM's alerts (channel outcry:alerts:TEAM)\n"
          "      --json                  print each alert's JSON instead of a readable line\n"
          "\n",
          f);
    fputs(oc_config_usage, f);
}

/* Parses a whole number in [min, max] from s. Returns 0 or -1. */
static int parse_ll(const char *s, long long min, long long max, long long *out)
{
    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

/* Seconds, fractions allowed, above 0. Returns 0 or -1. */
static int parse_seconds_ms(const char *s, long long *ms)
{
    if (s == NULL || *s == '\0')
        return -1;
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !(v >= 0) || v > 366.0 * 86400)
        return -1;
    *ms = (long long)(v * 1000 + 0.5);
    return 0;
}

typedef struct al_flags {
    long long every_inbound_ms; /* 0 = off */
    long long lateness_ms;      /* allowed lateness */
    long long stream_maxlen;    /* XADD MAXLEN ~ */
    long long seen_ttl_s;       /* seen-key expiry */
    long long retain_s;         /* unanswered-case retention */
    const char *accounts;       /* brand accounts spec (noise.h), or NULL */
    const char *calendars;      /* business-hours file (calendar.h), or NULL */
} al_flags_t;

/* Applies one setting from a flag or the environment (name says which).
 * Returns 0, or -1 after printing the error. */
static int set_option(al_flags_t *fl, const char *opt, const char *value, const char *name)
{
    int bad;
    if (strcmp(opt, "every-inbound") == 0)
        bad = parse_seconds_ms(value, &fl->every_inbound_ms);
    else if (strcmp(opt, "lateness-ms") == 0)
        bad = parse_ll(value, 0, 86400000LL, &fl->lateness_ms);
    else if (strcmp(opt, "stream-maxlen") == 0)
        bad = parse_ll(value, 1, 1000000000LL, &fl->stream_maxlen);
    else if (strcmp(opt, "seen-ttl") == 0)
        bad = parse_ll(value, 1, 10LL * 365 * 86400, &fl->seen_ttl_s);
    else
        bad = parse_ll(value, 0, 10LL * 365 * 86400, &fl->retain_s);
    if (bad)
        fprintf(stderr, "outcry-alert: %s: bad value '%s' for %s; see --help\n", name,
                value != NULL ? value : "", opt);
    return bad ? -1 : 0;
}

static int from_env(al_flags_t *fl)
{
    static const struct {
        const char *env;
        const char *opt;
    } vars[] = {
        {"OUTCRY_ALERT_EVERY_INBOUND", "every-inbound"},
        {"OUTCRY_ALERT_LATENESS_MS", "lateness-ms"},
        {"OUTCRY_ALERT_STREAM_MAXLEN", "stream-maxlen"},
        {"OUTCRY_ALERT_SEEN_TTL", "seen-ttl"},
        {"OUTCRY_ALERT_RETAIN", "retain"},
    };
    const char *cal = getenv("OUTCRY_ALERT_CALENDARS");
    if (cal != NULL && *cal != '\0')
        fl->calendars = cal;
    const char *acc = getenv("OUTCRY_BRAND_ACCOUNTS");
    if (acc != NULL && *acc != '\0')
        fl->accounts = acc;
    for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
        const char *v = getenv(vars[i].env);
        if (v != NULL && *v != '\0' && set_option(fl, vars[i].opt, v, vars[i].env) != 0)
            return -1;
    }
    return 0;
}

static int run_watch(oc_config_t *cfg, int argc, char **argv)
{
    const char *team = NULL;
    int json = 0;
    for (int i = 2; i < argc; i++) {
        int r = oc_config_flag(cfg, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "outcry-alert: %s\n", cfg->err);
            return 2;
        }
        if (r == 1)
            continue;
        if (strcmp(argv[i], "--team") == 0 && i + 1 < argc && argv[i + 1][0] != '\0') {
            team = argv[++i];
        } else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "outcry-alert watch: unknown option or missing value '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (oc_config_apply_log(cfg) != 0) {
        fprintf(stderr, "outcry-alert: %s\n", cfg->err);
        return 2;
    }
    return al_watch_run(cfg->redis_url, team, json, stdout);
}

int main(int argc, char **argv)
{
    oc_config_t cfg;
    if (oc_config_init(&cfg, "alert") != 0) {
        fprintf(stderr, "outcry-alert: %s\n", cfg.err);
        return 2;
    }
    oc_malloc_tune();
    if (argc > 1 && strcmp(argv[1], "watch") == 0) {
        int rc = run_watch(&cfg, argc, argv);
        oc_config_free(&cfg);
        return rc;
    }
    al_flags_t fl = {.every_inbound_ms = 0,
                     .lateness_ms = 500,
                     .stream_maxlen = AL_DEFAULT_MAXLEN,
                     .seen_ttl_s = AL_DEFAULT_TTL_S,
                     .retain_s = 7LL * 86400};
    int use_stdio = 0, publish = 0, rc = 2, breached = 0, list_json = 0, event_time = 0;
    int print = 0;
    const char *list_team = NULL;
    al_store_t store;
    memset(&store, 0, sizeof(store));
    al_accounts_t accounts = {0};
    al_calendars_t calendars;
    memset(&calendars, 0, sizeof(calendars));
    if (from_env(&fl) != 0)
        goto out;
    for (int i = 1; i < argc; i++) {
        int r = oc_config_flag(&cfg, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "outcry-alert: %s\n", cfg.err);
            goto out;
        }
        if (r == 1)
            continue;
        const char *a = argv[i];
        if (strcmp(a, "--stdio") == 0) {
            use_stdio = 1;
        } else if (strcmp(a, "--publish") == 0) {
            publish = 1;
        } else if (strcmp(a, "--list") == 0 && i + 1 < argc && argv[i + 1][0] != '\0') {
            list_team = argv[++i];
        } else if (strcmp(a, "--print") == 0) {
            print = 1;
        } else if (strcmp(a, "--event-time") == 0) {
            event_time = 1;
        } else if (strcmp(a, "--breached") == 0) {
            breached = 1;
        } else if (strcmp(a, "--json") == 0) {
            list_json = 1;
        } else if (strcmp(a, "--calendars") == 0 && i + 1 < argc) {
            fl.calendars = argv[++i];
        } else if (strcmp(a, "--brand-accounts") == 0 && i + 1 < argc) {
            fl.accounts = argv[++i];
        } else if (strcmp(a, "--every-inbound") == 0 || strcmp(a, "--lateness-ms") == 0 ||
                   strcmp(a, "--stream-maxlen") == 0 || strcmp(a, "--seen-ttl") == 0 ||
                   strcmp(a, "--retain") == 0) {
            if (set_option(&fl, a + 2, i + 1 < argc ? argv[i + 1] : NULL, a) != 0)
                goto out;
            i++;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--version") == 0) {
            printf("outcry-alert %s\n", OC_VERSION);
            rc = 0;
            goto out;
        } else {
            fprintf(stderr, "outcry-alert: unknown option '%s'\n", a);
            usage(stderr);
            goto out;
        }
    }
    if (list_team != NULL) {
        if (oc_config_apply_log(&cfg) != 0) {
            fprintf(stderr, "outcry-alert: %s\n", cfg.err);
            goto out;
        }
        rc = al_store_list(cfg.redis_url, list_team, breached, list_json, stdout);
        goto out;
    }
    if (breached || list_json) {
        fprintf(stderr, "outcry-alert: --breached and --json go with --list TEAM\n");
        goto out;
    }
    if (publish && !use_stdio) {
        fprintf(stderr, "outcry-alert: --publish goes with --stdio (the Kafka loop always "
                        "publishes)\n");
        goto out;
    }
    if (oc_config_apply_log(&cfg) != 0) {
        fprintf(stderr, "outcry-alert: %s\n", cfg.err);
        goto out;
    }

    char aerr[1024];
    if (al_accounts_parse(&accounts, fl.accounts, aerr, sizeof(aerr)) != 0) {
        fprintf(stderr, "outcry-alert: %s (see --help)\n", aerr);
        goto out;
    }
    if (al_calendars_load(&calendars, fl.calendars, aerr, sizeof(aerr)) != 0) {
        fprintf(stderr, "outcry-alert: %s\n", aerr);
        goto out;
    }
    al_options_t opt;
    al_options_default(&opt);
    opt.accounts = &accounts;
    opt.calendars = &calendars;
    opt.lateness_ms = fl.lateness_ms;
    opt.every_inbound_ms = fl.every_inbound_ms;
    opt.retain_ms = fl.retain_s * 1000;
    al_ctx_t ctx;
    if (al_ctx_init(&ctx, &opt) != 0) {
        fprintf(stderr, "outcry-alert: out of memory\n");
        rc = 1;
        goto out_ctx;
    }
    const char *redis_url = (!use_stdio || publish) ? cfg.redis_url : NULL;
    if (al_sink_init(&ctx.sink, (use_stdio || print) ? stdout : NULL, redis_url, fl.stream_maxlen,
                     fl.seen_ttl_s, use_stdio ? AL_STDIO_GIVE_UP_MS : -1) != 0) {
        fprintf(stderr, "outcry-alert: %s\n", ctx.sink.err);
        goto out_ctx;
    }
    if (redis_url != NULL && al_sink_connect(&ctx.sink) != 0) {
        if (use_stdio) {
            fprintf(stderr, "outcry-alert: %s\n", ctx.sink.err);
            rc = 1;
            goto out_ctx;
        }
        /* Live: Kafka may come up first; publication retries until Redis does. */
        oc_warn("redis_unavailable", "%s; will retry when the first alert fires", ctx.sink.err);
    }

    if (use_stdio) {
        rc = oc_run_stdio(&cfg, &al_stage, &ctx, stdin, stdout);
    } else {
        char topic[256];
        snprintf(topic, sizeof(topic), "%srouted", cfg.topic_prefix);
        if (al_store_init(&store, cfg.redis_url, topic) != 0 || al_engine_track(&ctx.engine) != 0) {
            fprintf(stderr, "outcry-alert: %s\n", store.err[0] ? store.err : "out of memory");
            rc = 2;
            goto out_ctx;
        }
        ctx.store = &store;
        ctx.event_time = event_time;
        oc_info("start", "alert: lateness %lld ms, every-inbound %s, Redis %s:%d db %d",
                fl.lateness_ms, fl.every_inbound_ms > 0 ? "on" : "off", ctx.sink.url.host,
                ctx.sink.url.port, ctx.sink.url.db);
        rc = oc_run_kafka(&cfg, &al_stage, &ctx);
    }
    if (use_stdio)
        oc_info("done",
                "%zu clock(s) still open at the end of the input; %llu published, "
                "%llu duplicate(s)",
                al_engine_open_clocks(&ctx.engine), (unsigned long long)ctx.sink.published,
                (unsigned long long)ctx.sink.duplicates);
out_ctx:
    al_store_close(&store);
    al_sink_close(&ctx.sink);
    al_ctx_free(&ctx);
out:
    al_accounts_free(&accounts);
    al_calendars_free(&calendars);
    oc_config_free(&cfg);
    return rc;
}
