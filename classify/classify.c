/* classify.c -- the classify stage core (classify.h). */
#include "classify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fastpost.h"
#include "log.h"
#include "post.h"

int cl_parse_threshold(const char *what, const char *s, double *out, char *err, size_t errlen)
{
    char *end = NULL;
    double v = strtod(s, &end);
    if (s[0] == '\0' || end == s || *end != '\0' || !isfinite(v) || v < 0.0 || v > 1.0) {
        snprintf(err, errlen, "%s '%s': want a number from 0 to 1 (e.g. 0.5)", what, s);
        return -1;
    }
    *out = v;
    return 0;
}

int cl_default_model_path(char *buf, size_t len, char *err, size_t errlen)
{
    /* build/outcry-classify, build/san/outcry-classify (make SAN=1), then
     * an installed tree. */
    static const char *const rel[] = {"/../classify/model.bin", "/../../classify/model.bin",
                                      "/../share/outcry/classify-model.bin"};
    char exe[1024];
    char tried[4][1100];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    int k = 0;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash != NULL) {
            *slash = '\0';
        }
        for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
            snprintf(tried[k++], sizeof tried[0], "%s%s", exe, rel[i]);
        }
    }
    snprintf(tried[k++], sizeof tried[0], "%s", CL_MODEL_INSTALLED);
    for (int i = 0; i < k; i++) {
        if (access(tried[i], R_OK) == 0) {
            snprintf(buf, len, "%s", tried[i]);
            return 0;
        }
    }
    char list[4 * 1100 + 8] = "";
    size_t o = 0;
    for (int i = 0; i < k && o < sizeof list; i++) {
        o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "", tried[i]);
    }
    snprintf(err, errlen,
             "no classifier model found (looked for %s); build it with 'make model', set %s or "
             "--model to a model file, or use --model lexicon for the word lists alone",
             list, CL_MODEL_ENV);
    return -1;
}

static int env_threshold(const char *name, double *out, char *err, size_t errlen)
{
    const char *env = getenv(name);
    if (env == NULL || env[0] == '\0') {
        return 0;
    }
    return cl_parse_threshold(name, env, out, err, errlen);
}

int cl_ctx_init(cl_ctx_t *ctx, const char *model)
{
    memset(ctx, 0, sizeof *ctx);
    /* classify passes a post's bytes on as they came: a number only cJSON
     * reads (01, 1.) would reach outcry.classified as JSON no strict reader
     * takes (fastpost.h, "strict numbers"; found by tests/fuzz) */
    oc_fp_strict_numbers(1);
    cl_thresholds_default(&ctx->th);
    if (env_threshold(CL_THRESHOLD_ENV, &ctx->th.complaint, ctx->err, sizeof ctx->err) != 0 ||
        env_threshold(CL_HIGH_ENV, &ctx->th.high, ctx->err, sizeof ctx->err) != 0 ||
        env_threshold(CL_CRITICAL_ENV, &ctx->th.critical, ctx->err, sizeof ctx->err) != 0 ||
        env_threshold(CL_CATEGORY_MIN_ENV, &ctx->th.category_min, ctx->err, sizeof ctx->err) != 0) {
        return -1;
    }
    if (model == NULL || model[0] == '\0') {
        model = getenv(CL_MODEL_ENV);
    }
    if (model == NULL || model[0] == '\0') {
        if (cl_default_model_path(ctx->model_path, sizeof ctx->model_path, ctx->err,
                                  sizeof ctx->err) != 0) {
            return -1;
        }
    } else if (strcmp(model, CL_MODEL_LEXICON) != 0) {
        snprintf(ctx->model_path, sizeof ctx->model_path, "%s", model);
    }
    ctx->model = cl_model_new(ctx->model_path[0] != '\0' ? ctx->model_path : NULL, ctx->err,
                              sizeof ctx->err);
    if (ctx->model == NULL) {
        return -1;
    }
    char labels[128];
    for (int c = 0; c < CL_NCAT; c++) {
        snprintf(labels, sizeof labels, "stage=\"classify\",category=\"%s\"",
                 cl_category_name((cl_category_t)c));
        ctx->complaints[c] = oc_counter("outcry_classify_complaints_total",
                                        "Posts classified as complaints, by category", labels);
    }
    ctx->posts[0] = oc_counter("outcry_classify_posts_total", "Posts classified, by direction",
                               "stage=\"classify\",direction=\"inbound\"");
    ctx->posts[1] = oc_counter("outcry_classify_posts_total", "Posts classified, by direction",
                               "stage=\"classify\",direction=\"outbound\"");
    ctx->critical = oc_counter("outcry_classify_critical_total", "Complaints of critical severity",
                               "stage=\"classify\"");
    return 0;
}

void cl_ctx_free(cl_ctx_t *ctx)
{
    cl_model_free(ctx->model);
    ctx->model = NULL;
    cl_features_free(&ctx->scratch);
    oc_buf_free(&ctx->out);
}

/* {"id": "...", "text": "..."} at least: what --stdio also scores, for
 * people piping text that is not (yet) a canonical post. */
