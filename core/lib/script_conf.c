/*
 * .conf revision scripts through libconfig: the identity keys and the
 * operations, each checked (unknown keys and wrong types are errors naming
 * file:line).
 *
 * Rules the script format leaves open, as chosen here:
 *  - alter_column: `server_default = "expr"` sets a default ("" is an
 *    error), `drop_server_default = true` drops it; giving both is an error.
 *  - portable types are matched case-insensitively; a portable name must be
 *    well formed: varchar(n) with n >= 1; numeric, numeric(p) or
 *    numeric(p,s) with 1 <= p and 0 <= s <= p; the other portable names take
 *    no arguments.  Any other type is passed through verbatim.
 *  - op positions in messages count from 0: upgrade[0] is the first op.
 *  - `@include` is refused: the checksum would not cover the included file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "conftext.h"
#include "rt.h"
#include "schema.h"
#include "script_priv.h"

/* ---- op names and the keys each op takes ---- */

static const char *const K_CREATE_TABLE[] = {"table", "columns", "primary_key", "unique", "foreign_keys",
					     "checks", "comment", NULL};
static const char *const K_TABLE[] = {"table", NULL};
static const char *const K_RENAME_TABLE[] = {"table", "new_name", NULL};
static const char *const K_ADD_COLUMN[] = {"table", "column", NULL};
static const char *const K_ALTER_COLUMN[] = {"table", "column", "type", "nullable", "server_default",
					     "drop_server_default", "new_name", "comment", "existing_type",
					     "existing_nullable", "existing_server_default", "existing_comment",
					     "autoincrement", "existing_autoincrement", NULL};
static const char *const K_CREATE_INDEX[] = {"name",  "table",        "columns",    "expression",
					     "unique", "where", "concurrently", NULL};
static const char *const K_DROP_INDEX[] = {"name", "table", "concurrently", NULL};
static const char *const K_NAMED_COLUMNS[] = {"name", "table", "columns", NULL};
static const char *const K_CREATE_FK[] = {"name", "table", "columns", "references", "ref_table", "ref_columns",
					  "on_delete", "on_update", NULL};
static const char *const K_CREATE_CHECK[] = {"name", "table", "expression", NULL};
static const char *const K_DROP_CONSTRAINT[] = {"name", "table", "type", NULL};
static const char *const K_BULK_INSERT[] = {"table", "rows", NULL};
static const char *const K_EXECUTE[] = {"sql", NULL};
static const char *const K_CREATE_ENUM[] = {"name", "values", NULL};
static const char *const K_DROP_ENUM[] = {"name", NULL};
static const char *const K_TABLE_COMMENT[] = {"table", "comment", NULL};
static const char *const K_ADD_ENUM_VALUE[] = {"name", "value", "before", "after", NULL};

static const char *const K_COLUMN[] = {"name", "type", "nullable", "primary_key", "autoincrement", "unique",
				       "server_default", "comment", NULL};
static const char *const K_CONSTRAINT[] = {"name", "columns", NULL};
static const char *const K_CHECK[] = {"name", "expression", NULL};
static const char *const K_FK[] = {"name", "columns", "references", "ref_table", "ref_columns", "on_delete",
				   "on_update", NULL};

/* Indexed by kind - 1. */
static const struct opdef {
	const char *name;
	retort_op_kind kind;
	const char *const *keys;
} opdefs[] = {
	{"create_table", RETORT_OP_CREATE_TABLE, K_CREATE_TABLE},
	{"drop_table", RETORT_OP_DROP_TABLE, K_TABLE},
	{"rename_table", RETORT_OP_RENAME_TABLE, K_RENAME_TABLE},
	{"add_column", RETORT_OP_ADD_COLUMN, K_ADD_COLUMN},
	{"drop_column", RETORT_OP_DROP_COLUMN, K_ADD_COLUMN},
	{"alter_column", RETORT_OP_ALTER_COLUMN, K_ALTER_COLUMN},
	{"create_index", RETORT_OP_CREATE_INDEX, K_CREATE_INDEX},
	{"drop_index", RETORT_OP_DROP_INDEX, K_DROP_INDEX},
	{"create_unique_constraint", RETORT_OP_CREATE_UNIQUE_CONSTRAINT, K_NAMED_COLUMNS},
	{"create_foreign_key", RETORT_OP_CREATE_FOREIGN_KEY, K_CREATE_FK},
	{"create_check_constraint", RETORT_OP_CREATE_CHECK_CONSTRAINT, K_CREATE_CHECK},
	{"create_primary_key", RETORT_OP_CREATE_PRIMARY_KEY, K_NAMED_COLUMNS},
	{"drop_constraint", RETORT_OP_DROP_CONSTRAINT, K_DROP_CONSTRAINT},
	{"bulk_insert", RETORT_OP_BULK_INSERT, K_BULK_INSERT},
	{"execute", RETORT_OP_EXECUTE, K_EXECUTE},
	{"create_enum", RETORT_OP_CREATE_ENUM, K_CREATE_ENUM},
	{"drop_enum", RETORT_OP_DROP_ENUM, K_DROP_ENUM},
	{"set_table_comment", RETORT_OP_SET_TABLE_COMMENT, K_TABLE_COMMENT},
	{"add_enum_value", RETORT_OP_ADD_ENUM_VALUE, K_ADD_ENUM_VALUE},
	{"alter_enum", RETORT_OP_ALTER_ENUM, K_CREATE_ENUM},
};
#define NOPDEFS (sizeof opdefs / sizeof opdefs[0])

retort_op_kind rt_op_kind_from_name(const char *name)
{
	size_t i;
	if (!name)
		return (retort_op_kind)0;
	for (i = 0; i < NOPDEFS; i++)
		if (strcmp(opdefs[i].name, name) == 0)
			return opdefs[i].kind;
	return (retort_op_kind)0;
}

const char *rt_op_kind_name(retort_op_kind kind)
{
	if ((int)kind < 1 || (size_t)kind > NOPDEFS)
		return NULL;
	return opdefs[kind - 1].name;
}

