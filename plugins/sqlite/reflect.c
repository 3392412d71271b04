/*
 * The sqlite dialect: reflecting the live schema into the host's builder.
 *
 * Tables come from sqlite_master (internal sqlite_% tables left out),
 * columns from pragma_table_info, indexes from pragma_index_list and
 * pragma_index_info (the WHERE of a partial index from its CREATE INDEX
 * text), foreign keys from pragma_foreign_key_list.
 *
 * Limits: SQLite keeps no catalog of CHECK constraints nor of the names of
 * table constraints, so checks are not reported and unique constraints
 * declared in CREATE TABLE are reported without a name; indexes on
 * expressions are skipped; SQLite has no comments.
 */
#include <string.h>
#include <strings.h>

#include "sqlite_int.h"

/* ---- a vector of strings copied with the host's allocator ---- */

typedef struct sv {
	char **v;
	size_t n, cap;
} sv;

static int sv_push(const retort_host *host, sv *s, const char *str)
{
	size_t len;
	char *copy;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **v = host->realloc(s->v, cap * sizeof *v);
		if (!v)
			return RETORT_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	len = strlen(str) + 1;
	copy = host->malloc(len);
	if (!copy)
		return RETORT_ENOMEM;
	memcpy(copy, str, len);
	s->v[s->n++] = copy;
	return RETORT_OK;
}

static void sv_clear(const retort_host *host, sv *s)
{
	size_t i;
	for (i = 0; i < s->n; i++)
		host->free(s->v[i]);
	s->n = 0;
}

static void sv_free(const retort_host *host, sv *s)
{
	sv_clear(host, s);
	host->free(s->v);
	s->v = NULL;
	s->cap = 0;
}

/* ---- helpers ---- */

typedef struct refl {
	retort_conn *c;
	retort_host_ctx *h;
	const sqlite_builder_v0 *b;
} refl;

