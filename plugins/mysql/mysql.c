/*
 * mysql dialect (MySQL and MariaDB, through MariaDB Connector/C):
 * connections, transactions, the migration lock (GET_LOCK), table lookups.
 * Rendering is in render.c, reflection in reflect.c.
 *
 * MySQL commits DDL implicitly, so the dialect does not claim
 * RETORT_DIALECT_TRANSACTIONAL_DDL: the runner records each revision as
 * soon as it is done.
 *
 * Settings: none.  URL query parameters: unix_socket, connect_timeout.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "my_conn.h"
#include "plugutil.h"

/* ---- small helpers ---- */


static int db_error(retort_conn *c, retort_host_ctx *h)
{
	const char *state = mysql_sqlstate(c->my);
	if (state && strcmp(state, "00000") == 0)
		state = NULL;
	c->host->set_db_error(h, state, (long)mysql_errno(c->my), mysql_error(c->my));
	return RETORT_EDB;
}

static int oom(retort_conn *c, retort_host_ctx *h)
{
	c->host->set_error(h, "out of memory");
	return RETORT_ENOMEM;
}

/* 'text' escaped for the connection's character set and sql_mode; host->malloc'd. */
static char *escaped(retort_conn *c, const char *text)
{
	size_t n = strlen(text);
	char *s = c->host->malloc(2 * n + 1);
	if (s)
		mysql_real_escape_string(c->my, s, text, (unsigned long)n);
	return s;
}

/*
 * Read and drop any further results (a CALL returns a status result after
 * its rows): left pending they put the connection "out of sync".
 */
static int drain(retort_conn *c, retort_host_ctx *h)
{
	int st;
	while (mysql_more_results(c->my)) {
		st = mysql_next_result(c->my);
		if (st > 0)
			return db_error(c, h);
		if (st < 0)
			break;
		mysql_free_result(mysql_store_result(c->my));
	}
	return RETORT_OK;
}

/* Run sql and hand back its stored result (NULL for a statement without rows). */
static int run(retort_conn *c, retort_host_ctx *h, const char *sql, MYSQL_RES **res)
{
	int rc;
	*res = NULL;
	if (mysql_real_query(c->my, sql, (unsigned long)strlen(sql)) != 0)
		return db_error(c, h);
	*res = mysql_store_result(c->my);
	if (!*res && mysql_field_count(c->my) != 0)
		return db_error(c, h);
	if ((rc = drain(c, h)) != RETORT_OK) {
		mysql_free_result(*res);
		*res = NULL;
	}
	return rc;
}

int my_run(retort_conn *c, retort_host_ctx *h, const char *sql, MYSQL_RES **res)
{
	return run(c, h, sql, res);
}

/* The first value of a one-row query, copied into buf; *isnull when none or SQL NULL. */
static int scalar(retort_conn *c, retort_host_ctx *h, const char *sql, char *buf, size_t n, int *isnull)
{
	MYSQL_RES *res;
	MYSQL_ROW row;
	int rc = run(c, h, sql, &res);
	*isnull = 1;
	buf[0] = '\0';
	if (rc != RETORT_OK)
		return rc;
	if (res && mysql_num_fields(res) > 0 && (row = mysql_fetch_row(res)) != NULL && row[0]) {
		*isnull = 0;
		snprintf(buf, n, "%s", row[0]);
	}
	mysql_free_result(res);
	return RETORT_OK;
}

/* ---- instance ---- */

static int my_init(const retort_host *host, retort_host_ctx *h, const retort_settings *settings,
                   retort_plugin_kind kind, void **state_out)
{
	my_state *st;
	const char *key;
	(void)kind;
	if (settings && (key = host->setting_next_key(settings, NULL)) != NULL) {
		host->setting_error(h, settings, key,
		                    "unknown setting '%s' (the dialect takes none; connection options go in the "
		                    "URL: ?unix_socket=...&connect_timeout=...)",
		                    key);
		return RETORT_EINVAL;
	}
	if (!(st = pu_state_new(host, h, sizeof *st)))
		return RETORT_ENOMEM;
	st->host = host;
	st->h = h;
	*state_out = st;
	return RETORT_OK;
}

static void my_fini(void *state)
{
	my_state *st = state;
	if (st)
		st->host->free(st);
}

/* ---- connections ---- */

/* Set the session up as rendering assumes (my_session). */
static int fix_sql_mode(retort_conn *c, retort_host_ctx *h)
{
	MYSQL_RES *res;
	int rc = RETORT_OK;
	size_t i;
	for (i = 0; my_session[i] && rc == RETORT_OK; i++) {
		rc = run(c, h, my_session[i], &res);
		mysql_free_result(res);
	}
	return rc;
}

