/* replay.c -- outcry-replay: what would our alerts have been?
 *
 *   outcry-replay [--format twcs|jsonl] [--sla-every-inbound SECONDS] [--pipe] FILE
 *
 * Runs FILE through ingest, classify, route and alert in event time and
 * prints every alert as one JSON line on stdout once the pipeline drained.
 * By default as four processes over a private outcry-devbroker and
 * redis-server (started here, stopped here, even on error or SIGINT); with
 * --pipe as one stdio pipeline. See docs/alert.md ("Replay").
 *
 * lint: long-file tools/NAME.c build as one-file programs; the two modes share
 * the process supervision (spawn, reap, stop everything) kept here. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "timeutil.h"

#define RP          "outcry-replay"
#define RP_MAX_KIDS 8
#define RP_CONTROL                                                                                 \
    "{\"schema\":\"outcry.control/v1\",\"type\":\"end_of_input\",\"watermark\":\"%s\"}"

typedef struct kid {
    pid_t pid;          /* 0 once reaped */
    const char *name;   /* for messages */
    char log[PATH_MAX]; /* its stderr */
    int status;         /* wait status once reaped */
} kid_t;

static kid_t kids[RP_MAX_KIDS];
static int nkids;
static volatile sig_atomic_t interrupted;
static char bindir[PATH_MAX], workdir[PATH_MAX];
static long timeout_s = 1800;
static const char *redis_url; /* --redis: publish there instead of a private redis-server */

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts argv[0] (a name in bindir unless it has no "outcry-" prefix: PATH)
 * with stdin/stdout from the fds (-1: /dev/null) and stderr to a log file in
 * the work directory. env: NULL-terminated "K=V" strings. Returns the kid or NULL. */