/* ---- .conf: identity ---- */

static int fail_at(const char *path, const config_setting_t *s, const char *fmt, ...) RT_PRINTF(3, 4);
static int fail_at(const char *path, const config_setting_t *s, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rt_error_set("%s:%d: %s", path, s ? config_setting_source_line(s) : 0, msg);
	return RETORT_EINVAL;
}

/* A string or an array/list of strings, appended to sv. */
static int conf_words(rt_strv *sv, const char *path, const config_setting_t *s, const char *key)
{
	int i, n, type = config_setting_type(s);
	if (type == CONFIG_TYPE_STRING) {
		const char *v = config_setting_get_string(s);
		if (rt_script_bad_word(v))
			return fail_at(path, s, "'%s' must not be empty or contain white space", key);
		RT_CHECK_ALLOC(rt_strv_push(sv, v) == 0 ? sv : NULL);
		return RETORT_OK;
	}
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return fail_at(path, s, "'%s' must be a string or an array of strings", key);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		const char *v;
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return fail_at(path, e, "'%s' must be a string or an array of strings", key);
		v = config_setting_get_string(e);
		if (rt_script_bad_word(v))
			return fail_at(path, e, "'%s' must not be empty or contain white space", key);
		RT_CHECK_ALLOC(rt_strv_push(sv, v) == 0 ? sv : NULL);
	}
	return RETORT_OK;
}

static int conf_string(char **out, const char *path, const config_setting_t *s, const char *key)
{
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return fail_at(path, s, "'%s' must be a string", key);
	if (*out)
		return fail_at(path, s, "'%s' given twice", key);
	*out = rt_strdup(config_setting_get_string(s));
	RT_CHECK_ALLOC(*out);
	return RETORT_OK;
}

static int conf_ident(rt_revision *rev, const config_t *cfg)
{
	const config_setting_t *root = config_root_setting(cfg);
	int i, n = config_setting_length(root), rc;
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(root, (unsigned)i);
		const char *key = config_setting_name(s);
		rc = RETORT_OK;
		if (strcmp(key, "revision") == 0) {
			if ((rc = conf_string(&rev->id, rev->path, s, key)) < 0)
				return rc;
			rev->id_line = config_setting_source_line(s);
			if ((rc = rt_script_check_id(rev, rev->id, rev->id_line)) < 0)
				return rc;
		} else if (strcmp(key, "down_revision") == 0) {
			rc = conf_words(&rev->parents, rev->path, s, key);
		} else if (strcmp(key, "branch_labels") == 0) {
			rc = conf_words(&rev->labels, rev->path, s, key);
		} else if (strcmp(key, "depends_on") == 0) {
			rc = conf_words(&rev->depends_on, rev->path, s, key);
		} else if (strcmp(key, "message") == 0) {
			rc = conf_string(&rev->message, rev->path, s, key);
		} else if (strcmp(key, "create_date") == 0) {
			rc = conf_string(&rev->create_date, rev->path, s, key);
		} else if (strcmp(key, "allow") == 0) {
			rt_strv words = RT_STRV_INIT;
			rc = conf_words(&words, rev->path, s, key);
			rt_strv_free(&words);
		} else if (strcmp(key, "test_data") == 0 || strcmp(key, "test_check") == 0) {
			if (config_setting_type(s) != CONFIG_TYPE_STRING)
				return fail_at(rev->path, s, "'%s' must be a string of SQL", key);
		} else if (strcmp(key, "upgrade") == 0 || strcmp(key, "downgrade") == 0) {
			int type = config_setting_type(s);
			if (type != CONFIG_TYPE_LIST && !(type == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0))
				return fail_at(rev->path, s, "'%s' must be a list of operations: %s = ( { op = \"...\"; ... } );",
					       key, key);
		} else {
			return fail_at(rev->path, s, "unknown key '%s'", key);
		}
		if (rc < 0)
			return rc;
	}
	if (!rev->id) {
		rt_error_set("%s: no revision id (revision = \"...\";)", rev->path);
		return RETORT_EINVAL;
	}
	return RETORT_OK;
}

/*
 * `retort test`'s sections: test_data, SQL statements split as a .sql
 * script's are; test_check, one query.  Both copied into the store.
 */
static int conf_test_sql(rt_revision *rev, rt_store *st)
{
	const config_setting_t *s;
	const char *v;
	char *text;
	int rc;
	if ((s = config_lookup(st->cfg, "test_data")) != NULL) {
		v = config_setting_get_string(s);
		if (!(text = rt_store_strndup(st, v, strlen(v))))
			return rt_script_nomem();
		if ((rc = rt_script_sql_ops(&rev->test_data, &rev->ntest_data, st, rev->path, text, 0, strlen(text),
		                            config_setting_source_line(s))) < 0)
			return rc;
	}
	if ((s = config_lookup(st->cfg, "test_check")) != NULL) {
		retort_op *q = NULL;
		size_t nq = 0;
		v = config_setting_get_string(s);
		if (!(text = rt_store_strndup(st, v, strlen(v))))
			return rt_script_nomem();
		if ((rc = rt_script_sql_ops(&q, &nq, st, rev->path, text, 0, strlen(text), config_setting_source_line(s))) < 0)
			return rc;
		if (nq != 1)
			return fail_at(rev->path, s, "'test_check' takes one query (it has %zu statements)", nq);
		rev->test_check = q[0].sql;
		rev->test_check_line = config_setting_source_line(s);
	}
	return RETORT_OK;
}

/* ---- .conf: operations ---- */

typedef struct opctx {
	const char *path;
	rt_store *st;
	const char *section; /* "upgrade" or "downgrade" */
	retort_section sec;
	rt_annots *annots;   /* where `allow` goes */
	unsigned index;
	retort_op_more *more; /* what the op carries beyond retort_op (size set when it has any) */
	const char *opname; /* NULL until known */
	int line;           /* the op group's line */
} opctx;

