/* accept.c -- outcry-devbroker's own accept(), for TCP_NODELAY. */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

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
