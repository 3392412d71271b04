/* A parallel for on two threads (see parfor.h). */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>

#include "parfor.h"
#include "rt.h"

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

int rt_parfor(size_t n, size_t chunk, size_t min, rt_parfor_fn fn, void *arg)
{
	parfor p;
	pthread_t t;
	int threaded;
	p.n = n;
	p.chunk = chunk ? chunk : 1;
	p.fn = fn;
	p.arg = arg;
	atomic_init(&p.next, 0);
	atomic_init(&p.stop, 0);
	threaded = n >= min && n > p.chunk && !rt_env_flag("RETORT_NO_THREADS") &&
	           pthread_create(&t, NULL, run, &p) == 0;
	run(&p);
	if (threaded)
		pthread_join(t, NULL);
	return atomic_load(&p.stop);
}
