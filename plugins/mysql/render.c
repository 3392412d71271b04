/*
 * mysql dialect (MySQL and MariaDB): quoting, type mapping and rendering
 * operations to SQL.  Nothing here needs a connection (offline --sql uses
 * it too), so nothing here knows whether the server is MySQL or MariaDB:
 * the SQL rendered is what both accept (MySQL 8.0.19+, MariaDB 10.5.2+).
 */
#include <string.h>
#include <strings.h>

#include "my.h"

/*
 * Reserved words: those MariaDB 10.11 refuses as a bare column or table
 * name (tested against information_schema.KEYWORDS), plus MySQL 8.0's
 * reserved words.  Sorted (C locale).
 */
static const char *const reserved[] = {
	"accessible", "add", "all", "alter", "analyze", "and", "as", "asc", "asensitive", "before", "between",
	"bigint", "binary", "blob", "both", "by", "call", "cascade", "case", "change", "char", "character", "check",
	"collate", "column", "condition", "constraint", "continue", "convert", "create", "cross", "cube",
	"cume_dist", "current_date", "current_role", "current_time", "current_timestamp", "current_user", "cursor",
	"database", "databases", "day_hour", "day_microsecond", "day_minute", "day_second", "dec", "decimal",
	"declare", "default", "delayed", "delete", "delete_domain_id", "dense_rank", "desc", "describe",
	"deterministic", "distinct", "distinctrow", "div", "do_domain_ids", "double", "drop", "dual", "each", "else",
	"elseif", "empty", "enclosed", "escaped", "except", "exists", "exit", "explain", "false", "fetch",
	"first_value", "float", "float4", "float8", "for", "force", "foreign", "from", "fulltext", "function",
	"generated", "get", "grant", "group", "grouping", "groups", "having", "high_priority", "hour_microsecond",
	"hour_minute", "hour_second", "if", "ignore", "ignore_domain_ids", "in", "index", "infile", "inner", "inout",
	"insensitive", "insert", "int", "int1", "int2", "int3", "int4", "int8", "integer", "intersect", "interval",
	"into", "io_after_gtids", "io_before_gtids", "is", "iterate", "join", "json_table", "key", "keys", "kill",
	"lag", "last_value", "lateral", "lead", "leading", "leave", "left", "like", "limit", "linear", "lines",
	"load", "localtime", "localtimestamp", "lock", "long", "longblob", "longtext", "loop", "low_priority",
	"master_bind", "master_demote_to_replica", "master_demote_to_slave", "master_ssl_verify_server_cert",
	"match", "maxvalue", "mediumblob", "mediumint", "mediumtext", "middleint", "minute_microsecond",
	"minute_second", "mod", "modifies", "natural", "no_write_to_binlog", "not", "nth_value", "ntile", "null",
	"numeric", "of", "offset", "on", "optimize", "optimizer_costs", "option", "optionally", "or", "order", "out",
	"outer", "outfile", "over", "page_checksum", "parse_vcol_expr", "partition", "percent_rank", "portion",
	"precision", "primary", "procedure", "purge", "qualify", "range", "rank", "read", "read_write", "reads",
	"real", "recursive", "ref_system_id", "references", "regexp", "release", "rename", "repeat", "replace",
	"require", "resignal", "restrict", "return", "returning", "revoke", "right", "rlike", "row", "row_number",
	"rows", "schema", "schemas", "second_microsecond", "select", "sensitive", "separator", "set", "show",
	"signal", "smallint", "spatial", "specific", "sql", "sql_big_result", "sql_calc_found_rows",
	"sql_small_result", "sqlexception", "sqlstate", "sqlwarning", "ssl", "starting", "stats_auto_recalc",
	"stats_persistent", "stats_sample_pages", "stored", "straight_join", "system", "table", "terminated", "then",
	"tinyblob", "tinyint", "tinytext", "to", "trailing", "trigger", "true", "undo", "union", "unique", "unlock",
	"unsigned", "update", "usage", "use", "using", "utc_date", "utc_time", "utc_timestamp", "values",
	"varbinary", "varchar", "varcharacter", "varying", "virtual", "when", "where", "while", "window", "with",
	"write", "xor", "year_month", "zerofill"};

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

