/* redisurl.h -- redis://[user:password@]host:port/db, as OUTCRY_REDIS_URL. */
#ifndef AL_REDISURL_H
#define AL_REDISURL_H

#include <stddef.h>

typedef struct al_redis_url {
    char host[256];     /* name or address; IPv6 without the brackets */
    int port;           /* default 6379 */
    char user[128];     /* ACL user (Redis 6+), empty for none */
    char password[256]; /* password, empty for none */
    int db;             /* database number for SELECT, default 0 */
} al_redis_url_t;

/* Parses url. user and password may be percent-encoded; "redis://:pw@h"
 * means a password without a user (AUTH pw). Port and /db are optional.
 * Returns 0, or -1 with the reason in err. */
int al_redis_url_parse(const char *url, al_redis_url_t *out, char *err, size_t errlen);

#endif
