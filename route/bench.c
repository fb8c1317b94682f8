/* bench.c -- `outcry-route bench`: routing decisions per CPU second, and with
 * --e2e the --stdio stage end to end. A benchmark, not a test: it prints
 * figures and asserts nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "match.h"
#include "preds.h"
#include "route.h"

#define NPOSTS 1024 /* distinct synthetic posts, cycled */

static const char *const cats[] = {"billing", "delivery", "product", "technical", "account",
                                   "service", "safety",   "privacy", "other"};
static const char *const sevs[] = {"low", "medium", "medium", "high", "low", "critical"};
static const char *const brands[] = {"acme", "globex", "initech", "umbrella", "hooli", "other"};
static const char *const texts[] = {
    "@acme my bill is wrong again, charged twice this month",
    "@globex parcel still not delivered, tracking says out for delivery since Monday",
    "@initech the app crashes every time I open settings, error 0x80040154",
    "@umbrella no signal at all in the city centre since 9am",
    "@hooli I want to cancel my contract, this is the last straw",
    "@acme thanks for nothing, waited 2 hours on the phone",
    "@globex refund REF-20391 still not processed after three weeks",
    "@initech someone logged into my account from another country",
    "@umbrella the charger got really hot and started smoking",
    "@hooli love the new update but the battery drains fast",
    "@acme ich habe seit gestern keine Verbindung, totale Störung",
    "@globex order #A-99812 arrived damaged, box crushed",
};

