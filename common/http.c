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
    struct MHD_Daemon *daemon; /* libmicrohttpd's server, internal thread */
    atomic_int ready;          /* what /readyz reports */
    int port;                  /* the port actually bound */
};

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

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    oc_http_t *h = cls;
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
    h->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
                                 NULL, handle, h, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10, MHD_OPTION_END);
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