static kid_t *spawn(const char *const argv[], const char *const env[], int in_fd, int out_fd)
{
    if (nkids == RP_MAX_KIDS)
        return NULL;
    kid_t *k = &kids[nkids];
    memset(k, 0, sizeof(*k));
    k->name = argv[0];
    snprintf(k->log, sizeof(k->log), "%s/%s.%d.log", workdir, argv[0], nkids);
    char path[PATH_MAX * 2];
    if (strncmp(argv[0], "outcry-", 7) == 0)
        snprintf(path, sizeof(path), "%s/%s", bindir, argv[0]);
    else
        snprintf(path, sizeof(path), "%s", argv[0]);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, RP ": cannot start %s: %s\n", argv[0], strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int log = open(k->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(in_fd >= 0 ? in_fd : devnull, 0);
        dup2(out_fd >= 0 ? out_fd : devnull, 1);
        dup2(log >= 0 ? log : devnull, 2);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        for (int i = 0; env != NULL && env[i] != NULL; i++) {
            char kv[512];
            snprintf(kv, sizeof(kv), "%s", env[i]);
            char *eq = strchr(kv, '=');
            if (eq != NULL) {
                *eq = '\0';
                setenv(kv, eq + 1, 1);
            }
        }
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        execvp(path, (char *const *)argv);
        fprintf(stderr, RP ": cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    k->pid = pid;
    nkids++;
    return k;
}

/* Reaps k if it exited. Returns 1 when it has (status in k->status). */
static int reaped(kid_t *k)
{
    if (k->pid == 0)
        return 1;
    if (waitpid(k->pid, &k->status, WNOHANG) == k->pid) {
        k->pid = 0;
        return 1;
    }
    return 0;
}

static int exited_ok(const kid_t *k)
{
    return WIFEXITED(k->status) && WEXITSTATUS(k->status) == 0;
}

static void show_log(const kid_t *k)
{
    FILE *f = fopen(k->log, "r");
    if (f == NULL)
        return;
    char buf[4096];
    if (fseek(f, -4000, SEEK_END) != 0)
        rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    fprintf(stderr, "--- last lines of %s's log:\n%s\n---\n", k->name, buf);
}

/* Stops every kid still running, the last started first: SIGTERM, then
 * SIGKILL after 10 s. */
static void stop_all(void)
{
    for (int i = nkids - 1; i >= 0; i--) {
        kid_t *k = &kids[i];
        if (reaped(k))
            continue;
        kill(k->pid, SIGTERM);
        for (int t = 0; t < 200 && !reaped(k); t++)
            sleep_ms(50);
        if (!reaped(k)) {
            kill(k->pid, SIGKILL);
            waitpid(k->pid, &k->status, 0);
            k->pid = 0;
        }
    }
}

static void remove_workdir(void)
{
    if (workdir[0] == '\0')
        return;
    const char *argv[] = {"rm", "-rf", workdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", (char *const *)argv);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* ---- --pipe --------------------------------------------------------- */

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

/* Waits for k; 0 when it exited with status 0, else -1 (its log shown). */
static int wait_ok(kid_t *k)
{
    while (!interrupted && !reaped(k))
        sleep_ms(20);
    if (interrupted)
        return -1;
    if (!exited_ok(k)) {
        fprintf(stderr, RP ": %s failed (status %d)\n", k->name, k->status);
        show_log(k);
        return -1;
    }
    return 0;
}

static int copy_to_stdout(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[65536];
    size_t n;
    int rc = f != NULL ? 0 : -1;
    while (f != NULL && (n = fread(buf, 1, sizeof(buf), f)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            rc = -1;
    if (f != NULL)
        fclose(f);
    if (fflush(stdout) != 0 || rc != 0) {
        fprintf(stderr, RP ": cannot write the alerts to stdout\n");
        return -1;
    }
    return 0;
}

/* ingest convert > posts; sorted by created_at (what ingest replay does for
 * Kafka); then classify --stdio | route --stdio | alert --stdio > alerts.
 * Files between the steps, so no pipe can fill up and block. */
static int run_pipe(const char *format, const char *every, const char *file)
{
    if (redis_url != NULL) {
        fprintf(stderr, RP ": --redis goes with the Kafka mode (--pipe publishes nothing)\n");
        return 2;
    }
    char posts[PATH_MAX + 16], sorted[PATH_MAX + 16], alerts[PATH_MAX + 16];
    snprintf(posts, sizeof(posts), "%s/posts.jsonl", workdir);
    snprintf(sorted, sizeof(sorted), "%s/sorted.jsonl", workdir);
    snprintf(alerts, sizeof(alerts), "%s/alerts.jsonl", workdir);
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
    kid_t *k = out >= 0 ? spawn(ingest, env, -1, out) : NULL;
    if (out >= 0)
        close(out);
    if (k == NULL || wait_ok(k) != 0 || sort_posts(posts, sorted) != 0)
        return 1;
    int p[2][2];
    int in = open(sorted, O_RDONLY);
    out = open(alerts, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || pipe(p[0]) != 0 || pipe(p[1]) != 0) {
        fprintf(stderr, RP ": cannot set up the pipeline in %s: %s\n", workdir, strerror(errno));
        return 1;
    }
    kid_t *c = spawn(classify, env, in, p[0][1]);
    kid_t *r = spawn(route, env, p[0][0], p[1][1]);
    kid_t *a = spawn(alert, env, p[1][0], out);
    close(in);
    close(out);
    for (int i = 0; i < 2; i++) {
        close(p[i][0]);
        close(p[i][1]);
    }
    if (!c || !r || !a || wait_ok(c) != 0 || wait_ok(r) != 0 || wait_ok(a) != 0)
        return 1;
    return copy_to_stdout(alerts) == 0 ? 0 : 1;
}

/* ---- Kafka ------------------------------------------------------------ */

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(a);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &alen) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static int alive_all(void)
{
    for (int i = 0; i < nkids; i++) {
        if (reaped(&kids[i])) {
            fprintf(stderr, RP ": %s stopped unexpectedly (status %d)\n", kids[i].name,
                    kids[i].status);
            show_log(&kids[i]);
            return 0;
        }
    }
    return 1;
}

static rd_kafka_t *client(const char *bootstrap, rd_kafka_type_t type, const char *group)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof(err)) != 0 ||
        (group != NULL && rd_kafka_conf_set(conf, "group.id", group, err, sizeof(err)) != 0) ||
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err)) != 0) {
        fprintf(stderr, RP ": Kafka configuration: %s\n", err);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof(err));
    if (rk == NULL)
        fprintf(stderr, RP ": Kafka client: %s\n", err);
    return rk;
}

