/*
 * postgresql dialect: quoting, type mapping and rendering operations to SQL.
 * Nothing here needs a connection (offline --sql uses it too).
 */
#include <string.h>
#include <strings.h>

#include "pg.h"
#include "sqlwriter.h"

/*
 * Key words PostgreSQL reserves, plus those that "can be function or type"
 * but not a table or column name: pg_get_keywords() catcode R and T
 * (PostgreSQL 15; a superset of earlier versions' lists).  Sorted.
 */
static const char *const reserved[] = {
	"all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary",
	"both", "case", "cast", "check", "collate", "collation", "column", "concurrently", "constraint", "create",
	"cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
	"current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end",
	"except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group", "having", "ilike",
	"in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like",
	"limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or",
	"order", "outer", "overlaps", "placing", "primary", "references", "returning", "right", "select",
	"session_user", "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to",
	"trailing", "true", "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window",
	"with"};

int pg_quote_ident(void *state, const char *ident, retort_sink *out)
{
	pg_state *st = state;
	return sw_quote_ident(st->host, st->h, reserved, sizeof reserved / sizeof reserved[0], '"', ident, out);
}

/*
 * '...' with ' doubled: right with standard_conforming_strings on, which
 * every session retort writes for has (PG_SESSION_SQL).  With it off, a
 * backslash would escape the quote that closes the literal.
 */
int pg_quote_literal(void *state, const char *text, retort_sink *out)
{
	pg_state *st = state;
	if (!text)
		return st->host->sink_add(out, "NULL", 4);
	return sw_add_quoted(st->host, out, text, '\'', 0);
}

int pg_session_sql(void *state, retort_host_ctx *h, retort_sink *out)
{
	static const char *const sql[] = {PG_SESSION_SQL, NULL};
	pg_state *st = state;
	(void)h;
	return sw_put_statements(st->host, sql, out);
}

/* ---- types ---- */

static const sw_type types[] = {
	{"integer", "INTEGER", 0},
	{"bigint", "BIGINT", 0},
	{"smallint", "SMALLINT", 0},
	{"boolean", "BOOLEAN", 0},
	{"varchar", "VARCHAR", 1},
	{"text", "TEXT", 0},
	{"numeric", "NUMERIC", 1},
	{"real", "REAL", 0},
	{"double", "DOUBLE PRECISION", 0},
	{"date", "DATE", 0},
	{"time", "TIME", 0},
	{"timestamp", "TIMESTAMP WITHOUT TIME ZONE", 0},
	{"timestamptz", "TIMESTAMP WITH TIME ZONE", 0},
	{"blob", "BYTEA", 0},
	{"json", "JSON", 0},
	{"uuid", "UUID", 0},
	{NULL, NULL, 0}};

int pg_map_type(void *state, const char *portable, retort_sink *out)
{
	pg_state *st = state;
	return sw_map_type(st->host, st->h, types, portable, out);
}

/* SERIAL types for autoincrement integer columns; NULL when the type has none. */
static const char *serial_type(const char *type)
{
	const char *args;
	const sw_type *m = sw_find_type(types, type, &args);
	if (!m || *args)
		return NULL;
	if (strcmp(m->portable, "integer") == 0)
		return "SERIAL";
	if (strcmp(m->portable, "bigint") == 0)
		return "BIGSERIAL";
	if (strcmp(m->portable, "smallint") == 0)
		return "SMALLSERIAL";
	return NULL;
}

/* ---- rendering ---- */

static const char *const pg_names[] = {"postgresql", "postgres", NULL};
static const sw_dialect pg_sql = {pg_quote_ident, pg_quote_literal, pg_map_type, "TRUE", "FALSE", pg_names, NULL};

static void column_def(sw *w, const retort_column *c, int inline_pk)
{
	const char *serial = c->autoincrement ? serial_type(c->type) : NULL;
	sw_ident(w, c->name);
	sw_put(w, " ");
	if (serial)
		sw_put(w, serial);
	else
		sw_type_of(w, c->type);
	if (c->nullable == 0)
		sw_put(w, " NOT NULL");
	if (c->server_default) {
		sw_put(w, " DEFAULT ");
		sw_put(w, c->server_default);
	}
	if (inline_pk)
		sw_put(w, " PRIMARY KEY");
	if (c->unique)
		sw_put(w, " UNIQUE");
}

