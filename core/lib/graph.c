/*
 * The revision graph: Alembic's RevisionMap semantics in C (graph_int.h
 * says how the files divide it).  This file: building and checking the
 * graph (add, finish: links, cycles, labels, normalized dependencies, the
 * index arrays), structure queries, traversal, Alembic's topological order.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

/* ---- the id / label hash table (open addressing, linear probing) ---- */

/* Room for `want` keys at a load of at most 3/4 (cap a power of two). */
static int ht_reserve(htab *t, size_t want)
{
	size_t cap = t->cap ? t->cap : 64, k, i;
	hent *s;
	while (want * 4 > cap * 3)
		cap *= 2;
	if (cap == t->cap)
		return RETORT_OK;
	s = rt_calloc(cap, sizeof *s);
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
	return RETORT_OK;
}

static int ht_put(htab *t, const char *key, rt_revision *rev)
{
	size_t i;
	int rc;
	if ((rc = ht_reserve(t, t->n + 1)) < 0)
		return rc;
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
	for (i = 0; i < g->revs.n; i++)
		rt_revision_free(g->revs.v[i]);
	rt_revmem_unref(g->pool); /* the nodes' arrays */
	for (i = 0; i < g->nkept; i++)
		rt_revmem_unref(g->kept[i]);
	rt_free(g->kept);
	for (i = 0; i < 4; i++) {
		if (i == UP_ALL || i == DOWN_ALL) {
			if (g->adj[i].off == g->adj[i - 1].off)
				continue; /* shared with the versioned direction */
		}
		rt_free(g->adj[i].off);
		rt_free(g->adj[i].idx);
	}
	rt_free(g->nodes);
	rl_free(&g->revs);
	rt_free(g->ids.slots);
	rt_free(g->labels.slots);
	rt_free(g);
}

int rt_graph_keep(rt_graph *g, rt_revmem *m)
{
	rt_revmem **v = rt_realloc(g->kept, (g->nkept + 1) * sizeof *v);
	RT_CHECK_ALLOC(v);
	g->kept = v;
	g->kept[g->nkept++] = m;
	rt_revmem_ref(m);
	return RETORT_OK;
}

