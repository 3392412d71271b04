/* The runner: connection, lock, version/history tables, plans in transactions, offline SQL. */
#include "config.h"

#include <pthread.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "runner.h"
#include "script.h"

/* ---- small helpers ---- */

static long long now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

static int dialect_is_transactional(const rt_ctx *ctx)
{
	return (ctx->dialect->vt.dialect.flags & RETORT_DIALECT_TRANSACTIONAL_DDL) != 0;
}

static int plugin_fail(rt_ctx *ctx, int rc, const char *what)
{
	return rt_hctx_take_error(ctx->dialect->hctx, rc, what);
}

/* quote helpers produce new strings */
static char *quote(rt_ctx *ctx, int literal, const char *s)
{
	retort_sink sk;
	char *r = NULL;
	int rc;
	rt_sink_init(&sk);
	rc = literal ? ctx->dialect->vt.dialect.quote_literal(ctx->dialect->state, s, &sk)
	             : ctx->dialect->vt.dialect.quote_ident(ctx->dialect->state, s, &sk);
	if (rc < 0)
		plugin_fail(ctx, rc, literal ? "quote_literal" : "quote_ident");
	else if (!(r = rt_strdup(rt_sink_text(&sk))))
		rt_error_set("out of memory");
	rt_sink_free(&sk);
	return r;
}

/* ---- context ---- */

int rt_ctx_open(rt_ctx *ctx, rt_config *cfg, const char *command, int need_graph)
{
	int rc;
	struct passwd *pw;
	unsigned long long r;
	memset(ctx, 0, sizeof *ctx);
	ctx->cfg = cfg;
	ctx->command = command;
	ctx->sql_out = stdout;
	r = ((unsigned long long)now_ms() << 16) ^ (unsigned long long)getpid();
	snprintf(ctx->run_id, sizeof ctx->run_id, "%012llx%04x", r & 0xffffffffffffULL, (unsigned)(getpid() & 0xffff));
	pw = getpwuid(getuid());
	snprintf(ctx->user, sizeof ctx->user, "%s", getenv("USER") ? getenv("USER") : pw ? pw->pw_name : "unknown");
	if (gethostname(ctx->host, sizeof ctx->host) != 0)
		snprintf(ctx->host, sizeof ctx->host, "unknown");
	if ((rc = rt_plugins_new(&ctx->plugins, cfg)) < 0 || (rc = rt_plugins_load_declared(ctx->plugins)) < 0)
		return rc;
	if (need_graph &&
	    (rc = rt_graph_load(&ctx->graph, (const char *const *)cfg->version_locations.v, cfg->version_locations.n)) < 0)
		return rc;
	return RETORT_OK;
}

void rt_ctx_close(rt_ctx *ctx)
{
	if (ctx->conn && ctx->dialect) {
		if (ctx->in_tx)
			ctx->dialect->vt.dialect.rollback(ctx->conn, ctx->dialect->hctx);
		ctx->dialect->vt.dialect.disconnect(ctx->conn);
	}
	ctx->conn = NULL;
	rt_graph_free(ctx->graph);
	rt_plugins_free(ctx->plugins);
	rt_strv_free(&ctx->names);
	rt_url_free(ctx->url);
	memset(ctx, 0, sizeof *ctx);
}

int rt_ctx_dialect(rt_ctx *ctx)
{
	int rc;
	if (ctx->dialect)
		return RETORT_OK;
	if (!ctx->cfg->url) {
		rt_error_set("%s: no database URL: set database = { url = \"...\"; } or pass --url", ctx->cfg->path);
		return RETORT_EINVAL;
	}
	if (!ctx->url && (rc = rt_url_parse(&ctx->url, ctx->cfg->url)) < 0)
		return rc;
	return rt_plugins_dialect(ctx->plugins, rt_url_view(ctx->url)->scheme, &ctx->dialect);
}

