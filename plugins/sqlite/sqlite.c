/*
 * The sqlite dialect: descriptor, settings, connections, transactions and
 * the migration lock.
 *
 * Settings (a declared `{ module = "sqlite"; ... }` group):
 *   foreign_keys = true|false;  run PRAGMA foreign_keys=ON/OFF right after
 *                               connecting.  When absent, SQLite's own
 *                               default (OFF unless SQLite was compiled
 *                               otherwise) is kept.
 *
 * Why foreign_keys is not switched on by default: the pragma is a no-op
 * inside a transaction, and retort runs every migration inside one (the
 * lock is a transaction, see lock() below), so it can only be set at
 * connect time; and the table rebuilds SQLite needs for ALTER TABLE's gaps
 * (create new, copy, drop old, rename) must run with enforcement off or the
 * DROP of the old table cascades/fails.  A project that wants enforcement
 * during its data migrations says so with `foreign_keys = true`.
 *
 * Transactions and the lock.  SQLite has no advisory locks; the migration
 * lock is the write lock of a BEGIN IMMEDIATE transaction, taken with a busy
 * timeout of `timeout_s`.  So:
 *   - lock() opens the transaction; begin() is a no-op while it is open;
 *   - commit() ends the transaction and with it the lock;
 *   - unlock() rolls back if the lock's transaction is still open (the run
 *     failed or nothing was written), else does nothing;
 *   - rollback() is safe when no transaction is open.
 * The host, in transaction_per_migration mode, calls commit() after each
 * revision and then lock() again for the next one, and re-reads the version
 * table after each lock() (another process may have moved it meanwhile).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "sqlite_int.h"
#include "plugutil.h"

/* Busy timeout before lock() sets its own, so that a reader does not fail at
 * once while another process commits. */
#define DEFAULT_BUSY_TIMEOUT_MS 5000

