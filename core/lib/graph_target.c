/*
 * The revision graph: the current state (the version table's rows), target
 * resolution (the TARGETS grammar of retort(1)), ranges and history (graph_int.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

#define MULTIPLE_HEADS_FMT                                                                                             \
	"Multiple head revisions are present for given argument '%s'; please specify a specific target revision, "     \
	"'<branchname>@head' to narrow to a specific head, or 'heads' for all heads"

/* ---- current state ---- */

/* current ids -> revisions (error naming an unknown row). */
int rtg_current_revs(const rt_graph *g, const rt_strv *current, revlist *out)
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

/* Error when one of `revs` is an ancestor (incl. dependencies) of another. */
int rtg_check_no_overlap(const rt_graph *g, const revlist *revs, int kind)
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
		if ((rc = rtg_closure(g, nd->par.v, nd->par.n, UP_ALL, s)) < 0 ||
		    (rc = rtg_closure(g, nd->dep.v, nd->dep.n, UP_ALL, s)) < 0)
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
	if ((rc = rtg_current_revs(g, current, &cur)) < 0)
		goto done;
	rc = rtg_check_no_overlap(g, &cur, OVERLAP_CURRENT);
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
	if ((rc = rtg_current_revs(g, current, &cur)) < 0)
		goto done;
	s = bs_new(g->revs.n);
	if (!s) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = rtg_closure(g, cur.v, cur.n, UP_ALL, s)) < 0)
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
	if (*name && (rc = rtg_prefix_candidates(g, name, NULL, &c, &names)) < 0)
		goto done;
	if (c.n == 1)
		*out = c.v[0];
	else if (c.n == 0) {
		rt_error_set("No such branch: '%s'", name);
		rc = RETORT_EINVAL;
	} else
		rc = rtg_ambiguous_error(name, &names);
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
	if ((rc = rtg_lineage_set(g, branch, &lin)) < 0)
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
	if (br && (rc = rtg_lineage_set(g, br, &lin)) < 0)
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
		if ((rc = rtg_current_revs(g, current, &tmp)) < 0)
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
			if ((rc = rtg_prefix_candidates(g, symbol, lin, &tmp, &names)) < 0)
				goto done;
			if (tmp.n > 1) {
				rc = rtg_ambiguous_error(symbol, &names);
				goto done;
			}
			if (tmp.n == 1 && ht_get(&g->labels, names.v[0]) == tmp.v[0] && strcmp(names.v[0], tmp.v[0]->id))
				lab = tmp.v[0];
			else if (tmp.n == 1)
				r = tmp.v[0];
			else {
				if (lin && (rc = rtg_prefix_candidates(g, symbol, NULL, &tmp, NULL)) < 0)
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
			char *ids = rtg_join_ids(l.v, l.n);
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
				char *ids = rtg_join_ids(c.v, c.n);
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
				char *ids = rtg_join_ids(nd->par.v, nd->par.n);
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
	char *ids = rtg_join_ids(cur->v, cur->n);
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
	if ((rc = rtg_lineage_set(g, br, &lin)) < 0)
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
	if ((rc = rtg_closure(g, cur->v, cur->n, UP_ALL, act)) < 0)
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
int rtg_resolve_target(const rt_graph *g, const char *spec, const rt_strv *current, int for_downgrade,
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

	if ((rc = from ? RETORT_OK : rtg_current_revs(g, current, &cur)) < 0)
		goto done;
	if (from)
		for (size_t i = 0; i < from->n; i++)
			if ((rc = rl_push(&cur, from->v[i])) < 0)
				goto done;
	if (rs.branch) {
		if ((rc = resolve_branch(g, rs.branch, &br)) < 0 || (rc = rtg_lineage_set(g, br, &lin)) < 0)
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

void rtg_target_free(target *t)
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
	if ((rc = rtg_resolve_target(g, spec, current, for_downgrade, 0, NULL, &t)) < 0)
		goto done;
	/* out may be current itself: collect first */
	for (i = 0; i < t.revs.n; i++)
		if ((rc = rt_strv_push(&tmp, t.revs.v[i]->id)) < 0)
			goto done;
	for (i = 0; i < tmp.n; i++)
		if ((rc = rt_strv_push(out, tmp.v[i])) < 0)
			goto done;
done:
	rtg_target_free(&t);
	rt_strv_free(&tmp);
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
	    (rc = rtg_resolve_target(g, from, current, 0, 1, NULL, &lower)) < 0)
		goto done;
	if ((rc = rtg_resolve_target(g, to ? to : "heads", current, 0, 1, &lower.revs, &upper)) < 0)
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
	if ((rc = rtg_closure(g, upper.revs.v, upper.revs.n, UP_ALL, need)) < 0)
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
		if ((rc = rtg_closure(g, lower.revs.v, lower.revs.n, UP_ALL, have)) < 0 ||
		    (rc = rtg_closure(g, lower.revs.v, lower.revs.n, DOWN_VERSIONED, desc)) < 0)
			goto done;
		for (i = 0; i < lower.revs.n; i++)
			bs_clr(have, lower.revs.v[i]->index); /* both ends included */
		for (i = 0; i < (g->revs.n + 63) / 64; i++)
			need[i] &= ~have[i] & desc[i];
	}
	if ((rc = rtg_topo_sort(g, need, upper.revs.v, upper.revs.n, &order)) < 0)
		goto done;
	*out = order.v;
	*n = order.n;
	order.v = NULL;
done:
	rt_free(from);
	rt_free(to);
	rel_free(&rs);
	rtg_target_free(&lower);
	rtg_target_free(&upper);
	rl_free(&order);
	rl_free(&cur);
	rt_free(need);
	rt_free(have);
	rt_free(desc);
	return rc;
}
