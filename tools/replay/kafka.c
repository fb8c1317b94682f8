/* kafka.c -- outcry-replay's default mode: the four stages as processes
 * over a private outcry-devbroker and redis-server, and the Kafka reads that
 * tell when each stage has drained its input. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "replay.h"
#include "timeutil.h"

#define RP_CONTROL                                                                                 \
    "{\"schema\":\"outcry.control/v1\",\"type\":\"end_of_input\",\"watermark\":\"%s\"}"

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
    while (n > 0 && !rp_interrupted && time(NULL) < end && rp_alive_all()) {
        int d = drained(g, topic, n);
        if (d != 0) {
            rc = d == 1 ? 0 : -1;
            break;
        }
        rp_sleep_ms(200);
    }
    if (rc != 0 && !rp_interrupted)
        fprintf(stderr, RP ": %s did not finish %s (timeout %lds, or an error above)\n", group,
                topic, rp_timeout_s);
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
    while (left > 0 && !rp_interrupted && time(NULL) < end) {
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

int rp_run_kafka(const char *format, const char *every, const char *file)
{
    time_t end = time(NULL) + rp_timeout_s;
    char port_file[PATH_MAX + 16], bootstrap[256] = "";
    snprintf(port_file, sizeof(port_file), "%s/bootstrap", rp_workdir);
    /* Topic names of their own: the state alert keeps in Redis is keyed by
     * topic, and with --redis an earlier replay's state must not count. */
    static char prefix[64], e_prefix[96];
    snprintf(prefix, sizeof(prefix), "replay%ld-%ld.", (long)getpid(), (long)time(NULL));
    snprintf(e_prefix, sizeof(e_prefix), "OUTCRY_TOPIC_PREFIX=%s", prefix);
    const char *broker[] = {"outcry-devbroker", "--port-file", port_file,
                            "--topic-prefix",   prefix,        NULL};
    if (rp_spawn(broker, NULL, -1, -1) == NULL)
        return 1;
    int rport = free_port();
    char rport_s[16], rdir[PATH_MAX + 8];
    snprintf(rport_s, sizeof(rport_s), "%d", rport);
    snprintf(rdir, sizeof(rdir), "%s", rp_workdir);
    const char *redis[] = {"redis-server", "--port", rport_s, "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no",     "--dir", rdir,     NULL};
    if (rp_redis_url == NULL && rp_spawn(redis, NULL, -1, -1) == NULL)
        return 1;
    for (int t = 0; t < 300 && bootstrap[0] == '\0' && rp_alive_all(); t++) {
        FILE *f = fopen(port_file, "r");
        if (f != NULL) {
            if (fgets(bootstrap, sizeof(bootstrap), f) == NULL)
                bootstrap[0] = '\0';
            bootstrap[strcspn(bootstrap, "\r\n")] = '\0';
            fclose(f);
        }
        if (bootstrap[0] == '\0')
            rp_sleep_ms(50);
    }
    if (bootstrap[0] == '\0') {
        fprintf(stderr, RP ": the dev broker did not start\n");
        return 1;
    }
    static char e_brokers[300], e_redis[1100], e_every[64];
    snprintf(e_brokers, sizeof(e_brokers), "OUTCRY_BROKERS=%s", bootstrap);
    if (rp_redis_url != NULL)
        snprintf(e_redis, sizeof(e_redis), "OUTCRY_REDIS_URL=%s", rp_redis_url);
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
    snprintf(alerts, sizeof(alerts), "%s/alerts.jsonl", rp_workdir);
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
    rp_kid_t *a = NULL;
    if (!rp_spawn(classify, env, -1, -1) || !rp_spawn(route, env, -1, -1) ||
        !(a = rp_spawn(alert, env, -1, out))) {
        close(out);
        return 1;
    }
    close(out);
    rp_kid_t *ing = rp_spawn(ingest, env, -1, -1);
    if (ing == NULL)
        return 1;
    while (!rp_reaped(ing) && !rp_interrupted)
        rp_sleep_ms(50);
    if (rp_interrupted)
        return 1;
    if (!rp_exited_ok(ing)) {
        fprintf(stderr, RP ": outcry-ingest replay failed\n");
        rp_show_log(ing);
        return 1;
    }
    rp_forget_last(); /* done: not an unexpected stop (it was the last started) */
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
    return rp_copy_to_stdout(alerts) == 0 ? 0 : 1;
}
