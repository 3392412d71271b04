/*
 * `retort test` (rtest.h): the checks, run against one database through
 * the runner (one connection, one transaction per revision) and
 * reflection; schemas are compared with the diff `check` uses, and a
 * difference is shown as the operations that would remove it.
 *
 * Each check that needs a known state starts from an emptied database
 * (reset): reflection's tables dropped through the diff to an empty
 * schema, then retort's version and history tables, so one check's
 * failure never decides another's (a failed upgrade on MariaDB leaves
 * half a script and a failure mark; the reset clears both).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "autogen.h"
#include "opwrite.h"
#include "rtest.h"
#include "runner_int.h"
#include "script.h"

static const char *const check_names[RT_TEST_NCHECKS] = {"single-head", "upgrade",  "target-matches",
                                                         "roundtrip",   "stairway", "data"};

const char *rt_test_check_name(int check)
{
	return check >= 0 && check < RT_TEST_NCHECKS ? check_names[check] : NULL;
}

int rt_test_check_parse(const char *name)
{
	int i;
	for (i = 0; i < RT_TEST_NCHECKS; i++)
		if (strcmp(check_names[i], name) == 0)
			return i;
	return -1;
}

void rt_test_result_clear(rt_test_result *r)
{
	rt_free(r->revision);
	rt_free(r->path);
	rt_free(r->reason);
	rt_strv_free(&r->details);
	memset(r, 0, sizeof *r);
}

/* ---- the run's state ---- */

typedef struct tctx {
	rt_ctx *ctx;
	const rt_test_sink *sink;
	size_t nfailed;
	rt_plan order; /* base to heads, the order every walk follows */
} tctx;

/* Hand a result to the sink and clear it. */
static void emit(tctx *t, rt_test_result *r, long long t0)
{
	r->ms = rn_now_ms() - t0;
	if (r->outcome == RT_TEST_FAILED)
		t->nfailed++;
	if (t->sink && t->sink->result)
		t->sink->result(t->sink->arg, r);
	rt_test_result_clear(r);
}

static void progress(tctx *t, rt_test_check c, size_t done, size_t total, const char *rev)
{
	if (t->sink && t->sink->progress)
		t->sink->progress(t->sink->arg, c, done, total, rev);
}

/* Fail r about revision rev (may be NULL) with a reason; RETORT_ENOMEM is the only error. */
static int fail(rt_test_result *r, const rt_revision *rev, const char *fmt, ...) RT_PRINTF(3, 4);
static int fail(rt_test_result *r, const rt_revision *rev, const char *fmt, ...)
{
	va_list ap;
	rt_buf b = RT_BUF_INIT;
	r->outcome = RT_TEST_FAILED;
	rt_free(r->revision);
	rt_free(r->path);
	rt_free(r->reason);
	r->revision = rev ? rt_strdup(rev->id) : NULL;
	r->path = rev ? rt_strdup(rev->path) : NULL;
	va_start(ap, fmt);
	rt_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	r->reason = rt_buf_detach(&b);
	RT_CHECK_ALLOC(r->reason);
	return RETORT_OK;
}

/* ---- migrating, reflecting, comparing ---- */

/* The runner, quietly (the test reports its own lines). */
static int migrate(tctx *t, int up, const char *target)
{
	return rt_run_migrate(t->ctx, up, target);
}

/*
 * The revision a failed run stopped at: the first step of the plan from
 * where the version table is now (each revision commits alone) towards
 * `target`.  NULL when that cannot be told.
 */
static rt_revision *stopped_at(tctx *t, int up, const char *target)
{
	rt_strv heads = RT_STRV_INIT;
	rt_plan p = {NULL, 0};
	rt_revision *rev = NULL;
	rt_error_saved saved;
	rt_error_save(&saved);
	if (rt_db_read_heads(t->ctx, &heads, NULL, NULL) == RETORT_OK &&
	    (up ? rt_graph_plan_upgrade(t->ctx->graph, &heads, target, &p)
	        : rt_graph_plan_downgrade(t->ctx->graph, &heads, target, &p)) == RETORT_OK &&
	    p.n)
		rev = p.steps[0].rev;
	rt_plan_free(&p);
	rt_strv_free(&heads);
	rt_error_restore(&saved);
	return rev;
}

