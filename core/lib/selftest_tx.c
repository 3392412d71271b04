/*
 * Conformance scenarios on how a dialect runs what it renders (selftest.c
 * runs them): a failing revision rolled back with nothing half-written,
 * the migration lock under contention from two processes, offline --sql
 * piped into the database's own client, and the contracts of
 * execute_batch and record_step.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "host.h"
#include "url.h"
#include "selftest_int.h"

static int upgrade_one(st_kit *k, const char *what)
{
	char *err = NULL;
	int rc = st_migrate(k, 1, "head", &err);
	st_check(k, rc == RETORT_OK, err, "%s", what);
	rt_free(err);
	return rc == RETORT_OK;
}

/* ---- a failing revision ---- */

#define T_TX ST_PREFIX "tx"

void st_scn_rollback(st_kit *k)
{
	static const char *const tables[] = {T_TX};
	const char *a, *b;
	char *err = NULL, *why = NULL;
	int rc, transactional = (k->flags & RETORT_DIALECT_TRANSACTIONAL_DDL) != 0;
	st_drop_leftovers(k, tables, 1, NULL);
	if (st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "rollback: temporary project");
		return;
	}
	a = st_rev(k,
	           "  { op = \"create_table\"; table = \"" T_TX "\"; columns = ( { name = \"id\"; type = \"integer\"; "
	           "primary_key = true; }, { name = \"v\"; type = \"text\"; } ); },\n"
	           "  { op = \"bulk_insert\"; table = \"" T_TX "\"; rows = ( { id = 1; v = \"a\"; } ); }",
	           "  { op = \"drop_table\"; table = \"" T_TX "\"; }");
	if (!a || !upgrade_one(k, "rollback: a first revision applies"))
		goto out;
	b = st_rev(k,
	           "  { op = \"add_column\"; table = \"" T_TX "\"; column = { name = \"w\"; type = \"varchar(10)\"; }; },\n"
	           "  { op = \"bulk_insert\"; table = \"" T_TX "\"; rows = ( { id = 2; v = \"b\"; } ); },\n"
	           "  { op = \"execute\"; sql = \"INSERT INTO " ST_PREFIX "no_such_table VALUES (1)\"; }",
	           "  { op = \"drop_column\"; table = \"" T_TX "\"; column = \"w\"; }");
	if (!b)
		goto out;
	rc = st_migrate(k, 1, "head", &err);
	why = rt_asprintf("status %d, message: %s", rc, err ? err : "(none)");
	st_check(k, rc < 0 && rt_exit_status(rc) == 1, why, "rollback: a revision whose last statement fails fails (exit 1)");
	rt_free(why);
	st_check(k, err && strstr(err, b), err, "rollback: the error names the revision %s", b);
	if (!st_checks_open(k, "rollback"))
		goto out;
	st_check(k, st_expect_scalar(k, "SELECT version_num FROM " ST_PREFIX "version", a, &why), why,
	         "rollback: the version table stays at the last revision fully applied");
	rt_free(why);
	if (transactional) {
		st_check(k, st_expect_scalar(k, "SELECT count(*) FROM " T_TX, "1", &why), why,
		         "rollback: the row the failed revision inserted is rolled back (nothing half-written)");
		rt_free(why);
		rt_free(err);
		st_check(k, st_exec(k, "SELECT w FROM " T_TX, &err) < 0,
		         "the column is there: the ALTER TABLE was not rolled back",
		         "rollback: the column the failed revision added is rolled back (transactional DDL)");
		st_close(k);
	} else {
		rt_strv heads = RT_STRV_INIT;
		char *failed = NULL;
		int exists = 0;
		rc = rt_db_read_heads(&k->ctx, &heads, &exists, &failed);
		st_check(k, rc == RETORT_OK && failed && strcmp(failed, b) == 0,
		         "no failure mark: a half-applied revision would go unnoticed",
		         "rollback: no transactional DDL: the failed revision is marked (failed) until repair");
		rt_strv_free(&heads);
		rt_free(failed);
		st_close(k);
		rt_free(err);
		rc = st_migrate(k, 1, "head", &err);
		st_check(k, rc < 0, "upgrade ran over a failed revision", "rollback: upgrade refuses to run until repair");
		if (st_open(k, "repair", 1) == RETORT_OK) {
			st_check(k, rt_run_repair(&k->ctx) == RETORT_OK, rt_error_msg(), "rollback: repair clears the mark");
			st_close(k);
		}
		/* what the failed revision left: the column */
		if (st_open(k, "selftest", 1) == RETORT_OK) {
			st_exec(k, "DELETE FROM " T_TX " WHERE id = 2", NULL);
			st_close(k);
		}
	}
	st_unrev(k);
	rt_free(err);
	err = NULL;
	st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err, "rollback: downgrade base afterwards");
