/*
 * The revision graph: Alembic's RevisionMap semantics in C.
 *
 * Revisions are held in load (file) order; rev->index is the position and
 * rev->graph_data is unused (per-revision data lives in g->nodes[index]).
 * Sets of revisions are bitsets indexed by rev->index; every traversal
 * uses an explicit stack, so a 10,000-long chain never recurses.
 *
 * Where Alembic iterates Python sets (arbitrary order) we use load order,
 * which is what its ordered structures (the revision map) use elsewhere.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "cache.h"
#include "graph.h"
#include "parfor.h"
#include "script.h"

#define MULTIPLE_HEADS_FMT                                                                                             \
	"Multiple head revisions are present for given argument '%s'; please specify a specific target revision, "     \
	"'<branchname>@head' to narrow to a specific head, or 'heads' for all heads"

/* ---- small containers ---- */

typedef struct revlist {
	rt_revision **v;
	size_t n, cap;
} revlist;

static int rl_push(revlist *l, rt_revision *r)
{
	rt_revision **v = rt_grow(l->v, &l->cap, l->n, sizeof *v, 8);
	RT_CHECK_ALLOC(v);
	l->v = v;
	l->v[l->n++] = r;
	return RETORT_OK;
}

static void rl_free(revlist *l)
{
	rt_free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static int rl_has(const revlist *l, const rt_revision *r)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (l->v[i] == r)
			return 1;
	return 0;
}

typedef uint64_t word;

static word *bs_new(size_t n)
{
	return rt_calloc((n + 63) / 64, sizeof(word));
}

static int bs_get(const word *b, size_t i)
{
	return (int)((b[i / 64] >> (i % 64)) & 1u);
}

static void bs_set(word *b, size_t i)
{
	b[i / 64] |= (word)1 << (i % 64);
}

static void bs_clr(word *b, size_t i)
{
	b[i / 64] &= ~((word)1 << (i % 64));
}

/* ---- the id / label hash table (open addressing, linear probing) ---- */

typedef struct hent {
	const char *key; /* borrowed from the revision */
	rt_revision *rev;
} hent;

typedef struct htab {
	hent *slots;
	size_t cap, n;
} htab;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static rt_revision *ht_get(const htab *t, const char *key)
{
	size_t i;
	if (!t->cap || !key)
		return NULL;
	for (i = (size_t)hash_str(key) & (t->cap - 1); t->slots[i].key; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->slots[i].key, key) == 0)
			return t->slots[i].rev;
	return NULL;
}

static int ht_put(htab *t, const char *key, rt_revision *rev)
{
	size_t i;
	if ((t->n + 1) * 2 > t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64, k;
		hent *s = rt_calloc(cap, sizeof *s);
		RT_CHECK_ALLOC(s);
		for (k = 0; k < t->cap; k++) {
			if (!t->slots[k].key)
				continue;
			for (i = (size_t)hash_str(t->slots[k].key) & (cap - 1); s[i].key; i = (i + 1) & (cap - 1))
				;
			s[i] = t->slots[k];
		}
		rt_free(t->slots);
		t->slots = s;
		t->cap = cap;
	}
	for (i = (size_t)hash_str(key) & (t->cap - 1); t->slots[i].key; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->slots[i].key, key) == 0) {
			t->slots[i].rev = rev;
			return RETORT_OK;
		}
	t->slots[i].key = key;
	t->slots[i].rev = rev;
	t->n++;
	return RETORT_OK;
}

/* ---- the graph ---- */

typedef struct node {
	revlist par;        /* down_revision, as written */
	revlist dep;        /* resolved depends_on, deduplicated */
	revlist ndown;      /* parents + deps not implied by ancestors' deps (Alembic's _normalized_down_revisions) */
	size_t nnormdep;    /* how many of ndown are dependencies */
	revlist kids;       /* children through down_revision, load order */
	revlist dependents; /* revisions that depend on this one (and are not also its children) */
	rt_strv labels;     /* propagated branch labels: the strings are the revisions' own (not copied) */
} node;

/*
 * The edges of one traversal direction as index arrays (compressed sparse
 * rows): the neighbours of revision i are idx[off[i] .. off[i + 1]).
 * closure() walks these rather than the nodes' lists of revisions, whose
 * every edge costs three dependent loads (node, list, revision) and, on
 * 10,000 revisions, a cache miss each: `history` computes ~70 closures.
 */
typedef struct adjacency {
	uint32_t *off;
	uint32_t *idx;
} adjacency;

struct rt_graph {
	revlist revs;
	node *nodes;
	htab ids;
	htab labels;
	adjacency adj[4]; /* by direction: UP_VERSIONED, UP_ALL, DOWN_VERSIONED, DOWN_ALL */
	int finished;
};

static const char *fname(const rt_revision *r)
{
	return r->path ? r->path : "(no file)";
}

int rt_graph_new(rt_graph **out)
{
	rt_graph *g = rt_calloc(1, sizeof *g);
	RT_CHECK_ALLOC(g);
	*out = g;
	return RETORT_OK;
}

void rt_graph_free(rt_graph *g)
{
	size_t i;
	if (!g)
		return;
	for (i = 0; i < g->revs.n; i++) {
		if (g->nodes) {
			node *nd = &g->nodes[i];
			rl_free(&nd->par);
			rl_free(&nd->dep);
			rl_free(&nd->ndown);
			rl_free(&nd->kids);
			rl_free(&nd->dependents);
			rt_free(nd->labels.v); /* the strings belong to the revisions */
		}
		rt_revision_free(g->revs.v[i]);
	}
	for (i = 0; i < 4; i++) {
		rt_free(g->adj[i].off);
		rt_free(g->adj[i].idx);
	}
	rt_free(g->nodes);
	rl_free(&g->revs);
	rt_free(g->ids.slots);
	rt_free(g->labels.slots);
	rt_free(g);
}

static int valid_id(const char *id)
{
	return strpbrk(id, "@-+:") == NULL;
}

int rt_graph_add(rt_graph *g, rt_revision *rev)
{
	rt_revision *other;
	int rc;
	if (!rev)
		return RETORT_OK;
	if (g->finished) {
		rt_error_set("internal error: revision added after the graph was finished");
		rc = RETORT_ERROR;
		goto fail;
	}
	if (!rev->id || !*rev->id) {
		rt_error_set("%s: no revision id", fname(rev));
		rc = RETORT_EINVAL;
		goto fail;
	}
	if (!valid_id(rev->id)) {
		rt_error_set("%s: revision id '%s' contains one of the characters '@', '-', '+', ':', which targets reserve",
		             fname(rev), rev->id);
		rc = RETORT_EINVAL;
		goto fail;
	}
	if ((other = ht_get(&g->ids, rev->id)) != NULL) {
		rt_error_set("duplicate revision id '%s': %s and %s", rev->id, fname(other), fname(rev));
		rc = RETORT_EINVAL;
		goto fail;
	}
	if ((rc = rl_push(&g->revs, rev)) < 0)
		goto fail;
	if ((rc = ht_put(&g->ids, rev->id, rev)) < 0) {
		g->revs.n--;
		goto fail;
	}
	rev->index = g->revs.n - 1;
	rev->graph_data = NULL;
	return RETORT_OK;
fail:
	rt_revision_free(rev);
	return rc;
}

size_t rt_graph_count(const rt_graph *g)
{
	return g ? g->revs.n : 0;
}

rt_revision *rt_graph_at(const rt_graph *g, size_t i)
{
	return g && i < g->revs.n ? g->revs.v[i] : NULL;
}

rt_revision *rt_graph_get(const rt_graph *g, const char *id)
{
	return g ? ht_get(&g->ids, id) : NULL;
}

rt_revision *rt_graph_label_rev(const rt_graph *g, const char *label)
{
	return g ? ht_get(&g->labels, label) : NULL;
}

#define ND(g, r) (&(g)->nodes[(r)->index])

size_t rt_graph_children(const rt_graph *g, const rt_revision *rev, rt_revision *const **out)
{
	const node *nd = ND(g, rev);
	*out = nd->kids.v;
	return nd->kids.n;
}

size_t rt_graph_dependencies(const rt_graph *g, const rt_revision *rev, rt_revision *const **out)
{
	const node *nd = ND(g, rev);
	*out = nd->dep.v;
	return nd->dep.n;
}

size_t rt_graph_dependents(const rt_graph *g, const rt_revision *rev, rt_revision *const **out)
{
	const node *nd = ND(g, rev);
	*out = nd->dependents.v;
	return nd->dependents.n;
}

const rt_strv *rt_graph_labels(const rt_graph *g, const rt_revision *rev)
{
	return &ND(g, rev)->labels;
}

int rt_graph_is_head(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->kids.n == 0;
}

int rt_graph_is_real_head(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->kids.n == 0 && ND(g, rev)->dependents.n == 0;
}

int rt_graph_is_effective_head(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->kids.n == 0 && ND(g, rev)->dependents.n > 0;
}

int rt_graph_is_base(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->par.n == 0;
}

int rt_graph_is_branch_point(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->kids.n > 1;
}

int rt_graph_is_merge_point(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->par.n > 1;
}

static int is_real_branch_point(const rt_graph *g, const rt_revision *rev)
{
	return ND(g, rev)->kids.n + ND(g, rev)->dependents.n > 1;
}

/* ---- traversal ---- */

enum { UP_VERSIONED, UP_ALL, DOWN_VERSIONED, DOWN_ALL };

/*
 * Set in `set` every revision reachable from the seeds (seeds included)
 * in direction `dir`.  NULL seeds (base) are skipped.
 */
static int closure(const rt_graph *g, rt_revision *const *seeds, size_t nseeds, int dir, word *set)
{
	const adjacency *a = &g->adj[dir];
	size_t *stack, sp = 0, i;
	stack = rt_malloc((g->revs.n + 1) * sizeof *stack);
	RT_CHECK_ALLOC(stack);
	for (i = 0; i < nseeds; i++) {
		if (!seeds[i] || bs_get(set, seeds[i]->index))
			continue;
		bs_set(set, seeds[i]->index);
		stack[sp++] = seeds[i]->index;
	}
	while (sp) {
		size_t x = stack[--sp], k;
		for (k = a->off[x]; k < a->off[x + 1]; k++) {
			uint32_t y = a->idx[k];
			if (!bs_get(set, y)) {
				bs_set(set, y);
				stack[sp++] = y;
			}
		}
	}
	rt_free(stack);
	return RETORT_OK;
}

