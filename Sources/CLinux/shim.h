#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>

/* accept4 is declared only under _GNU_SOURCE, which clashes with Glibc's module; declare it here. */
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/* Accepts non-blocking and close-on-exec in one step: a process spawned by another thread at that
   moment must not inherit the socket (it would keep the connection open after we close it).
   `address` receives the client's IPv4 address (network order), for the per-client cap. */
static inline int clinux_accept(int fd, uint32_t *address) {
    struct sockaddr_in peer;
    socklen_t length = sizeof peer;
    int client = accept4(fd, (struct sockaddr *)&peer, &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
    *address = (client >= 0 && peer.sin_family == AF_INET) ? peer.sin_addr.s_addr : 0;
    return client;
}