static int prepare1(refl *x, sqlite3_stmt **stmt, const char *sql, const char *arg)
{
	if (sqlite3_prepare_v2(x->c->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return sqlite_db_error(x->c, x->h);
	if (arg)
		sqlite3_bind_text(*stmt, 1, arg, -1, SQLITE_TRANSIENT);
	return RETORT_OK;
}

static int nomem(refl *x)
{
	x->c->host->set_error(x->h, "out of memory");
	return RETORT_ENOMEM;
}

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

/* The primary-key columns of `table` in key order. */
static int pk_columns(refl *x, const char *table, sv *out)
{
	sqlite3_stmt *stmt = NULL;
	int rc, status;
	if ((status = prepare1(x, &stmt, "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk", table)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (sv_push(x->c->host, out, col_text(stmt, 0) ? col_text(stmt, 0) : "") != RETORT_OK) {
			sqlite3_finalize(stmt);
			return nomem(x);
		}
	status = rc == SQLITE_DONE ? RETORT_OK : sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	return status;
}

/* Does `sql` contain `word` (case-insensitive)? */
static int contains_word(const char *sql, const char *word)
{
	size_t n = strlen(word);
	for (; sql && *sql; sql++)
		if (strncasecmp(sql, word, n) == 0)
			return 1;
	return 0;
}

/*
 * The WHERE clause of a CREATE INDEX statement: what follows the column
 * list's closing parenthesis and the keyword WHERE.  Quotes are skipped.
 */
static const char *index_where(const char *sql, size_t *len)
{
	const char *p = sql ? strchr(sql, '(') : NULL;
	int depth = 0;
	size_t n;
	if (!p)
		return NULL;
	for (; *p; p++) {
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char q = *p == '[' ? ']' : *p;
			for (p++; *p && *p != q; p++)
				;
			if (!*p)
				return NULL;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			p++;
			break;
		}
	}
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	if (strncasecmp(p, "WHERE", 5) != 0)
		return NULL;
	p += 5;
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	n = strlen(p);
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == ';'))
		n--;
	*len = n;
	return n ? p : NULL;
}

/* ---- per table ---- */

static int columns(refl *x, const char *table, const char *table_sql, const sv *pk)
{
	sqlite3_stmt *stmt = NULL;
	int rc, status;
	if ((status = prepare1(x, &stmt,
	                       "SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info(?1) ORDER BY cid",
	                       table)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		retort_column col;
		const char *type = col_text(stmt, 1);
		memset(&col, 0, sizeof col);
		col.size = sizeof col;
		col.name = col_text(stmt, 0);
		col.type = type ? type : "";
		col.primary_key = sqlite3_column_int(stmt, 4) > 0;
		col.nullable = (sqlite3_column_int(stmt, 2) || col.primary_key) ? 0 : 1;
		col.autoincrement = col.primary_key && pk->n == 1 && strcasecmp(col.type, "INTEGER") == 0 &&
		                    contains_word(table_sql, "AUTOINCREMENT");
		col.server_default = col_text(stmt, 3);
		if (!col.name)
			continue;
		if (x->b->column && (status = x->b->column(x->b->arg, table, &col)) != 0)
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	return status;
}

static int index_cols(refl *x, const char *index, sv *out, int *has_expr)
{
	sqlite3_stmt *stmt = NULL;
	int rc, status;
	*has_expr = 0;
	if ((status = prepare1(x, &stmt, "SELECT name FROM pragma_index_info(?1) ORDER BY seqno", index)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (!col_text(stmt, 0)) {
			*has_expr = 1;
			continue;
		}
		if (sv_push(x->c->host, out, col_text(stmt, 0)) != RETORT_OK) {
			sqlite3_finalize(stmt);
			return nomem(x);
		}
	}
	status = rc == SQLITE_DONE ? RETORT_OK : sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	return status;
}

static int indexes(refl *x, const char *table)
{
	sqlite3_stmt *stmt = NULL;
	sv cols = {NULL, 0, 0};
	int rc, status;
	if ((status = prepare1(x, &stmt,
	                       "SELECT il.name, il.\"unique\", il.origin, m.sql FROM pragma_index_list(?1) AS il "
	                       "LEFT JOIN sqlite_master AS m ON m.type = 'index' AND m.name = il.name ORDER BY il.name",
	                       table)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = col_text(stmt, 0), *origin = col_text(stmt, 2);
		int unique = sqlite3_column_int(stmt, 1), has_expr;
		if (!name || !origin || strcmp(origin, "pk") == 0)
			continue;
		sv_clear(x->c->host, &cols);
		if ((status = index_cols(x, name, &cols, &has_expr)) != RETORT_OK)
			break;
		if (has_expr || cols.n == 0) {
			x->c->host->log(x->h, RETORT_LOG_DEBUG, "index %s on %s: on an expression, not reflected", name,
			                table);
			continue;
		}
		if (strcmp(origin, "u") == 0) {
			retort_constraint uq;
			memset(&uq, 0, sizeof uq);
			uq.size = sizeof uq;
			uq.columns = (const char *const *)cols.v;
			uq.ncolumns = cols.n;
			if (x->b->unique && (status = x->b->unique(x->b->arg, table, &uq)) != 0)
				break;
		} else {
			size_t wlen = 0;
			const char *w = index_where(col_text(stmt, 3), &wlen);
			char *where = NULL;
			if (w) {
				where = x->c->host->malloc(wlen + 1);
				if (!where) {
					status = nomem(x);
					break;
				}
				memcpy(where, w, wlen);
				where[wlen] = '\0';
			}
			if (x->b->index)
				status = x->b->index(x->b->arg, table, name, (const char *const *)cols.v, cols.n, unique,
				                     where);
			x->c->host->free(where);
			if (status != 0)
				break;
		}
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	sv_free(x->c->host, &cols);
	return status;
}

static const char *fk_action(const char *a)
{
	static const char *const map[][2] = {{"CASCADE", "cascade"},         {"SET NULL", "set null"},
	                                     {"SET DEFAULT", "set default"}, {"RESTRICT", "restrict"}};
	size_t i;
	for (i = 0; a && i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(a, map[i][0]) == 0)
			return map[i][1];
	return NULL; /* NO ACTION, the default */
}

/* Emit the foreign key gathered so far. */
static int emit_fk(refl *x, const char *table, const char *ref_table, sv *cols, sv *refs, const char *on_delete,
                   const char *on_update)
{
	retort_foreign_key fk;
	int status;
	if (refs->n == 0 && (status = pk_columns(x, ref_table, refs)) != RETORT_OK)
		return status;
	memset(&fk, 0, sizeof fk);
	fk.size = sizeof fk;
	fk.columns = (const char *const *)cols->v;
	fk.ncolumns = cols->n;
	fk.ref_table = ref_table;
	fk.ref_columns = (const char *const *)refs->v;
	fk.nref_columns = refs->n;
	fk.on_delete = on_delete;
	fk.on_update = on_update;
	return x->b->foreign_key ? x->b->foreign_key(x->b->arg, table, &fk) : 0;
}

static int foreign_keys(refl *x, const char *table)
{
	const retort_host *host = x->c->host;
	sqlite3_stmt *stmt = NULL;
	sv cols = {NULL, 0, 0}, refs = {NULL, 0, 0}, ref_table = {NULL, 0, 0};
	const char *on_delete = NULL, *on_update = NULL;
	int rc, status, cur = -1;

	if ((status = prepare1(x, &stmt,
	                       "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete "
	                       "FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
	                       table)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int id = sqlite3_column_int(stmt, 0);
		const char *from = col_text(stmt, 2), *to = col_text(stmt, 3);
		if (id != cur) {
			if (cur >= 0 && (status = emit_fk(x, table, ref_table.v[0], &cols, &refs, on_delete,
			                                  on_update)) != 0)
				break;
			sv_clear(host, &cols);
			sv_clear(host, &refs);
			sv_clear(host, &ref_table);
			cur = id;
			on_update = fk_action(col_text(stmt, 4));
			on_delete = fk_action(col_text(stmt, 5));
			if (sv_push(host, &ref_table, col_text(stmt, 1) ? col_text(stmt, 1) : "") != RETORT_OK) {
				status = nomem(x);
				break;
			}
		}
		if (sv_push(host, &cols, from ? from : "") != RETORT_OK ||
		    (to && sv_push(host, &refs, to) != RETORT_OK)) {
			status = nomem(x);
			break;
		}
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	if (status == RETORT_OK && cur >= 0)
		status = emit_fk(x, table, ref_table.v[0], &cols, &refs, on_delete, on_update);
	sv_free(host, &cols);
	sv_free(host, &refs);
	sv_free(host, &ref_table);
	return status;
}

static int one_table(refl *x, const char *table, const char *sql)
{
	sv pk = {NULL, 0, 0};
	int status;
	if (x->b->table && (status = x->b->table(x->b->arg, table, NULL)) != 0)
		return status;
	if ((status = pk_columns(x, table, &pk)) != RETORT_OK)
		goto done;
	if ((status = columns(x, table, sql, &pk)) != RETORT_OK)
		goto done;
	if (pk.n && x->b->primary_key) {
		retort_constraint c;
		memset(&c, 0, sizeof c);
		c.size = sizeof c;
		c.columns = (const char *const *)pk.v;
		c.ncolumns = pk.n;
		if ((status = x->b->primary_key(x->b->arg, table, &c)) != 0)
			goto done;
	}
	if ((status = indexes(x, table)) != RETORT_OK)
		goto done;
	status = foreign_keys(x, table);
done:
	sv_free(x->c->host, &pk);
	return status;
}

int sqlite_reflect(retort_conn *c, retort_host_ctx *h, const sqlite_builder_v0 *b)
{
	refl x = {c, h, b};
	sqlite3_stmt *stmt = NULL;
	int rc, status;
	if ((status = prepare1(&x, &stmt,
	                       "SELECT name, sql FROM sqlite_master WHERE type = 'table' "
	                       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
	                       NULL)))
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = col_text(stmt, 0);
		if (name && (status = one_table(&x, name, col_text(stmt, 1))) != 0)
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(c, h);
	sqlite3_finalize(stmt);
	return status;
}
