/* core.c -- the alert stage callbacks (see core.h and docs/alert.md). */
#include "core.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "post.h"

int al_ctx_init(al_ctx_t *ctx, const al_options_t *opt)
{
    memset(ctx, 0, sizeof(*ctx));
    al_engine_init(&ctx->engine, opt);
    ctx->batch = json_array();
    ctx->m_open =
        oc_gauge("outcry_alert_clocks_open", "SLA clocks open (cases awaiting a reply)", NULL);
    ctx->m_late = oc_counter("outcry_alert_late_events_total",
                             "Posts older than their partition's watermark (applied anyway)", NULL);
    ctx->m_dropped = oc_counter("outcry_alert_clocks_dropped_total",
                                "Open clocks forgotten because their partition was consumed "
                                "elsewhere meanwhile",
                                NULL);
    return ctx->batch != NULL ? 0 : -1;
}

void al_ctx_free(al_ctx_t *ctx)
{
    al_engine_free(&ctx->engine);
    json_decref(ctx->batch);
    free(ctx->offsets);
    ctx->batch = NULL;
    ctx->offsets = NULL;
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

/* Hands what fired to the sink and updates the gauges. Returns 0 or -1. */
static int flush(al_ctx_t *ctx)
{
    int rc = 0;
    if (json_array_size(ctx->batch) > 0) {
        rc = al_sink_write(&ctx->sink, ctx->batch);
        if (rc != 0)
            oc_error("alert_output_failed", "%s", ctx->sink.err);
        json_array_clear(ctx->batch);
    }
    oc_metric_set(ctx->m_open, (int64_t)al_engine_open_clocks(&ctx->engine));
    if (ctx->engine.late_events > ctx->late_counted) {
        oc_metric_add(ctx->m_late, (int64_t)(ctx->engine.late_events - ctx->late_counted));
        ctx->late_counted = ctx->engine.late_events;
    }
    return rc;
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

int al_process(void *vctx, const oc_msg_t *in, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    char err[256];
    if (check_offset(ctx, in) != 0)
        return 0;
    json_error_t jerr;
    json_t *post = json_loadb(in->payload, in->len, 0, &jerr);
    if (post == NULL) {
        snprintf(err, sizeof(err), "not JSON: line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return oc_emit_dlq(out, "invalid_json", err);
    }
    if (oc_post_validate(post, err, sizeof(err)) != 0) {
        json_decref(post);
        return oc_emit_dlq(out, "invalid_post", err);
    }
    int rc = al_engine_apply(&ctx->engine, in->partition, post, ctx->batch, err, sizeof(err));
    json_decref(post);
    if (rc == -1)
        return oc_emit_dlq(out, "invalid_routed", err);
    if (rc != 0) {
        oc_error("oom", "out of memory applying %s [%d] @%lld", in->topic, (int)in->partition,
                 (long long)in->offset);
        json_array_clear(ctx->batch);
        return -1;
    }
    return flush(ctx);
}

int al_tick(void *vctx, int64_t now_ms, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    (void)out;
    if (al_engine_tick(&ctx->engine, now_ms, ctx->batch) != 0) {
        oc_error("oom", "out of memory firing alerts");
        json_array_clear(ctx->batch);
        return -1;
    }
    return flush(ctx);
}

int al_drain(void *vctx, oc_emit_t *out)
{
    al_ctx_t *ctx = vctx;
    (void)out;
    if (al_engine_drain(&ctx->engine, ctx->batch) != 0) {
        oc_error("oom", "out of memory firing alerts");
        json_array_clear(ctx->batch);
        return -1;
    }
    return flush(ctx);
}

void al_assigned(void *vctx, const int32_t *partitions, int n)
{
    al_ctx_t *ctx = vctx;
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
}