static char *canon(void *arg, rt_canon_kind kind, const char *type, const char *text)
{
	return rt_schema_canon((rt_ctx *)arg, kind, type, text);
}

/*
 * The operations that take `live` to `want`, one .conf line each, into
 * *lines; returns how many (or a negative status).
 */
static long schema_diff(tctx *t, const rt_schema *live, const rt_schema *want, rt_strv *lines)
{
	rt_diff_opts o;
	rt_diff d;
	size_t i;
	long n;
	int rc;
	memset(&o, 0, sizeof o);
	memset(&d, 0, sizeof d);
	o.canon = canon;
	o.canon_arg = t->ctx;
	o.comments = (t->ctx->dialect->vt.dialect.flags & RETORT_DIALECT_COMMENTS) != 0;
	rc = rt_diff_schemas(live, want, &o, &d);
	for (i = 0; rc == RETORT_OK && lines && i < d.nup; i++) {
		char *line = rt_diff_op_line(&d.up[i]);
		rc = line ? rt_strv_push_owned(lines, line) : RETORT_ENOMEM;
		if (rc < 0)
			rt_error_set("out of memory");
	}
	n = rc < 0 ? rc : (long)d.nup;
	rt_diff_free(&d);
	return n;
}

/* Whether retort's table `name` exists, and (rows != NULL) how many rows it has. */
static int own_table(rt_ctx *ctx, const char *name, int *exists, long *rows)
{
	rt_strv col = RT_STRV_INIT;
	char *q, *sql;
	int rc = ctx->dialect->vt.dialect.table_exists(ctx->conn, ctx->dialect->hctx, name, exists);
	if (rc < 0)
		return rn_plugin_fail(ctx, rc, "table_exists");
	if (!*exists || !rows)
		return RETORT_OK;
	if (!(q = rn_quote(ctx, 0, name)))
		return RETORT_ERROR;
	sql = rt_asprintf("SELECT COUNT(*) FROM %s", q);
	rt_free(q);
	RT_CHECK_ALLOC(sql);
	rc = rn_query_col(ctx, sql, &col);
	rt_free(sql);
	*rows = rc == RETORT_OK && col.n ? atol(col.v[0]) : 0;
	rt_strv_free(&col);
	return rc;
}

/*
 * Empty the database: what reflection sees dropped (the diff to an empty
 * schema, in foreign-key order), then retort's two tables.
 */
static int reset(rt_ctx *ctx)
{
	const char *own[2];
	size_t i;
	int rc;
	if ((rc = rt_schema_empty(ctx)) < 0)
		goto done;
	own[0] = ctx->cfg->version_table;
	own[1] = ctx->cfg->history_table;
	for (i = 0; i < 2 && rc == RETORT_OK; i++) {
		int exists = 0;
		rt_diff_op op;
		if ((rc = own_table(ctx, own[i], &exists, NULL)) < 0 || !exists)
			continue;
		memset(&op, 0, sizeof op);
		op.op.size = sizeof op.op;
		op.op.kind = RETORT_OP_DROP_TABLE;
		op.op.table = own[i];
		op.op.nullable = RETORT_UNSET;
		op.op.existing_nullable = RETORT_UNSET;
		rc = rt_diff_run(ctx, &op, 1);
	}
done:
	if (rc < 0)
		rt_error_prefix("emptying the database %s", rt_url_masked(ctx->url));
	return rc;
}

/* NULL when the database is empty, else what it holds (a new string). */
static int what_is_there(rt_ctx *ctx, char **what)
{
	rt_schema *live = NULL;
	rt_buf b = RT_BUF_INIT;
	const char *own[2];
	size_t i;
	int rc;
	*what = NULL;
	if ((rc = rt_schema_reflect(ctx, &live)) < 0)
		return rc;
	if (live->ntables) {
		rt_buf_printf(&b, "%zu table%s:", live->ntables, live->ntables == 1 ? "" : "s");
		for (i = 0; i < live->ntables && i < 5; i++)
			rt_buf_printf(&b, " %s", live->tables[i].name);
		if (live->ntables > 5)
			rt_buf_puts(&b, " ...");
	} else if (live->nenums) {
		rt_buf_printf(&b, "%zu type%s", live->nenums, live->nenums == 1 ? "" : "s");
	}
	rt_schema_free(live);
	own[0] = ctx->cfg->version_table;
	own[1] = ctx->cfg->history_table;
	for (i = 0; i < 2 && rc == RETORT_OK; i++) {
		int exists = 0;
		long rows = 0;
		if ((rc = own_table(ctx, own[i], &exists, &rows)) == RETORT_OK && rows > 0)
			rt_buf_printf(&b, "%s%ld row%s in %s", b.len ? ", " : "", rows, rows == 1 ? "" : "s", own[i]);
	}
	if (rc == RETORT_OK && b.len && !(*what = rt_buf_detach(&b)))
		rc = RETORT_ENOMEM;
	rt_buf_free(&b);
	return rc;
}