static int op_fail(const opctx *c, const config_setting_t *at, const char *fmt, ...) RT_PRINTF(3, 4);
static int op_fail(const opctx *c, const config_setting_t *at, const char *fmt, ...)
{
	char msg[1024];
	int line = at ? config_setting_source_line(at) : 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line <= 0)
		line = c->line;
	if (c->opname)
		rt_error_set("%s:%d: %s[%u] (%s): %s", c->path, line, c->section, c->index, c->opname, msg);
	else
		rt_error_set("%s:%d: %s[%u]: %s", c->path, line, c->section, c->index, msg);
	return RETORT_EINVAL;
}

#define F_REQ 1      /* required */
#define F_EMPTY_OK 2 /* "" allowed */

static config_setting_t *member(const config_setting_t *g, const char *key)
{
	return config_setting_get_member(g, key);
}

static int check_keys(const opctx *c, const config_setting_t *g, const char *where, const char *const *keys, int op)
{
	int i, n = config_setting_length(g);
	for (i = 0; i < n; i++) {
		const config_setting_t *s = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(s);
		const char *const *k;
		if (op && (strcmp(name, "op") == 0 || strcmp(name, "dialect") == 0 || strcmp(name, "allow") == 0))
			continue;
		for (k = keys; *k; k++)
			if (strcmp(*k, name) == 0)
				break;
		if (!*k)
			return op_fail(c, s, "%sunknown key '%s'", where, name);
	}
	return RETORT_OK;
}

static int get_str(const char **out, const opctx *c, const config_setting_t *g, const char *where, const char *key,
		   int flags)
{
	const config_setting_t *s = member(g, key);
	const char *v;
	if (!s) {
		if (flags & F_REQ)
			return op_fail(c, g, "%smissing required key '%s'", where, key);
		return RETORT_OK;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return op_fail(c, s, "%s'%s' must be a string", where, key);
	v = config_setting_get_string(s);
	if (!*v && !(flags & F_EMPTY_OK))
		return op_fail(c, s, "%s'%s' must not be empty", where, key);
	*out = v;
	return RETORT_OK;
}

/* A boolean; *out = dflt when absent. */
static int get_bool(int *out, const opctx *c, const config_setting_t *g, const char *where, const char *key, int dflt)
{
	const config_setting_t *s = member(g, key);
	if (!s) {
		*out = dflt;
		return RETORT_OK;
	}
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return op_fail(c, s, "%s'%s' must be true or false", where, key);
	*out = config_setting_get_bool(s) ? 1 : 0;
	return RETORT_OK;
}

/* A non-empty array (or list) of non-empty strings. */
static int get_names(const char *const **out, size_t *nout, const opctx *c, const config_setting_t *g,
		     const char *where, const char *key, int flags)
{
	const config_setting_t *s = member(g, key);
	const char **v;
	int i, n, type;
	if (!s) {
		if (flags & F_REQ)
			return op_fail(c, g, "%smissing required key '%s'", where, key);
		return RETORT_OK;
	}
	type = config_setting_type(s);
	n = config_setting_length(s);
	if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		return op_fail(c, s, "%s'%s' must be an array of strings: %s = [ \"a\", \"b\" ]", where, key, key);
	if (n == 0)
		return op_fail(c, s, "%s'%s' must not be empty", where, key);
	v = rt_store_alloc(c->st, (size_t)n * sizeof *v);
	if (!v)
		return rt_script_nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return op_fail(c, e, "%s'%s' must be an array of strings: %s = [ \"a\", \"b\" ]", where, key,
				       key);
		v[i] = config_setting_get_string(e);
		if (!*v[i])
			return op_fail(c, e, "%s'%s' must not contain an empty name", where, key);
	}
	*out = v;
	*nout = (size_t)n;
	return RETORT_OK;
}

/* A list of groups (possibly empty when optional); *n = 0 when absent. */
static int get_groups(const config_setting_t **out, int *n, const opctx *c, const config_setting_t *g,
		      const char *where, const char *key, int flags)
{
	const config_setting_t *s = member(g, key);
	int i, type;
	*out = NULL;
	*n = 0;
	if (!s) {
		if (flags & F_REQ)
			return op_fail(c, g, "%smissing required key '%s'", where, key);
		return RETORT_OK;
	}
	type = config_setting_type(s);
	if (type == CONFIG_TYPE_ARRAY && config_setting_length(s) == 0)
		type = CONFIG_TYPE_LIST;
	if (type != CONFIG_TYPE_LIST)
		return op_fail(c, s, "%s'%s' must be a list of groups: %s = ( { ... }, ... )", where, key, key);
	*n = config_setting_length(s);
	if (*n == 0 && (flags & F_REQ))
		return op_fail(c, s, "%s'%s' must not be empty", where, key);
	for (i = 0; i < *n; i++) {
		const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return op_fail(c, e, "%s'%s' must be a list of groups: %s = ( { ... }, ... )", where, key,
				       key);
	}
	*out = s;
	return RETORT_OK;
}

/* ---- portable types ---- */

static const char *const portable_types[] = {"integer", "bigint", "smallint", "boolean", "varchar", "text",
					     "numeric", "real", "double", "date", "time", "timestamp",
					     "timestamptz", "blob", "json", "uuid", NULL};

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Reads up to 3 unsigned ints of "(a, b)"; returns the count or -1 when malformed. */
static int type_args(long *args, const char *p)
{
	int n = 0;
	p = skip_sp(p);
	if (*p != '(')
		return -1;
	p = skip_sp(p + 1);
	for (;;) {
		long v = 0;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			if (v < 100000)
				v = v * 10 + (*p - '0');
			p++;
			digits++;
		}
		if (!digits || n == 3)
			return -1;
		args[n++] = v;
		p = skip_sp(p);
		if (*p == ',') {
			p = skip_sp(p + 1);
			continue;
		}
		if (*p != ')')
			return -1;
		p = skip_sp(p + 1);
		return *p ? -1 : n;
	}
}

