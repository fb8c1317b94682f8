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

#include "fastpost.h"
#include "metrics.h"
#include "model.h"
#include "stage.h"

#define CL_THRESHOLD_ENV    "OUTCRY_CLASSIFY_THRESHOLD"    /* complaint cut-off */
#define CL_HIGH_ENV         "OUTCRY_CLASSIFY_HIGH"         /* P(>= high) cut-off */
#define CL_CRITICAL_ENV     "OUTCRY_CLASSIFY_CRITICAL"     /* P(critical) cut-off */
#define CL_CATEGORY_MIN_ENV "OUTCRY_CLASSIFY_CATEGORY_MIN" /* below: category "other" */
#define CL_MODEL_ENV        "OUTCRY_CLASSIFY_MODEL"        /* model file, or "lexicon" */
#define CL_MODEL_LEXICON    "lexicon" /* model "path" that means the word lists alone */

typedef struct cl_ctx {
    cl_model_t *model;                /* the classifier, owned */
    cl_thresholds_t th;               /* cut-offs, 0..1 each */
    char model_path[1024];            /* the model file loaded, "" for the lexicon */
    oc_metric_t *complaints[CL_NCAT]; /* outcry_classify_complaints_total{category} */
    oc_metric_t *posts[2];            /* outcry_classify_posts_total{direction} in, out */
    oc_metric_t *critical;            /* outcry_classify_critical_total */
    int loose;                        /* --stdio: also score bare {"id","text"} objects */
    cl_features_t scratch;            /* tokens of the text being classified, reused */
    oc_buf_t out;                     /* the output message being written, reused */
    char err[256];                    /* last error, for messages */
} cl_ctx_t;

/* Loads the model and registers the counters. model: a model file, or
 * "lexicon" for the word lists alone, or NULL for OUTCRY_CLASSIFY_MODEL and
 * then the default (cl_default_model_path). The cut-offs come from
 * OUTCRY_CLASSIFY_{THRESHOLD,HIGH,CRITICAL,CATEGORY_MIN}; main may override
 * them with cl_parse_threshold(). Returns 0, or -1 with the reason in
 * ctx->err. */
int cl_ctx_init(cl_ctx_t *ctx, const char *model);
void cl_ctx_free(cl_ctx_t *ctx);

/* Parses a threshold in [0, 1]. Returns 0 and sets *out, or -1 with a
 * message naming what (flag or variable) was wrong in err. */
int cl_parse_threshold(const char *what, const char *s, double *out, char *err, size_t errlen);

/* Finds the shipped model: in the source tree the binary was built in
 * (<exe>/../classify/model.bin, or <exe>/../../classify/model.bin for
 * build/san), installed (<exe>/../share/outcry/classify-model.bin), then
 * CL_MODEL_INSTALLED. Returns 0 with the path in
 * buf, or -1 with the places looked at in err. */
int cl_default_model_path(char *buf, size_t len, char *err, size_t errlen);

#define CL_MODEL_INSTALLED "/usr/local/share/outcry/classify-model.bin"

/* The stage core. */
int cl_process(void *ctx, const oc_msg_t *in, oc_emit_t *out);

/* Classifies text and returns the "classification" object (new reference),
 * or NULL when out of memory. outbound forces complaint false. explain, when
 * not NULL, receives the model's trace (see cl_model_classify). */
json_t *cl_classify_text(cl_ctx_t *ctx, const char *text, size_t len, int outbound,
                         json_t *explain);

#endif
