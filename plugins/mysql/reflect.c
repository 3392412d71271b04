/*
 * mysql dialect: reflecting the live schema of the connection's database
 * (DATABASE()) into the host's builder (<retort/schema.h>).
 *
 * Seven queries whatever the number of tables, one per kind of object:
 * DATABASE(), then information_schema's TABLES, CHECK_CONSTRAINTS,
 * COLUMNS, REFERENTIAL_CONSTRAINTS, KEY_COLUMN_USAGE and STATISTICS, each
 * for the whole database.  Joins between information_schema tables are
 * slower on MariaDB than two scans (each side is materialised), so the
 * pieces are put together here.  TABLE_CONSTRAINTS is not read: MariaDB
 * keeps a primary key or a unique constraint as an index, and STATISTICS
 * has the index's columns.
 *
 * Normalisation (documented in docs/ARCHITECTURE.md, "Reflection: mysql"):
 * a type reads back as the portable name render.c writes it from
 * (int(11) -> integer, tinyint(1) -> boolean, datetime -> timestamp,
 * longblob -> blob...), else as MariaDB spells it, so that rendering it
 * gives the same column again: MariaDB's own TIMESTAMP reads as
 * "timestamp(0)" and a BLOB as "blob(65535)", because "timestamp" and
 * "blob" render as DATETIME and LONGBLOB.  A JSON column (LONGTEXT with
 * the automatic CHECK (json_valid(col))) reads as "json" and that check is
 * not reported.  Every unique index is a unique constraint (MariaDB does
 * not tell them apart).  RESTRICT and NO ACTION are one action in MariaDB
 * (the default, which reads RESTRICT): both read as no action.
 *
 * Written for MariaDB 10.2.7 and later (COLUMN_DEFAULT holds SQL: quoted
 * literals, NULL, expressions); MySQL 8's catalogs differ and are not
 * handled yet.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "my_conn.h"

/* A foreign key being put together from KEY_COLUMN_USAGE. */
typedef struct rf_fk {
	const char *table, *name, *ref_schema, *ref_table;
	const char **cols, **ref_cols;
	size_t ncols, cap;
} rf_fk;

/* A row of REFERENTIAL_CONSTRAINTS. */
typedef struct rf_rule {
	const char *table, *name, *on_update, *on_delete;
} rf_rule;

/* A (table, column) pair: the JSON columns. */
typedef struct rf_pair {
	const char *table, *column;
} rf_pair;

typedef struct rf {
	retort_conn *c;
	retort_host_ctx *h;
	const retort_schema_builder *b;
	const retort_host *host;
	const char *db;
	/* every allocation, freed at the end */
	void **mem;
	size_t nmem, capmem;
	/* base tables reported, sorted (strcmp) */
	const char **tables;
	size_t ntables, captables;
	rf_pair *json;
	size_t njson, capjson;
	rf_rule *rules;
	size_t nrules, caprules;
	rf_fk *fks;
	size_t nfks, capfks;
} rf;

/* ---- memory ---- */

static int oom(rf *r)
{
	r->host->set_error(r->h, "out of memory");
	return RETORT_ENOMEM;
}

/* Make room for one more element of *arr (elements of `size` bytes). */
static int grow(rf *r, void *arr, size_t n, size_t *cap, size_t size)
{
	void **p = arr, *q;
	size_t ncap;
	if (n < *cap)
		return RETORT_OK;
	ncap = *cap ? *cap * 2 : 16;
	q = r->host->realloc(*p, ncap * size);
	if (!q)
		return oom(r);
	*p = q;
	*cap = ncap;
	return RETORT_OK;
}

/* Make room for one more element in two arrays that share `cap`. */
static int grow2(rf *r, void *a, size_t sa, void *b, size_t sb, size_t n, size_t *cap)
{
	void **pb = b, *q;
	size_t c = *cap;
	if (n < c)
		return RETORT_OK;
	if (grow(r, a, n, &c, sa) != RETORT_OK)
		return RETORT_ENOMEM;
	if (!(q = r->host->realloc(*pb, c * sb)))
		return oom(r);
	*pb = q;
	*cap = c;
	return RETORT_OK;
}

