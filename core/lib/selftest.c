/*
 * The conformance kit's frame (`retort selftest`): the temporary project,
 * the chain of revision scripts, contexts opened as the command line
 * opens them, the checks reported one by one, and the run of every
 * scenario.  The scenarios are in selftest_ops.c (types, operation kinds,
 * quoting, reflection) and selftest_tx.c (rollback, lock, offline --sql,
 * execute_batch and record_step).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graph.h"
#include "host.h"
#include "plugin_loader.h"
#include "rtconfig.h"
#include "script.h"
#include "selftest_int.h"

const char *const rt_selftest_scenarios[] = {"types",   "ops",  "quoting", "reflect", "rollback",
                                             "lock",    "offline", "batch", NULL};

/* ---- reporting ---- */

static void report_v(st_kit *k, rt_selftest_status st, const char *why, const char *fmt, va_list ap)
{
	char name[512];
	vsnprintf(name, sizeof name, fmt, ap);
	if (st == RT_ST_FAIL)
		k->failures++;
	/* a check's arguments are evaluated in no set order: the helper's reason may not be in `why` yet */
	if (st == RT_ST_FAIL && !why)
		why = k->last_why;
	k->fn(k->arg, st, k->scenario, name, why);
	rt_free(k->last_why);
	k->last_why = NULL;
}

void st_pass(st_kit *k, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(k, RT_ST_PASS, NULL, fmt, ap);
	va_end(ap);
}

void st_fail(st_kit *k, const char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(k, RT_ST_FAIL, why, fmt, ap);
	va_end(ap);
}

void st_skip(st_kit *k, const char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(k, RT_ST_SKIP, why, fmt, ap);
	va_end(ap);
}

int st_check(st_kit *k, int ok, const char *why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report_v(k, ok ? RT_ST_PASS : RT_ST_FAIL, ok ? NULL : why, fmt, ap);
	va_end(ap);
	return ok;
}

char *st_errdup(void)
{
	return rt_strdup(*rt_error_msg() ? rt_error_msg() : "failed (no message)");
}

/* ---- projects and revisions ---- */

int st_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		rt_error_set("%s: cannot write: %s", path, strerror(errno));
		if (f)
			fclose(f);
		return RETORT_ERROR;
	}
	return RETORT_OK;
}

static void drop_table(st_kit *k, const char *table);