/* COMMENT ON TABLE t / COLUMN t.c IS '...'  ("" removes the comment) */
static void comment_on(sw *w, const char *table, const char *column, const char *comment)
{
	sw_put(w, column ? "COMMENT ON COLUMN " : "COMMENT ON TABLE ");
	sw_ident(w, table);
	if (column) {
		sw_put(w, ".");
		sw_ident(w, column);
	}
	sw_put(w, " IS ");
	if (*comment)
		sw_lit(w, comment);
	else
		sw_put(w, "NULL");
	sw_end(w, 0);
}

static void create_table(sw *w, const retort_op *op)
{
	size_t i;
	sw_create_table(w, op, column_def, 1);
	sw_end(w, 0);
	if (op->comment)
		comment_on(w, op->table, NULL, op->comment);
	for (i = 0; i < op->ncolumns; i++)
		if (op->columns[i].comment)
			comment_on(w, op->table, op->columns[i].name, op->columns[i].comment);
}

/* ALTER TABLE t ALTER COLUMN c */
static void alter_column_head(sw *w, const retort_op *op)
{
	sw_alter_table(w, op->table);
	sw_put(w, "ALTER COLUMN ");
	sw_ident(w, op->column);
}

/* ALTER TABLE t ALTER COLUMN c <what>, then the type `type` or the expression `expr` if given */
static void alter_column_part(sw *w, const retort_op *op, const char *what, const char *type, const char *expr)
{
	alter_column_head(w, op);
	sw_put(w, what);
	if (type)
		sw_type_of(w, type);
	if (expr)
		sw_put(w, expr);
	sw_end(w, 0);
}

/* pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I', 't'), 'c'): the column's sequence (serial or identity) */
static void column_sequence(sw *w, const retort_op *op)
{
	sw_put(w, "pg_catalog.pg_get_serial_sequence(pg_catalog.format('%I', ");
	sw_lit(w, op->table);
	sw_put(w, "), ");
	sw_lit(w, op->column);
	sw_put(w, ")");
}

/*
 * Autoincrement turned off: reflection calls a column autoincrement when
 * it is an identity or reads its own sequence (serial), and which one a
 * column is only the database knows (offline too): one DO block drops
 * either (the identity; or the default and the sequence).
 */
static void autoincrement_off(sw *w, const retort_op *op)
{
	sw_put(w, "DO $retort$ DECLARE s text := ");
	column_sequence(w, op);
	sw_put(w, "; BEGIN ");
	alter_column_head(w, op);
	sw_put(w, " DROP IDENTITY IF EXISTS; ");
	alter_column_head(w, op);
	sw_put(w, " DROP DEFAULT; IF s IS NOT NULL THEN EXECUTE 'DROP SEQUENCE IF EXISTS ' || s; END IF; END $retort$");
	sw_end(w, 0);
}

/* Autoincrement turned on: an identity, whose sequence goes on after the values the column holds. */
static void autoincrement_on(sw *w, const retort_op *op)
{
	alter_column_part(w, op, " ADD GENERATED BY DEFAULT AS IDENTITY", NULL, NULL);
	sw_put(w, "SELECT pg_catalog.setval(");
	column_sequence(w, op);
	sw_put(w, ", COALESCE(MAX(");
	sw_ident(w, op->column);
	sw_put(w, "), 0) + 1, false) FROM ");
	sw_ident(w, op->table);
	sw_end(w, 0);
}

static void alter_column(sw *w, const retort_op *op)
{
	const retort_op_more *m = RETORT_HOST_HAS(w->host, op_more) ? w->host->op_more(w->h, op) : NULL;
	int ai = m ? m->autoincrement : RETORT_UNSET;
	if (!sw_need(w, op, op->table, "table") || !sw_need(w, op, op->column, "column"))
		return;
	if (op->nullable != RETORT_UNSET)
		alter_column_part(w, op, op->nullable ? " DROP NOT NULL" : " SET NOT NULL", NULL, NULL);
	if (ai == 0)
		autoincrement_off(w, op);
	/* Drop an old default before a type change (it may not cast); set a new one after. */
	if (op->set_server_default && !op->server_default)
		alter_column_part(w, op, " DROP DEFAULT", NULL, NULL);
	if (op->type)
		alter_column_part(w, op, " TYPE ", op->type, NULL);
	if (op->set_server_default && op->server_default)
		alter_column_part(w, op, " SET DEFAULT ", NULL, op->server_default);
	if (ai == 1)
		autoincrement_on(w, op);
	if (op->comment)
		comment_on(w, op->table, op->column, op->comment);
	if (op->new_name)
		sw_rename_column(w, op);
}

