/*
 * Who holds the migration lock: the dialect's lock_holder_sql run through
 * its own query(), or, for a dialect that cannot tell (SQLite), only
 * whether the lock is held, learnt by taking it without waiting.  Used by
 * the lock events (runner.c) and `retort lock`.
 */
#include "config.h"

#include <string.h>

#include "host.h"
#include "runner_int.h"

enum { HOLDER_FIELDS = 5 }; /* session, user, application, client, since */

static char **holder_field(retort_lock_holder *hd, size_t i)
{
	const char **f[HOLDER_FIELDS] = {&hd->session, &hd->user, &hd->application, &hd->client, &hd->since};
	return (char **)f[i];
}

static int holder_row(void *arg, size_t ncols, const char *const *values)
{
	rt_lock_state *ls = arg;
	size_t i;
	if (ls->held)
		return RETORT_OK; /* the first row only */
	ls->held = 1;
	for (i = 0; i < HOLDER_FIELDS && i < ncols; i++)
		if (values[i] && !(*holder_field(&ls->holder, i) = rt_strdup(values[i])))
			return RETORT_ENOMEM;
	return RETORT_OK;
}

int rn_has_lock_holder(const rt_ctx *ctx)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	return RETORT_STRUCT_HAS(d, retort_dialect_vtable, lock_holder_sql) && d->lock_holder_sql;
}

int rn_lock_holder_query(rt_ctx *ctx, rt_lock_state *ls)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	retort_sink sk;
	int rc;
	rt_lock_state_free(ls);
	ls->holder.size = sizeof ls->holder;
	rt_sink_init(&sk);
	rc = d->lock_holder_sql(ctx->dialect->state, ctx->dialect->hctx, ctx->cfg->version_table, &sk);
	if (rc < 0)
		rn_plugin_fail(ctx, rc, "lock_holder_sql");
	else if ((rc = d->query(ctx->conn, ctx->dialect->hctx, rt_sink_text(&sk), holder_row, ls)) == RETORT_ENOMEM)
		rt_error_set("out of memory");
	else if (rc < 0)
		rn_plugin_fail(ctx, rc, "query (who holds the lock)");
	else
		ls->known = 1;
	rt_sink_free(&sk);
	return rc;
}

int rt_lock_read(rt_ctx *ctx, rt_lock_state *ls)
{
	int rc, is_free = 0;
	memset(ls, 0, sizeof *ls);
	ls->holder.size = sizeof ls->holder;
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if (rn_has_lock_holder(ctx))
		return rn_lock_holder_query(ctx, ls);
	if ((rc = rn_lock_is_free(ctx, &is_free)) < 0)
		return rc;
	ls->held = !is_free;
	return RETORT_OK;
}

char *rt_lock_holder_text(const retort_lock_holder *hd)
{
	rt_buf b = RT_BUF_INIT;
	int paren = 0;
	rt_buf_printf(&b, "session %s", hd->session ? hd->session : "?");
	if (hd->user)
		rt_buf_printf(&b, " of user %s", hd->user);
	if (hd->application) {
		rt_buf_printf(&b, " (application %s", hd->application);
		paren = 1;
	}
	if (hd->client) {
		rt_buf_printf(&b, "%sclient %s", paren ? ", " : " (", hd->client);
		paren = 1;
	}
	if (paren)
		rt_buf_putc(&b, ')');
	if (hd->since)
		rt_buf_printf(&b, ", connected since %s", hd->since);
	return rt_buf_detach(&b);
}

void rt_lock_state_free(rt_lock_state *ls)
{
	size_t i;
	for (i = 0; i < HOLDER_FIELDS; i++) {
		rt_free(*holder_field(&ls->holder, i));
		*holder_field(&ls->holder, i) = NULL;
	}
	ls->held = ls->known = 0;
}
