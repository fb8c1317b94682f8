/* devbroker.c -- outcry-devbroker: an in-memory Kafka-protocol broker for
 * one machine, built on librdkafka's mock cluster (rdkafka_mock.h).
 *
 * It exists so that the services and the integration tests can run without
 * a JVM or a Docker engine. It is NOT a Kafka: messages live in memory, the
 * mock keeps only about 5 MiB per partition, and everything is gone when the
 * process ends. Production uses Apache Kafka (docs/deploy.md); the limits
 * are measured in docs/devbroker.md.
 *
 * It prints its bootstrap servers as the first line on stdout (and into
 * --port-file, atomically), pre-creates outcry's topics, then serves until
 * SIGTERM or SIGINT and exits 0.
 *
 * Deliberately standalone (librdkafka and libc only) so that it builds and
 * runs before, and independently of, common/. Its log lines follow the
 * house format: one JSON object per line on stderr.
 *
 * lint: long-file every tools/<name>.c is a one-file program (Makefile); its
 * parts (flags, topic plan, topic creation, main loop) are each short. */
#include <errno.h>
#include <pthread.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* TCP_NODELAY on every connection the mock accepts, as Kafka's brokers set
 * it. librdkafka 2.0's mock cluster does not: two answers in flight on one
 * connection then meet Nagle's algorithm on this side and the client's
 * delayed ACK, and about one produce round trip in four took 40 ms instead
 * of under one (docs/devbroker.md). The mock calls accept() through the
 * dynamic linker, and a program's own definition comes first (the linker
 * exports it because librdkafka.so refers to it), so its calls land here. */
int accept(int fd, struct sockaddr *restrict addr, socklen_t *restrict len)
{
    int s = (int)syscall(SYS_accept4, fd, addr, len, 0);
    if (s >= 0) {
        int one = 1;
        (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* no-op off TCP */
    }
    return s;
}

#ifndef OC_VERSION
#define OC_VERSION "dev"
#endif

#define DB_PROG           "outcry-devbroker"
#define DB_MAX_TOPIC      249  /* Kafka's own limit on a topic name */
#define DB_MAX_BROKERS    16   /* more buys nothing on one machine */
#define DB_MAX_PARTITIONS 1024 /* each partition is a buffer in memory */
#define DB_MAX_EXTRA      64   /* --topic flags accepted */
#define DB_CREATE_THREADS 32   /* see db_create_topics() */
#define DB_MAX_TOPICS     512  /* pre-created topics, all kinds */
#define DB_DEFAULT_TEAMS  "billing,delivery,product,technical,account,service,safety,privacy,care"

/* Set from the signal handler, read by the main loop. */
static volatile sig_atomic_t db_stop_signal = 0;

/* 0 debug, 1 info, 2 warn, 3 error: lines below it are not written. */
static int db_log_threshold = 1;

typedef struct db_opts {
    int brokers;                     /* mock brokers to start (--brokers) */
    int partitions;                  /* partitions per pre-created topic (--partitions) */
    int replication;                 /* replication factor: min(3, brokers) */
    const char *port_file;           /* where to write the bootstrap list, or NULL */
    const char *prefix;              /* topic prefix, "outcry." by default; borrowed */
    const char *teams;               /* comma-separated team names; borrowed */
    const char *extra[DB_MAX_EXTRA]; /* --topic NAME[:PARTITIONS] values; borrowed */
    int nextra;                      /* used entries in extra */
} db_opts_t;

typedef struct db_topic {
    char name[DB_MAX_TOPIC + 1]; /* full topic name, prefix included */
    int partitions;              /* partition count to create it with */
} db_topic_t;

typedef struct db_plan {
    db_topic_t topics[DB_MAX_TOPICS]; /* topics to pre-create, in order */
    int n;                            /* used entries in topics */
} db_plan_t;

static const char *const db_level_names[] = {"debug", "info", "warn", "error"};

/* Writes s as a JSON string body (without quotes) to f. */
static void db_json_escape(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
}

/* One JSON log line: ts, level, service, event, msg. */
static void db_log(int level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void db_log(int level, const char *event, const char *fmt, ...)
{
    if (level < db_log_threshold)
        return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    struct timeval tv;
    struct tm tm;
    char ts[32];
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);

    flockfile(stderr);
    fprintf(stderr, "{\"ts\":\"%s.%03dZ\",\"level\":\"%s\",\"service\":\"devbroker\",\"event\":\"",
            ts, (int)(tv.tv_usec / 1000), db_level_names[level]);
    db_json_escape(stderr, event);
    fputs("\",\"msg\":\"", stderr);
    db_json_escape(stderr, msg);
    fputs("\"}\n", stderr);
    funlockfile(stderr);
}

/* librdkafka's own log lines (the mock cluster's included), in our format.
 * Called from librdkafka's threads; db_log writes one line under a lock. */
static void db_rdkafka_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    /* syslog levels: 0..3 error, 4 warning, 5..6 info, 7 debug */
    int ours = level <= 3 ? 3 : level == 4 ? 2 : level <= 6 ? 1 : 0;
    char event[64];
    snprintf(event, sizeof(event), "rdkafka.%s", fac);
    db_log(ours, event, "%s", buf);
}