static void create_index(sw *w, const retort_op *op)
{
	if (!sw_need(w, op, op->table, "table") ||
	    !sw_need(w, op, op->expression ? (const void *)op->expression : (const void *)op->column_names, "columns"))
		return;
	sw_create_index(w, op, op->concurrently ? "CONCURRENTLY " : NULL);
	if (op->where) {
		sw_put(w, " WHERE ");
		sw_put(w, op->where);
	}
	/* CREATE INDEX CONCURRENTLY cannot run inside a transaction block. */
	sw_end(w, op->concurrently ? RETORT_STMT_NO_TRANSACTION : 0);
}

/* CREATE TYPE name AS ENUM ('a', 'b'): op's name and values (column_names), no statement end */
static void enum_type(sw *w, const retort_op *op)
{
	size_t i;
	sw_put(w, "CREATE TYPE ");
	sw_ident(w, op->name);
	sw_put(w, " AS ENUM (");
	for (i = 0; i < op->ncolumn_names; i++) {
		if (i)
			sw_put(w, ", ");
		sw_lit(w, op->column_names[i]);
	}
	sw_put(w, ")");
}

static void create_enum(sw *w, const retort_op *op)
{
	if (!sw_need(w, op, op->name, "name"))
		return;
	enum_type(w, op);
	sw_end(w, 0);
}

/*
 * ALTER TYPE name ADD VALUE 'v' [BEFORE 'w' | AFTER 'u'].  PostgreSQL
 * cannot use a value added in the transaction that added it (before 12 it
 * cannot add one inside a transaction block at all): the statement runs
 * outside any, so what follows it may use the value.
 */
static void add_enum_value(sw *w, const retort_op *op)
{
	const retort_op_more *m = RETORT_HOST_HAS(w->host, op_more) ? w->host->op_more(w->h, op) : NULL;
	if (!sw_need(w, op, op->name, "name") ||
	    !sw_need(w, op, op->ncolumn_names == 1 ? op->column_names : NULL, "value"))
		return;
	sw_put(w, "ALTER TYPE ");
	sw_ident(w, op->name);
	sw_put(w, " ADD VALUE ");
	sw_lit(w, op->column_names[0]);
	if (m && (m->before || m->after)) {
		sw_put(w, m->before ? " BEFORE " : " AFTER ");
		sw_lit(w, m->before ? m->before : m->after);
	}
	sw_end(w, RETORT_STMT_NO_TRANSACTION);
}

/*
 * alter_enum: PostgreSQL drops no enum value, nor reorders them, so the
 * type is rebuilt in one DO block (it works offline too: the columns come
 * from the catalog when it runs): the columns of the type and their
 * defaults are read, the type renamed aside, created again with the new
 * values, each column cast through text (default dropped around it, put
 * back as it was written), the old type dropped.  A row holding a value
 * the new type lacks fails the cast, and the migration with it.
 */