/*
 * The downgrade target that undoes `rev` alone from where the database is
 * (its one parent, or base for a base), or NULL when no target does that
 * (a merge, or a downgrade that would take other branches with it).
 */
static const char *undo_target(tctx *t, const rt_revision *rev)
{
	rt_strv heads = RT_STRV_INIT;
	rt_plan p = {NULL, 0};
	const char *target = rev->parents.n == 1 ? rev->parents.v[0] : rev->parents.n == 0 ? "base" : NULL;
	int alone = 0;
	if (target && rt_db_read_heads(t->ctx, &heads, NULL, NULL) == RETORT_OK &&
	    rt_graph_plan_downgrade(t->ctx->graph, &heads, target, &p) == RETORT_OK)
		alone = p.n == 1 && p.steps[0].rev == rev;
	rt_error_clear();
	rt_plan_free(&p);
	rt_strv_free(&heads);
	return alone ? target : NULL;
}

/* ---- the checks ---- */

static int check_single_head(tctx *t)
{
	rt_test_result r;
	rt_strv none = RT_STRV_INIT, heads = RT_STRV_INIT;
	long long t0 = rn_now_ms();
	int rc = RETORT_OK, want = t->ctx->cfg->expected_heads;
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_SINGLE_HEAD;
	if (!rt_graph_count(t->ctx->graph))
		rc = fail(&r, NULL, "there are no revisions");
	else if ((rc = rt_graph_resolve(t->ctx->graph, "heads", &none, 0, &heads)) < 0)
		goto done;
	else if (heads.n != (size_t)want) {
		char *ids = rt_strv_join(&heads, ", ");
		if (!ids) {
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			goto done;
		}
		rc = fail(&r, heads.n > 1 ? rt_graph_get(t->ctx->graph, heads.v[heads.n - 1]) : NULL,
		          "%zu heads (%s), expected_heads is %d: merge them (retort merge -m MESSAGE heads) or set "
		          "expected_heads in %s",
		          heads.n, ids, want, t->ctx->cfg->path);
		rt_free(ids);
	}
	if (rc == RETORT_OK)
		emit(t, &r, t0);
done:
	rt_test_result_clear(&r);
	rt_strv_free(&heads);
	return rc;
}

/* upgrade to heads; *ok says whether it got there. */
static int check_upgrade(tctx *t, int report, int *ok, char **why)
{
	rt_test_result r;
	long long t0 = rn_now_ms();
	int rc = RETORT_OK;
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_UPGRADE;
	*ok = 1;
	progress(t, RT_TEST_UPGRADE, 0, t->order.n, NULL);
	if (t->order.n && migrate(t, 1, "heads") < 0) {
		rt_revision *at = stopped_at(t, 1, "heads");
		*ok = 0;
		if ((rc = fail(&r, at, "%s", rt_error_msg())) < 0)
			goto done;
		*why = rt_asprintf("the upgrade to head failed at %s", at ? at->id : "a revision");
	}
	if (report || !*ok)
		emit(t, &r, t0);
done:
	rt_test_result_clear(&r);
	return rc;
}

