/* producer.c -- librdkafka producer with per-message delivery tickets. */
#include "producer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "metrics.h"
#include "post.h"

/* Runs on the thread that calls rd_kafka_poll()/flush(): ours, so the
 * tickets need no lock. */
static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    oc_producer_t *p = opaque;
    oc_ticket_t *t = m->_private;
    if (m->err) {
        p->failed++;
        oc_error("kafka_delivery_failed", "delivery to %s [%d] failed: %s",
                 rd_kafka_topic_name(m->rkt), (int)m->partition, rd_kafka_err2str(m->err));
        if (t && !t->failed) {
            snprintf(t->err, sizeof t->err, "%s: %s", rd_kafka_topic_name(m->rkt),
                     rd_kafka_err2str(m->err));
        }
        if (t) {
            t->failed++;
        }
    } else {
        p->delivered++;
    }
    if (t) {
        t->pending--;
    }
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    oc_warn("kafka_error", "producer: %s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

int oc_producer_init(oc_producer_t *p, const oc_config_t *cfg, const char *const *extra)
{
    memset(p, 0, sizeof *p);
    p->cfg = cfg;
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* Every output must be durable before its input is committed. */
    static const char *const defaults[] = {"acks", "all", "linger.ms", "5", "compression.type",
                                           "lz4",  NULL};
    for (const char *const *kv = defaults; *kv; kv += 2) {
        if (rd_kafka_conf_set(conf, kv[0], kv[1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            snprintf(p->err, sizeof p->err, "producer %s=%s: %s", kv[0], kv[1], errstr);
            rd_kafka_conf_destroy(conf);
            return -1;
        }
    }
    for (const char *const *kv = extra; kv && *kv; kv += 2) {
        if (rd_kafka_conf_set(conf, kv[0], kv[1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            snprintf(p->err, sizeof p->err, "producer %s=%s: %s", kv[0], kv[1], errstr);
            rd_kafka_conf_destroy(conf);
            return -1;
        }
    }
    if (oc_config_apply_kafka((oc_config_t *)cfg, conf) < 0) {
        snprintf(p->err, sizeof p->err, "%s", cfg->err);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    rd_kafka_conf_set_opaque(conf, p);
    p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!p->rk) {
        /* conf is still ours when rd_kafka_new fails */
        rd_kafka_conf_destroy(conf);
        snprintf(p->err, sizeof p->err, "cannot create Kafka producer: %s", errstr);
        return -1;
    }
    /* conf belongs to p->rk from here on */
    return 0;
}

int oc_produce_raw(oc_producer_t *p, const char *topic, const void *key, size_t key_len,
                   const void *payload, size_t len, oc_ticket_t *ticket)
{
    for (;;) {
        rd_kafka_resp_err_t err = rd_kafka_producev(
            p->rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY((void *)key, key_len),
            RD_KAFKA_V_VALUE((void *)payload, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
            RD_KAFKA_V_OPAQUE(ticket), RD_KAFKA_V_END);
        if (!err) {
            if (ticket) {
                ticket->pending++;
            }
            return 0;
        }
        if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            /* Back-pressure: let deliveries drain the local queue, then retry. */
            rd_kafka_poll(p->rk, 100);
            continue;
        }
        snprintf(p->err, sizeof p->err, "cannot produce to %s: %s", topic, rd_kafka_err2str(err));
        return -1;
    }
}

int oc_produce_json(oc_producer_t *p, const char *name, const char *key, const json_t *value,
                    oc_ticket_t *ticket)
{
    char topic[256];
    if (!oc_topic_name(p->cfg, name, topic, sizeof topic)) {
        snprintf(p->err, sizeof p->err, "topic name too long: %s%s", p->cfg->topic_prefix, name);
        return -1;
    }
    char *s = oc_json_dumps(value);
    if (!s) {
        snprintf(p->err, sizeof p->err, "cannot serialise message for %s", topic);
        return -1;
    }
    int rc = oc_produce_raw(p, topic, key, key ? strlen(key) : 0, s, strlen(s), ticket);
    free(s);
    return rc;
}

void oc_producer_poll(oc_producer_t *p, int timeout_ms)
{
    rd_kafka_poll(p->rk, timeout_ms);
}

int oc_producer_flush(oc_producer_t *p, int timeout_ms)
{
    rd_kafka_flush(p->rk, timeout_ms);
    return rd_kafka_outq_len(p->rk);
}

void oc_producer_close(oc_producer_t *p, int timeout_ms)
{
    if (!p->rk) {
        return;
    }
    int left = oc_producer_flush(p, timeout_ms);
    if (left > 0) {
        oc_error("kafka_flush_incomplete",
                 "%d message(s) not acknowledged by Kafka after %d ms; whatever produced them "
                 "must send them again (stages do: their inputs stay uncommitted)",
                 left, timeout_ms);
    }
    rd_kafka_destroy(p->rk);
    p->rk = NULL;
}
