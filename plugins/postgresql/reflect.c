/*
 * postgresql dialect: reflection of the connection's current_schema().
 *
 * One message of catalog queries, one per kind of object for the whole
 * schema (relations, types, columns, constraints, indexes, triggers),
 * inside one REPEATABLE READ READ ONLY transaction so that they see the
 * same snapshot: one round trip whatever the number of tables.  Rows
 * come sorted by name so that the warnings about unsupported objects
 * come in a stable order (the host sorts what it keeps).  The rows
 * are then normalised (types, defaults) and handed to the host's builder.
 * The normalisation rules are in docs/ARCHITECTURE.md ("Reflection:
 * postgresql").
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pgconn.h"
#include "plugutil.h"

/* ---- the queries ---- */

/* The schema reflected: the connection's current_schema() (its search_path, or the `schema` setting). */
#define NSP "(SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = pg_catalog.current_schema())"
#define PG_CLASS "'pg_catalog.pg_class'::pg_catalog.regclass"
/*
 * The relations described as tables: ordinary tables that are neither a
 * partition nor an inheritance child (those, and partitioned tables, are
 * reported as unsupported).
 */
#define KEPT(c)                                                                                                \
	c ".relkind = 'r' AND NOT " c ".relispartition AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ih"   \
	  " WHERE ih.inhrelid = " c ".oid)"

enum { Q_BEGIN, Q_RELATIONS, Q_TYPES, Q_COLUMNS, Q_CONSTRAINTS, Q_INDEXES, Q_TRIGGERS, Q_COMMIT, Q_N };

/* name, relkind, partition, inheritance child, comment, (sequence) owned by a column */
static const char q_relations[] =
	"SELECT c.relname, c.relkind, c.relispartition,"
	" EXISTS (SELECT 1 FROM pg_catalog.pg_inherits ih WHERE ih.inhrelid = c.oid), d.description,"
	" CASE WHEN c.relkind = 'S' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_depend p WHERE p.classid = " PG_CLASS
	" AND p.objid = c.oid AND p.deptype IN ('a', 'i')) END"
	" FROM pg_catalog.pg_class c"
	" LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.classoid = " PG_CLASS " AND d.objsubid = 0"
	" WHERE c.relnamespace = " NSP " AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') ORDER BY c.relname";

/* type name, typtype, enum label (in sort order) */
static const char q_types[] =
	"SELECT t.typname, t.typtype, e.enumlabel FROM pg_catalog.pg_type t"
	" LEFT JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid"
	" WHERE t.typnamespace = " NSP " AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND"
	" (SELECT r.relkind FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid) = 'c'))"
	" ORDER BY t.typname, e.enumsortorder";

/*
 * table oid, table, column, type, type without modifier (when there is a
 * default), not null, default, identity, generated, owns a sequence
 * (serial), comment, number.  The constraints' and indexes' key columns
 * are found among these rows by number, client-side.  A column default never refers to a column, so it is
 * deparsed without the table (pg_get_expr(..., 0)): with the table,
 * PostgreSQL would open every table of the schema to deparse it, a
 * relation-cache load each on a new connection.  $GENERATED is
 * a.attgenerated, or '' before PostgreSQL 12.
 */
static const char q_columns[] =
	"SELECT c.oid, c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
	" CASE WHEN ad.oid IS NOT NULL THEN pg_catalog.format_type(a.atttypid, NULL) END, a.attnotnull,"
	" CASE WHEN $GENERATED = '' THEN pg_catalog.pg_get_expr(ad.adbin, 0) END, a.attidentity, $GENERATED,"
	" ad.oid IS NOT NULL AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend p JOIN pg_catalog.pg_class s"
	" ON s.oid = p.objid AND s.relkind = 'S' WHERE p.classid = " PG_CLASS " AND p.refclassid = " PG_CLASS
	" AND p.refobjid = a.attrelid AND p.refobjsubid = a.attnum AND p.deptype = 'a'),"
	" d.description, a.attnum"
	" FROM pg_catalog.pg_class c"
	" JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
	" LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum"
	" LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.classoid = " PG_CLASS
	" AND d.objsubid = a.attnum"
	" WHERE c.relnamespace = " NSP " AND " KEPT("c") " ORDER BY c.oid, a.attnum";

