/*
 * What the graph's source files share (private to core/lib/graph*.c):
 *
 *   graph.c         building and checking the graph, structure queries,
 *                   traversal, Alembic's topological order
 *   graph_load.c    scanning the versions folders (listing, stats, the
 *                   header cache, the stat threads)
 *   graph_target.c  current state, target resolution, ranges and history
 *   graph_plan.c    upgrade/downgrade plans, head maintenance, stamp
 *
 * Revisions are held in load (file) order; rev->index is the position
 * (per-revision data lives in g->nodes[index]).
 * Sets of revisions are bitsets indexed by rev->index; every traversal
 * uses an explicit stack, so a 10,000-long chain never recurses.
 *
 * Where Alembic iterates Python sets (arbitrary order) we use load order,
 * which is what its ordered structures (the revision map) use elsewhere.
 */
#ifndef RT_GRAPH_INT_H
#define RT_GRAPH_INT_H

#include <stdint.h>
#include <string.h>

#include "graph.h"

/* ---- small containers ---- */

/*
 * A list of borrowed revisions (16 bytes: a graph holds five per
 * revision).  Lists of the nodes are carved from the graph's pool
 * (np_push: most hold one or two, and a heap block each was 32 bytes and
 * a malloc); the others (results, work lists) are heap arrays (rl_push,
 * rl_free).  A node's list may borrow another's array with cap == n: the
 * first push copies it.
 */
typedef struct revlist {
	rt_revision **v;
	uint32_t n, cap;
} revlist;

static inline int rl_push(revlist *l, rt_revision *r)
{
	size_t cap = l->cap;
	rt_revision **v = rt_grow(l->v, &cap, l->n, sizeof *v, 2);
	RT_CHECK_ALLOC(v);
	l->v = v;
	l->cap = (uint32_t)cap;
	l->v[l->n++] = r;
	return RETORT_OK;
}

static inline void rl_free(revlist *l)
{
	rt_free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

static inline int rl_has(const revlist *l, const rt_revision *r)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		if (l->v[i] == r)
			return 1;
	return 0;
}

typedef uint64_t word;

static inline word *bs_new(size_t n)
{
	return rt_calloc((n + 63) / 64, sizeof(word));
}

static inline int bs_get(const word *b, size_t i)
{
	return (int)((b[i / 64] >> (i % 64)) & 1u);
}

static inline void bs_set(word *b, size_t i)
{
	b[i / 64] |= (word)1 << (i % 64);
}

static inline void bs_clr(word *b, size_t i)
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

static inline uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static inline rt_revision *ht_get(const htab *t, const char *key)
{
	size_t i;
	if (!t->cap || !key)
		return NULL;
	for (i = (size_t)hash_str(key) & (t->cap - 1); t->slots[i].key; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->slots[i].key, key) == 0)
			return t->slots[i].rev;
	return NULL;
}

/* ---- the graph ---- */

typedef struct node { /* its lists and labels: arrays in the graph's pool */
	revlist par;        /* down_revision, as written */
	revlist dep;        /* resolved depends_on, deduplicated */
	revlist ndown;      /* parents + deps not implied by ancestors' deps (Alembic's _normalized_down_revisions) */
	uint32_t nnormdep;  /* how many of ndown are dependencies */
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
	rt_revmem *pool;  /* the nodes' arrays (revision.h's blocks serve as an arena) */
	rt_revmem **kept; /* the folders' blocks (rt_graph_keep) */
	size_t nkept;
	int finished;
};

/* Append r to a node's list, growing it in the graph's pool. */
static inline int np_push(rt_graph *g, revlist *l, rt_revision *r)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 1; /* most hold one */
		rt_revision **v = rt_revmem_alloc(g->pool, cap * sizeof *v);
		RT_CHECK_ALLOC(v);
		if (l->n)
			memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = r;
	return RETORT_OK;
}

static inline const char *fname(const rt_revision *r)
{
	return r->path ? r->path : "(no file)";
}

#define ND(g, r) (&(g)->nodes[(r)->index])

/* traversal directions: through down_revision only, or with dependencies */
enum { UP_VERSIONED, UP_ALL, DOWN_VERSIONED, DOWN_ALL };

/* a resolved target (graph_target.c) */
typedef struct target {
	revlist revs;      /* empty: base */
	rt_revision *root_filter; /* downgrade: keep roots in this revision's ancestry */
	int branch_given;
} target;

/* ---- shared between the graph's files ---- */

/*
 * Set in `set` every revision reachable from the seeds (seeds included)
 * in direction `dir`.  NULL seeds (base) are skipped.
 */
int rtg_closure(const rt_graph *g, rt_revision *const *seeds, size_t nseeds, int dir, word *set);
/* A fresh set holding the closure of one revision. */
int rtg_closure1(const rt_graph *g, const rt_revision *r, int dir, word **out);
/* Add to `set` the ancestors and the descendants of r (r included), with or without dependencies. */
int rtg_related_into(const rt_graph *g, const rt_revision *r, int with_deps, word *set);
/* Ancestors and descendants through down_revision (Alembic's "shares lineage"). */
int rtg_lineage_set(const rt_graph *g, const rt_revision *r, word **out);
/* Join ids of a list, at most 10 then "...". */
char *rtg_join_ids(rt_revision *const *v, size_t n);
/* Prefix candidates among ids and labels (any length). */
int rtg_prefix_candidates(const rt_graph *g, const char *prefix, const word *within, revlist *out, rt_strv *names);
int rtg_ambiguous_error(const char *what, const rt_strv *names);
/* Alembic's _topological_sort of `todo` (consumed) from the heads: children before parents. */
int rtg_topo_sort(const rt_graph *g, word *todo, rt_revision *const *heads, size_t nheads, revlist *out);
/* The whole graph, newest first (history order). */
int rtg_full_order(const rt_graph *g, revlist *out);
int rtg_all_set(const rt_graph *g, word **out);

/* current ids -> revisions (error naming an unknown row). */
int rtg_current_revs(const rt_graph *g, const rt_strv *current, revlist *out);
/* No revision of revs is an ancestor of another; the message says which kind of list it was. */
enum { OVERLAP_CURRENT, OVERLAP_TARGETS, OVERLAP_STAMP, OVERLAP_STAMP_RESULT };
int rtg_check_no_overlap(const rt_graph *g, const revlist *revs, int kind);
int rtg_resolve_target(const rt_graph *g, const char *spec, const rt_strv *current, int for_downgrade,
                       int stop_at_end, const revlist *from, target *t);
void rtg_target_free(target *t);

#endif
