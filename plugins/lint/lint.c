/*
 * lint: a naming policy that checks revision scripts against rules, each
 * with an id, a severity (error fails `retort lint` and the lint_on gate,
 * warning is shown) and a message saying what to do instead.
 *
 *   primary_key          create_table without a primary key
 *   table_name, column_name, index_name, constraint_name
 *                        a name given in the script does not match
 *                        table_pattern / column_pattern / index_pattern /
 *                        constraint_pattern (POSIX extended regexes; the
 *                        rule is off while its pattern is unset)
 *   destructive          drop_table, drop_column, a narrowing type change
 *   downgrade            an upgrade with no downgrade
 *   rename               rename_table, alter_column new_name (warning)
 *   pg_concurrent_index  PostgreSQL: create_index without concurrently on a
 *                        table that existed before this revision
 *   pg_not_null_default  PostgreSQL: a NOT NULL column without
 *                        server_default added to an existing table
 *   pg_rewrite           PostgreSQL: a type change that rewrites the table
 *   pg_fk_not_valid      PostgreSQL: a foreign key added to an existing
 *                        table without NOT VALID
 *   mysql_online_ddl     MariaDB/MySQL: an operation on an existing table
 *                        that cannot run with ALGORITHM=INSTANT/INPLACE
 *                        and LOCK=NONE
 *
 * "Existing table": one this revision has not created before the
 * operation.  Any other table an operation names must exist already, so
 * this needs neither the revision graph nor a connection.
 *
 * Settings: `<rule> = "error" | "warning" | "off"` for each rule, the four
 * patterns, `forbid_destructive = false` (= destructive "off").  The host
 * drops violations the script allows (`allow = [ "rule" ]`).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint_int.h"

static const char *const lint_rules[NRULES + 1] = {
	"primary_key", "table_name",          "column_name",         "index_name", "constraint_name",
	"destructive", "downgrade",           "rename",              "pg_concurrent_index",
	"pg_not_null_default", "pg_rewrite", "pg_fk_not_valid",     "mysql_online_ddl", NULL};

/* the dialect a rule is for (NULL: every dialect) */
static const char *const rule_dialect[NRULES] = {NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                                                 NULL, "postgresql", "postgresql", "postgresql", "postgresql",
                                                 "mysql"};

/* rules a .sql statement's text cannot decide (reported as "not checked") */
static const int text_blind[NRULES] = {[R_TABLE_NAME] = 1, [R_COLUMN_NAME] = 1, [R_INDEX_NAME] = 1,
                                       [R_CONSTRAINT_NAME] = 1, [R_PG_REWRITE] = 1, [R_MY_ONLINE] = 1};

static const char *const pattern_keys[NPATTERNS] = {"table_pattern", "column_pattern", "index_pattern",
                                                    "constraint_pattern"};
static const char *const pattern_nouns[NPATTERNS] = {"table", "column", "index", "constraint"};

/* ---- what the rules share ---- */

int lint_on(const lint_ctx *c, enum lint_rule r)
{
	if (!c->st->severity[r])
		return 0;
	if (r >= R_TABLE_NAME && r <= R_CONSTRAINT_NAME && !c->st->pattern[r - R_TABLE_NAME])
		return 0;
	return !rule_dialect[r] || (c->dialect && strcmp(c->dialect, rule_dialect[r]) == 0);
}

