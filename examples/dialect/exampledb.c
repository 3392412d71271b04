/*
 * exampledb: an out-of-tree retort dialect, built against the installed
 * SDK with nothing but pkg-config and retort-plugin.mk (see Makefile).
 *
 * It handles URLs of the scheme `exampledb` and keeps its data in SQLite:
 *
 *     exampledb:///relative/path.db     a file relative to the current folder
 *     exampledb:////absolute/path.db    an absolute file
 *     exampledb://                      an in-memory database
 *
 * Settings (optional, in a declared `{ module = "exampledb"; ... }` group):
 *
 *     busy_timeout = 5000;   milliseconds a reader waits for a writer
 *
 * What it shows a plugin author:
 *  - one exported symbol, retort_plugin_entry, through RETORT_PLUGIN_DEFINE;
 *    everything else is static (and the build uses -fvisibility=hidden);
 *  - no mutable globals: the state of an instance comes from init(), the
 *    state of a connection from connect();
 *  - settings are read through the host and unknown keys are refused with
 *    setting_error (the host adds the config file and line);
 *  - errors go through set_error / set_db_error; the plugin never prints
 *    and never exits;
 *  - SQL goes into host-owned sinks: sink_add/sink_addf, then sink_end once
 *    per statement;
 *  - memory the plugin keeps is allocated with host->malloc and freed by the
 *    plugin itself in disconnect() and fini().
 *
 * The migration lock is the write lock of a BEGIN IMMEDIATE transaction, as
 * in retort's own sqlite dialect: lock() opens the transaction, begin() is a
 * no-op while it is open, commit() ends both, unlock() rolls back if the
 * lock's transaction is still open.
 */
#define _POSIX_C_SOURCE 200809L

#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <sqlite3.h>

#include <retort/dialect.h>
#include <retort/naming.h>
#include <retort/sdk.h>

#define DEFAULT_BUSY_TIMEOUT_MS 5000

/* One plugin instance. */
typedef struct exdb_state {
	const retort_host *host; /* borrowed, valid until fini */
	long long busy_timeout_ms;
} exdb_state;

/* One connection (retort_conn is opaque to the host; each dialect defines it). */
struct retort_conn {
	const retort_host *host;
	sqlite3 *db;
	char *path;  /* host->malloc'd */
	int locked;  /* the BEGIN IMMEDIATE transaction of lock() is open */
};

/* ---- instance ---- */

static int exdb_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                     retort_plugin_kind kind, void **state_out)
{
	exdb_state *st;
	const char *key;
	long long busy = DEFAULT_BUSY_TIMEOUT_MS;

	if (kind != RETORT_KIND_DIALECT) {
		host->set_error(h, "exampledb is a dialect, not plugin kind %d", (int)kind);
		return RETORT_EINVAL;
	}
	/* settings is NULL when the dialect was picked by URL scheme without a declaration */
	if (settings) {
		for (key = host->setting_next_key(settings, NULL); key; key = host->setting_next_key(settings, key)) {
			if (strcmp(key, "busy_timeout") == 0) {
				if (host->setting_int(settings, key, &busy) != RETORT_OK || busy < 0 || busy > 3600000) {
					host->setting_error(h, settings, key,
					                    "busy_timeout must be a number of milliseconds (0..3600000)");
					return RETORT_EINVAL;
				}
			} else {
				host->setting_error(h, settings, key, "unknown setting '%s' (exampledb knows: busy_timeout)",
				                    key);
				return RETORT_EINVAL;
			}
		}
	}
	st = host->malloc(sizeof *st);
	if (!st) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	st->host = host;
	st->busy_timeout_ms = busy;
	*state_out = st;
	return RETORT_OK;
}

static void exdb_fini(void *state)
{
	exdb_state *st = state;
	if (st)
		st->host->free(st);
}

/* ---- connections ---- */

static int db_error(retort_conn *c, retort_host_ctx *h)
{
	c->host->set_db_error(h, NULL, (long)sqlite3_extended_errcode(c->db), sqlite3_errmsg(c->db));
	return RETORT_EDB;
}

static void exdb_disconnect(retort_conn *c)
{
	if (!c)
		return;
	if (c->db)
		sqlite3_close_v2(c->db); /* rolls back an open transaction */
	c->host->free(c->path);
	c->host->free(c);
}

