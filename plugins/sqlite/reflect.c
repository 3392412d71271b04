/*
 * The sqlite dialect: reflecting the live schema into the host's builder
 * (retort_dialect_vtable.reflect, <retort/schema.h>).
 *
 * A fixed number of queries whatever the number of tables, each a
 * table-valued pragma joined with sqlite_master for the whole schema:
 *   1. sqlite_master itself: tables and their CREATE TABLE text, views,
 *      triggers, virtual tables (with pragma_table_list, 3.37, to know
 *      the shadow tables of virtual tables);
 *   2. pragma_table_xinfo: columns (and so the primary keys);
 *   3. pragma_index_list with pragma_index_xinfo: indexes and the unique
 *      constraints behind their automatic indexes (each CREATE INDEX text
 *      from sqlite_master for the WHERE of a partial index and the key
 *      list of an index on expressions);
 *   4. pragma_foreign_key_list: foreign keys.
 * SQLite keeps the names of constraints and the CHECK constraints only in
 * the CREATE TABLE text: rebuild_table.c's parser (rb_parse,
 * rb_constraints), the one the table rebuilds use, reads them from there.
 * The host sorts, so objects go to the builder as the queries return them.
 * Normalisation (types, defaults) is described in docs/ARCHITECTURE.md,
 * "Reflection: sqlite".
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rebuild_int.h"

/* ---- the tables, kept for the later queries ---- */

typedef struct rtab {
	char *name;
	char *sql;      /* CREATE TABLE text */
	char **pk;      /* primary-key columns in key order (copied from the column query) */
	size_t npk;
	strv cols;      /* its columns' names, in position order */
	rb_cons *cons;  /* the constraints its CREATE TABLE text states */
	size_t ncons;
	char *used;     /* cons[i] matched to a unique index or a foreign key already */
	int autoinc;    /* its primary key says AUTOINCREMENT */
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

/* An rb for rebuild_table.c's parser: only its host and connection are used. */
static void rb_init(refl *x, rb *b)
{
	memset(b, 0, sizeof *b);
	b->c = x->c;
	b->h = x->h;
	b->host = x->host;
}

static void sv_free(refl *x, char **v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		x->host->free(v[i]);
	x->host->free(v);
}

static void free_tables(refl *x)
{
	rb b;
	size_t i;
	rb_init(x, &b);
	for (i = 0; i < x->nt; i++) {
		x->host->free(x->t[i].name);
		x->host->free(x->t[i].sql);
		sv_free(x, x->t[i].pk, x->t[i].npk);
		sv_free(x, x->t[i].cols.v, x->t[i].cols.n);
		rb_cons_free(&b, x->t[i].cons, x->t[i].ncons);
		x->host->free(x->t[i].used);
	}
	x->host->free(x->t);
}

static int push(refl *x, strv *v, const char *s)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		char **p = x->host->realloc(v->v, cap * sizeof *p);
		if (!p)
			return nomem(x);
		v->v = p;
		v->cap = cap;
	}
	if (!(v->v[v->n] = dup(x, s)))
		return nomem(x);
	v->n++;
	return RETORT_OK;
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

static int unsupported(refl *x, const char *object, const char *reason)
{
	return HAS(x, unsupported) ? x->b->unsupported(x->b->arg, object, reason) : RETORT_OK;
}

/* Read the constraints of t's CREATE TABLE text (names, checks); what cannot be read is reported. */
static int parse_table(refl *x, rtab *t)
{
	rb b;
	size_t i;
	int rc;
	char what[512];

	rb_init(x, &b);
	b.table = dup(x, t->name);
	b.sql = dup(x, t->sql);
	if (!b.table || !b.sql) {
		rb_free(&b);
		return nomem(x);
	}
	rc = rb_parse(&b);
	if (rc == RETORT_OK)
		rc = rb_constraints(&b, &t->cons, &t->ncons);
	what[0] = '\0';
	if (rc == RETORT_OK && b.tail && *b.tail) /* WITHOUT ROWID, STRICT */
		snprintf(what, sizeof what, "table option %s of table %s", b.tail, t->name);
	rb_free(&b);
	if (rc == RETORT_ENOMEM)
		return rc;
	if (rc != RETORT_OK) {
		snprintf(what, sizeof what, "constraint names and checks of table %s", t->name);
		return unsupported(x, what, "its CREATE TABLE text could not be parsed");
	}
	if (t->ncons && !(t->used = x->host->malloc(t->ncons)))
		return nomem(x);
	if (t->ncons)
		memset(t->used, 0, t->ncons);
	for (i = 0; i < t->ncons; i++)
		if (t->cons[i].kind == 'P' && t->cons[i].autoinc)
			t->autoinc = 1;
	return what[0] ? unsupported(x, what, "the schema description has no table options: the dump makes an ordinary table")
	               : RETORT_OK;
}

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
	return parse_table(x, t);
}