/* NULL when `t` is acceptable, else what is wrong with it. */
static const char *type_problem(const char *t)
{
	size_t n = strcspn(t, "("), k;
	const char *const *pt;
	long args[3];
	int nargs;
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	for (pt = portable_types; *pt; pt++)
		if (strlen(*pt) == n && strncasecmp(*pt, t, n) == 0)
			break;
	if (!*pt)
		return NULL; /* verbatim */
	k = strcspn(t, "(");
	if (strcmp(*pt, "varchar") == 0) {
		nargs = t[k] ? type_args(args, t + k) : 0;
		if (nargs != 1 || args[0] < 1)
			return "varchar needs a length: varchar(n) with n >= 1";
		return NULL;
	}
	if (strcmp(*pt, "numeric") == 0) {
		if (!t[k])
			return NULL;
		nargs = type_args(args, t + k);
		if (nargs == 1 && args[0] >= 1)
			return NULL;
		if (nargs == 2 && args[0] >= 1 && args[1] <= args[0])
			return NULL;
		return "numeric takes numeric(p) or numeric(p,s) with 1 <= p and 0 <= s <= p";
	}
	if (t[k])
		return "this portable type takes no arguments";
	return NULL;
}

static int get_type(const char **out, const opctx *c, const config_setting_t *g, const char *where, const char *key,
		    int flags)
{
	const char *why;
	int rc = get_str(out, c, g, where, key, flags);
	if (rc < 0 || !*out)
		return rc;
	if ((why = type_problem(*out)) != NULL)
		return op_fail(c, member(g, key), "%sbad type '%s': %s", where, *out, why);
	return RETORT_OK;
}

/* ---- pieces of ops ---- */

static int parse_column(retort_column *col, const opctx *c, const config_setting_t *g, const char *where)
{
	int rc;
	col->size = sizeof *col;
	if ((rc = check_keys(c, g, where, K_COLUMN, 0)) < 0 || (rc = get_str(&col->name, c, g, where, "name", F_REQ)) < 0 ||
	    (rc = get_type(&col->type, c, g, where, "type", F_REQ)) < 0 ||
	    (rc = get_bool(&col->nullable, c, g, where, "nullable", RETORT_UNSET)) < 0 ||
	    (rc = get_bool(&col->primary_key, c, g, where, "primary_key", 0)) < 0 ||
	    (rc = get_bool(&col->autoincrement, c, g, where, "autoincrement", 0)) < 0 ||
	    (rc = get_bool(&col->unique, c, g, where, "unique", 0)) < 0 ||
	    (rc = get_str(&col->server_default, c, g, where, "server_default", 0)) < 0 ||
	    (rc = get_str(&col->comment, c, g, where, "comment", F_EMPTY_OK)) < 0)
		return rc;
	return RETORT_OK;
}

/* "cascade", "set null", ...: the canonical spelling. */
static int get_action(const char **out, const opctx *c, const config_setting_t *g, const char *where, const char *key)
{
	static const char *const actions[] = {"cascade", "set null", "set default", "restrict", "no action", NULL};
	const char *const *a;
	const char *v = NULL;
	int rc = get_str(&v, c, g, where, key, 0);
	if (rc < 0 || !v)
		return rc;
	for (a = actions; *a; a++)
		if (strcasecmp(*a, v) == 0) {
			*out = *a;
			return RETORT_OK;
		}
	return op_fail(c, member(g, key), "%s'%s' must be one of cascade, set null, set default, restrict, no action",
		       where, key);
}

/* "table(c1, c2)" into ref_table and ref_columns (a name may be in double quotes: "my t"("a""b")). */
static int parse_references(retort_foreign_key *fk, const opctx *c, const config_setting_t *s, const char *where)
{
	char *table = NULL;
	rt_strv cols = RT_STRV_INIT;
	const char **v;
	size_t i;
	int rc = RETORT_OK;
	if (rt_schema_references_parse(config_setting_get_string(s), &table, &cols) < 0)
		return op_fail(c, s, "%s'references' must look like \"table(column, ...)\"", where);
	if (!(fk->ref_table = rt_store_strndup(c->st, table, strlen(table))) ||
	    !(v = rt_store_alloc(c->st, cols.n * sizeof *v))) {
		rc = rt_script_nomem();
		goto done;
	}
	for (i = 0; i < cols.n; i++)
		if (!(v[i] = rt_store_strndup(c->st, cols.v[i], strlen(cols.v[i])))) {
			rc = rt_script_nomem();
			goto done;
		}
	fk->ref_columns = v;
	fk->nref_columns = cols.n;
done:
	rt_free(table);
	rt_strv_free(&cols);
	return rc;
}

static int parse_fk(retort_foreign_key *fk, const opctx *c, const config_setting_t *g, const char *where,
		    int name_flags)
{
	const config_setting_t *refs = member(g, "references");
	int rc;
	fk->size = sizeof *fk;
	if ((rc = get_str(&fk->name, c, g, where, "name", name_flags)) < 0 ||
	    (rc = get_names(&fk->columns, &fk->ncolumns, c, g, where, "columns", F_REQ)) < 0 ||
	    (rc = get_action(&fk->on_delete, c, g, where, "on_delete")) < 0 ||
	    (rc = get_action(&fk->on_update, c, g, where, "on_update")) < 0)
		return rc;
	if (refs) {
		if (member(g, "ref_table") || member(g, "ref_columns"))
			return op_fail(c, refs, "%sgive either 'references' or 'ref_table' and 'ref_columns'", where);
		if (config_setting_type(refs) != CONFIG_TYPE_STRING)
			return op_fail(c, refs, "%s'references' must be a string", where);
		if ((rc = parse_references(fk, c, refs, where)) < 0)
			return rc;
	} else {
		if (!member(g, "ref_table"))
			return op_fail(c, g, "%smissing required key 'references' (or 'ref_table' and 'ref_columns')",
				       where);
		if ((rc = get_str(&fk->ref_table, c, g, where, "ref_table", F_REQ)) < 0 ||
		    (rc = get_names(&fk->ref_columns, &fk->nref_columns, c, g, where, "ref_columns", F_REQ)) < 0)
			return rc;
	}
	if (fk->ncolumns != fk->nref_columns)
		return op_fail(c, refs ? refs : g, "%sforeign key has %zu column(s) but references %zu", where,
			       fk->ncolumns, fk->nref_columns);
	return RETORT_OK;
}