static int exdb_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	exdb_state *st = state;
	const retort_host *host = st->host;
	const char *path = (url->database && *url->database) ? url->database : ":memory:";
	int read_only = RETORT_STRUCT_HAS(url, retort_url, read_only) && url->read_only;
	int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
	retort_conn *c;
	size_t n;

	/* a read-only command must not create the file: a missing one reads as empty */
	if (read_only && strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0)
		path = ":memory:";

	c = host->malloc(sizeof *c);
	if (!c) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(c, 0, sizeof *c);
	c->host = host;
	n = strlen(path) + 1;
	c->path = host->malloc(n);
	if (!c->path) {
		host->free(c);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memcpy(c->path, path, n);
	if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK) {
		host->set_error(h, "cannot open '%s': %s", path, c->db ? sqlite3_errmsg(c->db) : "out of memory");
		exdb_disconnect(c);
		return RETORT_ECONNECT;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, (int)st->busy_timeout_ms);
	*out = c;
	return RETORT_OK;
}

/* ---- statements ---- */

static int exdb_execute(retort_conn *c, retort_host_ctx *h, const char *sql)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_error(c, h);
	return RETORT_OK;
}

#define MAX_COLS 64

static int exdb_query(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg)
{
	const char *tail = sql;
	const char *vals[MAX_COLS];
	int status = RETORT_OK;

	while (status == RETORT_OK && tail && *tail) {
		sqlite3_stmt *stmt = NULL;
		int rc, ncols, i;
		if (sqlite3_prepare_v2(c->db, tail, -1, &stmt, &tail) != SQLITE_OK)
			return db_error(c, h);
		if (!stmt) /* only white space or a comment was left */
			continue;
		ncols = sqlite3_column_count(stmt);
		if (ncols > MAX_COLS) {
			sqlite3_finalize(stmt);
			c->host->set_error(h, "query returns %d columns; exampledb handles at most %d", ncols, MAX_COLS);
			return RETORT_ERROR;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			for (i = 0; i < ncols; i++)
				vals[i] = (const char *)sqlite3_column_text(stmt, i);
			if (row && (status = row(arg, (size_t)ncols, vals)) != 0)
				break;
		}
		if (status == RETORT_OK && rc != SQLITE_DONE)
			status = db_error(c, h);
		sqlite3_finalize(stmt);
	}
	return status;
}

/* ---- transactions and the lock ---- */

static int in_transaction(const retort_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

static int exdb_begin(retort_conn *c, retort_host_ctx *h)
{
	if (c->locked && in_transaction(c))
		return RETORT_OK; /* the lock's transaction is the transaction */
	return exdb_execute(c, h, "BEGIN");
}

static int exdb_commit(retort_conn *c, retort_host_ctx *h)
{
	c->locked = 0;
	if (!in_transaction(c)) {
		c->host->set_error(h, "commit: no transaction is open on '%s'", c->path);
		return RETORT_ERROR;
	}
	return exdb_execute(c, h, "COMMIT");
}

static int exdb_rollback(retort_conn *c, retort_host_ctx *h)
{
	c->locked = 0;
	if (!in_transaction(c))
		return RETORT_OK;
	return exdb_execute(c, h, "ROLLBACK");
}

static int exdb_lock(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s)
{
	int rc;
	(void)key; /* one database file, one lock */
	if (in_transaction(c)) {
		if (c->locked)
			return RETORT_OK;
		c->host->set_error(h, "lock: a transaction is already open on '%s'", c->path);
		return RETORT_ERROR;
	}
	sqlite3_busy_timeout(c->db, timeout_s > 2000000u ? 2000000000 : (int)timeout_s * 1000);
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		c->locked = 1;
		return RETORT_OK;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		c->host->set_error(h, "could not take the migration lock on '%s' within %u s", c->path, timeout_s);
		return RETORT_ELOCKED;
	}
	return db_error(c, h);
}

static int exdb_unlock(retort_conn *c, retort_host_ctx *h, const char *key)
{
	(void)key;
	if (!c->locked)
		return RETORT_OK;
	return exdb_rollback(c, h);
}