static int my_connect(void *state, retort_host_ctx *h, const retort_url *url, retort_conn **out)
{
	my_state *st = state;
	const retort_host *host = st->host;
	const char *socket = NULL, *hostname = NULL, *db = NULL;
	unsigned int port = 0, timeout = 0;
	retort_conn *c;
	size_t i;
	char *end;

	*out = NULL;
	for (i = 0; i < url->nquery; i++) {
		const char *k = url->query_keys[i], *v = url->query_values[i];
		if (strcmp(k, "unix_socket") == 0) {
			socket = v;
		} else if (strcmp(k, "connect_timeout") == 0) {
			unsigned long t = strtoul(v, &end, 10);
			if (!*v || *end || t > 3600) {
				host->set_error(h, "%s: connect_timeout must be a number of seconds", url->masked);
				return RETORT_EINVAL;
			}
			timeout = (unsigned int)t;
		} else {
			host->set_error(h, "%s: unknown parameter '%s' (mysql takes unix_socket and connect_timeout)",
			                url->masked, k);
			return RETORT_EINVAL;
		}
	}
	if (url->port && *url->port) {
		unsigned long p = strtoul(url->port, &end, 10);
		if (*end || p == 0 || p > 65535) {
			host->set_error(h, "%s: bad port '%s'", url->masked, url->port);
			return RETORT_EINVAL;
		}
		port = (unsigned int)p;
	}
	if (url->host && *url->host)
		hostname = url->host;
	if (url->database && *url->database)
		db = url->database;

	c = host->malloc(sizeof *c);
	if (!c) {
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	c->host = host;
	c->my = mysql_init(NULL);
	if (!c->my) {
		host->free(c);
		host->set_error(h, "out of memory");
		return RETORT_ENOMEM;
	}
	mysql_options(c->my, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	/* who holds the migration lock says which program (lockinfo.c) */
	mysql_options4(c->my, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", "retort");
	if (timeout)
		mysql_options(c->my, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	/*
	 * CLIENT_MULTI_STATEMENTS: an execute operation's sql is passed through
	 * whole, and may hold several statements, as it may on PostgreSQL and
	 * SQLite; run() reads every result (drain) and reports the first error.
	 */
	if (!mysql_real_connect(c->my, hostname, url->user, url->password, db, port, socket, CLIENT_MULTI_STATEMENTS)) {
		char *msg = pu_asprintf(host, "%s", mysql_error(c->my));
		pu_scrub(msg, url->password);
		host->set_error(h, "could not connect to %s: %s", url->masked, msg ? msg : "(no message)");
		host->free(msg);
		mysql_close(c->my);
		host->free(c);
		return RETORT_ECONNECT;
	}
	if (fix_sql_mode(c, h) != RETORT_OK) {
		mysql_close(c->my);
		host->free(c);
		return RETORT_ECONNECT;
	}
	*out = c;
	return RETORT_OK;
}

static void my_disconnect(retort_conn *c)
{
	if (!c)
		return;
	if (c->my)
		mysql_close(c->my);
	c->host->free(c);
}

static int my_execute(retort_conn *c, retort_host_ctx *h, const char *sql)
{
	MYSQL_RES *res;
	int rc = run(c, h, sql, &res);
	mysql_free_result(res); /* NULL-safe: a statement that returned rows anyway */
	return rc;
}

static int my_query(retort_conn *c, retort_host_ctx *h, const char *sql, retort_row_fn row, void *arg)
{
	MYSQL_RES *res;
	MYSQL_ROW r;
	unsigned int ncols;
	int rc = run(c, h, sql, &res);
	if (rc != RETORT_OK || !res)
		return rc;
	ncols = mysql_num_fields(res);
	while (rc == RETORT_OK && (r = mysql_fetch_row(res)) != NULL)
		rc = row ? row(arg, ncols, (const char *const *)r) : RETORT_OK;
	mysql_free_result(res);
	return rc;
}

static int my_begin(retort_conn *c, retort_host_ctx *h)
{
	return my_execute(c, h, "START TRANSACTION");
}

static int my_commit(retort_conn *c, retort_host_ctx *h)
{
	return my_execute(c, h, "COMMIT");
}

static int my_rollback(retort_conn *c, retort_host_ctx *h)
{
	return my_execute(c, h, "ROLLBACK");
}

/* ---- the migration lock: GET_LOCK, held by the session ---- */

/* Run "SELECT fn('<lock name>'<tail>)" and return its value. */
static int lock_call(retort_conn *c, retort_host_ctx *h, const char *fn, const char *key, const char *tail,
                     char *val, size_t n, int *isnull)
{
	char *name, *sql;
	int rc;
	if (!(name = my_lock_name_sql(c->host, key)))
		return oom(c, h);
	sql = pu_asprintf(c->host, "SELECT %s(%s%s)", fn, name, tail);
	c->host->free(name);
	if (!sql)
		return oom(c, h);
	rc = scalar(c, h, sql, val, n, isnull);
	c->host->free(sql);
	return rc;
}

static int my_lock(retort_conn *c, retort_host_ctx *h, const char *key, unsigned timeout_s)
{
	char tail[32], val[16];
	int isnull, rc;
	snprintf(tail, sizeof tail, ", %u", timeout_s);
	c->host->log(h, RETORT_LOG_DEBUG, "taking the migration lock on %s (up to %u s)", key, timeout_s);
	rc = lock_call(c, h, "GET_LOCK", key, tail, val, sizeof val, &isnull);
	if (rc != RETORT_OK)
		return rc;
	if (!isnull && strcmp(val, "1") == 0)
		return RETORT_OK;
	if (!isnull && strcmp(val, "0") == 0) {
		c->host->set_error(h, "could not take the migration lock within %u s (another retort holds it)",
		                   timeout_s);
		return RETORT_ELOCKED;
	}
	c->host->set_error(h, "GET_LOCK for the migration lock on %s failed (returned NULL)", key);
	return RETORT_ERROR;
}

static int my_unlock(retort_conn *c, retort_host_ctx *h, const char *key)
{
	char val[16];
	int isnull;
	int rc = lock_call(c, h, "RELEASE_LOCK", key, "", val, sizeof val, &isnull);
	if (rc == RETORT_OK && (isnull || strcmp(val, "1") != 0))
		c->host->log(h, RETORT_LOG_WARNING, "the migration lock on %s was not held", key);
	return rc;
}

/* ---- lookups ---- */

static int my_table_exists(retort_conn *c, retort_host_ctx *h, const char *table, int *exists)
{
	char val[8], *esc = escaped(c, table), *sql;
	int isnull, rc;
	if (!esc)
		return oom(c, h);
	sql = pu_asprintf(c->host,
	                  "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = '%s'",
	                  esc);
	c->host->free(esc);
	if (!sql)
		return oom(c, h);
	rc = scalar(c, h, sql, val, sizeof val, &isnull);
	c->host->free(sql);
	if (rc == RETORT_OK)
		*exists = !isnull;
	return rc;
}

/* ---- descriptor ---- */

static const char *const schemes[] = {"mysql", "mariadb", NULL};

/* Autogenerate's comparisons: a declared type reads back as what render() writes for it. */
static int my_normalize(void *state, retort_host_ctx *h, retort_normalize_kind kind, const char *type,
                       const char *text, retort_sink *out)
{
	(void)h;
	(void)type;
	if (kind != RETORT_NORMALIZE_TYPE)
		return RETORT_ENOTSUPPORTED;
	return my_map_type(state, text, out);
}

static const retort_dialect_vtable vtable = {
	.size = sizeof(retort_dialect_vtable),
	.flags = RETORT_DIALECT_COMMENTS | RETORT_DIALECT_FK_INDEX, /* DDL commits implicitly */
	.max_identifier_length = 64,
	.url_schemes = schemes,
	.connect = my_connect,
	.disconnect = my_disconnect,
	.execute = my_execute,
	.query = my_query,
	.begin = my_begin,
	.commit = my_commit,
	.rollback = my_rollback,
	.lock = my_lock,
	.unlock = my_unlock,
	.lock_holder_sql = my_lock_holder_sql,
	.table_exists = my_table_exists,
	.quote_ident = my_quote_ident,
	.quote_literal = my_quote_literal,
	.render = my_render,
	.render_online = NULL,
	.session_sql = my_session_sql,
	.reflect = my_reflect,
	.normalize = my_normalize,
};

static const retort_plugin_impl impls[] = {{RETORT_KIND_DIALECT, &vtable}, {RETORT_KIND_END, NULL}};

RETORT_PLUGIN_DEFINE(.name = "mysql", .version = "1.0.0",
                     .description = "MySQL and MariaDB dialect (MariaDB Connector/C): GET_LOCK migrations",
                     .impls = impls, .init = my_init, .fini = my_fini);
