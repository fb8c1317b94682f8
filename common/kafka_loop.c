/* kafka_loop.c -- consume -> process -> produce with at-least-once commits.
 *
 * Every consumed message gets a pending entry holding a delivery ticket. Its
 * outputs carry the ticket; delivery reports count it down. Entries sit in a
 * FIFO per partition, and the committable offset of a partition advances
 * only over a prefix of entries whose outputs are all acknowledged. So an
 * offset is committed only after everything it caused is in Kafka; a crash
 * replays at most the uncommitted tail, and downstream absorbs the duplicates
 * (post ids, alert ids).
 *
 * One thread does everything: consumer poll (which runs the rebalance
 * callback), producer poll (which runs delivery reports), commits and ticks,
 * in a 100 ms loop as librdkafka's examples do. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emit.h"
#include "fastpost.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "stage.h"
#include "timeutil.h"

#define POLL_MS          100
#define COMMIT_EVERY_MS  200
#define DRAIN_TIMEOUT_MS 10000

typedef struct pending {
    int64_t offset;     /* input offset */
    oc_ticket_t ticket; /* its outputs' deliveries */
} pending_t;

typedef struct part {
    pending_t **q;     /* FIFO of inputs in offset order (ring) */
    size_t head;       /* index of the oldest entry */
    size_t len;        /* entries in the ring */
    size_t cap;        /* ring capacity */
    int64_t done;      /* next offset to commit (last acknowledged + 1), -1 if none */
    int64_t committed; /* last offset committed, -1 if none */
    int64_t first;     /* first offset this member consumed, -1 if none */
    int assigned;      /* currently ours */
} part_t;

typedef struct loop {
    oc_config_t *cfg;         /* borrowed */
    const oc_stage_t *stage;  /* borrowed */
    void *ctx;                /* the stage's context; borrowed */
    rd_kafka_t *consumer;     /* owned */
    rd_kafka_queue_t *cq;     /* the consumer's queue (its length tells oc_msg_t.more); owned */
    oc_producer_t producer;   /* owned */
    char topic[256];          /* full input topic name */
    part_t *parts;            /* indexed by partition */
    int nparts;               /* entries in parts */
    pending_t **orphans;      /* entries revoked while deliveries were outstanding */
    size_t norphans;          /* entries in orphans */
    int fatal;                /* a failure that must stop the stage */
    oc_http_t *http;          /* health endpoints, or NULL */
    oc_metric_t *m_commits;   /* commits made */
    oc_metric_t *m_committed; /* input messages whose offsets are committed */
    oc_metric_t *m_assigned;  /* partitions assigned (gauge) */
    oc_buf_t payload;         /* NUL-terminated copy of the input, reused */
    oc_buf_t key;             /* NUL-terminated copy of its key, reused */
} loop_t;

static part_t *part_get(loop_t *l, int32_t p)
{
    if (p < 0) {
        return NULL;
    }
    if (p >= l->nparts) {
        int n = p + 1;
        part_t *np = realloc(l->parts, (size_t)n * sizeof *np);
        if (!np) {
            return NULL;
        }
        memset(np + l->nparts, 0, (size_t)(n - l->nparts) * sizeof *np);
        for (int i = l->nparts; i < n; i++) {
            np[i].done = -1;
            np[i].committed = -1;
            np[i].first = -1;
        }
        l->parts = np;
        l->nparts = n;
    }
    return &l->parts[p];
}

static int part_push(part_t *pt, pending_t *pe)
{
    if (pt->len == pt->cap) {
        size_t ncap = pt->cap ? pt->cap * 2 : 256;
        pending_t **nq = malloc(ncap * sizeof *nq);
        if (!nq) {
            return -1;
        }
        for (size_t i = 0; i < pt->len; i++) {
            nq[i] = pt->q[(pt->head + i) % pt->cap];
        }
        free(pt->q);
        pt->q = nq;
        pt->head = 0;
        pt->cap = ncap;
    }
    pt->q[(pt->head + pt->len) % pt->cap] = pe;
    pt->len++;
    return 0;
}