static int partitions(rd_kafka_t *rk, const char *topic)
{
    rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
    const struct rd_kafka_metadata *md = NULL;
    int n = -1;
    if (t != NULL && rd_kafka_metadata(rk, 0, t, &md, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR &&
        md->topic_cnt == 1 && md->topics[0].err == 0)
        n = md->topics[0].partition_cnt;
    if (md != NULL)
        rd_kafka_metadata_destroy(md);
    if (t != NULL)
        rd_kafka_topic_destroy(t);
    return n;
}

/* 1 when group (a consumer handle with that group.id) committed every
 * partition of topic up to its end, 0 not yet, -1 on an error. */
static int drained(rd_kafka_t *group, const char *topic, int nparts)
{
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(nparts);
    for (int p = 0; p < nparts; p++)
        rd_kafka_topic_partition_list_add(l, topic, p);
    int done = rd_kafka_committed(group, l, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR ? 1 : -1;
    for (int p = 0; done == 1 && p < nparts; p++) {
        int64_t lo, hi;
        if (rd_kafka_query_watermark_offsets(group, topic, p, &lo, &hi, 5000) != 0) {
            done = -1;
            break;
        }
        int64_t c = l->elems[p].offset;
        if (hi > 0 && c < hi)
            done = 0;
    }
    rd_kafka_topic_partition_list_destroy(l);
    return done;
}

static int wait_drained(const char *bootstrap, const char *group, const char *topic, time_t end)
{
    rd_kafka_t *g = client(bootstrap, RD_KAFKA_CONSUMER, group);
    int n = g != NULL ? partitions(g, topic) : -1;
    int rc = -1;
    while (n > 0 && !interrupted && time(NULL) < end && alive_all()) {
        int d = drained(g, topic, n);
        if (d != 0) {
            rc = d == 1 ? 0 : -1;
            break;
        }
        sleep_ms(200);
    }
    if (rc != 0 && !interrupted)
        fprintf(stderr, RP ": %s did not finish %s (timeout %lds, or an error above)\n", group,
                topic, timeout_s);
    if (g != NULL)
        rd_kafka_destroy(g);
    return rc;
}

/* The highest created_at of the posts topic. Returns 0, or -1. */
static int max_event_time(const char *bootstrap, const char *topic, int64_t *max)
{
    rd_kafka_t *c = client(bootstrap, RD_KAFKA_CONSUMER, "outcry-replay-reader");
    int n = c != NULL ? partitions(c, topic) : -1;
    if (n <= 0) {
        if (c != NULL)
            rd_kafka_destroy(c);
        return -1;
    }
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(n);
    int64_t *hi = calloc((size_t)n, sizeof(*hi)), left = 0;
    for (int p = 0; p < n; p++) {
        int64_t lo;
        rd_kafka_query_watermark_offsets(c, topic, p, &lo, &hi[p], 5000);
        if (lo > 0) {
            fprintf(stderr,
                    RP ": the dev broker evicted the start of %s [%d] (it keeps about "
                       "5 MiB per partition): the input is too large for the Kafka "
                       "mode; use --pipe\n",
                    topic, p);
            left = -1;
            break;
        }
        left += hi[p] - lo;
        rd_kafka_topic_partition_list_add(l, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
    }
    if (left < 0) {
        rd_kafka_topic_partition_list_destroy(l);
        free(hi);
        rd_kafka_destroy(c);
        return -1;
    }
    rd_kafka_assign(c, l);
    rd_kafka_topic_partition_list_destroy(l);
    *max = INT64_MIN;
    time_t end = time(NULL) + 120;
    while (left > 0 && !interrupted && time(NULL) < end) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 200);
        if (m == NULL)
            continue;
        if (m->err == 0) {
            left--;
            json_t *j = json_loadb(m->payload, m->len, 0, NULL);
            const char *at = json_string_value(json_object_get(j, "created_at"));
            int64_t ms;
            if (at != NULL && oc_time_parse(at, &ms) == 0 && ms > *max)
                *max = ms;
            json_decref(j);
        }
        rd_kafka_message_destroy(m);
    }
    free(hi);
    rd_kafka_consumer_close(c);
    rd_kafka_destroy(c);
    return left == 0 ? 0 : -1;
}

/* The end-of-input control message to every partition of topic. */
static int send_control(const char *bootstrap, const char *topic, int64_t wm)
{
    rd_kafka_t *p = client(bootstrap, RD_KAFKA_PRODUCER, NULL);
    int n = p != NULL ? partitions(p, topic) : -1;
    char at[OC_TIME_BUFSZ], msg[160];
    oc_time_format(wm, at, sizeof(at));
    snprintf(msg, sizeof(msg), RP_CONTROL, at);
    int rc = n > 0 ? 0 : -1;
    for (int i = 0; rc == 0 && i < n; i++)
        if (rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(i),
                              RD_KAFKA_V_VALUE(msg, strlen(msg)),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END) != 0)
            rc = -1;
    if (p != NULL) {
        if (rd_kafka_flush(p, 30000) != 0)
            rc = -1;
        rd_kafka_destroy(p);
    }
    if (rc != 0)
        fprintf(stderr, RP ": cannot send the end-of-input message to %s\n", topic);
    return rc;
}

