/* The version and history tables: creation, the failure mark, step records, stamp rows, repair. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "histread.h"
#include "report.h"
#include "runner_int.h"

int rn_render_tables(rt_ctx *ctx, retort_sink *sk)
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
	rc = rn_render_op(ctx, &op, NULL, sk, 0);
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
		return rn_render_op(ctx, &op, NULL, sk, 0);
	}
}

int rn_ensure_tables(rt_ctx *ctx)
{
	int vexists = 0, hexists = 0, rc;
	retort_sink sk;
	size_t i;
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	if ((rc = d->table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, &vexists)) < 0 ||
	    (rc = d->table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->history_table, &hexists)) < 0)
		return rn_plugin_fail(ctx, rc, "table_exists");
	if (vexists && hexists)
		return RETORT_OK;
	rt_sink_init(&sk);
	if ((rc = rn_render_tables(ctx, &sk)) < 0)
		goto done;
	/* statement 0 is the version table; the rest the history table */
	for (i = 0; i < sk.n; i++) {
		if (i == 0 && vexists)
			continue;
		if (i > 0 && hexists)
			continue;
		if ((rc = rn_exec_sql(ctx, sk.stmts[i].sql)) < 0)
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

int rn_query_col(rt_ctx *ctx, const char *sql, rt_strv *out)
{
	rows_arg a = {out};
	int rc = ctx->dialect->vt.dialect.query(ctx->conn, ctx->dialect->hctx, sql, collect_first, &a);
	if (rc < 0)
		return rn_plugin_fail(ctx, rc, "query");
	return RETORT_OK;
}

/*
 * SELECT cols FROM <history table> tail, each row to fn; nothing when the
 * table does not exist.  A status fn returns (RETORT_ENOMEM) is returned
 * as it is.
 */
static int query_history(rt_ctx *ctx, const char *cols, const char *tail, retort_row_fn fn, void *arg)
{
	int rc, he = 0;
	char *ht, *sql;
	if ((rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->history_table, &he)) < 0)
		return rn_plugin_fail(ctx, rc, "table_exists");
	if (!he)
		return RETORT_OK;
	if (!(ht = rn_quote(ctx, 0, ctx->cfg->history_table)))
		return RETORT_ERROR;
	sql = rt_asprintf("SELECT %s FROM %s %s", cols, ht, tail);
	rt_free(ht);
	RT_CHECK_ALLOC(sql);
	rc = ctx->dialect->vt.dialect.query(ctx->conn, ctx->dialect->hctx, sql, fn, arg);
	rt_free(sql);
	if (rc == RETORT_ENOMEM)
		rt_error_set("out of memory");
	else if (rc < 0)
		rn_plugin_fail(ctx, rc, "query");
	return rc;
}

/*
 * The mark of a revision that did not finish.  A step that cannot roll back
 * as a whole commits a `running` history row before it starts changing
 * the schema (runner.c, run_step) and turns it into `ok` together with its
 * version-table change; a failure leaves it `running` and adds a `failed`
 * row with the error after it.  So, newest first, among the rows
 * `running`, `repaired` and, on a dialect without transactional DDL (where
 * every failure may leave part of a script applied), `failed`: the first
 * one decides.  `repaired` clears; `running` or `failed` marks the
 * revision, unless the `running` row belongs to a step in progress now
 * (its process holds the migration lock).
 */
typedef struct mark_scan {
	int transactional, decided;
	rt_strv failed;   /* newer `failed` rows seen: run_id, revision, error (triples) */
	char *revision, *outcome, *error, *run_id, *started_at, *who;
} mark_scan;

