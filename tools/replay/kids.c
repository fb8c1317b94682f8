/* kids.c -- the processes a replay starts (spawn, reap, stop them all, even
 * on error or SIGINT) and the work directory their logs and outputs go to.
 * Both modes share them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "replay.h"

#define RP_MAX_KIDS 8

static rp_kid_t kids[RP_MAX_KIDS];
static int nkids;

void rp_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts argv[0] (a name in rp_bindir unless it has no "outcry-" prefix: PATH)
 * with stdin/stdout from the fds (-1: /dev/null) and stderr to a log file in
 * the work directory. env: NULL-terminated "K=V" strings. Returns the kid or NULL. */
rp_kid_t *rp_spawn(const char *const argv[], const char *const env[], int in_fd, int out_fd)
{
    if (nkids == RP_MAX_KIDS)
        return NULL;
    rp_kid_t *k = &kids[nkids];
    memset(k, 0, sizeof(*k));
    k->name = argv[0];
    snprintf(k->log, sizeof(k->log), "%s/%s.%d.log", rp_workdir, argv[0], nkids);
    char path[PATH_MAX * 2];
    if (strncmp(argv[0], "outcry-", 7) == 0)
        snprintf(path, sizeof(path), "%s/%s", rp_bindir, argv[0]);
    else
        snprintf(path, sizeof(path), "%s", argv[0]);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, RP ": cannot start %s: %s\n", argv[0], strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        int log = open(k->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(in_fd >= 0 ? in_fd : devnull, 0);
        dup2(out_fd >= 0 ? out_fd : devnull, 1);
        dup2(log >= 0 ? log : devnull, 2);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        for (int i = 0; env != NULL && env[i] != NULL; i++) {
            char kv[512];
            snprintf(kv, sizeof(kv), "%s", env[i]);
            char *eq = strchr(kv, '=');
            if (eq != NULL) {
                *eq = '\0';
                setenv(kv, eq + 1, 1);
            }
        }
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        execvp(path, (char *const *)argv);
        fprintf(stderr, RP ": cannot run %s: %s\n", path, strerror(errno));
        _exit(127);
    }
    k->pid = pid;
    nkids++;
    return k;
}

/* Reaps k if it exited. Returns 1 when it has (status in k->status). */
int rp_reaped(rp_kid_t *k)
{
    if (k->pid == 0)
        return 1;
    if (waitpid(k->pid, &k->status, WNOHANG) == k->pid) {
        k->pid = 0;
        return 1;
    }
    return 0;
}

int rp_exited_ok(const rp_kid_t *k)
{
    return WIFEXITED(k->status) && WEXITSTATUS(k->status) == 0;
}

void rp_show_log(const rp_kid_t *k)
{
    FILE *f = fopen(k->log, "r");
    if (f == NULL)
        return;
    char buf[4096];
    if (fseek(f, -4000, SEEK_END) != 0)
        rewind(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    fprintf(stderr, "--- last lines of %s's log:\n%s\n---\n", k->name, buf);
}

/* Stops every kid still running, the last started first: SIGTERM, then
 * SIGKILL after 10 s. */
void rp_stop_all(void)
{
    for (int i = nkids - 1; i >= 0; i--) {
        rp_kid_t *k = &kids[i];
        if (rp_reaped(k))
            continue;
        kill(k->pid, SIGTERM);
        for (int t = 0; t < 200 && !rp_reaped(k); t++)
            rp_sleep_ms(50);
        if (!rp_reaped(k)) {
            kill(k->pid, SIGKILL);
            waitpid(k->pid, &k->status, 0);
            k->pid = 0;
        }
    }
}

void rp_remove_workdir(void)
{
    if (rp_workdir[0] == '\0')
        return;
    const char *argv[] = {"rm", "-rf", rp_workdir, NULL};
    pid_t pid = fork();
    if (pid == 0) {
        execvp("rm", (char *const *)argv);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
}

/* Waits for k; 0 when it exited with status 0, else -1 (its log shown). */
int rp_wait_ok(rp_kid_t *k)
{
    while (!rp_interrupted && !rp_reaped(k))
        rp_sleep_ms(20);
    if (rp_interrupted)
        return -1;
    if (!rp_exited_ok(k)) {
        fprintf(stderr, RP ": %s failed (status %d)\n", k->name, k->status);
        rp_show_log(k);
        return -1;
    }
    return 0;
}

int rp_copy_to_stdout(const char *path)
{
    FILE *f = fopen(path, "r");
    char buf[65536];
    size_t n;
    int rc = f != NULL ? 0 : -1;
    while (f != NULL && (n = fread(buf, 1, sizeof(buf), f)) > 0)
        if (fwrite(buf, 1, n, stdout) != n)
            rc = -1;
    if (f != NULL)
        fclose(f);
    if (fflush(stdout) != 0 || rc != 0) {
        fprintf(stderr, RP ": cannot write the alerts to stdout\n");
        return -1;
    }
    return 0;
}

/* 1 while every kid runs; 0 once one has stopped (said on stderr, its log
 * shown). */
int rp_alive_all(void)
{
    for (int i = 0; i < nkids; i++) {
        if (rp_reaped(&kids[i])) {
            fprintf(stderr, RP ": %s stopped unexpectedly (status %d)\n", kids[i].name,
                    kids[i].status);
            rp_show_log(&kids[i]);
            return 0;
        }
    }
    return 1;
}

/* Drops the kid started last from the ones rp_alive_all() watches, once it
 * has exited as it should: its stop is then no failure. */
void rp_forget_last(void)
{
    nkids--;
}
