/* core.c -- the alert stage callbacks (see core.h and docs/alert.md). */
#include "core.h"
#include "grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "post.h"
#include "timeutil.h"

int al_ctx_init(al_ctx_t *ctx, const al_options_t *opt)
{
    memset(ctx, 0, sizeof(*ctx));
    al_engine_init(&ctx->engine, opt);
    ctx->m_open =
        oc_gauge("outcry_alert_clocks_open", "SLA clocks open (cases awaiting a reply)", NULL);
    ctx->m_late = oc_counter("outcry_alert_late_events_total",
                             "Posts older than their partition's watermark (applied anyway)", NULL);
    ctx->m_dropped = oc_counter("outcry_alert_clocks_dropped_total",
                                "Open clocks forgotten because their partition was consumed "
                                "elsewhere meanwhile",
                                NULL);
    ctx->m_lag = oc_gauge("outcry_alert_publish_lag_ms",
                          "Last alert fired by the wall clock: ms from its due time to its "
                          "publication",
                          NULL);
    ctx->m_lag_max =
        oc_gauge("outcry_alert_publish_lag_max_ms",
                 "Largest publish lag since start (see outcry_alert_publish_lag_ms)", NULL);
    return 0;
}

/* Live alerts (fired by the wall clock): how long after its due time each
 * was published. Logged per alert and kept in two gauges. */
static void record_lag(al_ctx_t *ctx)
{
    int64_t now = oc_now_ms();
    for (size_t i = 0; i < al_alerts_count(&ctx->batch); i++) {
        al_alert_t a = al_alerts_get(&ctx->batch, i);
        const char *type = al_kind_name(a.kind);
        int64_t lag = now - a.at_ms;
        oc_metric_set(ctx->m_lag, lag);
        if (lag > ctx->max_lag) {
            ctx->max_lag = lag;
            oc_metric_set(ctx->m_lag_max, lag);
        }
        oc_log_fields(
            OC_LOG_INFO, "alert_published",
            json_pack("{s:s?,s:s,s:I}", "type", type, "case", a.case_id, "lag_ms", (json_int_t)lag),
            "%s %s published %lld ms after it was due", type ? type : "?", a.case_id,
            (long long)lag);
    }
}

void al_ctx_free(al_ctx_t *ctx)
{
    al_engine_free(&ctx->engine);
    al_alerts_free(&ctx->batch);
    free(ctx->offsets);
    free(ctx->held);
    ctx->offsets = NULL;
    ctx->held = NULL;
    ctx->nheld = ctx->held_cap = 0;
}

static al_part_offset_t *part_offset(al_ctx_t *ctx, int32_t partition)
{
    if (partition < 0 || partition >= 65536)
        return NULL;
    if ((size_t)partition >= ctx->noffsets) {
        size_t n = (size_t)partition + 1;
        al_part_offset_t *o = realloc(ctx->offsets, n * sizeof(*o));
        if (o == NULL)
            return NULL;
        for (size_t i = ctx->noffsets; i < n; i++) {
            o[i].last = -1;
            o[i].fresh = 0;
        }
        ctx->offsets = o;
        ctx->noffsets = n;
    }
    return &ctx->offsets[partition];
}

/* Hands what fired to the sink, then (with a store) the state it left and
 * offset of partition p (offset < 0: none) to Redis, and updates the gauges.
 * Alerts go first: a crash in between replays the input, whose alerts are
 * then absorbed as duplicates. Returns 0 or -1. */