/* Append `s` between q's, doubling q, and doubling backslashes too when `esc`. */
static int add_quoted(const retort_host *host, retort_sink *out, const char *s, char q, int esc)
{
	const char *p = s, *run = s;
	int rc = host->sink_add(out, &q, 1);
	for (; rc == RETORT_OK && *p; p++) {
		if (*p == q || (esc && *p == '\\')) {
			rc = host->sink_add(out, run, (size_t)(p - run + 1)); /* through the character */
			run = p;                                            /* ... and it again */
		}
	}
	if (rc == RETORT_OK)
		rc = host->sink_add(out, run, (size_t)(p - run));
	if (rc == RETORT_OK)
		rc = host->sink_add(out, &q, 1);
	return rc;
}

int my_quote_ident(void *state, const char *ident, retort_sink *out)
{
	my_state *st = state;
	if (!ident) {
		st->host->set_error(st->h, "missing identifier");
		return RETORT_EINVAL;
	}
	if (!needs_quotes(ident))
		return st->host->sink_add(out, ident, strlen(ident));
	return add_quoted(st->host, out, ident, '`', 0);
}

/*
 * '' and \\ doubled: right under the default sql_mode; connect() turns
 * NO_BACKSLASH_ESCAPES off for its session so live runs agree.
 */
int my_quote_literal(void *state, const char *text, retort_sink *out)
{
	my_state *st = state;
	if (!text)
		return st->host->sink_add(out, "NULL", 4);
	return add_quoted(st->host, out, text, '\'', 1);
}

const char *const my_session[] = {"SET NAMES utf8mb4",
                                  "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
                                  NULL};

int my_session_sql(void *state, retort_host_ctx *h, retort_sink *out)
{
	my_state *st = state;
	int rc = RETORT_OK;
	size_t i;
	(void)h;
	for (i = 0; my_session[i] && rc == RETORT_OK; i++)
		if ((rc = st->host->sink_add(out, my_session[i], strlen(my_session[i]))) == RETORT_OK)
			rc = st->host->sink_end(out, 0);
	return rc;
}

/* ---- types ---- */

typedef struct type_map {
	const char *portable;
	const char *sql;
	int takes_args; /* 1: "(...)" follows and is copied; 2: required; 0: no arguments allowed */
} type_map;