/*
 * table, constraint, contype, key column numbers, referenced table, in the
 * same schema, referenced column numbers, on delete, on update, match
 * type, deferrable, validated, check expression, table oid, referenced
 * table oid
 */
static const char q_constraints[] =
	"SELECT c.relname, k.conname, k.contype, k.conkey, f.relname, f.relnamespace = c.relnamespace, k.confkey,"
	" k.confdeltype, k.confupdtype, k.confmatchtype, k.condeferrable, k.convalidated,"
	" CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid, true) END, k.conrelid,"
	" k.confrelid"
	" FROM pg_catalog.pg_constraint k JOIN pg_catalog.pg_class c ON c.oid = k.conrelid"
	" LEFT JOIN pg_catalog.pg_class f ON f.oid = k.confrelid"
	" WHERE c.relnamespace = " NSP " AND " KEPT("c") " AND k.contype IN ('p', 'u', 'f', 'c', 'x')"
	" AND k.conislocal ORDER BY c.relname, k.conname";

/*
 * table, index, unique, access method, then for an index that is not
 * plain: its definition and the definition's start up to its key list;
 * key column numbers (0: an expression); when not plain and every key is
 * a column, those quoted and joined as the definition writes them;
 * predicate; table oid; number of key columns.  A plain index (btree, keys
 * that are columns with their default operator class, collation and
 * order, nothing else) is read from the catalog alone: pg_get_indexdef()
 * opens the table, a relation-cache load on a new connection.  A key whose
 * collation is not the default (100) or none (0) makes the index not
 * plain even when it is its column's own collation: the definition says.
 * (OFFSET 0 keeps the planner from copying `plain` into each use.)  $NND
 * is "AND NOT i.indnullsnotdistinct" from PostgreSQL 15.
 */
static const char q_indexes[] =
	"SELECT c.relname, x.relname, i.indisunique, am.amname,"
	" CASE WHEN NOT p.plain THEN pg_catalog.pg_get_indexdef(i.indexrelid) END,"
	" CASE WHEN NOT p.plain THEN pg_catalog.format('CREATE %sINDEX %I ON %I.%I USING %I (',"
	" CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END, x.relname, n.nspname, c.relname, am.amname) END,"
	" i.indkey,"
	" CASE WHEN NOT p.plain AND 0 <> ALL (i.indkey::pg_catalog.int2[]) THEN (SELECT pg_catalog.string_agg("
	"pg_catalog.quote_ident(a.attname), ', ' ORDER BY u.o)"
	" FROM pg_catalog.unnest(i.indkey::pg_catalog.int2[]) WITH ORDINALITY u(n, o)"
	" JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = u.n"
	" WHERE u.o <= i.indnkeyatts) END,"
	" pg_catalog.pg_get_expr(i.indpred, i.indrelid), i.indrelid, i.indnkeyatts"
	" FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
	" JOIN pg_catalog.pg_class x ON x.oid = i.indexrelid JOIN pg_catalog.pg_am am ON am.oid = x.relam"
	" JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace,"
	" LATERAL (SELECT am.amname = 'btree' AND i.indexprs IS NULL AND i.indpred IS NULL"
	" AND i.indnkeyatts = i.indnatts AND x.reloptions IS NULL AND x.reltablespace = 0 $NND"
	" AND NOT 0 <> ANY (i.indoption::pg_catalog.int2[])"
	" AND NOT i.indclass::pg_catalog.oid[] OPERATOR(pg_catalog.&&) (SELECT pg_catalog.array_agg(op.oid)"
	" FROM pg_catalog.pg_opclass op WHERE NOT op.opcdefault)"
	" AND i.indcollation::pg_catalog.oid[] OPERATOR(pg_catalog.<@) '{0,100}'::pg_catalog.oid[]"
	" AS plain OFFSET 0) p"
	" WHERE c.relnamespace = " NSP " AND " KEPT("c") " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k"
	" WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x'))"
	" ORDER BY c.relname, x.relname";

