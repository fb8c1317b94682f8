/* main.c -- outcry-devbroker: an in-memory Kafka-protocol broker for
 * one machine, built on librdkafka's mock cluster (rdkafka_mock.h).
 *
 * It exists so that the services and the integration tests can run without
 * a JVM or a Docker engine. It is NOT a Kafka: messages live in memory, the
 * mock keeps only about 5 MiB per partition, and everything is gone when the
 * process ends. Production uses Apache Kafka (docs/deploy.md); the limits
 * are measured in docs/devbroker.md.
 *
 * It prints its bootstrap servers as the first line on stdout (and into
 * --port-file, atomically), pre-creates outcry's topics, then serves until
 * SIGTERM or SIGINT and exits 0.
 *
 * Deliberately standalone (librdkafka and libc only) so that it builds and
 * runs before, and independently of, common/. Its log lines follow the
 * house format: one JSON object per line on stderr. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devbroker.h"

/* Set from the signal handler, read by the main loop. */
static volatile sig_atomic_t db_stop_signal = 0;

static void db_on_signal(int sig)
{
    db_stop_signal = sig;
}

/* Writes "bootstraps\n" to path through a temporary file and rename(), so a
 * reader never sees a half-written file. Returns 0 or -1 (logged). */
static int db_write_port_file(const char *path, const char *bootstraps)
{
    char tmp[PATH_MAX];
    int w = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof(tmp)) {
        db_log(3, "port_file.failed", "port file name '%s' is too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        db_log(3, "port_file.failed",
               "cannot create %s: %s; check that its directory exists and is writable", tmp,
               strerror(errno));
        return -1;
    }
    int bad = fprintf(f, "%s\n", bootstraps) < 0;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        db_log(3, "port_file.failed", "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* The rd_kafka_t that carries the mock cluster: a producer that never
 * produces. Returns NULL on failure (logged). */
static rd_kafka_t *db_new_carrier(void)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, db_rdkafka_log);
    /* The carrier talks to no broker and needs no bootstrap list; warnings
     * and errors only, unless --log debug. */
    if (rd_kafka_conf_set(conf, "client.id", "outcry-devbroker", errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "log_level", db_log_threshold == 0 ? "7" : "4", errstr,
                          sizeof(errstr)) != RD_KAFKA_CONF_OK ||
        /* --log debug: one line per protocol request the mock serves */
        (db_log_threshold == 0 &&
         rd_kafka_conf_set(conf, "debug", "mock", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)) {
        db_log(3, "startup.failed", "librdkafka configuration: %s", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        db_log(3, "startup.failed", "cannot create the librdkafka handle: %s", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return rk;
}

static int db_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = db_on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    /* A client that disconnects mid-response must not kill the broker. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int main(int argc, char **argv)
{
    const char *env_prefix = getenv("OUTCRY_TOPIC_PREFIX");
    const char *env_log = getenv("OUTCRY_LOG");
    db_opts_t o = {
        .brokers = 1,
        .partitions = 4,
        .port_file = NULL,
        .prefix = env_prefix != NULL ? env_prefix : "outcry.",
        .teams = DB_DEFAULT_TEAMS,
    };
    if (env_log != NULL && *env_log != '\0' && db_set_log_level(env_log) != 0) {
        fprintf(stderr, DB_PROG ": OUTCRY_LOG='%s': use debug, info, warn or error\n", env_log);
        return 2;
    }
    int rc = db_parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    /* static: the plan is ~128 KiB, too much for the stack of a small tool */
    static db_plan_t plan;
    if (db_plan_topics(&o, &plan) != 0) {
        fprintf(stderr, "Try '" DB_PROG " --help'.\n");
        return 2;
    }
    if (db_install_signals() != 0) {
        fprintf(stderr, DB_PROG ": cannot install signal handlers: %s\n", strerror(errno));
        return 1;
    }

    fprintf(stderr, DB_PROG ": in-memory development broker (librdkafka mock cluster) -- "
                            "not for production, data is lost on exit\n");

    rc = 1;
    rd_kafka_mock_cluster_t *mc = NULL;
    rd_kafka_t *rk = db_new_carrier();
    if (rk == NULL)
        goto out;
    mc = rd_kafka_mock_cluster_new(rk, o.brokers);
    if (mc == NULL) {
        db_log(3, "startup.failed", "librdkafka could not start a mock cluster of %d broker(s)",
               o.brokers);
        goto out;
    }
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    if (db_create_topics(mc, &o, &plan, boot) != 0)
        goto out;
    if (o.port_file != NULL && db_write_port_file(o.port_file, boot) != 0)
        goto out;
    printf("%s\n", boot);
    fflush(stdout);
    db_log(1, "listening",
           "bootstrap %s; %d broker(s); %d topics pre-created (prefix '%s', %d partitions unless "
           "--topic said otherwise)",
           boot, o.brokers, plan.n, o.prefix, o.partitions);

    while (!db_stop_signal) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        rd_kafka_poll(rk, 0);
    }
    db_log(1, "stopping", "signal %d; shutting the mock cluster down", (int)db_stop_signal);
    rc = 0;

out:
    if (mc != NULL)
        rd_kafka_mock_cluster_destroy(mc);
    if (rk != NULL)
        rd_kafka_destroy(rk);
    if (rc == 0 && o.port_file != NULL)
        unlink(o.port_file);
    return rc;
}