int rt_ctx_connect(rt_ctx *ctx)
{
	int rc;
	if (ctx->conn)
		return RETORT_OK;
	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	rt_url_set_read_only(ctx->url, ctx->read_only);
	rc = ctx->dialect->vt.dialect.connect(ctx->dialect->state, ctx->dialect->hctx, rt_url_view(ctx->url), &ctx->conn);
	if (rc < 0) {
		ctx->conn = NULL;
		plugin_fail(ctx, rc, "connect");
		/* belt and braces: a plugin message must never carry the password */
		{
			const char *pw = rt_url_view(ctx->url)->password;
			if (pw && *pw && strstr(rt_error_msg(), pw))
				rt_error_set("could not connect to %s (the driver's message was withheld: it contained the "
				             "password)",
				             rt_url_masked(ctx->url));
		}
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

/* ---- events ---- */

int rt_ctx_event(rt_ctx *ctx, const char *name, const rt_revision *rev, const char *direction, const char *outcome,
                 const char *started_at, long long duration_ms, const char *error, const char *path)
{
	retort_event ev;
	memset(&ev, 0, sizeof ev);
	ev.size = sizeof ev;
	ev.name = name;
	ev.run_id = ctx->run_id;
	ev.command = ctx->command;
	ev.dialect = ctx->dialect ? ctx->dialect->desc.name : NULL;
	ev.database_url = ctx->url ? rt_url_masked(ctx->url) : NULL;
	if (rev) {
		ev.revision = rev->id;
		ev.parents = (const char *const *)rev->parents.v;
		ev.nparents = rev->parents.n;
		ev.message = rev->message;
		if (!path)
			path = rev->path;
	}
	ev.direction = direction;
	ev.outcome = outcome;
	ev.started_at = started_at;
	ev.duration_ms = duration_ms;
	ev.error = error;
	ev.user = ctx->user;
	ev.host = ctx->host;
	ev.retort_version = RETORT_VERSION;
	ev.path = path;
	return rt_plugins_emit(ctx->plugins, &ev);
}

/* ---- statements ---- */

static int exec_sql(rt_ctx *ctx, const char *sql)
{
	int rc = ctx->dialect->vt.dialect.execute(ctx->conn, ctx->dialect->hctx, sql);
	if (rc < 0)
		return plugin_fail(ctx, rc, "execute");
	return RETORT_OK;
}

static int tx_begin(rt_ctx *ctx)
{
	int rc = ctx->dialect->vt.dialect.begin(ctx->conn, ctx->dialect->hctx);
	if (rc < 0)
		return plugin_fail(ctx, rc, "begin");
	ctx->in_tx = 1;
	return RETORT_OK;
}

static int tx_commit(rt_ctx *ctx)
{
	int rc = ctx->dialect->vt.dialect.commit(ctx->conn, ctx->dialect->hctx);
	ctx->in_tx = 0;
	if (rc < 0)
		return plugin_fail(ctx, rc, "commit");
	return RETORT_OK;
}

/* Roll back the transaction the runner opened, if one is open (a second ROLLBACK makes PostgreSQL warn). */
static void tx_rollback(rt_ctx *ctx)
{
	if (ctx->conn && ctx->in_tx) {
		ctx->dialect->vt.dialect.rollback(ctx->conn, ctx->dialect->hctx);
		rt_hctx_clear_error(ctx->dialect->hctx);
	}
	ctx->in_tx = 0;
}

/* Render an op into sink (statements).  Online uses render_online when the dialect has it. */
static int render_op(rt_ctx *ctx, const retort_op *op, retort_sink *sk, int online)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	int rc;
	if (op->dialect && strcmp(op->dialect, ctx->dialect->desc.name) != 0)
		return RETORT_OK;
	if (online && RETORT_STRUCT_HAS(d, retort_dialect_vtable, render_online) && d->render_online)
		rc = d->render_online(ctx->conn, ctx->dialect->hctx, op, sk);
	else
		rc = d->render(ctx->dialect->state, ctx->dialect->hctx, op, sk);
	if (rc < 0) {
		plugin_fail(ctx, rc, "render");
		if (rc == RETORT_ENOTSUPPORTED)
			rc = RETORT_EINVAL;
		return rc;
	}
	return rt_sink_flush(sk);
}

/* ---- the version and history tables ---- */

static int render_tables(rt_ctx *ctx, retort_sink *sk)
{
	static const char *const vcols[] = {"version_num"};
	retort_column vc[1], hc[11];
	retort_constraint pk;
	retort_op op;
	char *pkname = rt_asprintf("%s_pkc", ctx->cfg->version_table);
	int rc;
	RT_CHECK_ALLOC(pkname);
	memset(vc, 0, sizeof vc);
	memset(&pk, 0, sizeof pk);
	memset(&op, 0, sizeof op);
	vc[0].size = sizeof vc[0];
	vc[0].name = "version_num";
	vc[0].type = "varchar(255)";
	vc[0].nullable = 0;
	pk.size = sizeof pk;
	pk.name = pkname;
	pk.columns = vcols;
	pk.ncolumns = 1;
	op.size = sizeof op;
	op.kind = RETORT_OP_CREATE_TABLE;
	op.table = ctx->cfg->version_table;
	op.columns = vc;
	op.ncolumns = 1;
	op.primary_key = &pk;
	op.nullable = op.existing_nullable = RETORT_UNSET;
	rc = render_op(ctx, &op, sk, 0);
	rt_free(pkname);
	if (rc < 0)
		return rc;
	{
		static const struct {
			const char *name, *type;
			int nullable;
		} cols[] = {{"id", "integer", 0},           {"run_id", "varchar(40)", 0},  {"revision", "varchar(255)", 0},
		            {"direction", "varchar(16)", 0}, {"outcome", "varchar(16)", 0}, {"error", "text", 1},
		            {"checksum", "varchar(64)", 1},  {"started_at", "timestamp", 0}, {"duration_ms", "bigint", 1},
		            {"run_user", "varchar(255)", 1}, {"run_host", "varchar(255)", 1}};
		size_t i;
		memset(hc, 0, sizeof hc);
		for (i = 0; i < 11; i++) {
			hc[i].size = sizeof hc[i];
			hc[i].name = cols[i].name;
			hc[i].type = cols[i].type;
			hc[i].nullable = cols[i].nullable;
		}
		hc[0].primary_key = 1;
		hc[0].autoincrement = 1;
		memset(&op, 0, sizeof op);
		op.size = sizeof op;
		op.kind = RETORT_OP_CREATE_TABLE;
		op.table = ctx->cfg->history_table;
		op.columns = hc;
		op.ncolumns = 11;
		op.nullable = op.existing_nullable = RETORT_UNSET;
		return render_op(ctx, &op, sk, 0);
	}
}

static int ensure_tables(rt_ctx *ctx)
{
	int vexists = 0, hexists = 0, rc;
	retort_sink sk;
	size_t i;
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	if ((rc = d->table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, &vexists)) < 0 ||
	    (rc = d->table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->history_table, &hexists)) < 0)
		return plugin_fail(ctx, rc, "table_exists");
	if (vexists && hexists)
		return RETORT_OK;
	rt_sink_init(&sk);
	if ((rc = render_tables(ctx, &sk)) < 0)
		goto done;
	/* statement 0 is the version table; the rest the history table */
	for (i = 0; i < sk.n; i++) {
		if (i == 0 && vexists)
			continue;
		if (i > 0 && hexists)
			continue;
		if ((rc = exec_sql(ctx, sk.stmts[i].sql)) < 0)
			goto done;
	}
done:
	rt_sink_free(&sk);
	return rc;
}

typedef struct {
	rt_strv *out;
} rows_arg;

static int collect_first(void *arg, size_t ncols, const char *const *values)
{
	rows_arg *a = arg;
	if (ncols < 1 || !values[0])
		return RETORT_OK;
	return rt_strv_push(a->out, values[0]);
}

static int query_col(rt_ctx *ctx, const char *sql, rt_strv *out)
{
	rows_arg a = {out};
	int rc = ctx->dialect->vt.dialect.query(ctx->conn, ctx->dialect->hctx, sql, collect_first, &a);
	if (rc < 0)
		return plugin_fail(ctx, rc, "query");
	return RETORT_OK;
}

static int read_failed_mark(rt_ctx *ctx, char **failed)
{
	char *ht = quote(ctx, 0, ctx->cfg->history_table), *sql;
	rt_strv rows = RT_STRV_INIT;
	int rc;
	*failed = NULL;
	if (!ht)
		return RETORT_ERROR;
	/* the newest row that is a failure or a repair decides */
	sql = rt_asprintf("SELECT revision, outcome FROM %s WHERE outcome IN ('failed', 'repaired') ORDER BY id DESC", ht);
	rt_free(ht);
	RT_CHECK_ALLOC(sql);
	rc = query_col(ctx, sql, &rows);
	rt_free(sql);
	if (rc < 0) {
		rt_strv_free(&rows);
		return rc;
	}
	if (rows.n > 0) {
		/* the query returns revisions; look at the newest row's outcome with a second query */
		char *sql2, *ht2 = quote(ctx, 0, ctx->cfg->history_table);
		rt_strv outs = RT_STRV_INIT;
		if (!ht2) {
			rt_strv_free(&rows);
			return RETORT_ERROR;
		}
		sql2 = rt_asprintf("SELECT outcome FROM %s WHERE outcome IN ('failed', 'repaired') ORDER BY id DESC", ht2);
		rt_free(ht2);
		if (!sql2 || (rc = query_col(ctx, sql2, &outs)) < 0) {
			rt_free(sql2);
			rt_strv_free(&rows);
			rt_strv_free(&outs);
			return sql2 ? rc : RETORT_ENOMEM;
		}
		rt_free(sql2);
		if (outs.n > 0 && strcmp(outs.v[0], "failed") == 0)
			*failed = rt_strdup(rows.v[0]);
		rt_strv_free(&outs);
	}
	rt_strv_free(&rows);
	return RETORT_OK;
}

