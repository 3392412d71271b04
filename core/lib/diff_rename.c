/*
 * The live schema as it is after the renames a target schema declares
 * (renamed_from on tables and columns): a copy in which every table,
 * column, key, index and foreign key already carries its new name, so the
 * diff compares like with like (diff.c).
 */
#include "config.h"

#include <string.h>

#include "diff.h"

static const char *renamed_table(const rt_schema *target, const char *old)
{
	size_t i;
	for (i = 0; i < target->ntables; i++)
		if (target->tables[i].renamed_from && strcmp(target->tables[i].renamed_from, old) == 0)
			return target->tables[i].name;
	return old;
}

/* The new name of column `old` of the table now called `table` (the target's name). */
static const char *renamed_column(const rt_schema *target, const char *table, const char *old)
{
	const rt_schema_table *t = rt_schema_find_table(target, table);
	size_t i;
	for (i = 0; t && i < t->ncolumns; i++)
		if (t->columns[i].renamed_from && strcmp(t->columns[i].renamed_from, old) == 0)
			return t->columns[i].name;
	return old;
}

static int map_names(const rt_schema *target, const char *table, const rt_strv *in, rt_strv *out)
{
	size_t i;
	int rc;
	for (i = 0; i < in->n; i++)
		if ((rc = rt_strv_push(out, renamed_column(target, table, in->v[i]))) < 0)
			return rc;
	return RETORT_OK;
}

/* A primary key or unique constraint into s, its columns under their target names (a: scratch). */
static int copy_key(rt_schema *s, const rt_schema *target, const char *table, retort_constraint_kind kind,
                    const rt_schema_key *key, rt_strv *a)
{
	retort_reflect_constraint k;
	int rc;
	memset(&k, 0, sizeof k);
	k.size = sizeof k;
	k.kind = kind;
	k.table = table;
	k.name = key->name;
	if ((rc = map_names(target, table, &key->columns, a)) == RETORT_OK) {
		k.columns = (const char *const *)a->v;
		k.ncolumns = a->n;
		rc = rt_schema_add_constraint(s, &k);
	}
	rt_strv_clear(a);
	return rc;
}

int rt_schema_renamed(const rt_schema *live, const rt_schema *target, rt_schema **out)
{
	rt_schema *s = rt_schema_new();
	size_t i, j;
	int rc = RETORT_OK;
	if (!s)
		return RETORT_ENOMEM;
	for (i = 0; i < live->nenums && rc == RETORT_OK; i++) {
		retort_reflect_enum e = {sizeof e, live->enums[i].name, (const char *const *)live->enums[i].values.v,
		                         live->enums[i].values.n};
		rc = rt_schema_add_enum(s, &e);
	}
	for (i = 0; i < live->ntables && rc == RETORT_OK; i++) {
		const rt_schema_table *t = &live->tables[i];
		const char *tn = renamed_table(target, t->name);
		rt_strv a = RT_STRV_INIT;
		if ((rc = rt_schema_add_table(s, tn, t->comment)) < 0)
			break;
		for (j = 0; j < t->ncolumns && rc == RETORT_OK; j++) {
			const rt_schema_column *c = &t->columns[j];
			retort_reflect_column rc_;
			memset(&rc_, 0, sizeof rc_);
			rc_.size = sizeof rc_;
			rc_.table = tn;
			rc_.name = renamed_column(target, tn, c->name);
			rc_.position = c->position;
			rc_.type = c->type;
			rc_.nullable = c->nullable;
			rc_.server_default = c->server_default;
			rc_.autoincrement = c->autoincrement;
			rc_.comment = c->comment;
			rc = rt_schema_add_column(s, &rc_);
		}
		if (rc == RETORT_OK && t->primary_key)
			rc = copy_key(s, target, tn, RETORT_CONSTRAINT_PRIMARY_KEY, t->primary_key, &a);
		for (j = 0; j < t->nuniques && rc == RETORT_OK; j++)
			rc = copy_key(s, target, tn, RETORT_CONSTRAINT_UNIQUE, &t->uniques[j], &a);
		for (j = 0; j < t->nindexes && rc == RETORT_OK; j++) {
			const rt_schema_index *ix = &t->indexes[j];
			retort_reflect_index k;
			memset(&k, 0, sizeof k);
			k.size = sizeof k;
			k.table = tn;
			k.name = ix->name;
			k.expression = ix->expression;
			k.unique = ix->unique;
			k.where = ix->where;
			k.origin = ix->origin;
			if ((rc = map_names(target, tn, &ix->columns, &a)) == RETORT_OK) {
				k.columns = (const char *const *)a.v;
				k.ncolumns = a.n;
				rc = rt_schema_add_index(s, &k);
			}
			rt_strv_clear(&a);
		}
		for (j = 0; j < t->nchecks && rc == RETORT_OK; j++) {
			retort_reflect_constraint k;
			memset(&k, 0, sizeof k);
			k.size = sizeof k;
			k.kind = RETORT_CONSTRAINT_CHECK;
			k.table = tn;
			k.name = t->checks[j].name;
			k.expression = t->checks[j].expression;
			rc = rt_schema_add_constraint(s, &k);
		}
		rt_strv_free(&a);
	}
	/* foreign keys last: they name other tables, renamed too */
	for (i = 0; i < live->ntables && rc == RETORT_OK; i++) {
		const rt_schema_table *t = &live->tables[i];
		const char *tn = renamed_table(target, t->name);
		for (j = 0; j < t->nfks && rc == RETORT_OK; j++) {
			const rt_schema_fk *fk = &t->fks[j];
			const char *rt = renamed_table(target, fk->ref_table);
			rt_strv a = RT_STRV_INIT, b = RT_STRV_INIT;
			retort_reflect_constraint k;
			memset(&k, 0, sizeof k);
			k.size = sizeof k;
			k.kind = RETORT_CONSTRAINT_FOREIGN_KEY;
			k.table = tn;
			k.name = fk->name;
			k.ref_table = rt;
			k.on_delete = fk->on_delete;
			k.on_update = fk->on_update;
			if ((rc = map_names(target, tn, &fk->columns, &a)) == RETORT_OK &&
			    (rc = map_names(target, rt, &fk->ref_columns, &b)) == RETORT_OK) {
				k.columns = (const char *const *)a.v;
				k.ncolumns = a.n;
				k.ref_columns = (const char *const *)b.v;
				k.nref_columns = b.n;
				rc = rt_schema_add_constraint(s, &k);
			}
			rt_strv_free(&a);
			rt_strv_free(&b);
		}
	}
	if (rc < 0) {
		rt_schema_free(s);
		return rc;
	}
	rt_schema_sort(s);
	*out = s;
	return RETORT_OK;
}

