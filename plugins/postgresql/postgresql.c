/*
 * postgresql dialect: connections through libpq, transactions, the
 * migration lock (a session advisory lock), table lookups.  Rendering is in
 * render.c.
 *
 * Settings: schema (the search_path set at connect; libpq parameters go in
 * the URL's query string).  Reflection is in reflect.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pgconn.h"
#include "plugutil.h"

/* ---- small helpers ---- */


static void chomp(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
}

int pg_db_error(retort_conn *c, retort_host_ctx *h, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
	char *msg;
	if (!primary) {
		primary = PQerrorMessage(c->pg);
		if (!primary || !*primary)
			primary = r ? PQresStatus(PQresultStatus(r)) : "out of memory or connection lost";
	}
	msg = pu_asprintf(c->host, "%s%s%s%s%s", primary, detail ? "; DETAIL: " : "", detail ? detail : "",
	                  hint ? "; HINT: " : "", hint ? hint : "");
	if (msg)
		chomp(msg);
	c->host->set_db_error(h, state, 0, msg ? msg : primary);
	c->host->free(msg);
	return RETORT_EDB;
}

/*
 * Run sql (with text parameters) and return its result when its status is
 * COMMAND_OK or TUPLES_OK; otherwise report the error and return NULL.
 */
static PGresult *run(retort_conn *c, retort_host_ctx *h, const char *sql, int nparams, const char *const *params)
{
	PGresult *r;
	ExecStatusType s;
	c->h = h;
	if (nparams)
		r = PQexecParams(c->pg, sql, nparams, NULL, params, NULL, NULL, 0);
	else
		r = PQexec(c->pg, sql);
	s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return r;
	if (r && (s == PGRES_COPY_IN || s == PGRES_COPY_OUT || s == PGRES_COPY_BOTH)) {
		c->host->set_error(h, "COPY is not supported in migrations");
		PQclear(r);
		/* Leave the COPY state: the connection is unusable otherwise. */
		while ((r = PQgetResult(c->pg)) != NULL)
			PQclear(r);
		return NULL;
	}
	pg_db_error(c, h, r);
	PQclear(r);
	return NULL;
}

/* ---- instance ---- */

static int pg_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                   retort_plugin_kind kind, void **state_out)
{
	pg_state *st;
	const char *key = NULL, *schema = NULL;
	(void)kind;
	while (settings && (key = host->setting_next_key(settings, key)) != NULL) {
		if (strcmp(key, "schema") == 0) {
			if (host->setting_string(settings, key, &schema) != RETORT_OK || !*schema) {
				host->setting_error(h, settings, key, "schema must be a non-empty string");
				return RETORT_EINVAL;
			}
			continue;
		}
		host->setting_error(h, settings, key,
		                    "unknown setting '%s' (the dialect takes only schema; libpq parameters go in "
		                    "the URL, as ?%s=...)",
		                    key, key);
		return RETORT_EINVAL;
	}
	if (!(st = pu_state_new(host, h, sizeof *st)))
		return RETORT_ENOMEM;
	st->host = host;
	st->h = h;
	st->schema = schema;
	*state_out = st;
	return RETORT_OK;
}

static void pg_fini(void *state)
{
	pg_state *st = state;
	if (st)
		st->host->free(st);
}

/* ---- connections ---- */

/* libpq prints notices on stderr by default; plugins never print. */
static void notice(void *arg, const char *message)
{
	retort_conn *c = arg;
	char buf[1024];
	snprintf(buf, sizeof buf, "%s", message);
	chomp(buf);
	if (c->h)
		c->host->log(c->h, RETORT_LOG_WARNING, "%s", buf);
}

static int has_query_key(const retort_url *url, const char *key)
{
	size_t i;
	for (i = 0; i < url->nquery; i++)
		if (strcmp(url->query_keys[i], key) == 0)
			return 1;
	return 0;
}

static void add_kw(const char **keys, const char **vals, size_t *n, const retort_url *url, const char *key,
                   const char *val)
{
	if (!val || !*val || has_query_key(url, key))
		return;
	keys[*n] = key;
	vals[*n] = val;
	(*n)++;
}