static int check_target(tctx *t, int upgraded, const char *why)
{
	rt_test_result r;
	rt_autogen ag;
	long long t0 = rn_now_ms();
	rt_revision *head = t->order.n ? t->order.steps[t->order.n - 1].rev : NULL;
	int rc = RETORT_OK;
	memset(&r, 0, sizeof r);
	memset(&ag, 0, sizeof ag);
	r.check = RT_TEST_TARGET;
	if (!t->ctx->cfg->target_schema) {
		r.outcome = RT_TEST_SKIPPED;
		r.reason = rt_asprintf("target_schema is not set in %s", t->ctx->cfg->path);
	} else if (!upgraded) {
		rc = fail(&r, NULL, "not compared: %s", why ? why : "the upgrade failed");
	} else if ((rc = rt_autogen_compute(t->ctx, &ag)) < 0) {
		/* a target schema that does not read is bad input (exit 2); anything else fails the check */
		if (rc != RETORT_EINVAL)
			rc = fail(&r, head, "%s", rt_error_msg());
	} else if (ag.diff.nup) {
		size_t i;
		for (i = 0; i < ag.diff.nup && rc == RETORT_OK; i++) {
			char *line = rt_diff_op_line(&ag.diff.up[i]);
			rc = line ? rt_strv_push_owned(&r.details, line) : RETORT_ENOMEM;
		}
		if (rc == RETORT_OK)
			rc = fail(&r, head,
			          "the database at head differs from the target schema %s: %zu operation%s to write "
			          "(as `retort check` lists them)",
			          t->ctx->cfg->target_schema, ag.diff.nup, ag.diff.nup == 1 ? "" : "s");
	}
	rt_autogen_free(&ag);
	if (rc == RETORT_OK)
		emit(t, &r, t0);
	rt_test_result_clear(&r);
	return rc;
}

static int check_roundtrip(tctx *t, int upgraded, const char *why)
{
	rt_test_result r;
	rt_schema *live = NULL, *empty = NULL;
	long long t0 = rn_now_ms();
	int rc = RETORT_OK;
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_ROUNDTRIP;
	progress(t, RT_TEST_ROUNDTRIP, 0, t->order.n, NULL);
	if (!upgraded) {
		rc = fail(&r, NULL, "not run: %s", why ? why : "the upgrade failed");
	} else if (t->order.n && migrate(t, 0, "base") < 0) {
		rc = fail(&r, stopped_at(t, 0, "base"), "%s", rt_error_msg());
	} else if ((rc = rt_schema_reflect(t->ctx, &live)) == RETORT_OK && (live->ntables || live->nenums)) {
		long n;
		if (!(empty = rt_schema_new()))
			rc = RETORT_ENOMEM;
		else if ((n = schema_diff(t, live, empty, &r.details)) < 0)
			rc = (int)n;
		else
			rc = fail(&r, NULL, "after the downgrade to base the database still has %zu table%s and %zu type%s "
			          "(what would remove them below)",
			          live->ntables, live->ntables == 1 ? "" : "s", live->nenums, live->nenums == 1 ? "" : "s");
	}
	rt_schema_free(live);
	rt_schema_free(empty);
	if (rc == RETORT_OK)
		emit(t, &r, t0);
	rt_test_result_clear(&r);
	return rc;
}

/* A reflection compared with the one expected: a failure of r (about rev) when they differ.  *same: 1 if equal. */
static int compare(tctx *t, rt_test_result *r, const rt_revision *rev, const rt_schema *live, const rt_schema *want,
                   int *same, const char *what)
{
	long n = schema_diff(t, live, want, &r->details);
	if (n < 0)
		return (int)n;
	*same = n == 0;
	if (n == 0)
		return RETORT_OK;
	return fail(r, rev, "%s: %ld operation%s would make it so (below)", what, n, n == 1 ? "" : "s");
}