out:
	rt_free(err);
	st_drop_leftovers(k, tables, 1, NULL);
}

/* ---- the lock under contention ---- */

static void holder_check(st_kit *k, int want_held);

#define T_LK ST_PREFIX "locked"

/*
 * The other process: take the migration lock as the runner does, say so
 * on `ready`, hold it until `release` says so (or for hold_ms), let go.
 */
static void holder(st_kit *k, int ready, int release, unsigned hold_ms)
{
	const retort_dialect_vtable *d;
	char c = 'E';
	int ok = 0;
	if (st_open(k, "selftest", 1) == RETORT_OK) {
		d = &k->ctx.dialect->vt.dialect;
		ok = d->lock(k->ctx.conn, k->ctx.dialect->hctx, k->cfg->version_table, 10) == RETORT_OK;
		if (ok)
			c = 'L';
	}
	if (write(ready, &c, 1) != 1)
		ok = 0;
	if (ok) {
		if (hold_ms)
			usleep(hold_ms * 1000u);
		else if (read(release, &c, 1) < 0)
			c = 0;
		d->unlock(k->ctx.conn, k->ctx.dialect->hctx, k->cfg->version_table);
	}
	st_close(k);
	_exit(ok ? 0 : 3);
}

/* Fork a holder; 1 when it holds the lock.  *pid and *release (the pipe end that lets it go) are set. */
static int start_holder(st_kit *k, unsigned hold_ms, pid_t *pid, int *release)
{
	int r[2], l[2];
	char c = 0;
	*pid = -1;
	*release = -1;
	if (pipe(r) != 0 || pipe(l) != 0)
		return 0;
	fflush(NULL);
	*pid = fork();
	if (*pid == 0) {
		close(r[0]);
		close(l[1]);
		holder(k, r[1], l[0], hold_ms);
	}
	close(r[1]);
	close(l[0]);
	if (*pid < 0 || read(r[0], &c, 1) != 1)
		c = 0;
	close(r[0]);
	*release = l[1];
	return c == 'L';
}

static int end_holder(pid_t pid, int release)
{
	int status = 0;
	void (*old)(int) = signal(SIGPIPE, SIG_IGN); /* a holder that let go by itself has closed its end */
	if (release >= 0) {
		if (write(release, "x", 1) < 0)
			status = -1;
		close(release);
	}
	signal(SIGPIPE, old);
	if (pid > 0 && waitpid(pid, &status, 0) != pid)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

void st_scn_lock(st_kit *k)
{
	static const char *const tables[] = {T_LK};
	pid_t pid;
	int release, rc, e;
	char *err = NULL, *why;
	st_drop_leftovers(k, tables, 1, NULL);
	if (st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "lock: temporary project");
		return;
	}
	if (!st_rev(k,
	            "  { op = \"create_table\"; table = \"" T_LK "\"; columns = ( { name = \"id\"; type = \"integer\"; } "
	            "); }",
	            "  { op = \"drop_table\"; table = \"" T_LK "\"; }"))
		return;
	if (!st_check(k, start_holder(k, 0, &pid, &release), rt_error_msg(),
	              "lock: another process takes the migration lock")) {
		end_holder(pid, release);
		return;
	}
	holder_check(k, 1);
	rc = st_migrate(k, 1, "head", &err);
	why = rt_asprintf("status %d, message: %s", rc, err ? err : "(none)");
	st_check(k, rc < 0 && rt_exit_status(rc) == 1, why,
	         "lock: upgrade waits lock_timeout (3 s) while the other process holds it, then gives up (exit 1)");
	rt_free(why);
	st_check(k, end_holder(pid, release), "the holder could not let go of the lock", "lock: the holder unlocks");
	holder_check(k, 0);
	if (st_checks_open(k, "lock")) {
		e = st_exists(k, T_LK);
		st_check(k, e == 0, "the table exists", "lock: nothing was written by the process that gave up");
		st_close(k);
	}
	rt_free(err);
	err = NULL;
	if (st_check(k, start_holder(k, 1000, &pid, &release), rt_error_msg(),
	             "lock: another process takes the lock again, for one second")) {
		rc = st_migrate(k, 1, "head", &err);
		st_check(k, rc == RETORT_OK, err, "lock: upgrade waits for it and goes on once it is released");
	}
	end_holder(pid, release);
	rt_free(err);
	err = NULL;
	st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err, "lock: downgrade base afterwards");
	rt_free(err);
	st_drop_leftovers(k, tables, 1, NULL);
}