/* table, trigger (the user's: not those behind foreign keys) */
static const char q_triggers[] =
	"SELECT c.relname, t.tgname FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
	" WHERE c.relnamespace = " NSP " AND " KEPT("c") " AND NOT t.tgisinternal ORDER BY c.relname, t.tgname";

/* ---- small helpers ---- */

typedef struct rf {
	retort_conn *c;
	retort_host_ctx *h;
	const retort_host *host;
	const retort_schema_builder *b;
	struct colref *cols; /* every reflected column, sorted by table oid and number */
	size_t ncols;
} rf;

/* A column by table oid and number, for the constraints' and indexes' key columns. */
typedef struct colref {
	unsigned long oid;
	long attnum;
	const char *name; /* in the columns query's result */
} colref;

static int oom(rf *r)
{
	r->host->set_error(r->h, "out of memory");
	return RETORT_ENOMEM;
}

/* The value of a cell, NULL for SQL NULL. */
static const char *val(const PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

static int is_true(const PGresult *res, int row, int col)
{
	const char *v = val(res, row, col);
	return v && v[0] == 't';
}

/* builder->unsupported with a formatted object description. */
static int unsupported(rf *r, const char *reason, const char *fmt, ...) RETORT_PRINTF(3, 4);
static int unsupported(rf *r, const char *reason, const char *fmt, ...)
{
	va_list ap;
	int rc;
	char *s;
	va_start(ap, fmt);
	s = pu_vasprintf(r->host, fmt, ap);
	va_end(ap);
	if (!s)
		return oom(r);
	rc = r->b->unsupported(r->b->arg, s, reason);
	r->host->free(s);
	return rc;
}

static int cmp_colref(const void *a, const void *b)
{
	const colref *x = a, *y = b;
	if (x->oid != y->oid)
		return x->oid < y->oid ? -1 : 1;
	return x->attnum < y->attnum ? -1 : x->attnum > y->attnum;
}

/*
 * The names of the columns numbered in `nums` ("{1,3}" or "1 3"; the first
 * `limit` of them, all when 0) of the table `oid`: *out (to free) and *n.
 * *found is 0 when a number is not a column reflected (0: an index
 * expression; or a table that is not described).
 */
static int key_names(rf *r, const char *oid, const char *nums, size_t limit, const char ***out, size_t *n,
                     int *found)
{
	size_t k = 0;
	const char **v;
	const char *p = nums ? nums : "";
	char *end;
	colref key, *hit;
	*out = NULL;
	*n = 0;
	*found = 1;
	if (!(v = r->host->malloc((strlen(p) / 2 + 1) * sizeof *v)))
		return oom(r);
	key.oid = strtoul(oid ? oid : "0", NULL, 10);
	key.name = NULL;
	while (*p && (!limit || k < limit)) {
		if (!isdigit((unsigned char)*p) && *p != '-') {
			p++;
			continue;
		}
		key.attnum = strtol(p, &end, 10);
		p = end;
		hit = r->ncols ? bsearch(&key, r->cols, r->ncols, sizeof *r->cols, cmp_colref) : NULL;
		if (!hit) {
			*found = 0;
			break;
		}
		v[k++] = hit->name;
	}
	*out = v;
	*n = k;
	return RETORT_OK;
}

/* ---- normalisation ---- */

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * format_type's spelling -> the portable name where there is one (see the
 * type table in docs/ARCHITECTURE.md).  `out` has room for strlen(in) + 1:
 * every rewrite shortens.
 */