static void *rf_alloc(rf *r, size_t n)
{
	void *p;
	if (grow(r, &r->mem, r->nmem, &r->capmem, sizeof *r->mem) != RETORT_OK)
		return NULL;
	if (!(p = r->host->malloc(n ? n : 1))) {
		oom(r);
		return NULL;
	}
	r->mem[r->nmem++] = p;
	return p;
}

/* A copy of s (NULL stays NULL); sets *rc on failure. */
static const char *rf_dup(rf *r, const char *s, int *rc)
{
	char *d;
	size_t n;
	if (!s)
		return NULL;
	n = strlen(s);
	if (!(d = rf_alloc(r, n + 1))) {
		*rc = RETORT_ENOMEM;
		return NULL;
	}
	memcpy(d, s, n + 1);
	return d;
}

static void rf_free(rf *r)
{
	size_t i;
	for (i = 0; i < r->nmem; i++)
		r->host->free(r->mem[i]);
	r->host->free(r->mem);
	r->host->free(r->tables);
	r->host->free(r->json);
	r->host->free(r->rules);
	for (i = 0; i < r->nfks; i++) {
		r->host->free(r->fks[i].cols);
		r->host->free(r->fks[i].ref_cols);
	}
	r->host->free(r->fks);
}

/* ---- queries ---- */

/* One query, counted as one round trip; *res is NULL when it returned no result set. */
static int query(rf *r, const char *sql, MYSQL_RES **res)
{
	int rc;
	if (r->b->round_trip)
		r->b->round_trip(r->b->arg);
	rc = my_run(r->c, r->h, sql, res);
	if (rc == RETORT_OK && !*res) {
		r->host->set_error(r->h, "reflection: a catalog query returned no rows: %s", sql);
		rc = RETORT_EDB;
	}
	return rc;
}

/* builder->unsupported for the object named by fmt..., because `why`. */
static int unsupported(rf *r, const char *why, const char *fmt, ...) RETORT_PRINTF(3, 4);
static int unsupported(rf *r, const char *why, const char *fmt, ...)
{
	char obj[512];
	va_list ap;
	if (!r->b->unsupported)
		return RETORT_OK;
	va_start(ap, fmt);
	vsnprintf(obj, sizeof obj, fmt, ap);
	va_end(ap);
	return r->b->unsupported(r->b->arg, obj, why);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int is_table(const rf *r, const char *name)
{
	return name && bsearch(&name, r->tables, r->ntables, sizeof *r->tables, cmp_str) != NULL;
}

static int cmp_pair(const void *a, const void *b)
{
	const rf_pair *x = a, *y = b;
	int c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->column, y->column);
}

static int cmp_rule(const void *a, const void *b)
{
	const rf_rule *x = a, *y = b;
	int c = strcmp(x->table, y->table);
	return c ? c : strcmp(x->name, y->name);
}

/* ---- text ---- */

/* A growing string in a fixed buffer; `over` set when it did not fit. */
typedef struct rf_buf {
	char *s;
	size_t n, cap;
	int over;
} rf_buf;

