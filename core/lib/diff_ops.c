/*
 * The diff's building blocks (diff_int.h): owned memory, the pushing of
 * an operation with its inverse, text comparison through the dialect's
 * canonical form, and the operations made from the schema model.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "diff_int.h"

/* ---- memory ---- */

void *dx_own(dctx *x, void *p)
{
	if (!p || rt_strv_push_owned(&x->d->owned, (char *)p) < 0) {
		rt_error_set("out of memory");
		return NULL;
	}
	return p;
}

const char **dx_own_names(dctx *x, const rt_strv *v)
{
	const char **a = dx_own(x, rt_calloc(v->n ? v->n : 1, sizeof *a));
	size_t i;
	if (a)
		for (i = 0; i < v->n; i++)
			a[i] = v->v[i];
	return a;
}

/*
 * The name of an object the diff creates: `given`, else the naming
 * policy's, else TYPE_TABLE_COL..._REFERRED (a check: TYPE_TABLE_N).
 */
const char *dx_obj_name(dctx *x, const char *given, const char *type, const char *table, const rt_strv *cols,
                        const char *referred, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	char *made;
	size_t i;
	if (given)
		return given;
	if (x->o && x->o->name && (made = x->o->name(x->o->name_arg, type, table, cols, referred)))
		return dx_own(x, made);
	rt_buf_printf(&b, "%s_%s", type, table);
	for (i = 0; cols && i < cols->n; i++)
		rt_buf_printf(&b, "_%s", cols->v[i]);
	if (referred)
		rt_buf_printf(&b, "_%s", referred);
	if (!cols && n)
		rt_buf_printf(&b, "_%zu", n);
	return dx_own(x, rt_buf_detach(&b));
}

int dx_push(dctx *x, const retort_op *up, const char *up_note, const retort_op *down, const char *down_note)
{
	return dx_push_more(x, up, NULL, up_note, down, NULL, down_note);
}

int dx_push_more(dctx *x, const retort_op *up, const retort_op_more *up_more, const char *up_note, const retort_op *down,
                 const retort_op_more *down_more, const char *down_note)
{
	rt_diff_op *v;
	if (!(v = rt_grow(x->d->up, &x->d->capup, x->d->nup, sizeof *v, 16)))
		goto oom;
	x->d->up = v;
	memset(&v[x->d->nup], 0, sizeof *v);
	v[x->d->nup].op = *up;
	if (up_more)
		v[x->d->nup].more = *up_more;
	v[x->d->nup++].note = up_note;
	if (!(v = rt_grow(x->inv, &x->capinv, x->ninv, sizeof *v, 16)))
		goto oom;
	x->inv = v;
	memset(&v[x->ninv], 0, sizeof *v);
	v[x->ninv].op = *down;
	if (down_more)
		v[x->ninv].more = *down_more;
	v[x->ninv++].note = down_note;
	return RETORT_OK;
oom:
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

void dx_op_init(retort_op *op, retort_op_kind kind, const char *table)
{
	memset(op, 0, sizeof *op);
	op->size = sizeof *op;
	op->kind = kind;
	op->table = table;
	op->nullable = RETORT_UNSET;
	op->existing_nullable = RETORT_UNSET;
}

/* ---- comparing texts ---- */

int dx_canon_eq(dctx *x, rt_canon_kind kind, const char *type, const char *a, const char *b)
{
	char *ca, *cb;
	int eq;
	if (!a || !b)
		return !a && !b;
	if (strcmp(a, b) == 0)
		return 1;
	if (!x->o || !x->o->canon)
		return 0;
	ca = x->o->canon(x->o->canon_arg, kind, type, a);
	cb = x->o->canon(x->o->canon_arg, kind, type, b);
	eq = ca && cb && strcmp(ca, cb) == 0;
	rt_free(ca);
	rt_free(cb);
	return eq;
}

int dx_same_names(const rt_strv *a, const rt_strv *b)
{
	size_t i;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

int dx_str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int rt_diff_table_included(const rt_diff_opts *o, const char *table)
{
	size_t i;
	int in;
	if (!o)
		return 1;
	in = !o->include_tables || o->include_tables->n == 0;
	for (i = 0; !in && i < o->include_tables->n; i++)
		in = fnmatch(o->include_tables->v[i], table, 0) == 0;
	for (i = 0; in && o->exclude_tables && i < o->exclude_tables->n; i++)
		in = fnmatch(o->exclude_tables->v[i], table, 0) != 0;
	return in;
}

/* ---- building operations from the model ---- */

const char *dx_note_drop_table(dctx *x, const char *table)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "data loss: drops table %s and every row in it", table);
	return dx_own(x, rt_buf_detach(&b));
}