static void norm_type(const char *in, char *out)
{
	static const struct {
		const char *pg, *portable;
	} exact[] = {{"double precision", "double"},
	             {"bytea", "blob"},
	             {"timestamp without time zone", "timestamp"},
	             {"timestamp with time zone", "timestamptz"},
	             {"time without time zone", "time"}};
	size_t n = strlen(in), arrays = 0, i;
	const char *rest;
	while (n >= 2 && in[n - 2] == '[' && in[n - 1] == ']') {
		n -= 2;
		arrays++;
	}
	out[0] = '\0';
	if (!arrays) {
		for (i = 0; i < sizeof exact / sizeof exact[0]; i++)
			if (strlen(exact[i].pg) == n && strncmp(in, exact[i].pg, n) == 0) {
				strcpy(out, exact[i].portable);
				return;
			}
		/* timestamp(3) without time zone -> timestamp(3), with -> timestamptz(3); time(3) without -> time(3) */
		if ((starts(in, "timestamp(") || starts(in, "time(")) && (rest = strchr(in, ')')) != NULL) {
			int ts = in[4] == 's';
			if (strcmp(rest, ") without time zone") == 0) {
				memcpy(out, in, (size_t)(rest - in) + 1);
				out[rest - in + 1] = '\0';
				return;
			}
			if (ts && strcmp(rest, ") with time zone") == 0) {
				strcpy(out, "timestamptz");
				memcpy(out + 11, in + 9, (size_t)(rest - in) - 9 + 1);
				out[11 + (rest - in) - 9 + 1] = '\0';
				return;
			}
		}
	}
	if (starts(in, "character varying") && (in[17] == '(' || in[17] == '[' || !in[17])) {
		strcpy(out, "varchar");
		strcat(out, in + 17);
	} else if (starts(in, "character(")) {
		strcpy(out, "char");
		strcat(out, in + 9);
	} else {
		strcpy(out, in);
	}
}

static int is_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	if (i < n && s[i] == '-')
		i++;
	for (; i < n && isdigit((unsigned char)s[i]); i++)
		digits++;
	if (i < n && s[i] == '.')
		for (i++; i < n && isdigit((unsigned char)s[i]); i++)
			digits++;
	return digits > 0 && i == n;
}

static int is_one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/*
 * A column default as pg_get_expr() deparses it -> the expression the
 * dump shows (NULL: no default).  `full`/`base`: the column's type with
 * and without its modifier, as format_type spells them.
 */
static char *norm_default(rf *r, const char *expr, const char *full, const char *base, int *failed)
{
	static const char *const numeric_types[] = {"integer", "bigint", "smallint", "numeric", "real",
	                                            "double precision", NULL};
	static const char *const string_types[] = {"text", "character varying", "bpchar", NULL};
	const char *from = expr;
	size_t n, i;
	char *s;
	*failed = 0;
	if (!expr)
		return NULL;
	n = strlen(expr);
	if (strcmp(expr, "now()") == 0 || strcmp(expr, "CURRENT_TIMESTAMP") == 0) {
		from = "CURRENT_TIMESTAMP";
		n = strlen(from);
	} else if (strcmp(expr, "NULL") == 0 || starts(expr, "NULL::")) {
		return NULL;
	} else if (expr[0] == '\'') {
		/* 'literal'::type, the whole expression: drop the cast that restates a type */
		for (i = 1; expr[i]; i++)
			if (expr[i] == '\'') {
				if (expr[i + 1] != '\'')
					break;
				i++;
			}
		if (expr[i] == '\'' && expr[i + 1] == ':' && expr[i + 2] == ':') {
			const char *type = expr + i + 3;
			int numeric = is_one_of(type, numeric_types) && is_number(expr + 1, i - 1);
			if (numeric) {
				from = expr + 1;
				n = i - 1;
			} else if (strcmp(type, full) == 0 || strcmp(type, base) == 0 || is_one_of(type, string_types)) {
				n = i + 1;
			}
		}
	}
	if (!(s = r->host->malloc(n + 1))) {
		*failed = 1;
		return NULL;
	}
	memcpy(s, from, n);
	s[n] = '\0';
	return s;
}

/* The action letter of pg_constraint.confdeltype/confupdtype -> the dump's action, NULL for no action. */
static const char *fk_action(const char *code)
{
	switch (code ? code[0] : 'a') {
	case 'r':
		return "restrict";
	case 'c':
		return "cascade";
	case 'n':
		return "set null";
	case 'd':
		return "set default";
	default:
		return NULL;
	}
}

/*
 * The key list of an index definition that starts with `prefix` (up to
 * and including the key list's "("): its length, with *rest set after
 * the closing ")"; -1 when the definition does not read that way.
 */
