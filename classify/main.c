/* main.c -- outcry-classify: posts in, classified posts out.
 *
 *   outcry-classify                  the Kafka loop, configured from the environment
 *   outcry-classify --stdio          JSON lines on stdin -> stdout (DLQ on stderr)
 *   outcry-classify text "some text" print the classification of one text */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "config.h"
#include "log.h"
#include "post.h"
#include "stage.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: outcry-classify [options]\n"
            "       outcry-classify [--threshold X] text [--explain] [--outbound] TEXT...\n"
            "\n"
            "Reads canonical posts (topic posts), adds a \"classification\" object\n"
            "(complaint, score, category, severity, sentiment, signals, model) and writes\n"
            "them to the topic classified. Bad input goes to the dlq topic.\n"
            "\n"
            "Options:\n"
            "  --stdio          read posts as JSON lines on stdin, write classified posts\n"
            "                   to stdout and DLQ entries to stderr, then exit\n"
            "  --threshold X    complaint cut-off, 0..1 (default %.1f;\n"
            "                   env %s)\n"
            "  -h, --help       this help\n"
            "  --version        print the version and the model\n"
            "\n"
            "Subcommand:\n"
            "  text TEXT...     classify TEXT (arguments joined by spaces) and print the\n"
            "                   classification as one JSON line; TEXT \"-\" classifies\n"
            "                   each line of stdin instead. --explain adds the tokens and\n"
            "                   matched terms; --outbound classifies as a brand's post.\n"
            "\n",
            CL_DEFAULT_THRESHOLD, CL_THRESHOLD_ENV);
    fputs(oc_config_usage, out);
}

/* Prints one classification line. Returns 0, or 1 when out of memory. */
static int print_one(cl_ctx_t *ctx, const char *text, size_t len, int outbound, int explain)
{
    json_t *trace = explain ? json_object() : NULL;
    json_t *c = cl_classify_text(ctx, text, len, outbound, trace);
    if (c == NULL) {
        json_decref(trace);
        fprintf(stderr, "outcry-classify: out of memory\n");
        return 1;
    }
    if (trace != NULL) {
        json_object_set_new(c, "explain", trace);
    }
    char *s = oc_json_dumps(c);
    json_decref(c);
    if (s == NULL) {
        fprintf(stderr, "outcry-classify: out of memory\n");
        return 1;
    }
    puts(s);
    free(s);
    return 0;
}

/* The "text" subcommand over argv[first..argc). */
static int run_text(cl_ctx_t *ctx, int argc, char **argv, int first)
{
    int explain = 0, outbound = 0;
    while (first < argc && strncmp(argv[first], "--", 2) == 0 && argv[first][2] != '\0') {
        if (strcmp(argv[first], "--explain") == 0) {
            explain = 1;
        } else if (strcmp(argv[first], "--outbound") == 0) {
            outbound = 1;
        } else {
            fprintf(stderr, "outcry-classify text: unknown option '%s'\n", argv[first]);
            return 2;
        }
        first++;
    }
    if (first >= argc) {
        fprintf(stderr, "outcry-classify text: no text given (try: outcry-classify text "
                        "\"my order never arrived\")\n");
        return 2;
    }
    if (first == argc - 1 && strcmp(argv[first], "-") == 0) {
        char *line = NULL;
        size_t cap = 0;
        int rc = 0;
        while (rc == 0) {
            ssize_t n = getline(&line, &cap, stdin);
            if (n < 0) {
                break;
            }
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
                line[--n] = '\0';
            }
            rc = print_one(ctx, line, (size_t)n, outbound, explain);
        }
        free(line);
        return rc;
    }
    size_t len = 0;
    for (int i = first; i < argc; i++) {
        len += strlen(argv[i]) + 1;
    }
    char *text = malloc(len + 1);
    if (text == NULL) {
        fprintf(stderr, "outcry-classify: out of memory\n");
        return 1;
    }
    size_t o = 0;
    for (int i = first; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (i > first) {
            text[o++] = ' ';
        }
        memcpy(text + o, argv[i], n);
        o += n;
    }
    text[o] = '\0';
    int rc = print_one(ctx, text, o, outbound, explain);
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    oc_config_t cfg;
    if (oc_config_init(&cfg, "classify") != 0) {
        fprintf(stderr, "outcry-classify: %s\n", cfg.err);
        return 2;
    }
    int use_stdio = 0, text_at = 0;
    const char *threshold = NULL;
    for (int i = 1; i < argc && text_at == 0; i++) {
        int r = oc_config_flag(&cfg, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "outcry-classify: %s\n", cfg.err);
            oc_config_free(&cfg);
            return 2;
        }
        if (r == 1) {
            continue;
        }
        if (strcmp(argv[i], "--stdio") == 0) {
            use_stdio = 1;
        } else if (strcmp(argv[i], "--threshold") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "outcry-classify: --threshold needs a value from 0 to 1\n");
                oc_config_free(&cfg);
                return 2;
            }
            threshold = argv[++i];
        } else if (strncmp(argv[i], "--threshold=", 12) == 0) {
            threshold = argv[i] + 12;
        } else if (strcmp(argv[i], "text") == 0) {
            text_at = i + 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            oc_config_free(&cfg);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("outcry-classify %s (model %s)\n", OC_VERSION, CL_MODEL_NAME);
            oc_config_free(&cfg);
            return 0;
        } else {
            fprintf(stderr, "outcry-classify: unknown option '%s'\n", argv[i]);
            usage(stderr);
            oc_config_free(&cfg);
            return 2;
        }
    }
    if (oc_config_apply_log(&cfg) != 0) {
        fprintf(stderr, "outcry-classify: %s\n", cfg.err);
        oc_config_free(&cfg);
        return 2;
    }
    cl_ctx_t ctx;
    if (cl_ctx_init(&ctx) != 0) {
        fprintf(stderr, "outcry-classify: %s\n", ctx.err);
        cl_ctx_free(&ctx);
        oc_config_free(&cfg);
        return 2;
    }
    if (threshold != NULL && cl_parse_threshold("--threshold", threshold, &ctx.threshold, ctx.err,
                                                sizeof ctx.err) != 0) {
        fprintf(stderr, "outcry-classify: %s\n", ctx.err);
        cl_ctx_free(&ctx);
        oc_config_free(&cfg);
        return 2;
    }
    int rc;
    if (text_at > 0) {
        rc = run_text(&ctx, argc, argv, text_at);
    } else {
        oc_stage_t stage = {
            .name = "classify",
            .input = "posts",
            .primary = "classified",
            .process = cl_process,
        };
        oc_info("start", "model %s, complaint threshold %.3f, %s", CL_MODEL_NAME, ctx.threshold,
                use_stdio ? "stdio" : "kafka");
        rc = use_stdio ? oc_run_stdio(&cfg, &stage, &ctx, stdin, stdout)
                       : oc_run_kafka(&cfg, &stage, &ctx);
    }
    cl_ctx_free(&ctx);
    oc_config_free(&cfg);
    return rc;
}
