/* http.h -- /healthz, /readyz and /metrics over libmicrohttpd.
 *
 * Every service serves these on OUTCRY_HTTP. A service with an API of its own
 * (ingest's /v1/posts) registers a handler that sees every request first. */
#ifndef OC_HTTP_H
#define OC_HTTP_H

#include <stddef.h>

struct MHD_Connection;
typedef struct oc_http oc_http_t;

/* A request with its whole body read (bodies over the limit never get here:
 * oc_http answers 413 itself). */
typedef struct oc_http_req {
    const char *method;          /* "GET", "POST", ... */
    const char *path;            /* the URL path, without the query */
    const char *body;            /* the body, NUL-terminated ("" when none) */
    size_t len;                  /* body length without the NUL */
    struct MHD_Connection *conn; /* for oc_http_header() and oc_http_query() */
} oc_http_req_t;

typedef struct oc_http_resp {
    unsigned status;          /* HTTP status */
    char *body;               /* malloc'd; oc_http frees it */
    const char *content_type; /* NULL: application/json */
    int retry_after_s;        /* > 0 adds a Retry-After header (429, 503) */
} oc_http_resp_t;

/* A service's own API. Returns 1 when it answered (resp filled), 0 to leave
 * the request to oc_http (/healthz, /readyz, /metrics, else 404). Runs on
 * libmicrohttpd's threads (a pool of OC_HTTP_THREADS): it must be thread-safe. */
typedef int (*oc_http_handler_fn)(void *ctx, const oc_http_req_t *req, oc_http_resp_t *resp);
#define OC_HTTP_THREADS 4

/* Starts the server on "host:port" (port 0 picks a free one). Returns NULL
 * with the reason in err when the address is bad or cannot be bound. */
oc_http_t *oc_http_start(const char *addr, char *err, size_t errlen);

/* The same with an API handler (ctx is borrowed) and a body limit in bytes. */
oc_http_t *oc_http_start_api(const char *addr, oc_http_handler_fn handler, void *ctx,
                             size_t max_body, char *err, size_t errlen);

/* A request header (case-insensitive name) or query argument; borrowed, NULL
 * when absent. */
const char *oc_http_header(const oc_http_req_t *req, const char *name);
const char *oc_http_query(const oc_http_req_t *req, const char *name);
/* The port actually bound. */
int oc_http_port(const oc_http_t *h);
/* /readyz answers 200 once ready is set, 503 before and while unset. */
void oc_http_set_ready(oc_http_t *h, int ready);
void oc_http_stop(oc_http_t *h); /* NULL-safe */

#endif