/* A fresh set holding the closure of one revision. */
static int closure1(const rt_graph *g, const rt_revision *r, int dir, word **out)
{
	word *s = bs_new(g->revs.n);
	int rc;
	RT_CHECK_ALLOC(s);
	if ((rc = closure(g, (rt_revision *const *)&r, 1, dir, s)) < 0) {
		rt_free(s);
		return rc;
	}
	*out = s;
	return RETORT_OK;
}

/*
 * Add to `set` the ancestors and the descendants of r (r included), with
 * or without dependencies.  (Two passes into one set would stop the
 * second at r, already marked by the first.)
 */
static int related_into(const rt_graph *g, const rt_revision *r, int with_deps, word *set)
{
	word *down;
	size_t i;
	int rc;
	if ((rc = closure1(g, r, with_deps ? DOWN_ALL : DOWN_VERSIONED, &down)) < 0)
		return rc;
	rc = closure(g, (rt_revision *const *)&r, 1, with_deps ? UP_ALL : UP_VERSIONED, set);
	for (i = 0; i < (g->revs.n + 63) / 64; i++)
		set[i] |= down[i];
	rt_free(down);
	return rc;
}

/* Ancestors and descendants through down_revision (Alembic's "shares lineage"). */
static int lineage_set(const rt_graph *g, const rt_revision *r, word **out)
{
	word *s = bs_new(g->revs.n);
	int rc;
	RT_CHECK_ALLOC(s);
	if ((rc = related_into(g, r, 0, s)) < 0) {
		rt_free(s);
		return rc;
	}
	*out = s;
	return RETORT_OK;
}

int rt_graph_is_ancestor(const rt_graph *g, const rt_revision *a, const rt_revision *b)
{
	word *s;
	int r;
	if (!a || !b || a == b)
		return 0;
	if (closure1(g, b, UP_ALL, &s) < 0)
		return 0;
	r = bs_get(s, a->index);
	rt_free(s);
	return r;
}

/* Join ids of a list, at most 10 then "...". */
static char *join_ids(rt_revision *const *v, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	size_t i;
	for (i = 0; i < n && i < 10; i++)
		if ((i && rt_buf_puts(&b, ", ") < 0) || rt_buf_puts(&b, v[i]->id) < 0)
			goto oom;
	if (n > 10 && rt_buf_printf(&b, ", ... (%zu in all)", n) < 0)
		goto oom;
	return rt_buf_detach(&b);
oom:
	rt_buf_free(&b);
	return NULL;
}

static char *join_files(rt_revision *const *v, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	size_t i;
	for (i = 0; i < n && i < 10; i++)
		if ((i && rt_buf_puts(&b, ", ") < 0) || rt_buf_puts(&b, fname(v[i])) < 0)
			goto oom;
	if (n > 10 && rt_buf_puts(&b, ", ...") < 0)
		goto oom;
	return rt_buf_detach(&b);
oom:
	rt_buf_free(&b);
	return NULL;
}

/* ---- finishing: linking and checks ---- */

/* Prefix candidates among ids and labels (any length). */
static int prefix_candidates(const rt_graph *g, const char *prefix, const word *within, revlist *out, rt_strv *names)
{
	size_t i, k, len = strlen(prefix);
	int rc;
	for (i = 0; i < g->revs.n; i++) {
		rt_revision *r = g->revs.v[i];
		if (within && !bs_get(within, i))
			continue;
		if (strncmp(r->id, prefix, len) == 0) {
			if ((rc = rl_push(out, r)) < 0 || (names && (rc = rt_strv_push(names, r->id)) < 0))
				return rc;
		}
		for (k = 0; k < r->labels.n; k++)
			if (strncmp(r->labels.v[k], prefix, len) == 0 && ht_get(&g->labels, r->labels.v[k]) == r) {
				if ((rc = rl_push(out, r)) < 0 || (names && (rc = rt_strv_push(names, r->labels.v[k])) < 0))
					return rc;
			}
	}
	return RETORT_OK;
}

static char *quoted_names(const rt_strv *names)
{
	rt_buf b = RT_BUF_INIT;
	size_t i;
	for (i = 0; i < names->n && i < 10; i++)
		if (rt_buf_printf(&b, "%s'%s'", i ? ", " : "", names->v[i]) < 0)
			goto oom;
	if (names->n > 10 && rt_buf_printf(&b, ", ... (%zu in all)", names->n) < 0)
		goto oom;
	return rt_buf_detach(&b);
oom:
	rt_buf_free(&b);
	return NULL;
}

static int ambiguous_error(const char *what, const rt_strv *names)
{
	char *list = quoted_names(names);
	RT_CHECK_ALLOC(list);
	rt_error_set("Multiple revisions start with '%s': %s", what, list);
	rt_free(list);
	return RETORT_EINVAL;
}

/* depends_on entry: id, label or unique prefix. */
static int resolve_dep(const rt_graph *g, const rt_revision *rev, const char *name, rt_revision **out)
{
	rt_revision *r;
	revlist c = {NULL, 0, 0};
	rt_strv names = RT_STRV_INIT;
	int rc = RETORT_OK;
	if ((r = ht_get(&g->ids, name)) || (r = ht_get(&g->labels, name))) {
		*out = r;
		return RETORT_OK;
	}
	if (*name && (rc = prefix_candidates(g, name, NULL, &c, &names)) < 0)
		goto done;
	if (c.n == 1) {
		*out = c.v[0];
	} else if (c.n == 0) {
		rt_error_set("%s: revision %s depends_on '%s', which is no revision or branch label", fname(rev), rev->id,
		             name);
		rc = RETORT_EINVAL;
	} else {
		char *list = quoted_names(&names);
		if (!list) {
			rc = RETORT_ENOMEM;
			goto done;
		}
		rt_error_set("%s: revision %s depends_on '%s', which is ambiguous: %s", fname(rev), rev->id, name, list);
		rt_free(list);
		rc = RETORT_EINVAL;
	}
done:
	rl_free(&c);
	rt_strv_free(&names);
	return rc;
}

static int is_reserved(const char *s)
{
	return !strcmp(s, "head") || !strcmp(s, "heads") || !strcmp(s, "base") || !strcmp(s, "current");
}

/*
 * Kahn's algorithm both ways; what neither direction can peel off lies on
 * (or between) cycles.  `all` includes dependencies.  Fills *order with a
 * topological order (parents first) when there is no cycle.
 */
static int check_cycles(rt_graph *g, int all, size_t *order)
{
	const adjacency *up, *down;
	size_t n = g->revs.n, i, k, head = 0, tail = 0, *deg = NULL, *q = NULL;
	word *fwd = NULL, *bwd = NULL;
	revlist bad = {NULL, 0, 0};
	int rc = RETORT_OK;
	deg = rt_malloc((n + 1) * sizeof *deg);
	q = rt_malloc((n + 1) * sizeof *q);
	fwd = bs_new(n);
	bwd = bs_new(n);
	if (!deg || !q || !fwd || !bwd) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	/* forward, over the index arrays (the common case: no cycle) */
	up = &g->adj[all ? UP_ALL : UP_VERSIONED];
	down = &g->adj[all ? DOWN_ALL : DOWN_VERSIONED];
	for (i = 0; i < n; i++) {
		deg[i] = up->off[i + 1] - up->off[i];
		if (!deg[i])
			q[tail++] = i;
	}
	while (head < tail) {
		size_t x = q[head];
		bs_set(fwd, x);
		if (order)
			order[head] = x;
		head++;
		for (k = down->off[x]; k < down->off[x + 1]; k++)
			if (--deg[down->idx[k]] == 0)
				q[tail++] = down->idx[k];
	}
	if (tail == n)
		goto done;
	/* backward, over the same edges */
	memcpy(bwd, fwd, ((n + 63) / 64) * sizeof(word));
	head = tail = 0;
	for (i = 0; i < n; i++) {
		deg[i] = down->off[i + 1] - down->off[i];
		if (!deg[i])
			q[tail++] = i;
	}
	while (head < tail) {
		size_t x = q[head++];
		bs_set(bwd, x); /* peeled from either side */
		for (k = up->off[x]; k < up->off[x + 1]; k++)
			if (--deg[up->idx[k]] == 0)
				q[tail++] = up->idx[k];
	}
	/* what lies between cycles; else (never, with consistent edges) what the forward pass left */
	for (i = 0; i < n; i++)
		if (!bs_get(bwd, i) && (rc = rl_push(&bad, g->revs.v[i])) < 0)
			goto done;
	for (i = 0; !bad.n && i < n; i++)
		if (!bs_get(fwd, i) && (rc = rl_push(&bad, g->revs.v[i])) < 0)
			goto done;
	{
		char *ids = join_ids(bad.v, bad.n), *files = join_files(bad.v, bad.n);
		if (!ids || !files) {
			rt_free(ids);
			rt_free(files);
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			goto done;
		}
		rt_error_set("%s is detected in revisions (%s): %s", all ? "Dependency cycle" : "Cycle", ids, files);
		rt_free(ids);
		rt_free(files);
		rc = RETORT_EINVAL;
	}
done:
	rt_free(deg);
	rt_free(q);
	rt_free(fwd);
	rt_free(bwd);
	rl_free(&bad);
	return rc;
}

/* label: a string of a revision of the graph, which outlives the node */
static int add_label(node *nd, const char *label)
{
	rt_strv *l = &nd->labels;
	char **v;
	if (rt_strv_find(l, label) >= 0)
		return RETORT_OK;
	v = rt_grow(l->v, &l->cap, l->n, sizeof *v, 2);
	RT_CHECK_ALLOC(v);
	l->v = v;
	l->v[l->n++] = (char *)label;
	return RETORT_OK;
}

/*
 * Alembic's _add_branches: a label names every descendant of its revision
 * (through down_revision), and, walking down from the last descendant
 * reached, every revision until a (real) branch point or a merge point.
 */
