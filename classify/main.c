/* main.c -- outcry-classify: posts in, classified posts out.
 *
 *   outcry-classify                  the Kafka loop, configured from the environment
 *   outcry-classify --stdio          JSON lines on stdin -> stdout (DLQ on stderr)
 *   outcry-classify text "some text" print the classification of one text
 *   outcry-classify train|eval|model-info|bench ...   see commands.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "commands.h"
#include "config.h"
#include "log.h"
#include "memtune.h"
#include "post.h"
#include "stage.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: outcry-classify [options]\n"
            "       outcry-classify [options] text [--explain] [--outbound] TEXT...\n"
            "       outcry-classify train --data FILE.jsonl --out MODEL [--eval FILE.jsonl]\n"
            "                       [--epochs N] [--seed N] [--hash-bits B] [--lr X] [--l2 X]\n"
            "       outcry-classify eval --data FILE.jsonl [--model MODEL] [--folds K]\n"
            "                       [--threshold X]\n"
            "       outcry-classify model-info [--model MODEL]\n"
            "       outcry-classify bench [--data FILE.jsonl] [--model MODEL] [--rounds N] [--twcs "
            "CSV|none]\n"
            "\n"
            "Reads canonical posts (topic posts), adds a \"classification\" object\n"
            "(complaint, score, category, severity, sentiment, signals, model) and writes\n"
            "them to the topic classified. Bad input goes to the dlq topic.\n"
            "\n"
            "Options:\n"
            "  --stdio          read posts as JSON lines on stdin, write classified posts\n"
            "                   to stdout and DLQ entries to stderr, then exit\n"
            "  --model MODEL    trained model file, or \"lexicon\" for the word lists\n"
            "                   alone (env %s; default: the shipped model,\n"
            "                   <exe>/../classify/model.bin, <exe>/../share/outcry/\n"
            "                   classify-model.bin or %s)\n"
            "  --threshold X    complaint cut-off, 0..1 (default %.1f; env %s)\n"
            "  --high X         severity high when P(high or critical) >= X (default %.1f;\n"
            "                   env %s)\n"
            "  --critical X     severity critical when P(critical) >= X (default %.1f;\n"
            "                   env %s); critical terms are critical anyway\n"
            "  --category-min X category \"other\" when the best category's probability\n"
            "                   is below X (default 0; env %s)\n"
            "  -h, --help       this help\n"
            "  --version        print the version and the model\n"
            "\n"
            "Subcommand:\n"
            "  text TEXT...     classify TEXT (arguments joined by spaces) and print the\n"
            "                   classification as one JSON line; TEXT \"-\" classifies\n"
            "                   each line of stdin instead. --explain adds the tokens and\n"
            "                   matched terms; --outbound classifies as a brand's post.\n"
            "\n",
            CL_MODEL_ENV, CL_MODEL_INSTALLED, CL_DEFAULT_THRESHOLD, CL_THRESHOLD_ENV,
            CL_DEFAULT_HIGH, CL_HIGH_ENV, CL_DEFAULT_CRITICAL, CL_CRITICAL_ENV,
            CL_CATEGORY_MIN_ENV);
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

/* Flags of the service that take a value: name, and where it goes. */
typedef struct vflag {
    const char *name; /* "--threshold" */
    const char **dst; /* the value */
} vflag_t;

/* Matches argv[*i] against the value flags ("--x V" or "--x=V"). Returns 1
 * when it matched, 0 when not, -1 when the value is missing. */
static int value_flag(const vflag_t *flags, int argc, char **argv, int *i)
{
    for (const vflag_t *f = flags; f->name != NULL; f++) {
        size_t n = strlen(f->name);
        if (strcmp(argv[*i], f->name) == 0) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "outcry-classify: %s needs a value\n", f->name);
                return -1;
            }
            *f->dst = argv[++*i];
            return 1;
        }
        if (strncmp(argv[*i], f->name, n) == 0 && argv[*i][n] == '=') {
            *f->dst = argv[*i] + n + 1;
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "train") == 0) {
        return cl_cmd_train(argc - 2, argv + 2);
    }
    if (argc >= 2 && strcmp(argv[1], "eval") == 0) {
        return cl_cmd_eval(argc - 2, argv + 2);
    }
    if (argc >= 2 && strcmp(argv[1], "bench") == 0) {
        return cl_cmd_bench(argc - 2, argv + 2);
    }
    if (argc >= 2 && strcmp(argv[1], "model-info") == 0) {
        return cl_cmd_info(argc - 2, argv + 2);
    }
    oc_config_t cfg;
    if (oc_config_init(&cfg, "classify") != 0) {
        fprintf(stderr, "outcry-classify: %s\n", cfg.err);
        return 2;
    }
    oc_malloc_tune();
    int use_stdio = 0, text_at = 0, version = 0;
    const char *threshold = NULL, *high = NULL, *critical = NULL, *catmin = NULL, *model = NULL;
    const vflag_t vflags[] = {{"--threshold", &threshold}, {"--high", &high},
                              {"--critical", &critical},   {"--category-min", &catmin},
                              {"--model", &model},         {NULL, NULL}};
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
        int vr = value_flag(vflags, argc, argv, &i);
        if (vr < 0) {
            oc_config_free(&cfg);
            return 2;
        }
        if (vr > 0) {
            continue;
        }
        if (strcmp(argv[i], "--stdio") == 0) {
            use_stdio = 1;
        } else if (strcmp(argv[i], "text") == 0) {
            text_at = i + 1;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            oc_config_free(&cfg);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            version = 1;
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
    if (cl_ctx_init(&ctx, model) != 0) {
        fprintf(stderr, "outcry-classify: %s\n", ctx.err);
        cl_ctx_free(&ctx);
        oc_config_free(&cfg);
        return 2;
    }
    const char *tflag[] = {"--threshold", "--high", "--critical", "--category-min"};
    const char *tval[] = {threshold, high, critical, catmin};
    double *tdst[] = {&ctx.th.complaint, &ctx.th.high, &ctx.th.critical, &ctx.th.category_min};
    for (int t = 0; t < 4; t++) {
        if (tval[t] != NULL &&
            cl_parse_threshold(tflag[t], tval[t], tdst[t], ctx.err, sizeof ctx.err) != 0) {
            fprintf(stderr, "outcry-classify: %s\n", ctx.err);
            cl_ctx_free(&ctx);
            oc_config_free(&cfg);
            return 2;
        }
    }
    if (version) {
        printf("outcry-classify %s (model %s)\n", OC_VERSION, cl_model_name(ctx.model));
        cl_ctx_free(&ctx);
        oc_config_free(&cfg);
        return 0;
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
        oc_info("start", "model %s (%s), thresholds complaint %.3f high %.3f critical %.3f, %s",
                cl_model_name(ctx.model), ctx.model_path[0] ? ctx.model_path : "word lists",
                ctx.th.complaint, ctx.th.high, ctx.th.critical, use_stdio ? "stdio" : "kafka");
        ctx.loose = use_stdio;
        rc = use_stdio ? oc_run_stdio(&cfg, &stage, &ctx, stdin, stdout)
                       : oc_run_kafka(&cfg, &stage, &ctx);
    }
    cl_ctx_free(&ctx);
    oc_config_free(&cfg);
    return rc;
}