/* Moves each partition's committable offset over its acknowledged prefix. */
static void advance(loop_t *l)
{
    for (int p = 0; p < l->nparts; p++) {
        part_t *pt = &l->parts[p];
        while (pt->len > 0) {
            pending_t *pe = pt->q[pt->head];
            if (pe->ticket.pending > 0) {
                break;
            }
            if (pe->ticket.failed > 0) {
                /* Never commit past an output Kafka refused: stop, and let a
                 * restart re-consume from the last good offset. */
                if (!l->fatal) {
                    oc_error("delivery_failed",
                             "an output of %s [%d] @%lld was not delivered (%s); stopping "
                             "without committing it -- check the broker and restart",
                             l->topic, p, (long long)pe->offset, pe->ticket.err);
                }
                l->fatal = 1;
                break;
            }
            pt->done = pe->offset + 1;
            free(pe);
            pt->head = (pt->head + 1) % pt->cap;
            pt->len--;
        }
    }
}

static void offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t *offs, void *opaque);

/* Commits every assigned partition whose done offset moved. sync waits. */
static void commit(loop_t *l, int sync)
{
    rd_kafka_topic_partition_list_t *offs = rd_kafka_topic_partition_list_new(8);
    for (int p = 0; p < l->nparts; p++) {
        part_t *pt = &l->parts[p];
        if (pt->assigned && pt->done > pt->committed) {
            rd_kafka_topic_partition_list_add(offs, l->topic, p)->offset = pt->done;
        }
    }
    if (offs->cnt > 0) {
        /* The outcome arrives in offset_commit_cb (for sync commits too),
         * which is where committed moves. */
        rd_kafka_resp_err_t err = rd_kafka_commit(l->consumer, offs, sync ? 0 : 1);
        if (err) {
            oc_warn("commit_failed", "committing %s: %s (will retry)", l->topic,
                    rd_kafka_err2str(err));
        } else if (sync) {
            offset_commit_cb(l->consumer, err, offs, l);
        }
    }
    rd_kafka_topic_partition_list_destroy(offs);
}

/* Has the stage write out what it holds (oc_emit_hold), settles outstanding
 * deliveries (bounded), then commits what is acknowledged. */
static void drain_and_commit(loop_t *l, int timeout_ms)
{
    if (l->stage->flush && !l->fatal) {
        oc_ticket_t none = {0};
        oc_emit_t emit = {
            .stage = l->stage, .cfg = l->cfg, .producer = &l->producer, .ticket = &none};
        if (l->stage->flush(l->ctx, &emit) < 0 || emit.failed) {
            /* what it held stays uncommitted: processed again by the next owner */
            oc_error("flush_failed",
                     "stage %s could not write out what it holds; those "
                     "inputs stay uncommitted",
                     l->stage->name);
            l->fatal = 1;
        }
    }
    int left = oc_producer_flush(&l->producer, timeout_ms);
    if (left > 0) {
        oc_warn("drain_incomplete",
                "%d output(s) still undelivered after %d ms; their inputs "
                "stay uncommitted and will be processed again",
                left, timeout_ms);
    }
    advance(l);
    commit(l, 1);
}

static void parts_release(loop_t *l, const rd_kafka_topic_partition_list_t *list)
{
    for (int i = 0; i < list->cnt; i++) {
        part_t *pt = part_get(l, list->elems[i].partition);
        if (!pt) {
            continue;
        }
        for (size_t k = 0; k < pt->len; k++) {
            pending_t *pe = pt->q[(pt->head + k) % pt->cap];
            if (pe->ticket.pending > 0) {
                /* a late delivery report will still touch it: keep it alive */
                pending_t **no = realloc(l->orphans, (l->norphans + 1) * sizeof *no);
                if (no) {
                    l->orphans = no;
                    l->orphans[l->norphans++] = pe;
                }
                /* on allocation failure the entry leaks rather than dangles */
            } else {
                free(pe);
            }
        }
        free(pt->q);
        memset(pt, 0, sizeof *pt);
        pt->done = -1;
        pt->committed = -1;
        pt->first = -1;
    }
}