int rt_db_read_heads(rt_ctx *ctx, rt_strv *heads, int *exists, char **failed)
{
	int rc, e = 0;
	char *vt, *sql;
	if (failed)
		*failed = NULL;
	if ((rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, &e)) < 0)
		return plugin_fail(ctx, rc, "table_exists");
	if (exists)
		*exists = e;
	if (!e)
		return RETORT_OK;
	if (!(vt = quote(ctx, 0, ctx->cfg->version_table)))
		return RETORT_ERROR;
	sql = rt_asprintf("SELECT version_num FROM %s", vt);
	rt_free(vt);
	RT_CHECK_ALLOC(sql);
	rc = query_col(ctx, sql, heads);
	rt_free(sql);
	if (rc < 0)
		return rc;
	if (failed && !dialect_is_transactional(ctx)) {
		int he = 0;
		if ((rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->history_table,
		                                                &he)) < 0)
			return plugin_fail(ctx, rc, "table_exists");
		if (he && (rc = read_failed_mark(ctx, failed)) < 0)
			return rc;
	}
	return RETORT_OK;
}

/* Render the version-table change as SQL. */
static char *vt_sql(rt_ctx *ctx, const rt_vt_change *c)
{
	char *vt = quote(ctx, 0, ctx->cfg->version_table), *a = NULL, *b = NULL, *sql = NULL;
	if (!vt)
		return NULL;
	if (c->from && !(a = quote(ctx, 1, c->from)))
		goto done;
	if (c->to && !(b = quote(ctx, 1, c->to)))
		goto done;
	switch (c->kind) {
	case RT_VT_INSERT:
		sql = rt_asprintf("INSERT INTO %s (version_num) VALUES (%s)", vt, b);
		break;
	case RT_VT_UPDATE:
		sql = rt_asprintf("UPDATE %s SET version_num = %s WHERE version_num = %s", vt, b, a);
		break;
	case RT_VT_DELETE:
		sql = rt_asprintf("DELETE FROM %s WHERE version_num = %s", vt, a);
		break;
	}
	if (!sql)
		rt_error_set("out of memory");
done:
	rt_free(vt);
	rt_free(a);
	rt_free(b);
	return sql;
}

static void out_stmt(rt_ctx *ctx, const char *sql)
{
	fprintf(ctx->sql_out, "%s;\n\n", sql);
}

/* Make one version-table change: run it, or print it when offline. */
static int vt_apply(rt_ctx *ctx, const rt_vt_change *c, int offline)
{
	char *sql = vt_sql(ctx, c);
	int rc = RETORT_OK;
	if (!sql)
		return RETORT_ERROR;
	if (offline)
		out_stmt(ctx, sql);
	else
		rc = exec_sql(ctx, sql);
	rt_free(sql);
	return rc;
}

static int vt_apply_all(rt_ctx *ctx, const rt_vt_changes *ch, int offline)
{
	size_t i;
	int rc;
	for (i = 0; i < ch->n; i++)
		if ((rc = vt_apply(ctx, &ch->v[i], offline)) < 0)
			return rc;
	return RETORT_OK;
}

/* The history row as SQL text (the host's own composition, used when the dialect has no record_step). */
static char *history_sql(rt_ctx *ctx, const retort_step_record *rec)
{
	char *ht = quote(ctx, 0, ctx->cfg->history_table);
	char *q[8] = {NULL};
	const char *vals[8] = {rec->run_id, rec->revision, rec->direction, rec->outcome,
	                       rec->error,  rec->checksum, rec->run_user,  rec->run_host};
	char *sql = NULL, *st = NULL;
	int i;
	if (!ht)
		return NULL;
	for (i = 0; i < 8; i++) {
		if (vals[i] && !(q[i] = quote(ctx, 1, vals[i])))
			goto done;
	}
	if (!(st = quote(ctx, 1, rec->started_at)))
		goto done;
	sql = rt_asprintf("INSERT INTO %s (run_id, revision, direction, outcome, error, checksum, started_at, "
	                  "duration_ms, run_user, run_host) VALUES (%s, %s, %s, %s, %s, %s, %s, %lld, %s, %s)",
	                  ht, q[0], q[1], q[2], q[3], q[4] ? q[4] : "NULL", q[5] ? q[5] : "NULL", st,
	                  rec->duration_ms < 0 ? 0 : rec->duration_ms, q[6] ? q[6] : "NULL", q[7] ? q[7] : "NULL");
	if (!sql)
		rt_error_set("out of memory");
done:
	for (i = 0; i < 8; i++)
		rt_free(q[i]);
	rt_free(st);
	rt_free(ht);
	return sql;
}

/* A step's bookkeeping record: version-table changes `ch` (may be NULL) and the history row. */
static void step_record(rt_ctx *ctx, retort_step_record *rec, retort_version_change *vc, const rt_vt_changes *ch,
                        const char *revision, const char *direction, const char *outcome, const char *error,
                        const char *checksum, const char *started_at, long long duration_ms)
{
	size_t i;
	memset(rec, 0, sizeof *rec);
	rec->size = sizeof *rec;
	rec->version_table = ctx->cfg->version_table;
	rec->history_table = ctx->cfg->history_table;
	for (i = 0; ch && i < ch->n; i++) {
		memset(&vc[i], 0, sizeof vc[i]);
		vc[i].size = sizeof vc[i];
		vc[i].kind = (retort_version_change_kind)ch->v[i].kind; /* same values */
		vc[i].from = ch->v[i].from;
		vc[i].to = ch->v[i].to;
	}
	rec->changes = vc;
	rec->nchanges = ch ? ch->n : 0;
	rec->run_id = ctx->run_id;
	rec->revision = revision;
	rec->direction = direction;
	rec->outcome = outcome;
	rec->error = error;
	rec->checksum = checksum;
	rec->started_at = started_at;
	rec->duration_ms = duration_ms < 0 ? 0 : duration_ms;
	rec->run_user = ctx->user;
	rec->run_host = ctx->host;
}

static int has_record_step(const rt_ctx *ctx)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	return RETORT_STRUCT_HAS(d, retort_dialect_vtable, record_step) && d->record_step;
}

static int has_execute_batch(const rt_ctx *ctx)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	return RETORT_STRUCT_HAS(d, retort_dialect_vtable, execute_batch) && d->execute_batch;
}

