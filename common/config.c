/* config.c -- environment, flags and librdkafka pass-through. */
#include "config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

extern char **environ;

const char oc_config_usage[] =
    "Common options (flags override the environment):\n"
    "  -b, --brokers LIST     Kafka bootstrap servers            OUTCRY_BROKERS (localhost:9092)\n"
    "  -G, --group ID         consumer group                     OUTCRY_GROUP (outcry-<service>)\n"
    "      --topic-prefix P   topic name prefix                  OUTCRY_TOPIC_PREFIX (outcry.)\n"
    "      --redis URL        redis://[user:password@]host:port/db  OUTCRY_REDIS_URL\n"
    "      --http ADDR        host:port for /healthz /readyz /metrics  OUTCRY_HTTP (off)\n"
    "      --log LEVEL        debug|info|warn|error              OUTCRY_LOG (info)\n"
    "  -X KEY=VALUE           any librdkafka property; topic.KEY for topic properties\n"
    "                         also OUTCRY_KAFKA_<KEY> with '_' for '.', e.g.\n"
    "                         OUTCRY_KAFKA_SECURITY_PROTOCOL=SASL_SSL\n";

static int set_str(char **dst, const char *value)
{
    char *copy = strdup(value);
    if (!copy) {
        return -1;
    }
    free(*dst);
    *dst = copy;
    return 0;
}

static int from_env(oc_config_t *cfg, char **dst, const char *var, const char *fallback)
{
    const char *v = getenv(var);
    if (!v || !*v) {
        v = fallback;
    }
    if (set_str(dst, v) < 0) {
        snprintf(cfg->err, sizeof cfg->err, "out of memory reading %s", var);
        return -1;
    }
    return 0;
}

int oc_config_set_prop(oc_config_t *cfg, const char *key, const char *value)
{
    for (int i = 0; i < cfg->nprops; i++) {
        if (strcmp(cfg->props[i].key, key) == 0) {
            if (set_str(&cfg->props[i].value, value) < 0) {
                snprintf(cfg->err, sizeof cfg->err, "out of memory setting %s", key);
                return -1;
            }
            return 0;
        }
    }
    if (cfg->nprops == OC_CONFIG_MAX_PROPS) {
        snprintf(cfg->err, sizeof cfg->err, "too many Kafka properties (limit %d) at %s",
                 OC_CONFIG_MAX_PROPS, key);
        return -1;
    }
    oc_kv_t *kv = &cfg->props[cfg->nprops];
    kv->key = strdup(key);
    kv->value = strdup(value);
    if (!kv->key || !kv->value) {
        free(kv->key);
        free(kv->value);
        snprintf(cfg->err, sizeof cfg->err, "out of memory setting %s", key);
        return -1;
    }
    cfg->nprops++;
    return 0;
}

/* OUTCRY_KAFKA_SASL_MECHANISMS=PLAIN -> sasl.mechanisms=PLAIN. Properties
 * whose names hold '_' themselves cannot be spelled this way; use -X. */
static int props_from_env(oc_config_t *cfg)
{
    static const char prefix[] = "OUTCRY_KAFKA_";
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, prefix, sizeof prefix - 1) != 0) {
            continue;
        }
        const char *name = *e + sizeof prefix - 1;
        const char *eq = strchr(name, '=');
        if (!eq || eq == name) {
            continue;
        }
        char key[128];
        size_t n = (size_t)(eq - name);
        if (n >= sizeof key) {
            snprintf(cfg->err, sizeof cfg->err, "environment variable %.40s... is too long", *e);
            return -1;
        }
        for (size_t i = 0; i < n; i++) {
            key[i] = name[i] == '_' ? '.' : (char)tolower((unsigned char)name[i]);
        }
        key[n] = '\0';
        if (oc_config_set_prop(cfg, key, eq + 1) < 0) {
            return -1;
        }
    }
    return 0;
}

int oc_config_init(oc_config_t *cfg, const char *service)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->service = service;
    oc_log_init(service);
    char group[96];
    snprintf(group, sizeof group, "outcry-%s", service);
    if (from_env(cfg, &cfg->brokers, "OUTCRY_BROKERS", "localhost:9092") < 0 ||
        from_env(cfg, &cfg->redis_url, "OUTCRY_REDIS_URL", "redis://127.0.0.1:6379/0") < 0 ||
        from_env(cfg, &cfg->topic_prefix, "OUTCRY_TOPIC_PREFIX", "outcry.") < 0 ||
        from_env(cfg, &cfg->group, "OUTCRY_GROUP", group) < 0 ||
        from_env(cfg, &cfg->log_level, "OUTCRY_LOG", "info") < 0 ||
        from_env(cfg, &cfg->http_addr, "OUTCRY_HTTP", "") < 0) {
        return -1;
    }
    /* An explicitly empty prefix is legitimate (topics named "posts"). */
    const char *prefix = getenv("OUTCRY_TOPIC_PREFIX");
    if (prefix && !*prefix && set_str(&cfg->topic_prefix, "") < 0) {
        snprintf(cfg->err, sizeof cfg->err, "out of memory");
        return -1;
    }
    return props_from_env(cfg);
}