static void call_stage_parts(loop_t *l, const rd_kafka_topic_partition_list_t *list,
                             void (*fn)(void *, const int32_t *, int))
{
    if (!fn) {
        return;
    }
    int32_t *ps = malloc(((size_t)list->cnt + 1) * sizeof *ps);
    if (!ps) {
        return;
    }
    for (int i = 0; i < list->cnt; i++) {
        ps[i] = list->elems[i].partition;
    }
    fn(l->ctx, ps, list->cnt);
    free(ps);
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    loop_t *l = opaque;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (int i = 0; i < parts->cnt; i++) {
            part_t *pt = part_get(l, parts->elems[i].partition);
            if (pt) {
                pt->assigned = 1;
            }
        }
        oc_info("assigned", "%d partition(s) of %s assigned", parts->cnt, l->topic);
        call_stage_parts(l, parts, l->stage->assigned);
        oc_metric_add(l->m_assigned, parts->cnt);
        rd_kafka_assign(rk, parts);
        oc_http_set_ready(l->http, 1);
        return;
    }
    /* Revoke: whatever we processed must be committed before another member
     * takes over, or it processes it again. */
    oc_info("revoked", "%d partition(s) of %s revoked", parts->cnt, l->topic);
    drain_and_commit(l, DRAIN_TIMEOUT_MS);
    call_stage_parts(l, parts, l->stage->revoked);
    parts_release(l, parts);
    oc_metric_add(l->m_assigned, -parts->cnt);
    rd_kafka_assign(rk, NULL);
}

/* Async commits report here; a failed one is retried by the next commit
 * (committed is only moved on success). */
static void offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t *offs, void *opaque)
{
    loop_t *l = opaque;
    if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
        oc_warn("commit_failed", "committing %s: %s (will retry)", l->topic, rd_kafka_err2str(err));
        return;
    }
    for (int i = 0; offs && i < offs->cnt; i++) {
        const rd_kafka_topic_partition_t *tp = &offs->elems[i];
        if (tp->err) {
            oc_warn("commit_failed", "committing %s [%d] @%lld: %s (will retry)", l->topic,
                    (int)tp->partition, (long long)tp->offset, rd_kafka_err2str(tp->err));
            continue;
        }
        part_t *pt = part_get(l, tp->partition);
        if (pt && tp->offset > pt->committed) {
            /* a partition's first commit counts from where this member began */
            int64_t from = pt->committed >= 0 ? pt->committed : pt->first;
            if (from >= 0) {
                oc_metric_add(l->m_committed, tp->offset - from);
            }
            pt->committed = tp->offset;
        }
        oc_debug("committed", "%s [%d] committed at %lld", l->topic, (int)tp->partition,
                 (long long)tp->offset);
    }
    oc_metric_add(l->m_commits, 1);
}

static void consumer_error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    oc_warn("kafka_error", "consumer: %s: %s", rd_kafka_err2name((rd_kafka_resp_err_t)err), reason);
}

static int consumer_new(loop_t *l)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* Offsets are ours to commit, after delivery (see the top of this file). */
    const char *const defaults[] = {"group.id", l->cfg->group, "enable.auto.commit", "false",
                                    "enable.auto.offset.store", "false", "auto.offset.reset",
                                    "earliest", "enable.partition.eof", "false",
                                    /* an idle fetch waits at most this long: it
                                     * bounds the latency a reply adds on its way
                                     * to alert (docs/operations.md) */
                                    "fetch.wait.max.ms", "100",
                                    /* prefetch: librdkafka 2.0.2 re-checks a
                                     * full queue only once a second, so the
                                     * queue must hold about a second of work
                                     * or a stage catching up stalls; fetches
                                     * of 8 MB, not 50 (docs/operations.md) */
                                    "queued.max.messages.kbytes", "65536", "queued.min.messages",
                                    "100000", "fetch.max.bytes", "8388608", NULL};
    for (const char *const *kv = defaults; *kv; kv += 2) {
        if (rd_kafka_conf_set(conf, kv[0], kv[1], errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            oc_error("config", "consumer %s=%s: %s", kv[0], kv[1], errstr);
            rd_kafka_conf_destroy(conf);
            return -1;
        }
    }
    if (oc_config_apply_kafka(l->cfg, conf) < 0) {
        oc_error("config", "%s", l->cfg->err);
        rd_kafka_conf_destroy(conf);
        return -1;
    }
    rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
    rd_kafka_conf_set_error_cb(conf, consumer_error_cb);
    rd_kafka_conf_set_offset_commit_cb(conf, offset_commit_cb);
    rd_kafka_conf_set_opaque(conf, l);
    l->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!l->consumer) {
        rd_kafka_conf_destroy(conf); /* still ours when rd_kafka_new fails */
        oc_error("kafka", "cannot create Kafka consumer: %s", errstr);
        return -1;
    }
    /* conf belongs to l->consumer from here on */
    rd_kafka_poll_set_consumer(l->consumer);
    l->cq = rd_kafka_queue_get_consumer(l->consumer); /* ours: destroyed before the consumer */
    rd_kafka_topic_partition_list_t *sub = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(sub, l->topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = rd_kafka_subscribe(l->consumer, sub);
    rd_kafka_topic_partition_list_destroy(sub);
    if (err) {
        oc_error("kafka", "cannot subscribe to %s: %s", l->topic, rd_kafka_err2str(err));
        return -1;
    }
    return 0;
}

