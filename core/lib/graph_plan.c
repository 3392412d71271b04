/*
 * The revision graph: upgrade/downgrade plans, version-table head
 * maintenance (Alembic's HeadMaintainer) and stamp (graph_int.h).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "graph_int.h"

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
	if ((rc = rt_graph_check_current(g, current)) < 0 || (rc = rtg_current_revs(g, current, &cur)) < 0)
		goto done;
	if ((rc = rtg_resolve_target(g, target_spec ? target_spec : "heads", current, 0, 0, NULL, &t)) < 0)
		goto done;
	if ((rc = rtg_check_no_overlap(g, &t.revs, OVERLAP_TARGETS)) < 0)
		goto done;
	need = bs_new(g->revs.n);
	have = bs_new(g->revs.n);
	if (!need || !have) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = rtg_closure(g, t.revs.v, t.revs.n, UP_ALL, need)) < 0 ||
	    (rc = rtg_closure(g, cur.v, cur.n, UP_ALL, have)) < 0)
		goto done;
	for (i = 0; i < (g->revs.n + 63) / 64; i++)
		need[i] &= ~have[i];
	if ((rc = rtg_topo_sort(g, need, t.revs.v, t.revs.n, &order)) < 0)
		goto done;
	rc = plan_from(out, &order, 1, 1);
done:
	rtg_target_free(&t);
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
	if ((rc = rt_graph_check_current(g, current)) < 0 || (rc = rtg_current_revs(g, current, &cur)) < 0)
		goto done;
	if ((rc = rtg_resolve_target(g, spec, current, 1, 0, NULL, &t)) < 0)
		goto done;
	if (t.revs.n > 1) {
		char *ids = rtg_join_ids(t.revs.v, t.revs.n);
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
		if ((rc = rtg_closure1(g, t.root_filter, UP_VERSIONED, &anc)) < 0)
			goto done;
		for (i = 0; i < roots.n; i++)
			if (bs_get(anc, roots.v[i]->index))
				roots.v[k++] = roots.v[i];
		if (!k) {
			rt_free(anc);
			anc = NULL;
			if ((rc = rtg_closure1(g, t.root_filter, DOWN_VERSIONED, &anc)) < 0)
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
	if ((rc = rtg_closure(g, roots.v, roots.n, DOWN_ALL, drop)) < 0 ||
	    (rc = rtg_closure(g, cur.v, cur.n, UP_ALL, act)) < 0)
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
	if ((rc = rtg_topo_sort(g, drop, cur.v, cur.n, &order)) < 0)
		goto done;
	rc = plan_from(out, &order, 0, 0);
done:
	rtg_target_free(&t);
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
		if ((rc = rtg_closure(g, &r, 1, UP_ALL, set)) < 0)
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
		if ((rc = rtg_closure(g, dn->par.v, dn->par.n, UP_ALL, anc)) < 0 ||
		    (rc = rtg_closure(g, dn->dep.v, dn->dep.n, UP_ALL, anc)) < 0)
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

	if (!purge && ((rc = rt_graph_check_current(g, current)) < 0 || (rc = rtg_current_revs(g, current, &rows)) < 0))
		goto done;
	bases_br = rt_calloc(ntargets + 1, sizeof *bases_br);
	if (!bases_br) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = 0; i < ntargets; i++) {
		target t;
		if ((rc = rtg_resolve_target(g, targets[i], current, 0, 0, NULL, &t)) < 0) {
			rtg_target_free(&t);
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
				rtg_target_free(&t);
				goto done;
			}
		rtg_target_free(&t);
	}
	if ((rc = rtg_check_no_overlap(g, &dests, OVERLAP_STAMP)) < 0)
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
		if ((rc = rtg_related_into(g, bases_br[i], 1, rel)) < 0)
			goto done;
		for (j = k = 0; j < rows.n; j++)
			if (!bs_get(rel, rows.v[j]->index))
				rows.v[k++] = rows.v[j];
		rows.n = k;
	}
	for (i = 0; i < dests.n; i++) {
		/* the rows on the destination's line (above or below it) give way to it */
		memset(rel, 0, ((g->revs.n + 63) / 64) * sizeof(word));
		if ((rc = rtg_related_into(g, dests.v[i], 1, rel)) < 0)
			goto done;
		for (j = k = 0; j < rows.n; j++)
			if (!bs_get(rel, rows.v[j]->index) || rl_has(&dests, rows.v[j]))
				rows.v[k++] = rows.v[j];
		rows.n = k;
	}
	for (i = 0; i < dests.n; i++)
		if (!rl_has(&rows, dests.v[i]) && (rc = rl_push(&rows, dests.v[i])) < 0)
			goto done;
	if ((rc = rtg_check_no_overlap(g, &rows, OVERLAP_STAMP_RESULT)) < 0)
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
