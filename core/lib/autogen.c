/*
 * Autogenerate and check: the target schema (target_schema) against the
 * live database, as a diff (diff.c).
 *
 * The target is a .conf file read by schema_read.c, or a .sql file of
 * CREATE statements applied to a scratch database (dev_url; SQLite: an
 * in-memory database by default) that is emptied first and then
 * reflected, so retort never parses SQL.  Types, defaults and expressions
 * are compared through rt_schema_canon (schema_norm.c).
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "autogen.h"
#include "runner_int.h"
#include "sqlsplit.h"

/* ---- the database at head ---- */

int rt_autogen_at_head(rt_ctx *ctx)
{
	rt_strv cur = RT_STRV_INIT, want = RT_STRV_INIT, none = RT_STRV_INIT;
	int exists = 0, rc, same;
	size_t i;
	if ((rc = rt_db_read_heads(ctx, &cur, &exists, NULL)) < 0)
		return rc;
	rc = rt_graph_count(ctx->graph) ? rt_graph_resolve(ctx->graph, "heads", &none, 0, &want) : RETORT_OK;
	same = rc == RETORT_OK && cur.n == want.n;
	for (i = 0; same && i < want.n; i++)
		same = rt_strv_find(&cur, want.v[i]) >= 0;
	rt_strv_free(&cur);
	rt_strv_free(&want);
	rt_strv_free(&none);
	if (rc < 0)
		return rc;
	if (!same) {
		rt_error_set("Target database is not up to date: upgrade it to head first (autogenerate and check compare "
		             "a database at head with the target schema)");
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

/* ---- a .sql target through the scratch database ---- */

typedef struct exec_arg {
	rt_ctx *dev;
	const char *path;
} exec_arg;

static int exec_stmt(void *arg, const char *sql, size_t len, int line)
{
	exec_arg *a = arg;
	char *s = rt_strndup(sql, len);
	int rc;
	RT_CHECK_ALLOC(s);
	rc = rn_exec_sql(a->dev, s);
	rt_free(s);
	if (rc < 0)
		rt_error_prefix("%s:%d", a->path, line);
	return rc < 0 ? rc : 0;
}

int rt_diff_run(rt_ctx *dev, const rt_diff_op *ops, size_t n)
{
	retort_sink sk;
	const retort_op **ptrs;
	const retort_op_more **mptrs;
	size_t i, j, used = 1;
	int rc = RETORT_OK;
	if (!n)
		return RETORT_OK;
	ptrs = rt_malloc(n * sizeof *ptrs);
	mptrs = rt_malloc(n * sizeof *mptrs);
	if (!ptrs || !mptrs) {
		rt_free(ptrs);
		rt_free(mptrs);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		ptrs[i] = &ops[i].op;
		mptrs[i] = ops[i].more.size ? &ops[i].more : NULL;
	}
	rt_sink_init(&sk);
	for (i = 0; i < n && rc == RETORT_OK; i += used) {
		rt_sink_reset(&sk);
		if ((rc = rn_render_ops(dev, ptrs + i, mptrs + i, n - i, &used, &sk, 1)) < 0)
			break;
		for (j = 0; j < sk.n && rc == RETORT_OK; j++)
			rc = rn_exec_sql(dev, sk.stmts[j].sql);
	}
	rt_sink_free(&sk);
	rt_free(ptrs);
	rt_free(mptrs);
	return rc;
}

int rt_schema_empty(rt_ctx *ctx)
{
	rt_schema *live = NULL, *empty = NULL;
	rt_diff d;
	int rc;
	memset(&d, 0, sizeof d);
	if ((rc = rt_schema_reflect(ctx, &live)) == RETORT_OK && !(empty = rt_schema_new()))
		rc = RETORT_ENOMEM;
	if (rc == RETORT_OK && (rc = rt_diff_schemas(live, empty, NULL, &d)) == RETORT_OK)
		rc = rt_diff_run(ctx, d.up, d.nup);
	rt_diff_free(&d);
	rt_schema_free(live);
	rt_schema_free(empty);
	return rc;
}

static int read_sql_target(rt_ctx *ctx, const char *path, rt_schema **out)
{
	rt_ctx dev;
	char *text = NULL;
	size_t len = 0;
	exec_arg ea;
	const char *dev_url = ctx->cfg->dev_url;
	int rc;

	if ((rc = rt_ctx_dialect(ctx)) < 0)
		return rc;
	if (!dev_url) {
		if (strcmp(ctx->dialect->desc.name, "sqlite") != 0) {
			rt_error_set("%s: a .sql target schema is applied to a scratch database: set dev_url in %s to a "
			             "database retort may empty (e.g. postgresql://localhost/retort_dev)",
			             path, ctx->cfg->path);
			return RETORT_EINVAL;
		}
		dev_url = "sqlite://";
	}
	memset(&dev, 0, sizeof dev);
	dev.cfg = ctx->cfg;
	dev.plugins = ctx->plugins;
	dev.command = ctx->command;
	dev.sql_out = ctx->sql_out;
	if ((rc = rt_url_parse(&dev.url, dev_url)) < 0) {
		rt_error_prefix("dev_url");
		return rc;
	}
	if ((rc = rt_plugins_dialect(ctx->plugins, rt_url_view(dev.url)->scheme, &dev.dialect)) < 0 ||
	    (rc = rt_ctx_connect(&dev)) < 0) {
		rt_error_prefix("dev_url %s", rt_url_masked(dev.url));
		goto done;
	}
	if ((rc = rt_schema_empty(&dev)) < 0) {
		rt_error_prefix("emptying the scratch database %s", rt_url_masked(dev.url));
		goto done;
	}
	if ((rc = rt_file_read(&text, &len, path)) < 0)
		goto done;
	ea.dev = &dev;
	ea.path = path;
	if ((rc = rt_sql_split(text, len, 1, exec_stmt, &ea)) < 0)
		goto done;
	rc = rt_schema_reflect(&dev, out);
done:
	rt_free(text);
	if (dev.conn)
		dev.dialect->vt.dialect.disconnect(dev.conn);
	rt_url_free(dev.url);
	return rc;
}

/* ---- names for what the target leaves unnamed ---- */

static char *policy_name(void *arg, const char *type, const char *table, const rt_strv *cols, const char *referred)
{
	rt_ctx *ctx = arg;
	retort_name_request req;
	char *out = NULL;
	memset(&req, 0, sizeof req);
	req.size = sizeof req;
	req.type = type;
	req.table = table;
	req.columns = cols ? (const char *const *)cols->v : NULL;
	req.ncolumns = cols ? cols->n : 0;
	req.referred_table = referred;
	if (rt_plugins_name(ctx->plugins, &req, &out) < 0) {
		rt_free(out);
		return NULL;
	}
	return out;
}

static char *canon(void *arg, rt_canon_kind kind, const char *type, const char *text)
{
	return rt_schema_canon((rt_ctx *)arg, kind, type, text);
}

/* ---- the whole comparison ---- */

int rt_autogen_need_target(const rt_ctx *ctx)
{
	if (ctx->cfg->target_schema)
		return RETORT_OK;
	rt_error_set("%s: target_schema is not set: autogenerate and check compare the database with it "
	             "(a .conf schema, or a .sql file of CREATE statements)",
	             ctx->cfg->path);
	return RETORT_EINVAL;
}

int rt_autogen_compute(rt_ctx *ctx, rt_autogen *ag)
{
	const char *path = ctx->cfg->target_schema;
	rt_diff_opts o;
	size_t n;
	int rc;

	memset(ag, 0, sizeof *ag);
	if ((rc = rt_autogen_need_target(ctx)) < 0 || (rc = rt_ctx_connect(ctx)) < 0 || (rc = rt_autogen_at_head(ctx)) < 0)
		return rc;
	n = strlen(path);
	if (n > 4 && strcmp(path + n - 4, ".sql") == 0) {
		/* one scratch database for the process: a fleet's workers apply the target one at a time */
		static pthread_mutex_t dev_lock = PTHREAD_MUTEX_INITIALIZER;
		pthread_mutex_lock(&dev_lock);
		rc = read_sql_target(ctx, path, &ag->target);
		pthread_mutex_unlock(&dev_lock);
	} else
		rc = rt_schema_read_conf(path, &ag->target);
	if (rc < 0 || (rc = rt_schema_reflect(ctx, &ag->live)) < 0)
		return rc;
	memset(&o, 0, sizeof o);
	o.include_tables = &ctx->cfg->include_tables;
	o.exclude_tables = &ctx->cfg->exclude_tables;
	o.canon = canon;
	o.comments = (ctx->dialect->vt.dialect.flags & RETORT_DIALECT_COMMENTS) != 0;
	o.fk_index = (ctx->dialect->vt.dialect.flags & RETORT_DIALECT_FK_INDEX) != 0;
	o.canon_arg = ctx;
	o.name = policy_name;
	o.name_arg = ctx;
	return rt_diff_schemas(ag->live, ag->target, &o, &ag->diff);
}

void rt_autogen_free(rt_autogen *ag)
{
	rt_diff_free(&ag->diff);
	rt_schema_free(ag->live);
	rt_schema_free(ag->target);
	memset(ag, 0, sizeof *ag);
}