static void buf_add(rf_buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->over = 1;
		return;
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

static void buf_puts(rf_buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* `name` between backticks, backticks doubled: how MariaDB writes it in CHECK_CLAUSE. */
static void buf_backtick(rf_buf *b, const char *name)
{
	const char *p;
	buf_add(b, "`", 1);
	for (p = name; *p; p++)
		buf_add(b, *p == '`' ? "``" : p, *p == '`' ? 2 : 1);
	buf_add(b, "`", 1);
}

/* ---- tables ---- */

static int read_tables(rf *r)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = query(r,
	               "SELECT TABLE_NAME, TABLE_TYPE, TABLE_COMMENT, CREATE_OPTIONS FROM information_schema.TABLES "
	               "WHERE TABLE_SCHEMA = DATABASE()",
	               &res);
	if (rc != RETORT_OK)
		return rc;
	while (rc == RETORT_OK && (row = mysql_fetch_row(res)) != NULL) {
		const char *name = row[0], *type = row[1] ? row[1] : "", *options = row[3] ? row[3] : "";
		if (!name)
			continue;
		if (strcmp(type, "BASE TABLE") != 0 && strcmp(type, "SYSTEM VERSIONED") != 0) {
			rc = unsupported(r, "only base tables are described (views, sequences and temporary tables are not)",
			                 "%s %s", strcmp(type, "VIEW") == 0 ? "view" : strcmp(type, "SEQUENCE") == 0 ? "sequence" : "object",
			                 name);
			continue;
		}
		if (strcmp(type, "SYSTEM VERSIONED") == 0 &&
		    (rc = unsupported(r, "retort has no system-versioned tables: dumped as a plain table",
		                      "system versioning of table %s", name)) != RETORT_OK)
			break;
		if (strstr(options, "partitioned") &&
		    (rc = unsupported(r, "retort has no partitions: dumped as one table", "partitioning of table %s", name)) != RETORT_OK)
			break;
		if ((rc = grow(r, &r->tables, r->ntables, &r->captables, sizeof *r->tables)) != RETORT_OK)
			break;
		if (!(r->tables[r->ntables] = rf_dup(r, name, &rc)))
			break;
		r->ntables++;
		{
			retort_reflect_table t;
			memset(&t, 0, sizeof t);
			t.size = sizeof t;
			t.name = name;
			t.comment = row[2] && *row[2] ? row[2] : NULL;
			rc = r->b->table(r->b->arg, &t);
		}
	}
	mysql_free_result(res);
	if (rc == RETORT_OK)
		qsort(r->tables, r->ntables, sizeof *r->tables, cmp_str);
	return rc;
}

/* ---- checks (first: they tell which LONGTEXT columns are JSON) ---- */

static int read_checks(rf *r)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char tmp[600];
	int rc = query(r,
	               "SELECT TABLE_NAME, CONSTRAINT_NAME, LEVEL, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
	               "WHERE CONSTRAINT_SCHEMA = DATABASE()",
	               &res);
	if (rc != RETORT_OK)
		return rc;
	while (rc == RETORT_OK && (row = mysql_fetch_row(res)) != NULL) {
		const char *table = row[0], *name = row[1], *level = row[2], *clause = row[3];
		retort_reflect_constraint k;
		if (!is_table(r, table) || !name || !clause)
			continue;
		/* A JSON column's own check: CHECK (json_valid(`col`)), named after the column. */
		if (level && strcmp(level, "Column") == 0) {
			rf_buf b = {tmp, 0, sizeof tmp, 0};
			buf_puts(&b, "json_valid(");
			buf_backtick(&b, name);
			buf_puts(&b, ")");
			if (!b.over && strcmp(clause, tmp) == 0) {
				if ((rc = grow(r, &r->json, r->njson, &r->capjson, sizeof *r->json)) != RETORT_OK)
					break;
				r->json[r->njson].table = rf_dup(r, table, &rc);
				r->json[r->njson].column = rf_dup(r, name, &rc);
				if (rc != RETORT_OK)
					break;
				r->njson++;
				continue;
			}
		}
		memset(&k, 0, sizeof k);
		k.size = sizeof k;
		k.kind = RETORT_CONSTRAINT_CHECK;
		k.table = table;
		k.name = name;
		k.expression = clause;
		rc = r->b->constraint(r->b->arg, &k);
	}
	mysql_free_result(res);
	if (rc == RETORT_OK)
		qsort(r->json, r->njson, sizeof *r->json, cmp_pair);
	return rc;
}

/* ---- columns ---- */

static int is_json(const rf *r, const char *table, const char *column)
{
	rf_pair key;
	key.table = table;
	key.column = column;
	return bsearch(&key, r->json, r->njson, sizeof *r->json, cmp_pair) != NULL;
}

/*
 * The portable name of a COLUMN_TYPE (see the file's comment), in buf.
 * Lower case outside quotes (enum and set values keep theirs).
 */
