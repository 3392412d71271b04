/*
 * postgresql dialect: quoting, type mapping and rendering operations to SQL.
 * Nothing here needs a connection (offline --sql uses it too).
 */
#include <string.h>
#include <strings.h>

#include "pg.h"

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

static int is_reserved(const char *s)
{
	size_t lo = 0, hi = sizeof reserved / sizeof reserved[0];
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s, reserved[mid]);
		if (c == 0)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int needs_quotes(const char *s)
{
	const char *p;
	if (!(*s >= 'a' && *s <= 'z') && *s != '_')
		return 1;
	for (p = s + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '$'))
			return 1;
	return is_reserved(s);
}

/* Append `s` between q's, doubling q. */
static int add_quoted(const retort_host *host, retort_sink *out, const char *s, char q)
{
	const char *p = s, *run = s;
	int rc = host->sink_add(out, &q, 1);
	for (; rc == RETORT_OK && *p; p++) {
		if (*p == q) {
			rc = host->sink_add(out, run, (size_t)(p - run + 1)); /* through the quote */
			run = p;                                            /* the quote again */
		}
	}
	if (rc == RETORT_OK)
		rc = host->sink_add(out, run, (size_t)(p - run));
	if (rc == RETORT_OK)
		rc = host->sink_add(out, &q, 1);
	return rc;
}

int pg_quote_ident(void *state, const char *ident, retort_sink *out)
{
	pg_state *st = state;
	if (!ident) {
		st->host->set_error(st->h, "missing identifier");
		return RETORT_EINVAL;
	}
	if (!needs_quotes(ident))
		return st->host->sink_add(out, ident, strlen(ident));
	return add_quoted(st->host, out, ident, '"');
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
	return add_quoted(st->host, out, text, '\'');
}

int pg_session_sql(void *state, retort_host_ctx *h, retort_sink *out)
{
	pg_state *st = state;
	int rc = st->host->sink_add(out, PG_SESSION_SQL, strlen(PG_SESSION_SQL));
	(void)h;
	return rc == RETORT_OK ? st->host->sink_end(out, 0) : rc;
}

/* ---- types ---- */

typedef struct type_map {
	const char *portable;
	const char *sql;
	int takes_args; /* 1: "(...)" follows and is copied; 0: no arguments allowed */
} type_map;

