/* main.c -- outcry-ingest: subcommands and flags.
 *
 *   outcry-ingest convert --format F FILE|-     canonical JSONL on stdout
 *   outcry-ingest replay  --format F FILE|-     to Kafka (posts, dlq)
 *
 *   outcry-ingest serve                         HTTP intake (the default) */
#include "config.h"
#include "dedup.h"
#include "ingest.h"
#include "log.h"
#include "memtune.h"
#include "platform.h"
#include "serve.h"
#include "stage.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: outcry-ingest convert [--format F] [--max-rows N] FILE|-\n"
               "       outcry-ingest replay [--format F] [--speed max|N] [--rebase-now]\n"
               "                            [--flush-timeout S] [--max-rows N] [options] FILE|-\n"
               "       outcry-ingest [serve] [--max-body N] [--brands SPEC] [options]\n"
               "\n"
               "Reads posts in a platform's format and writes canonical posts (outcry.post/v1).\n"
               "  convert   canonical posts as JSON lines on stdout, in input order; rejected\n"
               "            records as DLQ entries (JSON lines) on stderr\n"
               "  replay    to Kafka: posts to the posts topic in created_at order, keyed by\n"
               "            conversation; rejected records to the dlq topic\n"
               "  serve     HTTP intake on OUTCRY_HTTP: POST /v1/posts[?format=F], the Twitter\n"
               "            webhook /v1/webhooks/twitter; answers 202 once Kafka has the posts\n"
               "            (the default command: the container runs it)\n"
               "convert and replay end with a summary on stderr: accepted, rejected by reason.\n"
               "\n"
               "Formats:\n");
    for (int i = 0; ig_formats[i]; i++) {
        fprintf(f, "  %-8s %s\n", ig_formats[i]->name, ig_formats[i]->help);
    }
    fprintf(f,
            "\n"
            "Options:\n"
            "  --format F         input format; default from the file name: .csv twcs,\n"
            "                     .jsonl/.ndjson jsonl\n"
            "  --speed max|N      replay pace: as fast as possible (max, default), or N x real\n"
            "                     time by created_at (1 = as it happened)\n"
            "  --rebase-now       replay: shift every created_at so the earliest post is now\n"
            "  --flush-timeout S  replay: seconds to wait at the end for Kafka to acknowledge\n"
            "                     everything (default 30)\n"
            "  --max-rows N       refuse an input of more than N records; files are read whole\n"
            "                     to link threads (default %d; 0 = no limit)\n"
            "  --sort             replay: in created_at order (always so; kept for scripts)\n"
            "  --brands SPEC      brand accounts \"brand:handle1,handle2;brand2:h3\" or a file\n"
            "                     (/path or ./path); env OUTCRY_BRAND_ACCOUNTS. Gives the\n"
            "                     platform formats direction and brand (twcs: its own rule)\n"
            "  --dedup-ids N      replay, serve: produce an id once among the last N (default\n"
            "                     %d; 0 = off); env OUTCRY_INGEST_DEDUP_IDS\n"
            "  --dedup-window S   ... and within S seconds (default 86400; 0 = no age limit);\n"
            "                     env OUTCRY_INGEST_DEDUP_WINDOW_S\n"
            "  --max-body N       serve: request body limit in bytes (default %d);\n"
            "                     env OUTCRY_INGEST_MAX_BODY\n"
            "  --ack-timeout MS   serve: wait this long for Kafka before answering 503\n"
            "                     (default %d); env OUTCRY_INGEST_ACK_TIMEOUT_MS\n"
            "  --max-queue N      serve: answer 503 while more than N messages wait for\n"
            "                     Kafka (default %d); env OUTCRY_INGEST_MAX_QUEUE\n"
            "  serve also reads OUTCRY_INGEST_TOKEN (bearer token for /v1/posts) and\n"
            "  OUTCRY_TWITTER_SECRET (the webhook's consumer secret; unset = webhook off)\n"
            "  -h, --help         this help\n"
            "  --version          print the version\n"
            "\n"
            "Exit status: 0 done (rejected records are reported, not fatal); 1 runtime failure\n"
            "(unreadable input, too many records, messages Kafka did not acknowledge);\n"
            "2 usage or configuration error.\n"
            "\n",
            IG_DEFAULT_MAX_ROWS, IG_DEDUP_DEFAULT_IDS, IG_DEFAULT_MAX_BODY,
            IG_DEFAULT_ACK_TIMEOUT_MS, IG_DEFAULT_MAX_QUEUE);
    fputs(oc_config_usage, f);
}