/* Run n statements: in one execute_batch when the dialect has it, else one by one.  *failed: the failing index. */
static int exec_batch(rt_ctx *ctx, const char *const *sqls, size_t n, size_t *failed)
{
	size_t i;
	int rc;
	*failed = 0;
	if (n > 1 && has_execute_batch(ctx)) {
		rc = ctx->dialect->vt.dialect.execute_batch(ctx->conn, ctx->dialect->hctx, sqls, n, failed);
		return rc < 0 ? plugin_fail(ctx, rc, "execute") : RETORT_OK;
	}
	for (i = 0; i < n; i++) {
		if ((rc = exec_sql(ctx, sqls[i])) < 0) {
			*failed = i;
			return rc;
		}
	}
	return RETORT_OK;
}

/*
 * Write a step's bookkeeping: the dialect's record_step, else the host's
 * own statements (in one batch when the dialect can).
 */
static int record(rt_ctx *ctx, const retort_step_record *rec)
{
	rt_strv sqls = RT_STRV_INIT;
	size_t i, failed;
	char *sql;
	int rc;
	if (has_record_step(ctx)) {
		rc = ctx->dialect->vt.dialect.record_step(ctx->conn, ctx->dialect->hctx, rec);
		return rc < 0 ? plugin_fail(ctx, rc, "record_step") : RETORT_OK;
	}
	for (i = 0; i < rec->nchanges; i++) {
		rt_vt_change c;
		c.kind = (rt_vt_kind)rec->changes[i].kind;
		c.from = (char *)rec->changes[i].from;
		c.to = (char *)rec->changes[i].to;
		if (!(sql = vt_sql(ctx, &c)) || (rc = rt_strv_push_owned(&sqls, sql)) < 0) {
			rc = sql ? rc : RETORT_ERROR;
			goto done;
		}
	}
	if (!(sql = history_sql(ctx, rec)) || (rc = rt_strv_push_owned(&sqls, sql)) < 0) {
		rc = sql ? rc : RETORT_ERROR;
		goto done;
	}
	rc = exec_batch(ctx, (const char *const *)sqls.v, sqls.n, &failed);
done:
	rt_strv_free(&sqls);
	return rc;
}

static int history_row(rt_ctx *ctx, const char *revision, const char *direction, const char *outcome,
                       const char *error, const char *checksum, const char *started_at, long long duration_ms)
{
	retort_step_record rec;
	step_record(ctx, &rec, NULL, NULL, revision, direction, outcome, error, checksum, started_at, duration_ms);
	return record(ctx, &rec);
}

/* ---- progress ---- */

static void step_line(rt_ctx *ctx, const rt_step *s, long long ms, size_t done, size_t total)
{
	char *parents;
	if (ctx->quiet)
		return;
	parents = rt_strv_join(&s->rev->parents, ", ");
	if (ctx->progress)
		fprintf(stderr, "\r\033[K");
	if (s->up)
		fprintf(stderr, "Running upgrade %s -> %s, %s (%lld ms)\n", parents ? parents : "", s->rev->id,
		        s->rev->message ? s->rev->message : "", ms);
	else
		fprintf(stderr, "Running downgrade %s -> %s, %s (%lld ms)\n", s->rev->id, parents ? parents : "",
		        s->rev->message ? s->rev->message : "", ms);
	if (ctx->progress && total > 1 && done < total)
		fprintf(stderr, "[%zu/%zu]", done, total);
	fflush(stderr);
	rt_free(parents);
}

/* ---- the lock ---- */

static int take_lock_ev(rt_ctx *ctx, int events)
{
	int rc;
	if (events)
		rt_ctx_event(ctx, "lock.wait", NULL, NULL, NULL, NULL, -1, NULL, NULL);
	rc = ctx->dialect->vt.dialect.lock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table,
	                                   (unsigned)ctx->cfg->lock_timeout);
	if (rc < 0) {
		plugin_fail(ctx, rc, "lock");
		if (rc == RETORT_ELOCKED) {
			char msg[4096];
			snprintf(msg, sizeof msg, "%s", rt_error_msg());
			rt_ctx_event(ctx, "lock.timeout", NULL, NULL, NULL, NULL, -1, msg, NULL);
			rt_error_set("%s", msg);
		}
		return RETORT_ERROR;
	}
	ctx->in_tx = 1; /* a lock may be a transaction (SQLite); rollback is then safe either way */
	if (events)
		rt_ctx_event(ctx, "lock.acquired", NULL, NULL, NULL, NULL, -1, NULL, NULL);
	return RETORT_OK;
}

static int take_lock(rt_ctx *ctx)
{
	return take_lock_ev(ctx, 1);
}

static void release_lock(rt_ctx *ctx)
{
	if (ctx->conn) {
		ctx->dialect->vt.dialect.unlock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table);
		rt_hctx_clear_error(ctx->dialect->hctx);
	}
}

/* ---- migrate ---- */

/*
 * Commit, and start the next transaction under the lock again.  A dialect
 * whose lock is its transaction (SQLite) loses the lock at commit, so the
 * lock is released and taken again for every dialect alike; the caller
 * re-reads the version table afterwards.
 */
static int relock(rt_ctx *ctx)
{
	int rc;
	if ((rc = tx_commit(ctx)) < 0)
		return rc;
	release_lock(ctx);
	if ((rc = take_lock_ev(ctx, 0)) < 0)
		return rc;
	return tx_begin(ctx);
}

static int strv_same_set(const rt_strv *a, const rt_strv *b)
{
	size_t i;
	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (rt_strv_find(b, a->v[i]) < 0)
			return 0;
	return 1;
}

/*
 * Reading and parsing the scripts of a long plan is the largest part of
 * retort's own work (a libconfig parse and a SHA-256 per script), so a
 * second thread shares it: each takes the next revision from a counter.
 * rt_script_load_ops touches only its revision, and the error message is
 * per thread; on any failure the main thread loads again in plan order,
 * so the error reported is the one the sequential loop would report.
 */
#define PAR_LOAD_MIN 64 /* fewer scripts: a thread costs more than it saves */
/*
 * What one revision's loaded operations take on the heap (libconfig's tree
 * is freed, the ops store stays): each loading thread grows its heap by
 * that much at once (rt_heap_prefault).  Without it the second thread's
 * heap grows a page at a time, one mprotect and one page fault each (900
 * of both for 1,000 scripts).
 */
#define OPS_BYTES_PER_REV 6144

typedef struct par_load {
	rt_revision **revs;
	size_t n;
	size_t next;  /* atomic */
	int failed;   /* atomic */
} par_load;

