/* replay.h -- outcry-replay's parts: the processes it starts and its work
 * directory (kids.c), the two ways to run a file through the stages
 * (pipe.c, kafka.c), and the settings main.c reads from the command line. */
#ifndef RP_REPLAY_H
#define RP_REPLAY_H

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>

#define RP "outcry-replay"

typedef struct rp_kid {
    pid_t pid;          /* 0 once reaped */
    const char *name;   /* for messages */
    char log[PATH_MAX]; /* its stderr */
    int status;         /* wait status once reaped */
} rp_kid_t;

/* Set by main.c: from the command line, the signal handler, and the start. */
extern volatile sig_atomic_t rp_interrupted;
extern char rp_bindir[PATH_MAX], rp_workdir[PATH_MAX];
extern long rp_timeout_s;
extern const char *rp_redis_url; /* --redis: publish there instead of a private redis-server */

void rp_sleep_ms(long ms);
rp_kid_t *rp_spawn(const char *const argv[], const char *const env[], int in_fd, int out_fd);
int rp_reaped(rp_kid_t *k);
int rp_exited_ok(const rp_kid_t *k);
void rp_show_log(const rp_kid_t *k);
int rp_wait_ok(rp_kid_t *k);
int rp_alive_all(void);
void rp_forget_last(void);
void rp_stop_all(void);
void rp_remove_workdir(void);
int rp_copy_to_stdout(const char *path);

int rp_run_pipe(const char *format, const char *every, const char *file);
int rp_run_kafka(const char *format, const char *every, const char *file);

#endif
