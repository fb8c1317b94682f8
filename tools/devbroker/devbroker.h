/* devbroker.h -- outcry-devbroker's parts: its log lines (log.c), the
 * command line (opts.c), the topics to pre-create (plan.c) and their
 * creation in the mock cluster (create.c); main.c wires them. */
#ifndef DB_DEVBROKER_H
#define DB_DEVBROKER_H

#include <stdio.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define DB_PROG           "outcry-devbroker"
#define DB_MAX_TOPIC      249  /* Kafka's own limit on a topic name */
#define DB_MAX_BROKERS    16   /* more buys nothing on one machine */
#define DB_MAX_PARTITIONS 1024 /* each partition is a buffer in memory */
#define DB_MAX_EXTRA      64   /* --topic flags accepted */
#define DB_MAX_TOPICS     512  /* pre-created topics, all kinds */
#define DB_DEFAULT_TEAMS  "billing,delivery,product,technical,account,service,safety,privacy,care"

typedef struct db_opts {
    int brokers;                     /* mock brokers to start (--brokers) */
    int partitions;                  /* partitions per pre-created topic (--partitions) */
    int replication;                 /* replication factor: min(3, brokers) */
    const char *port_file;           /* where to write the bootstrap list, or NULL */
    const char *prefix;              /* topic prefix, "outcry." by default; borrowed */
    const char *teams;               /* comma-separated team names; borrowed */
    const char *extra[DB_MAX_EXTRA]; /* --topic NAME[:PARTITIONS] values; borrowed */
    int nextra;                      /* used entries in extra */
} db_opts_t;

typedef struct db_topic {
    char name[DB_MAX_TOPIC + 1]; /* full topic name, prefix included */
    int partitions;              /* partition count to create it with */
} db_topic_t;

typedef struct db_plan {
    db_topic_t topics[DB_MAX_TOPICS]; /* topics to pre-create, in order */
    int n;                            /* used entries in topics */
} db_plan_t;

/* 0 debug, 1 info, 2 warn, 3 error: lines below it are not written. */
extern int db_log_threshold;

void db_log(int level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void db_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf);
int db_set_log_level(const char *level);

int db_parse_int(const char *s, int lo, int hi, int *out);
int db_parse_args(int argc, char **argv, db_opts_t *o);

int db_topic_ok(const char *name);
int db_plan_topics(const db_opts_t *o, db_plan_t *plan);

int db_create_topics(rd_kafka_mock_cluster_t *mc, const db_opts_t *o, const db_plan_t *plan,
                     const char *boot);

#endif
