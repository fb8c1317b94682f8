/* metrics.h -- Prometheus counters and gauges, rendered at /metrics.
 *
 * Counters are registered once (at start-up or lazily) and updated with
 * atomics from any thread. A metric is a name plus an optional label set
 * written in Prometheus syntax ("stage=\"route\",reason=\"invalid_json\""). */
#ifndef OC_METRICS_H
#define OC_METRICS_H

#include <stdint.h>

typedef struct oc_metric oc_metric_t;

/* Finds or registers a counter (monotonic) or gauge. Returns a handle that
 * lives as long as the process, or NULL when the registry is full. The
 * strings are copied. */
oc_metric_t *oc_counter(const char *name, const char *help, const char *labels);
oc_metric_t *oc_gauge(const char *name, const char *help, const char *labels);

void oc_metric_add(oc_metric_t *m, int64_t delta); /* NULL-safe */
void oc_metric_set(oc_metric_t *m, int64_t value); /* NULL-safe, gauges */
int64_t oc_metric_get(const oc_metric_t *m);

/* Renders all metrics in Prometheus text format. Returns a malloc'd string. */
char *oc_metrics_render(void);

#endif