static void alter_enum(sw *w, const retort_op *op)
{
	size_t n;
	char *old;
	if (!sw_need(w, op, op->name, "name") || !sw_need(w, op, op->column_names, "values"))
		return;
	n = strlen(op->name);
	if (!(old = w->host->malloc(n + sizeof "__retort_old"))) {
		sw_fail(w, RETORT_ENOMEM, "out of memory");
		return;
	}
	memcpy(old, op->name, n);
	memcpy(old + n, "__retort_old", sizeof "__retort_old");
	sw_put(w, "DO $retort$ DECLARE t regclass[]; c name[]; d text[]; BEGIN "
	          "SELECT array_agg(a.attrelid::regclass), array_agg(a.attname), "
	          "array_agg(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid)) INTO t, c, d "
	          "FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef ad "
	          "ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum "
	          "WHERE a.atttypid = pg_catalog.format('%I', ");
	sw_lit(w, op->name);
	sw_put(w, ")::regtype AND a.attnum > 0 AND NOT a.attisdropped; ALTER TYPE ");
	sw_ident(w, op->name);
	sw_put(w, " RENAME TO ");
	sw_ident(w, old);
	sw_put(w, "; ");
	enum_type(w, op);
	sw_put(w, "; FOR i IN 1 .. COALESCE(array_length(t, 1), 0) LOOP "
	          "IF d[i] IS NOT NULL THEN EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I DROP DEFAULT', "
	          "t[i], c[i]); END IF; "
	          "EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I TYPE %I USING %I::text::%I', t[i], c[i], ");
	sw_lit(w, op->name);
	sw_put(w, ", c[i], ");
	sw_lit(w, op->name);
	sw_put(w, "); IF d[i] IS NOT NULL THEN EXECUTE pg_catalog.format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', "
	          "t[i], c[i], d[i]); END IF; END LOOP; DROP TYPE ");
	sw_ident(w, old);
	sw_put(w, "; END $retort$");
	sw_end(w, 0);
	w->host->free(old);
}

static void rename_table(sw *w, const retort_op *op)
{
	if (sw_need(w, op, op->table, "table") && sw_need(w, op, op->new_name, "new_name")) {
		sw_alter_table(w, op->table);
		sw_put(w, "RENAME TO ");
		sw_ident(w, op->new_name);
		sw_end(w, 0);
	}
}

static void add_column(sw *w, const retort_op *op)
{
	if (sw_add_column(w, op, column_def) && op->columns[0].comment)
		comment_on(w, op->table, op->columns[0].name, op->columns[0].comment);
}

static void drop_index(sw *w, const retort_op *op)
{
	if (sw_need(w, op, op->name, "name")) {
		sw_put(w, op->concurrently ? "DROP INDEX CONCURRENTLY " : "DROP INDEX ");
		sw_ident(w, op->name);
		sw_end(w, op->concurrently ? RETORT_STMT_NO_TRANSACTION : 0);
	}
}

static void add_primary_key(sw *w, const retort_op *op)
{
	sw_add_primary_key(w, op, 1);
}

static void set_table_comment(sw *w, const retort_op *op)
{
	if (sw_need(w, op, op->table, "table"))
		comment_on(w, op->table, NULL, op->comment ? op->comment : "");
}

/* DROP TYPE name (drop_enum); ALTER TABLE t DROP CONSTRAINT name */
static void drop_named(sw *w, const retort_op *op)
{
	if (op->kind == RETORT_OP_DROP_ENUM) {
		if (sw_need(w, op, op->name, "name")) {
			sw_put(w, "DROP TYPE ");
			sw_ident(w, op->name);
			sw_end(w, 0);
		}
	} else if (sw_need(w, op, op->table, "table") && sw_need(w, op, op->name, "name")) {
		sw_alter_table(w, op->table);
		sw_put(w, "DROP CONSTRAINT ");
		sw_ident(w, op->name);
		sw_end(w, 0);
	}
}

/* The kinds sw_render_common leaves to PostgreSQL. */
static const sw_op_fn pg_ops[SW_NKINDS] = {
	[RETORT_OP_CREATE_TABLE] = create_table,     [RETORT_OP_RENAME_TABLE] = rename_table,
	[RETORT_OP_ADD_COLUMN] = add_column,         [RETORT_OP_ALTER_COLUMN] = alter_column,
	[RETORT_OP_CREATE_INDEX] = create_index,     [RETORT_OP_DROP_INDEX] = drop_index,
	[RETORT_OP_CREATE_PRIMARY_KEY] = add_primary_key, [RETORT_OP_DROP_CONSTRAINT] = drop_named,
	[RETORT_OP_CREATE_ENUM] = create_enum,       [RETORT_OP_DROP_ENUM] = drop_named,
	[RETORT_OP_SET_TABLE_COMMENT] = set_table_comment,
	[RETORT_OP_ADD_ENUM_VALUE] = add_enum_value,     [RETORT_OP_ALTER_ENUM] = alter_enum,
};

int pg_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	pg_state *st = state;
	return sw_render(&pg_sql, st, st->host, h, op, out, pg_ops);
}
