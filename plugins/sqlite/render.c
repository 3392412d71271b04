/*
 * The sqlite dialect: quoting, type mapping, and rendering operations to SQL.
 *
 * Quoting rule: an identifier stays bare when it matches [a-z_][a-z0-9_]*
 * and is not an SQLite keyword (sqlite3_keyword_check); anything else
 * (upper case, spaces, quotes, keywords such as "order") is written as
 * "..." with embedded '"' doubled.
 *
 * Rendering is offline (no connection), so it also serves `--sql`.  What
 * SQLite's ALTER TABLE cannot do (alter a column other than renaming it,
 * add or drop a constraint other than a unique one) needs a table rebuild,
 * which reads the live table: rebuild.c does it online (render_online);
 * offline those operations are RETORT_ENOTSUPPORTED with a message.
 *
 * The helpers sqlite_text_* write the same SQL into a plain buffer, for
 * rebuild.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sqlite_int.h"
#include "sqlwriter.h"

/* ---- a render context with a sticky error: the first failure wins ---- */

typedef struct rd {
	const retort_host *host;
	retort_sink *out;
	int rc;
	sqlite_buf *buf; /* when set, text goes here instead of `out` */
} rd;

void sqlite_buf_add(sqlite_buf *b, const char *s, size_t n)
{
	if (b->rc != RETORT_OK)
		return;
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;
		while (cap < b->n + n + 1)
			cap *= 2;
		p = b->host->realloc(b->p, cap);
		if (!p) {
			b->rc = RETORT_ENOMEM;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void putn(rd *r, const char *s, size_t n)
{
	if (r->rc != RETORT_OK)
		return;
	if (r->buf) {
		sqlite_buf_add(r->buf, s, n);
		r->rc = r->buf->rc;
	} else {
		r->rc = r->host->sink_add(r->out, s, n);
	}
}

static void put(rd *r, const char *s)
{
	putn(r, s, strlen(s));
}

static void end_stmt(rd *r)
{
	if (r->rc == RETORT_OK)
		r->rc = r->host->sink_end(r->out, 0);
}

int sqlite_ident_needs_quotes(const char *ident)
{
	const char *p = ident;
	if (!(*p == '_' || (*p >= 'a' && *p <= 'z')))
		return 1;
	for (p++; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
			return 1;
	return sqlite3_keyword_check(ident, (int)(p - ident)) != 0;
}

static void ident(rd *r, const char *name)
{
	const char *p, *q;
	if (!name)
		name = "";
	if (!sqlite_ident_needs_quotes(name)) {
		put(r, name);
		return;
	}
	put(r, "\"");
	for (p = name; (q = strchr(p, '"')) != NULL; p = q + 1) {
		putn(r, p, (size_t)(q - p + 1));
		put(r, "\"");
	}
	put(r, p);
	put(r, "\"");
}

static void literal(rd *r, const char *text)
{
	const char *p, *q;
	put(r, "'");
	for (p = text; (q = strchr(p, '\'')) != NULL; p = q + 1) {
		putn(r, p, (size_t)(q - p + 1));
		put(r, "'");
	}
	put(r, p);
	put(r, "'");
}

static void ident_list(rd *r, const char *const *names, size_t n)
{
	size_t i;
	put(r, "(");
	for (i = 0; i < n; i++) {
		if (i)
			put(r, ", ");
		ident(r, names[i]);
	}
	put(r, ")");
}

static int oom(sqlite_state *st, retort_host_ctx *h, int rc)
{
	if (rc == RETORT_ENOMEM)
		st->host->set_error(h ? h : st->h, "out of memory");
	return rc;
}

int sqlite_quote_ident(void *state, const char *name, retort_sink *out)
{
	sqlite_state *st = state;
	rd r = {st->host, out, RETORT_OK, NULL};
	ident(&r, name);
	return oom(st, NULL, r.rc);
}

int sqlite_quote_literal(void *state, const char *text, retort_sink *out)
{
	sqlite_state *st = state;
	rd r = {st->host, out, RETORT_OK, NULL};
	literal(&r, text ? text : "");
	return oom(st, NULL, r.rc);
}

/* ---- types ---- */

static const struct {
	const char *portable;
	const char *sqlite; /* NULL: upper-case the name and keep the arguments */
} type_map[] = {
	{"integer", "INTEGER"},   {"bigint", "BIGINT"},     {"smallint", "SMALLINT"}, {"boolean", "BOOLEAN"},
	{"varchar", NULL},        {"text", "TEXT"},         {"numeric", NULL},        {"real", "REAL"},
	{"double", "DOUBLE"},     {"date", "DATE"},         {"time", "TIME"},         {"timestamp", "TIMESTAMP"},
	{"timestamptz", "TIMESTAMP"}, {"blob", "BLOB"},     {"json", "JSON"},         {"uuid", "VARCHAR(36)"},
};

/*
 * Map a portable type: the name (case-insensitive) followed by an optional
 * "(args)".  varchar and numeric keep their arguments (spaces dropped);
 * the others take none.  Anything else is written verbatim.
 */
static void map_type(rd *r, const char *type)
{
	const char *b = type, *e, *args = NULL, *args_end = NULL;
	size_t n, i;

	while (*b == ' ')
		b++;
	for (e = b; isalpha((unsigned char)*e); e++)
		;
	n = (size_t)(e - b);
	for (args = e; *args == ' '; args++)
		;
	if (*args == '(') {
		args_end = strchr(args, ')');
		if (!args_end)
			goto verbatim;
		for (e = args_end + 1; *e == ' '; e++)
			;
		if (*e)
			goto verbatim;
	} else if (*args) {
		goto verbatim;
	} else {
		args = NULL;
	}
	for (i = 0; i < sizeof type_map / sizeof type_map[0]; i++) {
		if (strlen(type_map[i].portable) != n || strncasecmp(type_map[i].portable, b, n) != 0)
			continue;
		if (type_map[i].sqlite) {
			if (args)
				goto verbatim; /* "integer(11)": not a portable name */
			put(r, type_map[i].sqlite);
			return;
		}
		for (e = b; e < b + n; e++) {
			char c = (char)toupper((unsigned char)*e);
			putn(r, &c, 1);
		}
		if (args) {
			const char *p;
			for (p = args; p <= args_end; p++)
				if (*p != ' ')
					putn(r, p, 1);
		}
		return;
	}
verbatim:
	put(r, type);
}

int sqlite_map_type(void *state, const char *portable, retort_sink *out)
{
	sqlite_state *st = state;
	rd r = {st->host, out, RETORT_OK, NULL};
	map_type(&r, portable ? portable : "");
	return oom(st, NULL, r.rc);
}

/* integer, bigint or smallint (any case): the types that can become a rowid alias */
static int is_integer_type(const char *type)
{
	static const char *const names[] = {"integer", "int", "bigint", "smallint", NULL};
	size_t i;
	for (i = 0; names[i]; i++)
		if (strcasecmp(type, names[i]) == 0)
			return 1;
	return 0;
}

/* ---- expressions ---- */

/* Is d (n bytes, '(' ... ')') one parenthesised group, not "(a) + (b)"? Quotes are skipped. */
static int one_group(const char *d, size_t n)
{
	size_t i;
	int depth = 0;
	for (i = 0; i < n; i++) {
		if (d[i] == '\'' || d[i] == '"' || d[i] == '`' || d[i] == '[') {
			char q = d[i] == '[' ? ']' : d[i];
			for (i++; i < n && d[i] != q; i++)
				;
		} else if (d[i] == '(') {
			depth++;
		} else if (d[i] == ')' && --depth == 0 && i + 1 < n) {
			return 0;
		}
	}
	return depth == 0;
}

/* DEFAULT takes a literal, a signed number or a parenthesised expression. */
static int default_is_plain(const char *d)
{
	static const char *const words[] = {"NULL", "TRUE", "FALSE", "CURRENT_TIME", "CURRENT_DATE",
	                                    "CURRENT_TIMESTAMP", NULL};
	const char *p = d;
	size_t i, n = strlen(d);
	int digits = 0;

	if (n == 0)
		return 0;
	for (i = 0; words[i]; i++)
		if (strcasecmp(d, words[i]) == 0)
			return 1;
	if (d[0] == '(' && d[n - 1] == ')')
		return one_group(d, n);
	if (d[0] == '\'' && d[n - 1] == '\'' && n >= 2) {
		/* one string literal: every inner quote is doubled */
		for (p = d + 1; p < d + n - 1; p++) {
			if (*p == '\'') {
				if (p + 1 < d + n - 1 && p[1] == '\'')
					p++;
				else
					return 0;
			}
		}
		return 1;
	}
	if (*p == '-' || *p == '+')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = 1;
		else if (*p != '.')
			return 0;
	}
	return digits;
}

/* A numeric literal of bulk_insert: digits, sign, point, exponent only. */
static int is_number(const char *s)
{
	const char *p = s;
	int digits = 0;
	if (*p == '-' || *p == '+')
		p++;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = 1;
		else if (*p == '.' || ((*p == 'e' || *p == 'E') && digits) ||
		         ((*p == '-' || *p == '+') && (p[-1] == 'e' || p[-1] == 'E')))
			continue;
		else
			return 0;
	}
	return digits;
}

/* ---- operations ---- */

static const char *op_name(const retort_op *op)
{
	return retort_op_kind_name(op->kind);
}

static int needs_rebuild(sqlite_state *st, retort_host_ctx *h, const retort_op *op)
{
	st->host->set_error(h,
	                    "%s needs a table rebuild on SQLite, which reads the live database: it cannot be "
	                    "rendered offline (--sql)",
	                    op_name(op));
	return RETORT_ENOTSUPPORTED;
}

static int missing(sqlite_state *st, retort_host_ctx *h, const retort_op *op, const char *what)
{
	if (op->file && op->line)
		st->host->set_error(h, "%s:%d: %s: missing %s", op->file, op->line, op_name(op), what);
	else
		st->host->set_error(h, "%s: missing %s", op_name(op), what);
	return RETORT_EINVAL;
}

/*
 * One column definition.  `in_pk`: part of the primary key (so NOT NULL).
 * `inline_pk`: this is the table's only primary-key
 * column, so PRIMARY KEY goes on the column (named by `pk_name` if given);
 * an integer one with autoincrement becomes INTEGER PRIMARY KEY
 * AUTOINCREMENT, SQLite's rowid alias (the only place AUTOINCREMENT is
 * allowed).
 */
static void column_def(rd *r, const retort_column *c, int in_pk, int inline_pk, const char *pk_name)
{
	int rowid = inline_pk && c->autoincrement > 0 && is_integer_type(c->type);

	ident(r, c->name);
	if (rowid) {
		put(r, " INTEGER");
	} else if (*c->type) { /* SQLite's columns may have no type */
		put(r, " ");
		map_type(r, c->type);
	}
	/* a primary key is NOT NULL (SQLite would otherwise allow NULLs in a non-rowid key) */
	if (!rowid && (c->nullable == 0 || in_pk))
		put(r, " NOT NULL");
	if (inline_pk) {
		if (pk_name) {
			put(r, " CONSTRAINT ");
			ident(r, pk_name);
		}
		put(r, " PRIMARY KEY");
		if (rowid)
			put(r, " AUTOINCREMENT");
	}
	if (c->server_default) {
		put(r, " DEFAULT ");
		if (default_is_plain(c->server_default)) {
			put(r, c->server_default);
		} else {
			put(r, "(");
			put(r, c->server_default);
			put(r, ")");
		}
	}
	if (c->unique > 0 && !inline_pk)
		put(r, " UNIQUE");
}

static void constraint_name(rd *r, const char *name)
{
	if (name) {
		put(r, "CONSTRAINT ");
		ident(r, name);
		put(r, " ");
	}
}

static int foreign_key(sqlite_state *st, retort_host_ctx *h, const retort_op *op, rd *r, const retort_foreign_key *fk)
{
	const char *del = NULL, *upd = NULL;
	if (!fk->ref_table || fk->ncolumns == 0)
		return missing(st, h, op, "foreign key columns or referenced table");
	if (fk->on_delete && !(del = sw_fk_action_sql(fk->on_delete))) {
		st->host->set_error(h, "%s: unknown on_delete action '%s'", op_name(op), fk->on_delete);
		return RETORT_EINVAL;
	}
	if (fk->on_update && !(upd = sw_fk_action_sql(fk->on_update))) {
		st->host->set_error(h, "%s: unknown on_update action '%s'", op_name(op), fk->on_update);
		return RETORT_EINVAL;
	}
	constraint_name(r, fk->name);
	put(r, "FOREIGN KEY ");
	ident_list(r, fk->columns, fk->ncolumns);
	put(r, " REFERENCES ");
	ident(r, fk->ref_table);
	if (fk->nref_columns) {
		put(r, " ");
		ident_list(r, fk->ref_columns, fk->nref_columns);
	}
	if (del) {
		put(r, " ON DELETE ");
		put(r, del);
	}
	if (upd) {
		put(r, " ON UPDATE ");
		put(r, upd);
	}
	return RETORT_OK;
}

static int create_table(sqlite_state *st, retort_host_ctx *h, const retort_op *op, rd *r)
{
	size_t i, npk = 0;
	const char *pk_name = op->primary_key ? op->primary_key->name : NULL;
	long inline_pk = -1; /* the column that carries PRIMARY KEY itself */
	int rc, table_pk = op->primary_key && op->primary_key->ncolumns;

	if (!op->table)
		return missing(st, h, op, "table");
	if (op->ncolumns == 0)
		return missing(st, h, op, "columns");
	for (i = 0; i < op->ncolumns; i++)
		if (!op->columns[i].name || !op->columns[i].type)
			return missing(st, h, op, "column name or type");
	/* the primary key: a table-level one wins over the columns' primary_key */
	if (table_pk) {
		npk = op->primary_key->ncolumns;
		if (npk == 1)
			for (i = 0; i < op->ncolumns; i++)
				if (strcmp(op->columns[i].name, op->primary_key->columns[0]) == 0)
					inline_pk = (long)i;
	} else {
		for (i = 0; i < op->ncolumns; i++)
			if (op->columns[i].primary_key > 0) {
				npk++;
				inline_pk = (long)i;
			}
		if (npk != 1)
			inline_pk = -1;
	}

	put(r, "CREATE TABLE ");
	ident(r, op->table);
	put(r, " (");
	for (i = 0; i < op->ncolumns; i++) {
		int is_pk = inline_pk == (long)i, in_pk = 0;
		if (table_pk) {
			size_t k;
			for (k = 0; k < op->primary_key->ncolumns; k++)
				if (strcmp(op->primary_key->columns[k], op->columns[i].name) == 0)
					in_pk = 1;
		} else {
			in_pk = op->columns[i].primary_key > 0;
		}
		put(r, i ? ",\n    " : "\n    ");
		column_def(r, &op->columns[i], in_pk, is_pk, is_pk ? pk_name : NULL);
	}
	if (npk && inline_pk < 0) {
		put(r, ",\n    ");
		constraint_name(r, pk_name);
		put(r, "PRIMARY KEY ");
		if (table_pk) {
			ident_list(r, op->primary_key->columns, op->primary_key->ncolumns);
		} else {
			size_t k = 0;
			put(r, "(");
			for (i = 0; i < op->ncolumns; i++)
				if (op->columns[i].primary_key > 0) {
					if (k++)
						put(r, ", ");
					ident(r, op->columns[i].name);
				}
			put(r, ")");
		}
	}
	for (i = 0; i < op->nuniques; i++) {
		if (op->uniques[i].ncolumns == 0)
			return missing(st, h, op, "unique constraint columns");
		put(r, ",\n    ");
		constraint_name(r, op->uniques[i].name);
		put(r, "UNIQUE ");
		ident_list(r, op->uniques[i].columns, op->uniques[i].ncolumns);
	}
	for (i = 0; i < op->nforeign_keys; i++) {
		put(r, ",\n    ");
		if ((rc = foreign_key(st, h, op, r, &op->foreign_keys[i])) != RETORT_OK)
			return rc;
	}
	for (i = 0; i < op->nchecks; i++) {
		if (!op->checks[i].expression)
			return missing(st, h, op, "check expression");
		put(r, ",\n    ");
		constraint_name(r, op->checks[i].name);
		put(r, "CHECK (");
		put(r, op->checks[i].expression);
		put(r, ")");
	}
	put(r, "\n)");
	end_stmt(r);
	return RETORT_OK;
}

static int create_index(sqlite_state *st, retort_host_ctx *h, const retort_op *op, rd *r, int unique)
{
	if (!op->name)
		return missing(st, h, op, "name");
	if (!op->table)
		return missing(st, h, op, "table");
	if (op->ncolumn_names == 0 && !(op->expression && op->kind == RETORT_OP_CREATE_INDEX))
		return missing(st, h, op, "columns");
	put(r, unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	ident(r, op->name);
	put(r, " ON ");
	ident(r, op->table);
	put(r, " ");
	if (op->ncolumn_names == 0) {
		/* an index on expressions: its key list verbatim */
		put(r, "(");
		put(r, op->expression);
		put(r, ")");
	} else {
		ident_list(r, op->column_names, op->ncolumn_names);
	}
	if (op->where && op->kind == RETORT_OP_CREATE_INDEX) {
		put(r, " WHERE ");
		put(r, op->where);
	}
	end_stmt(r);
	return RETORT_OK;
}

static void value(rd *r, const retort_value *v)
{
	switch (v->type) {
	case RETORT_VALUE_INT:
	case RETORT_VALUE_FLOAT:
		if (v->text && is_number(v->text))
			put(r, v->text);
		else if (v->text)
			literal(r, v->text);
		else
			put(r, "NULL");
		break;
	case RETORT_VALUE_BOOL:
		if (!v->text)
			put(r, "NULL");
		else
			put(r, (strcmp(v->text, "0") == 0 || strcasecmp(v->text, "false") == 0) ? "0" : "1");
		break;
	case RETORT_VALUE_STRING:
		if (v->text)
			literal(r, v->text);
		else
			put(r, "NULL");
		break;
	case RETORT_VALUE_NULL:
	default:
		put(r, "NULL");
		break;
	}
}

static int bulk_insert(sqlite_state *st, retort_host_ctx *h, const retort_op *op, rd *r)
{
	size_t i, j;
	if (!op->table)
		return missing(st, h, op, "table");
	if (op->ncolumn_names == 0)
		return missing(st, h, op, "columns");
	for (i = 0; i < op->nrows; i++) {
		put(r, "INSERT INTO ");
		ident(r, op->table);
		put(r, " ");
		ident_list(r, op->column_names, op->ncolumn_names);
		put(r, " VALUES (");
		for (j = 0; j < op->ncolumn_names; j++) {
			if (j)
				put(r, ", ");
			value(r, &op->rows[i * op->ncolumn_names + j]);
		}
		put(r, ")");
		end_stmt(r);
	}
	return RETORT_OK;
}

/* alter_column's autoincrement (retort_op_more): 1 on, 0 off, RETORT_UNSET unchanged */
int sqlite_op_autoinc(const retort_host *host, retort_host_ctx *h, const retort_op *op)
{
	const retort_op_more *m = RETORT_HOST_HAS(host, op_more) ? host->op_more(h, op) : NULL;
	return m && op->kind == RETORT_OP_ALTER_COLUMN ? m->autoincrement : RETORT_UNSET;
}

static int alter_column(sqlite_state *st, retort_host_ctx *h, const retort_op *op, rd *r)
{
	if (!op->table || !op->column)
		return missing(st, h, op, "table or column");
	/* comments do not exist in SQLite: a comment change alone renders nothing */
	if (op->type || op->nullable != RETORT_UNSET || op->set_server_default ||
	    sqlite_op_autoinc(st->host, h, op) != RETORT_UNSET)
		return needs_rebuild(st, h, op);
	if (!op->new_name)
		return RETORT_OK;
	put(r, "ALTER TABLE ");
	ident(r, op->table);
	put(r, " RENAME COLUMN ");
	ident(r, op->column);
	put(r, " TO ");
	ident(r, op->new_name);
	end_stmt(r);
	return RETORT_OK;
}

static int render_op(sqlite_state *st, retort_host_ctx *h, const retort_op *op, rd *r)
{
	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		return create_table(st, h, op, r);
	case RETORT_OP_DROP_TABLE:
		if (!op->table)
			return missing(st, h, op, "table");
		put(r, "DROP TABLE ");
		ident(r, op->table);
		end_stmt(r);
		return RETORT_OK;
	case RETORT_OP_RENAME_TABLE:
		if (!op->table || !op->new_name)
			return missing(st, h, op, "table or new_name");
		put(r, "ALTER TABLE ");
		ident(r, op->table);
		put(r, " RENAME TO ");
		ident(r, op->new_name);
		end_stmt(r);
		return RETORT_OK;
	case RETORT_OP_ADD_COLUMN:
		if (!op->table || op->ncolumns < 1 || !op->columns[0].name || !op->columns[0].type)
			return missing(st, h, op, "table or column");
		if (op->columns[0].primary_key > 0 || op->columns[0].unique > 0) {
			st->host->set_error(h,
			                    "add_column: SQLite cannot add a PRIMARY KEY or UNIQUE column (%s.%s); add it, "
			                    "then create a unique constraint",
			                    op->table, op->columns[0].name);
			return RETORT_ENOTSUPPORTED;
		}
		put(r, "ALTER TABLE ");
		ident(r, op->table);
		put(r, " ADD COLUMN ");
		column_def(r, &op->columns[0], 0, 0, NULL);
		end_stmt(r);
		return RETORT_OK;
	case RETORT_OP_DROP_COLUMN:
		if (!op->table || !op->column)
			return missing(st, h, op, "table or column");
		put(r, "ALTER TABLE ");
		ident(r, op->table);
		put(r, " DROP COLUMN ");
		ident(r, op->column);
		end_stmt(r);
		return RETORT_OK;
	case RETORT_OP_ALTER_COLUMN:
		return alter_column(st, h, op, r);
	case RETORT_OP_CREATE_INDEX:
		return create_index(st, h, op, r, op->unique > 0); /* concurrently: no such thing in SQLite */
	case RETORT_OP_DROP_INDEX:
		if (!op->name)
			return missing(st, h, op, "name");
		put(r, "DROP INDEX ");
		ident(r, op->name);
		end_stmt(r);
		return RETORT_OK;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
		/*
		 * Offline only (online it is a rebuild adding a table constraint,
		 * rebuild.c): SQLite cannot add a table constraint without the live
		 * schema; a unique index enforces the same.
		 */
		return create_index(st, h, op, r, 1);
	case RETORT_OP_DROP_CONSTRAINT:
		/* offline, the inverse of create_unique_constraint above: its index */
		if (op->constraint_type && strcasecmp(op->constraint_type, "unique") == 0) {
			if (!op->name)
				return missing(st, h, op, "name");
			put(r, "DROP INDEX ");
			ident(r, op->name);
			end_stmt(r);
			return RETORT_OK;
		}
		return needs_rebuild(st, h, op);
	case RETORT_OP_CREATE_FOREIGN_KEY:
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		return needs_rebuild(st, h, op);
	case RETORT_OP_BULK_INSERT:
		return bulk_insert(st, h, op, r);
	case RETORT_OP_EXECUTE:
		if (!op->sql)
			return missing(st, h, op, "sql");
		put(r, op->sql);
		end_stmt(r);
		return RETORT_OK;
	case RETORT_OP_SET_TABLE_COMMENT:
		st->host->set_error(h, "set_table_comment: SQLite keeps no comments");
		return RETORT_ENOTSUPPORTED;
	case RETORT_OP_CREATE_ENUM:
	case RETORT_OP_DROP_ENUM:
	case RETORT_OP_ADD_ENUM_VALUE:
	case RETORT_OP_ALTER_ENUM:
		st->host->set_error(h, "%s: SQLite has no enumerated types", op_name(op));
		return RETORT_ENOTSUPPORTED;
	}
	st->host->set_error(h, "unknown operation kind %d", (int)op->kind);
	return RETORT_EINVAL;
}

int sqlite_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	sqlite_state *st = state;
	rd r = {st->host, out, RETORT_OK, NULL};
	int rc;

	if (op->dialect && strcasecmp(op->dialect, "sqlite") != 0)
		return RETORT_OK; /* for another dialect */
	rc = render_op(st, h, op, &r);
	if (rc != RETORT_OK)
		return rc;
	return oom(st, h, r.rc);
}

/* ---- the same SQL into a plain buffer (rebuild.c) ---- */

int sqlite_text_ident(sqlite_buf *b, const char *name)
{
	rd r = {b->host, NULL, RETORT_OK, b};
	ident(&r, name);
	return b->rc;
}

int sqlite_text_type(sqlite_buf *b, const char *type)
{
	rd r = {b->host, NULL, RETORT_OK, b};
	map_type(&r, type);
	return b->rc;
}

int sqlite_text_default(sqlite_buf *b, const char *expr)
{
	rd r = {b->host, NULL, RETORT_OK, b};
	if (default_is_plain(expr)) {
		put(&r, expr);
	} else {
		put(&r, "(");
		put(&r, expr);
		put(&r, ")");
	}
	return b->rc;
}

int sqlite_text_foreign_key(sqlite_state *st, retort_host_ctx *h, const retort_op *op, sqlite_buf *b,
                            const retort_foreign_key *fk)
{
	rd r = {b->host, NULL, RETORT_OK, b};
	int rc = foreign_key(st, h, op, &r, fk);
	return rc != RETORT_OK ? rc : b->rc;
}

const char *sqlite_op_name(const retort_op *op)
{
	return op_name(op);
}
