/* config.h -- configuration shared by every service.
 *
 * Environment first (containers), flags override (DESIGN.md, "Configuration").
 * librdkafka properties pass straight through, as kcat's -X: "-X key=value"
 * or OUTCRY_KAFKA_<KEY> with '_' for '.'; "topic.<prop>" goes to the topic
 * config, so SASL and TLS need no code here. */
#ifndef OC_CONFIG_H
#define OC_CONFIG_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>

#define OC_CONFIG_MAX_PROPS 64

typedef struct oc_kv {
    char *key;   /* librdkafka property name, owned */
    char *value; /* its value, owned */
} oc_kv_t;

typedef struct oc_config {
    const char *service; /* "ingest", "classify", ...; borrowed */
    char *brokers;       /* OUTCRY_BROKERS / -b; bootstrap servers */
    char *redis_url;     /* OUTCRY_REDIS_URL / --redis */
    char *topic_prefix;  /* OUTCRY_TOPIC_PREFIX / --topic-prefix; default "outcry." */
    char *group;         /* OUTCRY_GROUP / -G; default "outcry-<service>" */
    char *log_level;     /* OUTCRY_LOG / --log; default "info" */
    char *http_addr;     /* OUTCRY_HTTP / --http; "host:port", empty = no HTTP */
    oc_kv_t props[OC_CONFIG_MAX_PROPS]; /* -X / OUTCRY_KAFKA_* pass-through */
    int nprops;                         /* used entries in props */
    char err[256];                      /* last error, for messages */
} oc_config_t;

/* Fills cfg from defaults and the environment. Returns 0, or -1 with
 * cfg->err set. */
int oc_config_init(oc_config_t *cfg, const char *service);

/* Consumes one common flag at argv[*i] (and its value), advancing *i.
 * Returns 1 when the flag was one of ours, 0 when it is not, -1 on a bad
 * value (cfg->err says which). Flags: -b/--brokers, -X key=value, -G/--group,
 * --topic-prefix, --redis, --http, --log. */
int oc_config_flag(oc_config_t *cfg, int argc, char **argv, int *i);

/* Help text for the common flags and variables, for --help. */
extern const char oc_config_usage[];

/* Adds a pass-through property (copied); later ones override earlier ones. */
int oc_config_set_prop(oc_config_t *cfg, const char *key, const char *value);

/* Applies bootstrap servers and pass-through properties to conf. Returns 0,
 * or -1 with the failing property and librdkafka's reason in cfg->err. */
int oc_config_apply_kafka(oc_config_t *cfg, rd_kafka_conf_t *conf);

/* Routes librdkafka's own log lines into our JSON log (called by
 * oc_config_apply_kafka; exposed for handles made elsewhere). */
void oc_config_kafka_logging(rd_kafka_conf_t *conf);

/* Writes "<prefix><name>" into buf. Returns buf, or NULL when it does not fit. */
char *oc_topic_name(const oc_config_t *cfg, const char *name, char *buf, size_t size);

/* Applies cfg->log_level to the logger. Returns 0 or -1 (bad level). */
int oc_config_apply_log(oc_config_t *cfg);

void oc_config_free(oc_config_t *cfg);

#endif