/* The format a file name suggests, or NULL. */
static const ig_format_t *format_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) {
        return NULL;
    }
    if (strcmp(dot, ".csv") == 0) {
        return &ig_format_twcs;
    }
    if (strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".ndjson") == 0 || strcmp(dot, ".json") == 0) {
        return &ig_format_jsonl;
    }
    return NULL;
}

/* The value of the flag at argv[*i], advancing *i; NULL when missing. */
static const char *value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "outcry-ingest: %s needs a value\n", argv[*i]);
        return NULL;
    }
    return argv[++*i];
}

static int parse_int(const char *flag, const char *s, long long min, long long *out)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min) {
        fprintf(stderr, "outcry-ingest: %s '%s': expected a whole number >= %lld\n", flag, s, min);
        return -1;
    }
    *out = v;
    return 0;
}

/* A whole-number setting from the environment, when set. Returns 0 or -1. */
static int env_int(const char *name, long long min, long long *out)
{
    const char *v = getenv(name);
    return v && v[0] ? parse_int(name, v, min, out) : 0;
}

static int parse_speed(const char *s, double *out)
{
    if (strcmp(s, "max") == 0) {
        *out = 0;
        return 0;
    }
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0) {
        fprintf(stderr, "outcry-ingest: --speed '%s': expected max or a number > 0\n", s);
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    oc_log_init("ingest");
    const char *cmd = argc < 2 || argv[1][0] == '-' ? "serve" : argv[1];
    int first = argc < 2 || argv[1][0] == '-' ? 1 : 2;
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "help") == 0)) {
        usage(stdout);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
        printf("outcry-ingest %s\n", OC_VERSION);
        return 0;
    }
    int replay = strcmp(cmd, "replay") == 0;
    int serve = strcmp(cmd, "serve") == 0;
    if (!replay && !serve && strcmp(cmd, "convert") != 0) {
        fprintf(stderr, "outcry-ingest: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }

    oc_config_t cfg;
    if (oc_config_init(&cfg, "ingest") != 0) {
        fprintf(stderr, "outcry-ingest: %s\n", cfg.err);
        return 2;
    }
    oc_malloc_tune();
    int rc = 2;
    const ig_format_t *fmt = NULL;
    const char *path = NULL;
    long long max_rows = IG_DEFAULT_MAX_ROWS, flush_s = 30;
    long long dedup_ids = IG_DEDUP_DEFAULT_IDS, dedup_s = IG_DEDUP_DEFAULT_MS / 1000;
    long long max_body = IG_DEFAULT_MAX_BODY, ack_ms = IG_DEFAULT_ACK_TIMEOUT_MS;
    long long max_queue = IG_DEFAULT_MAX_QUEUE;
    const char *brands = getenv("OUTCRY_BRAND_ACCOUNTS");
    ig_replay_opts_t opts = {.speed = 0, .rebase_now = 0};
    if (env_int("OUTCRY_INGEST_DEDUP_IDS", 0, &dedup_ids) != 0 ||
        env_int("OUTCRY_INGEST_DEDUP_WINDOW_S", 0, &dedup_s) != 0 ||
        env_int("OUTCRY_INGEST_MAX_BODY", 1, &max_body) != 0 ||
        env_int("OUTCRY_INGEST_ACK_TIMEOUT_MS", 1, &ack_ms) != 0 ||
        env_int("OUTCRY_INGEST_MAX_QUEUE", 1, &max_queue) != 0) {
        goto out;
    }
    for (int i = first; i < argc; i++) {
        int r = oc_config_flag(&cfg, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "outcry-ingest: %s\n", cfg.err);
            goto out;
        }
        if (r == 1) {
            continue;
        }
        const char *a = argv[i];
        const char *v;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--version") == 0) {
            printf("outcry-ingest %s\n", OC_VERSION);
            rc = 0;
            goto out;
        } else if (strcmp(a, "--format") == 0) {
            v = value(argc, argv, &i);
            if (!v) {
                goto out;
            }
            fmt = ig_format_find(v);
            if (!fmt) {
                fprintf(stderr, "outcry-ingest: unknown format '%s'; known:", v);
                for (int k = 0; ig_formats[k]; k++) {
                    fprintf(stderr, " %s", ig_formats[k]->name);
                }
                fputc('\n', stderr);
                goto out;
            }
        } else if (strcmp(a, "--max-rows") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 0, &max_rows) != 0) {
                goto out;
            }
        } else if (replay && strcmp(a, "--speed") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_speed(v, &opts.speed) != 0) {
                goto out;
            }
        } else if (strcmp(a, "--brands") == 0) {
            v = value(argc, argv, &i);
            if (!v) {
                goto out;
            }
            brands = v;
        } else if ((replay || serve) && strcmp(a, "--dedup-ids") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 0, &dedup_ids) != 0) {
                goto out;
            }
        } else if ((replay || serve) && strcmp(a, "--dedup-window") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 0, &dedup_s) != 0) {
                goto out;
            }
        } else if (serve && strcmp(a, "--max-body") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 1, &max_body) != 0) {
                goto out;
            }
        } else if (serve && strcmp(a, "--ack-timeout") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 1, &ack_ms) != 0) {
                goto out;
            }
        } else if (serve && strcmp(a, "--max-queue") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 1, &max_queue) != 0) {
                goto out;
            }
        } else if (replay && strcmp(a, "--sort") == 0) {
            /* replay always sorts by created_at; the flag says so explicitly */
        } else if (replay && strcmp(a, "--rebase-now") == 0) {
            opts.rebase_now = 1;
        } else if ((replay || serve) && strcmp(a, "--flush-timeout") == 0) {
            v = value(argc, argv, &i);
            if (!v || parse_int(a, v, 1, &flush_s) != 0 || flush_s > 24 * 3600) {
                if (v && flush_s > 24 * 3600) {
                    fprintf(stderr, "outcry-ingest: --flush-timeout: at most a day\n");
                }
                goto out;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "outcry-ingest: unknown option '%s' for %s\n", a, cmd);
            usage(stderr);
            goto out;
        } else if (serve) {
            fprintf(stderr, "outcry-ingest: serve takes no input file ('%s')\n", a);
            goto out;
        } else if (path) {
            fprintf(stderr, "outcry-ingest: one input at a time ('%s' and '%s')\n", path, a);
            goto out;
        } else {
            path = a;
        }
    }
    if (brands && brands[0]) {
        char berr[256];
        if (ig_brands_set(brands, berr, sizeof berr) != 0) {
            fprintf(stderr,
                    "outcry-ingest: %s; write --brands / OUTCRY_BRAND_ACCOUNTS as "
                    "\"brand:handle1,handle2;brand2:h3\"\n",
                    berr);
            goto out;
        }
    }
    opts.dedup_ids = (size_t)dedup_ids;
    opts.dedup_ms = dedup_s * 1000;
    if (serve) {
        if (oc_config_apply_log(&cfg) != 0) {
            fprintf(stderr, "outcry-ingest: bad log level '%s'; use debug, info, warn or error\n",
                    cfg.log_level);
            goto out;
        }
        ig_serve_opts_t so = {
            .max_body = (size_t)max_body,
            .token = getenv("OUTCRY_INGEST_TOKEN"),
            .twitter_secret = getenv("OUTCRY_TWITTER_SECRET"),
            .ack_timeout_ms = (int)(ack_ms > 600000 ? 600000 : ack_ms),
            .max_queue = (int)(max_queue > 10000000 ? 10000000 : max_queue),
            .dedup_ids = (size_t)dedup_ids,
            .dedup_ms = dedup_s * 1000,
            .drain_ms = (int)(flush_s * 1000),
        };
        rc = ig_serve(&cfg, &so);
        goto out;
    }
    if (!path) {
        fprintf(stderr, "outcry-ingest: %s needs an input: a file, or - for stdin\n", cmd);
        goto out;
    }
    if (!fmt) {
        fmt = format_for(path);
        if (!fmt) {
            fprintf(stderr,
                    "outcry-ingest: say which format %s is in: --format jsonl|twcs|"
                    "twitter1|twitter2|mastodon\n",
                    strcmp(path, "-") == 0 ? "stdin" : path);
            goto out;
        }
    }
    if (oc_config_apply_log(&cfg) != 0) {
        fprintf(stderr, "outcry-ingest: bad log level '%s'; use debug, info, warn or error\n",
                cfg.log_level);
        goto out;
    }
    opts.flush_timeout_ms = (int)(flush_s * 1000);

    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "outcry-ingest: cannot open %s: %s\n", path, strerror(errno));
        rc = 1;
        goto out;
    }
    if (replay) {
        oc_signals_install();
    }
    ig_batch_t batch;
    if (ig_batch_load_ex(&batch, in, path, fmt, max_rows, 1) != 0) {
        fprintf(stderr, "outcry-ingest: %s\n", batch.err);
        rc = 1;
    } else if (replay) {
        rc = ig_replay(&batch, &cfg, &opts);
    } else if (ig_convert(&batch, stdout, stderr) != 0) {
        fprintf(stderr, "outcry-ingest: writing the output failed: %s\n", strerror(errno));
        rc = 1;
    } else {
        ig_batch_summary(&batch, NULL);
        rc = 0;
    }
    ig_batch_free(&batch);
    if (in != stdin) {
        fclose(in);
    }
out:
    ig_brands_free();
    oc_config_free(&cfg);
    return rc;
}
