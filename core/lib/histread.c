/* Reading the history table: the rows for `retort log`, the checksums for validate and repair --checksums. */
#include "config.h"

#include <string.h>

#include "histread.h"

/* ---- retort log ---- */

#define HIST_COLS 9 /* the SELECT's columns, in rt_history_row's order */

typedef struct hist_arg {
	rt_history_rows *rows;
	size_t limit;
} hist_arg;

static void row_free(rt_history_row *r)
{
	rt_free(r->started_at);
	rt_free(r->user);
	rt_free(r->host);
	rt_free(r->direction);
	rt_free(r->revision);
	rt_free(r->outcome);
	rt_free(r->duration_ms);
	rt_free(r->error);
	rt_free(r->run_id);
}

static int collect_row(void *arg, size_t ncols, const char *const *values)
{
	hist_arg *a = arg;
	rt_history_row *v, *r;
	char **f[HIST_COLS];
	size_t i;
	if (ncols < HIST_COLS || (a->limit && a->rows->n >= a->limit))
		return RETORT_OK;
	/*
	 * A step that cannot roll back whole commits a `running` row first;
	 * when the same run later recorded the step's outcome (a newer row),
	 * that row is the step's record and the `running` one is not shown.
	 * A `running` row with no outcome after it (a killed run) stays.
	 */
	if (values[5] && strcmp(values[5], "running") == 0 && values[8])
		for (i = 0; i < a->rows->n; i++) {
			const rt_history_row *o = &a->rows->v[i];
			if (o->run_id && strcmp(o->run_id, values[8]) == 0 && o->revision && values[4] &&
			    strcmp(o->revision, values[4]) == 0 && o->direction && values[3] &&
			    strcmp(o->direction, values[3]) == 0)
				return RETORT_OK;
		}
	if (!(v = rt_grow(a->rows->v, &a->rows->cap, a->rows->n, sizeof *v, 16)))
		return RETORT_ENOMEM;
	a->rows->v = v;
	r = &v[a->rows->n];
	memset(r, 0, sizeof *r);
	f[0] = &r->started_at, f[1] = &r->user, f[2] = &r->host, f[3] = &r->direction;
	f[4] = &r->revision, f[5] = &r->outcome, f[6] = &r->duration_ms, f[7] = &r->error;
	f[8] = &r->run_id;
	for (i = 0; i < HIST_COLS; i++) {
		if (values[i] && !(*f[i] = rt_strdup(values[i]))) {
			row_free(r);
			return RETORT_ENOMEM;
		}
	}
	a->rows->n++;
	return RETORT_OK;
}

/* " WHERE col = 'lit'" or " AND col = 'lit'" appended to b; NULL value: nothing */
static int filter_sql(rt_ctx *ctx, rt_buf *b, int *nwhere, const char *col, const char *value)
{
	char *lit;
	int rc;
	if (!value)
		return RETORT_OK;
	if (!(lit = rt_ctx_quote(ctx, 1, value)))
		return RETORT_ERROR;
	rc = rt_buf_printf(b, " %s %s = %s", (*nwhere)++ ? "AND" : "WHERE", col, lit);
	rt_free(lit);
	return rc;
}

int rt_db_history(rt_ctx *ctx, const rt_history_filter *f, rt_history_rows *rows)
{
	hist_arg a = {rows, f->limit};
	rt_buf sql = RT_BUF_INIT;
	char *ht = NULL;
	int rc, exists = 0, nwhere = 0;
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, ctx->cfg->history_table, &exists);
	if (rc < 0)
		return rt_hctx_take_error(ctx->dialect->hctx, rc, "table_exists");
	if (!exists)
		return RETORT_OK;
	if (!(ht = rt_ctx_quote(ctx, 0, ctx->cfg->history_table)))
		return RETORT_ERROR;
	if ((rc = rt_buf_printf(&sql,
	                        "SELECT started_at, run_user, run_host, direction, revision, outcome, duration_ms, "
	                        "error, run_id FROM %s",
	                        ht)) < 0 ||
	    (rc = filter_sql(ctx, &sql, &nwhere, "revision", f->revision)) < 0 ||
	    (rc = filter_sql(ctx, &sql, &nwhere, "outcome", f->outcome)) < 0 ||
	    (rc = rt_buf_puts(&sql, " ORDER BY id DESC")) < 0)
		goto done;
	rc = ctx->dialect->vt.dialect.query(ctx->conn, ctx->dialect->hctx, rt_buf_cstr(&sql), collect_row, &a);
	if (rc == RETORT_ENOMEM)
		rt_error_set("out of memory");
	else if (rc < 0)
		rt_hctx_take_error(ctx->dialect->hctx, rc, "query");
done:
	rt_free(ht);
	rt_buf_free(&sql);
	return rc;
}

void rt_history_rows_free(rt_history_rows *rows)
{
	size_t i;
	for (i = 0; i < rows->n; i++)
		row_free(&rows->v[i]);
	rt_free(rows->v);
	memset(rows, 0, sizeof *rows);
}

/* ---- checksums ---- */

static int push_issue(rt_checksum_report *rep, rt_revision *rev, const char *applied)
{
	rt_checksum_issue *v = rt_grow(rep->v, &rep->cap, rep->n, sizeof *v, 8);
	RT_CHECK_ALLOC(v);
	rep->v = v;
	v[rep->n].rev = rev;
	v[rep->n].applied = NULL;
	if (applied)
		RT_CHECK_ALLOC(v[rep->n].applied = rt_strdup(applied));
	rep->n++;
	return RETORT_OK;
}

int rt_db_check_checksums(rt_ctx *ctx, const rt_strv *cur, rt_checksum_report *rep)
{
	rt_strv ids = RT_STRV_INIT, sums = RT_STRV_INIT;
	size_t i, k;
	int rc;
	if ((rc = rt_db_applied_checksums(ctx, &ids, &sums)) < 0)
		goto done;
	for (i = 0; i < rt_graph_count(ctx->graph) && rc == RETORT_OK; i++) {
		rt_revision *r = rt_graph_at(ctx->graph, i);
		int is_applied = rt_strv_find(cur, r->id) >= 0;
		long at;
		for (k = 0; k < cur->n && !is_applied; k++)
			is_applied = rt_graph_is_ancestor(ctx->graph, r, rt_graph_get(ctx->graph, cur->v[k]));
		if (!is_applied)
			continue;
		rep->applied++;
		at = rt_strv_find(&ids, r->id);
		if (at < 0 || !*sums.v[at]) {
			rep->unknown++;
			rc = push_issue(rep, r, NULL);
		} else if (strcmp(sums.v[at], r->checksum) != 0) {
			rep->edited++;
			rc = push_issue(rep, r, sums.v[at]);
		}
	}
done:
	rt_strv_free(&ids);
	rt_strv_free(&sums);
	return rc;
}

void rt_checksum_report_free(rt_checksum_report *rep)
{
	size_t i;
	for (i = 0; i < rep->n; i++)
		rt_free(rep->v[i].applied);
	rt_free(rep->v);
	memset(rep, 0, sizeof *rep);
}
