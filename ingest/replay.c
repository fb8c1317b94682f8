/* replay.c -- a batch to Kafka: rejects to the dlq topic, posts to the posts
 * topic in created_at order keyed by conversation, paced by event time when
 * asked, and nothing reported as done until Kafka acknowledged it. */
#include "dedup.h"
#include "dlq.h"
#include "ingest.h"
#include "log.h"
#include "metrics.h"
#include "post.h"
#include "producer.h"
#include "stage.h"
#include "timeutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The progress line on a terminal: posts, rate, ETA; at most every 500 ms. */
static void progress(size_t done, size_t total, int64_t start, int64_t *last, int final)
{
    int64_t now = oc_mono_ms();
    if (!final && now - *last < 500) {
        return;
    }
    *last = now;
    double secs = (double)(now - start) / 1000.0;
    double rate = secs > 0 ? (double)done / secs : 0;
    double eta = rate > 0 ? (double)(total - done) / rate : 0;
    fprintf(stderr, "\r\033[Koutcry-ingest: %zu/%zu posts, %.0f/s, ETA %.0f s%s", done, total, rate,
            eta, final ? "\n" : "");
}

int ig_rebase(ig_batch_t *b, int64_t delta_ms)
{
    /* what oc_time_format writes as oc_time_parse reads it */
    const int64_t lo = oc_days_from_civil(0, 1, 1) * 86400000;
    const int64_t hi = oc_days_from_civil(10000, 1, 1) * 86400000;
    char ts[OC_TIME_BUFSZ];
    size_t kept = 0;
    int rc = 0;
    for (size_t i = 0; i < b->nitems; i++) {
        ig_item_t it = b->items[i];
        int64_t t = it.created_ms + delta_ms;
        if (rc == 0 && (t < lo || t >= hi)) {
            char reason[IG_REASON_MAX];
            snprintf(reason, sizeof reason,
                     "created_at shifted by --rebase-now (%+lld s) is not in the years 0000-9999",
                     (long long)(delta_ms / 1000));
            rc = ig_batch_reject_item(b, &it, "bad_timestamp", reason);
            continue;
        }
        if (rc == 0) {
            it.created_ms = t;
            if (it.raw) {
                it.rebased = 1;
            } else if (json_object_set_new(it.post, "created_at",
                                           json_string(oc_time_format(t, ts, sizeof ts))) != 0) {
                rc = -1;
            }
        }
        b->items[kept++] = it;
    }
    b->nitems = kept;
    return rc;
}

int64_t ig_pace_due(int64_t t0_ms, int64_t t_ms, double speed)
{
    if (speed <= 0 || t_ms <= t0_ms) {
        return 0;
    }
    return (int64_t)((double)(t_ms - t0_ms) / speed);
}

/* Waits until the monotonic clock reaches due, serving delivery reports.
 * Returns 0, or -1 when a stop was asked for meanwhile. */
static int wait_until(oc_producer_t *p, int64_t due)
{
    for (;;) {
        if (!oc_running) {
            return -1;
        }
        int64_t now = oc_mono_ms();
        if (now >= due) {
            return 0;
        }
        int64_t left = due - now;
        oc_producer_poll(p, (int)(left < 100 ? left : 100));
    }
}

