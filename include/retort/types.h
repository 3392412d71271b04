/*
 * Value types a plugin sees: operations, columns, URLs, events.
 *
 * All of them are borrowed by the plugin for the duration of one call.
 * Tri-state ints use RETORT_UNSET (-1) for "not given".
 *
 * Stability of this header (the rule is in <retort/plugin.h>):
 *  - FROZEN for ABI 1, because they travel in arrays that a plugin steps
 *    through with its own sizeof: retort_op, retort_column,
 *    retort_constraint, retort_foreign_key, retort_value.  Their `size`
 *    is the ABI-1 sizeof and never changes.
 *  - May GROW by appending (each handed over alone, by pointer):
 *    retort_url, retort_event, retort_lock_holder.  Test RETORT_STRUCT_HAS(ptr, type, member)
 *    before reading a member newer than the headers you require.
 *  - Enums: values are added, never renumbered or reused; a plugin ignores
 *    (or refuses with RETORT_ENOTSUPPORTED) a value it does not know.
 */
#ifndef RETORT_TYPES_H
#define RETORT_TYPES_H

#include <retort/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RETORT_UNSET (-1)

/** The format of a revision script. */
typedef enum retort_script_format {
	RETORT_FORMAT_CONF = 1, /**< .conf operations */
	RETORT_FORMAT_SQL = 2   /**< .sql raw statements */
} retort_script_format;

/**
 * A column definition (create_table, add_column): an element of
 * retort_op.columns.
 *
 * This struct is frozen for ABI 1 (it travels in arrays): no member is
 * ever added, removed or retyped.  New fields come in a new struct reached
 * through a member appended to a struct that may grow, or a new method.
 */
typedef struct retort_column {
	uint32_t size;
	const char *name;
	const char *type;           /**< portable name or verbatim type; never NULL */
	int nullable;               /**< 1, 0 or RETORT_UNSET (means nullable) */
	int primary_key;            /**< 0/1 */
	int autoincrement;          /**< 0/1 */
	int unique;                 /**< 0/1 */
	const char *server_default; /**< SQL expression or NULL */
	const char *comment;        /**< or NULL */
} retort_column;

/**
 * A foreign key: an element of retort_op.foreign_keys.
 *
 * This struct is frozen for ABI 1 (it travels in arrays): no member is
 * ever added, removed or retyped.  New fields come in a new struct reached
 * through a member appended to a struct that may grow, or a new method.
 */
typedef struct retort_foreign_key {
	uint32_t size;
	const char *name; /**< or NULL */
	const char *const *columns;
	size_t ncolumns;
	const char *ref_table;
	const char *const *ref_columns;
	size_t nref_columns;
	const char *on_delete; /**< "cascade", "set null", ... or NULL */
	const char *on_update;
} retort_foreign_key;

/**
 * A unique, check or primary-key constraint: an element of
 * retort_op.uniques and retort_op.checks.
 *
 * This struct is frozen for ABI 1 (it travels in arrays): no member is
 * ever added, removed or retyped.  New fields come in a new struct reached
 * through a member appended to a struct that may grow, or a new method.
 */
typedef struct retort_constraint {
	uint32_t size;
	const char *name; /**< or NULL */
	const char *const *columns; /**< unique, primary key */
	size_t ncolumns;
	const char *expression; /**< check */
} retort_constraint;

/** A literal value of bulk_insert. */
typedef enum retort_value_type {
	RETORT_VALUE_NULL = 0,
	RETORT_VALUE_INT = 1,
	RETORT_VALUE_FLOAT = 2,
	RETORT_VALUE_STRING = 3,
	RETORT_VALUE_BOOL = 4
} retort_value_type;

/**
 * One value of bulk_insert: an element of retort_op.rows.
 *
 * This struct is frozen for ABI 1 (it travels in arrays): no member is
 * ever added, removed or retyped.  New fields come in a new struct reached
 * through a member appended to a struct that may grow, or a new method.
 */
typedef struct retort_value {
	retort_value_type type;
	const char *text; /**< the literal as text ("42", "1.5", "abc", "1"/"0"); NULL for NULL */
} retort_value;