static int flush(al_ctx_t *ctx, int32_t p, int64_t offset)
{
    int rc = 0;
    if (al_alerts_count(&ctx->batch) > 0) {
        rc = al_sink_write(&ctx->sink, &ctx->batch);
        if (rc != 0)
            oc_error("alert_output_failed", "%s", ctx->sink.err);
        else if (p < 0 && offset < 0 && ctx->live_lag)
            record_lag(ctx);
        al_alerts_clear(&ctx->batch);
    }
    ctx->alerts_since_ms = 0;
    if (rc == 0 && ctx->store != NULL && al_store_write(ctx->store, &ctx->engine, p, offset) != 0) {
        oc_error("state_write_failed", "%s", ctx->store->err);
        rc = -1;
    }
    if (rc == 0) {
        /* their state is in Redis: the inputs may be committed */
        for (size_t i = 0; i < ctx->nheld; i++)
            oc_hold_release(ctx->held[i]);
        ctx->nheld = 0;
    }
    oc_metric_set(ctx->m_open, (int64_t)al_engine_open_clocks(&ctx->engine));
    if (ctx->engine.late_events > ctx->late_counted) {
        oc_metric_add(ctx->m_late, (int64_t)(ctx->engine.late_events - ctx->late_counted));
        ctx->late_counted = ctx->engine.late_events;
    }
    return rc;
}

/* After an input is applied: with a store (Kafka mode), its state waits in
 * memory, its offset noted and the input held uncommitted, until
 * AL_WRITE_EVERY inputs are waiting, the next tick, a revocation, or an
 * alert fired and either no more input is queued or the alert has waited
 * AL_ALERT_WAIT_MS (alerts, then the state that led to them); then one
 * write sends it all and the inputs are released. An alert never waits for
 * input that has not arrived: an idle stage publishes at once. A crash
 * before the write loses nothing: none of the inputs was committed, the
 * stored offsets are those of the state, and the replayed alerts are
 * absorbed as duplicates. Without a store, or in stdio mode, at once. */
static int settle(al_ctx_t *ctx, const oc_msg_t *in, oc_emit_t *out)
{
    oc_ticket_t *t = ctx->store != NULL ? oc_emit_hold(out) : NULL;
    if (t == NULL)
        return flush(ctx, in->partition, in->offset);
    if (oc_grow(&ctx->held, &ctx->held_cap, ctx->nheld, sizeof(*ctx->held), AL_WRITE_EVERY) != 0) {
        oc_hold_release(t);
        return flush(ctx, in->partition, in->offset);
    }
    ctx->held[ctx->nheld++] = t;
    al_store_note(ctx->store, in->partition, in->offset);
    if (ctx->nheld >= AL_WRITE_EVERY)
        return flush(ctx, -1, -1);
    if (al_alerts_count(&ctx->batch) > 0) {
        int64_t now = oc_mono_ms();
        if (ctx->alerts_since_ms == 0)
            ctx->alerts_since_ms = now;
        if (!in->more || now - ctx->alerts_since_ms >= AL_ALERT_WAIT_MS)
            return flush(ctx, -1, -1);
    }
    return 0;
}

/* In-memory state survives a revocation. When the partition comes back the
 * first offset tells whether anyone else consumed it meanwhile: the next
 * offset means no, and the state is still right; offsets already applied are
 * skipped; a gap means another instance moved on, so the clocks are stale
 * (replies may have been consumed there) and are dropped. */
static int check_offset(al_ctx_t *ctx, const oc_msg_t *in)
{
    al_part_offset_t *po = part_offset(ctx, in->partition);
    if (po == NULL)
        return 0;
    if (po->last >= 0 && in->offset <= po->last) {
        oc_debug("already_applied", "%s [%d] @%lld was applied before the rebalance; skipped",
                 in->topic, (int)in->partition, (long long)in->offset);
        return 1;
    }
    if (po->fresh && po->last >= 0 && in->offset != po->last + 1) {
        size_t n = al_engine_drop_partition(&ctx->engine, in->partition);
        oc_metric_add(ctx->m_dropped, (int64_t)n);
        oc_warn("partition_state_dropped",
                "%s [%d] resumed at offset %lld, not %lld: another instance consumed it "
                "meanwhile; %zu open clock(s) of this partition forgotten",
                in->topic, (int)in->partition, (long long)in->offset, (long long)(po->last + 1), n);
    }
    po->fresh = 0;
    po->last = in->offset;
    return 0;
}

