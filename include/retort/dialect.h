/*
 * Dialect plugins: connect, execute, transactions, the migration lock,
 * quoting, rendering operations to SQL.
 *
 * Every SQL string specific to one database lives in its dialect.
 *
 * The contract in short (retort-plugin(7), KINDS, says it whole):
 *  - required: connect, disconnect, execute, query, begin, commit,
 *    rollback, lock, unlock, table_exists, quote_ident, quote_literal,
 *    render, and at least one url_scheme; the loader refuses a dialect
 *    without one of them.  Everything after render is optional (NULL).
 *  - when: a run reads the version table (table_exists, query), takes the
 *    lock, begins, reads it again, creates the missing bookkeeping tables,
 *    then per transaction renders and executes each revision's statements
 *    and its bookkeeping (record_step, or execute of the host's DML),
 *    commits (or rolls back), unlocks and disconnects.  Offline (--sql)
 *    calls only session_sql, render, quote_ident and quote_literal.
 *  - the host's own tables come from render() of two create_table
 *    operations (version table: version_num varchar(255) NOT NULL, primary
 *    key <version_table>_pkc; history table: see retort_step_record); the
 *    host runs every statement written and expects the tables to exist
 *    under exactly the configured names.
 *  - threads: every call into one instance and its connections comes
 *    from one thread, one at a time; other instances (a fleet run's other
 *    databases) may run at the same time on other threads; host services
 *    other than malloc/realloc/free only from inside a call the host made.
 *  - ownership: everything passed in is borrowed for the call; the state
 *    and each retort_conn are the plugin's, freed by fini and disconnect
 *    (each called once); text goes out through host-owned sinks.
 *
 * Stability of this header (the rule is in <retort/plugin.h>):
 * retort_dialect_vtable and retort_step_record grow by appending;
 * retort_version_change is frozen for ABI 1 (it travels in an array).
 */
#ifndef RETORT_DIALECT_H
#define RETORT_DIALECT_H

#include <retort/plugin.h>
#include <retort/schema.h>
#include <retort/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A live connection, defined by each dialect. */
typedef struct retort_conn retort_conn;

/** DDL runs inside transactions and rolls back with them. */
#define RETORT_DIALECT_TRANSACTIONAL_DDL 0x1u
/** The database keeps table and column comments (autogenerate compares them). */
#define RETORT_DIALECT_COMMENTS 0x2u
/**
 * ADD FOREIGN KEY makes an index named after the constraint when no key
 * leads with its columns, and DROP FOREIGN KEY leaves it (MariaDB):
 * autogenerate drops that index with the foreign key.
 */
#define RETORT_DIALECT_FK_INDEX 0x4u

/** Row callback of query: values[i] is NULL for SQL NULL; return non-zero to stop with that status. */
typedef int (*retort_row_fn)(void *arg, size_t ncols, const char *const *values);

/** A change to the version table (record_step): a row inserted, updated (from -> to) or deleted. */
typedef enum retort_version_change_kind {
	RETORT_VERSION_INSERT = 1, /**< INSERT `to` */
	RETORT_VERSION_UPDATE = 2, /**< UPDATE the row `from` to `to` */
	RETORT_VERSION_DELETE = 3  /**< DELETE the row `from` */
} retort_version_change_kind;

/**
 * One element of retort_step_record.changes.  This struct is frozen for
 * ABI 1 (it travels in an array): no member is ever added, removed or
 * retyped.
 */
typedef struct retort_version_change {
	uint32_t size;                   /**< sizeof(retort_version_change) */
	retort_version_change_kind kind;
	const char *from;                /**< UPDATE, DELETE */
	const char *to;                  /**< UPDATE, INSERT */
} retort_version_change;

/**
 * One step's bookkeeping (record_step): the changes to the version table
 * (column version_num), in order, then one row of the history table.  Table
 * names are unquoted; NULL values are SQL NULL.  Everything is borrowed
 * for the call.  May grow: new members are appended.
 */
typedef struct retort_step_record {
	uint32_t size;                         /**< sizeof(retort_step_record) */
	const char *version_table;
	const char *history_table;
	const retort_version_change *changes;
	size_t nchanges;
	/* the history row (its id is the table's autoincrement) */
	const char *run_id;
	const char *revision;
	const char *direction;  /**< upgrade, downgrade, stamp, repair */
	const char *outcome;    /**< ok, failed, repaired */
	const char *error;      /**< may be NULL */
	const char *checksum;   /**< may be NULL */
	const char *started_at; /**< "YYYY-MM-DD HH:MM:SS" (UTC) */
	long long duration_ms;
	const char *run_user;   /**< may be NULL */
	const char *run_host;   /**< may be NULL */
} retort_step_record;