static int propagate_labels(rt_graph *g)
{
	size_t n = g->revs.n, i, k, sp, *stack;
	word *seen = NULL;
	int rc = RETORT_OK;
	stack = rt_malloc((n + 1) * sizeof *stack);
	seen = bs_new(n);
	if (!stack || !seen) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		rt_revision *r = g->revs.v[i], *last = r, *p;
		if (!r->labels.n)
			continue;
		memset(seen, 0, ((n + 63) / 64) * sizeof(word));
		sp = 0;
		stack[sp++] = i;
		bs_set(seen, i);
		while (sp) {
			node *nd = &g->nodes[stack[--sp]];
			last = g->revs.v[stack[sp]];
			for (k = 0; k < r->labels.n; k++)
				if ((rc = add_label(nd, r->labels.v[k])) < 0)
					goto done;
			for (k = nd->kids.n; k-- > 0;) {
				size_t x = nd->kids.v[k]->index;
				if (!bs_get(seen, x)) {
					bs_set(seen, x);
					stack[sp++] = x;
				}
			}
		}
		for (p = last; p && !is_real_branch_point(g, p) && ND(g, p)->par.n <= 1;) {
			for (k = 0; k < r->labels.n; k++)
				if ((rc = add_label(ND(g, p), r->labels.v[k])) < 0)
					goto done;
			p = ND(g, p)->par.n ? ND(g, p)->par.v[0] : NULL;
		}
	}
done:
	rt_free(stack);
	rt_free(seen);
	return rc;
}

/* Alembic's _normalize_depends_on: drop deps that an ancestor (by down_revision) already depends on. */
static int normalize_deps(rt_graph *g, const size_t *order)
{
	size_t n = g->revs.n, i, k, j;
	word *flag = NULL, *anc = NULL, *implied = NULL;
	int rc = RETORT_OK;
	flag = bs_new(n); /* some strict versioned ancestor has dependencies */
	anc = bs_new(n);
	implied = bs_new(n);
	if (!flag || !anc || !implied) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		node *nd = &g->nodes[order[i]];
		for (k = 0; k < nd->par.n; k++) {
			const node *pn = ND(g, nd->par.v[k]);
			if (pn->dep.n || bs_get(flag, nd->par.v[k]->index))
				bs_set(flag, order[i]);
		}
	}
	for (i = 0; i < n; i++) {
		node *nd = &g->nodes[i];
		for (k = 0; k < nd->par.n; k++)
			if ((rc = rl_push(&nd->ndown, nd->par.v[k])) < 0)
				goto done;
		if (!nd->dep.n)
			continue;
		memset(implied, 0, ((n + 63) / 64) * sizeof(word));
		if (bs_get(flag, i)) {
			memset(anc, 0, ((n + 63) / 64) * sizeof(word));
			if ((rc = closure(g, &g->revs.v[i], 1, UP_VERSIONED, anc)) < 0)
				goto done;
			for (j = 0; j < n; j++) {
				const node *an = &g->nodes[j];
				if (j == i || !bs_get(anc, j))
					continue;
				for (k = 0; k < an->dep.n; k++)
					bs_set(implied, an->dep.v[k]->index);
			}
		}
		for (k = 0; k < nd->dep.n; k++) {
			rt_revision *d = nd->dep.v[k];
			if (bs_get(implied, d->index) || rl_has(&nd->ndown, d))
				continue;
			if ((rc = rl_push(&nd->ndown, d)) < 0)
				goto done;
			nd->nnormdep++;
		}
	}
done:
	rt_free(flag);
	rt_free(anc);
	rt_free(implied);
	return rc;
}

