/*
 * The target schema as a .conf file (retort.conf(5), target_schema): the
 * layout `schema dump` writes, plus what only a declaration needs —
 * `renamed_from` on tables and columns, `primary_key = true` and
 * `unique = true` on a column, unnamed indexes and constraints.  Every
 * mistake is refused with file:line: an unknown key, a wrong type, a
 * duplicate name, a key, index or foreign key naming a column or table
 * that is not declared.
 */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "conftext.h"
#include "schema.h"

typedef struct rd {
	const char *path;
	rt_schema *s;
} rd;

static int fail(const rd *r, const config_setting_t *at, const char *fmt, ...) RT_PRINTF(3, 4);
static int fail(const rd *r, const config_setting_t *at, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_error_set("%s:%u: %s", r->path, at ? config_setting_source_line(at) : 0, msg);
	return RETORT_EINVAL;
}

static const config_setting_t *member(const config_setting_t *g, const char *key)
{
	return config_setting_get_member(g, key);
}

/* Refuse a key of group g not in keys[]. */
static int check_keys(const rd *r, const config_setting_t *g, const char *what, const char *const *keys)
{
	int i, n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(e);
		const char *const *k;
		for (k = keys; *k && strcmp(*k, name) != 0; k++)
			;
		if (!*k)
			return fail(r, e, "%s: unknown key '%s'", what, name);
	}
	return RETORT_OK;
}

