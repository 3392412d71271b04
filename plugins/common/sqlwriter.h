/*
 * The statement writer the dialects share (a convenience library compiled
 * into each dialect module; nothing here is exported).  It sees only the
 * public headers: a dialect hands it its own quoting and type functions,
 * and it writes what is the same in every SQL dialect that has ALTER TABLE
 * ... ADD CONSTRAINT: identifier lists, column types, constraint clauses,
 * foreign-key actions, ALTER TABLE prefixes, bulk_insert rows and the
 * operations whose SQL does not differ.
 *
 * A writer's status is sticky: the first failure wins and later calls do
 * nothing, so a statement is written as a plain sequence of calls and its
 * status read once at the end.
 */
#ifndef RETORT_PLUGIN_SQLWRITER_H
#define RETORT_PLUGIN_SQLWRITER_H

#include <retort/dialect.h>
#include <retort/sdk.h>

/* ---- quoting and types, for the dialects' own quote_ident/map_type ---- */

/** Append `s` between q's, doubling q, and doubling backslashes too when `esc`. */
int sw_add_quoted(const retort_host *host, retort_sink *out, const char *s, char q, int esc);
/** 1 when `s` is in the sorted (C locale) list `words[0..n)`. */
int sw_is_word(const char *const *words, size_t n, const char *s);
/** 1 unless `s` matches [a-z_][a-z0-9_$]* and is not one of the reserved `words[0..n)`. */
int sw_needs_quotes(const char *const *words, size_t n, const char *s);

/** A dialect's quote_ident: bare when sw_needs_quotes allows, else between q's; NULL is an error. */
int sw_quote_ident(const retort_host *host, retort_host_ctx *h, const char *const *words, size_t n, char q,
                   const char *ident, retort_sink *out);

/** One portable type: its SQL, and whether "(...)" may follow (1), must follow (2) or not (0). */
typedef struct sw_type {
	const char *portable;
	const char *sql;
	int takes_args;
} sw_type;

/** The entry of `map` (ends with a NULL portable) that `t` names, *args its "(...)" ("" if none); NULL: none. */
const sw_type *sw_find_type(const sw_type *map, const char *t, const char **args);
/** map_type of a dialect: the mapped type with its arguments, or `portable` verbatim. */
int sw_map_type(const retort_host *host, retort_host_ctx *h, const sw_type *map, const char *portable,
                retort_sink *out);

/** Each of the NULL-terminated `sql` as a statement of `out` (a dialect's session_sql). */
int sw_put_statements(const retort_host *host, const char *const *sql, retort_sink *out);

/* ---- names ---- */

/** The SQL spelling of a foreign-key action ("cascade" -> "CASCADE", "set null"...), or NULL if unknown. */
const char *sw_fk_action_sql(const char *action);

/* ---- the writer ---- */

struct sw;

/** What a dialect lends the writer: its state and its quoting and type functions. */
typedef struct sw_dialect {
	int (*quote_ident)(void *state, const char *ident, retort_sink *out);
	int (*quote_literal)(void *state, const char *text, retort_sink *out);
	int (*map_type)(void *state, const char *portable, retort_sink *out);
	const char *bool_true, *bool_false; /**< how bulk_insert writes a boolean */
	const char *const *names; /**< what op->dialect calls this dialect (NULL-terminated) */
	/** How bulk_insert writes one value; NULL: the writer's (numbers checked, booleans as above). */
	void (*value)(struct sw *w, const retort_op *op, const retort_value *v);
} sw_dialect;

typedef struct sw {
	const sw_dialect *d;
	void *state; /**< the dialect's, passed to its functions */
	const retort_host *host;
	retort_host_ctx *h;
	retort_sink *out;
	int rc;
} sw;

void sw_init(sw *w, const sw_dialect *d, void *state, const retort_host *host, retort_host_ctx *h,
             retort_sink *out);
void sw_put(sw *w, const char *s);
void sw_ident(sw *w, const char *s);
void sw_lit(sw *w, const char *s);
void sw_type_of(sw *w, const char *t);
/** Close the statement (RETORT_STMT_* flags). */
void sw_end(sw *w, unsigned flags);
/** Fail with `rc` and a message (nothing when the writer failed already). */
void sw_fail(sw *w, int rc, const char *fmt, ...) RETORT_PRINTF(3, 4);
/** 1 when `p` is set; else fail with EINVAL "<op> needs <member>" and return 0. */
int sw_need(sw *w, const retort_op *op, const void *p, const char *member);
/** "(a, b)": retort_sink_ident_list between parentheses */
void sw_ident_list(sw *w, const char *const *names, size_t n);
/** "CONSTRAINT name " when named. */
void sw_constraint_name(sw *w, const char *name);
/** "FOREIGN KEY (a) REFERENCES t (b) [ON DELETE ...] [ON UPDATE ...]", named when fk->name is. */
void sw_foreign_key(sw *w, const retort_op *op, const retort_foreign_key *fk);
/** "ALTER TABLE t " */
void sw_alter_table(sw *w, const char *table);
/** "ALTER TABLE t RENAME COLUMN column TO new_name", a statement. */
void sw_rename_column(sw *w, const retort_op *op);
/**
 * "CREATE [UNIQUE] INDEX [modifier][name ]ON t (keys)", without closing the
 * statement: the keys are op->expression as written, else the columns.
 */
void sw_create_index(sw *w, const retort_op *op, const char *modifier);
/** "ALTER TABLE t ADD [CONSTRAINT name ]PRIMARY KEY (columns)", a statement (named only when `named`). */
void sw_add_primary_key(sw *w, const retort_op *op, int named);
/** One INSERT a row. */
void sw_bulk_insert(sw *w, const retort_op *op);

/** A column definition as the dialect writes it; `inline_pk`: PRIMARY KEY goes on the column. */
typedef void (*sw_column_fn)(sw *w, const retort_column *c, int inline_pk);
/** "ALTER TABLE t ADD COLUMN <column>", a statement; 1 when written. */
int sw_add_column(sw *w, const retort_op *op, sw_column_fn column);
/**
 * "CREATE TABLE t (\n    columns, primary key, uniques, foreign keys,
 * checks\n)", without closing the statement.  `pk_named`: the primary key
 * constraint may carry a name.
 */
void sw_create_table(sw *w, const retort_op *op, sw_column_fn column, int pk_named);
/** The uniques, foreign keys and checks of a create_table, each after ",\n    " (sw_create_table's tail). */
void sw_table_constraints(sw *w, const retort_op *op);

/**
 * The operations whose SQL is the same in the dialects that use this
 * writer: drop_table, drop_column, create_foreign_key,
 * create_check_constraint, bulk_insert, execute.  Returns 1 when it wrote
 * `op` (or failed), 0 when the kind is the dialect's to write.
 */
int sw_render_common(sw *w, const retort_op *op);

/** How a dialect writes one kind of operation (its status in w->rc). */
typedef void (*sw_op_fn)(sw *w, const retort_op *op);
/** The size of a dialect's table of sw_op_fn, indexed by retort_op_kind. */
#define SW_NKINDS (RETORT_OP_ALTER_ENUM + 1)

/**
 * A dialect's render method: nothing for an operation meant for another
 * dialect (op->dialect not one of d->names); else the dialect's
 * `ops[op->kind]` when it has one, else sw_render_common; a kind neither
 * writes fails with RETORT_ENOTSUPPORTED, running out of memory is said.
 */
int sw_render(const sw_dialect *d, void *state, const retort_host *host, retort_host_ctx *h, const retort_op *op,
              retort_sink *out, const sw_op_fn ops[SW_NKINDS]);

#endif