static int scan_mark(void *arg, size_t ncols, const char *const *v)
{
	mark_scan *m = arg;
	size_t i;
	if (m->decided || ncols < 7 || !v[0] || !v[1])
		return RETORT_OK;
	if (strcmp(v[1], "failed") == 0 && m->transactional)
		return rt_strv_push(&m->failed, v[2] ? v[2] : "") < 0 || rt_strv_push(&m->failed, v[0]) < 0 ||
		               rt_strv_push(&m->failed, v[3] ? v[3] : "") < 0
		           ? RETORT_ENOMEM
		           : RETORT_OK;
	m->decided = 1;
	if (strcmp(v[1], "repaired") == 0)
		return RETORT_OK;
	m->revision = rt_strdup(v[0]);
	m->outcome = rt_strdup(v[1]);
	m->run_id = rt_strdup(v[2] ? v[2] : "");
	m->error = v[3] ? rt_strdup(v[3]) : NULL;
	m->started_at = rt_strdup(v[4] ? v[4] : "?");
	m->who = rt_asprintf("%s@%s", v[5] ? v[5] : "?", v[6] ? v[6] : "?");
	/* a `running` row followed by the `failed` row of the same run: the step failed part-way */
	for (i = 0; !m->error && i + 2 < m->failed.n; i += 3)
		if (strcmp(m->failed.v[i], m->run_id ? m->run_id : "") == 0 && strcmp(m->failed.v[i + 1], v[0]) == 0)
			m->error = rt_strdup(m->failed.v[i + 2]);
	return m->revision && m->outcome && m->run_id && m->started_at && m->who ? RETORT_OK : RETORT_ENOMEM;
}

/* Is the migration lock free (nobody migrating now)?  Tried once, without waiting. */
int rn_lock_is_free(rt_ctx *ctx, int *is_free)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	int rc = d->lock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, 0);
	*is_free = rc == RETORT_OK;
	if (rc == RETORT_OK)
		d->unlock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table);
	else if (rc != RETORT_ELOCKED)
		return rn_plugin_fail(ctx, rc, "lock");
	rt_hctx_clear_error(ctx->dialect->hctx);
	return RETORT_OK;
}

int rn_read_mark(rt_ctx *ctx, char **failed)
{
	char *first;
	mark_scan m;
	int rc, is_free = 1;
	*failed = NULL;
	rt_free(ctx->mark_note);
	ctx->mark_note = NULL;
	memset(&m, 0, sizeof m);
	m.transactional = rn_dialect_is_transactional(ctx);
	/*
	 * Once the history read clean (no mark, no step in progress), later
	 * reads of the same run (resync, before each revision without
	 * transactional DDL) look only at the rows added since: the outcome has
	 * no index, and a full scan each revision grows with the history.
	 */
	{
		char *tail = rt_asprintf("WHERE %s%s%soutcome IN ('running', 'failed', 'repaired') ORDER BY id DESC",
		                         ctx->mark_seen ? "id > " : "", ctx->mark_seen ? ctx->mark_seen : "",
		                         ctx->mark_seen ? " AND " : "");
		rt_strv max = RT_STRV_INIT;
		rows_arg ma = {&max};
		RT_CHECK_ALLOC(tail);
		if (!ctx->mark_seen && (rc = query_history(ctx, "MAX(id)", "", collect_first, &ma)) < 0) {
			rt_free(tail);
			goto done;
		}
		rc = query_history(ctx, "revision, outcome, run_id, error, started_at, run_user, run_host", tail, scan_mark, &m);
		rt_free(tail);
		if (rc >= 0 && !m.revision && max.n && !(ctx->mark_seen = rt_strdup(max.v[0])))
			rc = RETORT_ENOMEM;
		rt_strv_free(&max);
	}
	if (rc < 0)
		goto done;
	if (!m.revision)
		goto done;
	if (strcmp(m.outcome, "running") == 0 && !m.error && !ctx->locked && (rc = rn_lock_is_free(ctx, &is_free)) < 0)
		goto done;
	if (!is_free)
		goto done; /* a step in progress in another process */
	if ((first = m.error ? strchr(m.error, '\n') : NULL) != NULL)
		*first = '\0';
	{
		rt_revision *r = ctx->graph ? rt_graph_get(ctx->graph, m.revision) : NULL;
		const char *how = strcmp(m.outcome, "running") != 0 || m.error
		                      ? "failed part-way"
		                      : "was interrupted (its process died or lost the database)";
		ctx->mark_note = rt_asprintf("revision %s%s%s%s %s on this %s database (run %s by %s at %s UTC)%s%s; what "
		                             "ran of it is applied and was not undone: check the schema against the script",
		                             m.revision, r ? " (" : "", r ? r->path : "", r ? ")" : "", how,
		                             ctx->dialect->desc.name, m.run_id, m.who, m.started_at, m.error ? ": " : "",
		                             m.error ? m.error : "");
	}
	if (!ctx->mark_note || !(*failed = rt_strdup(m.revision))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
	}
done:
	rt_strv_free(&m.failed);
	rt_free(m.revision);
	rt_free(m.outcome);
	rt_free(m.error);
	rt_free(m.run_id);
	rt_free(m.started_at);
	rt_free(m.who);
	return rc < 0 ? rc : RETORT_OK;
}