/* `retort lock`'s question: is the lock held, and (lock_holder_sql) by whom */
static void holder_check(st_kit *k, int want_held)
{
	rt_lock_state ls;
	char *why = NULL;
	int rc;
	if (st_open(k, "lock", 0) < 0) {
		st_fail(k, rt_error_msg(), "lock: open a context");
		return;
	}
	rc = rt_lock_read(&k->ctx, &ls);
	if (rc < 0)
		why = st_errdup();
	else if (ls.held != want_held)
		why = rt_asprintf("reported %s", ls.held ? "held" : "free");
	st_check(k, rc == RETORT_OK && ls.held == want_held, why, "lock: `retort lock` reports it %s%s",
	         want_held ? "held" : "free",
	         want_held && k->has_holder ? " (lock_holder_sql: by the other session)" : "");
	rt_free(why);
	if (rc == RETORT_OK && want_held && k->has_holder) {
		char *text = rt_lock_holder_text(&ls.holder);
		st_check(k, ls.known && ls.holder.session != NULL, text, "lock: lock_holder_sql names the holder's session");
		rt_free(text);
	}
	rt_lock_state_free(&ls);
	st_close(k);
}

/* ---- offline --sql through the database's client ---- */

#define T_OFF ST_PREFIX "offline"
#define OFF_LITERAL "it's \\\\ \\\" \xe2\x9c\x93"
#define OFF_VALUE "it's \\ \" \xe2\x9c\x93"

static int on_path(const char *program);

/*
 * The database's own client for a URL scheme, reading the script on its
 * standard input (RETORT_SELFTEST_* set by client_env); a new string, or
 * NULL when none is known.  *program: what must be on PATH.
 */
static char *default_client(const char *scheme, const char **program)
{
	*program = NULL;
	if (!strcmp(scheme, "sqlite")) {
		*program = "sqlite3";
		return rt_strdup("sqlite3 -bail \"$RETORT_SELFTEST_DATABASE\"");
	}
	if (!strcmp(scheme, "postgresql") || !strcmp(scheme, "postgres")) {
		*program = "psql";
		return rt_strdup("psql -X -q -v ON_ERROR_STOP=1 -d \"$RETORT_SELFTEST_URL\"");
	}
	if (!strcmp(scheme, "mysql") || !strcmp(scheme, "mariadb")) {
		*program = on_path("mariadb") || !on_path("mysql") ? "mariadb" : "mysql";
		return rt_asprintf("%s --batch ${RETORT_SELFTEST_HOST:+--host=\"$RETORT_SELFTEST_HOST\"} "
		                   "${RETORT_SELFTEST_PORT:+--port=\"$RETORT_SELFTEST_PORT\"} "
		                   "${RETORT_SELFTEST_USER:+--user=\"$RETORT_SELFTEST_USER\"} "
		                   "${RETORT_SELFTEST_SOCKET:+--socket=\"$RETORT_SELFTEST_SOCKET\"} "
		                   "\"$RETORT_SELFTEST_DATABASE\"",
		                   *program);
	}
	return NULL;
}

static int on_path(const char *program)
{
	char *cmd = rt_asprintf("command -v '%s' >/dev/null 2>&1", program);
	int ok = cmd && system(cmd) == 0;
	rt_free(cmd);
	return ok;
}