static int exdb_table_exists(retort_conn *c, retort_host_ctx *h, const char *table, int *exists)
{
	sqlite3_stmt *stmt = NULL;
	int rc;
	if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE",
	                       -1, &stmt, NULL) != SQLITE_OK)
		return db_error(c, h);
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_error(c, h);
	*exists = rc == SQLITE_ROW;
	return RETORT_OK;
}

/* ---- quoting and types (text sinks) ---- */

/* Append `text` between `q` quotes, doubling any `q` inside. */
static int add_quoted(const retort_host *host, retort_sink *out, const char *text, char q)
{
	const char *p = text, *hit;
	int rc = host->sink_add(out, &q, 1);
	while (rc == RETORT_OK && (hit = strchr(p, q)) != NULL) {
		rc = host->sink_add(out, p, (size_t)(hit - p) + 1); /* up to and with the quote */
		if (rc == RETORT_OK)
			rc = host->sink_add(out, &q, 1);
		p = hit + 1;
	}
	if (rc == RETORT_OK)
		rc = host->sink_add(out, p, strlen(p));
	if (rc == RETORT_OK)
		rc = host->sink_add(out, &q, 1);
	return rc;
}

static int exdb_quote_ident(void *state, const char *ident, retort_sink *out)
{
	return add_quoted(((exdb_state *)state)->host, out, ident, '"');
}

static int exdb_quote_literal(void *state, const char *text, retort_sink *out)
{
	return add_quoted(((exdb_state *)state)->host, out, text, '\'');
}

static int exdb_map_type(void *state, const char *portable, retort_sink *out)
{
	static const struct {
		const char *portable, *native;
		int keep_args; /* append "(n)" / "(p,s)" as written */
	} map[] = {
		{"integer", "INTEGER", 0}, {"bigint", "INTEGER", 0}, {"smallint", "INTEGER", 0},
		{"boolean", "BOOLEAN", 0}, {"varchar", "VARCHAR", 1}, {"text", "TEXT", 0},
		{"numeric", "NUMERIC", 1}, {"real", "REAL", 0},       {"double", "DOUBLE", 0},
		{"date", "DATE", 0},       {"time", "TIME", 0},       {"timestamp", "TIMESTAMP", 0},
		{"timestamptz", "TIMESTAMP", 0}, {"blob", "BLOB", 0}, {"json", "TEXT", 0},
		{"uuid", "CHAR(36)", 0},
	};
	const retort_host *host = ((exdb_state *)state)->host;
	size_t base = strcspn(portable, "("), i;
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strlen(map[i].portable) == base && strncasecmp(map[i].portable, portable, base) == 0 &&
		    (portable[base] == '\0' || map[i].keep_args)) {
			int rc = host->sink_add(out, map[i].native, strlen(map[i].native));
			if (rc == RETORT_OK && map[i].keep_args)
				rc = host->sink_add(out, portable + base, strlen(portable + base));
			return rc;
		}
	}
	return host->sink_add(out, portable, strlen(portable)); /* anything else passes through verbatim */
}

/* ---- rendering (statement sinks) ---- */

/* ", "-separated quoted identifiers (the SDK's helper, with this dialect's quoting) */
static int add_ident_list(exdb_state *st, retort_sink *out, const char *const *names, size_t n)
{
	return retort_sink_ident_list(st->host, exdb_quote_ident, st, names, n, out);
}

/* name TYPE [PRIMARY KEY [AUTOINCREMENT]] [NOT NULL] [UNIQUE] [DEFAULT expr] */
static int add_column_def(exdb_state *st, retort_sink *out, const retort_column *col, int inline_pk)
{
	const retort_host *host = st->host;
	int rc = exdb_quote_ident(st, col->name, out);
	if (rc == RETORT_OK)
		rc = host->sink_add(out, " ", 1);
	/* SQLite's AUTOINCREMENT needs exactly INTEGER PRIMARY KEY */
	if (rc == RETORT_OK)
		rc = inline_pk && col->autoincrement ? host->sink_addf(out, "INTEGER")
		                                     : exdb_map_type(st, col->type, out);
	if (rc == RETORT_OK && inline_pk)
		rc = host->sink_addf(out, " PRIMARY KEY%s", col->autoincrement ? " AUTOINCREMENT" : "");
	if (rc == RETORT_OK && col->nullable == 0)
		rc = host->sink_addf(out, " NOT NULL");
	if (rc == RETORT_OK && col->unique)
		rc = host->sink_addf(out, " UNIQUE");
	if (rc == RETORT_OK && col->server_default)
		rc = host->sink_addf(out, " DEFAULT %s", col->server_default);
	return rc;
}