int lint_report(lint_ctx *c, enum lint_rule r, const char *fmt, ...)
{
	retort_strbuf msg;
	retort_violation v;
	va_list ap;
	int rc;
	retort_strbuf_init(&msg, c->st->host);
	va_start(ap, fmt);
	retort_strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (msg.status != RETORT_OK) {
		retort_strbuf_free(&msg);
		c->st->host->set_error(c->h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(&v, 0, sizeof v);
	v.size = sizeof v;
	v.rule = lint_rules[r];
	v.severity = (retort_severity)c->st->severity[r];
	v.message = retort_strbuf_cstr(&msg);
	v.section = c->section;
	v.op_index = c->op_index;
	v.line = c->line;
	rc = c->report(c->arg, &v);
	retort_strbuf_free(&msg);
	if (rc < 0)
		c->st->host->set_error(c->h, "stopped by the host while reporting a violation (status %d)", rc);
	return rc < 0 ? rc : RETORT_OK;
}

static int find_created(const lint_ctx *c, const char *table)
{
	size_t i;
	for (i = 0; i < c->ncreated; i++)
		if (strcmp(c->created[i], table) == 0)
			return (int)i;
	return -1;
}

int lint_existing(const lint_ctx *c, const char *table)
{
	return table && find_created(c, table) < 0;
}

void lint_created(lint_ctx *c, const char *table, int add)
{
	const retort_host *host = c->st->host;
	int at = find_created(c, table);
	size_t n;
	if (!add) {
		if (at >= 0) {
			host->free(c->created[at]);
			c->created[at] = c->created[--c->ncreated];
		}
		return;
	}
	if (at >= 0)
		return;
	if (c->ncreated == c->capcreated) {
		size_t cap = c->capcreated ? c->capcreated * 2 : 8;
		char **v = host->realloc(c->created, cap * sizeof *v);
		if (!v) {
			c->oom = 1;
			return;
		}
		c->created = v;
		c->capcreated = cap;
	}
	n = strlen(table);
	if (!(c->created[c->ncreated] = host->malloc(n + 1))) {
		c->oom = 1;
		return;
	}
	memcpy(c->created[c->ncreated++], table, n + 1);
}

/* ---- the rules over operations ---- */

/* pattern rule p (0 table .. 3 constraint) over one name given in the script */
static int check_name(lint_ctx *c, int p, const char *name)
{
	enum lint_rule r = (enum lint_rule)(R_TABLE_NAME + p);
	if (!name || !lint_on(c, r) || regexec(&c->st->re[p], name, 0, NULL, 0) == 0)
		return RETORT_OK;
	return lint_report(c, r, "%s name '%s' does not match %s '%s': rename it", pattern_nouns[p], name,
	                   pattern_keys[p], c->st->pattern[p]);
}

static int check_names(lint_ctx *c, const retort_op *op)
{
	size_t i;
	int rc = RETORT_OK;
	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		rc = check_name(c, 0, op->table);
		for (i = 0; rc == RETORT_OK && i < op->ncolumns; i++)
			rc = check_name(c, 1, op->columns[i].name);
		if (rc == RETORT_OK && op->primary_key)
			rc = check_name(c, 3, op->primary_key->name);
		for (i = 0; rc == RETORT_OK && op->uniques && i < op->nuniques; i++)
			rc = check_name(c, 3, op->uniques[i].name);
		for (i = 0; rc == RETORT_OK && op->foreign_keys && i < op->nforeign_keys; i++)
			rc = check_name(c, 3, op->foreign_keys[i].name);
		for (i = 0; rc == RETORT_OK && op->checks && i < op->nchecks; i++)
			rc = check_name(c, 3, op->checks[i].name);
		return rc;
	case RETORT_OP_RENAME_TABLE:
		return check_name(c, 0, op->new_name);
	case RETORT_OP_ADD_COLUMN:
		return op->ncolumns ? check_name(c, 1, op->columns[0].name) : RETORT_OK;
	case RETORT_OP_ALTER_COLUMN:
		return check_name(c, 1, op->new_name);
	case RETORT_OP_CREATE_INDEX:
		return check_name(c, 2, op->name);
	case RETORT_OP_CREATE_UNIQUE_CONSTRAINT:
	case RETORT_OP_CREATE_CHECK_CONSTRAINT:
	case RETORT_OP_CREATE_PRIMARY_KEY:
		return check_name(c, 3, op->name);
	case RETORT_OP_CREATE_FOREIGN_KEY:
		return check_name(c, 3, op->nforeign_keys ? op->foreign_keys[0].name : op->name);
	default:
		return RETORT_OK;
	}
}

static int has_primary_key(const retort_op *op)
{
	size_t i;
	if (op->primary_key)
		return 1;
	for (i = 0; i < op->ncolumns; i++)
		if (op->columns[i].primary_key)
			return 1;
	return 0;
}

/* alter_column's type change: destructive (narrowing), pg_rewrite, mysql_online_ddl */
static int check_type_change(lint_ctx *c, const retort_op *op, int existing)
{
	int rc = RETORT_OK;
	if (!op->type)
		return RETORT_OK;
	if (lint_on(c, R_DESTRUCTIVE) && lint_type_narrows(op->existing_type, op->type))
		rc = lint_report(c, R_DESTRUCTIVE,
		                 "changing '%s.%s' from %s to %s may lose data: add a new column of the new type and copy "
		                 "into it, or opt in with allow = [ \"destructive\" ]",
		                 op->table, op->column, op->existing_type, op->type);
	if (rc == RETORT_OK && existing && lint_on(c, R_PG_REWRITE) && lint_pg_rewrites(op->existing_type, op->type))
		rc = lint_report(c, R_PG_REWRITE,
		                 op->existing_type
		                     ? "changing '%s.%s' from %s to %s rewrites the whole table under an exclusive lock: "
		                       "add a new column, fill it in batches, then switch"
		                     : "changing '%s.%s'%s to %s may rewrite the whole table under an exclusive lock: give "
		                       "existing_type so the change can be judged, or add a new column and fill it in batches",
		                 op->table, op->column, op->existing_type ? op->existing_type : "", op->type);
	if (rc == RETORT_OK && existing && lint_on(c, R_MY_ONLINE) && lint_my_copies(op->existing_type, op->type))
		rc = lint_report(c, R_MY_ONLINE,
		                 op->existing_type
		                     ? "changing '%s.%s' from %s to %s cannot run with ALGORITHM=INPLACE/INSTANT (the table "
		                       "is copied, writes wait): add a new column and copy into it, or use an online schema "
		                       "change tool"
		                     : "changing '%s.%s'%s to %s cannot run with ALGORITHM=INPLACE/INSTANT unless it only "
		                       "widens a VARCHAR or an integer: give existing_type so the change can be judged",
		                 op->table, op->column, op->existing_type ? op->existing_type : "", op->type);
	return rc;
}

static int check_op(lint_ctx *c, const retort_op *op)
{
	int rc, existing = lint_existing(c, op->table);
	if ((rc = check_names(c, op)) < 0)
		return rc;
	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		lint_created(c, op->table, 1);
		if (lint_on(c, R_PRIMARY_KEY) && !has_primary_key(op))
			return lint_report(c, R_PRIMARY_KEY,
			                   "table '%s' has no primary key: mark a column primary_key = true or add "
			                   "primary_key = { columns = [ ... ]; }",
			                   op->table);
		return RETORT_OK;
	case RETORT_OP_DROP_TABLE:
		lint_created(c, op->table, 0);
		if (lint_on(c, R_DESTRUCTIVE))
			return lint_report(c, R_DESTRUCTIVE,
			                   "dropping table '%s' loses its rows: stop using it first and drop it in a later "
			                   "release, or opt in with allow = [ \"destructive\" ]",
			                   op->table);
		return RETORT_OK;
	case RETORT_OP_DROP_COLUMN:
		if (lint_on(c, R_DESTRUCTIVE))
			return lint_report(c, R_DESTRUCTIVE,
			                   "dropping column '%s.%s' loses its data: stop using it first and drop it in a later "
			                   "release, or opt in with allow = [ \"destructive\" ]",
			                   op->table, op->column);
		return RETORT_OK;
	case RETORT_OP_RENAME_TABLE:
		if (!existing) {
			lint_created(c, op->table, 0);
			lint_created(c, op->new_name, 1);
		}
		if (existing && lint_on(c, R_RENAME))
			return lint_report(c, R_RENAME,
			                   "renaming table '%s' to '%s' breaks code still using the old name: create the new "
			                   "table (or a view), move the code, drop the old one later",
			                   op->table, op->new_name);
		return RETORT_OK;
	case RETORT_OP_ALTER_COLUMN:
		if (op->new_name && existing && lint_on(c, R_RENAME) &&
		    (rc = lint_report(c, R_RENAME,
		                      "renaming column '%s.%s' to '%s' breaks code still using the old name: add the new "
		                      "column, write both, move the code, drop the old one later",
		                      op->table, op->column, op->new_name)) < 0)
			return rc;
		return check_type_change(c, op, existing);
	case RETORT_OP_ADD_COLUMN:
		if (!existing || !op->ncolumns)
			return RETORT_OK;
		if (lint_on(c, R_PG_NOT_NULL) && (op->columns[0].nullable == 0 || op->columns[0].primary_key) &&
		    !op->columns[0].server_default)
			return lint_report(c, R_PG_NOT_NULL,
			                   "NOT NULL column '%s' added without a server_default to '%s', a table that existed "
			                   "before this revision, fails on its rows: add it nullable, fill it, then set "
			                   "nullable = false (or give it a server_default)",
			                   op->columns[0].name, op->table);
		if (lint_on(c, R_MY_ONLINE) && op->columns[0].autoincrement)
			return lint_report(c, R_MY_ONLINE,
			                   "adding auto-increment column '%s' to '%s' blocks writes for the whole rebuild "
			                   "(no LOCK=NONE): create a new table and copy into it",
			                   op->columns[0].name, op->table);
		return RETORT_OK;
	case RETORT_OP_CREATE_INDEX:
		if (existing && !op->concurrently && lint_on(c, R_PG_INDEX))
			return lint_report(c, R_PG_INDEX,
			                   "index on '%s', a table that existed before this revision, blocks its writes while "
			                   "it builds: set concurrently = true",
			                   op->table);
		return RETORT_OK;
	case RETORT_OP_CREATE_FOREIGN_KEY:
		if (existing && lint_on(c, R_PG_FK))
			return lint_report(c, R_PG_FK,
			                   "foreign key on '%s', a table that existed before this revision, checks every row "
			                   "under a lock: add it as an execute operation (dialect = \"postgresql\") with ALTER "
			                   "TABLE ... ADD CONSTRAINT ... NOT VALID, and VALIDATE CONSTRAINT in a later revision",
			                   op->table);
		if (existing && lint_on(c, R_MY_ONLINE))
			return lint_report(c, R_MY_ONLINE,
			                   "foreign key on '%s', a table that existed before this revision, needs "
			                   "ALGORITHM=COPY while foreign_key_checks is on (the table is copied, writes wait): "
			                   "declare it when the table is created, or add it with an online schema change tool",
			                   op->table);
		return RETORT_OK;
	case RETORT_OP_CREATE_PRIMARY_KEY:
		if (existing && lint_on(c, R_MY_ONLINE))
			return lint_report(c, R_MY_ONLINE,
			                   "adding a primary key to '%s' rebuilds the table, and needs ALGORITHM=COPY when a "
			                   "column is nullable: declare it when the table is created",
			                   op->table);
		return RETORT_OK;
	case RETORT_OP_DROP_CONSTRAINT:
		if (existing && op->constraint_type && strcmp(op->constraint_type, "primary") == 0 &&
		    lint_on(c, R_MY_ONLINE))
			return lint_report(c, R_MY_ONLINE,
			                   "dropping the primary key of '%s' without adding another needs ALGORITHM=COPY: "
			                   "replace it in one statement (execute: ALTER TABLE ... DROP PRIMARY KEY, ADD "
			                   "PRIMARY KEY (...))",
			                   op->table);
		return RETORT_OK;
	case RETORT_OP_EXECUTE:
		return op->sql ? lint_sql(c, op->sql) : RETORT_OK;
	default:
		return RETORT_OK;
	}
}