/* Runs the stage over one consumed message. */
static void handle_message(loop_t *l, rd_kafka_message_t *m)
{
    part_t *pt = part_get(l, m->partition);
    pending_t *pe = calloc(1, sizeof *pe);
    /* NUL-terminated copies: stages use string functions on key and payload.
     * The buffers are the loop's, reused: a stage keeps nothing of its input
     * after process() returns. */
    l->payload.len = 0;
    l->key.len = 0;
    int bad = oc_buf_add(&l->payload, m->len ? m->payload : "", m->len) != 0 ||
              (m->key && oc_buf_add(&l->key, m->key, m->key_len) != 0);
    const char *payload = l->payload.data;
    const char *key = m->key ? l->key.data : NULL;
    if (!pt || !pe || bad) {
        oc_error("oom", "out of memory processing %s [%d] @%lld; stopping", l->topic,
                 (int)m->partition, (long long)m->offset);
        l->fatal = 1;
        goto out;
    }
    rd_kafka_timestamp_type_t tstype;
    oc_msg_t msg = {
        .topic = l->topic,
        .partition = m->partition,
        .offset = m->offset,
        .key = key,
        .payload = payload,
        .len = m->len,
        .timestamp_ms = rd_kafka_message_timestamp(m, &tstype),
        .more = l->cq != NULL && rd_kafka_queue_length(l->cq) > 0,
    };
    pe->offset = m->offset;
    if (pt->first < 0) {
        pt->first = m->offset;
    }
    oc_emit_t emit = {.stage = l->stage,
                      .cfg = l->cfg,
                      .in = &msg,
                      .producer = &l->producer,
                      .ticket = &pe->ticket};
    oc_stage_count_in(l->stage);
    if (l->stage->process(l->ctx, &msg, &emit) < 0 || emit.failed) {
        oc_error("process_failed",
                 "stage %s failed on %s [%d] @%lld; stopping without "
                 "committing it",
                 l->stage->name, l->topic, (int)m->partition, (long long)m->offset);
        l->fatal = 1;
        /* outputs already enqueued still reference the ticket */
        if (pe->ticket.pending > 0 && part_push(pt, pe) == 0) {
            pe = NULL;
        }
        goto out;
    }
    if (part_push(pt, pe) < 0) {
        oc_error("oom", "out of memory tracking %s [%d] @%lld; stopping", l->topic,
                 (int)m->partition, (long long)m->offset);
        l->fatal = 1;
        goto out;
    }
    pe = NULL;
out:
    free(pe);
}

static void loop_free(loop_t *l)
{
    for (int p = 0; p < l->nparts; p++) {
        part_t *pt = &l->parts[p];
        for (size_t k = 0; k < pt->len; k++) {
            free(pt->q[(pt->head + k) % pt->cap]);
        }
        free(pt->q);
    }
    free(l->parts);
    oc_buf_free(&l->payload);
    oc_buf_free(&l->key);
    for (size_t i = 0; i < l->norphans; i++) {
        free(l->orphans[i]);
    }
    free(l->orphans);
}

