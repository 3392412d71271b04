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
 * The script names of a folder, sorted (strcmp order): one buffer for the
 * names, one array of pointers into it.  Sorting compares the first eight
 * bytes as one big-endian number before calling strcmp (10,000 names:
 * 0.6 ms instead of 2.8 ms with strcmp alone).
 */
typedef struct name_list {
	char *buf;
	char **v;
	size_t n;
} name_list;

typedef struct keyed {
	uint64_t key; /* the first 8 bytes, big-endian, 0-padded: orders as strcmp does */
	size_t off;   /* into the buffer; then the name itself */
	const char *s;
} keyed;

static uint64_t name_key(const char *s)
{
	uint64_t k = 0;
	int i;
	for (i = 0; i < 8 && s[i]; i++)
		k |= (uint64_t)(unsigned char)s[i] << (56 - 8 * i);
	return k;
}

static int cmp_keyed(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->s, y->s);
}

static int list_scripts(DIR *d, name_list *out)
{
	struct dirent *e;
	rt_buf buf = RT_BUF_INIT;
	keyed *k = NULL, *nk;
	size_t n = 0, cap = 0, i;
	memset(out, 0, sizeof *out);
	while ((e = readdir(d)) != NULL) {
		if (!rt_script_is_script_name(e->d_name))
			continue;
		if (!(nk = rt_grow(k, &cap, n, sizeof *k, 256)))
			goto oom;
		k = nk;
		k[n].key = name_key(e->d_name);
		k[n].off = buf.len;
		if (rt_buf_add(&buf, e->d_name, strlen(e->d_name) + 1) < 0)
			goto oom;
		n++;
	}
	if (n && !(out->v = rt_malloc(n * sizeof *out->v)))
		goto oom;
	for (i = 0; i < n; i++)
		k[i].s = buf.ptr + k[i].off;
	if (n)
		qsort(k, n, sizeof *k, cmp_keyed);
	for (i = 0; i < n; i++)
		out->v[i] = (char *)k[i].s;
	out->buf = buf.ptr;
	out->n = n;
	rt_free(k);
	return RETORT_OK;
oom:
	rt_free(k);
	rt_buf_free(&buf);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

/*
 * stat() of every script validates the header cache; on 10,000 scripts
 * those system calls are most of what `heads` costs: two threads share
 * them (rt_parfor), STAT_CHUNK names at a time.
 */
#define STAT_CHUNK 64
#define PAR_STAT_MIN 512 /* fewer files: a thread costs more than it saves */

typedef struct stat_job {
	int dfd;
	char *const *names;
	struct stat *st;
	unsigned char *ok; /* 1: st[i] is valid */
} stat_job;

static int stat_one(void *arg, size_t i)
{
	stat_job *j = arg;
	j->ok[i] = fstatat(j->dfd, j->names[i], &j->st[i], 0) == 0;
	return 0;
}

/* The scripts of folder `dir` added to g; `abs` (its absolute path, or NULL) names its header cache. */
static int load_dir(rt_graph *g, const char *dir, const char *abs)
{
	DIR *d;
	name_list names;
	rt_cache *cache = NULL;
	stat_job job = {-1, NULL, NULL, NULL};
	size_t i;
	int rc = RETORT_OK, have_st;
	if (!(d = opendir(dir))) {
		rt_error_set("cannot open versions folder '%s': %s", dir, strerror(errno));
		return RETORT_EINVAL;
	}
	if ((rc = list_scripts(d, &names)) < 0)
		goto done;
	/* no memory for the stats: no cache (every script is read) */
	if (names.n && abs && rt_cache_enabled() && (job.st = rt_malloc(names.n * sizeof *job.st)) &&
	    (job.ok = rt_calloc(names.n, 1))) {
		job.dfd = dirfd(d);
		job.names = names.v;
		cache = rt_cache_open(abs);
		rt_parfor(names.n, STAT_CHUNK, PAR_STAT_MIN, stat_one, &job);
	}
	for (i = 0; i < names.n; i++) {
		/* without printf or the heap: this runs once per script */
		char pathbuf[512], *path = pathbuf;
		size_t need = strlen(dir) + strlen(names.v[i]) + 2;
		rt_revision *rev = NULL;
		if (!rt_path_join(pathbuf, sizeof pathbuf, dir, names.v[i])) {
			if (!(path = rt_malloc(need))) {
				rt_error_set("out of memory");
				rc = RETORT_ENOMEM;
				goto done;
			}
			rt_path_join(path, need, dir, names.v[i]);
		}
		/*
		 * The header cache (cache.c): a script whose stat() matches its
		 * entry is not read again.  Without a stat (or a cache), read it;
		 * rt_script_load reports any error with the file named.  Both
		 * copy the path.
		 */
		have_st = cache && job.ok[i];
		rc = have_st ? rt_cache_get(cache, names.v[i], path, &job.st[i], &rev) : 0;
		if (rc == 0) {
			rc = rt_script_load(&rev, path, 0);
			if (rc >= 0 && have_st && (rc = rt_cache_put(cache, names.v[i], &job.st[i], rev)) < 0) {
				rt_revision_free(rev);
				rev = NULL;
			}
		}
		if (path != pathbuf)
			rt_free(path);
		if (rc < 0 || (rc = rt_graph_add(g, rev)) < 0)
			goto done;
	}
	rt_cache_save(cache); /* every script of the folder read: write what changed */
done:
	closedir(d);
	rt_free(job.st);
	rt_free(job.ok);
	rt_cache_free(cache);
	rt_free(names.v);
	rt_free(names.buf);
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