static void db_on_signal(int sig)
{
    db_stop_signal = sig;
}

static void db_usage(FILE *f)
{
    fprintf(f,
            "Usage: " DB_PROG " [options]\n"
            "\n"
            "An in-memory Kafka-protocol broker on 127.0.0.1 for development and tests,\n"
            "built on librdkafka's mock cluster. NOT for production: messages live in\n"
            "memory, about 5 MiB per partition are kept (older ones are evicted), and\n"
            "everything is lost on exit. Production uses Apache Kafka.\n"
            "\n"
            "Prints the bootstrap servers as the first line on stdout, pre-creates\n"
            "<prefix>{posts,classified,routed,dlq} and <prefix>team.<team> for each team,\n"
            "and runs until SIGTERM or SIGINT. Other topics are created on first use\n"
            "with 4 partitions (the mock's default).\n"
            "\n"
            "Options:\n"
            "  --brokers N        mock brokers to start, 1..%d (default 1)\n"
            "  --partitions N     partitions per pre-created topic, 1..%d (default 4)\n"
            "  --port-file FILE   also write the bootstrap servers to FILE (atomically)\n"
            "  --topic-prefix P   topic prefix (default $OUTCRY_TOPIC_PREFIX or \"outcry.\")\n"
            "  --teams a,b,c      teams to create <prefix>team.<team> for; \"\" for none\n"
            "                     (default " DB_DEFAULT_TEAMS ")\n"
            "  --topic NAME[:N]   also create topic NAME (no prefix added) with N\n"
            "                     partitions (default --partitions); repeatable\n"
            "  --log LEVEL        debug|info|warn|error (default $OUTCRY_LOG or info);\n"
            "                     debug also logs every request the mock serves\n"
            "  -h, --help         this text\n"
            "  --version          print the version\n"
            "\n"
            "Ports are ephemeral (librdkafka 2.0's mock cannot bind a chosen port): read\n"
            "them from stdout or --port-file. Exit status: 0 after SIGTERM/SIGINT,\n"
            "1 when the cluster cannot start, 2 on a bad option.\n",
            DB_MAX_BROKERS, DB_MAX_PARTITIONS);
}

