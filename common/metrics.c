/* metrics.c -- a fixed registry of counters and gauges. */
#include "metrics.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OC_METRICS_MAX 256

struct oc_metric {
    char *name;            /* metric family name */
    char *help;            /* HELP text */
    char *labels;          /* label set without braces, or "" */
    int gauge;             /* 1 = gauge, 0 = counter */
    _Atomic int64_t value; /* current value */
};

static struct oc_metric registry[OC_METRICS_MAX];
static int registry_len;
/* Registration is rare and may race between threads; updates are lock-free. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

static oc_metric_t *metric_find_or_add(const char *name, const char *help, const char *labels,
                                       int gauge)
{
    if (!labels) {
        labels = "";
    }
    oc_metric_t *m = NULL;
    pthread_mutex_lock(&registry_lock);
    for (int i = 0; i < registry_len; i++) {
        if (strcmp(registry[i].name, name) == 0 && strcmp(registry[i].labels, labels) == 0) {
            m = &registry[i];
            goto out;
        }
    }
    if (registry_len == OC_METRICS_MAX) {
        goto out;
    }
    m = &registry[registry_len];
    m->name = strdup(name);
    m->help = strdup(help ? help : "");
    m->labels = strdup(labels);
    if (!m->name || !m->help || !m->labels) {
        free(m->name);
        free(m->help);
        free(m->labels);
        m = NULL;
        goto out;
    }
    m->gauge = gauge;
    atomic_store(&m->value, 0);
    registry_len++;
out:
    pthread_mutex_unlock(&registry_lock);
    return m;
}

oc_metric_t *oc_counter(const char *name, const char *help, const char *labels)
{
    return metric_find_or_add(name, help, labels, 0);
}

oc_metric_t *oc_gauge(const char *name, const char *help, const char *labels)
{
    return metric_find_or_add(name, help, labels, 1);
}

void oc_metric_add(oc_metric_t *m, int64_t delta)
{
    if (m) {
        atomic_fetch_add(&m->value, delta);
    }
}

void oc_metric_set(oc_metric_t *m, int64_t value)
{
    if (m) {
        atomic_store(&m->value, value);
    }
}

int64_t oc_metric_get(const oc_metric_t *m)
{
    return m ? atomic_load(&((oc_metric_t *)m)->value) : 0;
}

/* Appends to a growing buffer; returns -1 when memory runs out. */
static int buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int buf_printf(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
        va_end(ap);
        if (n < 0) {
            return -1;
        }
        if ((size_t)n < *cap - *len) {
            *len += (size_t)n;
            return 0;
        }
        size_t ncap = *cap * 2 + (size_t)n;
        char *nb = realloc(*buf, ncap);
        if (!nb) {
            return -1;
        }
        *buf = nb;
        *cap = ncap;
    }
}

char *oc_metrics_render(void)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        return NULL;
    }
    buf[0] = '\0';
    pthread_mutex_lock(&registry_lock);
    for (int i = 0; i < registry_len; i++) {
        const oc_metric_t *m = &registry[i];
        int first = 1;
        for (int j = 0; j < i; j++) {
            if (strcmp(registry[j].name, m->name) == 0) {
                first = 0;
                break;
            }
        }
        if (first) {
            /* One HELP/TYPE per family, then every label set of it. */
            if (buf_printf(&buf, &len, &cap, "# HELP %s %s\n# TYPE %s %s\n", m->name, m->help,
                           m->name, m->gauge ? "gauge" : "counter") < 0) {
                goto fail;
            }
            for (int j = i; j < registry_len; j++) {
                const oc_metric_t *k = &registry[j];
                if (strcmp(k->name, m->name) != 0) {
                    continue;
                }
                int rc = k->labels[0] ? buf_printf(&buf, &len, &cap, "%s{%s} %lld\n", k->name,
                                                   k->labels, (long long)oc_metric_get(k))
                                      : buf_printf(&buf, &len, &cap, "%s %lld\n", k->name,
                                                   (long long)oc_metric_get(k));
                if (rc < 0) {
                    goto fail;
                }
            }
        }
    }
    pthread_mutex_unlock(&registry_lock);
    return buf;
fail:
    pthread_mutex_unlock(&registry_lock);
    free(buf);
    return NULL;
}
