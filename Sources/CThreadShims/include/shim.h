#ifndef TERMPLAYER_CTHREADSHIMS_H
#define TERMPLAYER_CTHREADSHIMS_H

/* glibc declares pthread_setname_np only under _GNU_SOURCE, which Swift's Glibc module leaves off. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>

/* Names the calling thread (15 bytes at most) so `top -H` and debuggers show what it is for. */
static inline int tp_name_current_thread(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#else
    return pthread_setname_np(pthread_self(), name);
#endif
}

#endif