static int render_create_table(exdb_state *st, const retort_op *op, retort_sink *out)
{
	const retort_host *host = st->host;
	size_t i, j, npk = 0;
	int rc;
	for (i = 0; i < op->ncolumns; i++)
		npk += op->columns[i].primary_key ? 1 : 0;
	rc = host->sink_addf(out, "CREATE TABLE ");
	if (rc == RETORT_OK)
		rc = exdb_quote_ident(st, op->table, out);
	if (rc == RETORT_OK)
		rc = host->sink_addf(out, " (");
	for (i = 0; rc == RETORT_OK && i < op->ncolumns; i++) {
		const retort_column *col = &op->columns[i];
		rc = host->sink_addf(out, "%s\n  ", i ? "," : "");
		if (rc == RETORT_OK)
			rc = add_column_def(st, out, col, col->primary_key && npk == 1 && !op->primary_key);
	}
	/* a primary key over several columns, or a named one */
	if (rc == RETORT_OK && (op->primary_key || npk > 1)) {
		rc = host->sink_addf(out, ",\n  ");
		if (rc == RETORT_OK && op->primary_key && op->primary_key->name) {
			rc = host->sink_addf(out, "CONSTRAINT ");
			if (rc == RETORT_OK)
				rc = exdb_quote_ident(st, op->primary_key->name, out);
			if (rc == RETORT_OK)
				rc = host->sink_addf(out, " ");
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, "PRIMARY KEY (");
		if (op->primary_key && op->primary_key->ncolumns) {
			if (rc == RETORT_OK)
				rc = add_ident_list(st, out, op->primary_key->columns, op->primary_key->ncolumns);
		} else {
			for (i = 0, j = 0; rc == RETORT_OK && i < op->ncolumns; i++) {
				if (!op->columns[i].primary_key)
					continue;
				if (j++)
					rc = host->sink_add(out, ", ", 2);
				if (rc == RETORT_OK)
					rc = exdb_quote_ident(st, op->columns[i].name, out);
			}
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ")");
	}
	for (i = 0; rc == RETORT_OK && i < op->nuniques; i++) {
		const retort_constraint *uq = &op->uniques[i];
		rc = host->sink_addf(out, ",\n  ");
		if (rc == RETORT_OK && uq->name) {
			rc = host->sink_addf(out, "CONSTRAINT ");
			if (rc == RETORT_OK)
				rc = exdb_quote_ident(st, uq->name, out);
			if (rc == RETORT_OK)
				rc = host->sink_addf(out, " ");
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, "UNIQUE (");
		if (rc == RETORT_OK)
			rc = add_ident_list(st, out, uq->columns, uq->ncolumns);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ")");
	}
	for (i = 0; rc == RETORT_OK && i < op->nforeign_keys; i++) {
		const retort_foreign_key *fk = &op->foreign_keys[i];
		rc = host->sink_addf(out, ",\n  ");
		if (rc == RETORT_OK && fk->name) {
			rc = host->sink_addf(out, "CONSTRAINT ");
			if (rc == RETORT_OK)
				rc = exdb_quote_ident(st, fk->name, out);
			if (rc == RETORT_OK)
				rc = host->sink_addf(out, " ");
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, "FOREIGN KEY (");
		if (rc == RETORT_OK)
			rc = add_ident_list(st, out, fk->columns, fk->ncolumns);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ") REFERENCES ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, fk->ref_table, out);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, " (");
		if (rc == RETORT_OK)
			rc = add_ident_list(st, out, fk->ref_columns, fk->nref_columns);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ")");
		if (rc == RETORT_OK && fk->on_delete)
			rc = host->sink_addf(out, " ON DELETE %s", fk->on_delete);
		if (rc == RETORT_OK && fk->on_update)
			rc = host->sink_addf(out, " ON UPDATE %s", fk->on_update);
	}
	for (i = 0; rc == RETORT_OK && i < op->nchecks; i++) {
		const retort_constraint *ck = &op->checks[i];
		rc = host->sink_addf(out, ",\n  ");
		if (rc == RETORT_OK && ck->name) {
			rc = host->sink_addf(out, "CONSTRAINT ");
			if (rc == RETORT_OK)
				rc = exdb_quote_ident(st, ck->name, out);
			if (rc == RETORT_OK)
				rc = host->sink_addf(out, " ");
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, "CHECK (%s)", ck->expression);
	}
	if (rc == RETORT_OK)
		rc = host->sink_addf(out, "\n)");
	if (rc == RETORT_OK)
		rc = host->sink_end(out, 0);
	return rc;
}

