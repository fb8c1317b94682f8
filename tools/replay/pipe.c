/* pipe.c -- outcry-replay --pipe: the four stages as one stdio pipeline,
 * no broker and no Redis; for inputs too large for the dev broker. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "replay.h"
#include "timeutil.h"

typedef struct line {
    char *text;    /* one canonical post; owned by the buffer */
    int64_t at;    /* created_at */
    size_t number; /* position in ingest's output */
} line_t;

static int by_time(const void *pa, const void *pb)
{
    const line_t *a = pa, *b = pb;
    if (a->at != b->at)
        return a->at < b->at ? -1 : 1;
    return a->number < b->number ? -1 : a->number > b->number;
}

/* Sorts the JSON lines of path in into path out by created_at, stable, as
 * ingest replay orders posts for Kafka. Returns 0 or -1. */
static int sort_posts(const char *in, const char *out)
{
    FILE *f = fopen(in, "r"), *g = NULL;
    line_t *v = NULL;
    size_t n = 0, cap = 0;
    char *buf = NULL;
    size_t bufcap = 0;
    ssize_t len;
    int rc = -1;
    if (f == NULL)
        goto done;
    while ((len = getline(&buf, &bufcap, f)) > 0) {
        if (n == cap) {
            line_t *bigger = realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof(*v));
            if (bigger == NULL)
                goto done;
            v = bigger;
        }
        json_t *j = json_loadb(buf, (size_t)len, 0, NULL);
        const char *at = json_string_value(json_object_get(j, "created_at"));
        v[n].at = INT64_MIN;
        if (at != NULL && oc_time_parse(at, &v[n].at) != 0)
            v[n].at = INT64_MIN;
        json_decref(j);
        v[n].number = n;
        v[n].text = strdup(buf);
        if (v[n++].text == NULL)
            goto done;
    }
    qsort(v, n, sizeof(*v), by_time);
    g = fopen(out, "w");
    for (size_t i = 0; g != NULL && i < n; i++)
        if (fputs(v[i].text, g) == EOF)
            goto done;
    rc = g != NULL && fflush(g) == 0 ? 0 : -1;
done:
    if (rc != 0)
        fprintf(stderr, RP ": cannot sort the converted posts (%s, %s)\n", in, out);
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
    free(buf);
    if (f != NULL)
        fclose(f);
    if (g != NULL && fclose(g) != 0)
        rc = -1;
    return rc;
}

/* ingest convert > posts; sorted by created_at (what ingest replay does for
 * Kafka); then classify --stdio | route --stdio | alert --stdio > alerts.
 * Files between the steps, so no pipe can fill up and block. */
int rp_run_pipe(const char *format, const char *every, const char *file)
{
    if (rp_redis_url != NULL) {
        fprintf(stderr, RP ": --redis goes with the Kafka mode (--pipe publishes nothing)\n");
        return 2;
    }
    char posts[PATH_MAX + 16], sorted[PATH_MAX + 16], alerts[PATH_MAX + 16];
    snprintf(posts, sizeof(posts), "%s/posts.jsonl", rp_workdir);
    snprintf(sorted, sizeof(sorted), "%s/sorted.jsonl", rp_workdir);
    snprintf(alerts, sizeof(alerts), "%s/alerts.jsonl", rp_workdir);
    const char *env[] = {"OUTCRY_LOG=warn", NULL};
    const char *ingest[] = {"outcry-ingest", "convert", "--format", format, file, NULL};
    const char *classify[] = {"outcry-classify", "--stdio", NULL, NULL, NULL};
    const char *route[] = {"outcry-route", "--stdio", NULL};
    const char *alert[] = {"outcry-alert", "--stdio", NULL, NULL, NULL};
    if (every != NULL) {
        classify[2] = "--threshold";
        classify[3] = "0";
        alert[2] = "--every-inbound";
        alert[3] = every;
    }
    int out = open(posts, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    rp_kid_t *k = out >= 0 ? rp_spawn(ingest, env, -1, out) : NULL;
    if (out >= 0)
        close(out);
    if (k == NULL || rp_wait_ok(k) != 0 || sort_posts(posts, sorted) != 0)
        return 1;
    int p[2][2];
    int in = open(sorted, O_RDONLY);
    out = open(alerts, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || pipe(p[0]) != 0 || pipe(p[1]) != 0) {
        fprintf(stderr, RP ": cannot set up the pipeline in %s: %s\n", rp_workdir, strerror(errno));
        return 1;
    }
    rp_kid_t *c = rp_spawn(classify, env, in, p[0][1]);
    rp_kid_t *r = rp_spawn(route, env, p[0][0], p[1][1]);
    rp_kid_t *a = rp_spawn(alert, env, p[1][0], out);
    close(in);
    close(out);
    for (int i = 0; i < 2; i++) {
        close(p[i][0]);
        close(p[i][1]);
    }
    if (!c || !r || !a || rp_wait_ok(c) != 0 || rp_wait_ok(r) != 0 || rp_wait_ok(a) != 0)
        return 1;
    return rp_copy_to_stdout(alerts) == 0 ? 0 : 1;
}
