#ifndef PYCHAT_CLINUX_SHIM_H
#define PYCHAT_CLINUX_SHIM_H
// The Linux calls Swift's Glibc module does not export: epoll, signalfd, eventfd and accept4, with the
// kernel's own struct layouts (struct epoll_event is packed on x86-64).
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

// glibc declares accept4 only under _GNU_SOURCE, which the Glibc module is built without; this is
// glibc's own prototype, so it names the same function.
extern int accept4(int fd, struct sockaddr *addr, socklen_t *addrlen, int flags);

#endif