/*
 * SQLite does not index a foreign key's columns.  exampledb does when a
 * naming policy can name the index (the host's policy_name service asks
 * the loaded policies, as the host itself names what a script leaves
 * unnamed): one CREATE INDEX per foreign key, after the CREATE TABLE.  No
 * policy with a rule for "ix": no index.
 */
static int render_fk_indexes(exdb_state *st, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	const retort_host *host = st->host;
	size_t i;
	int rc = RETORT_OK;
	if (!RETORT_HOST_HAS(host, policy_name)) /* an older retort */
		return RETORT_OK;
	for (i = 0; rc == RETORT_OK && i < op->nforeign_keys; i++) {
		const retort_foreign_key *fk = &op->foreign_keys[i];
		retort_name_request req;
		char *name = NULL;
		memset(&req, 0, sizeof req);
		req.size = sizeof req;
		req.type = "ix";
		req.table = op->table;
		req.columns = fk->columns;
		req.ncolumns = fk->ncolumns;
		rc = host->policy_name(h, &req, &name);
		if (rc == RETORT_ENOTSUPPORTED) {
			rc = RETORT_OK;
			continue;
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, "CREATE INDEX ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, name, out);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, " ON ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->table, out);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, " (");
		if (rc == RETORT_OK)
			rc = add_ident_list(st, out, fk->columns, fk->ncolumns);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ")");
		if (rc == RETORT_OK)
			rc = host->sink_end(out, 0);
		host->free(name);
	}
	return rc;
}

static int render_create_index(exdb_state *st, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	const retort_host *host = st->host;
	int rc;
	if (!op->name) {
		host->set_error(h, "create_index on %s: exampledb needs the index name", op->table);
		return RETORT_EINVAL;
	}
	rc = host->sink_addf(out, "CREATE %sINDEX ", op->unique ? "UNIQUE " : "");
	if (rc == RETORT_OK)
		rc = exdb_quote_ident(st, op->name, out);
	if (rc == RETORT_OK)
		rc = host->sink_addf(out, " ON ");
	if (rc == RETORT_OK)
		rc = exdb_quote_ident(st, op->table, out);
	if (rc == RETORT_OK)
		rc = host->sink_addf(out, " (");
	if (rc == RETORT_OK)
		rc = add_ident_list(st, out, op->column_names, op->ncolumn_names);
	if (rc == RETORT_OK)
		rc = host->sink_addf(out, ")");
	if (rc == RETORT_OK && op->where)
		rc = host->sink_addf(out, " WHERE %s", op->where);
	if (rc == RETORT_OK)
		rc = host->sink_end(out, 0);
	return rc;
}

/* one INSERT per row: no limit on the number of rows, errors name the row's values */
static int render_bulk_insert(exdb_state *st, const retort_op *op, retort_sink *out)
{
	const retort_host *host = st->host;
	size_t r, i;
	int rc = RETORT_OK;
	for (r = 0; rc == RETORT_OK && r < op->nrows; r++) {
		rc = host->sink_addf(out, "INSERT INTO ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->table, out);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, " (");
		if (rc == RETORT_OK)
			rc = add_ident_list(st, out, op->column_names, op->ncolumn_names);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ") VALUES (");
		for (i = 0; rc == RETORT_OK && i < op->ncolumn_names; i++) {
			const retort_value *v = &op->rows[r * op->ncolumn_names + i];
			if (i)
				rc = host->sink_add(out, ", ", 2);
			if (rc != RETORT_OK)
				break;
			if (v->type == RETORT_VALUE_NULL || !v->text)
				rc = host->sink_addf(out, "NULL");
			else if (v->type == RETORT_VALUE_STRING)
				rc = exdb_quote_literal(st, v->text, out);
			else /* INT, FLOAT, BOOL ("1"/"0") */
				rc = host->sink_add(out, v->text, strlen(v->text));
		}
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, ")");
		if (rc == RETORT_OK)
			rc = host->sink_end(out, 0);
	}
	return rc;
}

