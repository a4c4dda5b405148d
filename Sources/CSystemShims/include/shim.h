#ifndef TERMPLAYER_CSYSTEMSHIMS_H
#define TERMPLAYER_CSYSTEMSHIMS_H

/* Small libc calls Swift's Glibc module does not offer.
   glibc declares pthread_setname_np only under _GNU_SOURCE, which that module leaves off. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/* Names the calling thread (15 bytes at most) so `top -H` and debuggers show what it is for. */
static inline int tp_name_current_thread(const char *name) {
#if defined(__APPLE__)
    return pthread_setname_np(name);
#else
    return pthread_setname_np(pthread_self(), name);
#endif
}

/* Large blocks (a 100,000-entry result list) always get their own mapping, given back when freed;
   glibc would otherwise raise this threshold as such blocks come and go, and keep them in the heap. */
static inline void tp_map_large_allocations(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

/* At most `count` malloc arenas: glibc makes up to eight per core, one per busy thread, and each keeps
   its own freed memory; a service whose threads take turns on two cores needs few. */
static inline void tp_limit_arenas(int count) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, count);
#endif
}

/* Hands memory freed after a burst (decoding a big listing) back to the system; glibc keeps it otherwise. */
static inline void tp_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

#endif