static int check_stairway(tctx *t)
{
	rt_test_result r;
	rt_schema *before = NULL, *first = NULL, *down = NULL, *again = NULL;
	long long t0 = rn_now_ms();
	size_t k, alone = 0;
	int rc, same = 1;
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_STAIRWAY;
	if ((rc = reset(t->ctx)) < 0 || (rc = rt_schema_reflect(t->ctx, &before)) < 0)
		goto done;
	for (k = 0; k < t->order.n && same; k++) {
		rt_revision *rev = t->order.steps[k].rev;
		const char *undo;
		progress(t, RT_TEST_STAIRWAY, k, t->order.n, rev->id);
		if (migrate(t, 1, rev->id) < 0) {
			rc = fail(&r, rev, "%s", rt_error_msg());
			break;
		}
		if ((rc = rt_schema_reflect(t->ctx, &first)) < 0)
			goto done;
		if (!(undo = undo_target(t, rev))) {
			rt_schema_free(before);
			before = first;
			first = NULL;
			continue;
		}
		alone++;
		if (migrate(t, 0, undo) < 0) {
			rc = fail(&r, rev, "%s", rt_error_msg());
			break;
		}
		if ((rc = rt_schema_reflect(t->ctx, &down)) < 0 ||
		    (rc = compare(t, &r, rev, down, before, &same,
		                  "its downgrade does not give back the schema before it")) < 0 || !same)
			break;
		if (migrate(t, 1, rev->id) < 0) {
			rc = fail(&r, rev, "upgrade after its downgrade: %s", rt_error_msg());
			break;
		}
		if ((rc = rt_schema_reflect(t->ctx, &again)) < 0 ||
		    (rc = compare(t, &r, rev, again, first, &same,
		                  "upgraded again after its downgrade it gives another schema than the first time")) < 0 ||
		    !same)
			break;
		rt_schema_free(before);
		rt_schema_free(first);
		rt_schema_free(down);
		before = again;
		first = down = again = NULL;
	}
	if (rc == RETORT_OK && r.outcome == RT_TEST_PASSED && alone < t->order.n)
		r.reason = rt_asprintf("%zu of %zu revisions stepped down alone (a merge, or a downgrade that would "
		                       "undo other branches too, is only upgraded)",
		                       alone, t->order.n);
	if (rc == RETORT_OK)
		emit(t, &r, t0);
done:
	rt_schema_free(before);
	rt_schema_free(first);
	rt_schema_free(down);
	rt_schema_free(again);
	rt_test_result_clear(&r);
	return rc;
}

/* Run rev's test_check: *ok = 1 when its first value is true. */
static int run_check(tctx *t, const rt_revision *rev, int *ok, char **value)
{
	rt_strv col = RT_STRV_INIT;
	int rc = rn_query_col(t->ctx, rev->test_check, &col);
	const char *v = col.n ? col.v[0] : NULL;
	*ok = 0;
	*value = NULL;
	if (rc == RETORT_OK) {
		char *end;
		double d = v ? strtod(v, &end) : 0;
		*ok = v && (!strcmp(v, "t") || !strcmp(v, "true") || !strcmp(v, "TRUE") || !strcmp(v, "True") ||
		            (end != v && *end == '\0' && d != 0));
		*value = rt_strdup(v ? v : "no row, or NULL");
	}
	rt_strv_free(&col);
	return rc;
}

/* The check of `prev` (after the upgrade to, or the downgrade of, `next`): r failed when it is not true. */
static int data_check(tctx *t, rt_test_result *r, const rt_revision *prev, const rt_revision *next, int after_down,
                      int *ok)
{
	char *value = NULL;
	int rc;
	char when[300];
	if (next)
		snprintf(when, sizeof when, "after %s %s", after_down ? "the downgrade of" : "the upgrade to", next->id);
	else
		snprintf(when, sizeof when, "after its test_data (it is a head)");
	if (run_check(t, prev, ok, &value) < 0) {
		*ok = 0;
		rc = fail(r, prev, "test_check (line %d) %s: %s", prev->test_check_line, when, rt_error_msg());
	} else if (!*ok) {
		rc = fail(r, prev, "test_check (line %d) is not true %s: %s", prev->test_check_line, when, value);
	} else {
		rc = RETORT_OK;
	}
	rt_free(value);
	return rc;
}