int st_project(st_kit *k, const char *extra_conf)
{
	char *dir, *mig, *text;
	int rc;
	k->nproj++;
	rt_strv_clear(&k->revs);
	rt_strv_clear(&k->paths);
	rt_free(k->conf);
	rt_free(k->versions);
	dir = rt_asprintf("%s/p%d", k->root, k->nproj);
	mig = rt_asprintf("%s/migrations", dir);
	k->versions = rt_asprintf("%s/versions", mig);
	k->conf = rt_asprintf("%s/retort.conf", dir);
	text = rt_asprintf("# written by retort selftest\n"
	                   "script_location = \"migrations\";\n"
	                   "version_table = \"" ST_PREFIX "version\";\n"
	                   "history_table = \"" ST_PREFIX "history\";\n"
	                   "lock_timeout = 3;\n"
	                   "plugins = ( { module = \"%s\"; } );\n%s",
	                   k->o->dialect, extra_conf ? extra_conf : "");
	if (!dir || !mig || !k->versions || !k->conf || !text) {
		rt_free(dir);
		rt_free(mig);
		rt_free(text);
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	if (mkdir(dir, 0700) != 0 || mkdir(mig, 0700) != 0 || mkdir(k->versions, 0700) != 0) {
		rt_error_set("%s: cannot create: %s", dir, strerror(errno));
		rc = RETORT_ERROR;
	} else {
		rc = st_write_file(k->conf, text);
	}
	rt_free(dir);
	rt_free(mig);
	rt_free(text);
	/* each project starts with no version or history table */
	if (rc == RETORT_OK && (rc = st_open(k, "selftest", 1)) == RETORT_OK) {
		drop_table(k, ST_PREFIX "version");
		drop_table(k, ST_PREFIX "history");
		st_close(k);
	}
	return rc;
}

const char *st_rev(st_kit *k, const char *up, const char *down)
{
	char id[32], *path, *text;
	const char *parent = k->revs.n ? k->revs.v[k->revs.n - 1] : NULL;
	snprintf(id, sizeof id, "5e1f7e57%04d", ++k->revseq % 10000);
	path = rt_asprintf("%s/%s_kit.conf", k->versions, id);
	text = rt_asprintf("revision = \"%s\";\n%s%s%s"
	                   "message = \"selftest %s\";\n"
	                   "upgrade = (\n%s\n);\n"
	                   "downgrade = (\n%s\n);\n",
	                   id, parent ? "down_revision = \"" : "", parent ? parent : "", parent ? "\";\n" : "",
	                   k->scenario, up, down);
	if (!path || !text || st_write_file(path, text) < 0 || rt_strv_push(&k->revs, id) < 0 ||
	    rt_strv_push(&k->paths, path) < 0) {
		rt_free(path);
		rt_free(text);
		return NULL;
	}
	rt_free(path);
	rt_free(text);
	return k->revs.v[k->revs.n - 1];
}

void st_unrev(st_kit *k)
{
	if (!k->revs.n)
		return;
	unlink(k->paths.v[k->paths.n - 1]);
	rt_strv_remove_at(&k->revs, k->revs.n - 1);
	rt_strv_remove_at(&k->paths, k->paths.n - 1);
}

const char *st_head(const st_kit *k)
{
	return k->revs.n ? k->revs.v[k->revs.n - 1] : "base";
}

/* ---- contexts ---- */

int st_open(st_kit *k, const char *command, int connect)
{
	int rc;
	st_close(k);
	if ((rc = rt_config_load(&k->cfg, k->conf, NULL, NULL, k->o->url)) < 0)
		return rc;
	if ((rc = rt_ctx_open(&k->ctx, k->cfg, command, 1)) < 0) {
		rt_ctx_close(&k->ctx);
		rt_config_free(k->cfg);
		k->cfg = NULL;
		return rc;
	}
	k->ctx.quiet = 1;
	k->open = 1;
	if ((rc = rt_ctx_dialect(&k->ctx)) < 0 || (connect && (rc = rt_ctx_connect(&k->ctx)) < 0)) {
		rt_error_saved e;
		rt_error_save(&e);
		st_close(k);
		rt_error_restore(&e);
		return rc;
	}
	return RETORT_OK;
}

void st_close(st_kit *k)
{
	if (k->open)
		rt_ctx_close(&k->ctx);
	rt_config_free(k->cfg);
	k->cfg = NULL;
	k->open = 0;
}

int st_migrate(st_kit *k, int up, const char *target, char **err)
{
	int rc;
	*err = NULL;
	if ((rc = st_open(k, up ? "upgrade" : "downgrade", 0)) == RETORT_OK)
		rc = rt_run_migrate(&k->ctx, up, target);
	if (rc < 0)
		*err = st_errdup();
	st_close(k);
	return rc;
}

static int render_one(st_kit *k, const retort_op *op, char **why)
{
	const retort_dialect_vtable *d = &k->ctx.dialect->vt.dialect;
	retort_host_ctx *h = k->ctx.dialect->hctx;
	retort_sink sk;
	int rc;
	rt_sink_init(&sk);
	rc = d->render(k->ctx.dialect->state, h, op, &sk);
	if (rc == RETORT_ENOTSUPPORTED && k->has_online) {
		rt_hctx_clear_error(h);
		rt_sink_reset(&sk);
		rc = d->render_online(k->ctx.conn, h, op, &sk);
	}
	if (rc < 0) {
		rt_hctx_take_error(h, rc, "render");
		*why = st_errdup();
	}
	rt_sink_free(&sk);
	return rc;
}

int st_supported(st_kit *k, char **why)
{
	rt_revision *rev;
	size_t i;
	int rc;
	*why = NULL;
	if ((rc = st_open(k, "selftest", 1)) < 0)
		return rc;
	rev = rt_graph_get(k->ctx.graph, st_head(k));
	if (!rev) {
		rt_error_set("%s: revision not found", st_head(k));
		rc = RETORT_ERROR;
	} else if ((rc = rt_script_load_ops(rev)) == RETORT_OK) {
		for (i = 0; i < rev->nupgrade && rc == RETORT_OK; i++)
			rc = render_one(k, &rev->upgrade[i], why);
	}
	if (rc < 0 && rc != RETORT_ENOTSUPPORTED && !*why)
		*why = st_errdup();
	st_close(k);
	return rc;
}

/* Apply the last revision: not supported -> skip (or fail when `required`), then upgrade. 1 when applied. */
int st_apply_last(st_kit *k, const char *what, int required)
{
	char *why = NULL, *err = NULL;
	int rc = st_supported(k, &why);
	if (rc == RETORT_ENOTSUPPORTED) {
		if (required)
			st_fail(k, why, "%s: refused as not supported, but every dialect must do it", what);
		else
			st_skip(k, why, "%s: not supported by this dialect", what);
		st_unrev(k);
		rt_free(why);
		return 0;
	}
	if (rc < 0) {
		st_fail(k, why, "%s: rendered", what);
		st_unrev(k);
		rt_free(why);
		return 0;
	}
	rc = st_migrate(k, 1, "head", &err);
	if (!st_check(k, rc == RETORT_OK, err, "%s: upgrade applies it", what)) {
		st_unrev(k);
		rt_free(err);
		return 0;
	}
	return 1;
}

/* ---- the open connection ---- */

int st_exec(st_kit *k, const char *sql, char **err)
{
	int rc = k->ctx.dialect->vt.dialect.execute(k->ctx.conn, k->ctx.dialect->hctx, sql);
	if (err)
		*err = NULL;
	if (rc < 0) {
		rt_hctx_take_error(k->ctx.dialect->hctx, rc, "execute");
		if (err)
			*err = st_errdup();
	}
	return rc;
}

typedef struct scalar_acc {
	char *first;
	size_t n;
} scalar_acc;

static int scalar_row(void *arg, size_t ncols, const char *const *values)
{
	scalar_acc *a = arg;
	if (a->n++ == 0 && ncols > 0 && values[0] && !(a->first = rt_strdup(values[0])))
		return RETORT_ENOMEM;
	return 0;
}

int st_scalar(st_kit *k, const char *sql, char **out, size_t *nrows, char **err)
{
	scalar_acc a = {NULL, 0};
	int rc = k->ctx.dialect->vt.dialect.query(k->ctx.conn, k->ctx.dialect->hctx, sql, scalar_row, &a);
	if (err)
		*err = NULL;
	if (rc < 0) {
		rt_hctx_take_error(k->ctx.dialect->hctx, rc, "query");
		if (err)
			*err = st_errdup();
		rt_free(a.first);
		a.first = NULL;
	}
	if (out)
		*out = a.first;
	else
		rt_free(a.first);
	if (nrows)
		*nrows = a.n;
	return rc;
}

/* Open a connection for checks; a failure is reported as a failed check named `what`. */
int st_checks_open(st_kit *k, const char *what)
{
	if (st_open(k, "selftest", 1) == RETORT_OK)
		return 1;
	st_fail(k, rt_error_msg(), "%s: connect for the checks", what);
	return 0;
}

/* The scalar of sql equals want (want NULL: the statement only has to run). */
int st_expect_scalar(st_kit *k, const char *sql, const char *want, char **why)
{
	char *got = NULL, *err = NULL;
	int ok;
	*why = NULL;
	if (st_scalar(k, sql, &got, NULL, &err) < 0) {
		*why = rt_asprintf("%s\n-> %s", sql, err);
		rt_free(err);
		rt_free(k->last_why);
		k->last_why = rt_strdup(*why);
		return 0;
	}
	ok = !want || (got && strcmp(got, want) == 0);
	if (!ok)
		*why = rt_asprintf("%s\n-> '%s', expected '%s'", sql, got ? got : "NULL", want);
	rt_free(got);
	rt_free(k->last_why);
	k->last_why = rt_strdup(*why);
	return ok;
}

int st_exists(st_kit *k, const char *table)
{
	int e = 0;
	if (k->ctx.dialect->vt.dialect.table_exists(k->ctx.conn, k->ctx.dialect->hctx, table, &e) < 0) {
		rt_hctx_clear_error(k->ctx.dialect->hctx);
		return -1;
	}
	return e != 0;
}

char *st_quote(st_kit *k, int literal, const char *s)
{
	return rt_ctx_quote(&k->ctx, literal, s);
}

/* Render an operation built here and run its statements on the open connection (clean-up). */
static int run_op(st_kit *k, const retort_op *op)
{
	retort_sink sk;
	size_t i;
	int rc;
	rt_sink_init(&sk);
	rc = k->ctx.dialect->vt.dialect.render(k->ctx.dialect->state, k->ctx.dialect->hctx, op, &sk);
	if (rc == RETORT_OK)
		rc = rt_sink_flush(&sk);
	for (i = 0; rc == RETORT_OK && i < sk.n; i++)
		rc = st_exec(k, sk.stmts[i].sql, NULL);
	if (rc < 0)
		rt_hctx_clear_error(k->ctx.dialect->hctx);
	rt_sink_free(&sk);
	return rc;
}

static void drop_table(st_kit *k, const char *table)
{
	retort_op op;
	if (st_exists(k, table) != 1)
		return;
	memset(&op, 0, sizeof op);
	op.size = sizeof op;
	op.kind = RETORT_OP_DROP_TABLE;
	op.table = table;
	op.nullable = op.existing_nullable = RETORT_UNSET;
	run_op(k, &op);
}

/* Drop what a run before this one left behind (tables in the order given, enums). */
void st_drop_leftovers(st_kit *k, const char *const *tables, size_t n, const char *enum_name)
{
	size_t i;
	if (st_open(k, "selftest", 1) < 0) {
		rt_error_clear();
		return;
	}
	for (i = 0; i < n; i++)
		drop_table(k, tables[i]);
	if (enum_name) {
		retort_op op;
		memset(&op, 0, sizeof op);
		op.size = sizeof op;
		op.kind = RETORT_OP_DROP_ENUM;
		op.name = enum_name;
		op.nullable = op.existing_nullable = RETORT_UNSET;
		run_op(k, &op);
	}
	st_close(k);
	rt_error_clear();
}

/* ---- the run ---- */

static int selected(const rt_selftest_opts *o, const char *name)
{
	return o->only.n == 0 || rt_strv_find(&o->only, name) >= 0;
}

/* Load the dialect, connect, read what it declares. */
static int start(st_kit *k)
{
	const retort_dialect_vtable *d;
	char *note;
	int rc;
	if ((rc = st_project(k, NULL)) < 0 || (rc = st_open(k, "selftest", 1)) < 0) {
		/* the kit's own retort.conf means nothing to the user: name the option instead */
		const char *m = rt_error_msg();
		size_t n = k->conf ? strlen(k->conf) : 0;
		if (n && strncmp(m, k->conf, n) == 0 && m[n] == ':') {
			char *rest = rt_strdup(m + n + 1 + strspn(m + n + 1, "0123456789"));
			if (rest) {
				rt_error_set("--dialect %s%s", k->o->dialect, rest);
				rt_free(rest);
			}
		}
		return rc;
	}
	d = &k->ctx.dialect->vt.dialect;
	k->name = rt_strdup(k->ctx.dialect->desc.name);
	k->flags = d->flags;
	k->max_ident = d->max_identifier_length;
	k->has_online = RETORT_STRUCT_HAS(d, retort_dialect_vtable, render_online) && d->render_online;
	k->has_batch = RETORT_STRUCT_HAS(d, retort_dialect_vtable, execute_batch) && d->execute_batch;
	k->has_record = RETORT_STRUCT_HAS(d, retort_dialect_vtable, record_step) && d->record_step;
	k->has_reflect = RETORT_STRUCT_HAS(d, retort_dialect_vtable, reflect) && d->reflect;
	k->has_holder = RETORT_STRUCT_HAS(d, retort_dialect_vtable, lock_holder_sql) && d->lock_holder_sql;
	note = rt_asprintf("dialect %s %s (%s), database %s; transactional DDL: %s; identifiers up to %u%s; "
	                   "optional methods:%s%s%s%s%s",
	                   k->name, k->ctx.dialect->desc.version ? k->ctx.dialect->desc.version : "",
	                   k->ctx.dialect->path ? k->ctx.dialect->path : "?", rt_url_masked(k->ctx.url),
	                   (k->flags & RETORT_DIALECT_TRANSACTIONAL_DDL) ? "yes" : "no", k->max_ident,
	                   k->max_ident ? "" : " (unlimited)", k->has_online ? " render_online" : "",
	                   k->has_batch ? " execute_batch" : "", k->has_record ? " record_step" : "",
	                   k->has_reflect ? " reflect" : "", k->has_holder ? " lock_holder_sql" : "");
	k->fn(k->arg, RT_ST_NOTE, "setup", note ? note : "", NULL);
	rt_free(note);
	st_close(k);
	return RETORT_OK;
}

int rt_selftest_run(const rt_selftest_opts *o, rt_selftest_fn fn, void *arg)
{
	static const struct {
		const char *name;
		void (*run)(st_kit *k);
	} scn[] = {{"types", st_scn_types},   {"ops", st_scn_ops},   {"quoting", st_scn_quoting},
	           {"reflect", st_scn_reflect}, {"rollback", st_scn_rollback}, {"lock", st_scn_lock},
	           {"offline", st_scn_offline}, {"batch", st_scn_batch}};
	st_kit k;
	char tmpl[] = "/tmp/retort-selftest-XXXXXX";
	size_t i;
	int rc;
	memset(&k, 0, sizeof k);
	k.o = o;
	k.fn = fn;
	k.arg = arg;
	k.scenario = "setup";
	for (i = 0; i < o->only.n; i++) {
		size_t j;
		for (j = 0; rt_selftest_scenarios[j] && strcmp(rt_selftest_scenarios[j], o->only.v[i]) != 0; j++)
			;
		if (!rt_selftest_scenarios[j]) {
			rt_error_set("no scenario '%s' (there are: types, ops, quoting, reflect, rollback, lock, offline, "
			             "batch)",
			             o->only.v[i]);
			return RETORT_EINVAL;
		}
	}
	if (!mkdtemp(tmpl)) {
		rt_error_set("cannot create a temporary folder: %s", strerror(errno));
		return RETORT_ERROR;
	}
	/* scripts are rewritten within one second: read them, never a cached header */
	setenv("RETORT_NO_CACHE", "1", 1);
	k.root = rt_strdup(tmpl);
	if ((rc = start(&k)) == RETORT_OK) {
		for (i = 0; i < sizeof scn / sizeof scn[0]; i++) {
			if (!selected(o, scn[i].name))
				continue;
			k.scenario = scn[i].name;
			rt_error_clear();
			scn[i].run(&k);
			st_close(&k);
		}
	}
	if (o->keep) {
		char *note = rt_asprintf("the temporary projects are kept in %s", k.root);
		k.fn(k.arg, RT_ST_NOTE, "setup", note ? note : k.root, NULL);
		rt_free(note);
	} else {
		char *cmd = rt_asprintf("rm -rf '%s'", k.root);
		if (cmd && system(cmd) != 0)
			k.fn(k.arg, RT_ST_NOTE, "setup", "could not remove the temporary folder", NULL);
		rt_free(cmd);
	}
	st_close(&k);
	rt_strv_free(&k.revs);
	rt_strv_free(&k.paths);
	rt_free(k.root);
	rt_free(k.conf);
	rt_free(k.versions);
	rt_free(k.name);
	rt_free(k.last_why);
	return rc;
}
