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
 * which reads the live table: rebuild.c does it online (render_online_batch);
 * offline those operations are RETORT_ENOTSUPPORTED with a message.
 *
 * Everything is written with the dialects' statement writer
 * (plugins/common/sqlwriter.h): sqlite_ops is SQLite's table of it, and
 * sqlite_buf_writer lends the same writer a plain buffer for the texts
 * rebuild.c keeps (sqlite_text_* are its shorthands).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sqlite_int.h"

/* ---- plain buffers ---- */

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

/* ---- quoting ---- */

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

static int oom(sqlite_state *st, retort_host_ctx *h, int rc)
{
	if (rc == RETORT_ENOMEM && (h || st->h)) /* (rebuild.c's text helpers have no context) */
		st->host->set_error(h ? h : st->h, "out of memory");
	return rc;
}

int sqlite_quote_ident(void *state, const char *name, retort_sink *out)
{
	sqlite_state *st = state;
	if (!name)
		name = "";
	if (!sqlite_ident_needs_quotes(name))
		return oom(st, NULL, st->host->sink_add(out, name, strlen(name)));
	return oom(st, NULL, sw_add_quoted(st->host, out, name, '"', 0));
}

int sqlite_quote_literal(void *state, const char *text, retort_sink *out)
{
	sqlite_state *st = state;
	return oom(st, NULL, sw_add_quoted(st->host, out, text ? text : "", '\'', 0));
}

/* ---- types ---- */

static const sw_type types[] = {
	{"integer", "INTEGER", 0},   {"bigint", "BIGINT", 0},     {"smallint", "SMALLINT", 0},
	{"boolean", "BOOLEAN", 0},   {"varchar", "VARCHAR", 1},   {"text", "TEXT", 0},
	{"numeric", "NUMERIC", 1},   {"real", "REAL", 0},         {"double", "DOUBLE", 0},
	{"date", "DATE", 0},         {"time", "TIME", 0},         {"timestamp", "TIMESTAMP", 0},
	{"timestamptz", "TIMESTAMP", 0}, {"blob", "BLOB", 0},     {"json", "JSON", 0},
	{"uuid", "VARCHAR(36)", 0},  {NULL, NULL, 0}};

/*
 * Map a portable type: the name (case-insensitive, after blanks) followed
 * by an optional "(args)".  varchar and numeric keep their arguments
 * (blanks dropped); the others take none.  Anything else is written
 * verbatim.
 */