static int run_kafka(const char *format, const char *every, const char *file)
{
    time_t end = time(NULL) + timeout_s;
    char port_file[PATH_MAX + 16], bootstrap[256] = "";
    snprintf(port_file, sizeof(port_file), "%s/bootstrap", workdir);
    /* Topic names of their own: the state alert keeps in Redis is keyed by
     * topic, and with --redis an earlier replay's state must not count. */
    static char prefix[64], e_prefix[96];
    snprintf(prefix, sizeof(prefix), "replay%ld-%ld.", (long)getpid(), (long)time(NULL));
    snprintf(e_prefix, sizeof(e_prefix), "OUTCRY_TOPIC_PREFIX=%s", prefix);
    const char *broker[] = {"outcry-devbroker", "--port-file", port_file,
                            "--topic-prefix",   prefix,        NULL};
    if (spawn(broker, NULL, -1, -1) == NULL)
        return 1;
    int rport = free_port();
    char rport_s[16], rdir[PATH_MAX + 8];
    snprintf(rport_s, sizeof(rport_s), "%d", rport);
    snprintf(rdir, sizeof(rdir), "%s", workdir);
    const char *redis[] = {"redis-server", "--port", rport_s, "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no",     "--dir", rdir,     NULL};
    if (redis_url == NULL && spawn(redis, NULL, -1, -1) == NULL)
        return 1;
    for (int t = 0; t < 300 && bootstrap[0] == '\0' && alive_all(); t++) {
        FILE *f = fopen(port_file, "r");
        if (f != NULL) {
            if (fgets(bootstrap, sizeof(bootstrap), f) == NULL)
                bootstrap[0] = '\0';
            bootstrap[strcspn(bootstrap, "\r\n")] = '\0';
            fclose(f);
        }
        if (bootstrap[0] == '\0')
            sleep_ms(50);
    }
    if (bootstrap[0] == '\0') {
        fprintf(stderr, RP ": the dev broker did not start\n");
        return 1;
    }
    static char e_brokers[300], e_redis[1100], e_every[64];
    snprintf(e_brokers, sizeof(e_brokers), "OUTCRY_BROKERS=%s", bootstrap);
    if (redis_url != NULL)
        snprintf(e_redis, sizeof(e_redis), "OUTCRY_REDIS_URL=%s", redis_url);
    else
        snprintf(e_redis, sizeof(e_redis), "OUTCRY_REDIS_URL=redis://127.0.0.1:%d/0", rport);
    snprintf(e_every, sizeof(e_every), "OUTCRY_ALERT_EVERY_INBOUND=%s", every ? every : "");
    const char *env[] = {e_brokers,
                         e_redis,
                         e_every,
                         e_prefix,
                         "OUTCRY_KAFKA_SESSION_TIMEOUT_MS=6000",
                         "OUTCRY_ALERT_STREAM_MAXLEN=1000000000",
                         "OUTCRY_LOG=warn",
                         NULL,
                         NULL};
    const char *classify[] = {"outcry-classify", "-G", "replay-classify", NULL, NULL, NULL};
    const char *route[] = {"outcry-route", "-G", "replay-route", NULL};
    const char *alert[] = {"outcry-alert", "-G", "replay-alert", "--event-time", "--print", NULL};
    char alerts[PATH_MAX + 16], topic[3][128];
    snprintf(alerts, sizeof(alerts), "%s/alerts.jsonl", workdir);
    snprintf(topic[0], sizeof(topic[0]), "%sposts", prefix);
    snprintf(topic[1], sizeof(topic[1]), "%sclassified", prefix);
    snprintf(topic[2], sizeof(topic[2]), "%srouted", prefix);
    int out = open(alerts, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        fprintf(stderr, RP ": cannot create %s: %s\n", alerts, strerror(errno));
        return 1;
    }
    const char *ingest[] = {"outcry-ingest", "replay", "--format", format, file, NULL};
    if (every != NULL) {
        classify[3] = "--threshold";
        classify[4] = "0";
    }
    kid_t *a = NULL;
    if (!spawn(classify, env, -1, -1) || !spawn(route, env, -1, -1) ||
        !(a = spawn(alert, env, -1, out))) {
        close(out);
        return 1;
    }
    close(out);
    kid_t *ing = spawn(ingest, env, -1, -1);
    if (ing == NULL)
        return 1;
    while (!reaped(ing) && !interrupted)
        sleep_ms(50);
    if (interrupted)
        return 1;
    if (!exited_ok(ing)) {
        fprintf(stderr, RP ": outcry-ingest replay failed\n");
        show_log(ing);
        return 1;
    }
    nkids--; /* done: not an unexpected stop (it was the last started) */
    int64_t wm;
    if (max_event_time(bootstrap, topic[0], &wm) != 0) {
        fprintf(stderr, RP ": cannot read the replayed posts back\n");
        return 1;
    }
    if (wm == INT64_MIN)
        return 0; /* no posts: no alerts */
    if (wait_drained(bootstrap, "replay-classify", topic[0], end) != 0 ||
        wait_drained(bootstrap, "replay-route", topic[1], end) != 0 ||
        send_control(bootstrap, topic[2], wm) != 0 ||
        wait_drained(bootstrap, "replay-alert", topic[2], end) != 0)
        return 1;
    /* Every alert is in Redis and on alert's stdout (printed after it was
     * published, duplicates of an earlier replay into --redis included). */
    (void)a;
    return copy_to_stdout(alerts) == 0 ? 0 : 1;
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
            redis_url = argv[++i];
        } else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
            char *e;
            timeout_s = strtol(argv[++i], &e, 10);
            if (*e != '\0' || timeout_s <= 0) {
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
    ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
    if (n <= 0) {
        fprintf(stderr, RP ": cannot find my own directory (/proc/self/exe)\n");
        return 1;
    }
    bindir[n] = '\0';
    *strrchr(bindir, '/') = '\0';
    const char *tmp = getenv("TMPDIR");
    snprintf(workdir, sizeof(workdir), "%s/outcry-replay.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(workdir) == NULL) {
        fprintf(stderr, RP ": cannot create a work directory in %s: %s\n", workdir,
                strerror(errno));
        return 1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    int rc = pipe_mode ? run_pipe(format, every, file) : run_kafka(format, every, file);
    if (interrupted) {
        fprintf(stderr, RP ": interrupted; stopping everything started\n");
        rc = 1;
    }
    stop_all();
    remove_workdir();
    return rc;
}