static void set_env(const char *name, const char *value)
{
	if (value)
		setenv(name, value, 1);
	else
		unsetenv(name);
}

/* The URL's parts for the client command; the password only in the clients' own variables. */
static void client_env(const retort_url *u)
{
	size_t i;
	const char *socket = NULL;
	for (i = 0; i < u->nquery; i++)
		if (!strcmp(u->query_keys[i], "unix_socket") || !strcmp(u->query_keys[i], "host"))
			socket = u->query_values[i];
	set_env("RETORT_SELFTEST_URL", u->raw);
	set_env("RETORT_SELFTEST_HOST", u->host && *u->host ? u->host : NULL);
	set_env("RETORT_SELFTEST_PORT", u->port);
	set_env("RETORT_SELFTEST_USER", u->user);
	set_env("RETORT_SELFTEST_DATABASE", u->database);
	set_env("RETORT_SELFTEST_SOCKET", socket);
	set_env("PGPASSWORD", u->password);
	set_env("MYSQL_PWD", u->password);
}

void st_scn_offline(st_kit *k)
{
	static const char *const tables[] = {T_OFF};
	const char *program = NULL, *b;
	char *client = NULL;
	char *script = rt_asprintf("%s/offline.sql", k->root), *log = rt_asprintf("%s/client.log", k->root);
	char *cmd = NULL, *err = NULL, *why = NULL, *out = NULL;
	FILE *f;
	int rc;
	st_drop_leftovers(k, tables, 1, NULL);
	if (!script || !log || st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "offline: temporary project");
		goto out;
	}
	if (!st_rev(k,
	            "  { op = \"create_table\"; table = \"" T_OFF "\"; columns = ( { name = \"id\"; type = \"integer\"; "
	            "primary_key = true; }, { name = \"v\"; type = \"text\"; } ); },\n"
	            "  { op = \"bulk_insert\"; table = \"" T_OFF "\"; rows = ( { id = 1; v = \"" OFF_LITERAL "\"; } ); }",
	            "  { op = \"drop_table\"; table = \"" T_OFF "\"; }") ||
	    !(b = st_rev(k,
	                 "  { op = \"add_column\"; table = \"" T_OFF "\"; column = { name = \"w\"; type = \"integer\"; "
	                 "}; }",
	                 "  { op = \"drop_column\"; table = \"" T_OFF "\"; column = \"w\"; }")))
		goto out;
	if (st_open(k, "upgrade", 0) < 0 || !(f = fopen(script, "w"))) {
		st_fail(k, rt_error_msg(), "offline: upgrade head --sql");
		goto out;
	}
	k->ctx.sql_out = f;
	rc = rt_run_offline(&k->ctx, 1, "head");
	if (fclose(f) != 0 && rc == RETORT_OK)
		rc = RETORT_ERROR;
	st_check(k, rc == RETORT_OK && !k->ctx.conn, rt_error_msg(),
	         "offline: upgrade head --sql renders the script without connecting");
	client_env(rt_url_view(k->ctx.url));
	client = k->o->client ? rt_strdup(k->o->client) : default_client(rt_url_view(k->ctx.url)->scheme, &program);
	st_close(k);
	if (rc != RETORT_OK)
		goto out;
	if (!client) {
		st_skip(k, "no client is known for this URL scheme: pass --client 'COMMAND' (the script arrives on its "
		           "standard input)",
		        "offline: the script runs through the database's own client");
		goto out;
	}
	if (program && !on_path(program)) {
		why = rt_asprintf("%s is not on PATH", program);
		st_skip(k, why, "offline: the script runs through the database's own client");
		goto out;
	}
	cmd = rt_asprintf("%s <'%s' >'%s' 2>&1", client, script, log);
	rc = cmd ? system(cmd) : -1;
	if (rc != 0 && rt_file_read(&out, NULL, log) == RETORT_OK)
		why = rt_asprintf("exit status %d; the client said:\n%s", rc, out);
	st_check(k, rc == 0, why, "offline: the script runs through `%s`", k->o->client ? k->o->client : program);
	rt_free(why);
	why = NULL;
	if (rc != 0 || !st_checks_open(k, "offline"))
		goto out;
	st_check(k, st_expect_scalar(k, "SELECT version_num FROM " ST_PREFIX "version", b, &why), why,
	         "offline: the script's bookkeeping left the version table at head");
	rt_free(why);
	st_check(k, st_expect_scalar(k, "SELECT v FROM " T_OFF " WHERE w IS NULL", OFF_VALUE, &why), why,
	         "offline: the script's literal reads back byte for byte");
	rt_free(why);
	why = NULL;
	st_close(k);
	st_check(k, st_migrate(k, 0, "base", &err) == RETORT_OK, err,
	         "offline: online downgrade base takes over from the script");