const char *dx_note_drop_column(dctx *x, const char *table, const char *column)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_printf(&b, "data loss: drops column %s.%s and its values", table, column);
	return dx_own(x, rt_buf_detach(&b));
}

void dx_more_init(retort_op_more *m)
{
	memset(m, 0, sizeof *m);
	m->size = sizeof *m;
	m->autoincrement = m->existing_autoincrement = RETORT_UNSET;
}

const char *dx_note_enum_values(dctx *x, const char *name, const rt_strv *from, const rt_strv *to)
{
	rt_buf b = RT_BUF_INIT;
	size_t i, n = 0;
	for (i = 0; i < from->n; i++) {
		if (rt_strv_find(to, from->v[i]) >= 0)
			continue;
		if (n++)
			rt_buf_printf(&b, ", '%s'", from->v[i]);
		else
			rt_buf_printf(&b, "data loss: enum type %s loses '%s'", name, from->v[i]);
	}
	if (!n)
		return NULL;
	rt_buf_printf(&b, " (a row holding one makes the cast fail)");
	return dx_own(x, rt_buf_detach(&b));
}

void dx_column_of(retort_column *c, const rt_schema_column *m, int pk)
{
	memset(c, 0, sizeof *c);
	c->size = sizeof *c;
	c->name = m->name;
	c->type = m->type;
	c->nullable = m->nullable;
	c->primary_key = pk;
	c->autoincrement = m->autoincrement;
	c->server_default = m->server_default;
	c->comment = m->comment;
}

const retort_foreign_key *dx_fks_of(dctx *x, const rt_schema_fk *fks, size_t n)
{
	retort_foreign_key *v = dx_own(x, rt_calloc(n ? n : 1, sizeof *v));
	size_t i;
	for (i = 0; v && i < n; i++) {
		v[i].size = sizeof v[i];
		v[i].name = fks[i].name;
		v[i].columns = dx_own_names(x, &fks[i].columns);
		v[i].ncolumns = fks[i].columns.n;
		v[i].ref_table = fks[i].ref_table;
		v[i].ref_columns = dx_own_names(x, &fks[i].ref_columns);
		v[i].nref_columns = fks[i].ref_columns.n;
		v[i].on_delete = fks[i].on_delete;
		v[i].on_update = fks[i].on_update;
		if (!v[i].columns || !v[i].ref_columns)
			return NULL;
	}
	return v;
}

/*
 * create_table for model table t, with its foreign keys except those in
 * `later` (flags per fk, may be NULL).  Indexes are separate operations.
 */
