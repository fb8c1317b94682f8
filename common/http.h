/* http.h -- /healthz, /readyz and /metrics over libmicrohttpd.
 *
 * Every service serves these on OUTCRY_HTTP. A service with an API of its own
 * (ingest's /v1/posts) registers a handler that sees every request first. */
#ifndef OC_HTTP_H
#define OC_HTTP_H

#include <stddef.h>

struct MHD_Connection;
typedef struct oc_http oc_http_t;

/* Starts the server on "host:port" (port 0 picks a free one). Returns NULL
 * with the reason in err when the address is bad or cannot be bound. */
oc_http_t *oc_http_start(const char *addr, char *err, size_t errlen);
/* The port actually bound. */
int oc_http_port(const oc_http_t *h);
/* /readyz answers 200 once ready is set, 503 before and while unset. */
void oc_http_set_ready(oc_http_t *h, int ready);
void oc_http_stop(oc_http_t *h); /* NULL-safe */

#endif
