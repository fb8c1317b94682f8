/* create.c -- the planned topics made in the mock cluster, all at once and
 * with its thread kept awake (see db_create_topics()). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "devbroker.h"

#define DB_CREATE_THREADS 32 /* see db_create_topics() */

/* Shared by the topic-creating threads. */
typedef struct db_creator {
    rd_kafka_mock_cluster_t *mc; /* the cluster to create topics in */
    const db_plan_t *plan;       /* what to create */
    int replication;             /* replication factor for every topic */
    pthread_mutex_t lock;        /* guards next and failed */
    int next;                    /* index of the next topic to take */
    int failed;                  /* set when a creation failed */
} db_creator_t;

static void *db_creator_main(void *arg)
{
    db_creator_t *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->lock);
        int i = c->failed ? c->plan->n : c->next++;
        pthread_mutex_unlock(&c->lock);
        if (i >= c->plan->n)
            return NULL;
        const db_topic_t *t = &c->plan->topics[i];
        rd_kafka_resp_err_t err =
            rd_kafka_mock_topic_create(c->mc, t->name, t->partitions, c->replication);
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
            db_log(3, "topic.create_failed", "creating topic %s: %s", t->name,
                   rd_kafka_err2str(err));
            pthread_mutex_lock(&c->lock);
            c->failed = 1;
            pthread_mutex_unlock(&c->lock);
            return NULL;
        }
        db_log(0, "topic.created", "%s (%d partitions, replication %d)", t->name, t->partitions,
               c->replication);
    }
}

/* Knocks on a mock broker's listener until told to stop; see
 * db_create_topics() for why. */
typedef struct db_poker {
    struct sockaddr_in addr; /* the first mock broker's listener */
    atomic_int done;         /* set when every creation has returned */
} db_poker_t;

static void *db_poker_main(void *arg)
{
    db_poker_t *p = arg;
    while (!atomic_load(&p->done)) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s >= 0) {
            /* the attempt is the point: the listener's readiness wakes the
             * cluster thread; whether it connects does not matter */
            (void)connect(s, (const struct sockaddr *)&p->addr, sizeof(p->addr));
            close(s);
        }
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* The first "a.b.c.d:port" of a bootstrap list into addr; 0, or -1 when it
 * is not one (then topics are created without the poker, only slower). */
static int db_first_addr(const char *boot, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strchr(boot, ':');
    if (colon == NULL || (size_t)(colon - boot) >= sizeof(host))
        return -1;
    memcpy(host, boot, (size_t)(colon - boot));
    host[colon - boot] = '\0';
    char *end = NULL;
    errno = 0;
    long port = strtol(colon + 1, &end, 10);
    if (errno != 0 || end == colon + 1 || port <= 0 || port > 65535)
        return -1;
    memset(addr, 0, sizeof(*addr));
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    return inet_pton(AF_INET, host, &addr->sin_addr) == 1 ? 0 : -1;
}

/* Creates the planned topics. Returns 0 or -1 (logged).
 *
 * Why threads: each rd_kafka_mock_topic_create() is a request to the mock
 * cluster's thread, and in librdkafka 2.0.2 that thread often misses the
 * wake-up and serves the request only at its 1 s poll timeout (measured:
 * 13 topics one after another took 40 ms to 5 s). Requests made at the same
 * time are served in the same pass, so startup stays near one such wait.
 * Why the poker: that one wait was still ~1.1 s at 64 partitions, and make
 * bench and the integration tests start a broker dozens of times. A
 * connection to a mock broker's listener is an event in the cluster
 * thread's poll(), after which it serves its request queue; knocking every
 * 5 ms while the creations are under way brought startup to ~0.1 s. */
int db_create_topics(rd_kafka_mock_cluster_t *mc, const db_opts_t *o, const db_plan_t *plan,
                     const char *boot)
{

    db_creator_t c = {
        .mc = mc, .plan = plan, .replication = o->replication, .next = 0, .failed = 0};
    pthread_t threads[DB_CREATE_THREADS];
    int started = 0;
    if (pthread_mutex_init(&c.lock, NULL) != 0) {
        db_log(3, "startup.failed", "cannot initialise a mutex");
        return -1;
    }
    db_poker_t poker;
    pthread_t poker_thread;
    atomic_init(&poker.done, 0);
    int poking = db_first_addr(boot, &poker.addr) == 0 &&
                 pthread_create(&poker_thread, NULL, db_poker_main, &poker) == 0;
    int want = plan->n < DB_CREATE_THREADS ? plan->n : DB_CREATE_THREADS;
    for (; started < want; started++) {
        if (pthread_create(&threads[started], NULL, db_creator_main, &c) != 0)
            break;
    }
    if (started == 0)
        db_creator_main(&c); /* no thread at all: do it here, slowly */
    for (int i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    if (poking) {
        atomic_store(&poker.done, 1);
        pthread_join(poker_thread, NULL);
    }
    pthread_mutex_destroy(&c.lock);
    return c.failed ? -1 : 0;
}