/* .sql: a rule its statements cannot decide is reported once as not checked (info) */
static int not_checked(lint_ctx *c)
{
	int r, rc;
	for (r = 0; r < NRULES; r++) {
		retort_violation v;
		char msg[256];
		if (!text_blind[r] || !lint_on(c, (enum lint_rule)r))
			continue;
		snprintf(msg, sizeof msg, "not checked: a .sql script's statements are read only for what their text "
		                          "decides (write the revision as .conf to have this rule checked)");
		memset(&v, 0, sizeof v);
		v.size = sizeof v;
		v.rule = lint_rules[r];
		v.severity = RETORT_SEVERITY_INFO;
		v.message = msg;
		v.section = RETORT_SECTION_SCRIPT;
		if ((rc = c->report(c->arg, &v)) < 0) {
			c->st->host->set_error(c->h, "stopped by the host while reporting a violation (status %d)", rc);
			return rc;
		}
	}
	return RETORT_OK;
}

static int lint_check_script(void *state, retort_host_ctx *h, const retort_script *script,
                             retort_violation_report_fn report, void *arg)
{
	lint_ctx c;
	size_t i;
	int rc = RETORT_OK, has_new = RETORT_STRUCT_HAS(script, retort_script, downgrade_line);
	memset(&c, 0, sizeof c);
	c.st = state;
	c.h = h;
	c.script = script;
	c.dialect = has_new ? script->dialect : NULL;
	c.report = report;
	c.arg = arg;
	c.section = RETORT_SECTION_UPGRADE;
	for (i = 0; rc == RETORT_OK && i < script->nupgrade; i++) {
		const retort_op *op = &script->upgrade[i];
		if (op->dialect && c.dialect && strcmp(op->dialect, c.dialect) != 0)
			continue; /* does not run on this database */
		c.op_index = i;
		rc = check_op(&c, op);
		if (rc == RETORT_OK && c.oom) {
			c.st->host->set_error(h, "out of memory");
			rc = RETORT_ENOMEM;
		}
	}
	c.section = RETORT_SECTION_SCRIPT;
	c.op_index = 0;
	if (rc == RETORT_OK && script->nupgrade > 0 && script->ndowngrade == 0 && lint_on(&c, R_DOWNGRADE)) {
		c.line = has_new && script->downgrade_line > 0 ? script->downgrade_line : 0;
		rc = lint_report(&c, R_DOWNGRADE,
		                 script->format == RETORT_FORMAT_SQL
		                     ? "the upgrade has no downgrade: write the statements that undo it under "
		                       "-- retort:downgrade, or opt in with -- retort:allow downgrade if it cannot be undone"
		                     : "the upgrade has no downgrade: write the operations that undo it, or opt in with "
		                       "allow = [ \"downgrade\" ] if it cannot be undone");
		c.line = 0;
	}
	if (rc == RETORT_OK && script->format == RETORT_FORMAT_SQL)
		rc = not_checked(&c);
	for (i = 0; i < c.ncreated; i++)
		c.st->host->free(c.created[i]);
	c.st->host->free(c.created);
	return rc;
}