/*
 * The shadow tables of a virtual table (an FTS index's docs_data...) go
 * with it: pragma_table_list (3.37) says which they are; before it, a
 * table named after a virtual table and '_' is taken for one.
 */
static int is_shadow(refl *x, const char *name, const char *list_type, const strv *vtabs)
{
	size_t i, n;
	(void)x;
	if (list_type)
		return strcmp(list_type, "shadow") == 0;
	for (i = 0; i < vtabs->n; i++) {
		n = strlen(vtabs->v[i]);
		if (strncmp(name, vtabs->v[i], n) == 0 && name[n] == '_')
			return 1;
	}
	return 0;
}

static int q_master(refl *x)
{
	const char *sql = sqlite3_libversion_number() >= 3037000
	                          ? "SELECT m.type, m.name, m.sql, l.type FROM main.sqlite_master AS m "
	                            "LEFT JOIN pragma_table_list AS l ON l.schema = 'main' AND l.name = m.name "
	                            "WHERE m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	                            "AND m.type IN ('table', 'view', 'trigger') ORDER BY m.sql LIKE 'CREATE TABLE%', m.name"
	                          : "SELECT m.type, m.name, m.sql, NULL FROM main.sqlite_master AS m "
	                            "WHERE m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
	                            "AND m.type IN ('table', 'view', 'trigger') ORDER BY m.sql LIKE 'CREATE TABLE%', m.name";
	sqlite3_stmt *stmt = NULL;
	strv vtabs = {NULL, 0, 0};
	int rc, status;
	if ((status = prepare(x, &stmt, sql)) != RETORT_OK)
		return status;
	/* virtual tables, views and triggers come first, then the ordinary tables */
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *type = col_text(stmt, 0), *name = col_text(stmt, 1), *text = col_text(stmt, 2);
		char what[512];
		if (!type || !name || !text)
			continue;
		if (strcmp(type, "table") == 0 && strncasecmp(text, "CREATE TABLE", 12) == 0) {
			retort_reflect_table t;
			if (is_shadow(x, name, col_text(stmt, 3), &vtabs))
				continue;
			memset(&t, 0, sizeof t);
			t.size = sizeof t;
			t.name = name;
			if (HAS(x, table) && (status = x->b->table(x->b->arg, &t)) != RETORT_OK)
				break;
			if ((status = add_table(x, name, text)) != RETORT_OK)
				break;
			continue;
		}
		if (strcmp(type, "table") == 0) {
			if ((status = push(x, &vtabs, name)) != RETORT_OK)
				break;
			snprintf(what, sizeof what, "virtual table %s", name);
			status = unsupported(x, what, "the schema description has no virtual tables");
		} else {
			snprintf(what, sizeof what, "%s %s", type, name);
			status = unsupported(x, what, "the schema description has tables with their keys and indexes only");
		}
		if (status != RETORT_OK)
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	sqlite3_finalize(stmt);
	sv_free(x, vtabs.v, vtabs.n);
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

/* The rows of the ordinary tables' pragma `fn` (its columns `cols`), by table. */
#define PER_TABLE(cols, fn, order)                                                                             \
	"SELECT m.name, " cols " FROM main.sqlite_master AS m JOIN " fn " WHERE m.type = 'table' "              \
	"AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.sql LIKE 'CREATE TABLE%' ORDER BY m.name, " order

static int q_columns(refl *x)
{
	/* table_xinfo (3.26) also lists generated columns (hidden 2 and 3) */
	const char *sql = sqlite3_libversion_number() >= 3026000
	                          ? PER_TABLE("p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden",
	                                      "pragma_table_xinfo(m.name, 'main') AS p", "p.cid")
	                          : PER_TABLE("p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, 0",
	                                      "pragma_table_info(m.name, 'main') AS p", "p.cid");
	sqlite3_stmt *stmt = NULL;
	rtab *t = NULL;
	int rc, status;
	if ((status = prepare(x, &stmt, sql)) != RETORT_OK)
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *table = col_text(stmt, 0), *name = col_text(stmt, 1), *type = col_text(stmt, 2);
		int hidden = sqlite3_column_int(stmt, 6), pk = sqlite3_column_int(stmt, 5);
		retort_reflect_column col;
		char *ntype;
		if (!table || !name)
			continue;
		if ((!t || strcmp(t->name, table) != 0) && !(t = find_table(x, table)))
			continue;
		if (hidden) {
			char what[512];
			snprintf(what, sizeof what, "generated column %s.%s", table, name);
			if ((status = unsupported(x, what, "the schema description has no generated columns")) != RETORT_OK)
				break;
			continue;
		}
		if ((status = set_pk(x, t, pk, name)) != RETORT_OK || (status = push(x, &t->cols, name)) != RETORT_OK)
			break;
		if (!(ntype = norm_type(x, type ? type : ""))) {
			status = nomem(x);
			break;
		}
		memset(&col, 0, sizeof col);
		col.size = sizeof col;
		col.table = table;
		col.name = name;
		col.position = (int)t->cols.n;
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

/* ---- constraints from the text: primary keys (their names), checks ---- */

static int emit_constraint(refl *x, retort_reflect_constraint *c)
{
	c->size = sizeof *c;
	return HAS(x, constraint) ? x->b->constraint(x->b->arg, c) : RETORT_OK;
}

static int text_constraints(refl *x)
{
	size_t i, k;
	int status;
	for (i = 0; i < x->nt; i++) {
		rtab *t = &x->t[i];
		retort_reflect_constraint c;
		if (t->npk) {
			memset(&c, 0, sizeof c);
			c.kind = RETORT_CONSTRAINT_PRIMARY_KEY;
			c.table = t->name;
			c.columns = (const char *const *)t->pk;
			c.ncolumns = t->npk;
			for (k = 0; k < t->ncons; k++)
				if (t->cons[k].kind == 'P')
					c.name = t->cons[k].name;
			if ((status = emit_constraint(x, &c)) != RETORT_OK)
				return status;
		}
		for (k = 0; k < t->ncons; k++) {
			if (t->cons[k].kind != 'C' || !t->cons[k].expr)
				continue;
			memset(&c, 0, sizeof c);
			c.kind = RETORT_CONSTRAINT_CHECK;
			c.table = t->name;
			c.name = t->cons[k].name;
			c.expression = t->cons[k].expr;
			if ((status = emit_constraint(x, &c)) != RETORT_OK)
				return status;
		}
	}
	return RETORT_OK;
}

/* The first constraint of `kind` stated in t's text not matched yet, on `cols` (and, F, `ref_table`). */
static const char *match_name(rtab *t, char kind, const strv *cols, const char *ref_table)
{
	size_t i, k;
	for (i = 0; t && i < t->ncons; i++) {
		const rb_cons *c = &t->cons[i];
		if (c->kind != kind || t->used[i] || c->cols.n != cols->n)
			continue;
		if (kind == 'F' && (!c->ref_table || strcasecmp(c->ref_table, ref_table) != 0))
			continue;
		for (k = 0; k < cols->n && strcasecmp(c->cols.v[k], cols->v[k]) == 0; k++)
			;
		if (k == cols->n) {
			t->used[i] = 1;
			return c->name;
		}
	}
	return NULL;
}

/* ---- 3. indexes and unique constraints ---- */

typedef struct ixrow {
	char *table, *name, *origin, *sql;
	int unique, partial, keyexpr; /* keyexpr: a key is an expression, or DESC, or has a COLLATE */
	strv cols;
} ixrow;

static void ixrow_clear(refl *x, ixrow *r)
{
	x->host->free(r->table);
	x->host->free(r->name);
	x->host->free(r->origin);
	x->host->free(r->sql);
	sv_free(x, r->cols.v, r->cols.n);
	memset(r, 0, sizeof *r);
}

static int emit_index(refl *x, ixrow *r)
{
	rtab *t = find_table(x, r->table);
	const char *keys = NULL, *where = NULL;
	size_t nkeys = 0, nwhere = 0;
	char *ekeys = NULL, *ewhere = NULL;
	int status;

	if (!t || !r->origin || strcmp(r->origin, "pk") == 0)
		return RETORT_OK;
	if (strcmp(r->origin, "u") == 0) {
		retort_reflect_constraint c;
		memset(&c, 0, sizeof c);
		c.kind = RETORT_CONSTRAINT_UNIQUE;
		c.table = t->name;
		c.name = match_name(t, 'U', &r->cols, NULL);
		c.columns = (const char *const *)r->cols.v;
		c.ncolumns = r->cols.n;
		return emit_constraint(x, &c);
	}
	/* an index on plain columns whose text says COLLATE is kept as its key list too */
	if (rb_index_parts(r->sql, &keys, &nkeys, &where, &nwhere) == 0 && !(ekeys = dupn(x, keys, nkeys)))
		return nomem(x);
	if (ekeys && !r->keyexpr) {
		rb b;
		rb_init(x, &b);
		if (!rb_mentions(&b, ekeys, "COLLATE")) {
			x->host->free(ekeys);
			ekeys = NULL;
		}
	}
	if (r->partial && where && !(ewhere = dupn(x, where, nwhere))) {
		x->host->free(ekeys);
		return nomem(x);
	}
	{
		retort_reflect_index ix;
		memset(&ix, 0, sizeof ix);
		ix.size = sizeof ix;
		ix.table = t->name;
		ix.name = r->name;
		if (ekeys) {
			ix.expression = ekeys;
		} else {
			ix.columns = (const char *const *)r->cols.v;
			ix.ncolumns = r->cols.n;
		}
		ix.unique = r->unique;
		ix.where = ewhere;
		ix.origin = RETORT_INDEX_USER;
		status = HAS(x, index) ? x->b->index(x->b->arg, &ix) : RETORT_OK;
	}
	x->host->free(ekeys);
	x->host->free(ewhere);
	return status;
}

static int q_indexes(refl *x)
{
	sqlite3_stmt *stmt = NULL;
	ixrow r;
	int rc, status;
	memset(&r, 0, sizeof r);
	if ((status = prepare(x, &stmt,
	                      PER_TABLE("il.name, il.\"unique\", il.origin, il.partial, ix.name, ix.\"desc\", s.sql",
	                                "pragma_index_list(m.name, 'main') AS il "
	                                "JOIN pragma_index_xinfo(il.name, 'main') AS ix ON ix.key = 1 "
	                                "LEFT JOIN main.sqlite_master AS s ON s.type = 'index' AND s.name = il.name",
	                                "il.name, ix.seqno"))) != RETORT_OK)
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *table = col_text(stmt, 0), *name = col_text(stmt, 1), *col = col_text(stmt, 5);
		if (!table || !name)
			continue;
		if (!r.name || strcmp(r.table, table) != 0 || strcmp(r.name, name) != 0) {
			const char *origin = col_text(stmt, 3), *isql = col_text(stmt, 7);
			if (r.name && (status = emit_index(x, &r)) != RETORT_OK)
				break;
			ixrow_clear(x, &r);
			r.table = dup(x, table);
			r.name = dup(x, name);
			r.origin = dup(x, origin ? origin : "");
			r.sql = isql ? dup(x, isql) : NULL;
			r.unique = sqlite3_column_int(stmt, 2);
			r.partial = sqlite3_column_int(stmt, 4);
			if (!r.table || !r.name || !r.origin || (isql && !r.sql)) {
				status = nomem(x);
				break;
			}
		}
		if (!col || sqlite3_column_int(stmt, 6))
			r.keyexpr = 1;
		else if ((status = push(x, &r.cols, col)) != RETORT_OK)
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	if (status == RETORT_OK && r.name)
		status = emit_index(x, &r);
	sqlite3_finalize(stmt);
	ixrow_clear(x, &r);
	return status;
}

/* ---- 4. foreign keys ---- */

static const char *fk_action(const char *a)
{
	static const char *const map[][2] = {{"CASCADE", "cascade"},
	                                     {"SET NULL", "set null"},
	                                     {"SET DEFAULT", "set default"},
	                                     {"RESTRICT", "restrict"}};
	size_t i;
	for (i = 0; a && i < sizeof map / sizeof map[0]; i++)
		if (strcasecmp(a, map[i][0]) == 0)
			return map[i][1];
	return NULL; /* NO ACTION, the default */
}

typedef struct fkrow {
	char *table, *ref;
	const char *on_delete, *on_update;
	int id, implicit; /* implicit: REFERENCES t without columns (t's primary key) */
	strv cols, refs;
} fkrow;

static void fkrow_clear(refl *x, fkrow *r)
{
	x->host->free(r->table);
	x->host->free(r->ref);
	sv_free(x, r->cols.v, r->cols.n);
	sv_free(x, r->refs.v, r->refs.n);
	memset(r, 0, sizeof *r);
}

/* A column of t spelt as t declares it (SQLite's names are case-insensitive); `name` when t has none. */
static const char *canonical_column(const rtab *t, const char *name)
{
	size_t i;
	for (i = 0; t && i < t->cols.n; i++)
		if (strcasecmp(t->cols.v[i], name) == 0)
			return t->cols.v[i];
	return name;
}

/*
 * The name of foreign key r: SQLite numbers a table's foreign keys from
 * the last declared (id 0) to the first, so id k is the k-th foreign key
 * of the text from its end; match_name when the two disagree.
 */
static const char *fk_name(rtab *t, fkrow *r)
{
	size_t i, k, nf = 0;
	for (i = 0; i < t->ncons; i++)
		nf += t->cons[i].kind == 'F';
	for (i = t->ncons, k = 0; r->id >= 0 && (size_t)r->id < nf && i-- > 0;) {
		const rb_cons *c = &t->cons[i];
		if (c->kind != 'F' || k++ != (size_t)r->id)
			continue;
		if (!t->used[i] && c->ref_table && strcasecmp(c->ref_table, r->ref) == 0 && c->cols.n == r->cols.n) {
			for (k = 0; k < c->cols.n && strcasecmp(c->cols.v[k], r->cols.v[k]) == 0; k++)
				;
			if (k == c->cols.n) {
				t->used[i] = 1;
				return c->name;
			}
		}
		break;
	}
	return match_name(t, 'F', &r->cols, r->ref);
}

static int emit_fk(refl *x, fkrow *r)
{
	rtab *t = find_table(x, r->table), *rt = find_table(x, r->ref);
	retort_reflect_constraint c;
	const char **refs = NULL;
	size_t i, n;
	int status;

	if (!t)
		return RETORT_OK;
	n = r->implicit ? (rt ? rt->npk : 0) : r->refs.n;
	if (n && !(refs = x->host->malloc(n * sizeof *refs)))
		return nomem(x);
	for (i = 0; i < n; i++)
		refs[i] = r->implicit ? rt->pk[i] : canonical_column(rt, r->refs.v[i]);
	memset(&c, 0, sizeof c);
	c.kind = RETORT_CONSTRAINT_FOREIGN_KEY;
	c.table = t->name;
	c.name = fk_name(t, r);
	c.columns = (const char *const *)r->cols.v;
	c.ncolumns = r->cols.n;
	c.ref_table = rt ? rt->name : r->ref;
	c.ref_columns = refs;
	c.nref_columns = n;
	c.on_delete = r->on_delete;
	c.on_update = r->on_update;
	status = emit_constraint(x, &c);
	x->host->free(refs);
	return status;
}

static int q_foreign_keys(refl *x)
{
	sqlite3_stmt *stmt = NULL;
	fkrow r;
	int rc, status;
	memset(&r, 0, sizeof r);
	if ((status = prepare(x, &stmt,
	                      PER_TABLE("f.id, f.\"table\", f.\"from\", f.\"to\", f.on_delete, f.on_update",
	                                "pragma_foreign_key_list(m.name, 'main') AS f", "f.id, f.seq"))) != RETORT_OK)
		return status;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *table = col_text(stmt, 0), *ref = col_text(stmt, 2), *from = col_text(stmt, 3),
		           *to = col_text(stmt, 4);
		int id = sqlite3_column_int(stmt, 1);
		if (!table || !ref || !from)
			continue;
		if (!r.table || strcmp(r.table, table) != 0 || r.id != id) {
			if (r.table && (status = emit_fk(x, &r)) != RETORT_OK)
				break;
			fkrow_clear(x, &r);
			r.table = dup(x, table);
			r.ref = dup(x, ref);
			r.id = id;
			r.on_delete = fk_action(col_text(stmt, 5));
			r.on_update = fk_action(col_text(stmt, 6));
			if (!r.table || !r.ref) {
				status = nomem(x);
				break;
			}
		}
		if (!to)
			r.implicit = 1;
		if ((status = push(x, &r.cols, canonical_column(find_table(x, table), from))) != RETORT_OK ||
		    (to && (status = push(x, &r.refs, to)) != RETORT_OK))
			break;
	}
	if (status == RETORT_OK && rc != SQLITE_DONE)
		status = sqlite_db_error(x->c, x->h);
	if (status == RETORT_OK && r.table)
		status = emit_fk(x, &r);
	sqlite3_finalize(stmt);
	fkrow_clear(x, &r);
	return status;
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
	if ((status = q_master(&x)) == RETORT_OK && (status = q_columns(&x)) == RETORT_OK &&
	    (status = text_constraints(&x)) == RETORT_OK && (status = q_indexes(&x)) == RETORT_OK)
		status = q_foreign_keys(&x);
	free_tables(&x);
	return status;
}