static int pg_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	pg_state *st = state;
	const retort_host *host = st->host;
	const char **keys = NULL, **vals = NULL;
	size_t n = 0, i, cap = 8 + url->nquery;
	retort_conn *c = NULL;
	PGresult *r;
	int rc = RETORT_ENOMEM;

	*out = NULL;
	keys = host->malloc(cap * sizeof *keys);
	vals = host->malloc(cap * sizeof *vals);
	c = host->malloc(sizeof *c);
	if (!keys || !vals || !c) {
		host->set_error(h, "out of memory");
		goto fail;
	}
	c->host = host;
	c->h = h;
	c->pg = NULL;
	/* The URL's parts, unless its query string says otherwise (?host=/socket/dir). */
	add_kw(keys, vals, &n, url, "host", url->host);
	add_kw(keys, vals, &n, url, "port", url->port);
	add_kw(keys, vals, &n, url, "user", url->user);
	add_kw(keys, vals, &n, url, "password", url->password);
	add_kw(keys, vals, &n, url, "dbname", url->database);
	for (i = 0; i < url->nquery; i++) {
		keys[n] = url->query_keys[i];
		vals[n] = url->query_values[i];
		n++;
	}
	add_kw(keys, vals, &n, url, "fallback_application_name", "retort");
	add_kw(keys, vals, &n, url, "client_encoding", "UTF8");
	keys[n] = NULL;
	vals[n] = NULL;

	/* expand_dbname = 0: the database name is a name, never a connection string. */
	c->pg = PQconnectdbParams(keys, vals, 0);
	if (!c->pg) {
		host->set_error(h, "could not connect to %s: out of memory", url->masked);
		goto fail;
	}
	if (PQstatus(c->pg) != CONNECTION_OK) {
		char *msg = pu_asprintf(host, "%s", PQerrorMessage(c->pg));
		if (msg) {
			chomp(msg);
			pu_scrub(msg, url->password);
		}
		host->set_error(h, "could not connect to %s: %s", url->masked, msg ? msg : "(no message)");
		host->free(msg);
		rc = RETORT_ECONNECT;
		goto fail;
	}
	PQsetNoticeProcessor(c->pg, notice, c);
	r = run(c, h, "SET client_min_messages = warning; " PG_SESSION_SQL, 0, NULL);
	if (!r) {
		rc = RETORT_ECONNECT;
		goto fail;
	}
	PQclear(r);
	if (st->schema) {
		/* The `schema` setting: the connection's search_path, so current_schema() names it. */
		char *q = PQescapeIdentifier(c->pg, st->schema, strlen(st->schema)), *sql;
		sql = q ? pu_asprintf(host, "SET search_path TO %s", q) : NULL;
		if (q)
			PQfreemem(q);
		if (!sql) {
			host->set_error(h, "out of memory");
			goto fail;
		}
		r = run(c, h, sql, 0, NULL);
		host->free(sql);
		if (!r) {
			rc = RETORT_ECONNECT;
			goto fail;
		}
		PQclear(r);
	}
	host->free(keys);
	host->free(vals);
	*out = c;
	return RETORT_OK;

fail:
	if (c && c->pg)
		PQfinish(c->pg);
	host->free(c);
	host->free(keys);
	host->free(vals);
	return rc;
}

static void pg_disconnect(retort_conn *c)
{
	if (!c)
		return;
	if (c->pg)
		PQfinish(c->pg);
	c->host->free(c);
}

static int pg_execute(retort_conn *c, retort_host_ctx *h, const char *sql)
{
	PGresult *r = run(c, h, sql, 0, NULL);
	if (!r)
		return RETORT_EDB;
	PQclear(r);
	return RETORT_OK;
}

/*
 * Several statements in one round trip: libpq's pipeline mode (libpq 14
 * and later) sends them all, then one Sync, and reads the results in order.
 * Inside the open transaction this is what executing them one by one does:
 * after a failure the server skips the rest (PGRES_PIPELINE_ABORTED) and
 * the transaction is aborted.  The extended protocol takes one command per
 * statement, so a statement with a ';' anywhere (several commands, or just
 * a literal) makes the whole batch go one PQexec at a time.
 */