out:
	unsetenv("PGPASSWORD");
	unsetenv("MYSQL_PWD");
	rt_free(script);
	rt_free(log);
	rt_free(client);
	rt_free(cmd);
	rt_free(err);
	rt_free(why);
	rt_free(out);
	st_drop_leftovers(k, tables, 1, NULL);
}

/* ---- execute_batch and record_step ---- */

#define T_B ST_PREFIX "batch"

static void batch_checks(st_kit *k)
{
	const retort_dialect_vtable *d = &k->ctx.dialect->vt.dialect;
	retort_host_ctx *h = k->ctx.dialect->hctx;
	static const char *const good[] = {"INSERT INTO " T_B " (id) VALUES (1)", "UPDATE " T_B " SET id = 2 WHERE id = 1",
	                                   "INSERT INTO " T_B " (id) VALUES (1)"};
	static const char *const bad[] = {"INSERT INTO " T_B " (id) VALUES (10)",
	                                  "INSERT INTO " ST_PREFIX "no_such_table VALUES (1)",
	                                  "INSERT INTO " T_B " (id) VALUES (12)"};
	size_t failed = 99;
	char *why = NULL;
	int rc;
	rc = d->begin(k->ctx.conn, h);
	if (rc == RETORT_OK)
		rc = d->execute_batch(k->ctx.conn, h, good, 3, &failed);
	if (rc == RETORT_OK)
		rc = d->commit(k->ctx.conn, h);
	if (rc < 0)
		rt_hctx_take_error(h, rc, "execute_batch");
	st_check(k, rc == RETORT_OK, rt_error_msg(), "execute_batch: three statements run inside a transaction");
	st_check(k, st_expect_scalar(k, "SELECT count(*) * 10 + sum(id) FROM " T_B, "23", &why), why,
	         "execute_batch: they ran in order (rows 1 and 2)");
	rt_free(why);
	failed = 99;
	rt_hctx_clear_error(h);
	rc = d->begin(k->ctx.conn, h);
	if (rc == RETORT_OK)
		rc = d->execute_batch(k->ctx.conn, h, bad, 3, &failed);
	why = rt_asprintf("status %d, *failed = %zu, error set: %s", rc, failed, h->has_error ? "yes" : "no");
	st_check(k, rc < 0 && failed == 1 && h->has_error, why,
	         "execute_batch: a failing second statement: an error, *failed = 1, the message set");
	rt_free(why);
	rt_hctx_clear_error(h);
	d->rollback(k->ctx.conn, h);
	rt_hctx_clear_error(h);
	st_check(k, st_expect_scalar(k, "SELECT count(*) FROM " T_B " WHERE id >= 10", "0", &why), why,
	         "execute_batch: after rollback nothing of the failed batch is left");
	rt_free(why);
}