static int check_data(tctx *t)
{
	rt_test_result r;
	long long t0 = rn_now_ms();
	size_t k, ndata = 0;
	int rc = RETORT_OK, ok = 1;
	memset(&r, 0, sizeof r);
	r.check = RT_TEST_DATA;
	for (k = 0; k < t->order.n && rc == RETORT_OK; k++) {
		rt_revision *rev = t->order.steps[k].rev;
		if ((rc = rt_script_load_ops(rev)) == RETORT_OK)
			ndata += rev->ntest_data || rev->test_check;
	}
	if (rc < 0)
		return rc;
	if (!ndata) {
		r.outcome = RT_TEST_SKIPPED;
		r.reason = rt_strdup("no revision has test_data or test_check");
		emit(t, &r, t0);
		return RETORT_OK;
	}
	if ((rc = reset(t->ctx)) < 0)
		return rc;
	for (k = 0; k < t->order.n && ok && rc == RETORT_OK; k++) {
		rt_revision *rev = t->order.steps[k].rev, *prev = k ? t->order.steps[k - 1].rev : NULL;
		size_t i;
		progress(t, RT_TEST_DATA, k, t->order.n, rev->id);
		if (migrate(t, 1, rev->id) < 0) {
			rc = fail(&r, rev, "%s", rt_error_msg());
			break;
		}
		if (prev && prev->test_check) {
			const char *undo;
			if ((rc = data_check(t, &r, prev, rev, 0, &ok)) < 0 || !ok)
				break;
			if ((undo = undo_target(t, rev)) != NULL) {
				if (migrate(t, 0, undo) < 0) {
					rc = fail(&r, rev, "%s", rt_error_msg());
					break;
				}
				if ((rc = data_check(t, &r, prev, rev, 1, &ok)) < 0 || !ok)
					break;
				if (migrate(t, 1, rev->id) < 0) {
					rc = fail(&r, rev, "upgrade after its downgrade: %s", rt_error_msg());
					break;
				}
			}
		}
		for (i = 0; i < rev->ntest_data && rc == RETORT_OK; i++) {
			const retort_op *op = &rev->test_data[i];
			if (op->dialect && strcmp(op->dialect, t->ctx->dialect->desc.name) != 0)
				continue;
			if (rn_exec_sql(t->ctx, op->sql) < 0) {
				rc = fail(&r, rev, "test_data (line %d): %s", op->line, rt_error_msg());
				ok = 0;
			}
		}
		if (rc == RETORT_OK && ok && k + 1 == t->order.n && rev->test_check)
			rc = data_check(t, &r, rev, NULL, 0, &ok);
	}
	if (rc == RETORT_OK)
		emit(t, &r, t0);
	rt_test_result_clear(&r);
	return rc;
}

/* ---- the run ---- */

int rt_test_run(rt_ctx *ctx, const rt_test_opts *opts, const rt_test_sink *sink, size_t *nfailed)
{
	tctx t;
	rt_strv none = RT_STRV_INIT;
	unsigned want = opts->checks ? opts->checks : (1u << RT_TEST_NCHECKS) - 1;
	int rc, quiet = ctx->quiet, per_migration = ctx->cfg->transaction_per_migration, upgraded = 1;
	char *what = NULL, *why = NULL;

	memset(&t, 0, sizeof t);
	t.ctx = ctx;
	t.sink = sink;
	*nfailed = 0;
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if ((rc = what_is_there(ctx, &what)) < 0)
		return rc;
	if (what && !opts->reset) {
		rt_error_set("the database %s is not empty (%s): retort test empties the database it runs on; point --url "
		             "at a scratch database, or pass --reset to empty this one",
		             rt_url_masked(ctx->url), what);
		rt_free(what);
		return RETORT_EINVAL;
	}
	ctx->quiet = 1;
	ctx->cfg->transaction_per_migration = 1; /* a failure leaves the revisions before it: it can be named */
	if (what && (rc = reset(ctx)) < 0)
		goto done;
	if (rt_graph_count(ctx->graph) &&
	    (rc = rt_graph_plan_upgrade(ctx->graph, &none, "heads", &t.order)) < 0)
		goto done;
	if ((want & (1u << RT_TEST_SINGLE_HEAD)) && (rc = check_single_head(&t)) < 0)
		goto done;
	if (want & ((1u << RT_TEST_UPGRADE) | (1u << RT_TEST_TARGET) | (1u << RT_TEST_ROUNDTRIP))) {
		if ((rc = reset(ctx)) < 0 ||
		    (rc = check_upgrade(&t, (want & (1u << RT_TEST_UPGRADE)) != 0, &upgraded, &why)) < 0)
			goto done;
		if ((want & (1u << RT_TEST_TARGET)) && (rc = check_target(&t, upgraded, why)) < 0)
			goto done;
		if ((want & (1u << RT_TEST_ROUNDTRIP)) && (rc = check_roundtrip(&t, upgraded, why)) < 0)
			goto done;
	}
	if ((want & (1u << RT_TEST_STAIRWAY)) && (rc = check_stairway(&t)) < 0)
		goto done;
	if ((want & (1u << RT_TEST_DATA)) && (rc = check_data(&t)) < 0)
		goto done;
	if (!t.nfailed)
		rc = reset(ctx);
done:
	ctx->quiet = quiet;
	ctx->cfg->transaction_per_migration = per_migration;
	*nfailed = t.nfailed;
	rt_plan_free(&t.order);
	rt_free(what);
	rt_free(why);
	return rc;
}
