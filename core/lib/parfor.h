/*
 * The one place libretort starts a thread: a parallel for over [0, n),
 * for work items that touch only their own data (stat() of one script, the
 * operations of one revision: two threads; one fleet target: --jobs).
 */
#ifndef RT_PARFOR_H
#define RT_PARFOR_H

#include <stddef.h>

/** One item; nonzero stops the loop (no thread takes another chunk). */
typedef int (*rt_parfor_fn)(void *arg, size_t i);

/**
 * Run fn(arg, i) for every i in [0, n), `chunk` indexes at a time taken
 * from an atomic counter by whichever thread is free, so that neither
 * waits for the other's half.  A second thread only when n >= min (fewer
 * items: a thread costs more than it saves) and $RETORT_NO_THREADS is not
 * set; when it cannot be started, this thread does it all.  Returns 1 when
 * an item stopped the loop (items after it may not have run), else 0.
 */
int rt_parfor(size_t n, size_t chunk, size_t min, rt_parfor_fn fn, void *arg);

/**
 * The same on exactly min(threads, n) threads (this one included), one
 * index at a time, whatever $RETORT_NO_THREADS says (the caller asked for
 * them: a fleet's --jobs).  Threads that cannot be started leave their
 * share to the others.  Returns 1 when an item stopped the loop.
 */
int rt_parfor_threads(size_t n, size_t threads, rt_parfor_fn fn, void *arg);

#endif