/* A control message: end_of_input moves the partition's watermark to the
 * given time (the highest event time of the whole input). */
static int control(al_ctx_t *ctx, const oc_msg_t *in, const json_t *msg, oc_emit_t *out)
{
    const char *type = json_string_value(json_object_get(msg, "type"));
    const char *wm = json_string_value(json_object_get(msg, "watermark"));
    int64_t wm_ms;
    if (type == NULL || strcmp(type, "end_of_input") != 0 || wm == NULL ||
        oc_time_parse(wm, &wm_ms) != 0)
        return oc_emit_dlq(out, "invalid_control",
                           "control message: expected {\"type\": \"end_of_input\", "
                           "\"watermark\": RFC 3339}");
    if (al_engine_advance(&ctx->engine, in->partition, wm_ms, &ctx->batch) != 0) {
        oc_error("oom", "out of memory firing alerts");
        al_alerts_clear(&ctx->batch);
        return -1;
    }
    oc_info("end_of_input", "%s [%d]: watermark %s", in->topic, (int)in->partition, wm);
    return flush(ctx, in->partition, in->offset);
}

/* author.followers as cJSON read it is what jansson reads: absent, null, or
 * a number a double holds exactly (below 2^53). */
static int followers_exact(const cJSON *root)
{
    const cJSON *f = oc_fp_get(oc_fp_get(root, "author"), "followers");
    return f == NULL || cJSON_IsNull(f) ||
           (cJSON_IsNumber(f) && fabs(f->valuedouble) < 9007199254740992.0);
}

int al_msg_parse(al_msg_t *m, const char *buf, size_t len, const char **code, char *err,
                 size_t errlen)
{
    memset(m, 0, sizeof(*m));
    const char *fcode;
    /* numbers cJSON reads unlike jansson (01, 1., 150.0 as followers) are
     * read by jansson inside oc_fp_parse, which then refuses them as jansson
     * does, and this falls back to jansson's own verdict and reason */
    oc_fp_strict_numbers(1);
    if (oc_fp_parse(&m->fp, buf, len, &fcode, err, errlen) == 0) {
        if (followers_exact(m->fp.root))
            return 0;
        oc_fp_free(&m->fp);
    }
    return al_msg_parse_json(m, buf, len, code, err, errlen);
}

int al_msg_parse_json(al_msg_t *m, const char *buf, size_t len, const char **code, char *err,
                      size_t errlen)
{
    memset(m, 0, sizeof(*m));
    json_error_t jerr;
    json_t *j = json_loadb(buf, len, 0, &jerr);
    if (j == NULL) {
        *code = "invalid_json";
        snprintf(err, errlen, "not JSON: line %d column %d: %s", jerr.line, jerr.column, jerr.text);
        return -1;
    }
    const char *schema = json_string_value(json_object_get(j, "schema"));
    if (schema != NULL && strcmp(schema, AL_CONTROL_SCHEMA) == 0) {
        m->control = j;
        return 0;
    }
    if (oc_post_validate(j, err, errlen) != 0) {
        json_decref(j);
        *code = "invalid_post";
        return -1;
    }
    m->post = j;
    return 0;
}

int al_msg_event(const al_msg_t *m, const al_options_t *opt, al_event_t *ev, char *err,
                 size_t errlen)
{
    return m->fp.root != NULL ? al_event_read_cjson(opt, m->fp.root, ev, err, errlen)
                              : al_event_read_json(opt, m->post, ev, err, errlen);
}

void al_msg_free(al_msg_t *m)
{
    oc_fp_free(&m->fp);
    json_decref(m->post);
    json_decref(m->control);
    m->post = m->control = NULL;
}