/* record_step called directly: INSERT, UPDATE, DELETE of the version table and the history rows. */
static void record_checks(st_kit *k)
{
	const retort_dialect_vtable *d = &k->ctx.dialect->vt.dialect;
	retort_host_ctx *h = k->ctx.dialect->hctx;
	static const struct {
		retort_version_change_kind kind;
		const char *from, *to, *want;
	} ch[] = {{RETORT_VERSION_INSERT, NULL, "aaaa00000001", "aaaa00000001"},
	          {RETORT_VERSION_UPDATE, "aaaa00000001", "bbbb00000002", "bbbb00000002"},
	          {RETORT_VERSION_DELETE, "bbbb00000002", NULL, "0"}};
	size_t i;
	char *why = NULL;
	for (i = 0; i < 3; i++) {
		retort_version_change c;
		retort_step_record r;
		int rc;
		memset(&c, 0, sizeof c);
		memset(&r, 0, sizeof r);
		c.size = sizeof c;
		c.kind = ch[i].kind;
		c.from = ch[i].from;
		c.to = ch[i].to;
		r.size = sizeof r;
		r.version_table = ST_PREFIX "version";
		r.history_table = ST_PREFIX "history";
		r.changes = &c;
		r.nchanges = 1;
		r.run_id = "5e1f7e575e1f7e575e1f7e575e1f7e57";
		r.revision = ch[i].to ? ch[i].to : ch[i].from;
		r.direction = "stamp";
		r.outcome = "ok";
		r.error = i == 1 ? "it's \"quoted\"" : NULL;
		r.started_at = "2026-01-02 03:04:05";
		r.duration_ms = 7;
		r.run_user = "kit";
		rc = d->begin(k->ctx.conn, h);
		if (rc == RETORT_OK)
			rc = d->record_step(k->ctx.conn, h, &r);
		if (rc == RETORT_OK)
			rc = d->commit(k->ctx.conn, h);
		if (rc < 0) {
			rt_hctx_take_error(h, rc, "record_step");
			d->rollback(k->ctx.conn, h);
		}
		st_check(k, rc == RETORT_OK, rt_error_msg(), "record_step: %s runs",
		         i == 0 ? "INSERT" : i == 1 ? "UPDATE" : "DELETE");
		st_check(k,
		         st_expect_scalar(k,
		                   i < 2 ? "SELECT version_num FROM " ST_PREFIX "version"
		                         : "SELECT count(*) FROM " ST_PREFIX "version",
		                   ch[i].want, &why),
		         why, "record_step: the version table then holds %s", i < 2 ? ch[i].want : "no row");
		rt_free(why);
		why = NULL;
	}
	st_check(k,
	         st_expect_scalar(k,
	                   "SELECT count(*) FROM " ST_PREFIX "history WHERE direction = 'stamp' AND outcome = 'ok' AND "
	                   "run_id = '5e1f7e575e1f7e575e1f7e575e1f7e57' AND duration_ms = 7 AND run_user = 'kit'",
	                   "3", &why),
	         why, "record_step: three history rows, as the host's own INSERT writes them");
	rt_free(why);
	st_check(k,
	         st_expect_scalar(k, "SELECT error FROM " ST_PREFIX "history WHERE revision = 'bbbb00000002' AND error IS NOT NULL",
	                   "it's \"quoted\"", &why),
	         why, "record_step: the error text reads back byte for byte");
	rt_free(why);
}

void st_scn_batch(st_kit *k)
{
	static const char *const tables[] = {T_B};
	char *err = NULL;
	if (!k->has_batch && !k->has_record) {
		st_skip(k, "the dialect has neither (the host runs execute() and its own statements)",
		        "batch: execute_batch and record_step contracts");
		return;
	}
	st_drop_leftovers(k, tables, 1, NULL);
	if (st_project(k, NULL) < 0) {
		st_fail(k, rt_error_msg(), "batch: temporary project");
		return;
	}
	if (!st_rev(k,
	            "  { op = \"create_table\"; table = \"" T_B "\"; columns = ( { name = \"id\"; type = \"integer\"; } "
	            "); }",
	            "  { op = \"drop_table\"; table = \"" T_B "\"; }") ||
	    !upgrade_one(k, "batch: a table to write to") || !st_checks_open(k, "batch"))
		goto out;
	if (k->has_batch)
		batch_checks(k);
	else
		st_skip(k, "the dialect has no execute_batch", "execute_batch: contract");
	if (k->has_record) {
		st_exec(k, "DELETE FROM " ST_PREFIX "version", NULL);
		record_checks(k);
	} else {
		st_skip(k, "the dialect has no record_step", "record_step: contract");
	}
	st_close(k);
	/* the version table was emptied: the table goes with the leftovers */
out:
	rt_free(err);
	st_close(k);
	st_drop_leftovers(k, tables, 1, NULL);
}
