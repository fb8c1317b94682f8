/* watch.h -- `outcry-alert watch`: live alerts from Redis, one readable line each. */
#ifndef AL_WATCH_H
#define AL_WATCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

/* Formats an outcry.alert/v1 object (borrowed) as one line without the
 * newline, e.g.
 *   14:03:22  BREACH      care/p2  twitter:123  @jdoe waited 30s (target 30s): "my order..."
 * Returns buf (always NUL-terminated, truncated to size). */
char *al_watch_format(const json_t *alert, char *buf, size_t size);

/* Subscribes to outcry:alerts, or outcry:alerts:<team> when team is not
 * NULL, on redis_url and prints each alert to out (the raw JSON when json is
 * set), flushed per line, until SIGINT/SIGTERM. Reconnects with backoff when
 * Redis goes away. Returns the exit code: 0 after a signal, 1 when out cannot
 * be written, 2 on a bad URL. */
int al_watch_run(const char *redis_url, const char *team, int json, FILE *out);

#endif