int al_process(void *vctx, const oc_msg_t *in, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    char err[256];
    if (ctx->store != NULL) {
        if (!al_store_loaded(ctx->store, in->partition) &&
            al_store_load(ctx->store, &ctx->engine, in->partition) != 0) {
            oc_error("state_load_failed", "%s", ctx->store->err);
            return -1;
        }
        if (in->offset <= al_store_offset(ctx->store, in->partition)) {
            oc_debug("already_applied", "%s [%d] @%lld is in the stored state already; skipped",
                     in->topic, (int)in->partition, (long long)in->offset);
            return 0;
        }
    } else if (check_offset(ctx, in) != 0) {
        return 0;
    }
    al_msg_t m;
    const char *code = NULL;
    if (al_msg_parse(&m, in->payload, in->len, &code, err, sizeof(err)) != 0)
        return oc_emit_dlq(out, code, err);
    if (m.control != NULL) {
        int rc = control(ctx, in, m.control, out);
        al_msg_free(&m);
        return rc;
    }
    al_event_t ev;
    int rc = al_msg_event(&m, &ctx->engine.opt, &ev, err, sizeof(err));
    if (rc == 0)
        rc = al_engine_apply_event(&ctx->engine, in->partition, &ev, &ctx->batch);
    al_msg_free(&m);
    if (rc == -1)
        return oc_emit_dlq(out, "invalid_routed", err);
    if (rc != 0) {
        oc_error("oom", "out of memory applying %s [%d] @%lld", in->topic, (int)in->partition,
                 (long long)in->offset);
        al_alerts_clear(&ctx->batch);
        return -1;
    }
    return settle(ctx, in, out);
}

int al_flush(void *vctx, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    (void)out;
    return flush(ctx, -1, -1);
}

int al_tick(void *vctx, int64_t now_ms, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    (void)out;
    if (ctx->event_time)
        return ctx->nheld > 0 ? flush(ctx, -1, -1) : 0;
    ctx->live_lag = 1;
    if (al_engine_tick(&ctx->engine, now_ms, &ctx->batch) != 0) {
        oc_error("oom", "out of memory firing alerts");
        al_alerts_clear(&ctx->batch);
        return -1;
    }
    return flush(ctx, -1, -1);
}

int al_drain(void *vctx, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    (void)out;
    if (al_engine_drain(&ctx->engine, &ctx->batch) != 0) {
        oc_error("oom", "out of memory firing alerts");
        al_alerts_clear(&ctx->batch);
        return -1;
    }
    return flush(ctx, -1, -1);
}

void al_assigned(void *vctx, const int32_t *partitions, int n)
{
    al_ctx_t *ctx = vctx;
    if (ctx->store != NULL) {
        /* Whoever had these partitions left their state in Redis. A failed
         * load is retried by the partition's next message. (Pipelining the
         * loads of several partitions was measured: no gain; the time is
         * the parse.) */
        for (int i = 0; i < n; i++)
            if (al_store_load(ctx->store, &ctx->engine, partitions[i]) != 0)
                oc_error("state_load_failed", "%s", ctx->store->err);
        al_engine_set_live(&ctx->engine, partitions, n, 1);
        return;
    }
    al_engine_set_live(&ctx->engine, partitions, n, 1);
    for (int i = 0; i < n; i++) {
        al_part_offset_t *po = part_offset(ctx, partitions[i]);
        if (po != NULL)
            po->fresh = 1;
    }
}

void al_revoked(void *vctx, const int32_t *partitions, int n)
{
    al_ctx_t *ctx = vctx;
    al_engine_set_live(&ctx->engine, partitions, n, 0);
    if (ctx->store != NULL)
        for (int i = 0; i < n; i++)
            al_store_forget(ctx->store, &ctx->engine, partitions[i]);
}

const oc_stage_t al_stage = {
    .name = "alert",
    .input = "routed",
    .primary = "alerts", /* nothing is oc_emit()ted: the sink writes the alerts */
    .process = al_process,
    .tick = al_tick,
    .drain = al_drain,
    .flush = al_flush,
    .assigned = al_assigned,
    .revoked = al_revoked,
};