/* g->adj from the nodes' lists (once every edge is known). */
static int build_adjacency(rt_graph *g)
{
	size_t n = g->revs.n, i, k, l, m;
	int d;
	if (n >= UINT32_MAX) {
		rt_error_set("too many revisions (%zu)", n);
		return RETORT_EINVAL;
	}
	for (d = 0; d < 4; d++) {
		adjacency *a = &g->adj[d];
		for (m = 0, i = 0; i < n; i++) {
			const node *nd = &g->nodes[i];
			m += d == UP_VERSIONED     ? nd->par.n
			     : d == UP_ALL         ? nd->par.n + nd->dep.n
			     : d == DOWN_VERSIONED ? nd->kids.n
			                           : nd->kids.n + nd->dependents.n;
		}
		a->off = rt_malloc((n + 1) * sizeof *a->off);
		a->idx = rt_malloc((m ? m : 1) * sizeof *a->idx);
		if (!a->off || !a->idx) {
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
		for (m = 0, i = 0; i < n; i++) {
			const node *nd = &g->nodes[i];
			const revlist *lists[2] = {d < DOWN_VERSIONED ? &nd->par : &nd->kids,
			                           d == UP_ALL ? &nd->dep : d == DOWN_ALL ? &nd->dependents : NULL};
			a->off[i] = (uint32_t)m;
			for (l = 0; l < 2; l++)
				for (k = 0; lists[l] && k < lists[l]->n; k++)
					/* a dependency that is also a parent is one edge (as dependents excludes children) */
					if (l == 0 || d != UP_ALL || !rl_has(&nd->par, lists[l]->v[k]))
						a->idx[m++] = (uint32_t)lists[l]->v[k]->index;
		}
		a->off[n] = (uint32_t)m;
	}
	return RETORT_OK;
}

int rt_graph_finish(rt_graph *g)
{
	size_t n = g->revs.n, i, k, *order = NULL;
	int rc = RETORT_OK;
	if (g->finished) {
		rt_error_set("internal error: graph finished twice");
		return RETORT_ERROR;
	}
	g->finished = 1;
	g->nodes = rt_calloc(n + 1, sizeof *g->nodes);
	RT_CHECK_ALLOC(g->nodes);

	/* self-loops and branch labels */
	for (i = 0; i < n; i++) {
		rt_revision *r = g->revs.v[i];
		if (rt_strv_find(&r->parents, r->id) >= 0) {
			rt_error_set("Self-loop is detected in revisions (%s): %s names itself as down_revision", r->id,
			             fname(r));
			return RETORT_EINVAL;
		}
		if (rt_strv_find(&r->depends_on, r->id) >= 0) {
			rt_error_set("Dependency self-loop is detected in revisions (%s): %s names itself in depends_on",
			             r->id, fname(r));
			return RETORT_EINVAL;
		}
		for (k = 0; k < r->labels.n; k++) {
			const char *l = r->labels.v[k];
			rt_revision *o;
			if (!*l || !valid_id(l) || is_reserved(l)) {
				rt_error_set("%s: branch label '%s' of revision %s is not allowed (%s)", fname(r), l, r->id,
				             !*l ? "empty"
				             : is_reserved(l) ? "a reserved word"
				                              : "it contains '@', '-', '+' or ':'");
				return RETORT_EINVAL;
			}
			if ((o = ht_get(&g->ids, l)) != NULL || (o = ht_get(&g->labels, l)) != NULL) {
				rt_error_set("Branch name '%s' in revision %s (%s) already used by revision %s (%s)", l, r->id,
				             fname(r), o->id, fname(o));
				return RETORT_EINVAL;
			}
			if ((rc = ht_put(&g->labels, l, r)) < 0)
				return rc;
		}
	}
	/* parents and dependencies */
	for (i = 0; i < n; i++) {
		rt_revision *r = g->revs.v[i];
		node *nd = &g->nodes[i];
		for (k = 0; k < r->parents.n; k++) {
			rt_revision *p = ht_get(&g->ids, r->parents.v[k]);
			if (!p) {
				rt_error_set("%s: revision %s names down_revision '%s', which no script defines", fname(r),
				             r->id, r->parents.v[k]);
				return RETORT_EINVAL;
			}
			if (rl_has(&nd->par, p)) {
				rt_error_set("%s: revision %s names down_revision '%s' twice", fname(r), r->id, p->id);
				return RETORT_EINVAL;
			}
			if ((rc = rl_push(&nd->par, p)) < 0 || (rc = rl_push(&g->nodes[p->index].kids, r)) < 0)
				return rc;
		}
	}
	for (i = 0; i < n; i++) {
		rt_revision *r = g->revs.v[i];
		node *nd = &g->nodes[i];
		for (k = 0; k < r->depends_on.n; k++) {
			rt_revision *d;
			if ((rc = resolve_dep(g, r, r->depends_on.v[k], &d)) < 0)
				return rc;
			if (d == r) {
				rt_error_set("Dependency self-loop is detected in revisions (%s): %s depends on itself "
				             "through '%s'",
				             r->id, fname(r), r->depends_on.v[k]);
				return RETORT_EINVAL;
			}
			if (rl_has(&nd->dep, d))
				continue;
			if ((rc = rl_push(&nd->dep, d)) < 0)
				return rc;
			if (!rl_has(&nd->par, d) && (rc = rl_push(&g->nodes[d->index].dependents, r)) < 0)
				return rc;
		}
	}
	if ((rc = build_adjacency(g)) < 0)
		return rc;
	order = rt_malloc((n + 1) * sizeof *order);
	RT_CHECK_ALLOC(order);
	if ((rc = check_cycles(g, 0, NULL)) < 0 || (rc = check_cycles(g, 1, order)) < 0 ||
	    (rc = normalize_deps(g, order)) < 0 || (rc = propagate_labels(g)) < 0)
		goto done;
done:
	rt_free(order);
	return rc;
}

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

/* ---- heads, branch points ---- */

int rt_graph_heads(const rt_graph *g, int real_only, rt_revision ***out, size_t *n)
{
	revlist l = {NULL, 0, 0};
	size_t i;
	int rc;
	for (i = 0; i < g->revs.n; i++) {
		rt_revision *r = g->revs.v[i];
		if ((real_only ? rt_graph_is_real_head(g, r) : rt_graph_is_head(g, r)) && (rc = rl_push(&l, r)) < 0) {
			rl_free(&l);
			return rc;
		}
	}
	*out = l.v;
	*n = l.n;
	return RETORT_OK;
}

/* ---- Alembic's _topological_sort ---- */

/*
 * Order the revisions of `todo` (consumed) from the heads downward: each
 * branch is walked to completion before the next, a revision is emitted
 * only once no other pending head still has it as an ancestor.  Heads are
 * taken in load order.  Output: children before parents.
 */
static int topo_sort(const rt_graph *g, word *todo, rt_revision *const *heads, size_t nheads, revlist *out)
{
	size_t n = g->revs.n, ncur = 0, capcur = 0, idx = 0, i, j, k;
	size_t *cur = NULL;
	word **anc = NULL, *incur = NULL, *seen = NULL;
	revlist add = {NULL, 0, 0};
	int rc = RETORT_OK;

	incur = bs_new(n);
	seen = bs_new(n);
	if (!incur || !seen)
		goto oom;
	/* initial heads: those in todo, deduplicated, load order */
	for (i = 0; i < nheads; i++) {
		if (!heads[i] || !bs_get(todo, heads[i]->index) || bs_get(seen, heads[i]->index))
			continue;
		bs_set(seen, heads[i]->index);
		ncur++;
	}
	capcur = ncur + 8;
	cur = rt_malloc(capcur * sizeof *cur);
	anc = rt_calloc(capcur, sizeof *anc);
	if (!cur || !anc)
		goto oom;
	ncur = 0;
	for (i = 0; i < n; i++)
		if (bs_get(seen, i)) {
			cur[ncur] = i;
			bs_set(incur, i);
			if ((rc = closure1(g, g->revs.v[i], UP_ALL, &anc[ncur])) < 0)
				goto done;
			ncur++;
		}

	while (ncur) {
		size_t cand = cur[idx];
		const node *nd = &g->nodes[cand];
		int switched = 0;
		for (j = 0; j < ncur; j++)
			if (j != idx && bs_get(anc[j], cand)) {
				idx = j;
				switched = 1;
				break;
			}
		if (switched)
			continue;
		if (bs_get(todo, cand)) {
			if ((rc = rl_push(out, g->revs.v[cand])) < 0)
				goto done;
			bs_clr(todo, cand);
		}
		add.n = 0;
		for (k = 0; k < nd->ndown.n; k++) {
			rt_revision *r = nd->ndown.v[k];
			if (bs_get(todo, r->index) && !bs_get(incur, r->index) && !rl_has(&add, r) &&
			    (rc = rl_push(&add, r)) < 0)
				goto done;
		}
		if (!add.n) {
			bs_clr(incur, cand);
			rt_free(anc[idx]);
			memmove(cur + idx, cur + idx + 1, (ncur - idx - 1) * sizeof *cur);
			memmove(anc + idx, anc + idx + 1, (ncur - idx - 1) * sizeof *anc);
			ncur--;
			idx = idx ? idx - 1 : 0;
			continue;
		}
		bs_clr(incur, cand);
		cur[idx] = add.v[0]->index;
		bs_set(incur, cur[idx]);
		if (!nd->nnormdep && nd->par.n == 1) {
			bs_clr(anc[idx], cand);
			continue;
		}
		rt_free(anc[idx]);
		anc[idx] = NULL;
		if ((rc = closure1(g, add.v[0], UP_ALL, &anc[idx])) < 0)
			goto done;
		for (k = 1; k < add.n; k++) {
			if (ncur == capcur) {
				size_t nc = capcur * 2;
				size_t *c2 = rt_realloc(cur, nc * sizeof *c2);
				word **a2;
				if (!c2)
					goto oom;
				cur = c2;
				a2 = rt_realloc(anc, nc * sizeof *a2);
				if (!a2)
					goto oom;
				anc = a2;
				capcur = nc;
			}
			cur[ncur] = add.v[k]->index;
			bs_set(incur, cur[ncur]);
			anc[ncur] = NULL;
			if ((rc = closure1(g, add.v[k], UP_ALL, &anc[ncur])) < 0) {
				ncur++;
				goto done;
			}
			ncur++;
		}
	}
	/* anything not reachable from the heads (should not happen): newest first */
	for (i = n; i-- > 0;)
		if (bs_get(todo, i)) {
			bs_clr(todo, i);
			if ((rc = rl_push(out, g->revs.v[i])) < 0)
				goto done;
		}
	goto done;
oom:
	rt_error_set("out of memory");
	rc = RETORT_ENOMEM;
done:
	if (anc)
		for (i = 0; i < ncur; i++)
			rt_free(anc[i]);
	rt_free(anc);
	rt_free(cur);
	rt_free(incur);
	rt_free(seen);
	rl_free(&add);
	return rc;
}

static int all_set(const rt_graph *g, word **out)
{
	size_t i;
	word *s = bs_new(g->revs.n);
	RT_CHECK_ALLOC(s);
	for (i = 0; i < g->revs.n; i++)
		bs_set(s, i);
	*out = s;
	return RETORT_OK;
}

/* The whole graph, newest first (history order). */
static int full_order(const rt_graph *g, revlist *out)
{
	rt_revision **heads = NULL;
	size_t nh = 0;
	word *todo = NULL;
	int rc;
	if ((rc = rt_graph_heads(g, 1, &heads, &nh)) < 0 || (rc = all_set(g, &todo)) < 0)
		goto done;
	rc = topo_sort(g, todo, heads, nh, out);
done:
	rt_free(heads);
	rt_free(todo);
	return rc;
}

int rt_graph_branch_points(const rt_graph *g, rt_revision ***out, size_t *n)
{
	revlist all = {NULL, 0, 0}, l = {NULL, 0, 0};
	size_t i;
	int rc;
	if ((rc = full_order(g, &all)) < 0)
		goto done;
	for (i = 0; i < all.n; i++)
		if (rt_graph_is_branch_point(g, all.v[i]) && (rc = rl_push(&l, all.v[i])) < 0)
			goto done;
	*out = l.v;
	*n = l.n;
	l.v = NULL;
done:
	rl_free(&all);
	rl_free(&l);
	return rc;
}

/* ---- current state ---- */

/* current ids -> revisions (error naming an unknown row). */
static int current_revs(const rt_graph *g, const rt_strv *current, revlist *out)
{
	size_t i;
	int rc;
	if (!current)
		return RETORT_OK;
	for (i = 0; i < current->n; i++) {
		rt_revision *r = ht_get(&g->ids, current->v[i]);
		if (!r) {
			rt_error_set("the version table names revision '%s', which no script defines", current->v[i]);
			return RETORT_EINVAL;
		}
		if (!rl_has(out, r) && (rc = rl_push(out, r)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Error when one of `revs` is an ancestor (incl. dependencies) of another. */
enum { OVERLAP_CURRENT, OVERLAP_TARGETS, OVERLAP_STAMP, OVERLAP_STAMP_RESULT };

static void overlap_error(int kind, const char *desc, const char *anc)
{
	switch (kind) {
	case OVERLAP_CURRENT:
		rt_error_set("the version table holds both '%s' and its ancestor '%s'; it should hold only heads", desc,
		             anc);
		break;
	case OVERLAP_TARGETS:
		rt_error_set("Requested revision %s overlaps with other requested revisions %s", desc, anc);
		break;
	case OVERLAP_STAMP:
		rt_error_set("cannot stamp %s together with its ancestor %s: the version table holds only heads", desc,
		             anc);
		break;
	default:
		rt_error_set("stamping would leave both %s and its ancestor %s in the version table", desc, anc);
		break;
	}
}

static int check_no_overlap(const rt_graph *g, const revlist *revs, int kind)
{
	size_t i, j;
	word *s = NULL;
	int rc = RETORT_OK;
	if (revs->n < 2)
		return RETORT_OK;
	s = bs_new(g->revs.n);
	RT_CHECK_ALLOC(s);
	for (i = 0; i < revs->n; i++) {
		const node *nd = ND(g, revs->v[i]);
		memset(s, 0, ((g->revs.n + 63) / 64) * sizeof(word));
		/* strict ancestors */
		if ((rc = closure(g, nd->par.v, nd->par.n, UP_ALL, s)) < 0 ||
		    (rc = closure(g, nd->dep.v, nd->dep.n, UP_ALL, s)) < 0)
			goto done;
		for (j = 0; j < revs->n; j++)
			if (j != i && bs_get(s, revs->v[j]->index)) {
				overlap_error(kind, revs->v[i]->id, revs->v[j]->id);
				rc = RETORT_EINVAL;
				goto done;
			}
	}
done:
	rt_free(s);
	return rc;
}

int rt_graph_check_current(const rt_graph *g, const rt_strv *current)
{
	revlist cur = {NULL, 0, 0};
	int rc;
	if ((rc = current_revs(g, current, &cur)) < 0)
		goto done;
	rc = check_no_overlap(g, &cur, OVERLAP_CURRENT);
done:
	rl_free(&cur);
	return rc;
}

int rt_graph_current_display(const rt_graph *g, const rt_strv *current, rt_revision ***out, size_t *n)
{
	revlist cur = {NULL, 0, 0}, l = {NULL, 0, 0};
	word *s = NULL;
	size_t i, k;
	int rc;
	if ((rc = current_revs(g, current, &cur)) < 0)
		goto done;
	s = bs_new(g->revs.n);
	if (!s) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = closure(g, cur.v, cur.n, UP_ALL, s)) < 0)
		goto done;
	for (i = 0; i < cur.n; i++)
		if ((rc = rl_push(&l, cur.v[i])) < 0)
			goto done;
	/* the tips of what is applied: no child through down_revision applied */
	for (i = 0; i < g->revs.n; i++) {
		const node *nd = &g->nodes[i];
		int tip = bs_get(s, i);
		for (k = 0; tip && k < nd->kids.n; k++)
			if (bs_get(s, nd->kids.v[k]->index))
				tip = 0;
		if (tip && !rl_has(&l, g->revs.v[i]) && (rc = rl_push(&l, g->revs.v[i])) < 0)
			goto done;
	}
	*out = l.v;
	*n = l.n;
	l.v = NULL;
done:
	rl_free(&cur);
	rl_free(&l);
	rt_free(s);
	return rc;
}

/* ---- target resolution ---- */

typedef struct rel_spec {
	char *branch; /* NULL when none */
	char *symbol; /* NULL when none */
	long rel;
} rel_spec;

static void rel_free(rel_spec *r)
{
	rt_free(r->branch);
	rt_free(r->symbol);
	r->branch = r->symbol = NULL;
}

static int is_word(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '_'))
			return 0;
	return 1;
}

/* Alembic's (?:(.+?)@)?(\w+)?((?:\+|-)\d+), whole string.  1 relative, 0 not, <0 error. */
static int parse_rel(const char *spec, rel_spec *out)
{
	size_t len = strlen(spec), d = len, sign, at, symstart;
	long v = 0;
	const char *p;
	memset(out, 0, sizeof *out);
	while (d > 0 && spec[d - 1] >= '0' && spec[d - 1] <= '9')
		d--;
	if (d == len || d == 0 || (spec[d - 1] != '+' && spec[d - 1] != '-'))
		return 0;
	sign = d - 1;
	at = sign;
	for (p = spec; p < spec + sign; p++)
		if (*p == '@')
			at = (size_t)(p - spec);
	symstart = at < sign ? at + 1 : 0;
	if (at < sign && at == 0)
		return 0;
	if (!is_word(spec + symstart, sign - symstart))
		return 0;
	for (p = spec + d; *p; p++) {
		if (v > 100000000L) {
			rt_error_set("Relative revision '%s' is too large", spec);
			return RETORT_EINVAL;
		}
		v = v * 10 + (*p - '0');
	}
	out->rel = spec[sign] == '-' ? -v : v;
	if (at < sign && !(out->branch = rt_strndup(spec, at)))
		goto oom;
	if (sign > symstart && !(out->symbol = rt_strndup(spec + symstart, sign - symstart)))
		goto oom;
	return 1;
oom:
	rel_free(out);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

/* The revision a branch name stands for: a label's revision, or a revision. */
static int resolve_branch(const rt_graph *g, const char *name, rt_revision **out)
{
	rt_revision *r;
	revlist c = {NULL, 0, 0};
	rt_strv names = RT_STRV_INIT;
	int rc = RETORT_OK;
	if ((r = ht_get(&g->labels, name)) || (r = ht_get(&g->ids, name))) {
		*out = r;
		return RETORT_OK;
	}
	if (*name && (rc = prefix_candidates(g, name, NULL, &c, &names)) < 0)
		goto done;
	if (c.n == 1)
		*out = c.v[0];
	else if (c.n == 0) {
		rt_error_set("No such branch: '%s'", name);
		rc = RETORT_EINVAL;
	} else
		rc = ambiguous_error(name, &names);
done:
	rl_free(&c);
	rt_strv_free(&names);
	return rc;
}

static int multiple_heads(const char *arg)
{
	rt_error_set(MULTIPLE_HEADS_FMT, arg);
	return RETORT_EINVAL;
}

/* Heads (all, effective included) sharing lineage with `branch`. */
static int branch_heads(const rt_graph *g, const rt_revision *branch, revlist *out)
{
	word *lin;
	size_t i;
	int rc;
	if ((rc = lineage_set(g, branch, &lin)) < 0)
		return rc;
	for (i = 0; i < g->revs.n; i++)
		if (bs_get(lin, i) && rt_graph_is_head(g, g->revs.v[i]) && (rc = rl_push(out, g->revs.v[i])) < 0)
			break;
	rt_free(lin);
	return rc;
}

/* The one head of a branch (or of everything when branch is NULL); NULL when none. */
static int single_head(const rt_graph *g, const rt_revision *branch, const char *arg, rt_revision **out)
{
	revlist h = {NULL, 0, 0};
	size_t i;
	int rc = RETORT_OK;
	if (branch)
		rc = branch_heads(g, branch, &h);
	else
		for (i = 0; i < g->revs.n && rc == RETORT_OK; i++)
			if (rt_graph_is_real_head(g, g->revs.v[i]))
				rc = rl_push(&h, g->revs.v[i]);
	if (rc < 0)
		goto done;
	if (h.n > 1)
		rc = multiple_heads(arg);
	else
		*out = h.n ? h.v[0] : NULL;
done:
	rl_free(&h);
	return rc;
}

/*
 * Resolve [branch@]symbol (no relative part) to a set of revisions.
 * `arg` is what the user wrote (for messages).  An empty result is base.
 */
static int resolve_abs(const rt_graph *g, const char *branch, const char *symbol, const rt_strv *current,
                       const char *arg, revlist *out)
{
	rt_revision *br = NULL, *r = NULL;
	word *lin = NULL;
	revlist tmp = {NULL, 0, 0};
	rt_strv names = RT_STRV_INIT;
	size_t i;
	int rc = RETORT_OK;

	if (branch && (rc = resolve_branch(g, branch, &br)) < 0)
		return rc;
	if (br && (rc = lineage_set(g, br, &lin)) < 0)
		return rc;
	if (!symbol || !*symbol || !strcmp(symbol, "base"))
		goto done;
	if (!strcmp(symbol, "heads")) {
		if (br)
			rc = branch_heads(g, br, out);
		else
			for (i = 0; i < g->revs.n && rc == RETORT_OK; i++)
				if (rt_graph_is_real_head(g, g->revs.v[i]))
					rc = rl_push(out, g->revs.v[i]);
		goto done;
	}
	if (!strcmp(symbol, "head")) {
		if ((rc = single_head(g, br, branch ? arg : "head", &r)) == RETORT_OK && r)
			rc = rl_push(out, r);
		goto done;
	}
	if (!strcmp(symbol, "current")) {
		if ((rc = current_revs(g, current, &tmp)) < 0)
			goto done;
		for (i = 0; i < tmp.n; i++) {
			if (lin && !bs_get(lin, tmp.v[i]->index))
				continue;
			if ((rc = rl_push(out, tmp.v[i])) < 0)
				goto done;
		}
		goto done;
	}
	if ((r = ht_get(&g->ids, symbol)) == NULL) {
		rt_revision *lab = ht_get(&g->labels, symbol);
		if (!lab) {
			if ((rc = prefix_candidates(g, symbol, lin, &tmp, &names)) < 0)
				goto done;
			if (tmp.n > 1) {
				rc = ambiguous_error(symbol, &names);
				goto done;
			}
			if (tmp.n == 1 && ht_get(&g->labels, names.v[0]) == tmp.v[0] && strcmp(names.v[0], tmp.v[0]->id))
				lab = tmp.v[0];
			else if (tmp.n == 1)
				r = tmp.v[0];
			else {
				if (lin && (rc = prefix_candidates(g, symbol, NULL, &tmp, NULL)) < 0)
					goto done;
				if (lin && tmp.n)
					rt_error_set("Revision %s is not a member of branch '%s'",
					             tmp.n == 1 ? tmp.v[0]->id : symbol, branch);
				else
					rt_error_set("No such revision or branch '%s'", symbol);
				rc = RETORT_EINVAL;
				goto done;
			}
		}
		if (lab) {
			/* a bare branch label stands for that branch's head */
			if ((rc = single_head(g, lab, arg, &r)) < 0)
				goto done;
		}
	}
	if (r && lin && !bs_get(lin, r->index)) {
		rt_error_set("Revision %s is not a member of branch '%s'", r->id, branch);
		rc = RETORT_EINVAL;
		goto done;
	}
	if (r)
		rc = rl_push(out, r);
done:
	rt_free(lin);
	rl_free(&tmp);
	rt_strv_free(&names);
	return rc;
}

/* Resolve one [branch@]symbol to at most one revision (NULL = base). */
static int resolve_one(const rt_graph *g, const char *branch, const char *symbol, const rt_strv *current,
                       const char *arg, rt_revision **out)
{
	revlist l = {NULL, 0, 0};
	int rc;
	if ((rc = resolve_abs(g, branch, symbol, current, arg, &l)) < 0)
		goto done;
	if (l.n > 1) {
		if (!strcmp(symbol, "heads"))
			rc = multiple_heads(arg);
		else {
			char *ids = join_ids(l.v, l.n);
			RT_CHECK_ALLOC(ids);
			rt_error_set("'%s' names several revisions (%s); a single revision is needed here", arg, ids);
			rt_free(ids);
			rc = RETORT_EINVAL;
		}
		goto done;
	}
	*out = l.n ? l.v[0] : NULL;
done:
	rl_free(&l);
	return rc;
}

/*
 * Alembic's _walk: |steps| moves up (to the unique child, or from base to
 * the unique root; children filtered to the branch lineage `lin`) or down
 * (to the unique parent; below a root is base).  Past the end: error, or
 * with `stop_at_end` stay where the walk got to.  *out NULL = base.
 */
static int walk(const rt_graph *g, rt_revision *start, long steps, const word *lin, int stop_at_end,
                const char *arg, rt_revision **out)
{
	rt_revision *at = start;
	int at_base = start == NULL;
	long i, n = steps < 0 ? -steps : steps;
	revlist c = {NULL, 0, 0};
	int rc = RETORT_OK;
	for (i = 0; i < n; i++) {
		size_t k;
		c.n = 0;
		if (steps > 0) {
			if (at_base) {
				for (k = 0; k < g->revs.n; k++)
					if (!g->nodes[k].par.n && (!lin || bs_get(lin, k)) &&
					    (rc = rl_push(&c, g->revs.v[k])) < 0)
						goto done;
			} else {
				const node *nd = ND(g, at);
				for (k = 0; k < nd->kids.n; k++)
					if ((!lin || bs_get(lin, nd->kids.v[k]->index)) &&
					    (rc = rl_push(&c, nd->kids.v[k])) < 0)
						goto done;
			}
			if (!c.n) {
				if (stop_at_end)
					break;
				if (at_base)
					rt_error_set("Relative revision '%s' goes past the head: there is no revision above "
					             "base",
					             arg);
				else
					rt_error_set("Relative revision '%s' goes past the head: %s is a head (%ld of %ld steps "
					             "taken)",
					             arg, at->id, i, n);
				rc = RETORT_EINVAL;
				goto done;
			}
			if (c.n > 1) {
				char *ids = join_ids(c.v, c.n);
				RT_CHECK_ALLOC(ids);
				rt_error_set("Relative revision '%s' is ambiguous: %s has several revisions above it (%s); "
				             "name a branch",
				             arg, at_base ? "base" : at->id, ids);
				rt_free(ids);
				rc = RETORT_EINVAL;
				goto done;
			}
			at = c.v[0];
			at_base = 0;
		} else {
			const node *nd;
			if (at_base) {
				if (stop_at_end)
					break;
				rt_error_set("Relative revision '%s' goes below base (%ld of %ld steps taken)", arg, i, n);
				rc = RETORT_EINVAL;
				goto done;
			}
			nd = ND(g, at);
			if (nd->par.n > 1) {
				char *ids = join_ids(nd->par.v, nd->par.n);
				RT_CHECK_ALLOC(ids);
				rt_error_set("Relative revision '%s' is ambiguous: %s is a merge point (%s); name the "
				             "revision to go to",
				             arg, at->id, ids);
				rt_free(ids);
				rc = RETORT_EINVAL;
				goto done;
			}
			if (nd->par.n == 1)
				at = nd->par.v[0];
			else {
				at = NULL;
				at_base = 1;
			}
		}
	}
	*out = at_base ? NULL : at;
done:
	rl_free(&c);
	return rc;
}

typedef struct target {
	revlist revs;      /* empty: base */
	rt_revision *root_filter; /* downgrade: keep roots in this revision's ancestry */
	int branch_given;
} target;

/* Tips of a set: members that are not a normalized down revision of another member. */
static int tips_of(const rt_graph *g, const word *set, revlist *out)
{
	word *down = bs_new(g->revs.n);
	size_t i, k;
	int rc = RETORT_OK;
	RT_CHECK_ALLOC(down);
	for (i = 0; i < g->revs.n; i++)
		if (bs_get(set, i))
			for (k = 0; k < g->nodes[i].ndown.n; k++)
				bs_set(down, g->nodes[i].ndown.v[k]->index);
	for (i = 0; i < g->revs.n && rc == RETORT_OK; i++)
		if (bs_get(set, i) && !bs_get(down, i))
			rc = rl_push(out, g->revs.v[i]);
	rt_free(down);
	return rc;
}

static int several_current(const char *spec, const revlist *cur, const char *dir)
{
	char *ids = join_ids(cur->v, cur->n);
	RT_CHECK_ALLOC(ids);
	(void)dir;
	rt_error_set("Relative revision '%s' is ambiguous: the database is at several heads (%s); name a branch, e.g. "
	             "'<branchname>@%s'",
	             spec, ids, spec);
	rt_free(ids);
	return RETORT_EINVAL;
}

/* The revisions of `cur` in the lineage of `br`; when none, the applied tips in it. */
static int current_on_branch(const rt_graph *g, const revlist *cur, const rt_revision *br, revlist *out)
{
	word *lin = NULL, *act = NULL;
	size_t i;
	int rc;
	if ((rc = lineage_set(g, br, &lin)) < 0)
		return rc;
	for (i = 0; i < cur->n; i++)
		if (bs_get(lin, cur->v[i]->index) && (rc = rl_push(out, cur->v[i])) < 0)
			goto done;
	if (out->n)
		goto done;
	if (!(act = bs_new(g->revs.n))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = closure(g, cur->v, cur->n, UP_ALL, act)) < 0)
		goto done;
	for (i = 0; i < (g->revs.n + 63) / 64; i++)
		act[i] &= lin[i];
	rc = tips_of(g, act, out);
done:
	rt_free(lin);
	rt_free(act);
	return rc;
}

/*
 * Resolve a target for upgrade (for_downgrade 0) or downgrade (1), with
 * Alembic's _parse_upgrade_target / _parse_downgrade_target readings of
 * the relative forms.  `from` (may be NULL) replaces the current revisions
 * as the start of "+N"/"-N" (history ranges).  With `stop_at_end` a
 * relative walk stops at a head or base instead of failing.
 */
static int resolve_target(const rt_graph *g, const char *spec, const rt_strv *current, int for_downgrade,
                          int stop_at_end, const revlist *from, target *t)
{
	rel_spec rs;
	revlist cur = {NULL, 0, 0}, start = {NULL, 0, 0};
	rt_revision *r = NULL, *br = NULL;
	word *lin = NULL;
	int rc, isrel;
	char *arg = NULL;

	memset(t, 0, sizeof *t);
	if ((isrel = parse_rel(spec, &rs)) < 0)
		return isrel;
	if (!isrel) {
		const char *at = strchr(spec, '@');
		char *branch = at ? rt_strndup(spec, (size_t)(at - spec)) : NULL;
		const char *symbol = at ? at + 1 : spec;
		if (at && !branch) {
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
		if (at && !*branch) {
			rt_error_set("No such branch: ''");
			rt_free(branch);
			return RETORT_EINVAL;
		}
		rc = resolve_abs(g, branch, symbol, current, spec, &t->revs);
		if (rc == RETORT_OK && branch) {
			t->branch_given = 1;
			rc = resolve_branch(g, branch, &t->root_filter);
		}
		rt_free(branch);
		return rc;
	}

	if ((rc = from ? RETORT_OK : current_revs(g, current, &cur)) < 0)
		goto done;
	if (from)
		for (size_t i = 0; i < from->n; i++)
			if ((rc = rl_push(&cur, from->v[i])) < 0)
				goto done;
	if (rs.branch) {
		if ((rc = resolve_branch(g, rs.branch, &br)) < 0 || (rc = lineage_set(g, br, &lin)) < 0)
			goto done;
		t->branch_given = 1;
		t->root_filter = br;
	}
	arg = rs.branch ? rt_asprintf("%s@%s", rs.branch, rs.symbol ? rs.symbol : "head") : rt_strdup(rs.symbol);
	if ((rs.branch || rs.symbol) && !arg) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}

	if (!rs.symbol) {
		/* relative to the current revisions */
		if (!for_downgrade && rs.rel > 0) {
			if (rs.branch) {
				if ((rc = current_on_branch(g, &cur, br, &start)) < 0)
					goto done;
			} else {
				for (size_t i = 0; i < cur.n; i++)
					if ((rc = rl_push(&start, cur.v[i])) < 0)
						goto done;
			}
			if (start.n > 1) {
				rc = several_current(spec, &start, "+N");
				goto done;
			}
			rc = walk(g, start.n ? start.v[0] : NULL, rs.rel, lin, stop_at_end, spec, &r);
		} else if (for_downgrade && rs.rel < 0) {
			if (rs.branch) {
				if ((rc = current_on_branch(g, &cur, br, &start)) < 0)
					goto done;
				if (!start.n) {
					rt_error_set("Relative revision '%s': branch '%s' has no applied revision", spec,
					             rs.branch);
					rc = RETORT_EINVAL;
					goto done;
				}
				if (start.n > 1) {
					rc = several_current(spec, &start, "-N");
					goto done;
				}
			} else {
				if (!cur.n) {
					rt_error_set("Relative revision '%s' is relative to the current revision, but the "
					             "database is at base",
					             spec);
					rc = RETORT_EINVAL;
					goto done;
				}
				if (cur.n > 1) {
					rc = several_current(spec, &cur, "-N");
					goto done;
				}
				if ((rc = rl_push(&start, cur.v[0])) < 0)
					goto done;
			}
			/* only the branch of the revision we start from moves */
			t->root_filter = start.v[0];
			rc = walk(g, start.v[0], rs.rel, NULL, stop_at_end, spec, &r);
		} else {
			rt_error_set("Relative revision '%s' is not a valid %s target (%s)", spec,
			             for_downgrade ? "downgrade" : "upgrade",
			             for_downgrade ? "use -N to go down" : "use +N to go up");
			rc = RETORT_EINVAL;
			goto done;
		}
	} else {
		rt_revision *s = NULL;
		if ((rc = resolve_one(g, rs.branch, rs.symbol, current, arg, &s)) < 0)
			goto done;
		rc = walk(g, s, rs.rel, rs.rel > 0 ? lin : NULL, stop_at_end, spec, &r);
	}
	if (rc == RETORT_OK && r)
		rc = rl_push(&t->revs, r);
done:
	rt_free(arg);
	rt_free(lin);
	rl_free(&cur);
	rl_free(&start);
	rel_free(&rs);
	return rc;
}

static void target_free(target *t)
{
	rl_free(&t->revs);
}

int rt_graph_resolve(const rt_graph *g, const char *spec, const rt_strv *current, int for_downgrade, rt_strv *out)
{
	target t;
	rt_strv tmp = RT_STRV_INIT;
	size_t i;
	int rc;
	if (!spec) {
		rt_error_set("no target given");
		return RETORT_EINVAL;
	}
	if ((rc = resolve_target(g, spec, current, for_downgrade, 0, NULL, &t)) < 0)
		goto done;
	/* out may be current itself: collect first */
	for (i = 0; i < t.revs.n; i++)
		if ((rc = rt_strv_push(&tmp, t.revs.v[i]->id)) < 0)
			goto done;
	for (i = 0; i < tmp.n; i++)
		if ((rc = rt_strv_push(out, tmp.v[i])) < 0)
			goto done;
done:
	target_free(&t);
	rt_strv_free(&tmp);
	return rc;
}

/* ---- plans ---- */

void rt_plan_free(rt_plan *p)
{
	if (!p)
		return;
	rt_free(p->steps);
	p->steps = NULL;
	p->n = 0;
}

static int plan_from(rt_plan *out, const revlist *l, int up, int reverse)
{
	size_t i;
	out->steps = rt_calloc(l->n + 1, sizeof *out->steps);
	RT_CHECK_ALLOC(out->steps);
	out->n = l->n;
	for (i = 0; i < l->n; i++) {
		out->steps[i].rev = reverse ? l->v[l->n - 1 - i] : l->v[i];
		out->steps[i].up = up;
	}
	return RETORT_OK;
}

int rt_graph_plan_upgrade(const rt_graph *g, const rt_strv *current, const char *target_spec, rt_plan *out)
{
	target t;
	revlist cur = {NULL, 0, 0}, order = {NULL, 0, 0};
	word *need = NULL, *have = NULL;
	size_t i;
	int rc;

	memset(&t, 0, sizeof t);
	out->steps = NULL;
	out->n = 0;
	if ((rc = rt_graph_check_current(g, current)) < 0 || (rc = current_revs(g, current, &cur)) < 0)
		goto done;
	if ((rc = resolve_target(g, target_spec ? target_spec : "heads", current, 0, 0, NULL, &t)) < 0)
		goto done;
	if ((rc = check_no_overlap(g, &t.revs, OVERLAP_TARGETS)) < 0)
		goto done;
	need = bs_new(g->revs.n);
	have = bs_new(g->revs.n);
	if (!need || !have) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = closure(g, t.revs.v, t.revs.n, UP_ALL, need)) < 0 ||
	    (rc = closure(g, cur.v, cur.n, UP_ALL, have)) < 0)
		goto done;
	for (i = 0; i < (g->revs.n + 63) / 64; i++)
		need[i] &= ~have[i];
	if ((rc = topo_sort(g, need, t.revs.v, t.revs.n, &order)) < 0)
		goto done;
	rc = plan_from(out, &order, 1, 1);