static void norm_type(const char *ctype, int json, char *buf, size_t n)
{
	static const struct {
		const char *mine, *portable;
	} ints[] = {{"tinyint", "tinyint"}, {"smallint", "smallint"}, {"mediumint", "mediumint"},
	            {"int", "integer"},      {"bigint", "bigint"},     {NULL, NULL}};
	char t[256];
	const char *args, *rest, *p;
	size_t base, i, k = 0;
	int q = 0, uns;

	if (json) {
		snprintf(buf, n, "json");
		return;
	}
	for (p = ctype; *p && k + 1 < sizeof t; p++) {
		if (*p == '\'')
			q = !q;
		t[k++] = q ? *p : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	}
	t[k] = '\0';
	base = strcspn(t, "( ");
	args = t + base;
	rest = *args == '(' ? strchr(args, ')') : args;
	rest = rest ? rest + (*rest == ')') : t + k;
	uns = strcmp(rest, " unsigned") == 0;
	if (*rest && !uns) { /* zerofill and the like: as MariaDB spells it */
		snprintf(buf, n, "%s", t);
		return;
	}
	for (i = 0; ints[i].mine; i++) {
		if (strlen(ints[i].mine) != base || strncmp(t, ints[i].mine, base) != 0)
			continue;
		/* the display width goes: it is no part of the type */
		if (i == 0 && !uns && strncmp(args, "(1)", 3) == 0)
			snprintf(buf, n, "boolean");
		else
			snprintf(buf, n, "%s%s", ints[i].portable, uns ? " unsigned" : "");
		return;
	}
	if (base == 7 && strncmp(t, "decimal", 7) == 0)
		snprintf(buf, n, "numeric%s", args);
	else if (strcmp(t, "float") == 0)
		snprintf(buf, n, "real");
	else if (strcmp(t, "datetime") == 0)
		snprintf(buf, n, "timestamp");
	else if (strcmp(t, "timestamp") == 0) /* MariaDB's TIMESTAMP: "timestamp" renders as DATETIME */
		snprintf(buf, n, "timestamp(0)");
	else if (strcmp(t, "longblob") == 0)
		snprintf(buf, n, "blob");
	else if (strcmp(t, "blob") == 0) /* "blob" renders as LONGBLOB */
		snprintf(buf, n, "blob(65535)");
	else
		snprintf(buf, n, "%s", t);
}

/* COLUMN_DEFAULT as a DEFAULT expression, or NULL for none. */
static const char *norm_default(const char *d, char *buf, size_t n)
{
	if (!d || strcmp(d, "NULL") == 0)
		return NULL;
	if (strncasecmp(d, "current_timestamp(", 18) == 0 && d[strlen(d) - 1] == ')') {
		if (strcmp(d + 18, ")") == 0)
			snprintf(buf, n, "CURRENT_TIMESTAMP");
		else
			snprintf(buf, n, "CURRENT_TIMESTAMP(%s", d + 18);
		return buf;
	}
	return d;
}

static int read_columns(rf *r)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	char type[300], dflt[64];
	int rc = query(r,
	               "SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, "
	               "EXTRA, COLUMN_COMMENT FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()",
	               &res);
	if (rc != RETORT_OK)
		return rc;
	while (rc == RETORT_OK && (row = mysql_fetch_row(res)) != NULL) {
		const char *table = row[0], *name = row[1], *extra = row[6] ? row[6] : "";
		retort_reflect_column col;
		if (!is_table(r, table) || !name || !row[3])
			continue;
		memset(&col, 0, sizeof col);
		col.size = sizeof col;
		col.table = table;
		col.name = name;
		col.position = row[2] ? atoi(row[2]) : 0;
		norm_type(row[3], is_json(r, table, name), type, sizeof type);
		col.type = type;
		col.nullable = !(row[4] && strcmp(row[4], "NO") == 0);
		col.autoincrement = strstr(extra, "auto_increment") != NULL;
		col.server_default = col.autoincrement ? NULL : norm_default(row[5], dflt, sizeof dflt);
		col.comment = row[7] && *row[7] ? row[7] : NULL;
		if (strstr(extra, "GENERATED"))
			rc = unsupported(r, "retort has no generated columns: dumped as a plain column", "generated column %s.%s",
			                 table, name);
		else if (strstr(extra, "on update"))
			rc = unsupported(r, "retort has no on-update defaults: dumped without it", "ON UPDATE of column %s.%s",
			                 table, name);
		if (rc == RETORT_OK && strstr(extra, "INVISIBLE"))
			rc = unsupported(r, "dumped as a visible column", "invisible column %s.%s", table, name);
		if (rc == RETORT_OK && strcmp(type, "uuid") == 0)
			rc = unsupported(r, "dumped as uuid, which retort creates as CHAR(36) on MySQL and MariaDB",
			                 "the UUID type of column %s.%s", table, name);
		if (rc == RETORT_OK)
			rc = r->b->column(r->b->arg, &col);
	}
	mysql_free_result(res);
	return rc;
}