int sqlite_map_type(void *state, const char *portable, retort_sink *out)
{
	sqlite_state *st = state;
	const char *type = portable ? portable : "", *b = type, *args, *close = NULL, *p;
	const sw_type *m;
	int rc;

	while (*b == ' ')
		b++;
	m = sw_find_type(types, b, &args);
	if (m && *args) {
		close = strchr(args, ')');
		for (p = close ? close + 1 : args; *p == ' '; p++)
			;
		if (!close || *p)
			m = NULL; /* "varchar(10", "numeric(10) x" */
	}
	if (!m)
		return oom(st, NULL, st->host->sink_add(out, type, strlen(type)));
	rc = st->host->sink_add(out, m->sql, strlen(m->sql));
	for (p = args; rc == RETORT_OK && close && p <= close; p++)
		if (*p != ' ')
			rc = st->host->sink_add(out, p, 1);
	return oom(st, NULL, rc);
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

static void value(sw *w, const retort_op *op, const retort_value *v);
static const char *const sqlite_names[] = {"sqlite", NULL};
static const sw_dialect sqlite_sql = {sqlite_quote_ident, sqlite_quote_literal, sqlite_map_type, "1", "0",
                                      sqlite_names, value};

static void needs_rebuild(sw *w, const retort_op *op)
{
	sw_fail(w, RETORT_ENOTSUPPORTED,
	        "%s needs a table rebuild on SQLite, which reads the live database: it cannot be rendered offline "
	        "(--sql)",
	        op_name(op));
}

/* 1 when p is set; else fail with "missing <what>" and return 0. */
static int need(sw *w, const retort_op *op, const void *p, const char *what)
{
	if (w->rc != RETORT_OK)
		return 0;
	if (p)
		return 1;
	if (op->file && op->line)
		sw_fail(w, RETORT_EINVAL, "%s:%d: %s: missing %s", op->file, op->line, op_name(op), what);
	else
		sw_fail(w, RETORT_EINVAL, "%s: missing %s", op_name(op), what);
	return 0;
}

/* A DEFAULT's expression: as is when plain, else parenthesised. */
static void default_expr(sw *w, const char *expr)
{
	int plain = default_is_plain(expr);
	if (!plain)
		sw_put(w, "(");
	sw_put(w, expr);
	if (!plain)
		sw_put(w, ")");
}

/*
 * One column definition.  `in_pk`: part of the primary key (so NOT NULL).
 * `inline_pk`: this is the table's only primary-key
 * column, so PRIMARY KEY goes on the column (named by `pk_name` if given);
 * an integer one with autoincrement becomes INTEGER PRIMARY KEY
 * AUTOINCREMENT, SQLite's rowid alias (the only place AUTOINCREMENT is
 * allowed).
 */
static void column_def(sw *w, const retort_column *c, int in_pk, int inline_pk, const char *pk_name)
{
	int rowid = inline_pk && c->autoincrement > 0 && is_integer_type(c->type);

	sw_ident(w, c->name);
	if (rowid) {
		sw_put(w, " INTEGER");
	} else if (*c->type) { /* SQLite's columns may have no type */
		sw_put(w, " ");
		sw_type_of(w, c->type);
	}
	/* a primary key is NOT NULL (SQLite would otherwise allow NULLs in a non-rowid key) */
	if (!rowid && (c->nullable == 0 || in_pk))
		sw_put(w, " NOT NULL");
	if (inline_pk) {
		if (pk_name) {
			sw_put(w, " CONSTRAINT ");
			sw_ident(w, pk_name);
		}
		sw_put(w, " PRIMARY KEY");
		if (rowid)
			sw_put(w, " AUTOINCREMENT");
	}
	if (c->server_default) {
		sw_put(w, " DEFAULT ");
		default_expr(w, c->server_default);
	}
	if (c->unique > 0 && !inline_pk)
		sw_put(w, " UNIQUE");
}

/* add_column's (sw_column_fn): never a key, add_column refuses those */
static void added_column(sw *w, const retort_column *c, int inline_pk)
{
	(void)inline_pk;
	column_def(w, c, 0, 0, NULL);
}

/* Can the writer write this foreign key?  Refused with SQLite's own words for what is missing or unknown. */
static int fk_ok(sw *w, const retort_op *op, const retort_foreign_key *fk)
{
	if (!need(w, op, fk->ref_table && fk->ncolumns ? fk : NULL, "foreign key columns or referenced table"))
		return 0;
	if (fk->on_delete && !sw_fk_action_sql(fk->on_delete))
		sw_fail(w, RETORT_EINVAL, "%s: unknown on_delete action '%s'", op_name(op), fk->on_delete);
	if (fk->on_update && !sw_fk_action_sql(fk->on_update))
		sw_fail(w, RETORT_EINVAL, "%s: unknown on_update action '%s'", op_name(op), fk->on_update);
	return w->rc == RETORT_OK;
}

/* The table's primary key: on its one column (inline, -1 when none) or as a table constraint. */
static void primary_key(const retort_op *op, size_t *npk, long *inline_pk)
{
	size_t i;
	*npk = 0;
	*inline_pk = -1;
	/* a table-level one wins over the columns' primary_key */
	if (op->primary_key && op->primary_key->ncolumns) {
		*npk = op->primary_key->ncolumns;
		if (*npk == 1)
			for (i = 0; i < op->ncolumns; i++)
				if (strcmp(op->columns[i].name, op->primary_key->columns[0]) == 0)
					*inline_pk = (long)i;
		return;
	}
	for (i = 0; i < op->ncolumns; i++)
		if (op->columns[i].primary_key > 0) {
			(*npk)++;
			*inline_pk = (long)i;
		}
	if (*npk != 1)
		*inline_pk = -1;
}

static int in_table_pk(const retort_op *op, const char *column)
{
	size_t k;
	for (k = 0; k < op->primary_key->ncolumns; k++)
		if (strcmp(op->primary_key->columns[k], column) == 0)
			return 1;
	return 0;
}

void sqlite_create_table_head(sw *w, const char *table)
{
	sw_put(w, "CREATE TABLE ");
	sw_ident(w, table);
	sw_put(w, " (");
}

static void create_table(sw *w, const retort_op *op)
{
	size_t i, npk;
	const char *pk_name = op->primary_key ? op->primary_key->name : NULL;
	long inline_pk; /* the column that carries PRIMARY KEY itself */
	int table_pk = op->primary_key && op->primary_key->ncolumns;

	if (!need(w, op, op->table, "table") || !need(w, op, op->ncolumns ? op->columns : NULL, "columns"))
		return;
	for (i = 0; i < op->ncolumns; i++)
		if (!need(w, op, op->columns[i].name && op->columns[i].type ? op : NULL, "column name or type"))
			return;
	for (i = 0; i < op->nforeign_keys; i++)
		if (!fk_ok(w, op, &op->foreign_keys[i]))
			return;
	primary_key(op, &npk, &inline_pk);

	sqlite_create_table_head(w, op->table);
	for (i = 0; i < op->ncolumns; i++) {
		int is_pk = inline_pk == (long)i;
		int in_pk = table_pk ? in_table_pk(op, op->columns[i].name) : op->columns[i].primary_key > 0;
		sw_put(w, i ? ",\n    " : "\n    ");
		column_def(w, &op->columns[i], in_pk, is_pk, is_pk ? pk_name : NULL);
	}
	if (npk && inline_pk < 0) {
		sw_put(w, ",\n    ");
		sw_constraint_name(w, pk_name);
		sw_put(w, "PRIMARY KEY ");
		if (table_pk) {
			sw_ident_list(w, op->primary_key->columns, op->primary_key->ncolumns);
		} else {
			size_t k = 0;
			sw_put(w, "(");
			for (i = 0; i < op->ncolumns; i++)
				if (op->columns[i].primary_key > 0) {
					if (k++)
						sw_put(w, ", ");
					sw_ident(w, op->columns[i].name);
				}
			sw_put(w, ")");
		}
	}
	sw_table_constraints(w, op);
	sw_put(w, "\n)");
	sw_end(w, 0);
}

/* CREATE [UNIQUE] INDEX name ON t (columns, or the expression as written) [WHERE ...] */
static void index_of(sw *w, const retort_op *op, int unique)
{
	retort_op ix = *op;
	if (!need(w, op, op->name, "name") || !need(w, op, op->table, "table") ||
	    !need(w, op, op->ncolumn_names || (op->expression && op->kind == RETORT_OP_CREATE_INDEX) ? op : NULL,
	          "columns"))
		return;
	ix.unique = unique;
	if (op->ncolumn_names)
		ix.expression = NULL;
	sw_create_index(w, &ix, NULL);
	if (op->where && op->kind == RETORT_OP_CREATE_INDEX) {
		sw_put(w, " WHERE ");
		sw_put(w, op->where);
	}
	sw_end(w, 0);
}

static void create_index(sw *w, const retort_op *op)
{
	index_of(w, op, op->unique > 0); /* concurrently: no such thing in SQLite */
}

/*
 * Offline only (online it is a rebuild adding a table constraint,
 * rebuild.c): SQLite cannot add a table constraint without the live
 * schema; a unique index enforces the same.
 */
static void create_unique_constraint(sw *w, const retort_op *op)
{
	index_of(w, op, 1);
}

/* bulk_insert's values as SQLite takes them: a number that is not one becomes a string */
static void value(sw *w, const retort_op *op, const retort_value *v)
{
	(void)op;
	switch (v->type) {
	case RETORT_VALUE_INT:
	case RETORT_VALUE_FLOAT:
		if (v->text && is_number(v->text))
			sw_put(w, v->text);
		else if (v->text)
			sw_lit(w, v->text);
		else
			sw_put(w, "NULL");
		break;
	case RETORT_VALUE_BOOL:
		if (!v->text)
			sw_put(w, "NULL");
		else
			sw_put(w, (strcmp(v->text, "0") == 0 || strcasecmp(v->text, "false") == 0) ? "0" : "1");
		break;
	case RETORT_VALUE_STRING:
		if (v->text)
			sw_lit(w, v->text);
		else
			sw_put(w, "NULL");
		break;
	case RETORT_VALUE_NULL:
	default:
		sw_put(w, "NULL");
		break;
	}
}

static void bulk_insert(sw *w, const retort_op *op)
{
	if (need(w, op, op->table, "table") && need(w, op, op->ncolumn_names ? op : NULL, "columns"))
		sw_bulk_insert(w, op);
}

/* alter_column's autoincrement (retort_op_more): 1 on, 0 off, RETORT_UNSET unchanged */
int sqlite_op_autoinc(const retort_host *host, retort_host_ctx *h, const retort_op *op)
{
	const retort_op_more *m = RETORT_HOST_HAS(host, op_more) ? host->op_more(h, op) : NULL;
	return m && op->kind == RETORT_OP_ALTER_COLUMN ? m->autoincrement : RETORT_UNSET;
}

static void alter_column(sw *w, const retort_op *op)
{
	if (!need(w, op, op->table && op->column ? op : NULL, "table or column"))
		return;
	/* comments do not exist in SQLite: a comment change alone renders nothing */
	if (op->type || op->nullable != RETORT_UNSET || op->set_server_default ||
	    sqlite_op_autoinc(w->host, w->h, op) != RETORT_UNSET)
		needs_rebuild(w, op);
	else if (op->new_name)
		sw_rename_column(w, op);
}

static void drop_table(sw *w, const retort_op *op)
{
	if (need(w, op, op->table, "table"))
		sw_render_common(w, op);
}

static void rename_table(sw *w, const retort_op *op)
{
	if (need(w, op, op->table && op->new_name ? op : NULL, "table or new_name")) {
		sw_alter_table(w, op->table);
		sw_put(w, "RENAME TO ");
		sw_ident(w, op->new_name);
		sw_end(w, 0);
	}
}

static void add_column(sw *w, const retort_op *op)
{
	if (!need(w, op, op->table && op->ncolumns && op->columns[0].name && op->columns[0].type ? op : NULL,
	          "table or column"))
		return;
	if (op->columns[0].primary_key > 0 || op->columns[0].unique > 0)
		sw_fail(w, RETORT_ENOTSUPPORTED,
		        "add_column: SQLite cannot add a PRIMARY KEY or UNIQUE column (%s.%s); add it, then create a "
		        "unique constraint",
		        op->table, op->columns[0].name);
	else
		sw_add_column(w, op, added_column);
}

static void drop_column(sw *w, const retort_op *op)
{
	if (need(w, op, op->table && op->column ? op : NULL, "table or column"))
		sw_render_common(w, op);
}

/* DROP INDEX name; drop_constraint of a unique constraint offline: its index (create_unique_constraint) */
static void drop_index(sw *w, const retort_op *op)
{
	if (op->kind == RETORT_OP_DROP_CONSTRAINT &&
	    !(op->constraint_type && strcasecmp(op->constraint_type, "unique") == 0)) {
		needs_rebuild(w, op);
		return;
	}
	if (need(w, op, op->name, "name")) {
		sw_put(w, "DROP INDEX ");
		sw_ident(w, op->name);
		sw_end(w, 0);
	}
}

static void execute(sw *w, const retort_op *op)
{
	if (need(w, op, op->sql, "sql"))
		sw_render_common(w, op);
}

static void no_comment(sw *w, const retort_op *op)
{
	(void)op;
	sw_fail(w, RETORT_ENOTSUPPORTED, "set_table_comment: SQLite keeps no comments");
}

static void no_enum(sw *w, const retort_op *op)
{
	sw_fail(w, RETORT_ENOTSUPPORTED, "%s: SQLite has no enumerated types", op_name(op));
}

/* Every kind: SQLite writes some of the common ones its own way, and checks their members first. */
static const sw_op_fn sqlite_ops[SW_NKINDS] = {
	[RETORT_OP_CREATE_TABLE] = create_table,         [RETORT_OP_DROP_TABLE] = drop_table,
	[RETORT_OP_RENAME_TABLE] = rename_table,         [RETORT_OP_ADD_COLUMN] = add_column,
	[RETORT_OP_DROP_COLUMN] = drop_column,           [RETORT_OP_ALTER_COLUMN] = alter_column,
	[RETORT_OP_CREATE_INDEX] = create_index,         [RETORT_OP_DROP_INDEX] = drop_index,
	[RETORT_OP_CREATE_UNIQUE_CONSTRAINT] = create_unique_constraint,
	[RETORT_OP_DROP_CONSTRAINT] = drop_index,        [RETORT_OP_CREATE_FOREIGN_KEY] = needs_rebuild,
	[RETORT_OP_CREATE_CHECK_CONSTRAINT] = needs_rebuild, [RETORT_OP_CREATE_PRIMARY_KEY] = needs_rebuild,
	[RETORT_OP_BULK_INSERT] = bulk_insert,           [RETORT_OP_EXECUTE] = execute,
	[RETORT_OP_SET_TABLE_COMMENT] = no_comment,      [RETORT_OP_CREATE_ENUM] = no_enum,
	[RETORT_OP_DROP_ENUM] = no_enum,                 [RETORT_OP_ADD_ENUM_VALUE] = no_enum,
	[RETORT_OP_ALTER_ENUM] = no_enum,
};

void sqlite_writer(sw *w, sqlite_state *st, retort_host_ctx *h, retort_sink *out)
{
	sw_init(w, &sqlite_sql, st, st->host, h, out);
}

int sqlite_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	sqlite_state *st = state;
	if ((unsigned)op->kind >= SW_NKINDS && !(op->dialect && strcasecmp(op->dialect, "sqlite") != 0)) {
		st->host->set_error(h, "unknown operation kind %d", (int)op->kind);
		return RETORT_EINVAL;
	}
	return sw_render(&sqlite_sql, st, st->host, h, op, out, sqlite_ops);
}