done:
	target_free(&t);
	rl_free(&cur);
	rl_free(&order);
	rt_free(need);
	rt_free(have);
	return rc;
}

int rt_graph_plan_downgrade(const rt_graph *g, const rt_strv *current, const char *target_spec, rt_plan *out)
{
	target t;
	revlist cur = {NULL, 0, 0}, roots = {NULL, 0, 0}, order = {NULL, 0, 0};
	word *drop = NULL, *act = NULL, *anc = NULL;
	rt_revision *dest = NULL;
	const char *spec = target_spec ? target_spec : "base";
	size_t i;
	int rc;

	memset(&t, 0, sizeof t);
	out->steps = NULL;
	out->n = 0;
	if ((rc = rt_graph_check_current(g, current)) < 0 || (rc = current_revs(g, current, &cur)) < 0)
		goto done;
	if ((rc = resolve_target(g, spec, current, 1, 0, NULL, &t)) < 0)
		goto done;
	if (t.revs.n > 1) {
		char *ids = join_ids(t.revs.v, t.revs.n);
		RT_CHECK_ALLOC(ids);
		rt_error_set("Downgrade target '%s' names several revisions (%s); name one", spec, ids);
		rt_free(ids);
		rc = RETORT_EINVAL;
		goto done;
	}
	dest = t.revs.n ? t.revs.v[0] : NULL;
	if (dest) {
		const node *nd = ND(g, dest);
		for (i = 0; i < nd->kids.n; i++)
			if ((rc = rl_push(&roots, nd->kids.v[i])) < 0)
				goto done;
	} else {
		for (i = 0; i < g->revs.n; i++)
			if (!g->nodes[i].par.n && (rc = rl_push(&roots, g->revs.v[i])) < 0)
				goto done;
	}
	if (t.root_filter && roots.n > 1) {
		/* only the named branch moves: keep the roots on its line */
		size_t k = 0;
		if ((rc = closure1(g, t.root_filter, UP_VERSIONED, &anc)) < 0)
			goto done;
		for (i = 0; i < roots.n; i++)
			if (bs_get(anc, roots.v[i]->index))
				roots.v[k++] = roots.v[i];
		if (!k) {
			rt_free(anc);
			anc = NULL;
			if ((rc = closure1(g, t.root_filter, DOWN_VERSIONED, &anc)) < 0)
				goto done;
			for (i = 0; i < roots.n; i++)
				if (bs_get(anc, roots.v[i]->index))
					roots.v[k++] = roots.v[i];
		}
		if (!k) {
			rt_error_set("Destination %s is not a valid downgrade target from current head(s): no revision "
			             "of that branch above it",
			             spec);
			rc = RETORT_EINVAL;
			goto done;
		}
		roots.n = k;
	}
	drop = bs_new(g->revs.n);
	act = bs_new(g->revs.n);
	if (!drop || !act) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = closure(g, roots.v, roots.n, DOWN_ALL, drop)) < 0 ||
	    (rc = closure(g, cur.v, cur.n, UP_ALL, act)) < 0)
		goto done;
	{
		int any = 0;
		for (i = 0; i < (g->revs.n + 63) / 64; i++) {
			drop[i] &= act[i];
			any |= drop[i] != 0;
		}
		if (dest && !any && !rl_has(&cur, dest)) {
			rt_error_set("Destination %s is not a valid downgrade target from current head(s)", spec);
			rc = RETORT_EINVAL;
			goto done;
		}
	}
	if ((rc = topo_sort(g, drop, cur.v, cur.n, &order)) < 0)
		goto done;
	rc = plan_from(out, &order, 0, 0);