static int parse_create_table(retort_op *op, const opctx *c, const config_setting_t *g)
{
	const config_setting_t *list;
	char where[64];
	int i, j, n, rc;
	retort_column *cols;
	retort_constraint *ks;
	retort_foreign_key *fks;

	if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
	    (rc = get_str(&op->comment, c, g, "", "comment", F_EMPTY_OK)) < 0 ||
	    (rc = get_groups(&list, &n, c, g, "", "columns", F_REQ)) < 0)
		return rc;
	if (!(cols = rt_store_alloc(c->st, (size_t)n * sizeof *cols)))
		return rt_script_nomem();
	for (i = 0; i < n; i++) {
		snprintf(where, sizeof where, "columns[%d]: ", i);
		if ((rc = parse_column(&cols[i], c, config_setting_get_elem(list, (unsigned)i), where)) < 0)
			return rc;
		for (j = 0; j < i; j++)
			if (strcmp(cols[j].name, cols[i].name) == 0)
				return op_fail(c, config_setting_get_elem(list, (unsigned)i),
					       "%sduplicate column '%s'", where, cols[i].name);
	}
	op->columns = cols;
	op->ncolumns = (size_t)n;

	if ((list = member(g, "primary_key")) != NULL) {
		if (config_setting_type(list) != CONFIG_TYPE_GROUP)
			return op_fail(c, list, "'primary_key' must be a group: primary_key = { columns = [ ... ]; }");
		if (!(ks = rt_store_alloc(c->st, sizeof *ks)))
			return rt_script_nomem();
		ks->size = sizeof *ks;
		if ((rc = check_keys(c, list, "primary_key: ", K_CONSTRAINT, 0)) < 0 ||
		    (rc = get_str(&ks->name, c, list, "primary_key: ", "name", 0)) < 0 ||
		    (rc = get_names(&ks->columns, &ks->ncolumns, c, list, "primary_key: ", "columns", F_REQ)) < 0)
			return rc;
		op->primary_key = ks;
	}

	if ((rc = get_groups(&list, &n, c, g, "", "unique", 0)) < 0)
		return rc;
	if (n > 0) {
		if (!(ks = rt_store_alloc(c->st, (size_t)n * sizeof *ks)))
			return rt_script_nomem();
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
			snprintf(where, sizeof where, "unique[%d]: ", i);
			ks[i].size = sizeof ks[i];
			if ((rc = check_keys(c, e, where, K_CONSTRAINT, 0)) < 0 ||
			    (rc = get_str(&ks[i].name, c, e, where, "name", 0)) < 0 ||
			    (rc = get_names(&ks[i].columns, &ks[i].ncolumns, c, e, where, "columns", F_REQ)) < 0)
				return rc;
		}
		op->uniques = ks;
		op->nuniques = (size_t)n;
	}

	if ((rc = get_groups(&list, &n, c, g, "", "foreign_keys", 0)) < 0)
		return rc;
	if (n > 0) {
		if (!(fks = rt_store_alloc(c->st, (size_t)n * sizeof *fks)))
			return rt_script_nomem();
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
			snprintf(where, sizeof where, "foreign_keys[%d]: ", i);
			if ((rc = check_keys(c, e, where, K_FK, 0)) < 0 || (rc = parse_fk(&fks[i], c, e, where, 0)) < 0)
				return rc;
		}
		op->foreign_keys = fks;
		op->nforeign_keys = (size_t)n;
	}

	if ((rc = get_groups(&list, &n, c, g, "", "checks", 0)) < 0)
		return rc;
	if (n > 0) {
		if (!(ks = rt_store_alloc(c->st, (size_t)n * sizeof *ks)))
			return rt_script_nomem();
		for (i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(list, (unsigned)i);
			snprintf(where, sizeof where, "checks[%d]: ", i);
			ks[i].size = sizeof ks[i];
			if ((rc = check_keys(c, e, where, K_CHECK, 0)) < 0 ||
			    (rc = get_str(&ks[i].name, c, e, where, "name", 0)) < 0 ||
			    (rc = get_str(&ks[i].expression, c, e, where, "expression", F_REQ)) < 0)
				return rc;
		}
		op->checks = ks;
		op->nchecks = (size_t)n;
	}
	return RETORT_OK;
}

static int parse_alter_column(retort_op *op, const opctx *c, const config_setting_t *g)
{
	int drop = 0, rc;
	if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
	    (rc = get_str(&op->column, c, g, "", "column", F_REQ)) < 0 ||
	    (rc = get_type(&op->type, c, g, "", "type", 0)) < 0 ||
	    (rc = get_bool(&op->nullable, c, g, "", "nullable", RETORT_UNSET)) < 0 ||
	    (rc = get_str(&op->server_default, c, g, "", "server_default", 0)) < 0 ||
	    (rc = get_bool(&drop, c, g, "", "drop_server_default", 0)) < 0 ||
	    (rc = get_str(&op->new_name, c, g, "", "new_name", 0)) < 0 ||
	    (rc = get_str(&op->comment, c, g, "", "comment", F_EMPTY_OK)) < 0 ||
	    (rc = get_type(&op->existing_type, c, g, "", "existing_type", 0)) < 0 ||
	    (rc = get_bool(&op->existing_nullable, c, g, "", "existing_nullable", RETORT_UNSET)) < 0 ||
	    (rc = get_str(&op->existing_server_default, c, g, "", "existing_server_default", 0)) < 0 ||
	    (rc = get_str(&op->existing_comment, c, g, "", "existing_comment", F_EMPTY_OK)) < 0 ||
	    (rc = get_bool(&c->more->autoincrement, c, g, "", "autoincrement", RETORT_UNSET)) < 0 ||
	    (rc = get_bool(&c->more->existing_autoincrement, c, g, "", "existing_autoincrement", RETORT_UNSET)) < 0)
		return rc;
	if (drop && op->server_default)
		return op_fail(c, member(g, "drop_server_default"),
			       "'server_default' and 'drop_server_default' cannot both be given");
	op->set_server_default = op->server_default || drop;
	if (c->more->autoincrement != RETORT_UNSET || c->more->existing_autoincrement != RETORT_UNSET)
		c->more->size = sizeof *c->more;
	if (!op->type && op->nullable == RETORT_UNSET && !op->set_server_default && !op->new_name && !op->comment &&
	    c->more->autoincrement == RETORT_UNSET)
		return op_fail(c, g,
			       "nothing to change: give type, nullable, server_default, drop_server_default, new_name, "
			       "comment or autoincrement");
	return RETORT_OK;
}