static char *dup_str(const retort_host *host, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = host->malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

int sqlite_db_error(retort_conn *c, retort_host_ctx *h)
{
	c->host->set_db_error(h, NULL, (long)sqlite3_extended_errcode(c->db), sqlite3_errmsg(c->db));
	return RETORT_EDB;
}

/* ---- instance ---- */

/*
 * Once per process: sqlite3_config() may not run while another thread uses
 * SQLite (a fleet opens an instance per database while others migrate).
 */
static pthread_once_t memstatus_once = PTHREAD_ONCE_INIT;

static void memstatus_off(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                   retort_plugin_kind kind, void **state_out)
{
	sqlite_state *st;
	const char *key;
	int fk = RETORT_UNSET;

	if (kind != RETORT_KIND_DIALECT) {
		host->set_error(h, "the sqlite module is a dialect, not plugin kind %d", (int)kind);
		return RETORT_EINVAL;
	}
	/*
	 * Memory statistics (on by default) take a global mutex on every
	 * sqlite3_malloc and sqlite3_free; nothing reads them.  Only possible
	 * before SQLite is initialized: when something in the process already
	 * did, this fails harmlessly and the statistics stay on.
	 */
	pthread_once(&memstatus_once, memstatus_off);
	for (key = host->setting_next_key(settings, NULL); key; key = host->setting_next_key(settings, key)) {
		if (strcmp(key, "foreign_keys") == 0) {
			if (host->setting_bool(settings, key, &fk) != RETORT_OK) {
				host->setting_error(h, settings, key, "setting 'foreign_keys' must be true or false");
				return RETORT_EINVAL;
			}
		} else {
			host->setting_error(h, settings, key, "unknown setting '%s'", key);
			return RETORT_EINVAL;
		}
	}
	if (!(st = pu_state_new(host, h, sizeof *st)))
		return RETORT_ENOMEM;
	st->host = host;
	st->h = h;
	st->foreign_keys = fk;
	*state_out = st;
	return RETORT_OK;
}

static void sq_fini(void *state)
{
	sqlite_state *st = state;
	if (st)
		st->host->free(st);
}

/* ---- connections ---- */

static void rec_finalize(retort_conn *c)
{
	size_t i;
	for (i = 0; i < sizeof c->rec_stmt / sizeof c->rec_stmt[0]; i++) {
		sqlite3_finalize(c->rec_stmt[i]); /* NULL is a no-op */
		c->rec_stmt[i] = NULL;
	}
	c->host->free(c->rec_tables);
	c->rec_tables = NULL;
}

static void sq_disconnect(retort_conn *c)
{
	if (!c)
		return;
	rec_finalize(c);
	if (c->db)
		sqlite3_close_v2(c->db); /* an open transaction is rolled back */
	c->host->free(c->path);
	c->host->free(c);
}

static int sq_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	sqlite_state *st = state;
	const retort_host *host = st->host;
	const char *path = (url && url->database && *url->database) ? url->database : ":memory:";
	int read_only = url && RETORT_STRUCT_HAS(url, retort_url, read_only) && url->read_only;
	/*
	 * NOMUTEX: a connection is used by one thread at a time (the core's
	 * contract), so SQLite need not lock it around every call.
	 */
	int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX;
	retort_conn *c;
	int rc;

	/* A read-only command must not create the file: a database that is not
	 * there yet reads as an empty one. */
	if (read_only && strcmp(path, ":memory:") != 0 && access(path, F_OK) != 0)
		path = ":memory:";

	c = host->malloc(sizeof *c);
	if (!c) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	memset(c, 0, sizeof *c);
	c->host = host;
	c->path = dup_str(host, path);
	if (!c->path) {
		host->free(c);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	rc = sqlite3_open_v2(path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		host->set_error(h, "cannot open database file '%s': %s", path,
		                c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
		sq_disconnect(c);
		return RETORT_ECONNECT;
	}
	sqlite3_extended_result_codes(c->db, 1);
	sqlite3_busy_timeout(c->db, DEFAULT_BUSY_TIMEOUT_MS);
	/* Opening is lazy: read the header now so that "file is not a
	 * database" is reported as a connection error, not mid-migration. */
	if (sqlite3_exec(c->db, "PRAGMA schema_version", NULL, NULL, NULL) != SQLITE_OK) {
		host->set_error(h, "cannot open database file '%s': %s", path, sqlite3_errmsg(c->db));
		sq_disconnect(c);
		return RETORT_ECONNECT;
	}
	if (sqlite_register_functions(c->db) != SQLITE_OK) {
		host->set_error(h, "cannot register functions on '%s': %s", path, sqlite3_errmsg(c->db));
		sq_disconnect(c);
		return RETORT_ECONNECT;
	}
	/* ?synchronous=off|normal|full|extra (a scratch database, e.g. `retort test`'s, needs no fsync) */
	{
		size_t i;
		for (i = 0; url && i < url->nquery; i++) {
			const char *k = url->query_keys[i], *v = url->query_values[i];
			char sql[64];
			if (strcmp(k, "synchronous") != 0)
				continue;
			if (!v || (strcasecmp(v, "off") && strcasecmp(v, "normal") && strcasecmp(v, "full") &&
			           strcasecmp(v, "extra"))) {
				host->set_error(h, "synchronous=%s: must be off, normal, full or extra", v ? v : "");
				sq_disconnect(c);
				return RETORT_EINVAL;
			}
			snprintf(sql, sizeof sql, "PRAGMA synchronous=%s", v);
			if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
				host->set_error(h, "cannot set synchronous on '%s': %s", path, sqlite3_errmsg(c->db));
				sq_disconnect(c);
				return RETORT_ECONNECT;
			}
		}
	}
	if (st->foreign_keys != RETORT_UNSET &&
	    sqlite3_exec(c->db, st->foreign_keys ? "PRAGMA foreign_keys=ON" : "PRAGMA foreign_keys=OFF", NULL, NULL,
	                 NULL) != SQLITE_OK) {
		host->set_error(h, "cannot set foreign_keys on '%s': %s", path, sqlite3_errmsg(c->db));
		sq_disconnect(c);
		return RETORT_ECONNECT;
	}
	*out = c;
	return RETORT_OK;
}

/* ---- statements ---- */

static int sq_execute(retort_conn *c, retort_host_ctx *h, const char *sql)
{
	if (sqlite3_exec(c->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return sqlite_db_error(c, h);
	return RETORT_OK;
}

/* Run every statement of `sql`, calling row() for each result row. */
static int sq_query(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg)
{
	const char *tail = sql;
	const char *small[16];
	const char **vals = small;
	size_t cap = sizeof small / sizeof small[0];
	int status = RETORT_OK;

	while (status == RETORT_OK && tail && *tail) {
		sqlite3_stmt *stmt = NULL;
		int rc, ncols, i;
		if (sqlite3_prepare_v2(c->db, tail, -1, &stmt, &tail) != SQLITE_OK) {
			status = sqlite_db_error(c, h);
			break;
		}
		if (!stmt) /* whitespace or a comment */
			continue;
		ncols = sqlite3_column_count(stmt);
		if ((size_t)ncols > cap) {
			const char **v = c->host->malloc((size_t)ncols * sizeof *v);
			if (!v) {
				sqlite3_finalize(stmt);
				c->host->set_error(h, "out of memory");
				status = RETORT_ENOMEM;
				break;
			}
			if (vals != small)
				c->host->free((void *)vals);
			vals = v;
			cap = (size_t)ncols;
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			int r;
			for (i = 0; i < ncols; i++) {
				vals[i] = (const char *)sqlite3_column_text(stmt, i);
				if (!vals[i] && sqlite3_column_type(stmt, i) != SQLITE_NULL) {
					sqlite3_finalize(stmt);
					c->host->set_error(h, "out of memory");
					status = RETORT_ENOMEM;
					goto done;
				}
			}
			if (row && (r = row(arg, (size_t)ncols, vals)) != 0) {
				status = r;
				break;
			}
		}
		if (status == RETORT_OK && rc != SQLITE_DONE)
			status = sqlite_db_error(c, h);
		sqlite3_finalize(stmt);
	}
done:
	if (vals != small)
		c->host->free((void *)vals);
	return status;
}

/* ---- transactions ---- */

static int in_transaction(const retort_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

static int sq_begin(retort_conn *c, retort_host_ctx *h)
{
	if (c->locked && in_transaction(c))
		return RETORT_OK; /* the lock's transaction is the transaction */
	return sq_execute(c, h, "BEGIN");
}

static int sq_commit(retort_conn *c, retort_host_ctx *h)
{
	c->locked = 0;
	if (!in_transaction(c)) {
		/* Never pretend: the transaction may have been rolled back by
		 * SQLite itself (e.g. SQLITE_FULL), losing its work. */
		c->host->set_error(h, "commit: no transaction is open on '%s' (it was ended or rolled back)", c->path);
		return RETORT_ERROR;
	}
	return sq_execute(c, h, "COMMIT");
}

static int sq_rollback(retort_conn *c, retort_host_ctx *h)
{
	c->locked = 0;
	if (!in_transaction(c))
		return RETORT_OK;
	return sq_execute(c, h, "ROLLBACK");
}

static int sq_lock(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s)
{
	int rc;
	if (in_transaction(c)) {
		if (c->locked)
			return RETORT_OK;
		c->host->set_error(h, "lock: a transaction is already open on '%s'", c->path);
		return RETORT_ERROR;
	}
	sqlite3_busy_timeout(c->db, timeout_s > (unsigned)(0x7fffffff / 1000) ? 0x7fffffff : (int)timeout_s * 1000);
	rc = sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	/* the lock's wait is the lock's: the statements after it wait as any reader does */
	sqlite3_busy_timeout(c->db, DEFAULT_BUSY_TIMEOUT_MS);
	if (rc == SQLITE_OK) {
		c->locked = 1;
		return RETORT_OK;
	}
	if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
		c->host->set_error(h, "could not take the migration lock on %s within %u s (another retort holds it)",
		                   c->path, timeout_s);
		return RETORT_ELOCKED;
	}
	return sqlite_db_error(c, h);
}

static int sq_unlock(retort_conn *c, retort_host_ctx *h, const char *key)
{
	if (!c->locked)
		return RETORT_OK;
	return sq_rollback(c, h);
}

/* ---- bookkeeping: record_step ---- */

enum { REC_VT_INSERT, REC_VT_UPDATE, REC_VT_DELETE, REC_HISTORY };

/*
 * Prepare record_step's four statements for these tables, once per
 * connection (again only if the tables' names change).  They are the
 * statements the host would compose, with parameters instead of literals;
 * sqlite3_prepare_v2 statements re-prepare themselves after schema changes.
 */
static int rec_prepare(retort_conn *c, retort_host_ctx *h, const char *vt, const char *ht)
{
	const retort_host *host = c->host;
	sqlite_buf key = {host, NULL, 0, 0, RETORT_OK}, qv = {host, NULL, 0, 0, RETORT_OK},
	           qh = {host, NULL, 0, 0, RETORT_OK}, sql = {host, NULL, 0, 0, RETORT_OK};
	int rc = RETORT_OK, i;

	sqlite_buf_add(&key, vt, strlen(vt));
	sqlite_buf_add(&key, "\n", 1);
	sqlite_buf_add(&key, ht, strlen(ht));
	if (key.rc != RETORT_OK) {
		rc = key.rc;
		goto done;
	}
	if (c->rec_tables && strcmp(c->rec_tables, key.p) == 0) {
		host->free(key.p);
		return RETORT_OK;
	}
	rec_finalize(c);
	sqlite_text_ident(&qv, vt);
	sqlite_text_ident(&qh, ht);
	if (qv.rc != RETORT_OK || qh.rc != RETORT_OK) {
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = REC_VT_INSERT; i <= REC_HISTORY; i++) {
		static const char *const fmt[] = {
			[REC_VT_INSERT] = "INSERT INTO %s (version_num) VALUES (?1)",
			[REC_VT_UPDATE] = "UPDATE %s SET version_num = ?2 WHERE version_num = ?1",
			[REC_VT_DELETE] = "DELETE FROM %s WHERE version_num = ?1",
			[REC_HISTORY] = "INSERT INTO %s (run_id, revision, direction, outcome, error, checksum, started_at, "
			                "duration_ms, run_user, run_host) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		};
		const char *pct = strstr(fmt[i], "%s");
		const char *name = i == REC_HISTORY ? qh.p : qv.p;
		sql.n = 0;
		sqlite_buf_add(&sql, fmt[i], (size_t)(pct - fmt[i]));
		sqlite_buf_add(&sql, name, strlen(name));
		sqlite_buf_add(&sql, pct + 2, strlen(pct + 2));
		if (sql.rc != RETORT_OK) {
			rc = RETORT_ENOMEM;
			goto done;
		}
		if (sqlite3_prepare_v2(c->db, sql.p, -1, &c->rec_stmt[i], NULL) != SQLITE_OK) {
			rc = sqlite_db_error(c, h);
			goto done;
		}
	}
	c->rec_tables = key.p;
	key.p = NULL;
done:
	if (rc == RETORT_ENOMEM)
		host->set_error(h, "out of memory");
	if (rc != RETORT_OK)
		rec_finalize(c);
	host->free(key.p);
	host->free(qv.p);
	host->free(qh.p);
	host->free(sql.p);
	return rc;
}

/* Bind a text parameter (NULL: SQL NULL); the value is borrowed until the statement is reset. */
static int bind_text(sqlite3_stmt *stmt, int i, const char *v)
{
	return v ? sqlite3_bind_text(stmt, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(stmt, i);
}

/* Step a bound statement to completion, then reset it and clear its bindings. */
static int rec_run(retort_conn *c, retort_host_ctx *h, sqlite3_stmt *stmt, int bind_rc)
{
	int rc = bind_rc == SQLITE_OK ? sqlite3_step(stmt) : bind_rc;
	int status = rc == SQLITE_DONE ? RETORT_OK : sqlite_db_error(c, h);
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return status;
}

static int sq_record_step(retort_conn *c, retort_host_ctx *h, const retort_step_record *rec)
{
	sqlite3_stmt *s;
	size_t i;
	int rc, b;
	if ((rc = rec_prepare(c, h, rec->version_table, rec->history_table)) != RETORT_OK)
		return rc;
	for (i = 0; i < rec->nchanges; i++) {
		const retort_version_change *vc = &rec->changes[i];
		switch (vc->kind) {
		case RETORT_VERSION_INSERT:
			s = c->rec_stmt[REC_VT_INSERT];
			b = bind_text(s, 1, vc->to);
			break;
		case RETORT_VERSION_UPDATE:
			s = c->rec_stmt[REC_VT_UPDATE];
			b = bind_text(s, 1, vc->from);
			if (b == SQLITE_OK)
				b = bind_text(s, 2, vc->to);
			break;
		case RETORT_VERSION_DELETE:
			s = c->rec_stmt[REC_VT_DELETE];
			b = bind_text(s, 1, vc->from);
			break;
		default:
			c->host->set_error(h, "record_step: unknown version-table change %d", (int)vc->kind);
			return RETORT_EINVAL;
		}
		if ((rc = rec_run(c, h, s, b)) != RETORT_OK)
			return rc;
	}
	s = c->rec_stmt[REC_HISTORY];
	b = bind_text(s, 1, rec->run_id);
	if (b == SQLITE_OK)
		b = bind_text(s, 2, rec->revision);
	if (b == SQLITE_OK)
		b = bind_text(s, 3, rec->direction);
	if (b == SQLITE_OK)
		b = bind_text(s, 4, rec->outcome);
	if (b == SQLITE_OK)
		b = bind_text(s, 5, rec->error);
	if (b == SQLITE_OK)
		b = bind_text(s, 6, rec->checksum);
	if (b == SQLITE_OK)
		b = bind_text(s, 7, rec->started_at);
	if (b == SQLITE_OK)
		b = sqlite3_bind_int64(s, 8, (sqlite3_int64)(rec->duration_ms < 0 ? 0 : rec->duration_ms));
	if (b == SQLITE_OK)
		b = bind_text(s, 9, rec->run_user);
	if (b == SQLITE_OK)
		b = bind_text(s, 10, rec->run_host);
	return rec_run(c, h, s, b);
}

/* ---- introspection ---- */

static int sq_table_exists(retort_conn *c, retort_host_ctx *h, const char *table, int *exists)
{
	sqlite3_stmt *stmt = NULL;
	int rc;
	if (sqlite3_prepare_v2(c->db,
	                       "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1 COLLATE NOCASE", -1,
	                       &stmt, NULL) != SQLITE_OK)
		return sqlite_db_error(c, h);
	sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(stmt);
		return sqlite_db_error(c, h);
	}
	*exists = rc == SQLITE_ROW;
	sqlite3_finalize(stmt);
	return RETORT_OK;
}

/* ---- descriptor ---- */

static const char *const schemes[] = {"sqlite", NULL};

/* Autogenerate's comparisons: a declared type reads back as what render() writes for it. */
static int sqlite_normalize(void *state, retort_host_ctx *h, retort_normalize_kind kind, const char *type,
                       const char *text, retort_sink *out)
{
	(void)h;
	(void)type;
	if (kind != RETORT_NORMALIZE_TYPE)
		return RETORT_ENOTSUPPORTED;
	return sqlite_map_type(state, text, out);
}

static const retort_dialect_vtable vtable = {
	.size = sizeof(retort_dialect_vtable),
	.flags = RETORT_DIALECT_TRANSACTIONAL_DDL,
	.max_identifier_length = 0,
	.url_schemes = schemes,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.execute = sq_execute,
	.query = sq_query,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lock = sq_lock,
	.unlock = sq_unlock,
	.table_exists = sq_table_exists,
	.quote_ident = sqlite_quote_ident,
	.quote_literal = sqlite_quote_literal,
	.render = sqlite_render,
	.render_online = sqlite_render_online, /* table rebuilds (rebuild.c) */
	.execute_batch = NULL,                 /* no round trips to save */
	.record_step = sq_record_step,
	.reflect = sqlite_reflect,
	.normalize = sqlite_normalize,
	.render_online_batch = sqlite_render_online_batch, /* one rebuild for a table's run of changes */
};

static const retort_plugin_impl impls[] = {
	{RETORT_KIND_DIALECT, &vtable},
	{RETORT_KIND_END, NULL},
};

RETORT_PLUGIN_DEFINE(.name = "sqlite", .version = "1.0.0", .description = "SQLite 3 dialect (transactional DDL)",
                     .impls = impls, .init = sq_init, .fini = sq_fini);
