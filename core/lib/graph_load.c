/*
 * The revision graph: scanning the versions folders (graph_int.h).  The
 * scripts of each folder are listed and sorted by name, stat()ed on two
 * threads to validate the header cache (cache.c), read from the cache or
 * the file, and added to the graph in that order.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>

#include "cache.h"
#include "graph_int.h"
#include "parfor.h"
#include "script.h"

/* ---- loading from folders ---- */

/*
 * The script names of a folder, sorted (strcmp order).  Each is stored as
 * its path ("<dir>/<name>") in the folder's block (revision.h), where the
 * revisions read from the header cache borrow it: names[i] points at the
 * name, names[i] - pre at the path.  Sorting compares the first eight bytes
 * as one big-endian number before calling strcmp (10,000 names: 0.6 ms
 * instead of 2.8 ms with strcmp alone).
 */
typedef struct keyed {
	uint64_t key; /* the first 8 bytes, big-endian, 0-padded: orders as strcmp does */
	const char *s;
} keyed;

typedef struct name_list {
	keyed *k;
	size_t n;
	size_t pre; /* the path's length before the name */
} name_list;

static uint64_t name_key(const char *s)
{
	uint64_t k = 0;
	int i;
	for (i = 0; i < 8 && s[i]; i++)
		k |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
	return k;
}

static int cmp_keyed(const keyed *x, const keyed *y)
{
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->s, y->s);
}

/*
 * Sorted in place (qsort's merge sort takes a second array as large: 40
 * page faults on 10,000 names): quicksort on the median of three, the
 * smaller side first so the stack stays shallow, insertion sort below 16.
 */
