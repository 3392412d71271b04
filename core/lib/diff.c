/*
 * The schema diff: live -> target as retort operations, and the exact
 * inverse (see diff.h).
 *
 * Renames come first and are applied to a copy of the live schema, so the
 * rest compares like with like.  The upgrade runs in this order:
 *   create enums; rename tables;
 *   drop the foreign keys of kept tables that change or go;
 *   drop tables (referencing ones first);
 *   drop the indexes, uniques, checks, primary keys that change or go;
 *   column changes (rename, add, alter, drop);
 *   create primary keys, uniques, checks, indexes of kept tables;
 *   create tables (referenced ones first; a foreign key in a cycle later);
 *   create foreign keys; drop enums.
 * So a foreign key never outlives what it references, nor comes before it.
 * Each operation is pushed with its inverse; the downgrade is the inverses
 * in reverse order, so it undoes the upgrade step by step.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "diff_int.h"


/* ---- phase helpers ---- */

static const rt_schema_table *live_table(dctx *x, const char *name)
{
	const rt_schema_table *t = rt_schema_find_table(x->live, name);
	return t && rt_diff_table_included(x->o, t->name) ? t : NULL;
}

static const rt_schema_table *target_table(dctx *x, const char *name)
{
	const rt_schema_table *t = rt_schema_find_table(x->target, name);
	return t && rt_diff_table_included(x->o, t->name) ? t : NULL;
}

static int index_eq(dctx *x, const rt_schema_index *a, const rt_schema_index *b)
{
	return a->unique == b->unique && dx_same_names(&a->columns, &b->columns) &&
	       dx_canon_eq(x, RT_CANON_EXPRESSION, NULL, a->expression, b->expression) &&
	       dx_canon_eq(x, RT_CANON_EXPRESSION, NULL, a->where, b->where);
}

static int fk_eq(const rt_schema_fk *a, const rt_schema_fk *b)
{
	return dx_same_names(&a->columns, &b->columns) && strcmp(a->ref_table, b->ref_table) == 0 &&
	       dx_same_names(&a->ref_columns, &b->ref_columns) && dx_str_eq(a->on_delete, b->on_delete) &&
	       dx_str_eq(a->on_update, b->on_update);
}

/*
 * Pair the objects of two lists: match[i] = index in `live` + 1 of the
 * object equal to target[i] (by name when the target's is named, else by
 * definition among the live ones not taken), 0 when none.  `same` says
 * whether a pair with the same name also has the same definition.
 */
typedef int (*eq_fn)(dctx *x, const void *a, const void *b);
typedef const char *(*name_fn)(const void *o);