static const type_map types[] = {
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

/* The portable entry `t` names, and in *args its "(...)" part ("" if none); NULL: pass t through. */
static const type_map *find_type(const char *t, const char **args)
{
	size_t n = 0;
	const type_map *m;
	while (t[n] && t[n] != '(' && t[n] != ' ')
		n++;
	*args = t + n;
	while (**args == ' ')
		(*args)++;
	if (**args && **args != '(')
		return NULL;
	for (m = types; m->portable; m++) {
		if (strlen(m->portable) == n && strncasecmp(t, m->portable, n) == 0) {
			if (**args && !m->takes_args)
				return NULL;
			return m;
		}
	}
	return NULL;
}

int pg_map_type(void *state, const char *portable, retort_sink *out)
{
	pg_state *st = state;
	const char *args;
	const type_map *m;
	int rc;
	if (!portable || !*portable) {
		st->host->set_error(st->h, "missing type");
		return RETORT_EINVAL;
	}
	m = find_type(portable, &args);
	if (!m)
		return st->host->sink_add(out, portable, strlen(portable));
	rc = st->host->sink_add(out, m->sql, strlen(m->sql));
	if (rc == RETORT_OK && *args)
		rc = st->host->sink_add(out, args, strlen(args));
	return rc;
}

/* SERIAL types for autoincrement integer columns; NULL when the type has none. */
static const char *serial_type(const char *type)
{
	const char *args;
	const type_map *m = find_type(type, &args);
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

/* A statement writer: the first error sticks and later calls do nothing. */
typedef struct wr {
	pg_state *st;
	retort_host_ctx *h;
	retort_sink *out;
	int rc;
} wr;

static void put(wr *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = w->st->host->sink_add(w->out, s, strlen(s));
}

static void ident(wr *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = pg_quote_ident(w->st, s, w->out);
}

static void lit(wr *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = pg_quote_literal(w->st, s, w->out);
}

static void type(wr *w, const char *t)
{
	if (w->rc == RETORT_OK)
		w->rc = pg_map_type(w->st, t, w->out);
}

static void end(wr *w, unsigned flags)
{
	if (w->rc == RETORT_OK)
		w->rc = w->st->host->sink_end(w->out, flags);
}

static const char *op_name(retort_op_kind k)
{
	static const char *const names[] = {NULL, "create_table", "drop_table", "rename_table", "add_column",
	                                    "drop_column", "alter_column", "create_index", "drop_index",
	                                    "create_unique_constraint", "create_foreign_key",
	                                    "create_check_constraint", "create_primary_key", "drop_constraint",
	                                    "bulk_insert", "execute"};
	if ((int)k >= 1 && (size_t)k < sizeof names / sizeof names[0])
		return names[k];
	return "operation";
}

/* Fail with EINVAL when a required member is missing. */
static int need(wr *w, const retort_op *op, const void *p, const char *member)
{
	if (w->rc != RETORT_OK)
		return 0;
	if (p)
		return 1;
	w->st->host->set_error(w->h, "%s needs %s", op_name(op->kind), member);
	w->rc = RETORT_EINVAL;
	return 0;
}

/* "(a, b)" */
static void ident_list(wr *w, const char *const *names, size_t n)
{
	size_t i;
	put(w, "(");
	for (i = 0; i < n; i++) {
		if (i)
			put(w, ", ");
		ident(w, names[i]);
	}
	put(w, ")");
}

static const char *const fk_actions[] = {"CASCADE", "SET NULL", "SET DEFAULT", "RESTRICT", "NO ACTION", NULL};

static void fk_action(wr *w, const char *clause, const char *action)
{
	size_t i;
	if (!action || w->rc != RETORT_OK)
		return;
	for (i = 0; fk_actions[i]; i++) {
		if (strcasecmp(action, fk_actions[i]) == 0) {
			put(w, clause);
			put(w, fk_actions[i]);
			return;
		}
	}
	w->st->host->set_error(w->h, "unknown foreign key action '%s' (cascade, set null, set default, "
	                             "restrict or no action)", action);
	w->rc = RETORT_EINVAL;
}

static void constraint_name(wr *w, const char *name)
{
	if (name) {
		put(w, "CONSTRAINT ");
		ident(w, name);
		put(w, " ");
	}
}

static void foreign_key(wr *w, const retort_op *op, const retort_foreign_key *fk)
{
	if (!need(w, op, fk->ref_table, "ref_table"))
		return;
	if (fk->ncolumns == 0 || fk->ncolumns != fk->nref_columns) {
		w->st->host->set_error(w->h, "foreign key on %s needs as many referenced columns as columns",
		                       op->table ? op->table : "?");
		w->rc = RETORT_EINVAL;
		return;
	}
	constraint_name(w, fk->name);
	put(w, "FOREIGN KEY ");
	ident_list(w, fk->columns, fk->ncolumns);
	put(w, " REFERENCES ");
	ident(w, fk->ref_table);
	put(w, " ");
	ident_list(w, fk->ref_columns, fk->nref_columns);
	fk_action(w, " ON DELETE ", fk->on_delete);
	fk_action(w, " ON UPDATE ", fk->on_update);
}

static void column_def(wr *w, const retort_column *c, int inline_pk)
{
	const char *serial = c->autoincrement ? serial_type(c->type) : NULL;
	ident(w, c->name);
	put(w, " ");
	if (serial)
		put(w, serial);
	else
		type(w, c->type);
	if (c->nullable == 0)
		put(w, " NOT NULL");
	if (c->server_default) {
		put(w, " DEFAULT ");
		put(w, c->server_default);
	}
	if (inline_pk)
		put(w, " PRIMARY KEY");
	if (c->unique)
		put(w, " UNIQUE");
}

/* COMMENT ON COLUMN t.c IS '...'  ("" removes the comment) */
static void column_comment(wr *w, const char *table, const char *column, const char *comment)
{
	put(w, "COMMENT ON COLUMN ");
	ident(w, table);
	put(w, ".");
	ident(w, column);
	put(w, " IS ");
	if (*comment)
		lit(w, comment);
	else
		put(w, "NULL");
	end(w, 0);
}

static void alter_table(wr *w, const char *table)
{
	put(w, "ALTER TABLE ");
	ident(w, table);
	put(w, " ");
}

static void create_table(wr *w, const retort_op *op)
{
	size_t i, npk = 0;
	int first = 1;
	if (!need(w, op, op->table, "table"))
		return;
	if (op->ncolumns == 0) {
		w->st->host->set_error(w->h, "create_table of %s needs at least one column", op->table);
		w->rc = RETORT_EINVAL;
		return;
	}
	for (i = 0; i < op->ncolumns; i++)
		npk += op->columns[i].primary_key ? 1 : 0;
	put(w, "CREATE TABLE ");
	ident(w, op->table);
	put(w, " (");
	for (i = 0; i < op->ncolumns; i++) {
		put(w, first ? "\n    " : ",\n    ");
		first = 0;
		if (!need(w, op, op->columns[i].name, "column names") || !need(w, op, op->columns[i].type, "column types"))
			return;
		column_def(w, &op->columns[i], npk == 1 && !op->primary_key && op->columns[i].primary_key);
	}
	if (op->primary_key) {
		put(w, ",\n    ");
		constraint_name(w, op->primary_key->name);
		put(w, "PRIMARY KEY ");
		ident_list(w, op->primary_key->columns, op->primary_key->ncolumns);
	} else if (npk > 1) {
		put(w, ",\n    PRIMARY KEY (");
		first = 1;
		for (i = 0; i < op->ncolumns; i++) {
			if (!op->columns[i].primary_key)
				continue;
			if (!first)
				put(w, ", ");
			first = 0;
			ident(w, op->columns[i].name);
		}
		put(w, ")");
	}
	for (i = 0; i < op->nuniques; i++) {
		put(w, ",\n    ");
		constraint_name(w, op->uniques[i].name);
		put(w, "UNIQUE ");
		ident_list(w, op->uniques[i].columns, op->uniques[i].ncolumns);
	}
	for (i = 0; i < op->nforeign_keys; i++) {
		put(w, ",\n    ");
		foreign_key(w, op, &op->foreign_keys[i]);
	}
	for (i = 0; i < op->nchecks; i++) {
		if (!need(w, op, op->checks[i].expression, "check expressions"))
			return;
		put(w, ",\n    ");
		constraint_name(w, op->checks[i].name);
		put(w, "CHECK (");
		put(w, op->checks[i].expression);
		put(w, ")");
	}
	put(w, "\n)");
	end(w, 0);
	if (op->comment) {
		put(w, "COMMENT ON TABLE ");
		ident(w, op->table);
		put(w, " IS ");
		if (*op->comment)
			lit(w, op->comment);
		else
			put(w, "NULL");
		end(w, 0);
	}
	for (i = 0; i < op->ncolumns; i++)
		if (op->columns[i].comment)
			column_comment(w, op->table, op->columns[i].name, op->columns[i].comment);
}

static void alter_column(wr *w, const retort_op *op)
{
	if (!need(w, op, op->table, "table") || !need(w, op, op->column, "column"))
		return;
	if (op->nullable != RETORT_UNSET) {
		alter_table(w, op->table);
		put(w, "ALTER COLUMN ");
		ident(w, op->column);
		put(w, op->nullable ? " DROP NOT NULL" : " SET NOT NULL");
		end(w, 0);
	}
	/* Drop an old default before a type change (it may not cast); set a new one after. */
	if (op->set_server_default && !op->server_default) {
		alter_table(w, op->table);
		put(w, "ALTER COLUMN ");
		ident(w, op->column);
		put(w, " DROP DEFAULT");
		end(w, 0);
	}
	if (op->type) {
		alter_table(w, op->table);
		put(w, "ALTER COLUMN ");
		ident(w, op->column);
		put(w, " TYPE ");
		type(w, op->type);
		end(w, 0);
	}
	if (op->set_server_default && op->server_default) {
		alter_table(w, op->table);
		put(w, "ALTER COLUMN ");
		ident(w, op->column);
		put(w, " SET DEFAULT ");
		put(w, op->server_default);
		end(w, 0);
	}
	if (op->comment)
		column_comment(w, op->table, op->column, op->comment);
	if (op->new_name) {
		alter_table(w, op->table);
		put(w, "RENAME COLUMN ");
		ident(w, op->column);
		put(w, " TO ");
		ident(w, op->new_name);
		end(w, 0);
	}
}

static int is_int(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static int is_float(const char *s)
{
	int digits = 0;
	if (*s == '-' || *s == '+')
		s++;
	for (; *s >= '0' && *s <= '9'; s++)
		digits++;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++)
			digits++;
	if (!digits)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return 0;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	return *s == '\0';
}

static void value(wr *w, const retort_op *op, const retort_value *v)
{
	const char *bad = NULL;
	if (w->rc != RETORT_OK)
		return;
	if (v->type == RETORT_VALUE_NULL || !v->text) {
		put(w, "NULL");
		return;
	}
	switch (v->type) {
	case RETORT_VALUE_INT:
		if (is_int(v->text))
			put(w, v->text);
		else
			bad = "an integer";
		break;
	case RETORT_VALUE_FLOAT:
		if (is_float(v->text))
			put(w, v->text);
		else
			bad = "a number";
		break;
	case RETORT_VALUE_BOOL:
		if (strcmp(v->text, "1") == 0 || strcasecmp(v->text, "true") == 0)
			put(w, "TRUE");
		else if (strcmp(v->text, "0") == 0 || strcasecmp(v->text, "false") == 0)
			put(w, "FALSE");
		else
			bad = "a boolean";
		break;
	default:
		lit(w, v->text);
		break;
	}
	if (bad) {
		w->st->host->set_error(w->h, "bulk_insert into %s: '%s' is not %s", op->table, v->text, bad);
		w->rc = RETORT_EINVAL;
	}
}

static void bulk_insert(wr *w, const retort_op *op)
{
	size_t r, i;
	if (!need(w, op, op->table, "table"))
		return;
	if (op->ncolumn_names == 0) {
		w->st->host->set_error(w->h, "bulk_insert into %s needs columns", op->table);
		w->rc = RETORT_EINVAL;
		return;
	}
	for (r = 0; r < op->nrows && w->rc == RETORT_OK; r++) {
		put(w, "INSERT INTO ");
		ident(w, op->table);
		put(w, " ");
		ident_list(w, op->column_names, op->ncolumn_names);
		put(w, " VALUES (");
		for (i = 0; i < op->ncolumn_names; i++) {
			if (i)
				put(w, ", ");
			value(w, op, &op->rows[r * op->ncolumn_names + i]);
		}
		put(w, ")");
		end(w, 0);
	}
}

static void create_index(wr *w, const retort_op *op)
{
	if (!need(w, op, op->table, "table") || !need(w, op, op->column_names, "columns"))
		return;
	put(w, op->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	if (op->concurrently)
		put(w, "CONCURRENTLY ");
	if (op->name) {
		ident(w, op->name);
		put(w, " ");
	}
	put(w, "ON ");
	ident(w, op->table);
	put(w, " ");
	ident_list(w, op->column_names, op->ncolumn_names);
	if (op->where) {
		put(w, " WHERE ");
		put(w, op->where);
	}
	/* CREATE INDEX CONCURRENTLY cannot run inside a transaction block. */
	end(w, op->concurrently ? RETORT_STMT_NO_TRANSACTION : 0);
}

static int is_mine(const char *dialect)
{
	return strcmp(dialect, "postgresql") == 0 || strcmp(dialect, "postgres") == 0;
}

int pg_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	wr w = {state, h, out, RETORT_OK};
	if (op->dialect && !is_mine(op->dialect))
		return RETORT_OK;
	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		create_table(&w, op);
		break;
	case RETORT_OP_DROP_TABLE:
		if (need(&w, op, op->table, "table")) {
			put(&w, "DROP TABLE ");
			ident(&w, op->table);
			end(&w, 0);
		}
		break;
	case RETORT_OP_RENAME_TABLE:
		if (need(&w, op, op->table, "table") && need(&w, op, op->new_name, "new_name")) {
			alter_table(&w, op->table);
			put(&w, "RENAME TO ");
			ident(&w, op->new_name);
			end(&w, 0);
		}
		break;
	case RETORT_OP_ADD_COLUMN:
		if (need(&w, op, op->table, "table") && need(&w, op, op->ncolumns ? op->columns : NULL, "a column") &&
		    need(&w, op, op->columns[0].name, "a column name") && need(&w, op, op->columns[0].type, "a column type")) {
			alter_table(&w, op->table);
			put(&w, "ADD COLUMN ");
			column_def(&w, &op->columns[0], op->columns[0].primary_key);
			end(&w, 0);
			if (op->columns[0].comment)
				column_comment(&w, op->table, op->columns[0].name, op->columns[0].comment);
		}
		break;
	case RETORT_OP_DROP_COLUMN:
		if (need(&w, op, op->table, "table") && need(&w, op, op->column, "column")) {
			alter_table(&w, op->table);
			put(&w, "DROP COLUMN ");
			ident(&w, op->column);
			end(&w, 0);
		}
		break;
	case RETORT_OP_ALTER_COLUMN:
		alter_column(&w, op);
		break;
	case RETORT_OP_CREATE_INDEX:
		create_index(&w, op);
		break;
	case RETORT_OP_DROP_INDEX:
		if (need(&w, op, op->name, "name")) {
			put(&w, op->concurrently ? "DROP INDEX CONCURRENTLY " : "DROP INDEX ");
			ident(&w, op->name);
			end(&w, op->concurrently ? RETORT_STMT_NO_TRANSACTION : 0);
		}
		break;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		if (need(&w, op, op->table, "table") && need(&w, op, op->column_names, "columns")) {
			alter_table(&w, op->table);
			put(&w, "ADD ");
			constraint_name(&w, op->name);
			put(&w, op->kind == RETORT_OP_CREATE_UNIQUE_CONSTRAINT ? "UNIQUE " : "PRIMARY KEY ");
			ident_list(&w, op->column_names, op->ncolumn_names);
			end(&w, 0);
		}
		break;
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (need(&w, op, op->table, "table") &&
		    need(&w, op, op->nforeign_keys ? op->foreign_keys : NULL, "a foreign key")) {
			alter_table(&w, op->table);
			put(&w, "ADD ");
			foreign_key(&w, op, &op->foreign_keys[0]);
			end(&w, 0);
		}
		break;
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
		if (need(&w, op, op->table, "table") && need(&w, op, op->expression, "expression")) {
			alter_table(&w, op->table);
			put(&w, "ADD ");
			constraint_name(&w, op->name);
			put(&w, "CHECK (");
			put(&w, op->expression);
			put(&w, ")");
			end(&w, 0);
		}
		break;
	case RETORT_OP_DROP_CONSTRAINT:
		if (need(&w, op, op->table, "table") && need(&w, op, op->name, "name")) {
			alter_table(&w, op->table);
			put(&w, "DROP CONSTRAINT ");
			ident(&w, op->name);
			end(&w, 0);
		}
		break;
	case RETORT_OP_BULK_INSERT:
		bulk_insert(&w, op);
		break;
	case RETORT_OP_EXECUTE:
		if (need(&w, op, op->sql, "sql")) {
			put(&w, op->sql);
			end(&w, 0);
		}
		break;
	default:
		w.st->host->set_error(h, "unknown operation kind %d", (int)op->kind);
		return RETORT_ENOTSUPPORTED;
	}
	if (w.rc == RETORT_ENOMEM)
		w.st->host->set_error(h, "out of memory");
	return w.rc;
}
