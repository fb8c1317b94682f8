/* main.c -- outcry-route: flags, rules, and the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "memtune.h"
#include "reload.h"
#include "route.h"
#include "rules.h"
#include "stage.h"

static void usage(FILE *f)
{
    fprintf(
        f,
        "Usage: outcry-route [options]          route classified posts (Kafka)\n"
        "       outcry-route --stdio [options]  classified JSON lines on stdin, routed on stdout\n"
        "       outcry-route check FILE         validate a rules file: errors with line\n"
        "                                       numbers, exit 1 on any\n"
        "       outcry-route explain [--rules FILE] [--json]\n"
        "                                       posts on stdin: which rules were tried\n"
        "                                       and why each matched or not\n"
        "       outcry-route bench --rules FILE [--n N] [--e2e]\n"
        "                                       routing decisions (and --stdio posts)\n"
        "                                       per CPU second\n"
        "\n"
        "Reads <prefix>classified; writes complaints with a routing decision and every\n"
        "outbound post to <prefix>routed, complaints also to <prefix>team.<team>.\n"
        "Inbound posts that are not complaints are not forwarded (counted in\n"
        "outcry_route_skipped_total). Rules: docs/routing.md. In Kafka mode the rules\n"
        "file is reloaded on SIGHUP and when it changes; a bad file is refused (logged)\n"
        "and the rules in force stay.\n"
        "\n"
        "Route options:\n"
        "      --rules FILE       routing rules (YAML)   OUTCRY_RULES (built-in defaults,\n"
        "                         the same as rules.example.yaml)\n"
        "      --stdio            JSON lines on stdin/stdout instead of Kafka; DLQ entries\n"
        "                         go to stderr; only the routed output is printed\n"
        "  -h, --help             this text\n"
        "      --version          version\n"
        "\n%s",
        oc_config_usage);
}

/* Prints every error of a failed load, one per line. */
static void print_diag(const rt_diag_t *diag, const char *prefix)
{
    for (int i = 0; i < diag->n; i++) {
        fprintf(stderr, "%s%s\n", prefix, diag->errs[i].msg);
    }
    if (diag->total > diag->n) {
        fprintf(stderr, "%s... and %d more error(s)\n", prefix, diag->total - diag->n);
    }
}

/* outcry-route check FILE */
static int cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            printf("Usage: outcry-route check FILE\n"
                   "Validates a rules file (default: $OUTCRY_RULES). Prints every error with\n"
                   "its line and exits 1, or prints \"ok: N rules, M teams\" and exits 0.\n");
            return 0;
        }
        if (path) {
            fprintf(stderr, "outcry-route: check takes one FILE; '%s' is extra\n", argv[i]);
            return 2;
        }
        path = argv[i];
    }
    if (!path) {
        path = getenv("OUTCRY_RULES");
    }
    if (!path || !*path) {
        fprintf(stderr, "outcry-route: check needs a FILE (or OUTCRY_RULES)\n");
        return 2;
    }
    rt_diag_t *diag = malloc(sizeof *diag);
    if (!diag) {
        fprintf(stderr, "outcry-route: out of memory\n");
        return 1;
    }
    rt_rules_t *rules = rt_rules_load_file(path, diag);
    int rc = 0;
    if (rules && rt_rules_lint(rules, diag) > 0) {
        rt_rules_free(rules);
        rules = NULL;
    }
    if (!rules) {
        print_diag(diag, "");
        fprintf(stderr, "%s: %d error(s)\n", path, diag->total);
        rc = 1;
    } else {
        printf("ok: %zu rules, %zu teams\n", rules->nrules, rules->nteams);
    }
    rt_rules_free(rules);
    free(diag);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "check") == 0) {
        return cmd_check(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "explain") == 0) {
        return rt_cmd_explain(argc, argv);
    }
    if (argc >= 2 && strcmp(argv[1], "bench") == 0) {
        return rt_cmd_bench(argc, argv);
    }
    oc_config_t cfg;
    if (oc_config_init(&cfg, "route") != 0) {
        fprintf(stderr, "outcry-route: %s\n", cfg.err);
        return 2;
    }
    oc_malloc_tune();
    int use_stdio = 0;
    const char *rules_path = getenv("OUTCRY_RULES");
    for (int i = 1; i < argc; i++) {
        int r = oc_config_flag(&cfg, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "outcry-route: %s\n", cfg.err);
            oc_config_free(&cfg);
            return 2;
        }
        if (r == 1) {
            continue;
        }
        if (strcmp(argv[i], "--stdio") == 0) {
            use_stdio = 1;
        } else if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
            rules_path = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            oc_config_free(&cfg);
            return 0;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("outcry-route %s\n", OC_VERSION);
            oc_config_free(&cfg);
            return 0;
        } else {
            if (strcmp(argv[i], "--rules") == 0) {
                fprintf(stderr, "outcry-route: --rules needs a FILE\n");
            } else {
                fprintf(stderr, "outcry-route: unknown option '%s'\n", argv[i]);
            }
            usage(stderr);
            oc_config_free(&cfg);
            return 2;
        }
    }
    if (oc_config_apply_log(&cfg) != 0) {
        fprintf(stderr, "outcry-route: %s\n", cfg.err);
        oc_config_free(&cfg);
        return 2;
    }
    rt_diag_t *diag = malloc(sizeof *diag);
    if (!diag) {
        fprintf(stderr, "outcry-route: out of memory\n");
        oc_config_free(&cfg);
        return 1;
    }
    int from_file = rules_path && *rules_path;
    rt_rules_t *rules =
        from_file ? rt_rules_load_file(rules_path, diag) : rt_rules_load_default(diag);
    if (!rules) {
        print_diag(diag, "outcry-route: ");
        fprintf(stderr,
                "outcry-route: the rules were refused (%d error(s)); fix them and check "
                "with 'outcry-route check FILE'\n",
                diag->total);
        free(diag);
        oc_config_free(&cfg);
        return 2;
    }
    free(diag);
    oc_info("rules_loaded", "%zu rules, %zu teams, %zu policies, %zu boosts from %s", rules->nrules,
            rules->nteams, rules->npolicies, rules->nboosts, rules->source);
    rt_log_lint(rules);
    rt_ctx_t ctx;
    rt_reload_t reload;
    /* reload owns the rules from here on (and frees them) */
    if (rt_reload_init(&reload, from_file ? rules_path : NULL, rules) != 0 ||
        rt_ctx_init(&ctx, rules) != 0) {
        fprintf(stderr, "outcry-route: out of memory\n");
        rt_reload_free(&reload);
        oc_config_free(&cfg);
        return 1;
    }
    oc_stage_t stage = {
        .name = "route", .input = "classified", .primary = "routed", .process = rt_process};
    int rc;
    if (use_stdio) {
        rc = oc_run_stdio(&cfg, &stage, &ctx, stdin, stdout);
    } else {
        ctx.reload = &reload;
        stage.tick = rt_reload_tick;
        oc_sighup_install();
        rc = oc_run_kafka(&cfg, &stage, &ctx);
    }
    rt_ctx_free(&ctx);
    rt_reload_free(&reload);
    oc_config_free(&cfg);
    return rc;
}