/* ---- foreign keys ---- */

static int read_rules(rf *r)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = query(r,
	               "SELECT TABLE_NAME, CONSTRAINT_NAME, UPDATE_RULE, DELETE_RULE "
	               "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()",
	               &res);
	if (rc != RETORT_OK)
		return rc;
	while (rc == RETORT_OK && (row = mysql_fetch_row(res)) != NULL) {
		rf_rule *u;
		if (!is_table(r, row[0]) || !row[1])
			continue;
		if ((rc = grow(r, &r->rules, r->nrules, &r->caprules, sizeof *r->rules)) != RETORT_OK)
			break;
		u = &r->rules[r->nrules];
		u->table = rf_dup(r, row[0], &rc);
		u->name = rf_dup(r, row[1], &rc);
		u->on_update = rf_dup(r, row[2], &rc);
		u->on_delete = rf_dup(r, row[3], &rc);
		if (rc == RETORT_OK)
			r->nrules++;
	}
	mysql_free_result(res);
	if (rc == RETORT_OK)
		qsort(r->rules, r->nrules, sizeof *r->rules, cmp_rule);
	return rc;
}

/* An UPDATE_RULE/DELETE_RULE as the builder takes it; RESTRICT and NO ACTION are no action. */
static const char *action(const char *rule)
{
	if (!rule)
		return NULL;
	if (strcmp(rule, "CASCADE") == 0)
		return "cascade";
	if (strcmp(rule, "SET NULL") == 0)
		return "set null";
	if (strcmp(rule, "SET DEFAULT") == 0)
		return "set default";
	return NULL;
}

static int report_fk(rf *r, const rf_fk *f)
{
	retort_reflect_constraint k;
	rf_rule key, *u;
	if (strcmp(f->ref_schema, r->db) != 0)
		return unsupported(r, "it references a table of another database: not dumped", "foreign key %s on %s",
		                   f->name, f->table);
	key.table = f->table;
	key.name = f->name;
	u = bsearch(&key, r->rules, r->nrules, sizeof *r->rules, cmp_rule);
	memset(&k, 0, sizeof k);
	k.size = sizeof k;
	k.kind = RETORT_CONSTRAINT_FOREIGN_KEY;
	k.table = f->table;
	k.name = f->name;
	k.columns = f->cols;
	k.ncolumns = f->ncols;
	k.ref_table = f->ref_table;
	k.ref_columns = f->ref_cols;
	k.nref_columns = f->ncols;
	k.on_delete = u ? action(u->on_delete) : NULL;
	k.on_update = u ? action(u->on_update) : NULL;
	return r->b->constraint(r->b->arg, &k);
}