int rt_db_read_heads(rt_ctx *ctx, rt_strv *heads, int *exists, char **failed)
{
	int rc, e = 0;
	char *vt, *sql;
	if (failed)
		*failed = NULL;
	if ((rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, &e)) < 0)
		return rn_plugin_fail(ctx, rc, "table_exists");
	if (exists)
		*exists = e;
	if (!e)
		return RETORT_OK;
	if (!(vt = rn_quote(ctx, 0, ctx->cfg->version_table)))
		return RETORT_ERROR;
	sql = rt_asprintf("SELECT version_num FROM %s", vt);
	rt_free(vt);
	RT_CHECK_ALLOC(sql);
	rc = rn_query_col(ctx, sql, heads);
	rt_free(sql);
	if (rc < 0)
		return rc;
	if (failed && (rc = rn_read_mark(ctx, failed)) < 0)
		return rc;
	return RETORT_OK;
}

/* Render the version-table change as SQL. */
char *rn_vt_sql(rt_ctx *ctx, const rt_vt_change *c)
{
	char *vt = rn_quote(ctx, 0, ctx->cfg->version_table), *a = NULL, *b = NULL, *sql = NULL;
	if (!vt)
		return NULL;
	if (c->from && !(a = rn_quote(ctx, 1, c->from)))
		goto done;
	if (c->to && !(b = rn_quote(ctx, 1, c->to)))
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

void rn_out_stmt(rt_ctx *ctx, const char *sql)
{
	fprintf(ctx->sql_out, "%s;\n\n", sql);
}

/* Make one version-table change: run it, or print it when offline. */
int rn_vt_apply(rt_ctx *ctx, const rt_vt_change *c, int offline)
{
	char *sql = rn_vt_sql(ctx, c);
	int rc = RETORT_OK;
	if (!sql)
		return RETORT_ERROR;
	if (offline)
		rn_out_stmt(ctx, sql);
	else
		rc = rn_exec_sql(ctx, sql);
	rt_free(sql);
	return rc;
}

int rn_vt_apply_all(rt_ctx *ctx, const rt_vt_changes *ch, int offline)
{
	size_t i;
	int rc;
	for (i = 0; i < ch->n; i++)
		if ((rc = rn_vt_apply(ctx, &ch->v[i], offline)) < 0)
			return rc;
	return RETORT_OK;
}

/* The history row as SQL text (the host's own composition, used when the dialect has no record_step). */
static char *history_sql(rt_ctx *ctx, const retort_step_record *rec)
{
	char *ht = rn_quote(ctx, 0, ctx->cfg->history_table);
	char *q[8] = {NULL};
	const char *vals[8] = {rec->run_id, rec->revision, rec->direction, rec->outcome,
	                       rec->error,  rec->checksum, rec->run_user,  rec->run_host};
	char *sql = NULL, *st = NULL;
	int i;
	if (!ht)
		return NULL;
	for (i = 0; i < 8; i++) {
		if (vals[i] && !(q[i] = rn_quote(ctx, 1, vals[i])))
			goto done;
	}
	if (!(st = rn_quote(ctx, 1, rec->started_at)))
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
void rn_step_record(rt_ctx *ctx, retort_step_record *rec, retort_version_change *vc, const rt_vt_changes *ch,
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

/* The step's `running` row becomes its final row: outcome and duration. */
static char *finish_sql(rt_ctx *ctx, const retort_step_record *rec)
{
	char *ht = rn_quote(ctx, 0, ctx->cfg->history_table), *q[4] = {NULL}, *sql = NULL;
	const char *vals[4] = {rec->outcome, rec->run_id, rec->revision, rec->direction};
	int i;
	if (!ht)
		return NULL;
	for (i = 0; i < 4; i++)
		if (!(q[i] = rn_quote(ctx, 1, vals[i])))
			goto done;
	/*
	 * The row is newer than the history read before the run (mark_seen):
	 * `id >` keeps this to a key range instead of a scan of the whole
	 * history (nothing else of the history table has an index) each step.
	 */
	sql = rt_asprintf("UPDATE %s SET outcome = %s, duration_ms = %lld WHERE %s%s%srun_id = %s AND revision = %s AND "
	                  "direction = %s AND outcome = 'running'",
	                  ht, q[0], rec->duration_ms < 0 ? 0 : rec->duration_ms, ctx->mark_seen ? "id > " : "",
	                  ctx->mark_seen ? ctx->mark_seen : "", ctx->mark_seen ? " AND " : "", q[1], q[2], q[3]);
	if (!sql)
		rt_error_set("out of memory");
done:
	for (i = 0; i < 4; i++)
		rt_free(q[i]);
	rt_free(ht);
	return sql;
}

int rn_record(rt_ctx *ctx, const retort_step_record *rec, int finish_running)
{
	rt_strv sqls = RT_STRV_INIT;
	size_t i, failed;
	char *sql;
	int rc;
	if (!finish_running && has_record_step(ctx)) {
		rc = ctx->dialect->vt.dialect.record_step(ctx->conn, ctx->dialect->hctx, rec);
		return rc < 0 ? rn_plugin_fail(ctx, rc, "record_step") : RETORT_OK;
	}
	for (i = 0; i < rec->nchanges; i++) {
		rt_vt_change c;
		c.kind = (rt_vt_kind)rec->changes[i].kind;
		c.from = (char *)rec->changes[i].from;
		c.to = (char *)rec->changes[i].to;
		if (!(sql = rn_vt_sql(ctx, &c)) || (rc = rt_strv_push_owned(&sqls, sql)) < 0) {
			rc = sql ? rc : RETORT_ERROR;
			goto done;
		}
	}
	sql = finish_running ? finish_sql(ctx, rec) : history_sql(ctx, rec);
	if (!sql || (rc = rt_strv_push_owned(&sqls, sql)) < 0) {
		rc = sql ? rc : RETORT_ERROR;
		goto done;
	}
	rc = rn_exec_batch(ctx, (const char *const *)sqls.v, sqls.n, &failed);
done:
	rt_strv_free(&sqls);
	return rc;
}

int rn_history_row(rt_ctx *ctx, const char *revision, const char *direction, const char *outcome,
                       const char *error, const char *checksum, const char *started_at, long long duration_ms)
{
	retort_step_record rec;
	rn_step_record(ctx, &rec, NULL, NULL, revision, direction, outcome, error, checksum, started_at, duration_ms);
	return rn_record(ctx, &rec, 0);
}

/* ---- stamp ---- */

/*
 * Move the version table from rows `from` to rows `to`: delete what goes,
 * insert what comes (purge: delete and insert everything).  Online, each
 * stamped revision gets a history row and an event; `started` is its time.
 */
int rn_stamp_rows(rt_ctx *ctx, const rt_strv *from, const rt_strv *to, int purge, int offline,
                      const char *started)
{
	size_t i;
	int rc;
	for (i = 0; i < from->n; i++) {
		rt_vt_change c = {RT_VT_DELETE, from->v[i], NULL};
		if ((purge || rt_strv_find(to, from->v[i]) < 0) && (rc = rn_vt_apply(ctx, &c, offline)) < 0)
			return rc;
	}
	for (i = 0; i < to->n; i++) {
		rt_vt_change c = {RT_VT_INSERT, NULL, to->v[i]};
		rt_revision *r = rt_graph_get(ctx->graph, to->v[i]);
		if (!purge && rt_strv_find(from, to->v[i]) >= 0)
			continue;
		if ((rc = rn_vt_apply(ctx, &c, offline)) < 0)
			return rc;
		if (offline)
			continue;
		if ((rc = rn_history_row(ctx, to->v[i], "stamp", "ok", NULL, r ? r->checksum : NULL, started, 0)) < 0)
			return rc;
		if (!ctx->quiet)
			rt_report(RT_REPORT_PROGRESS, "Running stamp_revision -> %s\n", to->v[i]);
		rt_ctx_event(ctx, "revision.after", r, "stamp", "stamped", started, 0, NULL, NULL);
	}
	return RETORT_OK;
}

/* repair and repair --checksums: connected, locked, in a transaction, the version table and the mark read */
static int repair_begin(rt_ctx *ctx, rt_strv *heads, char **failed, char started[32])
{
	int rc;
	rn_iso_now(started);
	if ((rc = rt_ctx_connect(ctx)) < 0 || (rc = rn_take_lock(ctx)) < 0)
		return rc;
	if ((rc = rn_tx_begin(ctx)) < 0 || (rc = rt_db_read_heads(ctx, heads, NULL, failed)) < 0) {
		rn_tx_rollback(ctx);
		rn_release_lock(ctx);
	}
	return rc;
}

int rt_run_repair(rt_ctx *ctx)
{
	int rc;
	char *failed = NULL;
	char started[32];
	rt_strv heads = RT_STRV_INIT;
	if ((rc = repair_begin(ctx, &heads, &failed, started)) < 0)
		goto done;
	if (!failed) {
		if (!ctx->quiet)
			rt_report(RT_REPORT_PROGRESS, "Nothing to repair: no failed revision is recorded.\n");
		goto out;
	}
	if ((rc = rn_history_row(ctx, failed, "repair", "repaired", NULL, NULL, started, 0)) < 0)
		goto out;
	rc = rn_tx_commit(ctx);
	if (rc == RETORT_OK && !ctx->quiet)
		rt_report(RT_REPORT_PROGRESS, "Cleared the failure mark of revision %s; the version table is unchanged.\n",
		          failed);
out:
	rn_tx_rollback(ctx);
	rn_release_lock(ctx);
done:
	rt_free(failed);
	rt_strv_free(&heads);
	return rc;
}

/*
 * repair --checksums: accept the edited scripts of applied revisions (all,
 * or those in `only`) by recording each one's new checksum in a `repaired`
 * history row; validate compares with the newest recorded checksum.
 */
int rt_run_repair_checksums(rt_ctx *ctx, const rt_strv *only, rt_strv *accepted)
{
	int rc;
	char *failed = NULL;
	char started[32];
	rt_strv heads = RT_STRV_INIT;
	rt_checksum_report rep;
	size_t i;
	memset(&rep, 0, sizeof rep);
	if ((rc = repair_begin(ctx, &heads, &failed, started)) < 0)
		goto done;
	if (failed) {
		rt_error_set("revision %s is marked failed: repair the database, run `retort repair`, then accept edited "
		             "scripts",
		             failed);
		rc = RETORT_ERROR;
		goto out;
	}
	if ((rc = rt_graph_check_current(ctx->graph, &heads)) < 0 || (rc = rt_db_check_checksums(ctx, &heads, &rep)) < 0)
		goto out;
	for (i = 0; i < only->n; i++) {
		size_t k;
		for (k = 0; k < rep.n && !(rep.v[k].applied && strcmp(rep.v[k].rev->id, only->v[i]) == 0); k++)
			;
		if (k == rep.n) {
			rt_error_set("revision %s: nothing to accept (not applied, or its script matches the checksum it was "
			             "applied with)",
			             only->v[i]);
			rc = RETORT_EINVAL;
			goto out;
		}
	}
	for (i = 0; i < rep.n; i++) {
		const rt_revision *r = rep.v[i].rev;
		if (!rep.v[i].applied || (only->n && rt_strv_find(only, r->id) < 0))
			continue;
		if ((rc = rn_history_row(ctx, r->id, "repair", "repaired", NULL, r->checksum, started, 0)) < 0 ||
		    (rc = rt_strv_push(accepted, r->id)) < 0)
			goto out;
	}
	rc = rn_tx_commit(ctx);
out:
	rn_tx_rollback(ctx);
	rn_release_lock(ctx);
done:
	rt_free(failed);
	rt_strv_free(&heads);
	rt_checksum_report_free(&rep);
	return rc;
}

char *rt_ctx_quote(rt_ctx *ctx, int literal, const char *s)
{
	return rn_quote(ctx, literal, s);
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
	int rc = query_history(ctx, "revision, checksum",
	                       /* a `repaired` row with a checksum is an accepted edit (repair --checksums) */
	                       "WHERE ((outcome = 'ok' AND direction IN ('upgrade', 'stamp')) OR (outcome = 'repaired' "
	                       "AND direction = 'repair')) AND checksum IS NOT NULL ORDER BY id",
	                       collect_pair, &a);
	return rc < 0 ? rc : RETORT_OK;
}