int dx_create_table_op(dctx *x, const rt_schema_table *t, const unsigned char *later, retort_op *op, int name_it)
{
	retort_column *cols;
	retort_constraint *ks;
	rt_schema_fk *keep;
	size_t i, n = 0;
	dx_op_init(op, RETORT_OP_CREATE_TABLE, t->name);
	op->comment = t->comment;
	if (!(cols = dx_own(x, rt_calloc(t->ncolumns ? t->ncolumns : 1, sizeof *cols))))
		return RETORT_ENOMEM;
	for (i = 0; i < t->ncolumns; i++)
		dx_column_of(&cols[i], &t->columns[i], 0);
	op->columns = cols;
	op->ncolumns = t->ncolumns;
	if (t->primary_key) {
		if (!(ks = dx_own(x, rt_calloc(1, sizeof *ks))) || !(ks->columns = dx_own_names(x, &t->primary_key->columns)))
			return RETORT_ENOMEM;
		ks->size = sizeof *ks;
		ks->name = t->primary_key->name;
		ks->ncolumns = t->primary_key->columns.n;
		op->primary_key = ks;
	}
	if (t->nuniques) {
		if (!(ks = dx_own(x, rt_calloc(t->nuniques, sizeof *ks))))
			return RETORT_ENOMEM;
		for (i = 0; i < t->nuniques; i++) {
			ks[i].size = sizeof ks[i];
			ks[i].name = t->uniques[i].name;
			if (!(ks[i].columns = dx_own_names(x, &t->uniques[i].columns)) ||
			    (name_it && !(ks[i].name = dx_obj_name(x, ks[i].name, "uq", t->name, &t->uniques[i].columns, NULL, 0))))
				return RETORT_ENOMEM;
			ks[i].ncolumns = t->uniques[i].columns.n;
		}
		op->uniques = ks;
		op->nuniques = t->nuniques;
	}
	if (t->nchecks) {
		if (!(ks = dx_own(x, rt_calloc(t->nchecks, sizeof *ks))))
			return RETORT_ENOMEM;
		for (i = 0; i < t->nchecks; i++) {
			ks[i].size = sizeof ks[i];
			ks[i].name = t->checks[i].name;
			ks[i].expression = t->checks[i].expression;
			if (name_it && !(ks[i].name = dx_obj_name(x, ks[i].name, "ck", t->name, NULL, NULL, i + 1)))
				return RETORT_ENOMEM;
		}
		op->checks = ks;
		op->nchecks = t->nchecks;
	}
	if (t->nfks) {
		if (!(keep = dx_own(x, rt_calloc(t->nfks, sizeof *keep))))
			return RETORT_ENOMEM;
		for (i = 0; i < t->nfks; i++)
			if (!later || !later[i])
				keep[n++] = t->fks[i];
		if (n && !(op->foreign_keys = dx_fks_of(x, keep, n)))
			return RETORT_ENOMEM;
		op->nforeign_keys = n;
		for (i = 0; name_it && i < n; i++) {
			retort_foreign_key *f = (retort_foreign_key *)&op->foreign_keys[i];
			if (!(f->name = dx_obj_name(x, keep[i].name, "fk", t->name, &keep[i].columns, keep[i].ref_table, 0)))
				return RETORT_ENOMEM;
		}
	}
	return RETORT_OK;
}

void dx_drop_table_op(retort_op *op, const char *table)
{
	dx_op_init(op, RETORT_OP_DROP_TABLE, table);
}

int dx_create_index_op(dctx *x, const char *table, const rt_schema_index *ix, retort_op *op, int name_it)
{
	dx_op_init(op, RETORT_OP_CREATE_INDEX, table);
	op->name = ix->name;
	if (name_it && !(op->name = dx_obj_name(x, ix->name, "ix", table, &ix->columns, NULL, 0)))
		return RETORT_ENOMEM;
	op->unique = ix->unique;
	op->where = ix->where;
	op->expression = ix->expression;
	if (!ix->expression) {
		if (!(op->column_names = dx_own_names(x, &ix->columns)))
			return RETORT_ENOMEM;
		op->ncolumn_names = ix->columns.n;
	}
	return RETORT_OK;
}

void dx_drop_index_op(retort_op *op, const char *table, const char *name)
{
	dx_op_init(op, RETORT_OP_DROP_INDEX, table);
	op->name = name;
}

int dx_create_fk_op(dctx *x, const char *table, const rt_schema_fk *fk, retort_op *op, int name_it)
{
	retort_foreign_key *f;
	dx_op_init(op, RETORT_OP_CREATE_FOREIGN_KEY, table);
	op->name = fk->name;
	if (name_it && !(op->name = dx_obj_name(x, fk->name, "fk", table, &fk->columns, fk->ref_table, 0)))
		return RETORT_ENOMEM;
	if (!(f = (retort_foreign_key *)dx_fks_of(x, fk, 1)))
		return RETORT_ENOMEM;
	f->name = op->name;
	op->foreign_keys = f;
	op->nforeign_keys = 1;
	return RETORT_OK;
}

void dx_drop_constraint_op(retort_op *op, const char *table, const char *name, const char *type)
{
	dx_op_init(op, RETORT_OP_DROP_CONSTRAINT, table);
	op->name = name;
	op->constraint_type = type;
}

