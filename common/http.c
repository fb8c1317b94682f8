/* http.c -- health, readiness and metrics endpoints on libmicrohttpd. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

struct oc_http {
    struct MHD_Daemon *daemon;  /* libmicrohttpd's server, internal threads */
    atomic_int ready;           /* what /readyz reports */
    int port;                   /* the port actually bound */
    oc_http_handler_fn handler; /* the service's API, or NULL */
    void *ctx;                  /* handler's context; borrowed */
    size_t max_body;            /* body limit for the API */
};

/* One request's body as it arrives in pieces. */
typedef struct body {
    char *buf;     /* bytes so far, NUL-terminated */
    size_t len;    /* bytes in buf */
    size_t cap;    /* allocated */
    int too_large; /* passed max_body: the rest is discarded, 413 follows */
} body_t;

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    body_t *b = *con_cls;
    if (b) {
        free(b->buf);
        free(b);
        *con_cls = NULL;
    }
}

const char *oc_http_header(const oc_http_req_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *oc_http_query(const oc_http_req_t *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

static int body_append(body_t *b, const char *data, size_t n, size_t max)
{
    if (b->too_large || b->len + n > max) {
        b->too_large = 1;
        return 0;
    }
    if (b->len + n + 1 > b->cap) {
        size_t ncap = (b->len + n + 1) * 2;
        char *nb = realloc(b->buf, ncap);
        if (!nb) {
            return -1;
        }
        b->buf = nb;
        b->cap = ncap;
    }
    memcpy(b->buf + b->len, data, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return 0;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *type,
                             char *body, int owned)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), body, owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (owned) {
            free(body);
        }
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

/* The service's API: gather the body, then hand over the whole request. */
static enum MHD_Result handle_api(oc_http_t *h, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls, int *answered)
{
    body_t *b = *con_cls;
    *answered = 1;
    if (!b) {
        b = calloc(1, sizeof *b);
        if (!b) {
            return MHD_NO;
        }
        *con_cls = b;
        return MHD_YES; /* libmicrohttpd calls again with the body */
    }
    if (*upload_data_size > 0) {
        if (body_append(b, upload_data, *upload_data_size, h->max_body) < 0) {
            return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (b->too_large) {
        char msg[160];
        snprintf(msg, sizeof msg, "{\"error\":\"request body over the limit of %zu bytes\"}\n",
                 h->max_body);
        char *body = strdup(msg);
        return body ? reply(conn, MHD_HTTP_CONTENT_TOO_LARGE, "application/json", body, 1) : MHD_NO;
    }
    oc_http_req_t req = {
        .method = method, .path = url, .body = b->buf ? b->buf : "", .len = b->len, .conn = conn};
    oc_http_resp_t resp = {0};
    if (!h->handler(h->ctx, &req, &resp)) {
        free(resp.body);
        *answered = 0;
        return MHD_YES;
    }
    if (!resp.body) {
        resp.body = strdup("");
        if (!resp.body) {
            return MHD_NO;
        }
    }
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(resp.body), resp.body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(resp.body);
        return MHD_NO;
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                            resp.content_type ? resp.content_type : "application/json");
    if (resp.retry_after_s > 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", resp.retry_after_s);
        MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
    }
    enum MHD_Result ret = MHD_queue_response(conn, resp.status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    oc_http_t *h = cls;
    if (h->handler && strncmp(url, "/v1/", 4) == 0) {
        int answered;
        enum MHD_Result ret =
            handle_api(h, conn, url, method, upload_data, upload_data_size, con_cls, &answered);
        if (answered) {
            return ret;
        }
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "application/json",
                     (char *)"{\"error\":\"method not allowed; use GET\"}\n", 0);
    }
    if (strcmp(url, "/healthz") == 0) {
        return reply(conn, MHD_HTTP_OK, "application/json", (char *)"{\"status\":\"ok\"}\n", 0);
    }
    if (strcmp(url, "/readyz") == 0) {
        if (atomic_load(&h->ready)) {
            return reply(conn, MHD_HTTP_OK, "application/json", (char *)"{\"ready\":true}\n", 0);
        }
        return reply(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "application/json",
                     (char *)"{\"ready\":false}\n", 0);
    }
    if (strcmp(url, "/metrics") == 0) {
        char *body = oc_metrics_render();
        if (!body) {
            return reply(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/plain",
                         (char *)"out of memory\n", 0);
        }
        return reply(conn, MHD_HTTP_OK, "text/plain; version=0.0.4", body, 1);
    }
    return reply(conn, MHD_HTTP_NOT_FOUND, "application/json",
                 (char *)"{\"error\":\"not found; try /healthz, /readyz or /metrics\"}\n", 0);
}

oc_http_t *oc_http_start(const char *addr, char *err, size_t errlen)
{
    return oc_http_start_api(addr, NULL, NULL, 0, err, errlen);
}

oc_http_t *oc_http_start_api(const char *addr, oc_http_handler_fn handler, void *ctx,
                             size_t max_body, char *err, size_t errlen)
{
    char host[64];
    const char *colon = strrchr(addr, ':');
    if (!colon || (size_t)(colon - addr) >= sizeof host) {
        snprintf(err, errlen, "HTTP address '%s' is not host:port", addr);
        return NULL;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || end == colon + 1 || port < 0 || port > 65535) {
        snprintf(err, errlen, "HTTP address '%s': bad port", addr);
        return NULL;
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (host[0] == '\0' || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "*") == 0) {
        sa.sin_addr.s_addr = htonl(INADDR_ANY);
    } else if (strcmp(host, "localhost") == 0) {
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    } else if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        snprintf(err, errlen, "HTTP address '%s': host must be an IPv4 address", addr);
        return NULL;
    }
    oc_http_t *h = calloc(1, sizeof *h);
    if (!h) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    h->handler = handler;
    h->ctx = ctx;
    h->max_body = max_body;
    /* An API handler may block (ingest waits for Kafka's acknowledgement), so
     * it gets a pool of threads; health checks then still answer. */
    /* A pool of one is refused with a warning: health-only servers get none
     * (MHD_OPTION_END ends the list before the pool size). */
    unsigned threads = handler ? OC_HTTP_THREADS : 0;
    h->daemon = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle,
        h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)30, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
        threads ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, MHD_OPTION_END);
    if (!h->daemon) {
        snprintf(err, errlen, "cannot serve HTTP on %s (port in use or not permitted)", addr);
        free(h);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : (int)port;
    return h;
}

int oc_http_port(const oc_http_t *h)
{
    return h->port;
}

void oc_http_set_ready(oc_http_t *h, int ready)
{
    if (h) {
        atomic_store(&h->ready, ready);
    }
}

void oc_http_stop(oc_http_t *h)
{
    if (!h) {
        return;
    }
    MHD_stop_daemon(h->daemon);
    free(h);
}