int oc_run_kafka(oc_config_t *cfg, const oc_stage_t *stage, void *ctx)
{
    loop_t l;
    memset(&l, 0, sizeof l);
    l.cfg = cfg;
    l.stage = stage;
    l.ctx = ctx;
    char labels[96];
    snprintf(labels, sizeof labels, "stage=\"%s\"", stage->name);
    l.m_commits = oc_counter("outcry_commits_total", "Offset commits made", labels);
    l.m_committed = oc_counter("outcry_committed_messages_total",
                               "Input messages whose offsets are committed", labels);
    l.m_assigned = oc_gauge("outcry_partitions_assigned", "Input partitions assigned", labels);
    oc_signals_install();

    if (!oc_topic_name(cfg, stage->input, l.topic, sizeof l.topic)) {
        oc_error("config", "input topic name too long");
        return 1;
    }
    if (cfg->http_addr && *cfg->http_addr) {
        char err[256];
        l.http = oc_http_start(cfg->http_addr, err, sizeof err);
        if (!l.http) {
            oc_error("http", "%s; set OUTCRY_HTTP to a free host:port", err);
            return 1;
        }
        oc_info("http", "serving /healthz /readyz /metrics on port %d", oc_http_port(l.http));
    }
    /* Outputs are small and latency matters; the user's -X still wins. */
    if (oc_producer_init(&l.producer, cfg, NULL) < 0) {
        oc_error("kafka", "%s", l.producer.err);
        oc_http_stop(l.http);
        return 1;
    }
    if (consumer_new(&l) < 0) {
        oc_producer_close(&l.producer, 0);
        if (l.cq) {
            rd_kafka_queue_destroy(l.cq);
        }
        if (l.consumer) {
            rd_kafka_destroy(l.consumer);
        }
        oc_http_stop(l.http);
        return 1;
    }
    oc_info("start", "%s consuming %s as group %s from %s", stage->name, l.topic, cfg->group,
            cfg->brokers);

    int64_t last_commit = oc_mono_ms(), last_tick = 0;
    oc_ticket_t tick_ticket = {0};
    while (oc_running && !l.fatal) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(l.consumer, POLL_MS);
        if (m) {
            if (m->err) {
                if (m->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                    oc_warn("consume_error", "%s", rd_kafka_message_errstr(m));
                }
            } else {
                handle_message(&l, m);
            }
            rd_kafka_message_destroy(m);
        }
        oc_producer_poll(&l.producer, 0);
        int64_t now = oc_mono_ms();
        if (stage->tick && now - last_tick >= POLL_MS) {
            oc_emit_t emit = {
                .stage = stage, .cfg = cfg, .producer = &l.producer, .ticket = &tick_ticket};
            if (stage->tick(ctx, oc_now_ms(), &emit) < 0 || emit.failed) {
                oc_error("tick_failed", "stage %s failed in its timer; stopping", stage->name);
                l.fatal = 1;
            }
            last_tick = now;
        }
        if (now - last_commit >= COMMIT_EVERY_MS) {
            advance(&l);
            commit(&l, 0);
            last_commit = now;
        }
    }

    oc_http_set_ready(l.http, 0);
    oc_info("stopping", "%s: draining in-flight outputs (up to %d ms) and committing", stage->name,
            DRAIN_TIMEOUT_MS);
    drain_and_commit(&l, DRAIN_TIMEOUT_MS);
    /* close leaves the group (revoke runs: nothing left to do there) */
    rd_kafka_queue_destroy(l.cq);
    l.cq = NULL;
    rd_kafka_resp_err_t err = rd_kafka_consumer_close(l.consumer);
    if (err) {
        oc_warn("close", "consumer close: %s", rd_kafka_err2str(err));
    }
    rd_kafka_destroy(l.consumer);
    oc_producer_close(&l.producer, DRAIN_TIMEOUT_MS);
    loop_free(&l);
    oc_http_stop(l.http);
    oc_info("stopped", "%s stopped%s", stage->name, l.fatal ? " after a fatal error" : "");
    return l.fatal ? 1 : 0;
}