/* Parses a decimal int in [lo, hi]. Returns 0, or -1 when s is not one. */
static int db_parse_int(const char *s, int lo, int hi, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

/* Returns 0 when level names a log level (and sets the threshold), else -1. */
static int db_set_log_level(const char *level)
{
    for (int i = 0; i < 4; i++) {
        if (strcmp(level, db_level_names[i]) == 0) {
            db_log_threshold = i;
            return 0;
        }
    }
    return -1;
}

/* Takes the value of option argv[*i], either "--opt=value" or "--opt value".
 * Returns the value (borrowed), or NULL when argv[*i] is not opt. Sets *missing
 * when the option is there but its value is not. */
static const char *db_opt_value(int argc, char **argv, int *i, const char *opt, int *missing)
{
    size_t n = strlen(opt);
    const char *a = argv[*i];
    if (strncmp(a, opt, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

/* Topic names: Kafka allows [a-zA-Z0-9._-], up to 249 characters. */
static int db_topic_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > DB_MAX_TOPIC)
        return 0;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == n;
}

/* Parses the command line into o. Returns -1 to continue, or the exit code
 * (0 for --help/--version, 2 for a bad option). */
static int db_parse_args(int argc, char **argv, db_opts_t *o)
{
    for (int i = 1; i < argc; i++) {
        int missing = 0;
        const char *v;
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            db_usage(stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf(DB_PROG " %s (librdkafka %s)\n", OC_VERSION, rd_kafka_version_str());
            return 0;
        } else if ((v = db_opt_value(argc, argv, &i, "--brokers", &missing)) != NULL) {
            if (db_parse_int(v, 1, DB_MAX_BROKERS, &o->brokers) != 0) {
                fprintf(stderr, DB_PROG ": --brokers '%s': give a number from 1 to %d\n", v,
                        DB_MAX_BROKERS);
                return 2;
            }
        } else if (!missing &&
                   (v = db_opt_value(argc, argv, &i, "--partitions", &missing)) != NULL) {
            if (db_parse_int(v, 1, DB_MAX_PARTITIONS, &o->partitions) != 0) {
                fprintf(stderr, DB_PROG ": --partitions '%s': give a number from 1 to %d\n", v,
                        DB_MAX_PARTITIONS);
                return 2;
            }
        } else if (!missing &&
                   (v = db_opt_value(argc, argv, &i, "--port-file", &missing)) != NULL) {
            if (*v == '\0') {
                fprintf(stderr, DB_PROG ": --port-file needs a file name\n");
                return 2;
            }
            o->port_file = v;
        } else if (!missing &&
                   (v = db_opt_value(argc, argv, &i, "--topic-prefix", &missing)) != NULL) {
            o->prefix = v;
        } else if (!missing && (v = db_opt_value(argc, argv, &i, "--teams", &missing)) != NULL) {
            o->teams = v;
        } else if (!missing && (v = db_opt_value(argc, argv, &i, "--topic", &missing)) != NULL) {
            if (o->nextra >= DB_MAX_EXTRA) {
                fprintf(stderr, DB_PROG ": at most %d --topic options\n", DB_MAX_EXTRA);
                return 2;
            }
            o->extra[o->nextra++] = v;
        } else if (!missing && (v = db_opt_value(argc, argv, &i, "--log", &missing)) != NULL) {
            if (db_set_log_level(v) != 0) {
                fprintf(stderr, DB_PROG ": --log '%s': use debug, info, warn or error\n", v);
                return 2;
            }
        } else {
            if (missing)
                fprintf(stderr, DB_PROG ": option '%s' needs a value\n", a);
            else
                fprintf(stderr, DB_PROG ": unknown option '%s'\n", a);
            fprintf(stderr, "Try '" DB_PROG " --help'.\n");
            return 2;
        }
    }
    if (o->prefix[0] != '\0' && !db_topic_ok(o->prefix)) {
        fprintf(stderr,
                DB_PROG ": topic prefix '%s' may only hold letters, digits, '.', '_' and '-'\n",
                o->prefix);
        return 2;
    }
    o->replication = o->brokers < 3 ? o->brokers : 3;
    return -1;
}

/* Appends one topic to the plan, checking its name. Returns 0, or -1 after
 * saying on stderr what is wrong with it. */
static int db_plan_add(db_plan_t *plan, const char *name, size_t len, int partitions)
{
    if (plan->n >= DB_MAX_TOPICS) {
        fprintf(stderr, DB_PROG ": more than %d topics; create fewer teams or --topic options\n",
                DB_MAX_TOPICS);
        return -1;
    }
    if (len == 0 || len > DB_MAX_TOPIC) {
        fprintf(stderr, DB_PROG ": topic name '%.*s' must have 1 to %d characters\n",
                (int)(len > 300 ? 300 : len), name, DB_MAX_TOPIC);
        return -1;
    }
    db_topic_t *t = &plan->topics[plan->n];
    memcpy(t->name, name, len);
    t->name[len] = '\0';
    if (!db_topic_ok(t->name)) {
        fprintf(stderr,
                DB_PROG ": topic name '%s' may only hold letters, digits, '.', '_' and '-'\n",
                t->name);
        return -1;
    }
    for (int i = 0; i < plan->n; i++) {
        if (strcmp(plan->topics[i].name, t->name) == 0) {
            fprintf(stderr, DB_PROG ": topic '%s' is named twice\n", t->name);
            return -1;
        }
    }
    t->partitions = partitions;
    plan->n++;
    return 0;
}

/* Works out every topic to pre-create: the pipeline's, one per team, and the
 * --topic ones. Returns 0, or -1 after a message on stderr (a usage error). */
static int db_plan_topics(const db_opts_t *o, db_plan_t *plan)
{
    static const char *const base[] = {"posts", "classified", "routed", "dlq"};
    char name[2 * DB_MAX_TOPIC];
    plan->n = 0;
    for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
        int w = snprintf(name, sizeof(name), "%s%s", o->prefix, base[i]);
        if (db_plan_add(plan, name, (size_t)w < sizeof(name) ? (size_t)w : sizeof(name),
                        o->partitions) != 0)
            return -1;
    }
    for (const char *p = o->teams; *p != '\0';) {
        size_t len = strcspn(p, ",");
        if (len > 0) {
            int w = snprintf(name, sizeof(name), "%steam.%.*s", o->prefix,
                             (int)(len < DB_MAX_TOPIC ? len : DB_MAX_TOPIC), p);
            if (db_plan_add(plan, name, (size_t)w < sizeof(name) ? (size_t)w : sizeof(name),
                            o->partitions) != 0)
                return -1;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    for (int i = 0; i < o->nextra; i++) {
        const char *spec = o->extra[i];
        const char *colon = strrchr(spec, ':');
        int partitions = o->partitions;
        if (colon != NULL && db_parse_int(colon + 1, 1, DB_MAX_PARTITIONS, &partitions) != 0) {
            fprintf(stderr,
                    DB_PROG ": --topic '%s': the partition count after ':' must be 1 to %d\n", spec,
                    DB_MAX_PARTITIONS);
            return -1;
        }
        if (db_plan_add(plan, spec, colon != NULL ? (size_t)(colon - spec) : strlen(spec),
                        partitions) != 0)
            return -1;
    }
    return 0;
}

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
static int db_create_topics(rd_kafka_mock_cluster_t *mc, const db_opts_t *o, const db_plan_t *plan,
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

/* Writes "bootstraps\n" to path through a temporary file and rename(), so a
 * reader never sees a half-written file. Returns 0 or -1 (logged). */
static int db_write_port_file(const char *path, const char *bootstraps)
{
    char tmp[PATH_MAX];
    int w = snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    if (w < 0 || (size_t)w >= sizeof(tmp)) {
        db_log(3, "port_file.failed", "port file name '%s' is too long", path);
        return -1;
    }
    FILE *f = fopen(tmp, "w");
    if (f == NULL) {
        db_log(3, "port_file.failed",
               "cannot create %s: %s; check that its directory exists and is writable", tmp,
               strerror(errno));
        return -1;
    }
    int bad = fprintf(f, "%s\n", bootstraps) < 0;
    bad |= fflush(f) != 0;
    bad |= fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        db_log(3, "port_file.failed", "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* The rd_kafka_t that carries the mock cluster: a producer that never
 * produces. Returns NULL on failure (logged). */
static rd_kafka_t *db_new_carrier(void)
{
    char errstr[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(conf, db_rdkafka_log);
    /* The carrier talks to no broker and needs no bootstrap list; warnings
     * and errors only, unless --log debug. */
    if (rd_kafka_conf_set(conf, "client.id", "outcry-devbroker", errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "log_level", db_log_threshold == 0 ? "7" : "4", errstr,
                          sizeof(errstr)) != RD_KAFKA_CONF_OK ||
        /* --log debug: one line per protocol request the mock serves */
        (db_log_threshold == 0 &&
         rd_kafka_conf_set(conf, "debug", "mock", errstr, sizeof(errstr)) != RD_KAFKA_CONF_OK)) {
        db_log(3, "startup.failed", "librdkafka configuration: %s", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
    if (rk == NULL) {
        db_log(3, "startup.failed", "cannot create the librdkafka handle: %s", errstr);
        rd_kafka_conf_destroy(conf);
        return NULL;
    }
    return rk;
}

static int db_install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = db_on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        return -1;
    /* A client that disconnects mid-response must not kill the broker. */
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

int main(int argc, char **argv)
{
    const char *env_prefix = getenv("OUTCRY_TOPIC_PREFIX");
    const char *env_log = getenv("OUTCRY_LOG");
    db_opts_t o = {
        .brokers = 1,
        .partitions = 4,
        .port_file = NULL,
        .prefix = env_prefix != NULL ? env_prefix : "outcry.",
        .teams = DB_DEFAULT_TEAMS,
    };
    if (env_log != NULL && *env_log != '\0' && db_set_log_level(env_log) != 0) {
        fprintf(stderr, DB_PROG ": OUTCRY_LOG='%s': use debug, info, warn or error\n", env_log);
        return 2;
    }
    int rc = db_parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;
    /* static: the plan is ~128 KiB, too much for the stack of a small tool */
    static db_plan_t plan;
    if (db_plan_topics(&o, &plan) != 0) {
        fprintf(stderr, "Try '" DB_PROG " --help'.\n");
        return 2;
    }
    if (db_install_signals() != 0) {
        fprintf(stderr, DB_PROG ": cannot install signal handlers: %s\n", strerror(errno));
        return 1;
    }

    fprintf(stderr, DB_PROG ": in-memory development broker (librdkafka mock cluster) -- "
                            "not for production, data is lost on exit\n");

    rc = 1;
    rd_kafka_mock_cluster_t *mc = NULL;
    rd_kafka_t *rk = db_new_carrier();
    if (rk == NULL)
        goto out;
    mc = rd_kafka_mock_cluster_new(rk, o.brokers);
    if (mc == NULL) {
        db_log(3, "startup.failed", "librdkafka could not start a mock cluster of %d broker(s)",
               o.brokers);
        goto out;
    }
    const char *boot = rd_kafka_mock_cluster_bootstraps(mc);
    if (db_create_topics(mc, &o, &plan, boot) != 0)
        goto out;
    if (o.port_file != NULL && db_write_port_file(o.port_file, boot) != 0)
        goto out;
    printf("%s\n", boot);
    fflush(stdout);
    db_log(1, "listening",
           "bootstrap %s; %d broker(s); %d topics pre-created (prefix '%s', %d partitions unless "
           "--topic said otherwise)",
           boot, o.brokers, plan.n, o.prefix, o.partitions);

    while (!db_stop_signal) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        rd_kafka_poll(rk, 0);
    }
    db_log(1, "stopping", "signal %d; shutting the mock cluster down", (int)db_stop_signal);
    rc = 0;

out:
    if (mc != NULL)
        rd_kafka_mock_cluster_destroy(mc);
    if (rk != NULL)
        rd_kafka_destroy(rk);
    if (rc == 0 && o.port_file != NULL)
        unlink(o.port_file);
    return rc;
}
