/* A parallel for on two threads, or on as many as a fleet's --jobs asks (see parfor.h). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>

#include "parfor.h"
#include "rt.h"

#define MAX_THREADS 256

typedef struct parfor {
	size_t n, chunk;
	rt_parfor_fn fn;
	void *arg;
	atomic_size_t next; /* the first index no thread has taken yet */
	atomic_int stop;
} parfor;

static void *run(void *arg)
{
	parfor *p = arg;
	size_t lo, i;
	while (!atomic_load_explicit(&p->stop, memory_order_relaxed) &&
	       (lo = atomic_fetch_add_explicit(&p->next, p->chunk, memory_order_relaxed)) < p->n)
		for (i = lo; i < p->n && i < lo + p->chunk; i++)
			if (p->fn(p->arg, i)) {
				atomic_store_explicit(&p->stop, 1, memory_order_relaxed);
				return NULL;
			}
	return NULL;
}

/* fn over [0, n) on `threads` threads (this one and threads - 1 more) */
static int par(size_t n, size_t chunk, size_t threads, rt_parfor_fn fn, void *arg)
{
	parfor p;
	pthread_t t[MAX_THREADS];
	size_t started = 0;
	p.n = n;
	p.chunk = chunk ? chunk : 1;
	p.fn = fn;
	p.arg = arg;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, 0);
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	while (started + 1 < threads && pthread_create(&t[started], NULL, run, &p) == 0)
		started++;
	run(&p);
	while (started > 0)
		pthread_join(t[--started], NULL);
	return atomic_load(&p.stop);
}

int rt_parfor(size_t n, size_t chunk, size_t min, rt_parfor_fn fn, void *arg)
{
	int two = n >= min && n > (chunk ? chunk : 1) && !rt_env_flag("RETORT_NO_THREADS");
	return par(n, chunk, two ? 2 : 1, fn, arg);
}

int rt_parfor_threads(size_t n, size_t threads, rt_parfor_fn fn, void *arg)
{
	return par(n, 1, threads < n ? threads : n, fn, arg);
}
