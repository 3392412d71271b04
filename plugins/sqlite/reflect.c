/*
 * The sqlite dialect: reflecting the live schema into the host's builder
 * (retort_dialect_vtable.reflect, <retort/schema.h>).
 *
 * A fixed number of queries whatever the number of tables, each a
 * table-valued pragma joined with sqlite_master for the whole schema:
 *   1. sqlite_master itself: tables, their CREATE TABLE text, views,
 *      triggers, virtual tables;
 *   2. pragma_table_xinfo: columns;
 * The host sorts, so objects go to the builder as the queries return them.
 * Normalisation (types, defaults) is described in docs/ARCHITECTURE.md,
 * "Reflection: sqlite".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sqlite_int.h"

/* ---- the tables, kept for the later queries ---- */

typedef struct rtab {
	char *name;
	char *sql;    /* CREATE TABLE text */
	char **pk;    /* primary-key columns in key order (pk[i] borrowed from the column query: copied) */
	size_t npk;
	int autoinc;  /* AUTOINCREMENT appears in the definition */
} rtab;

typedef struct refl {
	retort_conn *c;
	retort_host_ctx *h;
	const retort_host *host;
	const retort_schema_builder *b;
	rtab *t;
	size_t nt, cap;
} refl;

static int nomem(refl *x)
{
	x->host->set_error(x->h, "out of memory");
	return RETORT_ENOMEM;
}

