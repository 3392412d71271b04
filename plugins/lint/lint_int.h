/*
 * What the lint policy's files share (plugin-internal; only
 * retort_plugin_entry leaves the module):
 *   lint.c     settings, the rule table, walking a script's operations
 *   sqltext.c  the rules decided from SQL text (.sql statements, execute ops)
 *   types.c    reading column types: narrowing and table-rewriting changes
 */
#ifndef LINT_INT_H
#define LINT_INT_H

#include <regex.h>

#include <retort/naming.h>
#include <retort/plugin.h>
#include <retort/sdk.h>
#include <retort/types.h>

/* The rules, in the order of lint_rules[]. */
enum lint_rule {
	R_PRIMARY_KEY,
	R_TABLE_NAME,
	R_COLUMN_NAME,
	R_INDEX_NAME,
	R_CONSTRAINT_NAME,
	R_DESTRUCTIVE,
	R_DOWNGRADE,
	R_RENAME,
	R_PG_INDEX,
	R_PG_NOT_NULL,
	R_PG_REWRITE,
	R_PG_FK,
	R_MY_ONLINE,
	NRULES
};

#define NPATTERNS 4 /* table, column, index, constraint: R_TABLE_NAME + i */

typedef struct lint_state {
	const retort_host *host;
	int severity[NRULES]; /* a retort_severity, or 0: off */
	regex_t re[NPATTERNS];
	char *pattern[NPATTERNS]; /* NULL: that name rule is off */
} lint_state;

/* One script being checked. */
typedef struct lint_ctx {
	lint_state *st;
	retort_host_ctx *h;
	const retort_script *script;
	const char *dialect; /* NULL when unknown */
	retort_violation_report_fn report;
	void *arg;
	retort_section section;
	size_t op_index;
	int line; /* 0: the operation's */
	/* tables this revision creates before the current operation (not "existing") */
	char **created;
	size_t ncreated, capcreated;
	int oom;
} lint_ctx;

/** Is the rule on for this script (its severity set and, for a dialect rule, the dialect the script's)? */
int lint_on(const lint_ctx *c, enum lint_rule r);
/** Report a violation of rule r at the current operation; formatted message.  Negative: stop. */
int lint_report(lint_ctx *c, enum lint_rule r, const char *fmt, ...) RETORT_PRINTF(3, 4);
/** 1 when `table` existed before this revision: this revision has not created it so far. */
int lint_existing(const lint_ctx *c, const char *table);
/** Remember (or forget, with add = 0) a table this revision creates. */
void lint_created(lint_ctx *c, const char *table, int add);

/** The rules decidable from one SQL statement (.sql script or execute op). */
int lint_sql(lint_ctx *c, const char *sql);

/** 1 when changing a column from type `from` to `to` may lose data (narrowing); 0 when not or unknown. */
int lint_type_narrows(const char *from, const char *to);
/** PostgreSQL: 1 when from -> to rewrites the table; 0 when it is only a catalog change; `from` NULL: 1. */
int lint_pg_rewrites(const char *from, const char *to);
/** MariaDB: 1 when from -> to cannot be done with ALGORITHM=INSTANT/INPLACE; `from` NULL: 1. */
int lint_my_copies(const char *from, const char *to);

#endif