static int read_foreign_keys(rf *r)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	rf_fk *f = NULL;
	size_t i;
	int rc = query(r,
	               "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, "
	               "REFERENCED_COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
	               "WHERE TABLE_SCHEMA = DATABASE() AND REFERENCED_TABLE_NAME IS NOT NULL "
	               "ORDER BY BINARY TABLE_NAME, BINARY CONSTRAINT_NAME, ORDINAL_POSITION",
	               &res);
	if (rc != RETORT_OK)
		return rc;
	while (rc == RETORT_OK && (row = mysql_fetch_row(res)) != NULL) {
		if (!is_table(r, row[0]) || !row[1] || !row[2] || !row[3] || !row[4] || !row[5])
			continue;
		if (!f || strcmp(f->table, row[0]) != 0 || strcmp(f->name, row[1]) != 0) {
			if ((rc = grow(r, &r->fks, r->nfks, &r->capfks, sizeof *r->fks)) != RETORT_OK)
				break;
			f = &r->fks[r->nfks++];
			memset(f, 0, sizeof *f);
			f->table = rf_dup(r, row[0], &rc);
			f->name = rf_dup(r, row[1], &rc);
			f->ref_schema = rf_dup(r, row[3], &rc);
			f->ref_table = rf_dup(r, row[4], &rc);
		}
		if ((rc = grow2(r, &f->cols, sizeof *f->cols, &f->ref_cols, sizeof *f->ref_cols, f->ncols, &f->cap)) !=
		    RETORT_OK)
			break;
		f->cols[f->ncols] = rf_dup(r, row[2], &rc);
		f->ref_cols[f->ncols] = rf_dup(r, row[5], &rc);
		if (rc == RETORT_OK)
			f->ncols++;
	}
	mysql_free_result(res);
	for (i = 0; rc == RETORT_OK && i < r->nfks; i++)
		rc = report_fk(r, &r->fks[i]);
	return rc;
}

/* ---- indexes ---- */

/* One key part of the index being read. */
typedef struct rf_part {
	const char *column;
	const char *sub_part; /* a prefix length, or NULL */
	int desc;
} rf_part;

typedef struct rf_index {
	const char *table, *name, *type;
	int unique;
	rf_part *parts;
	const char **cols;
	size_t nparts, cap;
} rf_index;

/*
 * 1 when `x` is the index MariaDB made for a foreign key: on exactly the
 * key's columns, named as the constraint, or (a constraint named by
 * MariaDB) as its first column, "col" or "col_2"...
 */
static int is_fk_index(const rf *r, const rf_index *x)
{
	size_t i, j;
	if (x->unique)
		return 0;
	for (i = 0; i < r->nfks; i++) {
		const rf_fk *f = &r->fks[i];
		size_t n;
		if (f->ncols != x->nparts || strcmp(f->table, x->table) != 0)
			continue;
		for (j = 0; j < f->ncols && strcmp(f->cols[j], x->cols[j]) == 0; j++)
			;
		if (j < f->ncols)
			continue;
		if (strcmp(f->name, x->name) == 0)
			return 1;
		n = strlen(f->cols[0]);
		if (strncmp(x->name, f->cols[0], n) == 0) {
			const char *p = x->name + n;
			if (!*p)
				return 1;
			if (*p++ == '_' && *p && strspn(p, "0123456789") == strlen(p))
				return 1;
		}
	}
	return 0;
}

static int report_index(rf *r, rf_index *x)
{
	char expr[4096];
	rf_buf b = {expr, 0, sizeof expr, 0};
	size_t i;
	int plain = 1;
	if (!is_table(r, x->table) || x->nparts == 0)
		return RETORT_OK;
	if (x->type && (strcmp(x->type, "FULLTEXT") == 0 || strcmp(x->type, "SPATIAL") == 0))
		return unsupported(r, "retort describes b-tree indexes only: not dumped", "%s index %s on %s",
		                   x->type[0] == 'F' ? "fulltext" : "spatial", x->name, x->table);
	for (i = 0; i < x->nparts; i++) {
		x->cols[i] = x->parts[i].column;
		if (x->parts[i].sub_part || x->parts[i].desc)
			plain = 0;
	}
	if (strcmp(x->name, "PRIMARY") == 0 || (x->unique && plain)) {
		retort_reflect_constraint k;
		int rc = RETORT_OK;
		if (!plain)
			rc = unsupported(r, "prefix lengths and DESC of its key parts are not described: dumped without them",
			                 "the primary key of %s", x->table);
		if (rc != RETORT_OK)
			return rc;
		memset(&k, 0, sizeof k);
		k.size = sizeof k;
		k.kind = strcmp(x->name, "PRIMARY") == 0 ? RETORT_CONSTRAINT_PRIMARY_KEY : RETORT_CONSTRAINT_UNIQUE;
		k.table = x->table;
		k.name = k.kind == RETORT_CONSTRAINT_PRIMARY_KEY ? NULL : x->name;
		k.columns = x->cols;
		k.ncolumns = x->nparts;
		return r->b->constraint(r->b->arg, &k);
	}
	{
		retort_reflect_index ix;
		memset(&ix, 0, sizeof ix);
		ix.size = sizeof ix;
		ix.table = x->table;
		ix.name = x->name;
		ix.unique = x->unique;
		if (plain) {
			ix.columns = x->cols;
			ix.ncolumns = x->nparts;
			ix.origin = is_fk_index(r, x) ? RETORT_INDEX_FOREIGN_KEY : RETORT_INDEX_USER;
		} else {
			/* prefix lengths and DESC: the key list as SQL */
			for (i = 0; i < x->nparts; i++) {
				if (i)
					buf_puts(&b, ", ");
				buf_backtick(&b, x->parts[i].column);
				if (x->parts[i].sub_part) {
					buf_puts(&b, "(");
					buf_puts(&b, x->parts[i].sub_part);
					buf_puts(&b, ")");
				}
				if (x->parts[i].desc)
					buf_puts(&b, " DESC");
			}
			if (b.over)
				return unsupported(r, "its key list is too long: not dumped", "index %s on %s", x->name, x->table);
			ix.expression = expr;
		}
		return r->b->index(r->b->arg, &ix);
	}
}

