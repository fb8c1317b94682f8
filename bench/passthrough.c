/* passthrough.c -- the ceiling for outcry's stages: consume -> produce the
 * same bytes, with no processing, on the same settings as a stage (manual
 * commits after delivery, acks=all, linger.ms=5, lz4).
 *
 *   passthrough -b BROKERS -i IN_TOPIC -o OUT_TOPIC [-G GROUP] [-X k=v]...
 *
 * Serves /metrics on OUTCRY_HTTP like a stage, so the benchmark reads its
 * progress the same way. Stops on SIGTERM/SIGINT. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "http.h"
#include "log.h"
#include "memtune.h"
#include "metrics.h"
#include "stage.h"

static oc_metric_t *m_in;
static const char *in_topic; /* the input topic, for offset stores */

static void conf_set(rd_kafka_conf_t *conf, const char *k, const char *v)
{
    char err[256];
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "passthrough: %s=%s: %s\n", k, v, err);
        exit(2);
    }
}

/* The delivery report stores the input offset, carried in the opaque, for
 * the next commit: the same order of events as a stage. */
static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    rd_kafka_t *consumer = opaque;
    if (m->err) {
        oc_error("delivery_failed", "%s", rd_kafka_err2str(m->err));
        return;
    }
    intptr_t packed = (intptr_t)m->_private;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, in_topic, (int32_t)(packed & 0xffff))->offset =
        (packed >> 16) + 1;
    rd_kafka_offsets_store(consumer, l);
    rd_kafka_topic_partition_list_destroy(l);
}

int main(int argc, char **argv)
{
    oc_config_t cfg;
    if (oc_config_init(&cfg, "passthrough") != 0) {
        fprintf(stderr, "passthrough: %s\n", cfg.err);
        return 2;
    }
    oc_malloc_tune();
    const char *in = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        int r = oc_config_flag(&cfg, argc, argv, &i);
        if (r < 0) {
            fprintf(stderr, "passthrough: %s\n", cfg.err);
            return 2;
        }
        if (r == 1) {
            continue;
        }
        if (strcmp(argv[i], "-i") == 0 && i + 1 < argc) {
            in = argv[++i];
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else {
            fprintf(stderr, "usage: passthrough -b BROKERS -i IN -o OUT [-G GROUP] [-X k=v]\n");
            return 2;
        }
    }
    if (!in || !out) {
        fprintf(stderr, "passthrough: -i IN and -o OUT are required\n");
        return 2;
    }
    in_topic = in;
    oc_signals_install();
    m_in = oc_counter("outcry_messages_in_total", "Input messages", "stage=\"passthrough\"");
    char err[512];
    oc_http_t *http = NULL;
    if (cfg.http_addr[0]) {
        http = oc_http_start(cfg.http_addr, err, sizeof err);
        if (!http) {
            fprintf(stderr, "passthrough: %s\n", err);
            return 1;
        }
    }

    rd_kafka_conf_t *cconf = rd_kafka_conf_new();
    conf_set(cconf, "group.id", cfg.group);
    conf_set(cconf, "enable.auto.offset.store", "false");
    conf_set(cconf, "auto.offset.reset", "earliest");
    if (oc_config_apply_kafka(&cfg, cconf) < 0) {
        fprintf(stderr, "passthrough: %s\n", cfg.err);
        return 2;
    }
    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, err, sizeof err);
    if (!consumer) {
        fprintf(stderr, "passthrough: consumer: %s\n", err);
        return 1;
    }
    rd_kafka_poll_set_consumer(consumer);

    rd_kafka_conf_t *pconf = rd_kafka_conf_new();
    conf_set(pconf, "acks", "all");
    conf_set(pconf, "linger.ms", "5");
    conf_set(pconf, "compression.type", "lz4");
    if (oc_config_apply_kafka(&cfg, pconf) < 0) {
        fprintf(stderr, "passthrough: %s\n", cfg.err);
        return 2;
    }
    rd_kafka_conf_set_dr_msg_cb(pconf, dr_cb);
    rd_kafka_conf_set_opaque(pconf, consumer);
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, err, sizeof err);
    if (!producer) {
        fprintf(stderr, "passthrough: producer: %s\n", err);
        return 1;
    }
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, in, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t serr = rd_kafka_subscribe(consumer, sub);
    if (serr) {
        fprintf(stderr, "passthrough: subscribe %s: %s\n", in, rd_kafka_err2str(serr));
        return 1;
    }
    rd_kafka_topic_partition_list_destroy(sub);
    oc_http_set_ready(http, 1);

    while (oc_running) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
        if (m && !m->err) {
            intptr_t packed = (intptr_t)((m->offset << 16) | (m->partition & 0xffff));
            while (rd_kafka_producev(
                       producer, RD_KAFKA_V_TOPIC(out), RD_KAFKA_V_KEY(m->key, m->key_len),
                       RD_KAFKA_V_VALUE(m->payload, m->len),
                       RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_OPAQUE((void *)packed),
                       RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_poll(producer, 100);
            }
            oc_metric_add(m_in, 1);
        }
        if (m) {
            rd_kafka_message_destroy(m);
        }
        rd_kafka_poll(producer, 0);
    }
    rd_kafka_flush(producer, 10000);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(producer);
    rd_kafka_destroy(consumer);
    oc_http_stop(http);
    oc_config_free(&cfg);
    return 0;
}