done:
	target_free(&t);
	rl_free(&cur);
	rl_free(&roots);
	rl_free(&order);
	rt_free(drop);
	rt_free(act);
	rt_free(anc);
	return rc;
}

/* ---- head maintenance (Alembic's HeadMaintainer.update_to_step) ---- */

void rt_vt_changes_free(rt_vt_changes *c)
{
	size_t i;
	if (!c)
		return;
	for (i = 0; i < c->n; i++) {
		rt_free(c->v[i].from);
		rt_free(c->v[i].to);
	}
	rt_free(c->v);
	c->v = NULL;
	c->n = c->cap = 0;
}

static int vt_push(rt_vt_changes *c, rt_vt_kind kind, const char *from, const char *to)
{
	rt_vt_change *ch, *v = rt_grow(c->v, &c->cap, c->n, sizeof *v, 4);
	RT_CHECK_ALLOC(v);
	c->v = v;
	ch = &c->v[c->n];
	ch->kind = kind;
	ch->from = rt_strdup(from);
	ch->to = rt_strdup(to);
	if ((from && !ch->from) || (to && !ch->to)) {
		rt_free(ch->from);
		rt_free(ch->to);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	c->n++;
	return RETORT_OK;
}

static int vt_insert(rt_strv *heads, rt_vt_changes *out, const char *id)
{
	int rc;
	if (rt_strv_find(heads, id) >= 0) {
		rt_error_set("revision %s is already in the version table", id);
		return RETORT_EINVAL;
	}
	if ((rc = rt_strv_push(heads, id)) < 0)
		return rc;
	return vt_push(out, RT_VT_INSERT, NULL, id);
}

static int vt_delete(rt_strv *heads, rt_vt_changes *out, const char *id)
{
	long i = rt_strv_find(heads, id);
	int rc;
	if (i < 0) {
		rt_error_set("revision %s is not in the version table", id);
		return RETORT_EINVAL;
	}
	if ((rc = vt_push(out, RT_VT_DELETE, id, NULL)) < 0)
		return rc;
	rt_strv_remove_at(heads, (size_t)i);
	return RETORT_OK;
}

static int vt_update(rt_strv *heads, rt_vt_changes *out, const char *from, const char *to)
{
	long i = rt_strv_find(heads, from);
	char *copy;
	int rc;
	if (i < 0) {
		rt_error_set("revision %s is not in the version table", from);
		return RETORT_EINVAL;
	}
	if (rt_strv_find(heads, to) >= 0) {
		rt_error_set("revision %s is already in the version table", to);
		return RETORT_EINVAL;
	}
	copy = rt_strdup(to);
	RT_CHECK_ALLOC(copy);
	if ((rc = vt_push(out, RT_VT_UPDATE, from, to)) < 0) {
		rt_free(copy);
		return rc;
	}
	rt_free(heads->v[i]);
	heads->v[i] = copy;
	return RETORT_OK;
}

/* Ancestors (incl. self and dependencies) of the rows other than `skip`. */
static int others_ancestors(const rt_graph *g, const rt_strv *heads, const revlist *skip, word *set, int *any)
{
	size_t i;
	int rc;
	*any = 0;
	for (i = 0; i < heads->n; i++) {
		rt_revision *r = ht_get(&g->ids, heads->v[i]);
		if (!r) {
			rt_error_set("the version table names revision '%s', which no script defines", heads->v[i]);
			return RETORT_EINVAL;
		}
		if (rl_has(skip, r))
			continue;
		*any = 1;
		if ((rc = closure(g, &r, 1, UP_ALL, set)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Alembic's _unmerge_to_revisions: the parents that become rows when `rev` goes. */
static int unmerge_to(const rt_graph *g, const rt_strv *heads, rt_revision *rev, revlist *to)
{
	const node *nd = ND(g, rev);
	revlist skip = {&rev, 1, 1};
	word *anc = bs_new(g->revs.n);
	size_t i, k;
	int rc, any;
	RT_CHECK_ALLOC(anc);
	if ((rc = others_ancestors(g, heads, &skip, anc, &any)) < 0)
		goto done;
	/*
	 * Parents implied by other rows do not come back; nor (unlike Alembic,
	 * which checks this only when no other row is left) parents that are
	 * ancestors of other parents.
	 */
	(void)any;
	for (i = 0; i < nd->ndown.n; i++) {
		const node *dn = ND(g, nd->ndown.v[i]);
		/* strict ancestors of each parent */
		if ((rc = closure(g, dn->par.v, dn->par.n, UP_ALL, anc)) < 0 ||
		    (rc = closure(g, dn->dep.v, dn->dep.n, UP_ALL, anc)) < 0)
			goto done;
	}
	for (k = 0; k < nd->ndown.n; k++)
		if (!bs_get(anc, nd->ndown.v[k]->index) && (rc = rl_push(to, nd->ndown.v[k])) < 0)
			goto done;
done:
	rt_free(anc);
	return rc;
}

static size_t count_in_heads(const rt_strv *heads, const revlist *l)
{
	size_t i, c = 0;
	for (i = 0; i < l->n; i++)
		if (rt_strv_find(heads, l->v[i]->id) >= 0)
			c++;
	return c;
}

int rt_graph_step_heads(const rt_graph *g, rt_strv *heads, const rt_step *step, rt_vt_changes *out)
{
	rt_revision *rev = step->rev;
	const node *nd = ND(g, rev);
	const revlist *down = &nd->ndown;
	revlist to = {NULL, 0, 0}, from = {NULL, 0, 0};
	word *anc = NULL;
	int in_heads = rt_strv_find(heads, rev->id) >= 0;
	size_t i, hits = count_in_heads(heads, down);
	int rc = RETORT_OK;

	if (!step->up && in_heads) {
		/* delete branch: a base, or nothing to go back to */
		if (!down->n) {
			rc = vt_delete(heads, out, rev->id);
			goto done;
		}
		if ((rc = unmerge_to(g, heads, rev, &to)) < 0)
			goto done;
		if (!to.n) {
			rc = vt_delete(heads, out, rev->id);
			goto done;
		}
	}
	if (step->up && (!down->n || !hits)) {
		/* create branch */
		rc = vt_insert(heads, out, rev->id);
		goto done;
	}
	if (step->up && down->n > 1 && hits > 1) {
		/* merge: delete all but one of the merged rows, update the last */
		int any;
		anc = bs_new(g->revs.n);
		if (!anc) {
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			goto done;
		}
		/* other heads = rows that are not among the down revisions */
		if ((rc = others_ancestors(g, heads, down, anc, &any)) < 0)
			goto done;
		for (i = 0; i < down->n; i++)
			if (!bs_get(anc, down->v[i]->index) && rt_strv_find(heads, down->v[i]->id) >= 0 &&
			    (rc = rl_push(&from, down->v[i])) < 0)
				goto done;
		if (!from.n) {
			rt_error_set("cannot merge %s: none of its down revisions is a row of the version table", rev->id);
			rc = RETORT_EINVAL;
			goto done;
		}
		for (i = 0; i + 1 < from.n; i++)
			if ((rc = vt_delete(heads, out, from.v[i]->id)) < 0)
				goto done;
		rc = vt_update(heads, out, from.v[from.n - 1]->id, rev->id);
		goto done;
	}
	if (!step->up && in_heads && down->n > 1) {
		/* unmerge: insert the extra parents, update self to the last */
		for (i = 0; i + 1 < to.n; i++)
			if ((rc = vt_insert(heads, out, to.v[i]->id)) < 0)
				goto done;
		rc = vt_update(heads, out, rev->id, to.v[to.n - 1]->id);
		goto done;
	}
	/* plain update */
	{
		rt_revision *d = NULL;
		if (down->n == 1)
			d = down->v[0];
		else
			for (i = 0; i < down->n; i++)
				if (rt_strv_find(heads, down->v[i]->id) >= 0) {
					if (d) {
						rt_error_set("cannot update the version table for %s: its down revision is "
						             "ambiguous",
						             rev->id);
						rc = RETORT_EINVAL;
						goto done;
					}
					d = down->v[i];
				}
		if (!d) {
			rt_error_set("cannot update the version table for %s: no down revision is a row", rev->id);
			rc = RETORT_EINVAL;
			goto done;
		}
		rc = step->up ? vt_update(heads, out, d->id, rev->id) : vt_update(heads, out, rev->id, d->id);
	}
done:
	rl_free(&to);
	rl_free(&from);
	rt_free(anc);
	return rc;
}

int rt_vt_changes_diff(rt_vt_changes *out, const rt_strv *before, const rt_strv *after)
{
	rt_strv gone = RT_STRV_INIT, added = RT_STRV_INIT;
	size_t i;
	int rc = RETORT_OK;
	for (i = 0; i < before->n && rc == RETORT_OK; i++)
		if (rt_strv_find(after, before->v[i]) < 0)
			rc = rt_strv_push(&gone, before->v[i]);
	for (i = 0; i < after->n && rc == RETORT_OK; i++)
		if (rt_strv_find(before, after->v[i]) < 0)
			rc = rt_strv_push(&added, after->v[i]);
	for (i = 0; rc == RETORT_OK && i < gone.n && i < added.n; i++)
		rc = vt_push(out, RT_VT_UPDATE, gone.v[i], added.v[i]);
	for (; rc == RETORT_OK && i < gone.n; i++)
		rc = vt_push(out, RT_VT_DELETE, gone.v[i], NULL);
	for (; rc == RETORT_OK && i < added.n; i++)
		rc = vt_push(out, RT_VT_INSERT, NULL, added.v[i]);
	rt_strv_free(&gone);
	rt_strv_free(&added);
	return rc;
}

/* ---- stamp ---- */

int rt_graph_plan_stamp(const rt_graph *g, const rt_strv *current, const char *const *targets, size_t ntargets,
                        int purge, rt_strv *out)
{
	revlist rows = {NULL, 0, 0}, dests = {NULL, 0, 0};
	rt_revision **bases_br = NULL; /* per base target: the branch revision, or NULL for all */
	size_t nbase = 0, i, j, k;
	int base_all = 0, rc = RETORT_OK;
	word *rel = NULL;
	rt_strv res = RT_STRV_INIT;

	if (!purge && ((rc = rt_graph_check_current(g, current)) < 0 || (rc = current_revs(g, current, &rows)) < 0))
		goto done;
	bases_br = rt_calloc(ntargets + 1, sizeof *bases_br);
	if (!bases_br) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = 0; i < ntargets; i++) {
		target t;
		if ((rc = resolve_target(g, targets[i], current, 0, 0, NULL, &t)) < 0) {
			target_free(&t);
			goto done;
		}
		if (!t.revs.n) {
			/* base: of one branch, or of everything */
			if (t.branch_given)
				bases_br[nbase++] = t.root_filter;
			else
				base_all = 1;
		}
		for (j = 0; j < t.revs.n; j++)
			if (!rl_has(&dests, t.revs.v[j]) && (rc = rl_push(&dests, t.revs.v[j])) < 0) {
				target_free(&t);
				goto done;
			}
		target_free(&t);
	}
	if ((rc = check_no_overlap(g, &dests, OVERLAP_STAMP)) < 0)
		goto done;
	rel = bs_new(g->revs.n);
	if (!rel) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if (base_all)
		rows.n = 0;
	for (i = 0; i < nbase; i++) {
		memset(rel, 0, ((g->revs.n + 63) / 64) * sizeof(word));
		if ((rc = related_into(g, bases_br[i], 1, rel)) < 0)
			goto done;
		for (j = k = 0; j < rows.n; j++)
			if (!bs_get(rel, rows.v[j]->index))
				rows.v[k++] = rows.v[j];
		rows.n = k;
	}
	for (i = 0; i < dests.n; i++) {
		/* the rows on the destination's line (above or below it) give way to it */
		memset(rel, 0, ((g->revs.n + 63) / 64) * sizeof(word));
		if ((rc = related_into(g, dests.v[i], 1, rel)) < 0)
			goto done;
		for (j = k = 0; j < rows.n; j++)
			if (!bs_get(rel, rows.v[j]->index) || rl_has(&dests, rows.v[j]))
				rows.v[k++] = rows.v[j];
		rows.n = k;
	}
	for (i = 0; i < dests.n; i++)
		if (!rl_has(&rows, dests.v[i]) && (rc = rl_push(&rows, dests.v[i])) < 0)
			goto done;
	if ((rc = check_no_overlap(g, &rows, OVERLAP_STAMP_RESULT)) < 0)
		goto done;
	for (i = 0; i < rows.n; i++)
		if ((rc = rt_strv_push(&res, rows.v[i]->id)) < 0)
			goto done;
	/* out may be current itself */
	rt_strv_clear(out);
	for (i = 0; i < res.n; i++)
		if ((rc = rt_strv_push(out, res.v[i])) < 0)
			goto done;
done:
	rl_free(&rows);
	rl_free(&dests);
	rt_free(bases_br);
	rt_free(rel);
	rt_strv_free(&res);
	return rc;
}

/* ---- ranges and history ---- */

int rt_range_split(const char *range, char **from, char **to)
{
	const char *c = range ? strchr(range, ':') : NULL;
	char *f = NULL, *t = NULL;
	if (!c) {
		rt_error_set("History range requires [start]:[end], [start]:, or :[end] (got '%s')",
		             range ? range : "");
		return RETORT_EINVAL;
	}
	if (c > range && !(f = rt_strndup(range, (size_t)(c - range))))
		goto oom;
	if (c[1] && !(t = rt_strdup(c + 1)))
		goto oom;
	*from = f;
	*to = t;
	return RETORT_OK;
oom:
	rt_free(f);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

/*
 * Alembic's walk_revisions(base=FROM, head=TO): what lies between, both
 * ends included, newest first.  A relative FROM without a symbol ("-2")
 * counts down from TO's revisions; a relative TO ("+2") counts up from
 * FROM; relative walks stop at a head or base instead of failing.
 */
int rt_graph_history(const rt_graph *g, const char *range, const rt_strv *current, rt_revision ***out, size_t *n)
{
	char *from = NULL, *to = NULL;
	target lower, upper;
	revlist order = {NULL, 0, 0}, cur = {NULL, 0, 0};
	word *need = NULL, *have = NULL, *desc = NULL;
	rel_spec rs;
	int lower_rel_nosym = 0, rc;
	size_t i;

	memset(&lower, 0, sizeof lower);
	memset(&upper, 0, sizeof upper);
	memset(&rs, 0, sizeof rs);
	if (range && (rc = rt_range_split(range, &from, &to)) < 0)
		return rc;
	if (from) {
		if ((rc = parse_rel(from, &rs)) < 0)
			goto done;
		lower_rel_nosym = rc == 1 && !rs.symbol;
		rel_free(&rs);
	}
	if (from && !lower_rel_nosym &&
	    (rc = resolve_target(g, from, current, 0, 1, NULL, &lower)) < 0)
		goto done;
	if ((rc = resolve_target(g, to ? to : "heads", current, 0, 1, &lower.revs, &upper)) < 0)
		goto done;
	if (lower_rel_nosym) {
		/* "-N:TO": N below each of TO's revisions */
		if ((rc = parse_rel(from, &rs)) < 0)
			goto done;
		if (rs.rel > 0) {
			rt_error_set("Relative revision '%s' cannot start a range; use -N", from);
			rc = RETORT_EINVAL;
			goto done;
		}
		for (i = 0; i < upper.revs.n; i++) {
			rt_revision *r = NULL;
			if ((rc = walk(g, upper.revs.v[i], rs.rel, NULL, 1, from, &r)) < 0)
				goto done;
			if (r && !rl_has(&lower.revs, r) && (rc = rl_push(&lower.revs, r)) < 0)
				goto done;
		}
	}
	need = bs_new(g->revs.n);
	have = bs_new(g->revs.n);
	desc = bs_new(g->revs.n);
	if (!need || !have || !desc) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = closure(g, upper.revs.v, upper.revs.n, UP_ALL, need)) < 0)
		goto done;
	for (i = 0; i < lower.revs.n; i++)
		if (!bs_get(need, lower.revs.v[i]->index)) {
			rt_error_set("Requested range %s does not refer to ancestor/descendant revisions along the same "
			             "branch",
			             range);
			rc = RETORT_EINVAL;
			goto done;
		}
	if (lower.revs.n) {
		if ((rc = closure(g, lower.revs.v, lower.revs.n, UP_ALL, have)) < 0 ||
		    (rc = closure(g, lower.revs.v, lower.revs.n, DOWN_VERSIONED, desc)) < 0)
			goto done;
		for (i = 0; i < lower.revs.n; i++)
			bs_clr(have, lower.revs.v[i]->index); /* both ends included */
		for (i = 0; i < (g->revs.n + 63) / 64; i++)
			need[i] &= ~have[i] & desc[i];
	}
	if ((rc = topo_sort(g, need, upper.revs.v, upper.revs.n, &order)) < 0)
		goto done;
	*out = order.v;
	*n = order.n;
	order.v = NULL;
done:
	rt_free(from);
	rt_free(to);
	rel_free(&rs);
	target_free(&lower);
	target_free(&upper);
	rl_free(&order);
	rl_free(&cur);
	rt_free(need);
	rt_free(have);
	rt_free(desc);
	return rc;
}