static void *par_load_worker(void *arg)
{
	par_load *p = arg;
	for (;;) {
		size_t i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED);
		if (i >= p->n || __atomic_load_n(&p->failed, __ATOMIC_RELAXED))
			break;
		if (rt_script_load_ops(p->revs[i]) < 0) {
			__atomic_store_n(&p->failed, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	return NULL;
}

/* The second thread: its heap grown at once first (OPS_BYTES_PER_REV). */
static void *par_load_thread(void *arg)
{
	par_load *p = arg;
	int raised = rt_heap_prefault(p->n / 2 * OPS_BYTES_PER_REV);
	par_load_worker(p);
	rt_heap_prefault_end(raised);
	return NULL;
}

/* Load the ops of the plan's revisions on two threads (best effort: the caller loads what is left). */
static void par_load_ops(rt_ctx *ctx, const rt_plan *plan)
{
	par_load p;
	pthread_t t;
	unsigned char *seen = NULL;
	size_t i, total = rt_graph_count(ctx->graph);
	memset(&p, 0, sizeof p);
	if (!(p.revs = rt_malloc(plan->n * sizeof *p.revs)) || !(seen = rt_calloc(total ? total : 1, 1)))
		goto done;
	for (i = 0; i < plan->n; i++) { /* each revision once, so that no two threads load the same */
		rt_revision *r = plan->steps[i].rev;
		if (r->ops_loaded || (r->index < total && seen[r->index]))
			continue;
		if (r->index >= total)
			goto done; /* not a graph revision: leave it all to the sequential loop */
		seen[r->index] = 1;
		p.revs[p.n++] = r;
	}
	if (pthread_create(&t, NULL, par_load_thread, &p) != 0)
		goto done;
	par_load_worker(&p);
	pthread_join(t, NULL);
done:
	rt_error_clear();
	rt_free(seen);
	rt_free(p.revs);
}

static int load_ops(rt_ctx *ctx, rt_plan *plan)
{
	size_t i, k;
	int rc = RETORT_OK, raised = 0, par = plan->n >= PAR_LOAD_MIN && !rt_env_flag("RETORT_NO_THREADS");
	/* this thread's share of the heap, grown at once */
	if (plan->n >= PAR_LOAD_MIN)
		raised = rt_heap_prefault((par ? plan->n / 2 : plan->n) * OPS_BYTES_PER_REV);
	if (par)
		par_load_ops(ctx, plan);
	for (i = 0; i < plan->n && rc == RETORT_OK; i++) {
		rt_revision *r = plan->steps[i].rev;
		if ((rc = rt_script_load_ops(r)) < 0)
			break;
		for (k = 0; k < r->nupgrade && rc == RETORT_OK; k++)
			rc = rt_name_op(ctx, r, &r->upgrade[k], k);
		for (k = 0; k < r->ndowngrade && rc == RETORT_OK; k++)
			rc = rt_name_op(ctx, r, &r->downgrade[k], k);
	}
	rt_heap_prefault_end(raised);
	return rc;
}

static int make_plan(rt_ctx *ctx, int up, const rt_strv *heads, const char *target, rt_plan *plan)
{
	int rc = up ? rt_graph_plan_upgrade(ctx->graph, heads, target, plan)
	            : rt_graph_plan_downgrade(ctx->graph, heads, target, plan);
	return rc < 0 ? rc : load_ops(ctx, plan);
}

/*
 * After the lock was taken again: when another process moved the version
 * table meanwhile, adopt its rows and plan again.  Returns 1 when it
 * planned again, 0 when nothing moved, or a negative status.
 */
static int resync(rt_ctx *ctx, int up, const char *target, rt_strv *heads, rt_plan *plan)
{
	rt_strv now = RT_STRV_INIT;
	size_t i;
	int rc = rt_db_read_heads(ctx, &now, NULL, NULL);
	if (rc < 0 || strv_same_set(&now, heads)) {
		rt_strv_free(&now);
		return rc < 0 ? rc : 0;
	}
	rt_strv_clear(heads);
	for (i = 0; i < now.n && rc == RETORT_OK; i++)
		rc = rt_strv_push(heads, now.v[i]);
	rt_strv_free(&now);
	if (rc < 0)
		return rc;
	rt_plan_free(plan);
	if ((rc = make_plan(ctx, up, heads, target, plan)) < 0)
		return rc;
	return 1;
}

/*
 * Run one step: its operations, then its bookkeeping (version-table
 * changes and the history row, started at `st`, `s0` ms), no commit.
 *
 * With a dialect that has execute_batch (and no render_online, whose
 * rendering reads the live schema), every statement of the step and the
 * host's bookkeeping statements go in one batch: PostgreSQL sends them in
 * one round trip.  A statement that must run outside the transaction makes
 * the step go one statement at a time.
 */
static int run_step(rt_ctx *ctx, const rt_step *s, rt_strv *heads, const char *st, long long s0, char **failed_sql,
                    size_t *failed_op)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	const retort_op *ops = s->up ? s->rev->upgrade : s->rev->downgrade;
	size_t nops = s->up ? s->rev->nupgrade : s->rev->ndowngrade, i, j;
	int batch = has_execute_batch(ctx) &&
	            !(RETORT_STRUCT_HAS(d, retort_dialect_vtable, render_online) && d->render_online);
	rt_vt_changes ch = {NULL, 0, 0};
	retort_version_change vc_small[4], *vc = vc_small;
	retort_step_record rec;
	retort_sink sk;
	size_t *op_end = NULL;
	const char **sqls = NULL;
	int rc = RETORT_OK;
	rt_sink_init(&sk);
	if (batch) {
		/* render every operation first (render() needs no connection) */
		if (nops && !(op_end = rt_malloc(nops * sizeof *op_end))) {
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			goto done;
		}
		for (i = 0; i < nops; i++) {
			if ((rc = render_op(ctx, &ops[i], &sk, 1)) < 0) {
				*failed_op = i + 1;
				goto done;
			}
			op_end[i] = sk.n;
		}
		for (j = 0; j < sk.n && batch; j++)
			if (sk.stmts[j].flags & RETORT_STMT_NO_TRANSACTION)
				batch = 0;
		if (!batch) {
			rt_sink_reset(&sk);
			rt_free(op_end);
			op_end = NULL;
		}
	}
	if (!batch) {
		for (i = 0; i < nops; i++) {
			rt_sink_reset(&sk);
			if ((rc = render_op(ctx, &ops[i], &sk, 1)) < 0) {
				*failed_op = i + 1;
				goto done;
			}
			for (j = 0; j < sk.n; j++) {
				int notx = (sk.stmts[j].flags & RETORT_STMT_NO_TRANSACTION) != 0;
				if (notx && ctx->in_tx && (rc = tx_commit(ctx)) < 0)
					goto fail_stmt;
				rc = exec_sql(ctx, sk.stmts[j].sql);
				if (notx && rc == RETORT_OK)
					rc = tx_begin(ctx);
				if (rc < 0)
					goto fail_stmt;
			}
		}
	}
	if (batch && sk.n) {
		size_t failed = 0;
		if (!(sqls = rt_malloc(sk.n * sizeof *sqls))) {
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			goto done;
		}
		for (j = 0; j < sk.n; j++)
			sqls[j] = sk.stmts[j].sql;
		if ((rc = exec_batch(ctx, sqls, sk.n, &failed)) < 0) {
			for (i = 0; i < nops && op_end[i] <= failed; i++)
				;
			*failed_op = i + 1;
			*failed_sql = rt_strdup(sqls[failed]);
			goto done;
		}
	}
	if ((rc = rt_graph_step_heads(ctx->graph, heads, s, &ch)) < 0)
		goto done;
	if (ch.n > sizeof vc_small / sizeof vc_small[0] && !(vc = rt_malloc(ch.n * sizeof *vc))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	step_record(ctx, &rec, vc, &ch, s->rev->id, s->up ? "upgrade" : "downgrade", "ok", NULL, s->rev->checksum, st,
	            now_ms() - s0);
	rc = record(ctx, &rec);
	goto done;
fail_stmt:
	*failed_op = i + 1;
	*failed_sql = rt_strdup(sk.stmts[j].sql);
done:
	if (vc != vc_small)
		rt_free(vc);
	rt_free(sqls);
	rt_free(op_end);
	rt_vt_changes_free(&ch);
	rt_sink_free(&sk);
	return rc;
}

int rt_run_migrate(rt_ctx *ctx, int up, const char *target)
{
	rt_strv heads = RT_STRV_INIT;
	rt_plan plan = {NULL, 0};
	char *failed = NULL, *failed_sql = NULL;
	size_t k, failed_op = 0;
	int rc, per_migration, transactional, exists = 0;
	char started[32];
	long long t0 = now_ms();
	const char *dir = up ? "upgrade" : "downgrade";

	iso_now(started);
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	transactional = dialect_is_transactional(ctx);
	per_migration = ctx->cfg->transaction_per_migration || !transactional;
	if ((rc = rt_ctx_event(ctx, "migrate.before", NULL, dir, NULL, started, -1, NULL, NULL)) < 0)
		return rc;
	if ((rc = take_lock(ctx)) < 0)
		goto out_event;
	if ((rc = tx_begin(ctx)) < 0)
		goto out;
	/* read the state again now that we hold the lock */
	if ((rc = rt_db_read_heads(ctx, &heads, &exists, &failed)) < 0)
		goto out;
	if (failed) {
		rt_error_set("revision %s failed part-way on this %s database (its statements may be partly applied); "
		             "repair the schema by hand, then run 'retort repair' before any %s",
		             failed, ctx->dialect->desc.name, dir);
		rc = RETORT_ERROR;
		goto out;
	}
	if ((rc = rt_graph_check_current(ctx->graph, &heads)) < 0)
		goto out;
	if ((rc = make_plan(ctx, up, &heads, target, &plan)) < 0)
		goto out;
	if ((rc = ensure_tables(ctx)) < 0)
		goto out;
	if (per_migration && !exists && plan.n > 0) {
		/* make the tables durable before the first revision */
		if ((rc = relock(ctx)) < 0 || (rc = resync(ctx, up, target, &heads, &plan)) < 0)
			goto out;
	}
	ctx->progress = !ctx->quiet && isatty(2) && plan.n > 20;
	for (k = 0; k < plan.n; k++) {
		const rt_step *s = &plan.steps[k];
		char st[32];
		long long s0 = now_ms();
		iso_now(st);
		if ((rc = rt_ctx_event(ctx, "revision.before", s->rev, dir, NULL, st, -1, NULL, NULL)) < 0)
			goto out;
		rc = run_step(ctx, s, &heads, st, s0, &failed_sql, &failed_op);
		if (rc < 0) {
			char msg[4096];
			if (failed_op)
				snprintf(msg, sizeof msg, "%s %s (%s), operation %zu%s%s: %s", dir, s->rev->id, s->rev->path,
				         failed_op, failed_sql ? ": " : "", failed_sql ? failed_sql : "", rt_error_msg());
			else
				snprintf(msg, sizeof msg, "%s %s (%s): %s", dir, s->rev->id, s->rev->path, rt_error_msg());
			tx_rollback(ctx);
			if (!transactional)
				strncat(msg, "; earlier statements of this script may already be applied (this database commits "
				             "DDL as it goes): repair by hand, then run 'retort repair'",
				        sizeof msg - strlen(msg) - 1);
			/* record the failure in its own transaction */
			if (tx_begin(ctx) == RETORT_OK && ensure_tables(ctx) == RETORT_OK &&
			    history_row(ctx, s->rev->id, dir, "failed", msg, s->rev->checksum, st, now_ms() - s0) == RETORT_OK)
				tx_commit(ctx);
			else
				tx_rollback(ctx);
			rt_ctx_event(ctx, "revision.error", s->rev, dir, "failed", st, now_ms() - s0, msg, NULL);
			rt_error_set("%s", msg);
			if (rc == RETORT_EINVAL)
				rc = RETORT_ERROR; /* the work failed: exit 1 */
			goto out;
		}
		if (per_migration && k + 1 < plan.n) {
			/* commit this revision; SQLite's lock is its transaction, so take it again and check that
			 * nobody moved the version table meanwhile */
			int moved;
			step_line(ctx, s, now_ms() - s0, k + 1, plan.n);
			rt_ctx_event(ctx, "revision.after", s->rev, dir, "ok", st, now_ms() - s0, NULL, NULL);
			if ((rc = relock(ctx)) < 0 || (moved = rc = resync(ctx, up, target, &heads, &plan)) < 0)
				goto out;
			if (moved)
				k = (size_t)-1; /* start over with the new plan */
			continue;
		}
		step_line(ctx, s, now_ms() - s0, k + 1, plan.n);
		rt_ctx_event(ctx, "revision.after", s->rev, dir, "ok", st, now_ms() - s0, NULL, NULL);
	}
	if (ctx->in_tx && (rc = tx_commit(ctx)) < 0)
		goto out;
out:
	if (rc < 0)
		tx_rollback(ctx);
	release_lock(ctx);
out_event:
	if (rc < 0) {
		char msg[4096];
		snprintf(msg, sizeof msg, "%s", rt_error_msg());
		rt_ctx_event(ctx, "migrate.error", NULL, dir, "failed", started, now_ms() - t0, msg, NULL);
		rt_error_set("%s", msg);
	} else {
		rt_ctx_event(ctx, "migrate.after", NULL, dir, "ok", started, now_ms() - t0, NULL, NULL);
	}
	rt_free(failed);
	rt_free(failed_sql);
	rt_plan_free(&plan);
	rt_strv_free(&heads);
	return rc;
}

/* ---- offline ---- */

/* The dialect's session set-up (session_sql), at the top of an offline script. */
static int out_session(rt_ctx *ctx, retort_sink *sk)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	size_t j;
	int rc;
	if (!RETORT_STRUCT_HAS(d, retort_dialect_vtable, session_sql) || !d->session_sql)
		return RETORT_OK;
	rt_sink_reset(sk);
	if ((rc = d->session_sql(ctx->dialect->state, ctx->dialect->hctx, sk)) < 0)
		return plugin_fail(ctx, rc, "session_sql");
	for (j = 0; j < sk->n; j++)
		out_stmt(ctx, sk->stmts[j].sql);
	rt_sink_reset(sk);
	return RETORT_OK;
}

int rt_run_offline(rt_ctx *ctx, int up, const char *target)
{
	char *from = NULL, *to = NULL;
	rt_strv heads = RT_STRV_INIT;
	rt_plan plan = {NULL, 0};
	int rc, transactional, per_migration, fresh;
	size_t k, i;
	retort_sink sk;

	rt_sink_init(&sk);
	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	transactional = dialect_is_transactional(ctx);
	per_migration = ctx->cfg->transaction_per_migration;
	if (strchr(target, ':')) {
		if ((rc = rt_range_split(target, &from, &to)) < 0)
			return rc;
	} else if (!up) {
		rt_error_set("downgrade with --sql requires <fromrev>:<torev>");
		return RETORT_EINVAL;
	} else {
		to = rt_strdup(target);
	}
	if (!to) {
		rt_error_set("--sql needs a destination: FROM:TO");
		rc = RETORT_EINVAL;
		goto done;
	}
	if (from && (rc = rt_graph_resolve(ctx->graph, from, &heads, !up, &heads)) < 0)
		goto done;
	fresh = heads.n == 0;
	rc = up ? rt_graph_plan_upgrade(ctx->graph, &heads, to, &plan)
	        : rt_graph_plan_downgrade(ctx->graph, &heads, to, &plan);
	if (rc < 0 || (rc = load_ops(ctx, &plan)) < 0 || (rc = out_session(ctx, &sk)) < 0)
		goto done;
	if (transactional && !per_migration)
		out_stmt(ctx, "BEGIN");
	if (fresh && up) {
		if ((rc = render_tables(ctx, &sk)) < 0)
			goto done;
		if (sk.n)
			out_stmt(ctx, sk.stmts[0].sql); /* the version table; history is online-only */
		rt_sink_reset(&sk);
	}
	for (k = 0; k < plan.n; k++) {
		const rt_step *s = &plan.steps[k];
		const retort_op *ops = s->up ? s->rev->upgrade : s->rev->downgrade;
		size_t nops = s->up ? s->rev->nupgrade : s->rev->ndowngrade;
		rt_vt_changes ch = {NULL, 0, 0};
		char *parents = rt_strv_join(&s->rev->parents, ", ");
		if (transactional && per_migration)
			out_stmt(ctx, "BEGIN");
		if (s->up)
			fprintf(ctx->sql_out, "-- Running upgrade %s -> %s\n\n", parents ? parents : "", s->rev->id);
		else
			fprintf(ctx->sql_out, "-- Running downgrade %s -> %s\n\n", s->rev->id, parents ? parents : "");
		rt_free(parents);
		for (i = 0; i < nops; i++) {
			size_t j;
			rt_sink_reset(&sk);
			if ((rc = render_op(ctx, &ops[i], &sk, 0)) < 0) {
				rt_error_prefix("%s (%s), operation %zu", s->rev->id, s->rev->path, i + 1);
				goto done;
			}
			for (j = 0; j < sk.n; j++) {
				int notx = (sk.stmts[j].flags & RETORT_STMT_NO_TRANSACTION) && transactional;
				if (notx)
					out_stmt(ctx, "COMMIT");
				out_stmt(ctx, sk.stmts[j].sql);
				if (notx)
					out_stmt(ctx, "BEGIN");
			}
		}
		if ((rc = rt_graph_step_heads(ctx->graph, &heads, s, &ch)) < 0 || (rc = vt_apply_all(ctx, &ch, 1)) < 0) {
			rt_vt_changes_free(&ch);
			goto done;
		}
		rt_vt_changes_free(&ch);
		if (transactional && per_migration)
			out_stmt(ctx, "COMMIT");
	}
	if (transactional && !per_migration)
		out_stmt(ctx, "COMMIT");
	fflush(ctx->sql_out);
done:
	rt_sink_free(&sk);
	rt_plan_free(&plan);
	rt_strv_free(&heads);
	rt_free(from);
	rt_free(to);
	return rc;
}

/* ---- stamp ---- */

/*
 * Move the version table from rows `from` to rows `to`: delete what goes,
 * insert what comes (purge: delete and insert everything).  Online, each
 * stamped revision gets a history row and an event; `started` is its time.
 */
static int stamp_rows(rt_ctx *ctx, const rt_strv *from, const rt_strv *to, int purge, int offline,
                      const char *started)
{
	size_t i;
	int rc;
	for (i = 0; i < from->n; i++) {
		rt_vt_change c = {RT_VT_DELETE, from->v[i], NULL};
		if ((purge || rt_strv_find(to, from->v[i]) < 0) && (rc = vt_apply(ctx, &c, offline)) < 0)
			return rc;
	}
	for (i = 0; i < to->n; i++) {
		rt_vt_change c = {RT_VT_INSERT, NULL, to->v[i]};
		rt_revision *r = rt_graph_get(ctx->graph, to->v[i]);
		if (!purge && rt_strv_find(from, to->v[i]) >= 0)
			continue;
		if ((rc = vt_apply(ctx, &c, offline)) < 0)
			return rc;
		if (offline)
			continue;
		if ((rc = history_row(ctx, to->v[i], "stamp", "ok", NULL, r ? r->checksum : NULL, started, 0)) < 0)
			return rc;
		if (!ctx->quiet)
			fprintf(stderr, "Running stamp_revision -> %s\n", to->v[i]);
		rt_ctx_event(ctx, "revision.after", r, "stamp", "stamped", started, 0, NULL, NULL);
	}
	return RETORT_OK;
}

int rt_run_stamp(rt_ctx *ctx, const char *const *targets, size_t n, int purge, int sql)
{
	rt_strv heads = RT_STRV_INIT, next = RT_STRV_INIT;
	int rc, exists = 0;
	size_t i;
	char started[32];
	long long t0 = now_ms();
	retort_sink sk;

	rt_sink_init(&sk);
	iso_now(started);
	if (sql) {
		/* offline: each target may be FROM:TO; the starting revisions must agree */
		rt_strv tos = RT_STRV_INIT;
		char *from0 = NULL;
		if (purge) {
			rt_error_set("Can't use --purge with --sql mode");
			return RETORT_EINVAL;
		}
		if ((rc = rt_ctx_dialect(ctx)) < 0)
			return rc;
		for (i = 0; i < n; i++) {
			char *f = NULL, *t = NULL;
			if (strchr(targets[i], ':')) {
				if ((rc = rt_range_split(targets[i], &f, &t)) < 0)
					goto off_done;
			} else {
				t = rt_strdup(targets[i]);
			}
			if (i > 0 && ((f == NULL) != (from0 == NULL) || (f && strcmp(f, from0) != 0))) {
				rt_error_set("Stamp operation with --sql only supports a single starting revision at a time");
				rt_free(f);
				rt_free(t);
				rc = RETORT_EINVAL;
				goto off_done;
			}
			if (i == 0)
				from0 = f;
			else
				rt_free(f);
			if ((rc = rt_strv_push_owned(&tos, t ? t : rt_strdup("base"))) < 0)
				goto off_done;
		}
		if (from0 && (rc = rt_graph_resolve(ctx->graph, from0, &heads, 0, &heads)) < 0)
			goto off_done;
		if ((rc = rt_graph_plan_stamp(ctx->graph, &heads, (const char *const *)tos.v, tos.n, 0, &next)) < 0)
			goto off_done;
		if (dialect_is_transactional(ctx))
			out_stmt(ctx, "BEGIN");
		if (!from0) {
			if ((rc = render_tables(ctx, &sk)) < 0)
				goto off_done;
			if (sk.n)
				out_stmt(ctx, sk.stmts[0].sql);
		}
		if ((rc = stamp_rows(ctx, &heads, &next, 0, 1, NULL)) < 0)
			goto off_done;
		if (dialect_is_transactional(ctx))
			out_stmt(ctx, "COMMIT");
	off_done:
		rt_free(from0);
		rt_strv_free(&tos);
		rt_strv_free(&heads);
		rt_strv_free(&next);
		rt_sink_free(&sk);
		return rc;
	}

	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if ((rc = rt_ctx_event(ctx, "migrate.before", NULL, "stamp", NULL, started, -1, NULL, NULL)) < 0)
		return rc;
	if ((rc = take_lock(ctx)) < 0)
		goto out_event;
	if ((rc = tx_begin(ctx)) < 0 || (rc = rt_db_read_heads(ctx, &heads, &exists, NULL)) < 0)
		goto out;
	if (!purge && (rc = rt_graph_check_current(ctx->graph, &heads)) < 0)
		goto out;
	if ((rc = rt_graph_plan_stamp(ctx->graph, &heads, targets, n, purge, &next)) < 0)
		goto out;
	if ((rc = ensure_tables(ctx)) < 0)
		goto out;
	if ((rc = stamp_rows(ctx, &heads, &next, purge, 0, started)) < 0)
		goto out;
	rc = tx_commit(ctx);
out:
	if (rc < 0)
		tx_rollback(ctx);
	release_lock(ctx);
out_event:
	if (rc < 0) {
		char msg[4096];
		snprintf(msg, sizeof msg, "%s", rt_error_msg());
		rt_ctx_event(ctx, "migrate.error", NULL, "stamp", "failed", started, now_ms() - t0, msg, NULL);
		rt_error_set("%s", msg);
	} else {
		rt_ctx_event(ctx, "migrate.after", NULL, "stamp", "stamped", started, now_ms() - t0, NULL, NULL);
	}
	rt_strv_free(&heads);
	rt_strv_free(&next);
	rt_sink_free(&sk);
	return rc;
}

int rt_run_repair(rt_ctx *ctx)
{
	int rc;
	char *failed = NULL;
	char started[32];
	rt_strv heads = RT_STRV_INIT;
	iso_now(started);
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if ((rc = take_lock(ctx)) < 0)
		return rc;
	if ((rc = tx_begin(ctx)) < 0 || (rc = rt_db_read_heads(ctx, &heads, NULL, &failed)) < 0)
		goto out;
	if (!failed) {
		if (!ctx->quiet)
			fprintf(stderr, "Nothing to repair: no failed revision is recorded.\n");
		goto out;
	}
	if ((rc = history_row(ctx, failed, "repair", "repaired", NULL, NULL, started, 0)) < 0)
		goto out;
	rc = tx_commit(ctx);
	if (rc == RETORT_OK && !ctx->quiet)
		fprintf(stderr, "Cleared the failure mark of revision %s; the version table is unchanged.\n", failed);
out:
	tx_rollback(ctx);
	release_lock(ctx);
	rt_free(failed);
	rt_strv_free(&heads);
	return rc;
}

typedef struct {
	rt_strv *ids, *sums;
} pairs_arg;

static int collect_pair(void *arg, size_t ncols, const char *const *values)
{
	pairs_arg *a = arg;
	long at;
	if (ncols < 2 || !values[0])
		return RETORT_OK;
	/* rows come oldest first: the newest checksum of a revision wins */
	at = rt_strv_find(a->ids, values[0]);
	if (at >= 0) {
		rt_free(a->sums->v[at]);
		a->sums->v[at] = rt_strdup(values[1] ? values[1] : "");
		return a->sums->v[at] ? RETORT_OK : RETORT_ENOMEM;
	}
	if (rt_strv_push(a->ids, values[0]) < 0)
		return RETORT_ENOMEM;
	return rt_strv_push(a->sums, values[1] ? values[1] : "");
}

int rt_db_applied_checksums(rt_ctx *ctx, rt_strv *ids, rt_strv *sums)
{
	pairs_arg a = {ids, sums};
	int rc, he = 0;
	char *ht, *sql;
	if ((rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->history_table, &he)) < 0)
		return plugin_fail(ctx, rc, "table_exists");
	if (!he)
		return RETORT_OK;
	if (!(ht = quote(ctx, 0, ctx->cfg->history_table)))
		return RETORT_ERROR;
	sql = rt_asprintf("SELECT revision, checksum FROM %s WHERE outcome = 'ok' AND direction IN ('upgrade', 'stamp') "
	                  "AND checksum IS NOT NULL ORDER BY id",
	                  ht);
	rt_free(ht);
	RT_CHECK_ALLOC(sql);
	rc = ctx->dialect->vt.dialect.query(ctx->conn, ctx->dialect->hctx, sql, collect_pair, &a);
	rt_free(sql);
	if (rc < 0)
		return plugin_fail(ctx, rc, "query");
	return RETORT_OK;
}