/** Operation kinds.  Numbers are never reused. */
typedef enum retort_op_kind {
	RETORT_OP_CREATE_TABLE = 1,
	RETORT_OP_DROP_TABLE = 2,
	RETORT_OP_RENAME_TABLE = 3,
	RETORT_OP_ADD_COLUMN = 4,
	RETORT_OP_DROP_COLUMN = 5,
	RETORT_OP_ALTER_COLUMN = 6,
	RETORT_OP_CREATE_INDEX = 7,
	RETORT_OP_DROP_INDEX = 8,
	RETORT_OP_CREATE_UNIQUE_CONSTRAINT = 9,
	RETORT_OP_CREATE_FOREIGN_KEY = 10,
	RETORT_OP_CREATE_CHECK_CONSTRAINT = 11,
	RETORT_OP_CREATE_PRIMARY_KEY = 12,
	RETORT_OP_DROP_CONSTRAINT = 13,
	RETORT_OP_BULK_INSERT = 14,
	RETORT_OP_EXECUTE = 15,
	RETORT_OP_CREATE_ENUM = 16, /**< PostgreSQL: CREATE TYPE name AS ENUM (values) */
	RETORT_OP_DROP_ENUM = 17,
	RETORT_OP_SET_TABLE_COMMENT = 18, /**< a table's comment set, or removed with "" */
	RETORT_OP_ADD_ENUM_VALUE = 19, /**< PostgreSQL: ALTER TYPE name ADD VALUE (outside a transaction) */
	RETORT_OP_ALTER_ENUM = 20      /**< PostgreSQL: an enum type rebuilt with new values (its columns cast) */
} retort_op_kind;

/**
 * One operation of a revision script, as the dialect renders it and as a
 * naming policy sees it in retort_script.upgrade[] and downgrade[].
 *
 * This struct is frozen for ABI 1 (it travels in arrays): no member is
 * ever added, removed or retyped.  New fields come in a new struct reached
 * through a member appended to a struct that may grow, or a new method.
 *
 * Which members are used, per kind:
 *  create_table: table, columns/ncolumns, primary_key (table-level, may be
 *     NULL), uniques, foreign_keys, checks, comment
 *  drop_table: table
 *  rename_table: table, new_name
 *  add_column: table, columns[0]
 *  drop_column: table, column
 *  alter_column: table, column, and any of: type, nullable, server_default
 *     (set_server_default says whether it is given; NULL then means drop),
 *     new_name (rename), comment; existing_* hints
 *  create_index: name, table, column_names, unique, where, concurrently;
 *     or, for an index on expressions, `expression` (the whole key list as
 *     SQL, written between the parentheses verbatim) instead of column_names
 *  drop_index: name, table (may be NULL)
 *  create_unique_constraint: name, table, column_names
 *  create_foreign_key: table, foreign_keys[0] (with its name)
 *  create_check_constraint: name, table, expression
 *  create_primary_key: name, table, column_names
 *  drop_constraint: name, table, constraint_type ("unique", "foreignkey",
 *     "check", "primary" or NULL)
 *  bulk_insert: table, column_names, rows (nrows * ncolumn_names values,
 *     row-major)
 *  execute: sql
 *  create_enum: name, column_names (the values, in order)
 *  drop_enum: name
 *  set_table_comment: table, comment ("" removes it)
 *  add_enum_value: name (the type), column_names[0] (the one value added;
 *     ncolumn_names 1); where it goes is in retort_op_more (before/after)
 *  alter_enum: name (the type), column_names (its values, in order, once
 *     changed): the type is rebuilt, every column using it is cast
 *
 * Fields no member here can carry come in retort_op_more, which a plugin
 * asks for with retort_host.op_more while it renders the op:
 *  alter_column: autoincrement, existing_autoincrement
 *  add_enum_value: before, after
 */
typedef struct retort_op {
	uint32_t size;
	retort_op_kind kind;
	const char *file; /**< script it came from (for messages), or NULL */
	int line;         /**< line in that script, or 0 */
	const char *dialect; /**< only for this dialect, or NULL */

	const char *table;
	const char *name;
	const char *new_name;
	const char *column;
	const char *comment;

	const retort_column *columns;
	size_t ncolumns;
	const char *const *column_names;
	size_t ncolumn_names;

	const retort_constraint *primary_key;
	const retort_constraint *uniques;
	size_t nuniques;
	const retort_foreign_key *foreign_keys;
	size_t nforeign_keys;
	const retort_constraint *checks;
	size_t nchecks;

	/* alter_column */
	const char *type;
	int nullable;           /**< 1, 0 or RETORT_UNSET */
	int set_server_default; /**< 1 when server_default is given (NULL = drop it) */
	const char *server_default;
	const char *existing_type;
	int existing_nullable; /**< 1, 0 or RETORT_UNSET */
	const char *existing_server_default;
	const char *existing_comment;

	/* create_index */
	int unique;
	int concurrently;
	const char *where;

	/* check constraint, drop_constraint */
	const char *expression;
	const char *constraint_type;

	/* bulk_insert */
	const retort_value *rows;
	size_t nrows;

	/* execute */
	const char *sql;
} retort_op;