static json_t *synth_post(unsigned i)
{
    unsigned h = i * 2654435761u;
    char id[32], author[16];
    snprintf(id, sizeof id, "twitter:%u", 1000000 + i);
    snprintf(author, sizeof author, "%u", 100 + (h >> 7) % 400);
    json_t *signals = json_array();
    if (h % 7 == 0) {
        json_array_append_new(signals, json_string("churn_threat"));
    }
    if (h % 11 == 0) {
        json_array_append_new(signals, json_string("angry"));
    }
    return json_pack(
        "{s:s,s:s,s:s,s:s,s:s,s:{s:s,s:I,s:b},s:s,s:s,s:s,s:s,s:s,s:{s:b,s:f,s:s,s:s,s:o}}",
        "schema", "outcry.post/v1", "id", id, "platform", "twitter", "direction", "inbound",
        "brand", brands[h % 6], "author", "id", author, "followers",
        (json_int_t)((h >> 3) % 7 == 0 ? 25000 : (h >> 5) % 3000), "verified", (h >> 9) % 23 == 0,
        "text", texts[(h >> 11) % 12], "lang", (h >> 13) % 9 == 0 ? "de" : "en", "created_at",
        (h >> 4) % 2 ? "2026-11-23T10:15:00Z" : "2026-11-22T21:40:00Z", "conversation", id,
        "visibility", (h >> 6) % 10 == 0 ? "direct" : "public", "classification", "complaint", 1,
        "score", 0.9, "category", cats[(h >> 2) % 9], "severity", sevs[(h >> 8) % 6], "signals",
        signals);
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Writes lines posts to a temp file; returns its fd (unlinked) or -1. */
static int write_posts(json_t **posts, long lines)
{
    char path[] = "/tmp/outcry-route-bench.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        return -1;
    }
    unlink(path);
    FILE *f = fdopen(dup(fd), "w");
    for (long i = 0; f && i < lines; i++) {
        char *s = json_dumps(posts[i % NPOSTS], JSON_COMPACT);
        if (s) {
            fputs(s, f);
            fputc('\n', f);
        }
        free(s);
    }
    if (!f || fclose(f) != 0) {
        close(fd);
        return -1;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Runs this binary with --stdio over lines posts; prints posts per CPU second. */
static int bench_e2e(const char *rules_path, json_t **posts, long lines)
{
    int fd = write_posts(posts, lines);
    if (fd < 0) {
        fprintf(stderr, "bench: cannot write the posts file in /tmp: %s\n", strerror(errno));
        return 1;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null < 0 || dup2(fd, 0) < 0 || dup2(null, 1) < 0) {
            _exit(127);
        }
        setenv("OUTCRY_LOG", "warn", 1);
        execl("/proc/self/exe", "outcry-route", "--stdio", "--rules", rules_path, (char *)NULL);
        _exit(127);
    }
    close(fd);
    if (pid < 0) {
        fprintf(stderr, "bench: fork failed: %s\n", strerror(errno));
        return 1;
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: outcry-route --stdio failed (status %d)\n", status);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("stdio end to end: %ld posts in %.3f s CPU (%.3f s wall): %.0f posts per CPU second\n",
           lines, cpu, wall, (double)lines / cpu);
    return 0;
}

int rt_cmd_bench(int argc, char **argv)
{
    const char *path = NULL;
    long n = 2000000, e2e = 0;
    for (int i = 2; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--rules") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--n") == 0 && i + 1 < argc) {
            n = strtol(argv[++i], &end, 10);
            if (!end || *end || n <= 0) {
                fprintf(stderr, "bench: --n needs a positive number\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--e2e") == 0 && i + 1 < argc) {
            e2e = strtol(argv[++i], &end, 10);
            if (!end || *end || e2e <= 0) {
                fprintf(stderr, "bench: --e2e needs a positive number of posts\n");
                return 2;
            }
        } else {
            fprintf(stderr, "Usage: outcry-route bench --rules FILE [--n DECISIONS] "
                            "[--e2e POSTS]\n");
            return 2;
        }
    }
    if (!path) {
        fprintf(stderr, "bench: --rules FILE is required (bench/rules-50.yaml)\n");
        return 2;
    }
    rt_diag_t *diag = malloc(sizeof *diag);
    rt_rules_t *rules = diag ? rt_rules_load_file(path, diag) : NULL;
    if (!rules) {
        for (int i = 0; diag && i < diag->n; i++) {
            fprintf(stderr, "%s\n", diag->errs[i].msg);
        }
        free(diag);
        return 2;
    }
    free(diag);
    size_t nregex = 0;
    for (size_t i = 0; i < rules->nrules; i++) {
        for (size_t j = 0; j < rules->rules[i].match.npreds; j++) {
            const rt_pred_t *p = &rules->rules[i].match.preds[j];
            nregex += p->kind == RT_PRED_REGEX ? p->nvalues : 0;
        }
    }
    json_t *posts[NPOSTS];
    cJSON *parsed[NPOSTS]; /* the same posts as the stage reads them */
    for (unsigned i = 0; i < NPOSTS; i++) {
        posts[i] = synth_post(i);
        parsed[i] = rt_cjson_of(posts[i]);
        if (!parsed[i]) {
            fprintf(stderr, "bench: out of memory\n");
            return 1;
        }
    }
    rt_decision_t d;
    size_t hits[64] = {0};
    double t0 = cpu_s();
    int rc = 0;
    for (long i = 0; i < n; i++) {
        if (rt_decide(rules, parsed[i % NPOSTS], &d) < 0) {
            fprintf(stderr, "bench: out of memory\n");
            rc = 1;
            break;
        }
        hits[(size_t)(d.rule - rules->rules) % 64]++;
    }
    double cpu = cpu_s() - t0;
    size_t used = 0;
    for (size_t i = 0; i < 64; i++) {
        used += hits[i] > 0;
    }
    printf("rules: %s: %zu rules, %zu regular expressions (JIT %s), %zu boosts\n", path,
           rules->nrules, nregex, rt_regex_jit() ? "on" : "off", rules->nboosts);
    printf("decisions: %ld over %d distinct posts in %.3f s CPU: %.0f decisions per CPU second "
           "(%zu different rules decided)\n",
           n, NPOSTS, cpu, (double)n / cpu, used);
    if (rc == 0 && e2e > 0) {
        rc = bench_e2e(path, posts, e2e);
    }
    for (unsigned i = 0; i < NPOSTS; i++) {
        json_decref(posts[i]);
        cJSON_Delete(parsed[i]);
    }
    rt_rules_free(rules);
    return rc;
}