int ig_replay(ig_batch_t *b, oc_config_t *cfg, const ig_replay_opts_t *opts)
{
    oc_producer_t p;
    /* A replay at full speed fills any queue it is given; 10,000 messages
     * (about 70 ms of sending) keep the broker busy, and a smaller queue
     * reuses memory that is already mapped and in cache: a fifth less CPU
     * per post than librdkafka's 100,000 (docs/ingest.md). -X still wins. */
    static const char *const tuning[] = {"queue.buffering.max.messages", "10000", NULL};
    if (oc_producer_init(&p, cfg, tuning) != 0) {
        oc_error("producer_init", "cannot create the Kafka producer: %s", p.err);
        return 1;
    }
    oc_ticket_t ticket = {0};
    char topic[256];
    if (!oc_topic_name(cfg, "posts", topic, sizeof topic)) {
        oc_error("config", "topic prefix too long: %s", cfg->topic_prefix);
        oc_producer_close(&p, 0);
        return 1;
    }
    ig_seen_t *seen = NULL;
    int64_t duplicates = 0;
    int64_t produced = 0;
    int stopped = 0;
    int failed = 0;
    size_t i;
    json_t *entry;
    ig_batch_sort(b);
    if (opts->rebase_now && b->nitems > 0) {
        /* Whole seconds, so the data keeps its look (no fractions appear). */
        int64_t delta = (oc_now_ms() - b->items[0].created_ms) / 1000 * 1000;
        if (ig_rebase(b, delta) != 0) {
            oc_error("rebase_failed", "out of memory rewriting created_at");
            failed = 1;
            goto drain;
        }
        oc_info("rebased", "created_at shifted by %lld s: the first post is now",
                (long long)(delta / 1000));
    }
    /* rejects first (a rebase may add some) */
    json_array_foreach(b->dlq, i, entry)
    {
        if (oc_produce_json(&p, OC_DLQ_TOPIC, NULL, entry, &ticket) != 0) {
            oc_error("produce_failed", "cannot enqueue a DLQ entry: %s", p.err);
            failed = 1;
            goto drain;
        }
        produced++;
    }
    int64_t t0 = b->nitems > 0 ? b->items[0].created_ms : 0;
    int64_t start = oc_mono_ms();
    int tty = isatty(STDERR_FILENO);
    int64_t shown = start;
    oc_metric_t *dup_metric =
        oc_counter("outcry_ingest_duplicates_total",
                   "posts not produced again: same id within the dedup window", NULL);
    seen = ig_seen_new(opts->dedup_ids, opts->dedup_ms);
    if (!seen) {
        oc_error("dedup_oom", "out of memory for a dedup window of %zu ids; lower --dedup-ids",
                 opts->dedup_ids);
        failed = 1;
        goto drain;
    }
    oc_buf_t msg = {0};
    char ts[OC_TIME_BUFSZ];
    int64_t ts_ms = -1;
    for (i = 0; i < b->nitems; i++) {
        ig_item_t *it = &b->items[i];
        if (tty) {
            progress(i, b->nitems, start, &shown, 0);
        }
        /* Event time is the dedup clock here: a replay takes no wall time to
         * cover a day of posts. */
        const char *id = ig_item_id(it);
        int seen_before = ig_seen_check_add(seen, id, NULL, it->created_ms);
        if (seen_before < 0) {
            oc_error("dedup_oom", "out of memory remembering post ids");
            failed = 1;
            break;
        }
        if (seen_before) {
            duplicates++;
            oc_metric_add(dup_metric, 1);
            oc_debug("duplicate", "post %s seen before; not producing it again", id);
            continue;
        }
        if (opts->speed > 0 &&
            wait_until(&p, start + ig_pace_due(t0, it->created_ms, opts->speed)) != 0) {
            stopped = 1;
            break;
        }
        if (!oc_running) {
            stopped = 1;
            break;
        }
        /* ingested_at is formatted once per millisecond, not once per post */
        int64_t now = oc_now_ms();
        if (now != ts_ms) {
            oc_time_format(now, ts, sizeof ts);
            ts_ms = now;
        }
        const char *key = ig_item_conversation(it);
        int bad = ig_item_render_to(it, ts, &msg) != 0;
        if (bad || oc_produce_raw(&p, topic, key, strlen(key), msg.data, msg.len, &ticket) != 0) {
            oc_error("produce_failed", "cannot enqueue post %s: %s", id,
                     bad ? "out of memory" : p.err);
            failed = 1;
            break;
        }
        produced++;
        if (produced % 64 == 0) {
            oc_producer_poll(&p, 0); /* delivery reports; a full queue polls too */
        }
    }
    oc_buf_free(&msg);
    if (tty && b->nitems > 0) {
        progress(i, b->nitems, start, &shown, 1);
    }
    if (stopped) {
        oc_warn("interrupted",
                "stopped after %lld of %zu posts; %lld not sent; flushing what was sent",
                (long long)i, b->nitems, (long long)(b->nitems - i));
    }

drain:;
    int left = oc_producer_flush(&p, opts->flush_timeout_ms);
    int pending = ticket.pending > left ? ticket.pending : left;
    int64_t delivered = produced - pending - ticket.failed;
    ig_seen_free(seen);
    json_t *extra =
        json_pack("{s:I, s:I, s:i, s:i, s:I}", "produced", (json_int_t)produced, "delivered",
                  (json_int_t)delivered, "undelivered", pending, "delivery_failed", ticket.failed,
                  "duplicates", (json_int_t)duplicates);
    ig_batch_summary(b, extra);
    int rc = 0;
    if (pending > 0 || ticket.failed > 0) {
        oc_error("not_delivered",
                 "%lld of %lld messages not acknowledged by Kafka: %d still in flight after "
                 "the %d ms flush deadline, %d failed%s%s; check the brokers (-b) and rerun",
                 (long long)(pending + ticket.failed), (long long)produced, pending,
                 opts->flush_timeout_ms, ticket.failed, ticket.err[0] ? ": " : "", ticket.err);
        rc = 1;
    }
    if (failed) {
        rc = 1;
    }
    /* A stop asked for by SIGTERM/SIGINT is not a failure once what was sent
     * is acknowledged (as every stage promises); the log says what was not sent. */
    oc_producer_close(&p, 0);
    return rc;
}