static int read_indexes(rf *r)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	rf_index x;
	int rc = query(r,
	               "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE "
	               "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() "
	               "ORDER BY BINARY TABLE_NAME, BINARY INDEX_NAME, SEQ_IN_INDEX",
	               &res);
	if (rc != RETORT_OK)
		return rc;
	memset(&x, 0, sizeof x);
	while (rc == RETORT_OK && (row = mysql_fetch_row(res)) != NULL) {
		rf_part *p;
		if (!row[0] || !row[1] || !row[3])
			continue;
		if (!x.table || strcmp(x.table, row[0]) != 0 || strcmp(x.name, row[1]) != 0) {
			if (x.table && (rc = report_index(r, &x)) != RETORT_OK)
				break;
			x.table = rf_dup(r, row[0], &rc);
			x.name = rf_dup(r, row[1], &rc);
			x.type = rf_dup(r, row[6], &rc);
			x.unique = row[2] && strcmp(row[2], "0") == 0;
			x.nparts = 0;
			if (rc != RETORT_OK)
				break;
		}
		if ((rc = grow2(r, &x.parts, sizeof *x.parts, &x.cols, sizeof *x.cols, x.nparts, &x.cap)) != RETORT_OK)
			break;
		p = &x.parts[x.nparts];
		p->column = rf_dup(r, row[3], &rc);
		p->sub_part = rf_dup(r, row[4], &rc);
		p->desc = row[5] && strcmp(row[5], "D") == 0;
		if (rc == RETORT_OK)
			x.nparts++;
	}
	if (rc == RETORT_OK && x.table)
		rc = report_index(r, &x);
	mysql_free_result(res);
	r->host->free(x.parts);
	r->host->free(x.cols);
	return rc;
}

/* ---- the method ---- */

int my_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b)
{
	rf r;
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc;
	memset(&r, 0, sizeof r);
	r.c = c;
	r.h = h;
	r.b = b;
	r.host = c->host;
	if ((rc = query(&r, "SELECT DATABASE()", &res)) != RETORT_OK)
		return rc;
	row = mysql_fetch_row(res);
	if (!row || !row[0]) {
		mysql_free_result(res);
		c->host->set_error(h, "no database selected: name one in the URL (mysql://host/DATABASE)");
		return RETORT_EINVAL;
	}
	r.db = rf_dup(&r, row[0], &rc);
	mysql_free_result(res);
	if (rc == RETORT_OK)
		rc = read_tables(&r);
	if (rc == RETORT_OK)
		rc = read_checks(&r);
	if (rc == RETORT_OK)
		rc = read_columns(&r);
	if (rc == RETORT_OK)
		rc = read_rules(&r);
	if (rc == RETORT_OK)
		rc = read_foreign_keys(&r);
	if (rc == RETORT_OK)
		rc = read_indexes(&r);
	rf_free(&r);
	return rc;
}
