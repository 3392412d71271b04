/* A revision's memory (revision.h): drafts, packing, shared blocks. */
#include "config.h"

#include <string.h>
#include <sys/mman.h>

#include "revision.h"

/* ---- blocks ---- */

#define REVMEM_CHUNK ((size_t)64 * 1024) /* under malloc's mmap threshold: reused heap, not fresh pages */

typedef struct revmem_chunk {
	struct revmem_chunk *next;
	size_t used, size;
} revmem_chunk;

struct rt_revmem {
	size_t refs;
	revmem_chunk *chunks; /* the first has room */
	size_t chunk;         /* size of a new chunk (0: what the request needs) */
	void *map;            /* rt_revmem_keep */
	size_t maplen;
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)
#define CHUNK_HDR ALIGN8(sizeof(revmem_chunk))

rt_revmem *rt_revmem_new(void)
{
	rt_revmem *m = rt_calloc(1, sizeof *m);
	if (m) {
		m->refs = 1;
		m->chunk = REVMEM_CHUNK;
	}
	return m;
}

void *rt_revmem_alloc(rt_revmem *m, size_t n)
{
	revmem_chunk *c = m->chunks;
	char *p;
	n = ALIGN8(n ? n : 1);
	if (!c || c->size - c->used < n) {
		size_t size = n + CHUNK_HDR > m->chunk ? n + CHUNK_HDR : m->chunk;
		/* zeroed once here (fresh heap comes zeroed: calloc skips the clearing) */
		if (!(c = rt_calloc(1, size)))
			return NULL;
		c->size = size;
		c->used = CHUNK_HDR;
		/* a big request gets its own chunk behind the current one, which keeps its room */
		if (m->chunks && size != m->chunk) {
			c->next = m->chunks->next;
			m->chunks->next = c;
		} else {
			c->next = m->chunks;
			m->chunks = c;
		}
	}
	p = (char *)c + c->used; /* zero: a chunk's bytes are handed out once */
	c->used += n;
	return p;
}

void rt_revmem_keep(rt_revmem *m, void *map, size_t len)
{
	if (m->map)
		munmap(m->map, m->maplen);
	m->map = map;
	m->maplen = len;
}

void rt_revmem_ref(rt_revmem *m)
{
	m->refs++;
}

void rt_revmem_unref(rt_revmem *m)
{
	revmem_chunk *c, *next;
	if (!m || --m->refs)
		return;
	for (c = m->chunks; c; c = next) {
		next = c->next;
		rt_free(c);
	}
	if (m->map)
		munmap(m->map, m->maplen);
	rt_free(m);
}

/* ---- revisions ---- */

void rt_revision_free(rt_revision *rev)
{
	if (!rev)
		return;
	if (!rev->mem) { /* a draft: the graph never holds one, but be safe */
		rt_revision_draft_free(rev);
		return;
	}
	if (rev->ops_free && rev->ops_store)
		rev->ops_free(rev->ops_store);
	rt_revmem_unref(rev->mem);
}

void rt_revision_draft_free(rt_revision *rev)
{
	if (!rev)
		return;
	if (rev->ops_free && rev->ops_store)
		rev->ops_free(rev->ops_store);
	rt_free(rev->id);
	rt_strv_free(&rev->parents);
	rt_strv_free(&rev->labels);
	rt_strv_free(&rev->depends_on);
	rt_free(rev->message);
	rt_free(rev->create_date);
	rt_free(rev->checksum);
	rt_free(rev->path);
	rt_free(rev);
}

static size_t str_size(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

static size_t list_size(const rt_strv *sv)
{
	size_t n = 0, i;
	for (i = 0; i < sv->n; i++)
		n += str_size(sv->v[i]);
	return n;
}

/* copy s to *at (advanced); NULL stays NULL */
static char *put_str(char **at, const char *s)
{
	char *d = *at;
	size_t n;
	if (!s)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*at += n;
	return d;
}

static void put_list(char **at, char ***arrays, rt_strv *to, const rt_strv *from)
{
	size_t i;
	to->n = to->cap = from->n;
	to->v = NULL;
	if (!from->n)
		return;
	to->v = *arrays;
	*arrays += from->n;
	for (i = 0; i < from->n; i++)
		to->v[i] = put_str(at, from->v[i]);
}

rt_revision *rt_revision_pack(rt_revision *d)
{
	size_t arrays, strs, head = ALIGN8(sizeof(rt_revision));
	rt_revmem *m;
	rt_revision *r;
	char **av, *at;
	size_t i;
	if (!d)
		return NULL;
	arrays = ALIGN8((d->parents.n + d->labels.n + d->depends_on.n) * sizeof(char *));
	strs = list_size(&d->parents) + list_size(&d->labels) + list_size(&d->depends_on) + str_size(d->id) +
	       str_size(d->message) + str_size(d->create_date) + str_size(d->checksum) + str_size(d->path);
	if ((m = rt_revmem_new()) != NULL)
		m->chunk = 0; /* one chunk, the size of this revision */
	if (!m || !(r = rt_revmem_alloc(m, head + arrays + strs))) {
		rt_revmem_unref(m);
		rt_revision_draft_free(d);
		rt_error_set("out of memory");
		return NULL;
	}
	*r = *d;
	r->mem = m;
	av = (char **)((char *)r + head);
	at = (char *)r + head + arrays;
	r->id = put_str(&at, d->id);
	put_list(&at, &av, &r->parents, &d->parents);
	put_list(&at, &av, &r->labels, &d->labels);
	put_list(&at, &av, &r->depends_on, &d->depends_on);
	r->message = put_str(&at, d->message);
	r->create_date = put_str(&at, d->create_date);
	r->checksum = put_str(&at, d->checksum);
	r->path = put_str(&at, d->path);
	if (r->path && d->filename && d->path && d->filename >= d->path && d->filename <= d->path + strlen(d->path))
		r->filename = r->path + (d->filename - d->path);
	else if (r->path) {
		char *slash = strrchr(r->path, '/');
		r->filename = slash ? slash + 1 : r->path;
	}
	/* operations loaded with the draft name its path: the copy now */
	for (i = 0; i < r->nupgrade; i++)
		if (r->upgrade[i].file == d->path)
			r->upgrade[i].file = r->path;
	for (i = 0; i < r->ndowngrade; i++)
		if (r->downgrade[i].file == d->path)
			r->downgrade[i].file = r->path;
	d->ops_free = NULL; /* the operations are the revision's now */
	rt_revision_draft_free(d);
	return r;
}