static int is_loose_post(const json_t *v)
{
    const json_t *text = json_object_get(v, "text");
    return json_is_object(v) && json_is_string(json_object_get(v, "id")) && json_is_string(text) &&
           json_string_length(text) <= OC_POST_MAX_TEXT &&
           strlen(json_string_value(text)) == json_string_length(text);
}

/* Counts one classified post in the stage's metrics. */
static void count(cl_ctx_t *ctx, const cl_result_t *r, int outbound)
{
    oc_metric_add(ctx->posts[outbound ? 1 : 0], 1);
    if (r->complaint) {
        oc_metric_add(ctx->complaints[r->category], 1);
        if (r->severity == CL_SEV_CRITICAL) {
            oc_metric_add(ctx->critical, 1);
        }
    }
}

/* Classifies text into r; outbound posts are never complaints (a threshold
 * above 1 cannot be met), but get their category and sentiment. */
static int classify(cl_ctx_t *ctx, const char *text, size_t len, int outbound, cl_result_t *r,
                    json_t *explain)
{
    cl_thresholds_t th = ctx->th;
    if (outbound) {
        th.complaint = 2.0;
    }
    return cl_model_classify_with(ctx->model, &ctx->scratch, text, len, &th, r, explain);
}

json_t *cl_classify_text(cl_ctx_t *ctx, const char *text, size_t len, int outbound, json_t *explain)
{
    cl_result_t r;
    if (classify(ctx, text, len, outbound, &r, explain) != 0) {
        return NULL;
    }
    return cl_result_json(&r);
}

#define EMPTY_REASON "text: empty; nothing to classify"

static int blank(const char *text, size_t len)
{
    return strspn(text, " \t\r\n") == len;
}

/* The slow path for --stdio's bare {"id","text"} objects: jansson, as
 * before any of this mattered for speed. Returns 1 when it handled the
 * input, 0 when the input is not a loose post either, -1 on failure. */
static int process_loose(cl_ctx_t *ctx, const oc_msg_t *in, oc_emit_t *out)
{
    json_t *post = json_loadb(in->payload, in->len, JSON_REJECT_DUPLICATES, NULL);
    if (post == NULL || !is_loose_post(post)) {
        json_decref(post);
        return 0;
    }
    json_t *jtext = json_object_get(post, "text");
    if (blank(json_string_value(jtext), json_string_length(jtext))) {
        json_decref(post);
        return oc_emit_dlq(out, "empty_text", EMPTY_REASON) == 0 ? 1 : -1;
    }
    json_t *c = cl_classify_text(ctx, json_string_value(jtext), json_string_length(jtext), 0, NULL);
    if (c == NULL || json_object_set_new(post, "classification", c) != 0) {
        json_decref(post);
        return -1;
    }
    return oc_emit(out, "classified", NULL, post) == 0 ? 1 : -1;
}

int cl_process(void *vctx, const oc_msg_t *in, oc_emit_t *out)
{
    cl_ctx_t *ctx = vctx;
    char err[256] = "";
    const char *code = NULL;
    oc_fpost_t p;
    if (oc_fp_parse(&p, in->payload, in->len, &code, err, sizeof err) != 0) {
        if (ctx->loose && strcmp(code, "invalid_post") == 0) {
            int rc = process_loose(ctx, in, out);
            if (rc != 0) {
                return rc < 0 ? -1 : 0;
            }
        }
        return oc_emit_dlq(out, code, err) == 0 ? 0 : -1;
    }
    int rc = -1;
    if (blank(p.text, p.text_len) && !p.outbound) {
        /* Nothing to judge. The brand's own empty posts (a reply that is only
         * an image) still pass: alert needs them to stop clocks. */
        rc = oc_emit_dlq(out, "empty_text", EMPTY_REASON) == 0 ? 0 : -1;
        goto out;
    }
    cl_result_t r;
    if (classify(ctx, p.text, p.text_len, p.outbound, &r, NULL) != 0) {
        oc_error("classify_failed", "out of memory classifying post %s", p.id);
        goto out;
    }
    count(ctx, &r, p.outbound);
    if (oc_log_enabled(OC_LOG_DEBUG)) {
        oc_debug("classified", "post %s: complaint=%d score=%.3f category=%s severity=%s", p.id,
                 r.complaint, r.score, cl_category_name(r.category), cl_severity_name(r.severity));
    }
    /* An input that was classified before (a replay through a new model)
     * gets the new classification: oc_fp_with replaces it. */
    char c[CL_RESULT_TEXT_MAX];
    size_t clen = cl_result_text(&r, c, sizeof c);
    if (clen == 0 || oc_fp_with(&p, "classification", c, clen, &ctx->out) != 0) {
        oc_error("classify_failed", "out of memory writing post %s", p.id);
        goto out;
    }
    rc = oc_emit_raw(out, "classified", NULL, ctx->out.data, ctx->out.len) == 0 ? 0 : -1;
out:
    oc_fp_free(&p);
    return rc;
}