static long key_list(const char *def, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);
	const char *p;
	int depth = 1;
	if (strncmp(def, prefix, n) != 0)
		return -1;
	for (p = def + n; *p; p++) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			for (p++; *p && !(*p == q && p[1] != q); p++)
				if (*p == q)
					p++;
			if (!*p)
				return -1;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			*rest = p + 1;
			return (long)(p - (def + n));
		}
	}
	return -1;
}

/* ---- each kind of object ---- */

static int relations(rf *r, const PGresult *res)
{
	int i, rc = RETORT_OK;
	for (i = 0; i < PQntuples(res) && rc == RETORT_OK; i++) {
		const char *name = val(res, i, 0), *kind = val(res, i, 1);
		switch (kind[0]) {
		case 'r':
			if (is_true(res, i, 2)) {
				rc = unsupported(r, "partitions are not represented", "partition %s", name);
			} else if (is_true(res, i, 3)) {
				rc = unsupported(r, "table inheritance is not represented", "table %s (inherits)", name);
			} else {
				retort_reflect_table t;
				memset(&t, 0, sizeof t);
				t.size = sizeof t;
				t.name = name;
				t.comment = val(res, i, 4);
				rc = r->b->table(r->b->arg, &t);
			}
			break;
		case 'p':
			rc = unsupported(r, "partitioned tables are not represented", "partitioned table %s", name);
			break;
		case 'v':
			rc = unsupported(r, "views are not represented", "view %s", name);
			break;
		case 'm':
			rc = unsupported(r, "materialized views are not represented", "materialized view %s", name);
			break;
		case 'f':
			rc = unsupported(r, "foreign tables are not represented", "foreign table %s", name);
			break;
		case 'S':
			if (!is_true(res, i, 5))
				rc = unsupported(r, "only the sequences of serial and identity columns are represented",
				                 "sequence %s", name);
			break;
		default:
			break;
		}
	}
	return rc;
}

static int types(rf *r, const PGresult *res)
{
	int i = 0, rows = PQntuples(res), rc = RETORT_OK;
	const char **values = NULL;
	if (rows && !(values = r->host->malloc((size_t)rows * sizeof *values)))
		return oom(r);
	while (i < rows && rc == RETORT_OK) {
		const char *name = val(res, i, 0), *kind = val(res, i, 1);
		int j = i;
		if (kind[0] != 'e') {
			rc = unsupported(r, "only enum types are represented", "%s %s",
			                 kind[0] == 'd' ? "domain" : kind[0] == 'r' ? "range type" : "composite type", name);
			i++;
			continue;
		}
		for (; j < rows && strcmp(val(res, j, 0), name) == 0; j++)
			values[j - i] = val(res, j, 2) ? val(res, j, 2) : "";
		{
			retort_reflect_enum e;
			memset(&e, 0, sizeof e);
			e.size = sizeof e;
			e.name = name;
			e.values = values;
			/* an enum without labels has one row with a NULL label */
			e.nvalues = (j - i == 1 && !val(res, i, 2)) ? 0 : (size_t)(j - i);
			rc = r->b->enum_type(r->b->arg, &e);
		}
		i = j;
	}
	r->host->free(values);
	return rc;
}

