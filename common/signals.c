/* signals.c -- the stop and reload flags (declared in stage.h).
 *
 * Apart from stage.c so that code which only reads a flag (route's reload
 * check) does not pull the stage loops in with it. */
#include <signal.h>
#include <string.h>

#include "stage.h"

volatile sig_atomic_t oc_running = 1;

static void on_stop_signal(int sig)
{
    (void)sig;
    oc_running = 0;
}

volatile sig_atomic_t oc_reload_requested = 0;

static void on_sighup(int sig)
{
    (void)sig;
    oc_reload_requested = 1;
}

static void install(int sig, void (*handler)(int), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = flags;
    sigaction(sig, &sa, NULL);
}

void oc_signals_install(void)
{
    /* No SA_RESTART: a blocking read (stdin in --stdio) must return so the
     * loop sees oc_running turn 0. */
    install(SIGTERM, on_stop_signal, 0);
    install(SIGINT, on_stop_signal, 0);
    signal(SIGPIPE, SIG_IGN);
}

void oc_sighup_install(void)
{
    /* A reload request must not interrupt anything: restart what it hit. */
    install(SIGHUP, on_sighup, SA_RESTART);
}