static const type_map types[] = {
	{"integer", "INT", 0},
	{"bigint", "BIGINT", 0},
	{"smallint", "SMALLINT", 0},
	{"boolean", "BOOL", 0},
	{"varchar", "VARCHAR", 2},
	{"text", "TEXT", 0},
	{"numeric", "DECIMAL", 1},
	{"real", "FLOAT", 0},
	{"double", "DOUBLE", 0},
	{"date", "DATE", 0},
	{"time", "TIME", 0},
	{"timestamp", "DATETIME", 0},
	{"timestamptz", "DATETIME", 0}, /* MySQL's TIMESTAMP ends in 2038; values are stored as given */
	{"blob", "LONGBLOB", 0},
	{"json", "JSON", 0},
	{"uuid", "CHAR(36)", 0},
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

int my_map_type(void *state, const char *portable, retort_sink *out)
{
	my_state *st = state;
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
	if (m->takes_args == 2 && !*args) {
		st->host->set_error(st->h, "type %s needs a length, as %s(255)", portable, m->portable);
		return RETORT_EINVAL;
	}
	rc = st->host->sink_add(out, m->sql, strlen(m->sql));
	if (rc == RETORT_OK && *args)
		rc = st->host->sink_add(out, args, strlen(args));
	return rc;
}

/* ---- rendering ---- */

/* A statement writer: the first error sticks and later calls do nothing. */
typedef struct wr {
	my_state *st;
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
		w->rc = my_quote_ident(w->st, s, w->out);
}

static void lit(wr *w, const char *s)
{
	if (w->rc == RETORT_OK)
		w->rc = my_quote_literal(w->st, s, w->out);
}

static void type(wr *w, const char *t)
{
	if (w->rc == RETORT_OK)
		w->rc = my_map_type(w->st, t, w->out);
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

/*
 * name TYPE [NULL | NOT NULL] [DEFAULT x] [AUTO_INCREMENT] [UNIQUE]
 * [PRIMARY KEY] [COMMENT '...'], in the order MySQL's grammar lists them.
 */
static void column_def(wr *w, const char *name, const char *ctype, int nullable, const char *server_default,
                       int autoincrement, int unique, int inline_pk, const char *comment)
{
	ident(w, name);
	put(w, " ");
	type(w, ctype);
	if (nullable == 0)
		put(w, " NOT NULL");
	else if (nullable == 1)
		put(w, " NULL");
	if (server_default) {
		put(w, " DEFAULT ");
		put(w, server_default);
	}
	if (autoincrement)
		put(w, " AUTO_INCREMENT");
	if (unique)
		put(w, " UNIQUE");
	if (inline_pk)
		put(w, " PRIMARY KEY");
	if (comment && *comment) {
		put(w, " COMMENT ");
		lit(w, comment);
	}
}

static void column(wr *w, const retort_column *c, int inline_pk)
{
	column_def(w, c->name, c->type, c->nullable, c->server_default, c->autoincrement, c->unique, inline_pk,
	           c->comment);
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
		column(w, &op->columns[i], npk == 1 && !op->primary_key && op->columns[i].primary_key);
	}
	if (op->primary_key) {
		/* MySQL names every primary key PRIMARY: a name given is dropped. */
		put(w, ",\n    PRIMARY KEY ");
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
	if (op->comment && *op->comment) {
		put(w, " COMMENT=");
		lit(w, op->comment);
	}
	end(w, 0);
}

/*
 * MySQL has no ALTER COLUMN ... TYPE / SET NOT NULL: MODIFY (or CHANGE, to
 * rename) restates the whole column, so what the operation does not change
 * comes from the existing_* hints.  A default alone is ALTER COLUMN ... SET
 * DEFAULT / DROP DEFAULT, which needs no hints.
 */
static void alter_column(wr *w, const retort_op *op)
{
	const char *ctype, *dflt, *comment;
	int nullable;
	if (!need(w, op, op->table, "table") || !need(w, op, op->column, "column"))
		return;
	/*
	 * A rename alone: RENAME COLUMN (MySQL 8.0, MariaDB 10.5.2) keeps
	 * everything about the column.  CHANGE COLUMN would restate it from the
	 * hints, and what they leave out (NOT NULL, the default, the comment,
	 * AUTO_INCREMENT) would be lost without a word.
	 */
	if (op->new_name && !op->type && op->nullable == RETORT_UNSET && !op->comment && !op->set_server_default) {
		alter_table(w, op->table);
		put(w, "RENAME COLUMN ");
		ident(w, op->column);
		put(w, " TO ");
		ident(w, op->new_name);
		end(w, 0);
		return;
	}
	if (!op->type && op->nullable == RETORT_UNSET && !op->comment && !op->new_name) {
		if (!op->set_server_default)
			return;
		alter_table(w, op->table);
		put(w, "ALTER COLUMN ");
		ident(w, op->column);
		if (op->server_default) {
			put(w, " SET DEFAULT ");
			put(w, op->server_default);
		} else {
			put(w, " DROP DEFAULT");
		}
		end(w, 0);
		return;
	}
	ctype = op->type ? op->type : op->existing_type;
	if (!ctype) {
		w->st->host->set_error(w->h, "alter_column of %s.%s needs existing_type (MySQL restates the whole "
		                             "column)", op->table, op->column);
		w->rc = RETORT_EINVAL;
		return;
	}
	nullable = op->nullable != RETORT_UNSET ? op->nullable : op->existing_nullable;
	if (nullable == RETORT_UNSET)
		w->st->host->log(w->h, RETORT_LOG_WARNING,
		                 "alter_column of %s.%s without nullable or existing_nullable: the column becomes "
		                 "nullable", op->table, op->column);
	dflt = op->set_server_default ? op->server_default : op->existing_server_default;
	comment = op->comment ? op->comment : op->existing_comment;
	alter_table(w, op->table);
	if (op->new_name) {
		put(w, "CHANGE COLUMN ");
		ident(w, op->column);
		put(w, " ");
		column_def(w, op->new_name, ctype, nullable, dflt, 0, 0, 0, comment);
	} else {
		put(w, "MODIFY COLUMN ");
		column_def(w, op->column, ctype, nullable, dflt, 0, 0, 0, comment);
	}
	end(w, 0);
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
			put(w, "1");
		else if (strcmp(v->text, "0") == 0 || strcasecmp(v->text, "false") == 0)
			put(w, "0");
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
	if (!need(w, op, op->name, "name") || !need(w, op, op->table, "table") ||
	    !need(w, op, op->column_names, "columns"))
		return;
	if (op->where) {
		w->st->host->set_error(w->h, "index %s on %s: partial indexes (where) are not supported by "
		                             "MySQL or MariaDB", op->name, op->table);
		w->rc = RETORT_ENOTSUPPORTED;
		return;
	}
	if (op->concurrently)
		w->st->host->log(w->h, RETORT_LOG_INFO,
		                 "index %s: concurrently is ignored (InnoDB builds indexes online)", op->name);
	put(w, op->unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ");
	ident(w, op->name);
	put(w, " ON ");
	ident(w, op->table);
	put(w, " ");
	ident_list(w, op->column_names, op->ncolumn_names);
	end(w, 0);
}

static void drop_constraint(wr *w, const retort_op *op)
{
	const char *t = op->constraint_type;
	if (!need(w, op, op->table, "table"))
		return;
	if (t && strcmp(t, "primary") == 0) {
		alter_table(w, op->table);
		put(w, "DROP PRIMARY KEY");
		end(w, 0);
		return;
	}
	if (!need(w, op, op->name, "name"))
		return;
	alter_table(w, op->table);
	if (t && strcmp(t, "foreignkey") == 0) {
		put(w, "DROP FOREIGN KEY ");
	} else if (t && strcmp(t, "unique") == 0) {
		put(w, "DROP INDEX ");
	} else if (!t || strcmp(t, "check") == 0) {
		/* MySQL 8.0.19+ and MariaDB both take DROP CONSTRAINT (MariaDB has no DROP CHECK). */
		put(w, "DROP CONSTRAINT ");
	} else {
		w->st->host->set_error(w->h, "drop_constraint %s: unknown constraint_type '%s' (unique, "
		                             "foreignkey, check or primary)", op->name, t);
		w->rc = RETORT_EINVAL;
		return;
	}
	ident(w, op->name);
	end(w, 0);
}

static int is_mine(const char *dialect)
{
	return strcmp(dialect, "mysql") == 0 || strcmp(dialect, "mariadb") == 0;
}

int my_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
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
			put(&w, "RENAME TABLE ");
			ident(&w, op->table);
			put(&w, " TO ");
			ident(&w, op->new_name);
			end(&w, 0);
		}
		break;
	case RETORT_OP_ADD_COLUMN:
		if (need(&w, op, op->table, "table") && need(&w, op, op->ncolumns ? op->columns : NULL, "a column") &&
		    need(&w, op, op->columns[0].name, "a column name") && need(&w, op, op->columns[0].type, "a column type")) {
			alter_table(&w, op->table);
			put(&w, "ADD COLUMN ");
			column(&w, &op->columns[0], op->columns[0].primary_key);
			end(&w, 0);
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
			if (!op->table) {
				w.st->host->set_error(h, "drop_index of %s needs table (MySQL indexes belong to a table)",
				                      op->name);
				return RETORT_EINVAL;
			}
			put(&w, "DROP INDEX ");
			ident(&w, op->name);
			put(&w, " ON ");
			ident(&w, op->table);
			end(&w, 0);
		}
		break;
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
		if (need(&w, op, op->table, "table") && need(&w, op, op->column_names, "columns")) {
			alter_table(&w, op->table);
			put(&w, "ADD ");
			constraint_name(&w, op->name);
			put(&w, "UNIQUE ");
			ident_list(&w, op->column_names, op->ncolumn_names);
			end(&w, 0);
		}
		break;
	case RETORT_OP_CREATE_PRIMARY_KEY:
		/* MySQL names every primary key PRIMARY: a name given is dropped. */
		if (need(&w, op, op->table, "table") && need(&w, op, op->column_names, "columns")) {
			alter_table(&w, op->table);
			put(&w, "ADD PRIMARY KEY ");
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
		drop_constraint(&w, op);
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