static int columns(rf *r, const PGresult *res)
{
	int i, position = 0, rc = RETORT_OK;
	const char *table_oid = "";
	size_t cap = 0;
	char *type = NULL;
	if (PQntuples(res) && !(r->cols = r->host->malloc((size_t)PQntuples(res) * sizeof *r->cols)))
		return oom(r);
	for (i = 0; i < PQntuples(res); i++) {
		r->cols[i].oid = strtoul(val(res, i, 0), NULL, 10);
		r->cols[i].attnum = strtol(val(res, i, 11), NULL, 10);
		r->cols[i].name = val(res, i, 2);
	}
	r->ncols = (size_t)PQntuples(res);
	if (r->ncols > 1)
		qsort(r->cols, r->ncols, sizeof *r->cols, cmp_colref);
	for (i = 0; i < PQntuples(res) && rc == RETORT_OK; i++) {
		retort_reflect_column col;
		const char *full = val(res, i, 3), *identity = val(res, i, 7), *generated = val(res, i, 8);
		const char *def = val(res, i, 6);
		size_t n = strlen(full) + 1;
		int failed;
		char *server_default = NULL;
		if (strcmp(val(res, i, 0), table_oid) != 0) {
			table_oid = val(res, i, 0);
			position = 0;
		}
		if (n > cap) {
			char *t = r->host->realloc(type, n);
			if (!t) {
				rc = oom(r);
				break;
			}
			type = t;
			cap = n;
		}
		norm_type(full, type);
		memset(&col, 0, sizeof col);
		col.size = sizeof col;
		col.table = val(res, i, 1);
		col.name = val(res, i, 2);
		col.position = ++position;
		col.type = type;
		col.nullable = !is_true(res, i, 5);
		col.comment = val(res, i, 10);
		if (identity && *identity) {
			col.autoincrement = 1;
		} else if (generated && *generated) {
			rc = unsupported(r, "generation expressions are not represented (reported as a plain column)",
			                 "generated column %s.%s", col.table, col.name);
		} else if (def && is_true(res, i, 9) && starts(def, "nextval(")) {
			col.autoincrement = 1; /* serial: the default reads the column's own sequence */
		} else {
			server_default = norm_default(r, def, full, val(res, i, 4), &failed);
			if (failed) {
				rc = oom(r);
				break;
			}
			col.server_default = server_default;
		}
		if (rc == RETORT_OK)
			rc = r->b->column(r->b->arg, &col);
		r->host->free(server_default);
	}
	r->host->free(type);
	return rc;
}

static int constraints(rf *r, const PGresult *res)
{
	int i, rc = RETORT_OK;
	for (i = 0; i < PQntuples(res) && rc == RETORT_OK; i++) {
		retort_reflect_constraint k;
		const char *table = val(res, i, 0), *name = val(res, i, 1), *type = val(res, i, 2);
		const char **cols = NULL, **refs = NULL;
		size_t ncols = 0, nrefs = 0;
		int found = 1, ref_found = 1;
		memset(&k, 0, sizeof k);
		k.size = sizeof k;
		k.table = table;
		k.name = name;
		if (type[0] == 'x') {
			rc = unsupported(r, "exclusion constraints are not represented", "exclusion constraint %s on %s",
			                 name, table);
			continue;
		}
		if (type[0] == 'c') {
			k.kind = RETORT_CONSTRAINT_CHECK;
			k.expression = val(res, i, 12);
		} else {
			k.kind = type[0] == 'p'   ? RETORT_CONSTRAINT_PRIMARY_KEY
			         : type[0] == 'u' ? RETORT_CONSTRAINT_UNIQUE
			                          : RETORT_CONSTRAINT_FOREIGN_KEY;
			if ((rc = key_names(r, val(res, i, 13), val(res, i, 3), 0, &cols, &ncols, &found)) != RETORT_OK)
				break;
			k.columns = cols;
			k.ncolumns = ncols;
		}
		if (type[0] == 'f') {
			if (is_true(res, i, 5) &&
			    (rc = key_names(r, val(res, i, 14), val(res, i, 6), 0, &refs, &nrefs, &ref_found)) != RETORT_OK) {
				r->host->free(cols);
				break;
			}
			if (!is_true(res, i, 5))
				rc = unsupported(r, "it references a table in another schema", "foreign key %s on %s", name,
				                 table);
			else if (!ref_found)
				rc = unsupported(r, "it references a table that is not represented", "foreign key %s on %s",
				                 name, table);
			if (rc != RETORT_OK || !is_true(res, i, 5) || !ref_found) {
				r->host->free(cols);
				r->host->free(refs);
				continue;
			}
			k.ref_table = val(res, i, 4);
			k.ref_columns = refs;
			k.nref_columns = nrefs;
			k.on_delete = fk_action(val(res, i, 7));
			k.on_update = fk_action(val(res, i, 8));
			if (val(res, i, 9)[0] == 'f')
				rc = unsupported(r, "MATCH FULL is not represented (reported without it)",
				                 "foreign key %s on %s", name, table);
		}
		if (rc == RETORT_OK && !found)
			rc = unsupported(r, "its columns could not be read", "constraint %s on %s", name, table);
		if (rc == RETORT_OK && found && is_true(res, i, 10))
			rc = unsupported(r, "DEFERRABLE is not represented (reported without it)", "constraint %s on %s",
			                 name, table);
		if (rc == RETORT_OK && found && !is_true(res, i, 11))
			rc = unsupported(r, "NOT VALID is not represented (reported as valid)", "constraint %s on %s", name,
			                 table);
		if (rc == RETORT_OK && found)
			rc = r->b->constraint(r->b->arg, &k);
		r->host->free(cols);
		r->host->free(refs);
	}
	return rc;
}