/* A string member: *out NULL when absent (required: an error). */
static int get_str(const rd *r, const config_setting_t *g, const char *what, const char *key, int required,
                   const char **out)
{
	const config_setting_t *s = member(g, key);
	*out = NULL;
	if (!s) {
		if (required)
			return fail(r, g, "%s: missing required key '%s'", what, key);
		return RETORT_OK;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail(r, s, "%s: '%s' must be a string", what, key);
	*out = config_setting_get_string(s);
	if (required && !**out)
		return fail(r, s, "%s: '%s' must not be empty", what, key);
	return RETORT_OK;
}

static int get_bool(const rd *r, const config_setting_t *g, const char *what, const char *key, int dflt, int *out)
{
	const config_setting_t *s = member(g, key);
	*out = dflt;
	if (!s)
		return RETORT_OK;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(r, s, "%s: '%s' must be true or false", what, key);
	*out = config_setting_get_bool(s);
	return RETORT_OK;
}

/* A list of strings: [ "a", "b" ] (a single string counts as one). */
static int get_names(const rd *r, const config_setting_t *g, const char *what, const char *key, int required,
                     rt_strv *out)
{
	const config_setting_t *s = member(g, key);
	int i, n, rc;
	if (!s) {
		if (required)
			return fail(r, g, "%s: missing required key '%s'", what, key);
		return RETORT_OK;
	}
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		return rt_strv_push(out, config_setting_get_string(s));
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY && config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail(r, s, "%s: '%s' must be a list of names: [ \"a\", \"b\" ]", what, key);
	n = config_setting_length(s);
	if (n == 0 && required)
		return fail(r, s, "%s: '%s' must not be empty", what, key);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING || !*config_setting_get_string(e))
			return fail(r, e, "%s: '%s' must hold names (non-empty strings)", what, key);
		if (rt_strv_find(out, config_setting_get_string(e)) >= 0)
			return fail(r, e, "%s: '%s' names '%s' twice", what, key, config_setting_get_string(e));
		if ((rc = rt_strv_push(out, config_setting_get_string(e))) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* A list of groups (absent: n = 0). */
static int get_groups(const rd *r, const config_setting_t *g, const char *what, const char *key,
                      const config_setting_t **list, int *n)
{
	const config_setting_t *s = member(g, key);
	int i;
	*list = s;
	*n = 0;
	if (!s)
		return RETORT_OK;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return fail(r, s, "%s: '%s' must be a list of groups: %s = ( { ... }, { ... } )", what, key, key);
	*n = config_setting_length(s);
	for (i = 0; i < *n; i++)
		if (config_setting_type(config_setting_get_elem(s, (unsigned)i)) != CONFIG_TYPE_GROUP)
			return fail(r, config_setting_get_elem(s, (unsigned)i), "%s: each element of '%s' must be a group { ... }",
			            what, key);
	return RETORT_OK;
}

static const char *canon_action(const char *a)
{
	static const char *const actions[] = {"cascade", "set null", "set default", "restrict", "no action", NULL};
	const char *const *p;
	for (p = actions; *p; p++)
		if (strcasecmp(*p, a) == 0)
			return *p;
	return NULL;
}

static int get_action(const rd *r, const config_setting_t *g, const char *what, const char *key, const char **out)
{
	const char *v;
	int rc = get_str(r, g, what, key, 0, &v);
	*out = NULL;
	if (rc < 0 || !v)
		return rc;
	if (!(*out = canon_action(v)))
		return fail(r, member(g, key), "%s: '%s' must be one of cascade, set null, set default, restrict, no action",
		            what, key);
	if (strcmp(*out, "no action") == 0)
		*out = NULL;
	return RETORT_OK;
}

/* Every name of `cols` is a column of table t (declared before). */
static int check_columns(const rd *r, const config_setting_t *at, const char *what, const rt_schema_table *t,
                         const rt_strv *cols)
{
	size_t i, j;
	for (i = 0; i < cols->n; i++) {
		for (j = 0; j < t->ncolumns && strcmp(t->columns[j].name, cols->v[i]) != 0; j++)
			;
		if (j == t->ncolumns)
			return fail(r, at, "%s: table '%s' has no column '%s'", what, t->name, cols->v[i]);
	}
	return RETORT_OK;
}

static const char *const K_TOP[] = {"enums", "tables", NULL};
static const char *const K_ENUM[] = {"name", "values", NULL};
static const char *const K_TABLE[] = {"name",    "comment", "renamed_from", "columns", "primary_key",
                                      "uniques", "indexes", "foreign_keys", "checks",  NULL};
static const char *const K_COLUMN[] = {"name",           "type",    "nullable",     "primary_key", "autoincrement",
                                       "server_default", "comment", "renamed_from", "unique",      NULL};
static const char *const K_KEY[] = {"name", "columns", NULL};
static const char *const K_INDEX[] = {"name", "columns", "expression", "unique", "where", NULL};
static const char *const K_FK[] = {"name",      "columns",   "references", "ref_table",
                                   "ref_columns", "on_delete", "on_update", NULL};
static const char *const K_CHECK[] = {"name", "expression", NULL};

static int read_enums(const rd *r, const config_setting_t *top)
{
	const config_setting_t *list;
	int i, n, rc;
	if ((rc = get_groups(r, top, "enums", "enums", &list, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		retort_reflect_enum e;
		rt_strv values = RT_STRV_INIT;
		const char *name;
		size_t j;
		memset(&e, 0, sizeof e);
		e.size = sizeof e;
		if ((rc = check_keys(r, g, "enum", K_ENUM)) < 0 || (rc = get_str(r, g, "enum", "name", 1, &name)) < 0)
			return rc;
		for (j = 0; j < r->s->nenums; j++)
			if (strcmp(r->s->enums[j].name, name) == 0)
				return fail(r, g, "enum '%s' is declared twice", name);
		if ((rc = get_names(r, g, "enum", "values", 1, &values)) < 0) {
			rt_strv_free(&values);
			return rc;
		}
		e.name = name;
		e.values = (const char *const *)values.v;
		e.nvalues = values.n;
		rc = rt_schema_add_enum(r->s, &e);
		rt_strv_free(&values);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

/* The columns of table t; column-level primary_key / unique into *pk / new unique constraints. */
static int read_columns(const rd *r, const config_setting_t *tg, rt_schema_table **tp, rt_strv *pk,
                        const config_setting_t **pk_at)
{
	const config_setting_t *list;
	char what[300];
	int i, n, rc;
	snprintf(what, sizeof what, "table '%s'", (*tp)->name);
	if ((rc = get_groups(r, tg, what, "columns", &list, &n)) < 0)
		return rc;
	if (n == 0)
		return fail(r, list ? list : tg, "%s: declares no columns", what);
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		retort_reflect_column c;
		const char *renamed;
		int nullable, is_pk, unique;
		size_t j;
		memset(&c, 0, sizeof c);
		c.size = sizeof c;
		c.table = (*tp)->name;
		c.position = i + 1;
		if ((rc = check_keys(r, g, what, K_COLUMN)) < 0 || (rc = get_str(r, g, what, "name", 1, &c.name)) < 0)
			return rc;
		snprintf(what, sizeof what, "table '%s': column '%s'", (*tp)->name, c.name);
		for (j = 0; j < (*tp)->ncolumns; j++)
			if (strcmp((*tp)->columns[j].name, c.name) == 0)
				return fail(r, g, "%s: declared twice", what);
		if ((rc = get_str(r, g, what, "type", 1, &c.type)) < 0 ||
		    (rc = get_bool(r, g, what, "nullable", 1, &nullable)) < 0 ||
		    (rc = get_bool(r, g, what, "primary_key", 0, &is_pk)) < 0 ||
		    (rc = get_bool(r, g, what, "autoincrement", 0, &c.autoincrement)) < 0 ||
		    (rc = get_bool(r, g, what, "unique", 0, &unique)) < 0 ||
		    (rc = get_str(r, g, what, "server_default", 0, &c.server_default)) < 0 ||
		    (rc = get_str(r, g, what, "comment", 0, &c.comment)) < 0 ||
		    (rc = get_str(r, g, what, "renamed_from", 0, &renamed)) < 0)
			return rc;
		if (c.autoincrement && c.server_default)
			return fail(r, member(g, "server_default"), "%s: an autoincrement column has no server_default",
			            what);
		c.nullable = is_pk ? 0 : nullable;
		if ((rc = rt_schema_add_column(r->s, &c)) < 0)
			return rc;
		*tp = rt_schema_find_table(r->s, c.table);
		if (renamed && !((*tp)->columns[(*tp)->ncolumns - 1].renamed_from = rt_strdup(renamed)))
			RT_CHECK_ALLOC(NULL);
		if (is_pk) {
			if ((rc = rt_strv_push(pk, c.name)) < 0)
				return rc;
			*pk_at = g;
		}
		if (unique) {
			retort_reflect_constraint u;
			const char *cols[1];
			memset(&u, 0, sizeof u);
			u.size = sizeof u;
			u.kind = RETORT_CONSTRAINT_UNIQUE;
			u.table = c.table;
			cols[0] = c.name;
			u.columns = cols;
			u.ncolumns = 1;
			if ((rc = rt_schema_add_constraint(r->s, &u)) < 0)
				return rc;
		}
		snprintf(what, sizeof what, "table '%s'", (*tp)->name);
	}
	return RETORT_OK;
}

/* primary_key = { name; columns }, or the columns marked primary_key = true. */
static int read_primary_key(const rd *r, const config_setting_t *tg, rt_schema_table *t, rt_strv *pk,
                            const config_setting_t *pk_at)
{
	const config_setting_t *g = member(tg, "primary_key");
	retort_reflect_constraint c;
	char what[300];
	int rc;
	memset(&c, 0, sizeof c);
	c.size = sizeof c;
	c.kind = RETORT_CONSTRAINT_PRIMARY_KEY;
	c.table = t->name;
	snprintf(what, sizeof what, "table '%s': primary_key", t->name);
	if (g) {
		if (pk->n)
			return fail(r, g, "%s: give the primary key either here or as primary_key = true on columns, not both",
			            what);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return fail(r, g, "%s: must be a group: primary_key = { columns = [ ... ]; }", what);
		if ((rc = check_keys(r, g, what, K_KEY)) < 0 || (rc = get_str(r, g, what, "name", 0, &c.name)) < 0 ||
		    (rc = get_names(r, g, what, "columns", 1, pk)) < 0 || (rc = check_columns(r, g, what, t, pk)) < 0)
			return rc;
		pk_at = g;
	}
	if (!pk->n)
		return RETORT_OK;
	c.columns = (const char *const *)pk->v;
	c.ncolumns = pk->n;
	if ((rc = rt_schema_add_constraint(r->s, &c)) < 0)
		return rc;
	/* a primary key's columns are NOT NULL */
	{
		size_t i, j;
		for (i = 0; i < pk->n; i++)
			for (j = 0; j < t->ncolumns; j++)
				if (strcmp(t->columns[j].name, pk->v[i]) == 0)
					t->columns[j].nullable = 0;
	}
	(void)pk_at;
	return RETORT_OK;
}

static int read_uniques(const rd *r, const config_setting_t *tg, rt_schema_table *t)
{
	const config_setting_t *list;
	char what[300];
	int i, n, rc;
	snprintf(what, sizeof what, "table '%s': uniques", t->name);
	if ((rc = get_groups(r, tg, what, "uniques", &list, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		retort_reflect_constraint c;
		rt_strv cols = RT_STRV_INIT;
		memset(&c, 0, sizeof c);
		c.size = sizeof c;
		c.kind = RETORT_CONSTRAINT_UNIQUE;
		c.table = t->name;
		if ((rc = check_keys(r, g, what, K_KEY)) < 0 || (rc = get_str(r, g, what, "name", 0, &c.name)) < 0 ||
		    (rc = get_names(r, g, what, "columns", 1, &cols)) < 0 || (rc = check_columns(r, g, what, t, &cols)) < 0) {
			rt_strv_free(&cols);
			return rc;
		}
		c.columns = (const char *const *)cols.v;
		c.ncolumns = cols.n;
		rc = rt_schema_add_constraint(r->s, &c);
		rt_strv_free(&cols);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

static int read_indexes(const rd *r, const config_setting_t *tg, rt_schema_table *t)
{
	const config_setting_t *list;
	char what[300];
	int i, n, rc;
	snprintf(what, sizeof what, "table '%s': indexes", t->name);
	if ((rc = get_groups(r, tg, what, "indexes", &list, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		retort_reflect_index x;
		rt_strv cols = RT_STRV_INIT;
		memset(&x, 0, sizeof x);
		x.size = sizeof x;
		x.table = t->name;
		if ((rc = check_keys(r, g, what, K_INDEX)) < 0 || (rc = get_str(r, g, what, "name", 0, &x.name)) < 0 ||
		    (rc = get_str(r, g, what, "expression", 0, &x.expression)) < 0 ||
		    (rc = get_names(r, g, what, "columns", 0, &cols)) < 0 ||
		    (rc = get_bool(r, g, what, "unique", 0, &x.unique)) < 0 ||
		    (rc = get_str(r, g, what, "where", 0, &x.where)) < 0)
			goto out;
		if (!x.expression == !cols.n) {
			rc = fail(r, g, "%s: give exactly one of 'columns' and 'expression'", what);
			goto out;
		}
		if (x.expression && !x.name) {
			rc = fail(r, g, "%s: an index on an expression needs a name", what);
			goto out;
		}
		if ((rc = check_columns(r, g, what, t, &cols)) < 0)
			goto out;
		x.columns = (const char *const *)cols.v;
		x.ncolumns = cols.n;
		/* the builder wants a name: an unnamed index is added as "" and left unnamed (NULL) */
		if (!x.name)
			x.name = "";
		if ((rc = rt_schema_add_index(r->s, &x)) == RETORT_OK && !*x.name) {
			rt_free(t->indexes[t->nindexes - 1].name);
			t->indexes[t->nindexes - 1].name = NULL;
		}
	out:
		rt_strv_free(&cols);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

static int read_checks(const rd *r, const config_setting_t *tg, rt_schema_table *t)
{
	const config_setting_t *list;
	char what[300];
	int i, n, rc;
	snprintf(what, sizeof what, "table '%s': checks", t->name);
	if ((rc = get_groups(r, tg, what, "checks", &list, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		retort_reflect_constraint c;
		memset(&c, 0, sizeof c);
		c.size = sizeof c;
		c.kind = RETORT_CONSTRAINT_CHECK;
		c.table = t->name;
		if ((rc = check_keys(r, g, what, K_CHECK)) < 0 || (rc = get_str(r, g, what, "name", 0, &c.name)) < 0 ||
		    (rc = get_str(r, g, what, "expression", 1, &c.expression)) < 0 ||
		    (rc = rt_schema_add_constraint(r->s, &c)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Foreign keys come after every table, so they may name a table declared later. */
static int read_fks(const rd *r, const config_setting_t *tg, rt_schema_table *t)
{
	const config_setting_t *list;
	char what[300];
	int i, n, rc;
	snprintf(what, sizeof what, "table '%s': foreign_keys", t->name);
	if ((rc = get_groups(r, tg, what, "foreign_keys", &list, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		retort_reflect_constraint c;
		rt_strv cols = RT_STRV_INIT, refs = RT_STRV_INIT;
		const char *ref;
		char *ref_table = NULL;
		const rt_schema_table *rt;
		memset(&c, 0, sizeof c);
		c.size = sizeof c;
		c.kind = RETORT_CONSTRAINT_FOREIGN_KEY;
		c.table = t->name;
		if ((rc = check_keys(r, g, what, K_FK)) < 0 || (rc = get_str(r, g, what, "name", 0, &c.name)) < 0 ||
		    (rc = get_names(r, g, what, "columns", 1, &cols)) < 0 || (rc = check_columns(r, g, what, t, &cols)) < 0 ||
		    (rc = get_action(r, g, what, "on_delete", &c.on_delete)) < 0 ||
		    (rc = get_action(r, g, what, "on_update", &c.on_update)) < 0 ||
		    (rc = get_str(r, g, what, "references", 0, &ref)) < 0)
			goto out;
		if (ref) {
			if (member(g, "ref_table") || member(g, "ref_columns")) {
				rc = fail(r, member(g, "references"), "%s: give either 'references' or 'ref_table' and 'ref_columns'",
				          what);
				goto out;
			}
			if (rt_schema_references_parse(ref, &ref_table, &refs) < 0) {
				rc = fail(r, member(g, "references"), "%s: 'references' must read TABLE(COLUMN, ...): \"%s\"", what,
				          ref);
				goto out;
			}
		} else {
			const char *rtn;
			if ((rc = get_str(r, g, what, "ref_table", 1, &rtn)) < 0 ||
			    (rc = get_names(r, g, what, "ref_columns", 1, &refs)) < 0)
				goto out;
			if (!(ref_table = rt_strdup(rtn))) {
				rc = RETORT_ENOMEM;
				goto out;
			}
		}
		if (refs.n != cols.n) {
			rc = fail(r, g, "%s: %zu column(s) reference %zu", what, cols.n, refs.n);
			goto out;
		}
		if (!(rt = rt_schema_find_table(r->s, ref_table))) {
			rc = fail(r, g, "%s: references table '%s', which is not declared", what, ref_table);
			goto out;
		}
		if ((rc = check_columns(r, g, what, rt, &refs)) < 0)
			goto out;
		c.columns = (const char *const *)cols.v;
		c.ncolumns = cols.n;
		c.ref_table = ref_table;
		c.ref_columns = (const char *const *)refs.v;
		c.nref_columns = refs.n;
		rc = rt_schema_add_constraint(r->s, &c);
	out:
		rt_strv_free(&cols);
		rt_strv_free(&refs);
		rt_free(ref_table);
		if (rc < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Names must be unique: indexes across the schema, constraints within their table. */
static int check_names(const rd *r, const config_setting_t *tables)
{
	rt_strv seen = RT_STRV_INIT;
	size_t i, j;
	int rc = RETORT_OK;
	for (i = 0; i < r->s->ntables && rc == RETORT_OK; i++) {
		const rt_schema_table *t = &r->s->tables[i];
		const config_setting_t *tg = config_setting_get_elem(tables, (unsigned)i);
		rt_strv cons = RT_STRV_INIT;
		for (j = 0; j < t->nindexes && rc == RETORT_OK; j++) {
			if (!t->indexes[j].name)
				continue;
			if (rt_strv_find(&seen, t->indexes[j].name) >= 0)
				rc = fail(r, member(tg, "indexes"), "index name '%s' is used twice", t->indexes[j].name);
			else
				rc = rt_strv_push(&seen, t->indexes[j].name);
		}
#define CON(nm)                                                                                                        \
	if (rc == RETORT_OK && (nm)) {                                                                                 \
		if (rt_strv_find(&cons, (nm)) >= 0)                                                                    \
			rc = fail(r, tg, "table '%s': constraint name '%s' is used twice", t->name, (nm));             \
		else                                                                                                   \
			rc = rt_strv_push(&cons, (nm));                                                                \
	}
		if (t->primary_key)
			CON(t->primary_key->name);
		for (j = 0; j < t->nuniques; j++)
			CON(t->uniques[j].name);
		for (j = 0; j < t->nfks; j++)
			CON(t->fks[j].name);
		for (j = 0; j < t->nchecks; j++)
			CON(t->checks[j].name);
#undef CON
		rt_strv_free(&cons);
	}
	rt_strv_free(&seen);
	return rc;
}

static int read_tables(rd *r, const config_setting_t *top)
{
	const config_setting_t *list;
	int i, n, rc;
	if ((rc = get_groups(r, top, "tables", "tables", &list, &n)) < 0)
		return rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		const char *name, *comment, *renamed;
		if ((rc = check_keys(r, g, "table", K_TABLE)) < 0 || (rc = get_str(r, g, "table", "name", 1, &name)) < 0 ||
		    (rc = get_str(r, g, "table", "comment", 0, &comment)) < 0 ||
		    (rc = get_str(r, g, "table", "renamed_from", 0, &renamed)) < 0)
			return rc;
		if (rt_schema_find_table(r->s, name))
			return fail(r, g, "table '%s' is declared twice", name);
		if ((rc = rt_schema_add_table(r->s, name, comment)) < 0)
			return rc;
		if (renamed && !(rt_schema_find_table(r->s, name)->renamed_from = rt_strdup(renamed)))
			RT_CHECK_ALLOC(NULL);
	}
	/* columns, keys, indexes, checks per table; then the foreign keys, which may point anywhere */
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i), *pk_at = NULL;
		rt_schema_table *t = rt_schema_find_table(r->s, config_setting_get_string(member(g, "name")));
		rt_strv pk = RT_STRV_INIT;
		rc = read_columns(r, g, &t, &pk, &pk_at);
		if (rc == RETORT_OK)
			rc = read_primary_key(r, g, t, &pk, pk_at);
		rt_strv_free(&pk);
		if (rc < 0 || (rc = read_uniques(r, g, t)) < 0 || (rc = read_indexes(r, g, t)) < 0 ||
		    (rc = read_checks(r, g, t)) < 0)
			return rc;
	}
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		rt_schema_table *t = rt_schema_find_table(r->s, config_setting_get_string(member(g, "name")));
		if ((rc = read_fks(r, g, t)) < 0)
			return rc;
	}
	/* a renamed_from names a table that is not declared too */
	for (i = 0; i < n; i++) {
		const rt_schema_table *t = rt_schema_find_table(
			r->s, config_setting_get_string(member(config_setting_get_elem(list, (unsigned)i), "name")));
		if (t->renamed_from && rt_schema_find_table(r->s, t->renamed_from))
			return fail(r, member(config_setting_get_elem(list, (unsigned)i), "renamed_from"),
			            "table '%s': renamed_from '%s' is itself declared", t->name, t->renamed_from);
	}
	return list ? check_names(r, list) : RETORT_OK;
}

int rt_schema_read_conf(const char *path, rt_schema **out)
{
	config_t cfg;
	char *text = NULL, *fixed = NULL;
	size_t len = 0;
	rd r;
	int rc;

	*out = NULL;
	r.path = path;
	if ((rc = rt_file_read(&text, &len, path)) < 0) {
		rt_error_prefix("target_schema");
		return rc == RETORT_ENOMEM ? rc : RETORT_EINVAL;
	}
	if ((rc = rt_conftext_check(&fixed, text, len, path)) < 0) {
		rt_free(text);
		return rc;
	}
	config_init(&cfg);
	if (!config_read_string(&cfg, fixed ? fixed : text)) {
		rt_error_set("%s:%d: %s", path, config_error_line(&cfg), config_error_text(&cfg));
		rc = RETORT_EINVAL;
		goto done;
	}
	if (!(r.s = rt_schema_new())) {
		rc = RETORT_ENOMEM;
		goto done;
	}
	if ((rc = check_keys(&r, config_root_setting(&cfg), "target schema", K_TOP)) < 0 ||
	    (rc = read_enums(&r, config_root_setting(&cfg))) < 0 || (rc = read_tables(&r, config_root_setting(&cfg))) < 0) {
		rt_schema_free(r.s);
		goto done;
	}
	rt_schema_sort(r.s);
	*out = r.s;
done:
	config_destroy(&cfg);
	rt_free(text);
	rt_free(fixed);
	return rc;
}
