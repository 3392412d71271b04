/* Offline --sql: the script an upgrade, downgrade or stamp would run, printed without connecting. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner_int.h"

/*
 * The script is written to memory and printed only once all of it is
 * rendered: an operation refused half-way (a SQLite rebuild needs the live
 * schema) prints nothing, so `> upgrade.sql` never keeps a broken script.
 */
int rn_script_open(rt_ctx *ctx, rn_script_out *so)
{
	so->dest = ctx->sql_out;
	so->buf = NULL;
	so->len = 0;
	if (!(ctx->sql_out = open_memstream(&so->buf, &so->len))) {
		ctx->sql_out = so->dest;
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	return RETORT_OK;
}

/* Print the script when rc is a success; returns rc (or a write error). */
int rn_script_close(rt_ctx *ctx, rn_script_out *so, int rc)
{
	if (fclose(ctx->sql_out) != 0 && rc >= 0) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
	}
	ctx->sql_out = so->dest;
	if (rc >= 0 && so->len && fwrite(so->buf, 1, so->len, so->dest) != so->len) {
		rt_error_set("could not write the script: %s", strerror(errno));
		rc = RETORT_ERROR;
	}
	free(so->buf); /* open_memstream's buffer comes from malloc */
	return rc;
}

/* The dialect's session set-up (session_sql), at the top of an offline script. */
int rn_out_session(rt_ctx *ctx, retort_sink *sk)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	size_t j;
	int rc;
	if (!RETORT_STRUCT_HAS(d, retort_dialect_vtable, session_sql) || !d->session_sql)
		return RETORT_OK;
	rt_sink_reset(sk);
	if ((rc = d->session_sql(ctx->dialect->state, ctx->dialect->hctx, sk)) < 0)
		return rn_plugin_fail(ctx, rc, "session_sql");
	for (j = 0; j < sk->n; j++)
		rn_out_stmt(ctx, sk->stmts[j].sql);
	rt_sink_reset(sk);
	return RETORT_OK;
}

int rt_run_offline(rt_ctx *ctx, int up, const char *target)
{
	char *from = NULL, *to = NULL;
	rt_strv heads = RT_STRV_INIT;
	rt_plan plan = {NULL, 0};
	int rc, transactional, per_migration, fresh, opened = 0;
	size_t k, i;
	retort_sink sk;
	rn_script_out so;

	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	rt_sink_init(&sk);
	transactional = rn_dialect_is_transactional(ctx);
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
	if ((rc = rn_make_plan(ctx, up, &heads, to, &plan)) < 0 || (rc = rn_script_open(ctx, &so)) < 0)
		goto done;
	opened = 1;
	if ((rc = rn_out_session(ctx, &sk)) < 0)
		goto done;
	if (transactional && !per_migration)
		rn_out_stmt(ctx, "BEGIN");
	if (fresh && up) {
		if ((rc = rn_render_tables(ctx, &sk)) < 0)
			goto done;
		if (sk.n)
			rn_out_stmt(ctx, sk.stmts[0].sql); /* the version table; history is online-only */
		rt_sink_reset(&sk);
	}
	for (k = 0; k < plan.n; k++) {
		const rt_step *s = &plan.steps[k];
		const retort_op *ops = s->up ? s->rev->upgrade : s->rev->downgrade;
		size_t nops = s->up ? s->rev->nupgrade : s->rev->ndowngrade;
		rt_vt_changes ch = {NULL, 0, 0};
		char *parents = rt_strv_join(&s->rev->parents, ", ");
		if (transactional && per_migration)
			rn_out_stmt(ctx, "BEGIN");
		if (s->up)
			fprintf(ctx->sql_out, "-- Running upgrade %s -> %s\n\n", parents ? parents : "", s->rev->id);
		else
			fprintf(ctx->sql_out, "-- Running downgrade %s -> %s\n\n", s->rev->id, parents ? parents : "");
		rt_free(parents);
		for (i = 0; i < nops; i++) {
			size_t j;
			rt_sink_reset(&sk);
			if ((rc = rn_render_op(ctx, &ops[i], rn_op_more(s->rev, s->up, i), &sk, 0)) < 0) {
				rt_error_prefix("%s (%s), operation %zu", s->rev->id, s->rev->path, i + 1);
				goto done;
			}
			for (j = 0; j < sk.n; j++) {
				int notx = (sk.stmts[j].flags & RETORT_STMT_NO_TRANSACTION) && transactional;
				if (notx)
					rn_out_stmt(ctx, "COMMIT");
				rn_out_stmt(ctx, sk.stmts[j].sql);
				if (notx)
					rn_out_stmt(ctx, "BEGIN");
			}
		}
		if ((rc = rt_graph_step_heads(ctx->graph, &heads, s, &ch)) < 0 || (rc = rn_vt_apply_all(ctx, &ch, 1)) < 0) {
			rt_vt_changes_free(&ch);
			goto done;
		}
		rt_vt_changes_free(&ch);
		if (transactional && per_migration)
			rn_out_stmt(ctx, "COMMIT");
	}
	if (transactional && !per_migration)
		rn_out_stmt(ctx, "COMMIT");
done:
	if (opened)
		rc = rn_script_close(ctx, &so, rc);
	rt_sink_free(&sk);
	rt_plan_free(&plan);
	rt_strv_free(&heads);
	rt_free(from);
	rt_free(to);
	return rc;
}


/* stamp --sql: each target may be FROM:TO; the starting revisions must agree. */
int rn_stamp_offline(rt_ctx *ctx, const char *const *targets, size_t n, int purge)
{
	rt_strv heads = RT_STRV_INIT, next = RT_STRV_INIT, tos = RT_STRV_INIT;
	char *from0 = NULL;
	int rc;
	size_t i;
	retort_sink sk;
	rn_script_out so;

	if (purge) {
		rt_error_set("Can't use --purge with --sql mode");
		return RETORT_EINVAL;
	}
	if ((rc = rt_ctx_dialect(ctx)) < 0 || (rc = rn_script_open(ctx, &so)) < 0)
		return rc;
	rt_sink_init(&sk);
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
	if (rn_dialect_is_transactional(ctx))
		rn_out_stmt(ctx, "BEGIN");
	if (!from0) {
		if ((rc = rn_render_tables(ctx, &sk)) < 0)
			goto off_done;
		if (sk.n)
			rn_out_stmt(ctx, sk.stmts[0].sql);
	}
	if ((rc = rn_stamp_rows(ctx, &heads, &next, 0, 1, NULL)) < 0)
		goto off_done;
	if (rn_dialect_is_transactional(ctx))
		rn_out_stmt(ctx, "COMMIT");
off_done:
	rc = rn_script_close(ctx, &so, rc);
	rt_free(from0);
	rt_strv_free(&tos);
	rt_strv_free(&heads);
	rt_strv_free(&next);
	rt_sink_free(&sk);
	return rc;
}