static int pair(dctx *x, const void *live, size_t nl, const void *target, size_t nt, size_t elem, name_fn name,
                eq_fn eq, size_t **match_out, unsigned char **taken_out)
{
	size_t *match = rt_calloc(nt ? nt : 1, sizeof *match);
	unsigned char *taken = rt_calloc(nl ? nl : 1, 1);
	size_t i, j;
	if (!match || !taken) {
		rt_free(match);
		rt_free(taken);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (i = 0; i < nt; i++) {
		const void *t = (const char *)target + i * elem;
		const char *tn = name(t);
		for (j = 0; j < nl; j++) {
			const void *l = (const char *)live + j * elem;
			if (taken[j])
				continue;
			if (tn ? (name(l) && strcmp(name(l), tn) == 0 && eq(x, l, t)) : eq(x, l, t)) {
				match[i] = j + 1;
				taken[j] = 1;
				break;
			}
		}
	}
	*match_out = match;
	*taken_out = taken;
	return RETORT_OK;
}

static const char *key_name(const void *o)
{
	return ((const rt_schema_key *)o)->name;
}
static int key_eq(dctx *x, const void *a, const void *b)
{
	(void)x;
	return dx_same_names(&((const rt_schema_key *)a)->columns, &((const rt_schema_key *)b)->columns);
}
static const char *index_name(const void *o)
{
	return ((const rt_schema_index *)o)->name;
}
static int index_eq_v(dctx *x, const void *a, const void *b)
{
	return index_eq(x, a, b);
}
static const char *fk_name(const void *o)
{
	return ((const rt_schema_fk *)o)->name;
}
static int fk_eq_v(dctx *x, const void *a, const void *b)
{
	(void)x;
	return fk_eq(a, b);
}
static const char *check_name(const void *o)
{
	return ((const rt_schema_check *)o)->name;
}
static int check_eq_v(dctx *x, const void *a, const void *b)
{
	return dx_canon_eq(x, RT_CANON_EXPRESSION, NULL, ((const rt_schema_check *)a)->expression,
	                ((const rt_schema_check *)b)->expression);
}

/*
 * Whether a foreign key of `t` uses the index `ix` the database made for
 * one: same columns, and (when the foreign key has a name) named after
 * it, as MariaDB names the index it makes for ADD CONSTRAINT name.
 */
static int fk_index_used(const rt_schema_index *ix, const rt_schema_table *t)
{
	size_t i;
	for (i = 0; i < t->nfks; i++) {
		const rt_schema_fk *f = &t->fks[i];
		if (!dx_same_names(&f->columns, &ix->columns))
			continue;
		if (!f->name || strcmp(f->name, ix->name) == 0)
			return 1;
	}
	return 0;
}

/* The pairings of one table kept by both schemas. */
typedef struct tpair {
	const rt_schema_table *l, *t;
	size_t *uq, *ix, *fk, *ck;          /* per target object: live index + 1, or 0 */
	unsigned char *uqt, *ixt, *fkt, *ckt; /* per live object: paired */
	int pk_same;
} tpair;

static void tpair_free(tpair *p)
{
	rt_free(p->uq);
	rt_free(p->ix);
	rt_free(p->fk);
	rt_free(p->ck);
	rt_free(p->uqt);
	rt_free(p->ixt);
	rt_free(p->fkt);
	rt_free(p->ckt);
}

static int tpair_make(dctx *x, tpair *p)
{
	int rc;
	const rt_schema_table *l = p->l, *t = p->t;
	if ((rc = pair(x, l->uniques, l->nuniques, t->uniques, t->nuniques, sizeof *t->uniques, key_name, key_eq, &p->uq,
	               &p->uqt)) < 0 ||
	    (rc = pair(x, l->indexes, l->nindexes, t->indexes, t->nindexes, sizeof *t->indexes, index_name, index_eq_v,
	               &p->ix, &p->ixt)) < 0 ||
	    (rc = pair(x, l->fks, l->nfks, t->fks, t->nfks, sizeof *t->fks, fk_name, fk_eq_v, &p->fk, &p->fkt)) < 0 ||
	    (rc = pair(x, l->checks, l->nchecks, t->checks, t->nchecks, sizeof *t->checks, check_name, check_eq_v, &p->ck,
	               &p->ckt)) < 0)
		return rc;
	/*
	 * A unique constraint and a unique index on the same plain columns are
	 * one thing: MariaDB keeps no difference, and either enforces the same.
	 */
	{
		size_t i, j;
		for (i = 0; i < t->nindexes; i++) {
			const rt_schema_index *ix = &t->indexes[i];
			if (p->ix[i] || !ix->unique || ix->where || ix->expression)
				continue;
			for (j = 0; j < l->nuniques && !p->ix[i]; j++)
				if (!p->uqt[j] && dx_same_names(&l->uniques[j].columns, &ix->columns)) {
					p->uqt[j] = 1;
					p->ix[i] = (size_t)-1;
				}
		}
		for (i = 0; i < t->nuniques; i++) {
			if (p->uq[i])
				continue;
			for (j = 0; j < l->nindexes && !p->uq[i]; j++) {
				const rt_schema_index *ix = &l->indexes[j];
				if (!p->ixt[j] && ix->unique && !ix->where && !ix->expression &&
				    dx_same_names(&ix->columns, &t->uniques[i].columns)) {
					p->ixt[j] = 1;
					p->uq[i] = (size_t)-1;
				}
			}
		}
	}
	/*
	 * An index the database made for a foreign key (MariaDB) is not the
	 * user's: it stays while a foreign key of the target uses it, and goes
	 * when the last one does (MariaDB keeps it after DROP FOREIGN KEY).
	 */
	{
		size_t j;
		for (j = 0; j < l->nindexes; j++)
			if (l->indexes[j].origin == RETORT_INDEX_FOREIGN_KEY && fk_index_used(&l->indexes[j], t))
				p->ixt[j] = 1;
		for (j = 0; j < t->nindexes; j++) /* a .sql target's (reflected): made with the foreign key */
			if (t->indexes[j].origin == RETORT_INDEX_FOREIGN_KEY && !p->ix[j])
				p->ix[j] = (size_t)-1;
	}
	p->pk_same = (!l->primary_key && !t->primary_key) ||
	             (l->primary_key && t->primary_key && dx_same_names(&l->primary_key->columns, &t->primary_key->columns) &&
	              (!t->primary_key->name || !l->primary_key->name || /* MariaDB keeps no name */
	               dx_str_eq(l->primary_key->name, t->primary_key->name)));
	return RETORT_OK;
}

/* ---- foreign-key order ---- */

/*
 * Order tables (indexes into `tables`, those with want[i]) so a table comes
 * after the tables it references; ties by name (they are sorted).  A
 * foreign key that closes a cycle is flagged in later[table][fk].
 */
static int fk_order(const rt_schema_table *tables, size_t n, const unsigned char *want, size_t *order, size_t *norder,
                    unsigned char **later)
{
	unsigned char *state = rt_calloc(n ? n : 1, 1); /* 0 new, 1 on the path, 2 done */
	size_t *stack = rt_calloc(n ? n : 1, sizeof *stack), *fkpos = rt_calloc(n ? n : 1, sizeof *fkpos);
	size_t i, k = 0;
	if (!state || !stack || !fkpos) {
		rt_free(state);
		rt_free(stack);
		rt_free(fkpos);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		size_t sp = 0;
		if (!want[i] || state[i])
			continue;
		stack[sp++] = i;
		state[i] = 1;
		fkpos[i] = 0;
		while (sp) {
			size_t cur = stack[sp - 1];
			const rt_schema_table *t = &tables[cur];
			if (fkpos[cur] < t->nfks) {
				size_t f = fkpos[cur]++;
				const char *ref = t->fks[f].ref_table;
				size_t lo = 0, hi = n;
				while (lo < hi) { /* tables are sorted by name */
					size_t mid = (lo + hi) / 2;
					if (strcmp(tables[mid].name, ref) < 0)
						lo = mid + 1;
					else
						hi = mid;
				}
				if (lo == n || strcmp(tables[lo].name, ref) != 0 || !want[lo] || lo == cur)
					continue; /* outside the set, or self-reference: fine inline */
				if (state[lo] == 1) {
					later[cur][f] = 1; /* closes a cycle */
					continue;
				}
				if (state[lo] == 0) {
					state[lo] = 1;
					fkpos[lo] = 0;
					stack[sp++] = lo;
				}
				continue;
			}
			state[cur] = 2;
			order[k++] = cur;
			sp--;
		}
	}
	*norder = k;
	rt_free(state);
	rt_free(stack);
	rt_free(fkpos);
	return RETORT_OK;
}

/* ---- the diff ---- */

/* 1 when `sub` is `v` with values left out (same relative order). */
static int subsequence(const rt_strv *sub, const rt_strv *v)
{
	size_t i, j = 0;
	for (i = 0; i < v->n && j < sub->n; i++)
		if (strcmp(v->v[i], sub->v[j]) == 0)
			j++;
	return j == sub->n;
}

static int alter_enum_op(dctx *x, retort_op *op, const char *name, const rt_strv *values)
{
	dx_op_init(op, RETORT_OP_ALTER_ENUM, NULL);
	op->name = name;
	if (!(op->column_names = dx_own_names(x, values)))
		return RETORT_ENOMEM;
	op->ncolumn_names = values->n;
	return RETORT_OK;
}

/*
 * An enum type both keep, with other values.  Values only added: one
 * add_enum_value each, in the target's order, placed after the value
 * before it in the target (the first one before the first live value; the
 * last one appended), so the order ends as the target's; their inverses
 * are one alter_enum back to the live values (PostgreSQL drops no enum
 * value).  Anything else (a value removed, values reordered): one
 * alter_enum each way.
 */
static int enum_changed(dctx *x, const rt_schema_enum *l, const rt_schema_enum *e)
{
	retort_op up, down;
	retort_op_more m;
	size_t k;
	int rc, first = 1;
	if (!subsequence(&l->values, &e->values)) {
		if ((rc = alter_enum_op(x, &up, e->name, &e->values)) < 0 ||
		    (rc = alter_enum_op(x, &down, e->name, &l->values)) < 0)
			return rc;
		return dx_push(x, &up, dx_note_enum_values(x, e->name, &l->values, &e->values), &down,
		               dx_note_enum_values(x, e->name, &e->values, &l->values));
	}
	for (k = 0; k < e->values.n; k++) {
		if (rt_strv_find(&l->values, e->values.v[k]) >= 0)
			continue;
		dx_op_init(&up, RETORT_OP_ADD_ENUM_VALUE, NULL);
		up.name = e->name;
		up.column_names = (const char *const *)&e->values.v[k];
		up.ncolumn_names = 1;
		dx_more_init(&m);
		if (k > 0 && k + 1 < e->values.n)
			m.after = e->values.v[k - 1];
		else if (k == 0 && l->values.n)
			m.before = l->values.v[0];
		if (first) {
			if ((rc = alter_enum_op(x, &down, e->name, &l->values)) < 0)
				return rc;
		} else {
			memset(&down, 0, sizeof down); /* placeholder: the first one's inverse undoes them all */
		}
		if ((rc = dx_push_more(x, &up, &m, NULL, &down, NULL,
		                       first ? dx_note_enum_values(x, e->name, &e->values, &l->values) : NULL)) < 0)
			return rc;
		first = 0;
	}
	return RETORT_OK;
}

static int phase_enums_create(dctx *x)
{
	size_t i, j;
	int rc;
	for (i = 0; i < x->target->nenums; i++) {
		const rt_schema_enum *e = &x->target->enums[i];
		const rt_schema_enum *l = NULL;
		retort_op up, down;
		for (j = 0; j < x->live->nenums && !l; j++)
			if (strcmp(x->live->enums[j].name, e->name) == 0)
				l = &x->live->enums[j];
		if (l) {
			if (!dx_same_names(&l->values, &e->values) && (rc = enum_changed(x, l, e)) < 0)
				return rc;
			continue;
		}
		dx_op_init(&up, RETORT_OP_CREATE_ENUM, NULL);
		up.name = e->name;
		if (!(up.column_names = dx_own_names(x, &e->values)))
			return RETORT_ENOMEM;
		up.ncolumn_names = e->values.n;
		dx_op_init(&down, RETORT_OP_DROP_ENUM, NULL);
		down.name = e->name;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

static int phase_enums_drop(dctx *x)
{
	size_t i, j;
	int rc;
	for (i = 0; i < x->live->nenums; i++) {
		const rt_schema_enum *l = &x->live->enums[i];
		int kept = 0;
		retort_op up, down;
		for (j = 0; j < x->target->nenums && !kept; j++)
			kept = strcmp(x->target->enums[j].name, l->name) == 0;
		if (kept)
			continue;
		dx_op_init(&up, RETORT_OP_DROP_ENUM, NULL);
		up.name = l->name;
		dx_op_init(&down, RETORT_OP_CREATE_ENUM, NULL);
		down.name = l->name;
		if (!(down.column_names = dx_own_names(x, &l->values)))
			return RETORT_ENOMEM;
		down.ncolumn_names = l->values.n;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

static int phase_rename_tables(dctx *x, const rt_schema *orig)
{
	size_t i;
	int rc;
	for (i = 0; i < x->target->ntables; i++) {
		const rt_schema_table *t = &x->target->tables[i];
		retort_op up, down;
		if (!t->renamed_from || !rt_diff_table_included(x->o, t->name) || !rt_schema_find_table(orig, t->renamed_from) ||
		    rt_schema_find_table(orig, t->name))
			continue;
		dx_op_init(&up, RETORT_OP_RENAME_TABLE, t->renamed_from);
		up.new_name = t->name;
		dx_op_init(&down, RETORT_OP_RENAME_TABLE, t->name);
		down.new_name = t->renamed_from;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Phase 3a: on tables both keep, drop the foreign keys that change or go. */
static int phase_drop_fks(dctx *x, tpair *p)
{
	const rt_schema_table *l = p->l;
	size_t j;
	int rc;
	retort_op up, down;
	for (j = 0; j < l->nfks; j++) {
		if (p->fkt[j])
			continue;
		dx_drop_constraint_op(&up, l->name, l->fks[j].name, "foreignkey");
		if ((rc = dx_create_fk_op(x, l->name, &l->fks[j], &down, 0)) < 0 || (rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Phase 3b (after the tables that go are gone): the other parts that change or go. */
static int phase_drop_parts(dctx *x, tpair *p)
{
	const rt_schema_table *l = p->l;
	size_t j;
	int rc;
	retort_op up, down;
	for (j = 0; j < l->nindexes; j++) {
		if (p->ixt[j])
			continue;
		dx_drop_index_op(&up, l->name, l->indexes[j].name);
		if ((rc = dx_create_index_op(x, l->name, &l->indexes[j], &down, 0)) < 0 || (rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	for (j = 0; j < l->nuniques; j++) {
		if (p->uqt[j])
			continue;
		dx_drop_constraint_op(&up, l->name, l->uniques[j].name, "unique");
		dx_op_init(&down, RETORT_OP_CREATE_UNIQUE_CONSTRAINT, l->name);
		down.name = l->uniques[j].name;
		if (!(down.column_names = dx_own_names(x, &l->uniques[j].columns)))
			return RETORT_ENOMEM;
		down.ncolumn_names = l->uniques[j].columns.n;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	for (j = 0; j < l->nchecks; j++) {
		if (p->ckt[j])
			continue;
		dx_drop_constraint_op(&up, l->name, l->checks[j].name, "check");
		dx_op_init(&down, RETORT_OP_CREATE_CHECK_CONSTRAINT, l->name);
		down.name = l->checks[j].name;
		down.expression = l->checks[j].expression;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	if (!p->pk_same && l->primary_key) {
		dx_drop_constraint_op(&up, l->name, l->primary_key->name ? l->primary_key->name : "PRIMARY", "primary");
		dx_op_init(&down, RETORT_OP_CREATE_PRIMARY_KEY, l->name);
		if (!(down.name = dx_obj_name(x, l->primary_key->name, "pk", l->name, &l->primary_key->columns, NULL, 0)))
			return RETORT_ENOMEM;
		if (!(down.column_names = dx_own_names(x, &l->primary_key->columns)))
			return RETORT_ENOMEM;
		down.ncolumn_names = l->primary_key->columns.n;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Phase 6: columns of a table both keep. */
static int phase_columns(dctx *x, const rt_schema *orig, tpair *p)
{
	const rt_schema_table *l = p->l, *t = p->t, *ol;
	size_t i, j;
	int rc;
	retort_op up, down;
	/* renames: the original live table (before renames) names the old column */
	ol = rt_schema_find_table(orig, t->renamed_from && !rt_schema_find_table(orig, t->name) ? t->renamed_from : t->name);
	for (i = 0; ol && i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i];
		size_t k;
		if (!c->renamed_from)
			continue;
		for (k = 0; k < ol->ncolumns && strcmp(ol->columns[k].name, c->renamed_from) != 0; k++)
			;
		if (k == ol->ncolumns)
			continue;
		for (j = 0; j < ol->ncolumns && strcmp(ol->columns[j].name, c->name) != 0; j++)
			;
		if (j < ol->ncolumns)
			continue; /* the new name exists already: not a rename */
		dx_op_init(&up, RETORT_OP_ALTER_COLUMN, t->name);
		up.column = c->renamed_from;
		up.new_name = c->name;
		up.existing_type = ol->columns[k].type;
		up.existing_nullable = ol->columns[k].nullable;
		up.existing_server_default = ol->columns[k].server_default;
		dx_op_init(&down, RETORT_OP_ALTER_COLUMN, t->name);
		down.column = c->name;
		down.new_name = c->renamed_from;
		down.existing_type = ol->columns[k].type;
		down.existing_nullable = ol->columns[k].nullable;
		down.existing_server_default = ol->columns[k].server_default;
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	/* added */
	for (i = 0; i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i];
		retort_column *col;
		for (j = 0; j < l->ncolumns && strcmp(l->columns[j].name, c->name) != 0; j++)
			;
		if (j < l->ncolumns)
			continue;
		if (!(col = dx_own(x, rt_calloc(1, sizeof *col))))
			return RETORT_ENOMEM;
		dx_column_of(col, c, 0);
		dx_op_init(&up, RETORT_OP_ADD_COLUMN, t->name);
		up.columns = col;
		up.ncolumns = 1;
		dx_op_init(&down, RETORT_OP_DROP_COLUMN, t->name);
		down.column = c->name;
		if ((rc = dx_push(x, &up, NULL, &down, dx_note_drop_column(x, t->name, c->name))) < 0)
			return rc;
	}
	/* changed */
	for (i = 0; i < t->ncolumns; i++) {
		const rt_schema_column *c = &t->columns[i], *o = NULL;
		int type_ch, null_ch, def_ch, com_ch, ai_ch;
		retort_op_more upm, downm;
		for (j = 0; j < l->ncolumns && !o; j++)
			if (strcmp(l->columns[j].name, c->name) == 0)
				o = &l->columns[j];
		if (!o)
			continue;
		ai_ch = o->autoincrement != c->autoincrement;
		type_ch = !dx_canon_eq(x, RT_CANON_TYPE, NULL, o->type, c->type);
		null_ch = o->nullable != c->nullable;
		/* autoincrement turned on drops the live default, turned off sets the target's */
		if (ai_ch)
			def_ch = c->autoincrement ? o->server_default != NULL : c->server_default != NULL;
		else
			def_ch = !c->autoincrement &&
			         !dx_canon_eq(x, RT_CANON_DEFAULT, c->type, o->server_default, c->server_default);
		com_ch = x->o && x->o->comments && !dx_str_eq(o->comment, c->comment);
		if (!type_ch && !null_ch && !def_ch && !com_ch && !ai_ch)
			continue;
		/* what retort_op cannot carry: autoincrement, and the hint that a restated column keeps it */
		dx_more_init(&upm);
		dx_more_init(&downm);
		if (ai_ch) {
			upm.autoincrement = c->autoincrement;
			downm.autoincrement = o->autoincrement;
		}
		if (ai_ch || o->autoincrement) {
			upm.existing_autoincrement = o->autoincrement;
			downm.existing_autoincrement = c->autoincrement;
		}
		dx_op_init(&up, RETORT_OP_ALTER_COLUMN, t->name);
		dx_op_init(&down, RETORT_OP_ALTER_COLUMN, t->name);
		up.column = down.column = c->name;
		if (type_ch) {
			up.type = c->type;
			down.type = o->type;
		}
		if (null_ch) {
			up.nullable = c->nullable;
			down.nullable = o->nullable;
		}
		if (def_ch) {
			up.set_server_default = down.set_server_default = 1;
			up.server_default = c->autoincrement ? NULL : c->server_default;
			down.server_default = o->autoincrement ? NULL : o->server_default;
		}
		if (com_ch) {
			up.comment = c->comment ? c->comment : "";
			down.comment = o->comment ? o->comment : "";
		}
		up.existing_type = o->type;
		up.existing_nullable = o->nullable;
		up.existing_server_default = o->server_default;
		up.existing_comment = o->comment;
		down.existing_type = c->type;
		down.existing_nullable = c->nullable;
		down.existing_server_default = c->server_default;
		down.existing_comment = c->comment;
		if ((rc = dx_push_more(x, &up, upm.existing_autoincrement != RETORT_UNSET ? &upm : NULL, NULL, &down,
		                       downm.existing_autoincrement != RETORT_UNSET ? &downm : NULL, NULL)) < 0)
			return rc;
	}
	/* dropped */
	for (j = 0; j < l->ncolumns; j++) {
		const rt_schema_column *o = &l->columns[j];
		retort_column *col;
		for (i = 0; i < t->ncolumns && strcmp(t->columns[i].name, o->name) != 0; i++)
			;
		if (i < t->ncolumns)
			continue;
		if (!(col = dx_own(x, rt_calloc(1, sizeof *col))))
			return RETORT_ENOMEM;
		dx_column_of(col, o, 0);
		dx_op_init(&up, RETORT_OP_DROP_COLUMN, l->name);
		up.column = o->name;
		dx_op_init(&down, RETORT_OP_ADD_COLUMN, l->name);
		down.columns = col;
		down.ncolumns = 1;
		if ((rc = dx_push(x, &up, dx_note_drop_column(x, l->name, o->name), &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Phase 7: on tables both keep, create what is new or changed (foreign keys in phase 8). */
static int phase_create_parts(dctx *x, tpair *p)
{
	const rt_schema_table *t = p->t;
	size_t i;
	int rc;
	retort_op up, down;
	if (x->o && x->o->comments && !dx_str_eq(p->l->comment, t->comment)) {
		dx_op_init(&up, RETORT_OP_SET_TABLE_COMMENT, t->name);
		up.comment = t->comment ? t->comment : "";
		dx_op_init(&down, RETORT_OP_SET_TABLE_COMMENT, t->name);
		down.comment = p->l->comment ? p->l->comment : "";
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	if (!p->pk_same && t->primary_key) {
		dx_op_init(&up, RETORT_OP_CREATE_PRIMARY_KEY, t->name);
		if (!(up.name = dx_obj_name(x, t->primary_key->name, "pk", t->name, &t->primary_key->columns, NULL, 0)))
			return RETORT_ENOMEM;
		if (!(up.column_names = dx_own_names(x, &t->primary_key->columns)))
			return RETORT_ENOMEM;
		up.ncolumn_names = t->primary_key->columns.n;
		dx_drop_constraint_op(&down, t->name, up.name, "primary");
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	for (i = 0; i < t->nuniques; i++) {
		if (p->uq[i])
			continue;
		dx_op_init(&up, RETORT_OP_CREATE_UNIQUE_CONSTRAINT, t->name);
		if (!(up.name = dx_obj_name(x, t->uniques[i].name, "uq", t->name, &t->uniques[i].columns, NULL, 0)))
			return RETORT_ENOMEM;
		if (!(up.column_names = dx_own_names(x, &t->uniques[i].columns)))
			return RETORT_ENOMEM;
		up.ncolumn_names = t->uniques[i].columns.n;
		dx_drop_constraint_op(&down, t->name, up.name, "unique");
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	for (i = 0; i < t->nchecks; i++) {
		if (p->ck[i])
			continue;
		dx_op_init(&up, RETORT_OP_CREATE_CHECK_CONSTRAINT, t->name);
		if (!(up.name = dx_obj_name(x, t->checks[i].name, "ck", t->name, NULL, NULL, i + 1)))
			return RETORT_ENOMEM;
		up.expression = t->checks[i].expression;
		dx_drop_constraint_op(&down, t->name, up.name, "check");
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	for (i = 0; i < t->nindexes; i++) {
		if (p->ix[i])
			continue;
		if ((rc = dx_create_index_op(x, t->name, &t->indexes[i], &up, 1)) < 0)
			return rc;
		dx_drop_index_op(&down, t->name, up.name);
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Whether `cols` lead a key of the table once upgraded (so a database that indexes a foreign key makes none). */
static int leads(const rt_strv *key, const rt_strv *cols)
{
	size_t i;
	if (key->n < cols->n)
		return 0;
	for (i = 0; i < cols->n; i++)
		if (strcmp(key->v[i], cols->v[i]) != 0)
			return 0;
	return 1;
}

static int fk_has_index(const tpair *p, const rt_strv *cols)
{
	const rt_schema_table *t = p->t, *l = p->l;
	size_t i;
	if (t->primary_key && leads(&t->primary_key->columns, cols))
		return 1;
	for (i = 0; i < t->nuniques; i++)
		if (leads(&t->uniques[i].columns, cols))
			return 1;
	for (i = 0; i < t->nindexes; i++)
		if (!t->indexes[i].expression && leads(&t->indexes[i].columns, cols))
			return 1;
	for (i = 0; i < l->nindexes; i++) /* one the database made for a foreign key, kept */
		if (l->indexes[i].origin == RETORT_INDEX_FOREIGN_KEY && p->ixt[i] && leads(&l->indexes[i].columns, cols))
			return 1;
	return 0;
}

static int phase_create_fks(dctx *x, tpair *p)
{
	const rt_schema_table *t = p->t;
	size_t i;
	int rc;
	retort_op up, down;
	for (i = 0; i < t->nfks; i++) {
		if (p->fk[i])
			continue;
		if ((rc = dx_create_fk_op(x, t->name, &t->fks[i], &up, 1)) < 0)
			return rc;
		if (x->o && x->o->fk_index && !fk_has_index(p, &t->fks[i].columns)) {
			/* the database makes an index named after the foreign key, and keeps it when the foreign key
			 * is dropped: the downgrade drops it after the foreign key (the upgrade side is a placeholder) */
			retort_op none, dix;
			memset(&none, 0, sizeof none);
			dx_drop_index_op(&dix, t->name, up.name);
			if ((rc = dx_push(x, &none, NULL, &dix, NULL)) < 0)
				return rc;
		}
		dx_drop_constraint_op(&down, t->name, up.name, "foreignkey");
		if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
			return rc;
	}
	return RETORT_OK;
}

static unsigned char **later_new(const rt_schema *s)
{
	unsigned char **later = rt_calloc(s->ntables ? s->ntables : 1, sizeof *later);
	size_t i;
	for (i = 0; later && i < s->ntables; i++)
		if (!(later[i] = rt_calloc(s->tables[i].nfks ? s->tables[i].nfks : 1, 1)))
			return NULL; /* leaks the rest on a failure to allocate: reported as out of memory */
	return later;
}

static void later_free(unsigned char **later, size_t n)
{
	size_t i;
	for (i = 0; later && i < n; i++)
		rt_free(later[i]);
	rt_free(later);
}

static int run(dctx *x, const rt_schema *orig)
{
	const rt_schema *L = x->live, *T = x->target;
	size_t i, j, nord = 0, npairs = 0, nlater = 0;
	unsigned char *want = NULL, **later = NULL;
	size_t *order = NULL;
	tpair *pairs = NULL;
	int rc = RETORT_ENOMEM;
	retort_op up, down;

	if ((rc = phase_enums_create(x)) < 0 || (rc = phase_rename_tables(x, orig)) < 0)
		return rc;
	rc = RETORT_ENOMEM;
	if (!(pairs = rt_calloc(T->ntables ? T->ntables : 1, sizeof *pairs)))
		goto oom;
	for (i = 0; i < T->ntables; i++) {
		const rt_schema_table *t = &T->tables[i], *l;
		if (!rt_diff_table_included(x->o, t->name) || !(l = live_table(x, t->name)))
			continue;
		pairs[npairs].l = l;
		pairs[npairs].t = t;
		if ((rc = tpair_make(x, &pairs[npairs++])) < 0)
			goto done;
	}
	/* 3a: drop changed or gone foreign keys of kept tables */
	for (i = 0; i < npairs; i++)
		if ((rc = phase_drop_fks(x, &pairs[i])) < 0)
			goto done;
	/* 4: drop tables, referencing ones first (reverse of foreign-key order) */
	rc = RETORT_ENOMEM;
	if (!(want = rt_calloc(L->ntables + T->ntables + 1, 1)) ||
	    !(order = rt_calloc(L->ntables + T->ntables + 1, sizeof *order)) || !(later = later_new(L)))
		goto oom;
	nlater = L->ntables;
	for (i = 0; i < L->ntables; i++)
		want[i] = rt_diff_table_included(x->o, L->tables[i].name) && !target_table(x, L->tables[i].name);
	if ((rc = fk_order(L->tables, L->ntables, want, order, &nord, later)) < 0)
		goto done;
	for (j = nord; j-- > 0;) {
		const rt_schema_table *l = &L->tables[order[j]];
		size_t f;
		/* a foreign key closing a cycle is dropped first, and comes back last */
		for (f = 0; f < l->nfks; f++) {
			if (!later[order[j]][f])
				continue;
			dx_drop_constraint_op(&up, l->name, l->fks[f].name, "foreignkey");
			if ((rc = dx_create_fk_op(x, l->name, &l->fks[f], &down, 0)) < 0 || (rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
				goto done;
		}
	}
	for (j = nord; j-- > 0;) {
		const rt_schema_table *l = &L->tables[order[j]];
		size_t k;
		/* the downgrade recreates the table, then its indexes: their inverses are pushed first (the upgrade side
		 * is a placeholder, kind 0: the indexes go with the table) */
		for (k = 0; k < l->nindexes; k++) {
			retort_op none;
			if (l->indexes[k].origin == RETORT_INDEX_FOREIGN_KEY)
				continue;
			if ((rc = dx_create_index_op(x, l->name, &l->indexes[k], &down, 0)) < 0)
				goto done;
			memset(&none, 0, sizeof none);
			if ((rc = dx_push(x, &none, NULL, &down, NULL)) < 0)
				goto done;
		}
		dx_drop_table_op(&up, l->name);
		if ((rc = dx_create_table_op(x, l, later[order[j]], &down, 0)) < 0 ||
		    (rc = dx_push(x, &up, dx_note_drop_table(x, l->name), &down, NULL)) < 0)
			goto done;
	}
	later_free(later, L->ntables);
	later = NULL;
	/* 3b: the other parts of kept tables that change or go */
	for (i = 0; i < npairs; i++)
		if ((rc = phase_drop_parts(x, &pairs[i])) < 0)
			goto done;
	/* 6, 7: columns, then keys, checks and indexes of kept tables (a new table may reference them) */
	for (i = 0; i < npairs; i++)
		if ((rc = phase_columns(x, orig, &pairs[i])) < 0)
			goto done;
	for (i = 0; i < npairs; i++)
		if ((rc = phase_create_parts(x, &pairs[i])) < 0)
			goto done;
	/* 5: create tables, referenced ones first */
	rc = RETORT_ENOMEM;
	if (!(later = later_new(T)))
		goto oom;
	nlater = T->ntables;
	for (i = 0; i < T->ntables; i++)
		want[i] = rt_diff_table_included(x->o, T->tables[i].name) && !live_table(x, T->tables[i].name);
	if ((rc = fk_order(T->tables, T->ntables, want, order, &nord, later)) < 0)
		goto done;
	for (j = 0; j < nord; j++) {
		const rt_schema_table *t = &T->tables[order[j]];
		size_t k;
		if ((rc = dx_create_table_op(x, t, later[order[j]], &up, 1)) < 0)
			goto done;
		dx_drop_table_op(&down, t->name);
		if ((rc = dx_push(x, &up, NULL, &down, dx_note_drop_table(x, t->name))) < 0)
			goto done;
		for (k = 0; k < t->nindexes; k++) {
			retort_op none;
			if (t->indexes[k].origin == RETORT_INDEX_FOREIGN_KEY)
				continue; /* a .sql target's: the database makes it with the foreign key */
			if ((rc = dx_create_index_op(x, t->name, &t->indexes[k], &up, 1)) < 0)
				goto done;
			memset(&none, 0, sizeof none);
			if ((rc = dx_push(x, &up, NULL, &none, NULL)) < 0)
				goto done;
		}
	}
	/* 8: foreign keys of kept tables, then those of new tables that close a cycle */
	for (i = 0; i < npairs; i++)
		if ((rc = phase_create_fks(x, &pairs[i])) < 0)
			goto done;
	for (j = 0; j < nord; j++) {
		const rt_schema_table *t = &T->tables[order[j]];
		size_t f;
		for (f = 0; f < t->nfks; f++) {
			if (!later[order[j]][f])
				continue;
			if ((rc = dx_create_fk_op(x, t->name, &t->fks[f], &up, 1)) < 0)
				goto done;
			dx_drop_constraint_op(&down, t->name, up.name, "foreignkey");
			if ((rc = dx_push(x, &up, NULL, &down, NULL)) < 0)
				goto done;
		}
	}
	/* 9 */
	rc = phase_enums_drop(x);
	goto done;
oom:
	rt_error_set("out of memory");
	rc = RETORT_ENOMEM;
done:
	for (i = 0; i < npairs; i++)
		tpair_free(&pairs[i]);
	rt_free(pairs);
	rt_free(want);
	rt_free(order);
	later_free(later, nlater);
	return rc;
}

/* Drop the placeholder (kind 0) operations and build the downgrade as the inverses in reverse. */
static int finish(dctx *x)
{
	rt_diff *d = x->d;
	size_t i, k = 0;
	for (i = 0; i < d->nup; i++)
		if (d->up[i].op.kind != 0)
			d->up[k++] = d->up[i];
	d->nup = k;
	if (x->ninv && !(d->down = rt_calloc(x->ninv, sizeof *d->down))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	d->capdown = x->ninv;
	for (i = x->ninv; i-- > 0;)
		if (x->inv[i].op.kind != 0)
			d->down[d->ndown++] = x->inv[i];
	return RETORT_OK;
}

int rt_diff_schemas(const rt_schema *live, const rt_schema *target, const rt_diff_opts *o, rt_diff *d)
{
	rt_schema *renamed = NULL;
	dctx x;
	int rc;
	memset(&x, 0, sizeof x);
	if ((rc = rt_schema_renamed(live, target, &renamed)) < 0)
		return rc;
	d->renamed = renamed;
	x.live = renamed;
	x.target = target;
	x.o = o;
	x.d = d;
	rc = run(&x, live);
	if (rc == RETORT_OK)
		rc = finish(&x);
	rt_free(x.inv);
	return rc;
}

void rt_diff_free(rt_diff *d)
{
	if (!d)
		return;
	rt_schema_free(d->renamed);
	rt_strv_free(&d->owned);
	rt_free(d->up);
	rt_free(d->down);
	memset(d, 0, sizeof *d);
}