static int pg_execute_batch(retort_conn *c, retort_host_ctx *h, const char *const *sql, size_t n, size_t *failed)
{
	size_t i;
	int rc = RETORT_OK;
#ifdef LIBPQ_HAS_PIPELINING
	size_t got, sent = 0;
	int have_error = 0, ok;
	PGresult *r;
	for (i = 0; i < n && !strchr(sql[i], ';'); i++)
		;
	if (n < 2 || i < n || PQpipelineStatus(c->pg) != PQ_PIPELINE_OFF || !PQenterPipelineMode(c->pg))
		goto one_by_one;
	c->h = h;
	*failed = 0;
	for (sent = 0; sent < n; sent++)
		if (!PQsendQueryParams(c->pg, sql[sent], 0, NULL, NULL, NULL, NULL, 0))
			break;
	ok = PQpipelineSync(c->pg);
	/* one result (then NULL) per statement sent, then the Sync */
	for (got = 0; got < sent; got++) {
		while ((r = PQgetResult(c->pg)) != NULL) {
			ExecStatusType s = PQresultStatus(r);
			if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_PIPELINE_ABORTED && !have_error) {
				pg_db_error(c, h, r);
				*failed = got;
				have_error = 1;
			}
			PQclear(r);
		}
		if (PQstatus(c->pg) == CONNECTION_BAD)
			break;
	}
	if (ok && PQstatus(c->pg) != CONNECTION_BAD) {
		while ((r = PQgetResult(c->pg)) != NULL) {
			ExecStatusType s = PQresultStatus(r);
			PQclear(r);
			if (s == PGRES_PIPELINE_SYNC)
				break;
		}
	}
	if (!PQexitPipelineMode(c->pg) || got < sent || sent < n || !ok) {
		if (!have_error) {
			*failed = got < n ? got : n - 1;
			pg_db_error(c, h, NULL);
		}
		return RETORT_EDB;
	}
	return have_error ? RETORT_EDB : RETORT_OK;
one_by_one:
#endif
	for (i = 0; i < n; i++) {
		if ((rc = pg_execute(c, h, sql[i])) != RETORT_OK) {
			*failed = i;
			return rc;
		}
	}
	return rc;
}

static int pg_query(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg)
{
	PGresult *r = run(c, h, sql, 0, NULL);
	const char **vals = NULL;
	int rows, cols, i, j, rc = RETORT_OK;
	if (!r)
		return RETORT_EDB;
	rows = PQntuples(r);
	cols = PQnfields(r);
	if (rows > 0 && cols > 0) {
		vals = c->host->malloc((size_t)cols * sizeof *vals);
		if (!vals) {
			c->host->set_error(h, "out of memory");
			PQclear(r);
			return RETORT_ENOMEM;
		}
	}
	for (i = 0; i < rows && rc == RETORT_OK; i++) {
		for (j = 0; j < cols; j++)
			vals[j] = PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
		rc = row ? row(arg, (size_t)cols, vals) : RETORT_OK;
	}
	c->host->free(vals);
	PQclear(r);
	return rc;
}

static int pg_begin(retort_conn *c, retort_host_ctx *h)
{
	return pg_execute(c, h, "BEGIN");
}

static int pg_commit(retort_conn *c, retort_host_ctx *h)
{
	PGresult *r = run(c, h, "COMMIT", 0, NULL);
	int rc = RETORT_OK;
	if (!r)
		return RETORT_EDB;
	/* COMMIT of a failed transaction "succeeds" with the tag ROLLBACK. */
	if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0) {
		c->host->set_db_error(h, "25P02", 0, "the transaction was rolled back: an earlier statement failed");
		rc = RETORT_EDB;
	}
	PQclear(r);
	return rc;
}

static int pg_rollback(retort_conn *c, retort_host_ctx *h)
{
	return pg_execute(c, h, "ROLLBACK");
}

/* ---- the migration lock: a session-level advisory lock ---- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Run a one-value query with one text parameter; *val is "t"/"f" (or NULL for SQL NULL), copied into buf. */
static int scalar(retort_conn *c, retort_host_ctx *h, const char *sql, const char *param, char *buf, size_t n,
                  int *isnull)
{
	const char *params[1];
	PGresult *r;
	params[0] = param;
	r = run(c, h, sql, 1, params);
	if (!r)
		return RETORT_EDB;
	*isnull = 1;
	buf[0] = '\0';
	if (PQntuples(r) > 0 && PQnfields(r) > 0 && !PQgetisnull(r, 0, 0)) {
		*isnull = 0;
		snprintf(buf, n, "%s", PQgetvalue(r, 0, 0));
	}
	PQclear(r);
	return RETORT_OK;
}

static int pg_lock(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s)
{
	double deadline = now_s() + timeout_s, delay = 0.05;
	char buf[8];
	int isnull, rc, waited = 0;
	for (;;) {
		rc = scalar(c, h, "SELECT pg_try_advisory_lock(hashtext('retort:' || $1))", key, buf, sizeof buf,
		            &isnull);
		if (rc != RETORT_OK)
			return rc;
		if (!isnull && buf[0] == 't')
			return RETORT_OK;
		if (now_s() >= deadline)
			break;
		if (!waited) {
			c->host->log(h, RETORT_LOG_INFO, "waiting up to %u s for the migration lock on %s",
			             timeout_s, key);
			waited = 1;
		}
		sleep_s(delay);
		if (delay < 0.5)
			delay *= 2;
		if (now_s() + delay > deadline && deadline > now_s())
			delay = deadline - now_s();
	}
	c->host->set_error(h, "could not take the migration lock within %u s (another retort holds it)", timeout_s);
	return RETORT_ELOCKED;
}