/* Matches "--name VALUE" or "--name=VALUE" (and a short alias); returns the value. */
static const char *flag_value(oc_config_t *cfg, int argc, char **argv, int *i, const char *lng,
                              const char *shrt, int *matched)
{
    const char *a = argv[*i];
    size_t n = strlen(lng);
    *matched = 0;
    if (strncmp(a, lng, n) == 0 && a[n] == '=') {
        *matched = 1;
        return a + n + 1;
    }
    if (strcmp(a, lng) != 0 && !(shrt && strcmp(a, shrt) == 0)) {
        return NULL;
    }
    *matched = 1;
    if (*i + 1 >= argc) {
        snprintf(cfg->err, sizeof cfg->err, "option %s needs a value", a);
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

int oc_config_flag(oc_config_t *cfg, int argc, char **argv, int *i)
{
    static const struct {
        const char *lng, *shrt;
        size_t off;
    } flags[] = {
        {"--brokers", "-b", offsetof(oc_config_t, brokers)},
        {"--group", "-G", offsetof(oc_config_t, group)},
        {"--topic-prefix", NULL, offsetof(oc_config_t, topic_prefix)},
        {"--redis", NULL, offsetof(oc_config_t, redis_url)},
        {"--http", NULL, offsetof(oc_config_t, http_addr)},
        {"--log", NULL, offsetof(oc_config_t, log_level)},
    };
    int matched;
    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
        const char *v = flag_value(cfg, argc, argv, i, flags[f].lng, flags[f].shrt, &matched);
        if (!matched) {
            continue;
        }
        if (!v) {
            return -1;
        }
        if (set_str((char **)((char *)cfg + flags[f].off), v) < 0) {
            snprintf(cfg->err, sizeof cfg->err, "out of memory");
            return -1;
        }
        return 1;
    }
    const char *kv = flag_value(cfg, argc, argv, i, "-X", NULL, &matched);
    if (!matched) {
        return 0;
    }
    if (!kv) {
        return -1;
    }
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) {
        snprintf(cfg->err, sizeof cfg->err, "-X takes key=value, got '%s'", kv);
        return -1;
    }
    char key[128];
    size_t n = (size_t)(eq - kv);
    if (n >= sizeof key) {
        snprintf(cfg->err, sizeof cfg->err, "-X property name too long: '%.40s...'", kv);
        return -1;
    }
    memcpy(key, kv, n);
    key[n] = '\0';
    return oc_config_set_prop(cfg, key, eq + 1) < 0 ? -1 : 1;
}

/* syslog levels: 0-3 error, 4 warning, 5-6 info, 7 debug */
static void kafka_log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    oc_log_level_t l = level <= 3   ? OC_LOG_ERROR
                       : level == 4 ? OC_LOG_WARN
                       : level <= 6 ? OC_LOG_INFO
                                    : OC_LOG_DEBUG;
    oc_log_fields(l, "librdkafka",
                  json_pack("{s:s,s:s}", "facility", fac, "client", rk ? rd_kafka_name(rk) : "-"),
                  "%s", buf);
}

void oc_config_kafka_logging(rd_kafka_conf_t *conf)
{
    rd_kafka_conf_set_log_cb(conf, kafka_log_cb);
}

int oc_config_apply_kafka(oc_config_t *cfg, rd_kafka_conf_t *conf)
{
    char errstr[256];
    oc_config_kafka_logging(conf);
    if (rd_kafka_conf_set(conf, "bootstrap.servers", cfg->brokers, errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
        snprintf(cfg->err, sizeof cfg->err, "bootstrap.servers=%s: %s", cfg->brokers, errstr);
        return -1;
    }
    for (int i = 0; i < cfg->nprops; i++) {
        const oc_kv_t *kv = &cfg->props[i];
        /* As kcat: topic.* reaches the default topic config. librdkafka does
         * that itself for a name that is not a global property (it strips
         * "topic."), and keeps global ones that start so, such as
         * topic.metadata.refresh.interval.ms, global. */
        if (rd_kafka_conf_set(conf, kv->key, kv->value, errstr, sizeof errstr) !=
            RD_KAFKA_CONF_OK) {
            snprintf(cfg->err, sizeof cfg->err, "Kafka property %s=%s: %s", kv->key, kv->value,
                     errstr);
            return -1;
        }
    }
    return 0;
}

char *oc_topic_name(const oc_config_t *cfg, const char *name, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s%s", cfg->topic_prefix, name);
    return (n < 0 || (size_t)n >= size) ? NULL : buf;
}

int oc_config_apply_log(oc_config_t *cfg)
{
    if (oc_log_set_level(cfg->log_level) < 0) {
        snprintf(cfg->err, sizeof cfg->err, "log level '%s' is not debug, info, warn or error",
                 cfg->log_level);
        return -1;
    }
    return 0;
}

void oc_config_free(oc_config_t *cfg)
{
    free(cfg->brokers);
    free(cfg->redis_url);
    free(cfg->topic_prefix);
    free(cfg->group);
    free(cfg->log_level);
    free(cfg->http_addr);
    for (int i = 0; i < cfg->nprops; i++) {
        free(cfg->props[i].key);
        free(cfg->props[i].value);
    }
    memset(cfg, 0, sizeof *cfg);
}