/**
 * What an operation carries beyond retort_op (which is frozen): asked for
 * with retort_host.op_more(h, op) while the host has the plugin render
 * `op` (NULL when the op has nothing here).  Borrowed for that call.
 * May grow: new members are appended (test RETORT_STRUCT_HAS).
 *
 * A dialect that renders an op which has one must ask for it: an op whose
 * retort_op_more the dialect never asked for fails (the dialect would
 * have left part of the op out), so a plugin built before this struct
 * refuses such ops rather than writing half of them.
 */
typedef struct retort_op_more {
	uint32_t size;
	/* alter_column */
	int autoincrement;          /**< 1 turn it on, 0 off, RETORT_UNSET unchanged */
	int existing_autoincrement; /**< hint: 1, 0 or RETORT_UNSET */
	/* add_enum_value: where the value goes (at most one; neither: last) */
	const char *before; /**< an existing value, or NULL */
	const char *after;  /**< an existing value, or NULL */
} retort_op_more;

/**
 * A parsed database URL.  Borrowed; `password` must never be shown.
 * May grow: new members are appended (test RETORT_STRUCT_HAS).
 */
typedef struct retort_url {
	uint32_t size;
	const char *raw;      /**< as given (contains the password: never print it) */
	const char *masked;   /**< the URL with the password replaced by *** */
	const char *scheme;   /**< "sqlite", "postgresql", "postgres", "mysql", "mariadb", ... */
	const char *user;     /**< percent-decoded, or NULL */
	const char *password; /**< percent-decoded, or NULL */
	const char *host;     /**< or NULL */
	const char *port;     /**< or NULL */
	/**
	 * The path after the authority, percent-decoded, without the leading
	 * '/': a database name, or for sqlite the file path ("app.db" for
	 * sqlite:///app.db, "/abs/app.db" for sqlite:////abs/app.db, "" for
	 * sqlite:// meaning memory).
	 */
	const char *database;
	const char *const *query_keys; /**< ?k=v pairs, percent-decoded */
	const char *const *query_values;
	size_t nquery;
	/**
	 * 1 when the command only reads (current, history, show...): the
	 * dialect must not create anything, not even the database file; a
	 * database that does not exist may be opened as an empty one.
	 */
	int read_only;
} retort_url;

/**
 * Who holds the migration lock (lock.wait and lock.timeout events,
 * `retort lock`): the session of another process, as the database knows
 * it.  Strings may be NULL when the dialect cannot tell.  Borrowed.
 * May grow: new members are appended (test RETORT_STRUCT_HAS).
 */
typedef struct retort_lock_holder {
	uint32_t size;
	const char *session;     /**< PostgreSQL: the backend pid; MariaDB: the connection id */
	const char *user;        /**< the database user of that session */
	const char *application; /**< PostgreSQL: application_name; MariaDB: the program_name connect attribute */
	const char *client;      /**< the client's address or host */
	const char *since;       /**< ISO 8601 UTC: when that session started (PostgreSQL), or NULL */
} retort_lock_holder;

/**
 * A lifecycle event (notification hooks).  Strings may be NULL.
 * May grow: new members are appended (test RETORT_STRUCT_HAS).
 */
typedef struct retort_event {
	uint32_t size;
	const char *name;      /**< "migrate.before", "revision.after", ... */
	const char *run_id;
	const char *command;   /**< "upgrade", "downgrade", "stamp", "revision", ... */
	const char *dialect;
	const char *database_url; /**< password masked */
	const char *revision;
	const char *const *parents;
	size_t nparents;
	const char *direction; /**< "upgrade", "downgrade", "stamp" */
	const char *message;
	const char *outcome;   /**< "ok", "failed", "stamped" */
	const char *started_at; /**< ISO 8601 UTC */
	long long duration_ms;  /**< -1 when not applicable */
	const char *error;
	const char *user;
	const char *host;
	const char *retort_version;
	const char *path; /**< script.written: the file */
	const char *target; /**< the fleet target's name (its entry in `databases`); NULL outside a fleet run */
	/** lock.wait, lock.timeout: who holds the lock, when the dialect can tell; else NULL */
	const retort_lock_holder *lock_holder;
} retort_event;

#ifdef __cplusplus
}
#endif
#endif