int rt_graph_reserve(rt_graph *g, size_t n)
{
	rt_revision **v;
	if (g->revs.n + n > g->revs.cap) {
		if (!(v = rt_realloc(g->revs.v, (g->revs.n + n) * sizeof *v))) {
			rt_error_set("out of memory");
			return RETORT_ENOMEM;
		}
		g->revs.v = v;
		g->revs.cap = g->revs.n + n;
	}
	return ht_reserve(&g->ids, g->ids.n + n);
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

/*
 * Set in `set` every revision reachable from the seeds (seeds included)
 * in direction `dir`.  NULL seeds (base) are skipped.
 */
int rtg_closure(const rt_graph *g, rt_revision *const *seeds, size_t nseeds, int dir, word *set)
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
int rtg_closure1(const rt_graph *g, const rt_revision *r, int dir, word **out)
{
	word *s = bs_new(g->revs.n);
	int rc;
	RT_CHECK_ALLOC(s);
	if ((rc = rtg_closure(g, (rt_revision *const *)&r, 1, dir, s)) < 0) {
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
int rtg_related_into(const rt_graph *g, const rt_revision *r, int with_deps, word *set)
{
	word *down;
	size_t i;
	int rc;
	if ((rc = rtg_closure1(g, r, with_deps ? DOWN_ALL : DOWN_VERSIONED, &down)) < 0)
		return rc;
	rc = rtg_closure(g, (rt_revision *const *)&r, 1, with_deps ? UP_ALL : UP_VERSIONED, set);
	for (i = 0; i < (g->revs.n + 63) / 64; i++)
		set[i] |= down[i];
	rt_free(down);
	return rc;
}

/* Ancestors and descendants through down_revision (Alembic's "shares lineage"). */
int rtg_lineage_set(const rt_graph *g, const rt_revision *r, word **out)
{
	word *s = bs_new(g->revs.n);
	int rc;
	RT_CHECK_ALLOC(s);
	if ((rc = rtg_related_into(g, r, 0, s)) < 0) {
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
	if (rtg_closure1(g, b, UP_ALL, &s) < 0)
		return 0;
	r = bs_get(s, a->index);
	rt_free(s);
	return r;
}

/* Join ids of a list, at most 10 then "...". */
char *rtg_join_ids(rt_revision *const *v, size_t n)
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
int rtg_prefix_candidates(const rt_graph *g, const char *prefix, const word *within, revlist *out, rt_strv *names)
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

int rtg_ambiguous_error(const char *what, const rt_strv *names)
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
	if (*name && (rc = rtg_prefix_candidates(g, name, NULL, &c, &names)) < 0)
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
		char *ids = rtg_join_ids(bad.v, bad.n), *files = join_files(bad.v, bad.n);
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
static int add_label(rt_graph *g, node *nd, const char *label)
{
	rt_strv *l = &nd->labels;
	if (rt_strv_find(l, label) >= 0)
		return RETORT_OK;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1;
		char **v = rt_revmem_alloc(g->pool, cap * sizeof *v);
		RT_CHECK_ALLOC(v);
		if (l->n)
			memcpy(v, l->v, l->n * sizeof *v);
		l->v = v;
		l->cap = cap;
	}
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
				if ((rc = add_label(g, nd, r->labels.v[k])) < 0)
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
				if ((rc = add_label(g, ND(g, p), r->labels.v[k])) < 0)
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
		nd->ndown.v = nd->par.v; /* borrowed (cap == n): copied when a dependency is added */
		nd->ndown.n = nd->ndown.cap = nd->par.n;
		if (!nd->dep.n)
			continue;
		memset(implied, 0, ((n + 63) / 64) * sizeof(word));
		if (bs_get(flag, i)) {
			memset(anc, 0, ((n + 63) / 64) * sizeof(word));
			if ((rc = rtg_closure(g, &g->revs.v[i], 1, UP_VERSIONED, anc)) < 0)
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
			if ((rc = np_push(g, &nd->ndown, d)) < 0)
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
	size_t n = g->revs.n, i, k, l, m, ndeps = 0;
	int d;
	if (n >= UINT32_MAX) {
		rt_error_set("too many revisions (%zu)", n);
		return RETORT_EINVAL;
	}
	for (i = 0; i < n; i++)
		ndeps += g->nodes[i].dep.n;
	for (d = 0; d < 4; d++) {
		adjacency *a = &g->adj[d];
		if (!ndeps && (d == UP_ALL || d == DOWN_ALL)) {
			*a = g->adj[d - 1]; /* no dependency: the same edges (freed once) */
			continue;
		}
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
	g->pool = rt_revmem_new();
	RT_CHECK_ALLOC(g->pool);

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
			if ((rc = np_push(g, &nd->par, p)) < 0 || (rc = np_push(g, &g->nodes[p->index].kids, r)) < 0)
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
			if ((rc = np_push(g, &nd->dep, d)) < 0)
				return rc;
			if (!rl_has(&nd->par, d) && (rc = np_push(g, &g->nodes[d->index].dependents, r)) < 0)
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
int rtg_topo_sort(const rt_graph *g, word *todo, rt_revision *const *heads, size_t nheads, revlist *out)
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
			if ((rc = rtg_closure1(g, g->revs.v[i], UP_ALL, &anc[ncur])) < 0)
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
		if ((rc = rtg_closure1(g, add.v[0], UP_ALL, &anc[idx])) < 0)
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
			if ((rc = rtg_closure1(g, add.v[k], UP_ALL, &anc[ncur])) < 0) {
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

int rtg_all_set(const rt_graph *g, word **out)
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
int rtg_full_order(const rt_graph *g, revlist *out)
{
	rt_revision **heads = NULL;
	size_t nh = 0;
	word *todo = NULL;
	int rc;
	if ((rc = rt_graph_heads(g, 1, &heads, &nh)) < 0 || (rc = rtg_all_set(g, &todo)) < 0)
		goto done;
	rc = rtg_topo_sort(g, todo, heads, nh, out);
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
	if ((rc = rtg_full_order(g, &all)) < 0)
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