/* ---- init ---- */

static void lint_fini(void *state)
{
	lint_state *st = state;
	int i;
	if (!st)
		return;
	for (i = 0; i < NPATTERNS; i++) {
		if (st->pattern[i]) {
			regfree(&st->re[i]);
			st->host->free(st->pattern[i]);
		}
	}
	st->host->free(st);
}

static int rule_index(const char *key)
{
	int r;
	for (r = 0; r < NRULES; r++)
		if (strcmp(lint_rules[r], key) == 0)
			return r;
	return -1;
}

static int pattern_index(const char *key)
{
	int p;
	for (p = 0; p < NPATTERNS; p++)
		if (strcmp(pattern_keys[p], key) == 0)
			return p;
	return -1;
}

static int read_setting(lint_state *st, retort_host_ctx *h, const retort_settings *s, const char *key)
{
	const retort_host *host = st->host;
	const char *v = NULL;
	int r = rule_index(key), p = pattern_index(key), b = 0, rc;
	if (r >= 0) {
		if (host->setting_string(s, key, &v) < 0 || !v) {
			host->setting_error(h, s, key, "'%s' must be \"error\", \"warning\" or \"off\"", key);
			return RETORT_EINVAL;
		}
		if (strcmp(v, "error") == 0)
			st->severity[r] = RETORT_SEVERITY_ERROR;
		else if (strcmp(v, "warning") == 0)
			st->severity[r] = RETORT_SEVERITY_WARNING;
		else if (strcmp(v, "off") == 0)
			st->severity[r] = 0;
		else {
			host->setting_error(h, s, key, "'%s' must be \"error\", \"warning\" or \"off\" (not \"%s\")", key, v);
			return RETORT_EINVAL;
		}
		return RETORT_OK;
	}
	if (p >= 0) {
		char why[256];
		size_t n;
		if (host->setting_string(s, key, &v) < 0 || !v || !*v) {
			host->setting_error(h, s, key, "'%s' must be a regular expression (POSIX extended)", key);
			return RETORT_EINVAL;
		}
		if ((rc = regcomp(&st->re[p], v, REG_EXTENDED | REG_NOSUB)) != 0) {
			regerror(rc, &st->re[p], why, sizeof why);
			host->setting_error(h, s, key, "'%s' = \"%s\": %s", key, v, why);
			return RETORT_EINVAL;
		}
		n = strlen(v);
		if (!(st->pattern[p] = host->malloc(n + 1))) {
			regfree(&st->re[p]);
			host->set_error(h, "out of memory");
			return RETORT_ENOMEM;
		}
		memcpy(st->pattern[p], v, n + 1);
		return RETORT_OK;
	}
	if (strcmp(key, "forbid_destructive") == 0) {
		if (host->setting_bool(s, key, &b) < 0) {
			host->setting_error(h, s, key, "'forbid_destructive' must be true or false");
			return RETORT_EINVAL;
		}
		return RETORT_OK; /* applied after every key was read: an explicit `destructive` wins */
	}
	host->setting_error(h, s, key,
	                    "unknown setting '%s' (the rules: primary_key, table_name, column_name, index_name, "
	                    "constraint_name, destructive, downgrade, rename, pg_concurrent_index, pg_not_null_default, "
	                    "pg_rewrite, pg_fk_not_valid, mysql_online_ddl; and table_pattern, column_pattern, "
	                    "index_pattern, constraint_pattern, forbid_destructive)",
	                    key);
	return RETORT_EINVAL;
}

