/* classify.c -- the classify stage core (classify.h). */
#include "classify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    cl_thresholds_default(&ctx->th);
    if (env_threshold(CL_THRESHOLD_ENV, &ctx->th.complaint, ctx->err, sizeof ctx->err) != 0 ||
        env_threshold(CL_HIGH_ENV, &ctx->th.high, ctx->err, sizeof ctx->err) != 0 ||
        env_threshold(CL_CRITICAL_ENV, &ctx->th.critical, ctx->err, sizeof ctx->err) != 0 ||
        env_threshold(CL_CATEGORY_MIN_ENV, &ctx->th.category_min, ctx->err, sizeof ctx->err) !=
            0) {
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
}

json_t *cl_classify_text(cl_ctx_t *ctx, const char *text, size_t len, int outbound, json_t *explain)
{
    cl_result_t r;
    /* A threshold above 1 can never be met: the brand's own posts are
     * classified for their category and sentiment, never as complaints. */
    cl_thresholds_t th = ctx->th;
    if (outbound) {
        th.complaint = 2.0;
    }
    if (cl_model_classify(ctx->model, text, len, &th, &r, explain) != 0) {
        return NULL;
    }
    return cl_result_json(&r);
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

int cl_process(void *vctx, const oc_msg_t *in, oc_emit_t *out)
{
    cl_ctx_t *ctx = vctx;
    char err[256] = "";
    json_t *post = oc_post_parse(in->payload, in->len, err, sizeof err);
    if (post == NULL) {
        /* oc_post_parse says why; whether the bytes parse as JSON (with the
         * flags it uses) picks the code. */
        json_error_t jerr;
        json_t *any = in->len <= OC_POST_MAX_MESSAGE
                          ? json_loadb(in->payload, in->len, JSON_REJECT_DUPLICATES, &jerr)
                          : NULL;
        if (any != NULL && ctx->loose && is_loose_post(any)) {
            post = any;
        } else {
            const char *code = in->len > OC_POST_MAX_MESSAGE ? "too_large"
                               : any != NULL               ? "invalid_post"
                                                           : "invalid_json";
            json_decref(any);
            if (err[0] == '\0') {
                snprintf(err, sizeof err, "not a valid %s post", OC_POST_SCHEMA);
            }
            return oc_emit_dlq(out, code, err) == 0 ? 0 : -1;
        }
    }
    json_t *jtext = json_object_get(post, "text");
    const char *text = json_string_value(jtext);
    size_t len = json_string_length(jtext);
    if (text == NULL) {
        json_decref(post);
        return oc_emit_dlq(out, "invalid_post", "text: missing or not a string") == 0 ? 0 : -1;
    }
    int outbound = oc_post_is_outbound(post);
    size_t blank = strspn(text, " \t\r\n");
    if (blank == len && !outbound) {
        /* Nothing to judge. The brand's own empty posts (a reply that is only
         * an image) still pass: alert needs them to stop clocks. */
        json_decref(post);
        return oc_emit_dlq(out, "empty_text", "text: empty; nothing to classify") == 0 ? 0 : -1;
    }
    json_t *c = cl_classify_text(ctx, text, len, outbound, NULL);
    if (c == NULL) {
        oc_error("classify_failed", "out of memory classifying post %s", oc_post_id(post));
        json_decref(post);
        return -1;
    }
    int complaint = json_is_true(json_object_get(c, "complaint"));
    const char *category = json_string_value(json_object_get(c, "category"));
    const char *severity = json_string_value(json_object_get(c, "severity"));
    oc_metric_add(ctx->posts[outbound ? 1 : 0], 1);
    if (complaint) {
        for (int i = 0; i < CL_NCAT; i++) {
            if (strcmp(category, cl_category_name((cl_category_t)i)) == 0) {
                oc_metric_add(ctx->complaints[i], 1);
            }
        }
        if (strcmp(severity, "critical") == 0) {
            oc_metric_add(ctx->critical, 1);
        }
    }
    if (oc_log_enabled(OC_LOG_DEBUG)) {
        oc_debug("classified", "post %s: complaint=%d score=%.3f category=%s severity=%s",
                 oc_post_id(post), complaint, json_real_value(json_object_get(c, "score")),
                 category, severity);
    }
    /* An input that was classified before (a replay through a new model)
     * gets the new classification. */
    if (json_object_set_new(post, "classification", c) != 0) {
        json_decref(post);
        return -1;
    }
    return oc_emit(out, "classified", NULL, post) == 0 ? 0 : -1;
}