static int exdb_render(void *state, retort_host_ctx *h, const retort_op *op, retort_sink *out)
{
	exdb_state *st = state;
	const retort_host *host = st->host;
	int rc;

	switch (op->kind) {
	case RETORT_OP_CREATE_TABLE:
		rc = render_create_table(st, op, out);
		return rc == RETORT_OK ? render_fk_indexes(st, h, op, out) : rc;
	case RETORT_OP_DROP_TABLE:
		rc = host->sink_addf(out, "DROP TABLE ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->table, out);
		return rc == RETORT_OK ? host->sink_end(out, 0) : rc;
	case RETORT_OP_ADD_COLUMN:
		if (op->ncolumns < 1) {
			host->set_error(h, "add_column on %s without a column", op->table);
			return RETORT_EINVAL;
		}
		rc = host->sink_addf(out, "ALTER TABLE ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->table, out);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, " ADD COLUMN ");
		if (rc == RETORT_OK)
			rc = add_column_def(st, out, &op->columns[0], 0);
		return rc == RETORT_OK ? host->sink_end(out, 0) : rc;
	case RETORT_OP_DROP_COLUMN: /* SQLite 3.35 and later */
		rc = host->sink_addf(out, "ALTER TABLE ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->table, out);
		if (rc == RETORT_OK)
			rc = host->sink_addf(out, " DROP COLUMN ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->column, out);
		return rc == RETORT_OK ? host->sink_end(out, 0) : rc;
	case RETORT_OP_CREATE_INDEX:
		return render_create_index(st, h, op, out);
	case RETORT_OP_DROP_INDEX:
		rc = host->sink_addf(out, "DROP INDEX ");
		if (rc == RETORT_OK)
			rc = exdb_quote_ident(st, op->name, out);
		return rc == RETORT_OK ? host->sink_end(out, 0) : rc;
	case RETORT_OP_BULK_INSERT:
		return render_bulk_insert(st, op, out);
	case RETORT_OP_EXECUTE:
		rc = host->sink_add(out, op->sql, strlen(op->sql));
		return rc == RETORT_OK ? host->sink_end(out, 0) : rc;
	default:
		host->set_error(h, "operation %s is not supported by exampledb (it is a small example; use execute "
		                   "with raw SQL)",
		                retort_op_kind_name(op->kind));
		return RETORT_ENOTSUPPORTED;
	}
}

/* ---- descriptor ---- */

static const char *const schemes[] = {"exampledb", NULL};

static const retort_dialect_vtable vtable = {
	.size = sizeof(retort_dialect_vtable),
	.flags = RETORT_DIALECT_TRANSACTIONAL_DDL,
	.max_identifier_length = 0,
	.url_schemes = schemes,
	.connect = exdb_connect,
	.disconnect = exdb_disconnect,
	.execute = exdb_execute,
	.query = exdb_query,
	.begin = exdb_begin,
	.commit = exdb_commit,
	.rollback = exdb_rollback,
	.lock = exdb_lock,
	.unlock = exdb_unlock,
	.table_exists = exdb_table_exists,
	.quote_ident = exdb_quote_ident,
	.quote_literal = exdb_quote_literal,
	.render = exdb_render,
	/* optional methods left NULL: render_online, execute_batch, record_step */
};

static const retort_plugin_impl impls[] = {
	{RETORT_KIND_DIALECT, &vtable},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "exampledb", .version = "0.1.0",
                     .description = "example out-of-tree dialect (SQLite storage, exampledb:// URLs)",
                     .impls = impls, .init = exdb_init, .fini = exdb_fini);
