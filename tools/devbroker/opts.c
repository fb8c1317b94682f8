/* opts.c -- outcry-devbroker's command line: --help, --version and the
 * flags, into a db_opts_t. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "devbroker.h"

#ifndef OC_VERSION
#define OC_VERSION "dev"
#endif

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
int db_parse_int(const char *s, int lo, int hi, int *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
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

/* Parses the command line into o. Returns -1 to continue, or the exit code
 * (0 for --help/--version, 2 for a bad option). */
int db_parse_args(int argc, char **argv, db_opts_t *o)
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
