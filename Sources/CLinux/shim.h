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

/* accept4 is declared only under _GNU_SOURCE, which clashes with Glibc's module; declare it here. */
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

/* Accepts non-blocking and close-on-exec in one step: a process spawned by another thread at that
   moment must not inherit the socket (it would keep the connection open after we close it). */
static inline int clinux_accept(int fd) { return accept4(fd, 0, 0, SOCK_NONBLOCK | SOCK_CLOEXEC); }