static int indexes(rf *r, const PGresult *res)
{
	int i, rc = RETORT_OK;
	for (i = 0; i < PQntuples(res) && rc == RETORT_OK; i++) {
		retort_reflect_index ix;
		const char *table = val(res, i, 0), *name = val(res, i, 1), *am = val(res, i, 3);
		const char *def = val(res, i, 4), *prefix = val(res, i, 5), *quoted = val(res, i, 7);
		const char *where = val(res, i, 8), *rest = NULL;
		const char **cols = NULL;
		size_t ncols = 0;
		char *expression = NULL;
		int found;
		long n = 0;
		if (def && strcmp(am, "btree") != 0) {
			rc = unsupported(r, "only btree indexes are represented", "index %s on %s (USING %s)", name, table,
			                 am);
			continue;
		}
		if (def && (n = key_list(def, prefix, &rest)) < 0) {
			rc = unsupported(r, "its definition could not be read", "index %s on %s", name, table);
			continue;
		}
		/* after the key list: nothing, or the predicate (INCLUDE, WITH, TABLESPACE... are not represented) */
		if (def && *rest && !(where && starts(rest, " WHERE ") && strcmp(rest + 7, where) == 0)) {
			rc = unsupported(r, "INCLUDE, NULLS NOT DISTINCT, storage parameters and tablespaces are not "
			                    "represented",
			                 "index %s on %s", name, table);
			continue;
		}
		if ((rc = key_names(r, val(res, i, 9), val(res, i, 6), (size_t)strtoul(val(res, i, 10), NULL, 10), &cols,
		                    &ncols, &found)) != RETORT_OK)
			break;
		memset(&ix, 0, sizeof ix);
		ix.size = sizeof ix;
		ix.table = table;
		ix.name = name;
		ix.unique = is_true(res, i, 2);
		ix.where = where;
		ix.origin = RETORT_INDEX_USER;
		/* plain (no definition read), or a definition whose key list is just the columns */
		if (found && (!def || (quoted && strlen(quoted) == (size_t)n && strncmp(quoted, def + strlen(prefix),
		                                                                        (size_t)n) == 0))) {
			ix.columns = cols;
			ix.ncolumns = ncols;
		} else if (def) {
			/* expressions, or columns with DESC, NULLS FIRST, COLLATE or an operator class: the key list as SQL */
			if (!(expression = r->host->malloc((size_t)n + 1))) {
				r->host->free(cols);
				rc = oom(r);
				break;
			}
			memcpy(expression, def + strlen(prefix), (size_t)n);
			expression[n] = '\0';
			ix.expression = expression;
		} else {
			rc = unsupported(r, "its columns could not be read", "index %s on %s", name, table);
		}
		if (rc == RETORT_OK)
			rc = r->b->index(r->b->arg, &ix);
		r->host->free(cols);
		r->host->free(expression);
	}
	return rc;
}

static int triggers(rf *r, const PGresult *res)
{
	int i, rc = RETORT_OK;
	for (i = 0; i < PQntuples(res) && rc == RETORT_OK; i++)
		rc = unsupported(r, "triggers are not represented", "trigger %s on %s", val(res, i, 1), val(res, i, 0));
	return rc;
}

/* ---- the method ---- */

