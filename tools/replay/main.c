/* main.c -- outcry-replay: what would our alerts have been?
 *
 *   outcry-replay [--format twcs|jsonl] [--sla-every-inbound SECONDS] [--pipe] FILE
 *
 * Runs FILE through ingest, classify, route and alert in event time and
 * prints every alert as one JSON line on stdout once the pipeline drained.
 * By default as four processes over a private outcry-devbroker and
 * redis-server (started here, stopped here, even on error or SIGINT); with
 * --pipe as one stdio pipeline. See docs/alert.md ("Replay").
 *
 * This file: flags, the work directory, signals, and the choice of mode. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"

volatile sig_atomic_t rp_interrupted;
char rp_bindir[PATH_MAX], rp_workdir[PATH_MAX];
long rp_timeout_s = 1800;
const char *rp_redis_url;

static void on_signal(int sig)
{
    (void)sig;
    rp_interrupted = 1;
}

static void usage(FILE *f)
{
    fputs("Usage: " RP " [--format twcs|jsonl] [--sla-every-inbound SECONDS] [--pipe]\n"
          "                     [--timeout SECONDS] FILE\n"
          "Runs FILE through ingest, classify, route and alert in event time and prints\n"
          "every alert as one JSON line once the pipeline drained.\n"
          "  --format F               input format (default: from the file name)\n"
          "  --sla-every-inbound S    clock every inbound post with a target of S seconds\n"
          "                           for every team (classify --threshold 0, alert\n"
          "                           --every-inbound S)\n"
          "  --pipe                   one stdio pipeline instead of Kafka + Redis\n"
          "  --redis URL              Kafka mode: publish to this Redis instead of a private\n"
          "                           redis-server (alerts it has seen are not published\n"
          "                           again, but still printed)\n"
          "  --timeout S              give up after S seconds (default 1800)\n"
          "Kafka mode starts a private outcry-devbroker and redis-server and stops them.\n"
          "Exit: 0 ok, 1 a stage or the replay failed (its log tail on stderr), 2 usage.\n",
          f);
}

int main(int argc, char **argv)
{
    const char *format = NULL, *every = NULL, *file = NULL;
    int pipe_mode = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--pipe") == 0) {
            pipe_mode = 1;
        } else if (strcmp(a, "--format") == 0 && i + 1 < argc) {
            format = argv[++i];
        } else if (strcmp(a, "--sla-every-inbound") == 0 && i + 1 < argc) {
            every = argv[++i];
            char *e;
            double v = strtod(every, &e);
            if (*e != '\0' || !(v > 0)) {
                fprintf(stderr, RP ": --sla-every-inbound: expected seconds above 0\n");
                return 2;
            }
        } else if (strcmp(a, "--redis") == 0 && i + 1 < argc) {
            rp_redis_url = argv[++i];
        } else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
            char *e;
            rp_timeout_s = strtol(argv[++i], &e, 10);
            if (*e != '\0' || rp_timeout_s <= 0) {
                fprintf(stderr, RP ": --timeout: expected seconds above 0\n");
                return 2;
            }
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, RP ": unknown option or missing value '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (file == NULL) {
            file = a;
        } else {
            fprintf(stderr, RP ": one FILE only\n");
            return 2;
        }
    }
    if (file == NULL) {
        usage(stderr);
        return 2;
    }
    if (access(file, R_OK) != 0) {
        fprintf(stderr, RP ": cannot read %s: %s\n", file, strerror(errno));
        return 2;
    }
    if (format == NULL) {
        const char *dot = strrchr(file, '.');
        format = dot != NULL && strcmp(dot, ".csv") == 0 ? "twcs" : "jsonl";
    }
    ssize_t n = readlink("/proc/self/exe", rp_bindir, sizeof(rp_bindir) - 1);
    if (n <= 0) {
        fprintf(stderr, RP ": cannot find my own directory (/proc/self/exe)\n");
        return 1;
    }
    rp_bindir[n] = '\0';
    *strrchr(rp_bindir, '/') = '\0';
    const char *tmp = getenv("TMPDIR");
    snprintf(rp_workdir, sizeof(rp_workdir), "%s/outcry-replay.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(rp_workdir) == NULL) {
        fprintf(stderr, RP ": cannot create a work directory in %s: %s\n", rp_workdir,
                strerror(errno));
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = pipe_mode ? rp_run_pipe(format, every, file) : rp_run_kafka(format, every, file);
    if (rp_interrupted) {
        fprintf(stderr, RP ": interrupted; stopping everything started\n");
        rc = 1;
    }
    rp_stop_all();
    rp_remove_workdir();
    return rc;
}
