/*
 * mysql dialect (MySQL and MariaDB): quoting, type mapping and rendering
 * operations to SQL.  Nothing here needs a connection (offline --sql uses
 * it too), so nothing here knows whether the server is MySQL or MariaDB:
 * the SQL rendered is what both accept (MySQL 8.0.19+, MariaDB 10.5.2+).
 */
#include <string.h>
#include <strings.h>

#include "my.h"
#include "sqlwriter.h"

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

int my_quote_ident(void *state, const char *ident, retort_sink *out)
{
	my_state *st = state;
	return sw_quote_ident(st->host, st->h, reserved, sizeof reserved / sizeof reserved[0], '`', ident, out);
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
	return sw_add_quoted(st->host, out, text, '\'', 1);
}

const char *const my_session[] = {"SET NAMES utf8mb4",
                                  "SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
                                  NULL};

int my_session_sql(void *state, retort_host_ctx *h, retort_sink *out)
{
	my_state *st = state;
	(void)h;
	return sw_put_statements(st->host, my_session, out);
}

/* ---- types ---- */

static const sw_type types[] = {
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

int my_map_type(void *state, const char *portable, retort_sink *out)
{
	my_state *st = state;
	return sw_map_type(st->host, st->h, types, portable, out);
}

/* ---- rendering ---- */

static const char *const my_names[] = {"mysql", "mariadb", NULL};
static const sw_dialect my_sql = {my_quote_ident, my_quote_literal, my_map_type, "1", "0", my_names, NULL};

/*
 * name TYPE [NULL | NOT NULL] [DEFAULT x] [AUTO_INCREMENT] [UNIQUE]
 * [PRIMARY KEY] [COMMENT '...'], in the order MySQL's grammar lists them.
 */
static void column_def(sw *w, const char *name, const char *ctype, int nullable, const char *server_default,
                       int autoincrement, int unique, int inline_pk, const char *comment)
{
	sw_ident(w, name);
	sw_put(w, " ");
	sw_type_of(w, ctype);
	if (nullable == 0)
		sw_put(w, " NOT NULL");
	else if (nullable == 1)
		sw_put(w, " NULL");
	if (server_default) {
		sw_put(w, " DEFAULT ");
		sw_put(w, server_default);
	}
	if (autoincrement)
		sw_put(w, " AUTO_INCREMENT");
	if (unique)
		sw_put(w, " UNIQUE");
	if (inline_pk)
		sw_put(w, " PRIMARY KEY");
	if (comment && *comment) {
		sw_put(w, " COMMENT ");
		sw_lit(w, comment);
	}
}

static void column(sw *w, const retort_column *c, int inline_pk)
{
	column_def(w, c->name, c->type, c->nullable, c->server_default, c->autoincrement, c->unique, inline_pk,
	           c->comment);
}

static void create_table(sw *w, const retort_op *op)
{
	/* MySQL names every primary key PRIMARY: a name given is dropped. */
	sw_create_table(w, op, column, 0);
	if (op->comment && *op->comment) {
		sw_put(w, " COMMENT=");
		sw_lit(w, op->comment);
	}
	sw_end(w, 0);
}

/*
 * MySQL has no ALTER COLUMN ... TYPE / SET NOT NULL: MODIFY (or CHANGE, to
 * rename) restates the whole column, so what the operation does not change
 * comes from the existing_* hints.  A default alone is ALTER COLUMN ... SET
 * DEFAULT / DROP DEFAULT, which needs no hints.
 */
static void alter_column(sw *w, const retort_op *op)
{
	const retort_op_more *m = RETORT_HOST_HAS(w->host, op_more) ? w->host->op_more(w->h, op) : NULL;
	const char *ctype, *dflt, *comment;
	int nullable, ai;
	if (!sw_need(w, op, op->table, "table") || !sw_need(w, op, op->column, "column"))
		return;
	/* AUTO_INCREMENT: the change asked for, else what the column has (a restated column keeps it) */
	ai = m && m->autoincrement != RETORT_UNSET ? m->autoincrement : m ? m->existing_autoincrement : RETORT_UNSET;
	/*
	 * A rename alone: RENAME COLUMN (MySQL 8.0, MariaDB 10.5.2) keeps
	 * everything about the column.  CHANGE COLUMN would restate it from the
	 * hints, and what they leave out (NOT NULL, the default, the comment,
	 * AUTO_INCREMENT) would be lost without a word.
	 */
	if (op->new_name && !op->type && op->nullable == RETORT_UNSET && !op->comment && !op->set_server_default &&
	    !(m && m->autoincrement != RETORT_UNSET)) {
		sw_rename_column(w, op);
		return;
	}
	if (!op->type && op->nullable == RETORT_UNSET && !op->comment && !op->new_name &&
	    !(m && m->autoincrement != RETORT_UNSET) && ai != 1) {
		if (!op->set_server_default)
			return;
		sw_alter_table(w, op->table);
		sw_put(w, "ALTER COLUMN ");
		sw_ident(w, op->column);
		if (op->server_default) {
			sw_put(w, " SET DEFAULT ");
			sw_put(w, op->server_default);
		} else {
			sw_put(w, " DROP DEFAULT");
		}
		sw_end(w, 0);
		return;
	}
	ctype = op->type ? op->type : op->existing_type;
	if (!ctype) {
		sw_fail(w, RETORT_EINVAL, "alter_column of %s.%s needs existing_type (MySQL restates the whole column)",
		        op->table, op->column);
		return;
	}
	nullable = op->nullable != RETORT_UNSET ? op->nullable : op->existing_nullable;
	if (nullable == RETORT_UNSET)
		w->host->log(w->h, RETORT_LOG_WARNING,
		             "alter_column of %s.%s without nullable or existing_nullable: the column becomes nullable",
		             op->table, op->column);
	dflt = op->set_server_default ? op->server_default : op->existing_server_default;
	comment = op->comment ? op->comment : op->existing_comment;
	sw_alter_table(w, op->table);
	if (op->new_name) {
		sw_put(w, "CHANGE COLUMN ");
		sw_ident(w, op->column);
		sw_put(w, " ");
		column_def(w, op->new_name, ctype, nullable, ai == 1 ? NULL : dflt, ai == 1, 0, 0, comment);
	} else {
		sw_put(w, "MODIFY COLUMN ");
		column_def(w, op->column, ctype, nullable, ai == 1 ? NULL : dflt, ai == 1, 0, 0, comment);
	}
	sw_end(w, 0);
}

/*
 * 1 when `e` is a list of key parts MySQL and MariaDB take between the
 * parentheses of CREATE INDEX: a column (bare or `quoted`), an optional
 * prefix length "(10)", an optional ASC or DESC; separated by commas.
 * Reflection writes prefix and descending indexes so.  Anything else is an
 * expression, which MariaDB cannot index (MySQL 8.0.13's functional key
 * parts are not rendered either).
 */
static int is_key_parts(const char *e)
{
	for (;;) {
		while (*e == ' ')
			e++;
		if (*e == '`') {
			for (e++; *e && !(*e == '`' && e[1] != '`'); e += *e == '`' ? 2 : 1)
				;
			if (*e++ != '`')
				return 0;
		} else {
			size_t n = strspn(e, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$");
			if (n == 0)
				return 0;
			e += n;
		}
		if (*e == '(') {
			size_t n = strspn(e + 1, "0123456789");
			if (n == 0 || e[1 + n] != ')')
				return 0;
			e += n + 2;
		}
		while (*e == ' ')
			e++;
		if (strncasecmp(e, "ASC", 3) == 0 || strncasecmp(e, "DESC", 4) == 0) {
			e += e[0] == 'A' || e[0] == 'a' ? 3 : 4;
			if (*e && *e != ' ' && *e != ',')
				return 0;
		}
		while (*e == ' ')
			e++;
		if (!*e)
			return 1;
		if (*e++ != ',')
			return 0;
	}
}

static void create_index(sw *w, const retort_op *op)
{
	if (!sw_need(w, op, op->name, "name") || !sw_need(w, op, op->table, "table") ||
	    !sw_need(w, op, op->expression ? (const void *)op->expression : (const void *)op->column_names, "columns"))
		return;
	if (op->expression && !is_key_parts(op->expression)) {
		sw_fail(w, RETORT_ENOTSUPPORTED,
		        "index %s on %s: MySQL and MariaDB index columns, not expressions (%s): index a generated "
		        "column instead",
		        op->name, op->table, op->expression);
		return;
	}
	if (op->where) {
		sw_fail(w, RETORT_ENOTSUPPORTED, "index %s on %s: partial indexes (where) are not supported by MySQL or MariaDB",
		        op->name, op->table);
		return;
	}
	if (op->concurrently)
		w->host->log(w->h, RETORT_LOG_INFO, "index %s: concurrently is ignored (InnoDB builds indexes online)",
		             op->name);
	sw_create_index(w, op, NULL);
	sw_end(w, 0);
}

static void drop_constraint(sw *w, const retort_op *op)
{
	const char *t = op->constraint_type;
	if (!sw_need(w, op, op->table, "table"))
		return;
	if (t && strcmp(t, "primary") == 0) {
		sw_alter_table(w, op->table);
		sw_put(w, "DROP PRIMARY KEY");
		sw_end(w, 0);
		return;
	}
	if (!sw_need(w, op, op->name, "name"))
		return;
	if (t && strcmp(t, "foreignkey") != 0 && strcmp(t, "unique") != 0 && strcmp(t, "check") != 0) {
		sw_fail(w, RETORT_EINVAL, "drop_constraint %s: unknown constraint_type '%s' (unique, foreignkey, check or primary)",
		        op->name, t);
		return;
	}
	sw_alter_table(w, op->table);
	if (t && strcmp(t, "foreignkey") == 0)
		sw_put(w, "DROP FOREIGN KEY ");
	else if (t && strcmp(t, "unique") == 0)
		sw_put(w, "DROP INDEX ");
	else /* MySQL 8.0.19+ and MariaDB both take DROP CONSTRAINT (MariaDB has no DROP CHECK). */
		sw_put(w, "DROP CONSTRAINT ");
	sw_ident(w, op->name);
	sw_end(w, 0);
}

static void rename_table(sw *w, const retort_op *op)
{
	if (sw_need(w, op, op->table, "table") && sw_need(w, op, op->new_name, "new_name")) {
		sw_put(w, "RENAME TABLE ");
		sw_ident(w, op->table);
		sw_put(w, " TO ");
		sw_ident(w, op->new_name);
		sw_end(w, 0);
	}
}

static void add_column(sw *w, const retort_op *op)
{
	sw_add_column(w, op, column);
}

static void drop_index(sw *w, const retort_op *op)
{
	if (!sw_need(w, op, op->name, "name"))
		return;
	if (!op->table) {
		sw_fail(w, RETORT_EINVAL, "drop_index of %s needs table (MySQL indexes belong to a table)", op->name);
		return;
	}
	sw_put(w, "DROP INDEX ");
	sw_ident(w, op->name);
	sw_put(w, " ON ");
	sw_ident(w, op->table);
	sw_end(w, 0);
}

/* MySQL names every primary key PRIMARY: a name given is dropped. */
static void add_primary_key(sw *w, const retort_op *op)
{
	sw_add_primary_key(w, op, 0);
}

static void set_table_comment(sw *w, const retort_op *op)
{
	if (sw_need(w, op, op->table, "table")) {
		sw_alter_table(w, op->table);
		sw_put(w, "COMMENT=");
		sw_lit(w, op->comment ? op->comment : "");
		sw_end(w, 0);
	}
}

static void no_enum(sw *w, const retort_op *op)
{
	sw_fail(w, RETORT_ENOTSUPPORTED, "%s %s: MySQL and MariaDB have no enum types (an enum('a','b') column type is one column's)",
	        op->kind == RETORT_OP_CREATE_ENUM ? "create_enum" : "drop_enum", op->name ? op->name : "?");
}

/* The kinds sw_render_common leaves to MySQL. */
static const sw_op_fn my_ops[SW_NKINDS] = {
	[RETORT_OP_CREATE_TABLE] = create_table,     [RETORT_OP_RENAME_TABLE] = rename_table,
	[RETORT_OP_ADD_COLUMN] = add_column,         [RETORT_OP_ALTER_COLUMN] = alter_column,
	[RETORT_OP_CREATE_INDEX] = create_index,     [RETORT_OP_DROP_INDEX] = drop_index,
	[RETORT_OP_CREATE_PRIMARY_KEY] = add_primary_key, [RETORT_OP_DROP_CONSTRAINT] = drop_constraint,
	[RETORT_OP_CREATE_ENUM] = no_enum,           [RETORT_OP_DROP_ENUM] = no_enum,
	[RETORT_OP_SET_TABLE_COMMENT] = set_table_comment,
	[RETORT_OP_ADD_ENUM_VALUE] = no_enum,            [RETORT_OP_ALTER_ENUM] = no_enum,
};

int my_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	my_state *st = state;
	return sw_render(&my_sql, st, st->host, h, op, out, my_ops);
}