static int pg_unlock(retort_conn *c, retort_host_ctx *h, const char *key)
{
	char buf[8];
	int isnull;
	int rc = scalar(c, h, "SELECT pg_advisory_unlock(hashtext('retort:' || $1))", key, buf, sizeof buf, &isnull);
	if (rc == RETORT_OK && (isnull || buf[0] != 't'))
		c->host->log(h, RETORT_LOG_WARNING, "the migration lock on %s was not held", key);
	return rc;
}

/*
 * After CREATE INDEX CONCURRENTLY failed (a unique index over duplicate
 * rows, a deadlock, a cancel) the index is left behind, marked INVALID: a
 * rerun would fail on "relation already exists".  DROP INDEX CONCURRENTLY
 * that failed part-way leaves it INVALID too.  Either way, drop an INVALID
 * index of that name (never a valid one: it was there before).
 */
static int pg_cleanup_failed(retort_conn *c, retort_host_ctx *h, const retort_op *op)
{
	char name[1024];
	int isnull, rc;
	char *sql;
	PGresult *r;
	if ((op->kind != RETORT_OP_CREATE_INDEX && op->kind != RETORT_OP_DROP_INDEX) || !op->name)
		return RETORT_OK;
	rc = scalar(c, h,
	            "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_catalog.pg_index i"
	            " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
	            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	            " WHERE NOT i.indisvalid AND c.relname = $1 AND n.nspname = current_schema()",
	            op->name, name, sizeof name, &isnull);
	if (rc != RETORT_OK || isnull)
		return rc;
	if (!(sql = pu_asprintf(c->host, "DROP INDEX CONCURRENTLY IF EXISTS %s", name))) {
		c->host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	r = run(c, h, sql, 0, NULL);
	c->host->free(sql);
	if (!r)
		return RETORT_EDB;
	c->host->log(h, RETORT_LOG_INFO, "dropped the INVALID index %s that the failed statement left", name);
	PQclear(r);
	return RETORT_OK;
}

/* ---- lookups ---- */

static int pg_table_exists(retort_conn *c, retort_host_ctx *h, const char *table, int *exists)
{
	char buf[8];
	int isnull;
	int rc = scalar(c, h,
	                "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
	                " WHERE n.nspname = current_schema() AND c.relname = $1"
	                " AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
	                table, buf, sizeof buf, &isnull);
	if (rc == RETORT_OK)
		*exists = !isnull;
	return rc;
}

/* ---- descriptor ---- */

static const char *const schemes[] = {"postgresql", "postgres", NULL};

/* Autogenerate's comparisons: a declared type reads back as what render() writes for it. */
static int pg_normalize(void *state, retort_host_ctx *h, retort_normalize_kind kind, const char *type,
                       const char *text, retort_sink *out)
{
	(void)h;
	(void)type;
	if (kind != RETORT_NORMALIZE_TYPE)
		return RETORT_ENOTSUPPORTED;
	return pg_map_type(state, text, out);
}

static const retort_dialect_vtable vtable = {
	.size = sizeof(retort_dialect_vtable),
	.flags = RETORT_DIALECT_TRANSACTIONAL_DDL | RETORT_DIALECT_COMMENTS,
	.max_identifier_length = 63,
	.url_schemes = schemes,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.execute = pg_execute,
	.query = pg_query,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.lock_holder_sql = pg_lock_holder_sql,
	.table_exists = pg_table_exists,
	.quote_ident = pg_quote_ident,
	.quote_literal = pg_quote_literal,
	.render = pg_render,
	.render_online = NULL,
	.execute_batch = pg_execute_batch,
	.record_step = NULL, /* the host's statements go in one execute_batch */
	.cleanup_failed = pg_cleanup_failed,
	.session_sql = pg_session_sql,
	.reflect = pg_reflect,
	.normalize = pg_normalize,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_DIALECT, &vtable}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "postgresql", .version = "1.0.0",
                     .description = "PostgreSQL dialect (libpq): transactional DDL, advisory-lock migrations",
                     .impls = impls, .init = pg_init, .fini = pg_fini);