static int lint_init(const retort_host *host, retort_host_ctx *h, const retort_settings *s, retort_plugin_kind kind,
                     void **state_out)
{
	lint_state *st;
	const char *key = NULL, *v;
	int r, b, rc;
	if (kind != RETORT_KIND_NAMING) {
		host->set_error(h, "lint provides the kind \"naming\" only (asked for kind %d)", (int)kind);
		return RETORT_EINVAL;
	}
	if (!(st = host->malloc(sizeof *st))) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(st, 0, sizeof *st);
	st->host = host;
	for (r = 0; r < NRULES; r++)
		st->severity[r] = r == R_RENAME ? RETORT_SEVERITY_WARNING : RETORT_SEVERITY_ERROR;
	if (host->setting_bool(s, "forbid_destructive", &b) == RETORT_OK && !b &&
	    host->setting_string(s, "destructive", &v) == RETORT_ENOTSUPPORTED)
		st->severity[R_DESTRUCTIVE] = 0;
	while ((key = host->setting_next_key(s, key)) != NULL) {
		if ((rc = read_setting(st, h, s, key)) < 0) {
			lint_fini(st);
			return rc;
		}
	}
	*state_out = st;
	return RETORT_OK;
}

static const retort_naming_vtable lint_vt = {
	.size = sizeof(retort_naming_vtable),
	.check_script = lint_check_script,
	.rules = lint_rules,
};

static const retort_plugin_impl lint_impls[] = {
	{RETORT_KIND_NAMING, &lint_vt},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "lint", .version = "1.0.0",
                     .description = "check revision scripts against house and production-safety rules",
                     .impls = lint_impls, .init = lint_init, .fini = lint_fini);