static char *dupn(refl *x, const char *s, size_t n)
{
	char *p = x->host->malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *dup(refl *x, const char *s)
{
	return dupn(x, s, strlen(s));
}

static const char *col_text(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

/* Builder callbacks the builder may not have (its size says). */
#define HAS(x, m) (RETORT_STRUCT_HAS((x)->b, retort_schema_builder, m) && (x)->b->m)

/* Prepare one of the batched queries and count its round trip. */
static int prepare(refl *x, sqlite3_stmt **stmt, const char *sql)
{
	if (HAS(x, round_trip))
		x->b->round_trip(x->b->arg);
	if (sqlite3_prepare_v2(x->c->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return sqlite_db_error(x->c, x->h);
	return RETORT_OK;
}

static rtab *find_table(refl *x, const char *name)
{
	size_t i;
	for (i = 0; name && i < x->nt; i++)
		if (strcmp(x->t[i].name, name) == 0)
			return &x->t[i];
	for (i = 0; name && i < x->nt; i++)
		if (strcasecmp(x->t[i].name, name) == 0)
			return &x->t[i];
	return NULL;
}

static void free_tables(refl *x)
{
	size_t i, k;
	for (i = 0; i < x->nt; i++) {
		x->host->free(x->t[i].name);
		x->host->free(x->t[i].sql);
		for (k = 0; k < x->t[i].npk; k++)
			x->host->free(x->t[i].pk[k]);
		x->host->free(x->t[i].pk);
	}
	x->host->free(x->t);
}

/* Does `sql` contain the keyword `kw` outside quotes? */
static int has_keyword(const char *sql, const char *kw)
{
	size_t n = strlen(kw);
	const char *p;
	for (p = sql; *p; p++) {
		if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
			char q = *p == '[' ? ']' : *p;
			for (p++; *p && *p != q; p++)
				;
			if (!*p)
				return 0;
		} else if (strncasecmp(p, kw, n) == 0 && (p == sql || !(isalnum((unsigned char)p[-1]) || p[-1] == '_')) &&
		           !(isalnum((unsigned char)p[n]) || p[n] == '_')) {
			return 1;
		}
	}
	return 0;
}

/* ---- normalisation ---- */

/*
 * The declared type in lower case, runs of blanks made one space, no blank
 * inside parentheses nor before the opening one: "VARCHAR ( 20 )" ->
 * "varchar(20)", "DOUBLE  PRECISION" -> "double precision".  The portable
 * names render() writes (INTEGER, VARCHAR(20), NUMERIC(12,2), DOUBLE,
 * TIMESTAMP...) so read back as themselves.
 */
static char *norm_type(refl *x, const char *type)
{
	char *out = x->host->malloc(strlen(type) + 1), *o = out;
	const char *p;
	int depth = 0, blank = 0;
	if (!out)
		return NULL;
	for (p = type; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (isspace(ch)) {
			blank = 1;
			continue;
		}
		if (blank && o > out && depth == 0 && ch != '(')
			*o++ = ' ';
		blank = 0;
		if (ch == '(')
			depth++;
		else if (ch == ')' && depth > 0)
			depth--;
		*o++ = (char)tolower(ch);
	}
	*o = '\0';
	return out;
}

/*
 * A column's default as pragma_table_info gives it (the expression without
 * the parentheses of DEFAULT (...)): NULL and no default alike give none;
 * TRUE/FALSE are 1/0 (what SQLite stores); the CURRENT_* keywords in upper
 * case; anything else verbatim.
 */
static const char *norm_default(const char *d)
{
	static const char *const kw[] = {"CURRENT_TIMESTAMP", "CURRENT_DATE", "CURRENT_TIME", NULL};
	size_t i;
	if (!d || strcasecmp(d, "NULL") == 0)
		return NULL;
	if (strcasecmp(d, "TRUE") == 0)
		return "1";
	if (strcasecmp(d, "FALSE") == 0)
		return "0";
	for (i = 0; kw[i]; i++)
		if (strcasecmp(d, kw[i]) == 0)
			return kw[i];
	return d;
}

/* ---- 1. sqlite_master ---- */

static int add_table(refl *x, const char *name, const char *sql)
{
	rtab *t;
	if (x->nt == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		rtab *v = x->host->realloc(x->t, cap * sizeof *v);
		if (!v)
			return nomem(x);
		x->t = v;
		x->cap = cap;
	}
	t = &x->t[x->nt];
	memset(t, 0, sizeof *t);
	if (!(t->name = dup(x, name)) || !(t->sql = dup(x, sql))) {
		x->host->free(t->name);
		return nomem(x);
	}
	x->nt++;
	t->autoinc = has_keyword(sql, "AUTOINCREMENT");
	return RETORT_OK;
}

static int unsupported(refl *x, const char *object, const char *reason)
{
	return HAS(x, unsupported) ? x->b->unsupported(x->b->arg, object, reason) : RETORT_OK;
}

static int q_master(refl *x)
{
	sqlite3_stmt *stmt = NULL;
	int rc, status;
	if ((status = prepare(x, &stmt,
	                      "SELECT type, name, sql FROM main.sqlite_master "
	                      "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND type IN ('table', 'view', 'trigger') "
	                      "ORDER BY type, name")) != RETORT_OK)
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *type = col_text(stmt, 0), *name = col_text(stmt, 1), *sql = col_text(stmt, 2);
		char what[512];
		if (!type || !name || !sql)
			continue;
		if (strcmp(type, "table") == 0 && strncasecmp(sql, "CREATE TABLE", 12) == 0) {
			retort_reflect_table t;
			if ((status = add_table(x, name, sql)) != RETORT_OK)
				break;
			memset(&t, 0, sizeof t);
			t.size = sizeof t;
			t.name = name;
			if (HAS(x, table) && (status = x->b->table(x->b->arg, &t)) != RETORT_OK)
				break;
			continue;
		}
		if (strcmp(type, "table") == 0) {
			snprintf(what, sizeof what, "virtual table %s", name);
			status = unsupported(x, what, "the schema description has no virtual tables");
		} else {
			snprintf(what, sizeof what, "%s %s", type, name);
			status = unsupported(x, what, "the schema description has tables and their keys and indexes only");
		}
		if (status != RETORT_OK)
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	return status;
}

/* ---- 2. columns ---- */

static int set_pk(refl *x, rtab *t, int ord, const char *col)
{
	size_t need = (size_t)ord;
	if (ord <= 0)
		return RETORT_OK;
	if (need > t->npk) {
		char **v = x->host->realloc(t->pk, need * sizeof *v);
		if (!v)
			return nomem(x);
		memset(v + t->npk, 0, (need - t->npk) * sizeof *v);
		t->pk = v;
		t->npk = need;
	}
	x->host->free(t->pk[ord - 1]);
	if (!(t->pk[ord - 1] = dup(x, col)))
		return nomem(x);
	return RETORT_OK;
}

static int q_columns(refl *x)
{
	/* table_xinfo (3.26) also lists generated columns (hidden 2 and 3) */
	const char *sql = sqlite3_libversion_number() >= 3026000
	                          ? "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden "
	                            "FROM main.sqlite_master AS m JOIN pragma_table_xinfo(m.name, 'main') AS p "
	                            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	                            "AND m.sql LIKE 'CREATE TABLE%' ORDER BY m.name, p.cid"
	                          : "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, 0 "
	                            "FROM main.sqlite_master AS m JOIN pragma_table_info(m.name, 'main') AS p "
	                            "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	                            "AND m.sql LIKE 'CREATE TABLE%' ORDER BY m.name, p.cid";
	sqlite3_stmt *stmt = NULL;
	rtab *t = NULL;
	int rc, status, position = 0;
	if ((status = prepare(x, &stmt, sql)) != RETORT_OK)
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *table = col_text(stmt, 0), *name = col_text(stmt, 1), *type = col_text(stmt, 2);
		int hidden = sqlite3_column_int(stmt, 6), pk = sqlite3_column_int(stmt, 5);
		retort_reflect_column col;
		char *ntype;
		if (!table || !name)
			continue;
		if (!t || strcmp(t->name, table) != 0) {
			if (!(t = find_table(x, table)))
				continue;
			position = 0;
		}
		if (hidden) {
			char what[512];
			snprintf(what, sizeof what, "generated column %s.%s", table, name);
			if ((status = unsupported(x, what, "the schema description has no generated columns")) != RETORT_OK)
				break;
			continue;
		}
		if ((status = set_pk(x, t, pk, name)) != RETORT_OK)
			break;
		if (!(ntype = norm_type(x, type ? type : ""))) {
			status = nomem(x);
			break;
		}
		memset(&col, 0, sizeof col);
		col.size = sizeof col;
		col.table = table;
		col.name = name;
		col.position = ++position;
		col.type = ntype;
		/* a primary key is NOT NULL (SQLite's NULLs in a rowid table's key are a bug kept for compatibility) */
		col.nullable = !(sqlite3_column_int(stmt, 3) || pk > 0);
		col.server_default = norm_default(col_text(stmt, 4));
		col.autoincrement = pk > 0 && t->autoinc && strcmp(ntype, "integer") == 0;
		status = HAS(x, column) ? x->b->column(x->b->arg, &col) : RETORT_OK;
		x->host->free(ntype);
		if (status != RETORT_OK)
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	return status;
}

/* ---- the constraints and indexes ---- */

static int primary_keys(refl *x)
{
	size_t i;
	int status;
	for (i = 0; i < x->nt; i++) {
		rtab *t = &x->t[i];
		retort_reflect_constraint c;
		if (!t->npk)
			continue;
		memset(&c, 0, sizeof c);
		c.size = sizeof c;
		c.kind = RETORT_CONSTRAINT_PRIMARY_KEY;
		c.table = t->name;
		c.columns = (const char *const *)t->pk;
		c.ncolumns = t->npk;
		if (HAS(x, constraint) && (status = x->b->constraint(x->b->arg, &c)) != RETORT_OK)
			return status;
	}
	return RETORT_OK;
}

int sqlite_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b)
{
	refl x;
	int status;
	memset(&x, 0, sizeof x);
	x.c = c;
	x.h = h;
	x.host = c->host;
	x.b = b;
	if ((status = q_master(&x)) == RETORT_OK && (status = q_columns(&x)) == RETORT_OK)
		status = primary_keys(&x);
	free_tables(&x);
	return status;
}