static int format_value(retort_value *v, const opctx *c, const config_setting_t *s, const char *where)
{
	char buf[64];
	int prec;
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_STRING:
		v->type = RETORT_VALUE_STRING;
		v->text = config_setting_get_string(s);
		return RETORT_OK;
	case CONFIG_TYPE_BOOL:
		v->type = RETORT_VALUE_BOOL;
		v->text = config_setting_get_bool(s) ? "1" : "0";
		return RETORT_OK;
	case CONFIG_TYPE_INT:
		v->type = RETORT_VALUE_INT;
		snprintf(buf, sizeof buf, "%d", config_setting_get_int(s));
		break;
	case CONFIG_TYPE_INT64:
		v->type = RETORT_VALUE_INT;
		snprintf(buf, sizeof buf, "%lld", config_setting_get_int64(s));
		break;
	case CONFIG_TYPE_FLOAT: {
		double d = config_setting_get_float(s);
		v->type = RETORT_VALUE_FLOAT;
		/* the shortest text that reads back as the same double */
		for (prec = 1; prec <= 17; prec++) {
			snprintf(buf, sizeof buf, "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
		break;
	}
	default:
		return op_fail(c, s, "%svalue of '%s' must be a number, a string or a boolean", where,
			       config_setting_name(s));
	}
	if (!(v->text = rt_store_strndup(c->st, buf, strlen(buf))))
		return rt_script_nomem();
	return RETORT_OK;
}

static int parse_bulk_insert(retort_op *op, const opctx *c, const config_setting_t *g)
{
	const config_setting_t *rows;
	const char **names;
	retort_value *vals;
	char where[64];
	size_t total = 0, ncols = 0, k;
	int i, j, n, m, rc;

	if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
	    (rc = get_groups(&rows, &n, c, g, "", "rows", F_REQ)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		total += (size_t)config_setting_length(config_setting_get_elem(rows, (unsigned)i));
	if (total == 0)
		return op_fail(c, rows, "'rows' has no values");
	if (!(names = rt_store_alloc(c->st, total * sizeof *names)))
		return rt_script_nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *row = config_setting_get_elem(rows, (unsigned)i);
		m = config_setting_length(row);
		for (j = 0; j < m; j++) {
			const char *name = config_setting_name(config_setting_get_elem(row, (unsigned)j));
			for (k = 0; k < ncols && strcmp(names[k], name) != 0; k++)
				;
			if (k == ncols)
				names[ncols++] = name;
		}
	}
	if (!(vals = rt_store_alloc(c->st, (size_t)n * ncols * sizeof *vals)))
		return rt_script_nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *row = config_setting_get_elem(rows, (unsigned)i);
		snprintf(where, sizeof where, "rows[%d]: ", i);
		m = config_setting_length(row);
		for (j = 0; j < m; j++) {
			const config_setting_t *s = config_setting_get_elem(row, (unsigned)j);
			const char *name = config_setting_name(s);
			for (k = 0; strcmp(names[k], name) != 0; k++)
				;
			if ((rc = format_value(&vals[(size_t)i * ncols + k], c, s, where)) < 0)
				return rc;
		}
	}
	op->column_names = names;
	op->ncolumn_names = ncols;
	op->rows = vals;
	op->nrows = (size_t)n;
	return RETORT_OK;
}

