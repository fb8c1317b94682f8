/* classify.h -- the classify stage: posts in, classified posts out.
 *
 * cl_process() is the stage core (common/stage.h): it parses and validates a
 * post, classifies its text, adds "classification" and emits the post to
 * "classified" under the input's key. Input that is not JSON or not a post
 * goes to the DLQ ("invalid_json", "invalid_post"). The brand's own posts
 * (direction "outbound") pass through too, so that alert sees replies; they
 * are classified like any text but never marked as complaints. */
#ifndef CL_CLASSIFY_H
#define CL_CLASSIFY_H

#include <jansson.h>
#include <stddef.h>

#include "metrics.h"
#include "model.h"
#include "stage.h"

#define CL_THRESHOLD_ENV "OUTCRY_CLASSIFY_THRESHOLD"

typedef struct cl_ctx {
    cl_model_t *model;                /* the classifier, owned */
    double threshold;                 /* complaint cut-off, 0..1 */
    oc_metric_t *complaints[CL_NCAT]; /* outcry_classify_complaints_total{category} */
    oc_metric_t *posts[2];            /* outcry_classify_posts_total{direction} in, out */
    oc_metric_t *critical;            /* outcry_classify_critical_total */
    char err[256];                    /* last error, for messages */
} cl_ctx_t;

/* Builds the model and registers the counters. threshold comes from
 * OUTCRY_CLASSIFY_THRESHOLD (default 0.5); main may override it with
 * cl_parse_threshold(). Returns 0, or -1 with the reason in ctx->err. */
int cl_ctx_init(cl_ctx_t *ctx);
void cl_ctx_free(cl_ctx_t *ctx);

/* Parses a threshold in [0, 1]. Returns 0 and sets *out, or -1 with a
 * message naming what (flag or variable) was wrong in err. */
int cl_parse_threshold(const char *what, const char *s, double *out, char *err, size_t errlen);

/* The stage core. */
int cl_process(void *ctx, const oc_msg_t *in, oc_emit_t *out);

/* Classifies text and returns the "classification" object (new reference),
 * or NULL when out of memory. outbound forces complaint false. explain, when
 * not NULL, receives the model's trace (see cl_model_classify). */
json_t *cl_classify_text(cl_ctx_t *ctx, const char *text, size_t len, int outbound,
                         json_t *explain);

#endif