/* The statements as one text, ";\n" between them, with the server version's $GENERATED and $NND. */
static char *assemble(rf *r, const char *const *sql, int version)
{
	static const char generated[] = "a.attgenerated", nnd[] = "AND NOT i.indnullsnotdistinct";
	size_t len = 0, i;
	char *batch, *w;
	const char *p;
	for (i = 0; i < Q_N; i++)
		len += strlen(sql[i]) + 2 + 2 * sizeof nnd;
	if (!(w = batch = r->host->malloc(len + 1)))
		return NULL;
	for (i = 0; i < Q_N; i++) {
		for (p = sql[i]; *p; p++) {
			if (*p == '$' && starts(p, "$GENERATED")) {
				w += sprintf(w, "%s", version >= 120000 ? generated : "''::\"char\"");
				p += strlen("$GENERATED") - 1;
			} else if (*p == '$' && starts(p, "$NND")) {
				w += sprintf(w, "%s", version >= 150000 ? nnd : "");
				p += strlen("$NND") - 1;
			} else {
				*w++ = *p;
			}
		}
		if (i + 1 < Q_N) {
			*w++ = ';';
			*w++ = '\n';
		}
	}
	*w = '\0';
	return batch;
}

int pg_reflect(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b)
{
	const retort_host *host = c->host;
	PGresult *res[Q_N], *x;
	const char *sql[Q_N];
	char *batch;
	size_t i, got = 0;
	int own_txn = PQtransactionStatus(c->pg) == PQTRANS_IDLE, rc = RETORT_OK;
	rf r;

	if (!b || !RETORT_STRUCT_HAS(b, retort_schema_builder, round_trip) || !b->table || !b->column || !b->index ||
	    !b->constraint || !b->enum_type || !b->unsupported || !b->round_trip) {
		host->set_error(h, "reflect: the host's schema builder lacks a callback this dialect needs");
		return RETORT_EINVAL;
	}
	if (PQserverVersion(c->pg) < 110000) {
		host->set_error(h, "reflecting a schema needs PostgreSQL 11 or later (the server is %d)",
		                PQserverVersion(c->pg));
		return RETORT_ENOTSUPPORTED;
	}
	r.c = c;
	r.h = h;
	r.host = host;
	r.b = b;
	r.cols = NULL;
	r.ncols = 0;
	c->h = h;

	sql[Q_BEGIN] = own_txn ? "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" : "SELECT";
	sql[Q_RELATIONS] = q_relations;
	sql[Q_TYPES] = q_types;
	sql[Q_COLUMNS] = q_columns;
	sql[Q_CONSTRAINTS] = q_constraints;
	sql[Q_INDEXES] = q_indexes;
	sql[Q_TRIGGERS] = q_triggers;
	sql[Q_COMMIT] = own_txn ? "COMMIT" : "SELECT";
	if (!(batch = assemble(&r, sql, PQserverVersion(c->pg))))
		return oom(&r);

	/* One message, one round trip: the simple protocol runs the statements in order, one result each. */
	b->round_trip(b->arg);
	if (!PQsendQuery(c->pg, batch)) {
		host->free(batch);
		return pg_db_error(c, h, NULL);
	}
	host->free(batch);
	while ((x = PQgetResult(c->pg)) != NULL) {
		ExecStatusType s = PQresultStatus(x);
		if (rc == RETORT_OK && s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
			rc = pg_db_error(c, h, x);
		if (rc == RETORT_OK && got < Q_N)
			res[got++] = x;
		else
			PQclear(x);
	}
	if (rc == RETORT_OK && got != Q_N)
		rc = pg_db_error(c, h, NULL);
	if (rc != RETORT_OK && own_txn && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		/* the batch failed inside its transaction: end it (the error stays the batch's) */
		x = PQexec(c->pg, "ROLLBACK");
		PQclear(x);
	}
	if (rc == RETORT_OK)
		rc = relations(&r, res[Q_RELATIONS]);
	if (rc == RETORT_OK)
		rc = types(&r, res[Q_TYPES]);
	if (rc == RETORT_OK)
		rc = columns(&r, res[Q_COLUMNS]);
	if (rc == RETORT_OK)
		rc = constraints(&r, res[Q_CONSTRAINTS]);
	if (rc == RETORT_OK)
		rc = indexes(&r, res[Q_INDEXES]);
	if (rc == RETORT_OK)
		rc = triggers(&r, res[Q_TRIGGERS]);
	host->free(r.cols);
	for (i = 0; i < got; i++)
		PQclear(res[i]);
	return rc;
}
