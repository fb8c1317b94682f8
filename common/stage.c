/* stage.c -- oc_emit(), the DLQ path and the --stdio loop.
 * The Kafka loop is in kafka_loop.c, the signal flags in signals.c. */
#include "stage.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "dlq.h"
#include "emit.h"
#include "log.h"
#include "metrics.h"
#include "post.h"

static oc_metric_t *stage_counter(const oc_stage_t *stage, const char *name, const char *help)
{
    char labels[96];
    snprintf(labels, sizeof labels, "stage=\"%s\"", stage->name);
    return oc_counter(name, help, labels);
}

void oc_stage_count_in(const oc_stage_t *stage)
{
    static oc_metric_t *m;
    if (!m) {
        m = stage_counter(stage, "outcry_messages_in_total", "Input messages processed");
    }
    oc_metric_add(m, 1);
}

oc_ticket_t *oc_emit_hold(oc_emit_t *out)
{
    if (!out->producer || !out->ticket || !out->in) {
        return NULL;
    }
    /* counted like an output in flight: the loop commits the input only
     * when every one is settled */
    out->ticket->pending++;
    return out->ticket;
}

void oc_hold_release(oc_ticket_t *held)
{
    held->pending--;
}

const oc_msg_t *oc_emit_input(const oc_emit_t *out)
{
    return out->in;
}

int oc_emit_raw(oc_emit_t *out, const char *name, const char *key, const char *buf, size_t len)
{
    static oc_metric_t *m;
    int rc = 0;
    if (!m) {
        m = stage_counter(out->stage, "outcry_messages_out_total", "Output messages emitted");
    }
    if (out->producer) {
        char topic[256];
        if (!key && out->in) {
            key = out->in->key;
        }
        if (!oc_topic_name(out->cfg, name, topic, sizeof topic)) {
            oc_error("emit_failed", "topic name too long: %s%s", out->cfg->topic_prefix, name);
            out->failed = 1;
            return -1;
        }
        rc =
            oc_produce_raw(out->producer, topic, key, key ? strlen(key) : 0, buf, len, out->ticket);
        if (rc < 0) {
            oc_error("emit_failed", "%s", out->producer->err);
            out->failed = 1;
        }
    } else if (out->out && strcmp(name, out->stage->primary) == 0) {
        if (fwrite(buf, 1, len, out->out) != len || fputc('\n', out->out) == EOF) {
            oc_error("emit_failed", "cannot write to standard output");
            out->failed = 1;
            rc = -1;
        }
    }
    if (rc == 0) {
        out->emitted++;
        oc_metric_add(m, 1);
    }
    return rc;
}

int oc_emit(oc_emit_t *out, const char *name, const char *key, json_t *value)
{
    if (!value) {
        out->failed = 1;
        return -1;
    }
    char *s = oc_json_dumps(value);
    json_decref(value);
    if (!s) {
        oc_error("emit_failed", "out of memory serialising a message for %s", name);
        out->failed = 1;
        return -1;
    }
    int rc = oc_emit_raw(out, name, key, s, strlen(s));
    free(s);
    return rc;
}

int oc_emit_dlq(oc_emit_t *out, const char *code, const char *reason)
{
    const oc_msg_t *in = out->in;
    if (!in) {
        oc_error("dlq_without_input", "stage %s rejected nothing: no input message (%s: %s)",
                 out->stage->name, code, reason);
        return -1;
    }
    oc_dlq_origin_t origin = {
        .source = out->producer ? "kafka" : "stdin",
        .topic = in->topic,
        .partition = in->partition,
        .offset = in->offset,
        .key = in->key,
    };
    json_t *entry = oc_dlq_entry(out->stage->name, code, reason, &origin, in->payload, in->len);
    if (!entry) {
        out->failed = 1;
        return -1;
    }
    json_t *fields = json_pack("{s:s,s:s,s:I}", "code", code, "topic", in->topic, "offset",
                               (json_int_t)in->offset);
    if (out->producer) {
        oc_log_fields(OC_LOG_WARN, "dlq", fields, "rejected %s [%d] @%lld: %s", in->topic,
                      (int)in->partition, (long long)in->offset, reason);
        /* the DLQ entry is one of this input's outputs: committed only once acknowledged */
        return oc_emit(out, OC_DLQ_TOPIC, in->key, entry);
    }
    /* stdio: the whole entry goes to stderr as one JSON log line */
    json_object_set_new(fields, "dlq", entry);
    oc_log_fields(OC_LOG_WARN, "dlq", fields, "rejected line %lld: %s", (long long)in->offset,
                  reason);
    return 0;
}

int oc_run_stdio(oc_config_t *cfg, const oc_stage_t *stage, void *ctx, FILE *in, FILE *out)
{
    oc_signals_install();
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int64_t lineno = 0;
    int rc = 0;
    oc_emit_t emit = {.stage = stage, .cfg = cfg, .out = out};
    while (oc_running) {
        n = getline(&line, &cap, in);
        if (n < 0) {
            break;
        }
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) {
            line[--n] = '\0';
        }
        if (n == 0) {
            continue;
        }
        oc_msg_t msg = {
            .topic = "-", .partition = 0, .offset = lineno, .payload = line, .len = (size_t)n};
        emit.in = &msg;
        emit.failed = 0;
        oc_stage_count_in(stage);
        if (stage->process(ctx, &msg, &emit) < 0 || emit.failed) {
            oc_error("process_failed", "stage %s failed on line %lld; stopping", stage->name,
                     (long long)lineno);
            rc = 1;
            break;
        }
    }
    if (ferror(in)) {
        oc_error("read_failed", "cannot read standard input");
        rc = 1;
    }
    free(line);
    if (rc == 0 && stage->drain) {
        emit.in = NULL;
        if (stage->drain(ctx, &emit) < 0 || emit.failed) {
            rc = 1;
        }
    }
    if (fflush(out) == EOF) {
        oc_error("write_failed", "cannot write standard output");
        rc = 1;
    }
    return rc;
}