static void sort_keyed(keyed *v, size_t n)
{
	size_t i;
	while (n > 16) {
		size_t j = n - 1, m = n / 2;
		keyed p, t;
		i = 0;
		if (cmp_keyed(&v[m], &v[0]) < 0)
			t = v[m], v[m] = v[0], v[0] = t;
		if (cmp_keyed(&v[n - 1], &v[0]) < 0)
			t = v[n - 1], v[n - 1] = v[0], v[0] = t;
		if (cmp_keyed(&v[n - 1], &v[m]) < 0)
			t = v[n - 1], v[n - 1] = v[m], v[m] = t;
		p = v[m];
		for (;;) { /* Hoare: v[0..j] <= p <= v[j+1..n) */
			while (cmp_keyed(&v[i], &p) < 0)
				i++;
			while (cmp_keyed(&p, &v[j]) < 0)
				j--;
			if (i >= j)
				break;
			t = v[i], v[i] = v[j], v[j] = t;
			i++, j--;
		}
		if (j + 1 < n - j - 1) {
			sort_keyed(v, j + 1);
			v += j + 1, n -= j + 1;
		} else {
			sort_keyed(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		keyed t = v[i];
		size_t b = i;
		for (; b > 0 && cmp_keyed(&t, &v[b - 1]) < 0; b--)
			v[b] = v[b - 1];
		v[b] = t;
	}
}

static int list_scripts(DIR *d, const char *dir, rt_revmem *mem, name_list *out)
{
	struct dirent *e;
	keyed *k = NULL, *nk;
	size_t n = 0, cap = 0, dl = strlen(dir), sep = dl && dir[dl - 1] == '/' ? 0 : 1;
	memset(out, 0, sizeof *out);
	while ((e = readdir(d)) != NULL) {
		size_t nl;
		char *p;
		if (!rt_script_is_script_name(e->d_name))
			continue;
		nl = strlen(e->d_name);
		if (!(nk = rt_grow(k, &cap, n, sizeof *k, 256)) || !(p = rt_revmem_alloc(mem, dl + sep + nl + 1))) {
			if (nk)
				k = nk;
			goto oom;
		}
		k = nk;
		memcpy(p, dir, dl);
		p[dl] = '/';
		memcpy(p + dl + sep, e->d_name, nl + 1);
		k[n].s = p + dl + sep;
		k[n].key = name_key(k[n].s);
		n++;
	}
	sort_keyed(k, n);
	out->k = k;
	out->n = n;
	out->pre = dl + sep;
	return RETORT_OK;
oom:
	rt_free(k);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

/*
 * stat() of every script validates the header cache; on 10,000 scripts
 * those system calls are most of what `heads` costs: two threads share
 * them (rt_parfor), STAT_CHUNK names at a time.  Each keeps only the
 * number of the cache entry its stat matched (rt_cache_match), not the
 * stat itself.
 */
#define STAT_CHUNK 64
#define PAR_STAT_MIN 512 /* fewer files: a thread costs more than it saves */

typedef struct stat_job {
	int dfd;
	const keyed *k;
	const rt_cache *cache;
	uint32_t *match; /* entry number, 0: none */
} stat_job;

static int stat_one(void *arg, size_t i)
{
	stat_job *j = arg;
	struct stat st;
	if (fstatat(j->dfd, j->k[i].s, &st, 0) == 0)
		j->match[i] = (uint32_t)rt_cache_match(j->cache, j->k[i].s, i, &st);
	return 0;
}

/* The scripts of folder `dir` added to g; `abs` (its absolute path, or NULL) names its header cache. */
static int load_dir(rt_graph *g, const char *dir, const char *abs)
{
	DIR *d;
	name_list names = {NULL, 0, 0};
	rt_cache *cache = NULL;
	rt_revmem *mem;
	stat_job job = {-1, NULL, NULL, NULL};
	size_t i;
	int rc = RETORT_OK;
	if (!(d = opendir(dir))) {
		rt_error_set("cannot open versions folder '%s': %s", dir, strerror(errno));
		return RETORT_EINVAL;
	}
	if (!(mem = rt_revmem_new())) {
		closedir(d);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	if ((rc = list_scripts(d, dir, mem, &names)) < 0 || (rc = rt_graph_reserve(g, names.n)) < 0 ||
	    (rc = rt_graph_keep(g, mem)) < 0)
		goto done;
	if (names.n && abs && rt_cache_enabled())
		cache = rt_cache_open_in(abs, mem); /* NULL (out of memory): every script is read */
	/* no memory for the matches: every script is read */
	if (rt_cache_count(cache) && names.n < UINT32_MAX && (job.match = rt_calloc(names.n, sizeof *job.match))) {
		job.dfd = dirfd(d);
		job.k = names.k;
		job.cache = cache;
		rt_parfor(names.n, STAT_CHUNK, PAR_STAT_MIN, stat_one, &job);
	}
	for (i = 0; i < names.n; i++) {
		const char *name = names.k[i].s, *path = name - names.pre;
		rt_revision *rev = NULL;
		struct stat st;
		/*
		 * The header cache (cache.c): a script whose stat() matched its
		 * entry is not read again.  Otherwise read it (rt_script_load
		 * reports any error with the file named) and record it.
		 */
		rc = job.match && job.match[i] ? rt_cache_get_at(cache, job.match[i], path, &rev) : 0;
		if (rc == 0) {
			int have_st = cache && fstatat(dirfd(d), name, &st, 0) == 0; /* before the read, as the entry says */
			rc = rt_script_load(&rev, path, 0);
			if (rc >= 0 && have_st && (rc = rt_cache_put(cache, name, &st, rev)) < 0) {
				rt_revision_free(rev);
				rev = NULL;
			}
		}
		if (rc < 0 || (rc = rt_graph_add(g, rev)) < 0)
			goto done;
	}
	rt_cache_save(cache); /* every script of the folder read: write what changed */
done:
	closedir(d);
	rt_free(job.match);
	rt_cache_free(cache);
	rt_free(names.k);
	rt_revmem_unref(mem); /* the revisions made in it hold theirs */
	return rc;
}

int rt_graph_load(rt_graph **out, const char *const *dirs, size_t ndirs)
{
	rt_graph *g = NULL;
	rt_strv seen = RT_STRV_INIT;
	size_t i;
	int rc;
	if ((rc = rt_graph_new(&g)) < 0)
		return rc;
	for (i = 0; i < ndirs; i++) {
		char *real = realpath(dirs[i], NULL);
		const char *key = real ? real : dirs[i];
		if (rt_strv_find(&seen, key) >= 0) { /* the same folder listed twice: read once */
			free(real);
			continue;
		}
		rc = rt_strv_push(&seen, key);
		if (rc == RETORT_OK)
			rc = load_dir(g, dirs[i], real);
		free(real);
		if (rc < 0)
			goto fail;
	}
	if ((rc = rt_graph_finish(g)) < 0)
		goto fail;
	rt_strv_free(&seen);
	*out = g;
	return RETORT_OK;
fail:
	rt_strv_free(&seen);
	rt_graph_free(g);
	return rc;
}