static int parse_op_body(retort_op *op, const opctx *c, const config_setting_t *g)
{
	const config_setting_t *s;
	retort_column *col;
	retort_foreign_key *fk;
	const char *type = NULL;
	int rc = RETORT_OK;

	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		return parse_create_table(op, c, g);
	case RETORT_OP_DROP_TABLE:
		return get_str(&op->table, c, g, "", "table", F_REQ);
	case RETORT_OP_RENAME_TABLE:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_str(&op->new_name, c, g, "", "new_name", F_REQ);
	case RETORT_OP_ADD_COLUMN:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		if (!(s = member(g, "column")))
			return op_fail(c, g, "missing required key 'column'");
		if (config_setting_type(s) != CONFIG_TYPE_GROUP)
			return op_fail(c, s, "'column' must be a group: column = { name = \"...\"; type = \"...\"; }");
		if (!(col = rt_store_alloc(c->st, sizeof *col)))
			return rt_script_nomem();
		if ((rc = parse_column(col, c, s, "column: ")) < 0)
			return rc;
		op->columns = col;
		op->ncolumns = 1;
		return RETORT_OK;
	case RETORT_OP_DROP_COLUMN:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_str(&op->column, c, g, "", "column", F_REQ);
	case RETORT_OP_ALTER_COLUMN:
		return parse_alter_column(op, c, g);
	case RETORT_OP_CREATE_INDEX:
		if ((rc = get_str(&op->name, c, g, "", "name", 0)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = get_names(&op->column_names, &op->ncolumn_names, c, g, "", "columns", 0)) < 0 ||
		    (rc = get_str(&op->expression, c, g, "", "expression", 0)) < 0 ||
		    (rc = get_bool(&op->unique, c, g, "", "unique", 0)) < 0 ||
		    (rc = get_str(&op->where, c, g, "", "where", 0)) < 0 ||
		    (rc = get_bool(&op->concurrently, c, g, "", "concurrently", 0)) < 0)
			return rc;
		/* an index is on columns or on an expression (the whole key list as SQL), never both */
		if (op->expression && op->column_names)
			return op_fail(c, member(g, "expression"), "give either 'columns' or 'expression', not both");
		if (!op->expression && !op->column_names)
			return op_fail(c, g, "missing required key 'columns' (or 'expression' for an index on expressions)");
		if (op->expression && !op->name)
			return op_fail(c, member(g, "expression"),
				       "an index on an expression needs a name: no policy names one from an expression");
		return RETORT_OK;
	case RETORT_OP_ADD_ENUM_VALUE: {
		const char *v = NULL;
		if ((rc = get_str(&op->name, c, g, "", "name", F_REQ)) < 0 || (rc = get_str(&v, c, g, "", "value", F_REQ)) < 0 ||
		    (rc = get_str(&c->more->before, c, g, "", "before", 0)) < 0 ||
		    (rc = get_str(&c->more->after, c, g, "", "after", 0)) < 0)
			return rc;
		if (c->more->before && c->more->after)
			return op_fail(c, member(g, "after"), "give either 'before' or 'after', not both");
		if ((c->more->before && strcmp(c->more->before, v) == 0) || (c->more->after && strcmp(c->more->after, v) == 0))
			return op_fail(c, member(g, c->more->before ? "before" : "after"), "'%s' is the value added",
				       c->more->before ? "before" : "after");
		if (!(op->column_names = rt_store_alloc(c->st, sizeof *op->column_names)))
			return rt_script_nomem();
		((const char **)op->column_names)[0] = v;
		op->ncolumn_names = 1;
		c->more->size = sizeof *c->more;
		return RETORT_OK;
	}
	case RETORT_OP_CREATE_ENUM:
	case RETORT_OP_ALTER_ENUM: {
		size_t i, j;
		if ((rc = get_str(&op->name, c, g, "", "name", F_REQ)) < 0 ||
		    (rc = get_names(&op->column_names, &op->ncolumn_names, c, g, "", "values", F_REQ)) < 0)
			return rc;
		for (i = 0; i < op->ncolumn_names; i++)
			for (j = 0; j < i; j++)
				if (strcmp(op->column_names[i], op->column_names[j]) == 0)
					return op_fail(c, config_setting_get_elem(member(g, "values"), (unsigned)i),
						       "'values' has '%s' twice", op->column_names[i]);
		return RETORT_OK;
	}
	case RETORT_OP_DROP_ENUM:
		return get_str(&op->name, c, g, "", "name", F_REQ);
	case RETORT_OP_SET_TABLE_COMMENT:
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = get_str(&op->comment, c, g, "", "comment", F_REQ | F_EMPTY_OK)) < 0)
			return rc;
		return RETORT_OK;
	case RETORT_OP_DROP_INDEX:
		if ((rc = get_str(&op->name, c, g, "", "name", F_REQ)) < 0 ||
		    (rc = get_bool(&op->concurrently, c, g, "", "concurrently", 0)) < 0)
			return rc;
		return get_str(&op->table, c, g, "", "table", 0);
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		if ((rc = get_str(&op->name, c, g, "", "name", 0)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_names(&op->column_names, &op->ncolumn_names, c, g, "", "columns", F_REQ);
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (!(fk = rt_store_alloc(c->st, sizeof *fk)))
			return rt_script_nomem();
		if ((rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = parse_fk(fk, c, g, "", 0)) < 0)
			return rc;
		op->name = fk->name;
		op->foreign_keys = fk;
		op->nforeign_keys = 1;
		return RETORT_OK;
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		if ((rc = get_str(&op->name, c, g, "", "name", 0)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0)
			return rc;
		return get_str(&op->expression, c, g, "", "expression", F_REQ);
	case RETORT_OP_DROP_CONSTRAINT:
		if ((rc = get_str(&op->name, c, g, "", "name", F_REQ)) < 0 ||
		    (rc = get_str(&op->table, c, g, "", "table", F_REQ)) < 0 ||
		    (rc = get_str(&type, c, g, "", "type", 0)) < 0)
			return rc;
		if (type) {
			static const char *const types[] = {"unique", "foreignkey", "check", "primary", NULL};
			const char *const *t;
			for (t = types; *t && strcmp(*t, type) != 0; t++)
				;
			if (!*t)
				return op_fail(c, member(g, "type"),
					       "'type' must be one of unique, foreignkey, check, primary");
			op->constraint_type = *t;
		}
		return RETORT_OK;
	case RETORT_OP_BULK_INSERT:
		return parse_bulk_insert(op, c, g);
	case RETORT_OP_EXECUTE:
		return get_str(&op->sql, c, g, "", "sql", F_REQ);
	}
	return RETORT_OK;
}

/*
 * `allow = "rule";` or `allow = [ "rule", ... ];` of an operation (c->sec,
 * c->index) or, with c == NULL, of the revision: each value one
 * annotation.  The values stay in the libconfig tree (the store's).
 */
static int parse_allow(rt_annots *a, const opctx *c, const char *path, const config_setting_t *s)
{
	int i, n, type = config_setting_type(s), rc;
	n = type == CONFIG_TYPE_STRING ? 1 : config_setting_length(s);
	if (type != CONFIG_TYPE_STRING && type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
		n = -1;
	for (i = 0; i < n; i++) {
		const config_setting_t *e = type == CONFIG_TYPE_STRING ? s : config_setting_get_elem(s, (unsigned)i);
		const char *v = config_setting_type(e) == CONFIG_TYPE_STRING ? config_setting_get_string(e) : NULL;
		int line = (int)config_setting_source_line(e);
		if (!v)
			break;
		if (rt_script_bad_word(v))
			n = -1;
		else if ((rc = rt_annots_add(a, "allow", v, line > 0 ? line : (int)config_setting_source_line(s),
		                             c ? c->sec : RETORT_SECTION_SCRIPT, c ? (size_t)c->index : (size_t)0)) < 0)
			return rc;
	}
	if (i == n)
		return RETORT_OK;
	if (c)
		return op_fail(c, s, "'allow' must be a rule id or an array of them: allow = [ \"rule\" ];");
	return fail_at(path, s, "'allow' must be a rule id or an array of them: allow = [ \"rule\" ];");
}

static int parse_conf_ops(retort_op **out, retort_op_more **more_out, size_t *nout, opctx *c,
			  const config_setting_t *list, const char *path)
{
	retort_op *ops = NULL;
	retort_op_more *more = NULL;
	int i, n = list ? config_setting_length(list) : 0, rc, any = 0;
	if (n > 0 && (!(ops = rt_store_alloc(c->st, (size_t)n * sizeof *ops)) ||
		      !(more = rt_store_alloc(c->st, (size_t)n * sizeof *more))))
		return rt_script_nomem();
	for (i = 0; i < n; i++) {
		const config_setting_t *g = config_setting_get_elem(list, (unsigned)i);
		const config_setting_t *os;
		retort_op *op = &ops[i];
		const char *name = NULL;
		retort_op_kind kind;

		c->index = (unsigned)i;
		c->more = &more[i];
		more[i].autoincrement = more[i].existing_autoincrement = RETORT_UNSET;
		c->opname = NULL;
		c->line = config_setting_source_line(g);
		if (config_setting_type(g) != CONFIG_TYPE_GROUP)
			return op_fail(c, g, "an operation must be a group: { op = \"...\"; ... }");
		if ((rc = get_str(&name, c, g, "", "op", F_REQ)) < 0)
			return rc;
		os = member(g, "op");
		if (!(kind = rt_op_kind_from_name(name)))
			return op_fail(c, os, "unknown operation '%s'", name);
		c->opname = opdefs[kind - 1].name;
		op->size = sizeof *op;
		op->kind = kind;
		op->file = path;
		op->line = c->line;
		op->nullable = RETORT_UNSET;
		op->existing_nullable = RETORT_UNSET;
		if ((rc = check_keys(c, g, "", opdefs[kind - 1].keys, 1)) < 0 ||
		    (rc = get_str(&op->dialect, c, g, "", "dialect", 0)) < 0 || (rc = parse_op_body(op, c, g)) < 0)
			return rc;
		if ((os = member(g, "allow")) != NULL && (rc = parse_allow(c->annots, c, path, os)) < 0)
			return rc;
		any |= more[i].size != 0;
	}
	*out = ops;
	*more_out = any ? more : NULL;
	*nout = (size_t)n;
	return RETORT_OK;
}

static int find_include(const char *text)
{
	const char *p = text;
	int line = 1;
	for (;;) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (strncmp(q, "@include", 8) == 0)
			return line;
		if (!(p = strchr(p, '\n')))
			return 0;
		p++;
		line++;
	}
}

/* Parse a .conf script: identity (when `ident`) and, with `with_ops`, its ops. */
int rt_script_conf_load(rt_revision *rev, const char *text, int ident, int with_ops)
{
	config_t *cfg = NULL;
	rt_store *st = NULL;
	char *fixed = NULL; /* text with L after wide integers */
	rt_annots annots = {NULL, 0, 0};
	const config_setting_t *s;
	opctx c;
	int rc = RETORT_OK, line;

	if (strstr(text, "@include") && (line = find_include(text)) > 0) {
		rt_error_set("%s:%d: @include is not allowed in a revision script", rev->path, line);
		return RETORT_EINVAL;
	}
	if (ident && !with_ops) {
		rc = rt_script_conf_scan(rev, text);
		if (rc != RT_SCAN_GIVE_UP)
			return rc;
		rc = RETORT_OK;
	}
	if ((rc = rt_conftext_check(&fixed, text, strlen(text), rev->path)) < 0)
		return rc;
	if (!(cfg = rt_malloc(sizeof *cfg))) {
		rt_free(fixed);
		return rt_script_nomem();
	}
	config_init(cfg);
	if (!config_read_string(cfg, fixed ? fixed : text)) {
		rt_error_set("%s:%d: %s", rev->path, config_error_line(cfg), config_error_text(cfg));
		rc = RETORT_EINVAL;
		goto done;
	}
	if (ident && (rc = conf_ident(rev, cfg)) < 0)
		goto done;
	if (!with_ops)
		goto done;
	if (!(st = rt_store_new())) {
		rc = rt_script_nomem();
		goto done;
	}
	st->cfg = cfg;
	cfg = NULL;
	memset(&c, 0, sizeof c);
	c.path = rev->path;
	c.st = st;
	c.annots = &annots;
	if ((s = config_lookup(st->cfg, "allow")) != NULL && (rc = parse_allow(&annots, NULL, rev->path, s)) < 0)
		goto done;
	c.section = "upgrade";
	c.sec = RETORT_SECTION_UPGRADE;
	if ((rc = parse_conf_ops(&rev->upgrade, &rev->upgrade_more, &rev->nupgrade, &c, config_lookup(st->cfg, "upgrade"),
				 rev->path)) < 0)
		goto done;
	c.section = "downgrade";
	c.sec = RETORT_SECTION_DOWNGRADE;
	if ((rc = parse_conf_ops(&rev->downgrade, &rev->downgrade_more, &rev->ndowngrade, &c, config_lookup(st->cfg, "downgrade"),
				 rev->path)) < 0)
		goto done;
	s = config_lookup(st->cfg, "downgrade");
	rev->downgrade_line = s ? (int)config_setting_source_line(s) : 0;
	if ((rc = conf_test_sql(rev, st)) < 0)
		goto done;
	if ((rc = rt_annots_finish(&annots, st, rev)) < 0)
		goto done;
	rev->ops_store = st;
	rev->ops_free = rt_store_free;
	rev->ops_loaded = 1;
	st = NULL;
done:
	if (rc < 0) {
		rev->upgrade = rev->downgrade = rev->test_data = NULL;
		rev->upgrade_more = rev->downgrade_more = NULL;
		rev->nupgrade = rev->ndowngrade = rev->ntest_data = 0;
		rev->test_check = NULL;
		rev->annotations = NULL;
		rev->nannotations = 0;
	}
	rt_annots_free(&annots);
	rt_free(fixed);
	rt_store_free(st);
	if (cfg) {
		config_destroy(cfg);
		rt_free(cfg);
	}
	return rc;
}