/*
 * ---- the same SQL into a plain buffer (rebuild.c) ----
 *
 * The writer writes into a sink through host->sink_add; for text that
 * rebuild.c keeps, it is lent a copy of the host whose sink_add appends to
 * a sqlite_buf (passed as the sink), and a state whose quoting writes there
 * too.
 */

static int buf_sink_add(retort_sink *s, const char *text, size_t n)
{
	sqlite_buf *b = (sqlite_buf *)(void *)s;
	sqlite_buf_add(b, text, n);
	return b->rc;
}

sw *sqlite_buf_writer(sqlite_text_writer *bw, sqlite_buf *b, const sqlite_state *st, retort_host_ctx *h)
{
	bw->host = *b->host;
	bw->host.sink_add = buf_sink_add;
	if (st)
		bw->st = *st;
	else
		memset(&bw->st, 0, sizeof bw->st);
	bw->st.host = &bw->host;
	bw->st.h = h;
	sw_init(&bw->w, &sqlite_sql, &bw->st, &bw->host, h, (retort_sink *)(void *)b);
	return &bw->w;
}

int sqlite_text_ident(sqlite_buf *b, const char *name)
{
	sqlite_text_writer bw;
	sw_ident(sqlite_buf_writer(&bw, b, NULL, NULL), name);
	return b->rc;
}

int sqlite_text_type(sqlite_buf *b, const char *type)
{
	sqlite_text_writer bw;
	sw_type_of(sqlite_buf_writer(&bw, b, NULL, NULL), type);
	return b->rc;
}

int sqlite_text_default(sqlite_buf *b, const char *expr)
{
	sqlite_text_writer bw;
	default_expr(sqlite_buf_writer(&bw, b, NULL, NULL), expr);
	return b->rc;
}

int sqlite_text_foreign_key(sqlite_state *st, retort_host_ctx *h, const retort_op *op, sqlite_buf *b,
                            const retort_foreign_key *fk)
{
	sqlite_text_writer bw;
	sw *w = sqlite_buf_writer(&bw, b, st, h);
	if (fk_ok(w, op, fk))
		sw_foreign_key(w, op, fk);
	return w->rc != RETORT_OK ? w->rc : b->rc;
}

const char *sqlite_op_name(const retort_op *op)
{
	return op_name(op);
}