/**
 * A dialect's methods.  May grow: new methods are appended at the end, and
 * the host reads a method only when the plugin's `size` covers it.  Slots
 * named reserved_N held methods that left ABI 1 unused by the host: set
 * them NULL; the host never reads them (a plugin built before sets them
 * to functions, which are never called).
 */
typedef struct retort_dialect_vtable {
	uint32_t size;                 /**< sizeof(retort_dialect_vtable) */
	uint32_t flags;                /**< RETORT_DIALECT_* */
	/**
	 * The longest name the database keeps (63, 64), or 0 for no limit.
	 * Before render the host refuses (file:line, exit 2) a table, column,
	 * index or constraint name longer than this, counted in characters.
	 */
	unsigned max_identifier_length;
	/** NULL-terminated: {"postgresql", "postgres", NULL}; the URL schemes that select this dialect (required) */
	const char *const *url_schemes;

	/* --- required --- */

	/** Open a connection.  On error set the message (never including the password) and return RETORT_ECONNECT. */
	int (*connect)(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out);
	/** Close; NULL-safe. */
	void (*disconnect)(retort_conn *c);
	/** Run one statement (no result rows expected).  Errors via set_db_error, RETORT_EDB. */
	int (*execute)(retort_conn *c, retort_host_ctx *h, const char *sql);
	/** Run a query, calling row() for each row. */
	int (*query)(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg);
	int (*begin)(retort_conn *c, retort_host_ctx *h);
	int (*commit)(retort_conn *c, retort_host_ctx *h);
	int (*rollback)(retort_conn *c, retort_host_ctx *h);
	/**
	 * Take the migration lock named `key` (the version table's name),
	 * waiting at most timeout_s seconds; RETORT_ELOCKED on time-out.  A
	 * dialect whose lock is a transaction (SQLite's BEGIN IMMEDIATE)
	 * starts it here, and its begin() is then a no-op until commit.
	 */
	int (*lock)(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s);
	int (*unlock)(retort_conn *c, retort_host_ctx *h, const char *key);
	/** *exists = 1 when the table exists in the connection's schema, else 0. */
	int (*table_exists)(retort_conn *c, retort_host_ctx *h, const char *table, int *exists);
	/** Append the quoted identifier to a text sink. */
	int (*quote_ident)(void *state, const char *ident, retort_sink *out);
	/** Append the quoted string literal to a text sink. */
	int (*quote_literal)(void *state, const char *text, retort_sink *out);
	/** Reserved: NULL (retort 0.1.0: map_type, which the host never called). */
	void (*reserved_1)(void);
	/**
	 * Render one operation to one or more statements (a statement sink:
	 * close each statement with sink_end).  No connection: this also serves
	 * offline --sql.  RETORT_ENOTSUPPORTED with a message when the dialect
	 * cannot do the operation.  An operation whose `dialect` names another
	 * dialect never reaches it.  The host also creates its own version and
	 * history tables through it (create_table operations, see above).
	 */
	int (*render)(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out);

	/* --- optional (may be NULL) --- */

	/** Reserved: NULL (retort 0.1.0: reflect, which the host never called). */
	void (*reserved_2)(void);
	/** Reserved: NULL (retort 0.1.0: column_max_length, which the host never called). */
	void (*reserved_3)(void);
	/**
	 * Render an operation that needs the live database (SQLite's table
	 * rebuilds).  When present the host calls it instead of render() when
	 * online.  Same contract as render().
	 */
	int (*render_online)(retort_conn *c, retort_host_ctx *h, const retort_op *op, retort_sink *out);
	/**
	 * Run sql[0..n) in order, as n calls of execute() would, in as few
	 * round trips as the database allows (PostgreSQL: one pipeline).  The
	 * host passes only statements that may run inside the open
	 * transaction.  On the first failure stop, set *failed to its index and
	 * the error as execute() sets it; the statements after it did not run.
	 * NULL: the host calls execute() for each statement.
	 */
	int (*execute_batch)(retort_conn *c, retort_host_ctx *h, const char *const *sql, size_t n, size_t *failed);
	/**
	 * Write one step's bookkeeping (see retort_step_record) inside the open
	 * transaction, e.g. with statements prepared once per connection.
	 * Must do exactly what the host's own statements would, in order:
	 * for each change INSERT INTO <version_table> (version_num) VALUES
	 * (to) / UPDATE <version_table> SET version_num = to WHERE
	 * version_num = from / DELETE FROM <version_table> WHERE version_num
	 * = from; then INSERT INTO <history_table> (run_id, revision,
	 * direction, outcome, error, checksum, started_at, duration_ms,
	 * run_user, run_host) VALUES (...), the id from the autoincrement.
	 * On failure set the error as execute() does; the host rolls back.
	 * NULL: the host composes those statements and calls execute().
	 */
	int (*record_step)(retort_conn *c, retort_host_ctx *h, const retort_step_record *rec);
	/**
	 * Called after a statement of `op` that ran outside any transaction
	 * (RETORT_STMT_NO_TRANSACTION) failed, with no transaction open:
	 * remove what the failed statement left behind, if anything
	 * (PostgreSQL: the INVALID index of a failed CREATE or DROP INDEX
	 * CONCURRENTLY).  Set an error only when this clean-up itself fails.
	 * NULL: nothing to clean up.
	 */
	int (*cleanup_failed)(retort_conn *c, retort_host_ctx *h, const retort_op *op);
	/**
	 * The statements (a statement sink, as render() writes) that put a
	 * session in the state the dialect's rendering assumes, e.g. how string
	 * literals treat a backslash.  connect() sets its own sessions up; the
	 * host writes these at the top of offline --sql output, so a script
	 * piped into the database's client means what it says whatever that
	 * client's session settings are.  NULL: nothing to set.
	 */
	int (*session_sql)(void *state, retort_host_ctx *h, retort_sink *out);
	/**
	 * Describe the live schema of the connection (PostgreSQL: its
	 * current_schema(); MariaDB: its database) to the builder, one object
	 * at a time, reading the catalogs in a few batched queries (see
	 * <retort/schema.h>).  Objects the dialect cannot describe go to
	 * builder->unsupported and reflection goes on.  Called outside any
	 * transaction the host opened.  NULL: `schema dump`, autogenerate and
	 * `check` refuse this dialect.
	 */
	int (*reflect)(retort_conn *c, retort_host_ctx *h, const retort_schema_builder *b);
	/**
	 * Write (a text sink) the one query that says who holds the migration
	 * lock named `key` (as lock() takes it): no row when nobody holds it,
	 * else one row whose columns are, in order, the members of
	 * retort_lock_holder after `size` (session, user, application, client,
	 * since as ISO 8601 UTC); NULL for what the database cannot tell.  The
	 * host runs it with query(), from a session that does not hold the
	 * lock, and may ignore columns beyond those it knows, so a dialect
	 * may add columns as retort_lock_holder grows.  No connection: the
	 * key goes into the text as a literal.  NULL: the dialect cannot tell
	 * (SQLite: its lock is a file lock); the host then only learns whether
	 * the lock is held, by taking it without waiting.
	 */
	int (*lock_holder_sql)(void *state, retort_host_ctx *h, const char *key, retort_sink *out);
	/**
	 * Append to a text sink what reflect() would report for a column
	 * declared with this type, default or expression (`type`: the column's
	 * declared type, for a default; else NULL): e.g. PostgreSQL "int" ->
	 * "integer", MariaDB "timestamptz" -> "timestamp" (it is stored as
	 * DATETIME), "now()" -> "CURRENT_TIMESTAMP".  Autogenerate and check
	 * compare a declared schema with a reflected one through it; the host
	 * then also ignores letter case, blanks, parentheses and `::type` casts.
	 * RETORT_ENOTSUPPORTED (or NULL): the text is compared as it is.
	 */
	int (*normalize)(void *state, retort_host_ctx *h, retort_normalize_kind kind, const char *type, const char *text,
	                 retort_sink *out);
	/**
	 * render_online for a run of operations: render ops[0], and with it as
	 * many of the operations that follow as the dialect can do together
	 * (SQLite: consecutive changes that each need a rebuild of the same
	 * table become one rebuild); set *used to how many it rendered, from 1
	 * to n, in order.  The statements written do what those operations
	 * would do one after the other, and run inside the same transaction.
	 * The host calls it instead of render_online when online, passing the
	 * rest of a revision's upgrade or downgrade list (n >= 1, every
	 * operation's names already checked), and renders again from
	 * ops[*used].  Same errors as render(); on an error *used does not
	 * matter.  A dialect that has it keeps render_online, the n = 1 case,
	 * for hosts before it.  NULL: the host calls render_online per operation.
	 */
	int (*render_online_batch)(retort_conn *c, retort_host_ctx *h, const retort_op *const *ops, size_t n,
	                           size_t *used, retort_sink *out);
	/* New methods are APPENDED here. */
} retort_dialect_vtable;

#ifdef __cplusplus
}
#endif
#endif
