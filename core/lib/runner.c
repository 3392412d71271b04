/* The runner: connection, lock, transactions, online plans (history.c: its tables; offline.c: --sql). */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "histread.h"
#include "lint.h"
#include "parfor.h"
#include "report.h"
#include "runner_int.h"
#include "script.h"

/* ---- small helpers ---- */

long long rn_now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

void rn_iso_now(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

int rn_dialect_is_transactional(const rt_ctx *ctx)
{
	return (ctx->dialect->vt.dialect.flags & RETORT_DIALECT_TRANSACTIONAL_DDL) != 0;
}

int rn_plugin_fail(rt_ctx *ctx, int rc, const char *what)
{
	return rt_hctx_take_error(ctx->dialect->hctx, rc, what);
}

/* quote helpers produce new strings */
char *rn_quote(rt_ctx *ctx, int literal, const char *s)
{
	retort_sink sk;
	char *r = NULL;
	int rc;
	rt_sink_init(&sk);
	rc = literal ? ctx->dialect->vt.dialect.quote_literal(ctx->dialect->state, s, &sk)
	             : ctx->dialect->vt.dialect.quote_ident(ctx->dialect->state, s, &sk);
	if (rc < 0)
		rn_plugin_fail(ctx, rc, literal ? "quote_literal" : "quote_ident");
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
	memset(ctx, 0, sizeof *ctx);
	ctx->cfg = cfg;
	ctx->command = command;
	ctx->sql_out = stdout;
	rt_random_hex(ctx->run_id, RT_RUN_ID_BYTES); /* 128 random bits: unique across hosts and processes */
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
	rt_free(ctx->mark_note);
	rt_free(ctx->mark_seen);
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
	if (!ctx->url && (rc = rt_url_parse(&ctx->url, ctx->cfg->url)) < 0) {
		if (ctx->cfg->url_where)
			rt_error_prefix("%s", ctx->cfg->url_where);
		return rc;
	}
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
		rn_plugin_fail(ctx, rc, "connect");
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

/*
 * The payload's started_at: ISO 8601 in UTC with a `Z`.  The runner keeps
 * its times as the history table stores them ("YYYY-MM-DD HH:MM:SS", UTC);
 * each event converts once, here.  Anything else passes unchanged.
 */
void rt_iso8601_utc(char out[32], const char *utc)
{
	size_t n = utc ? strlen(utc) : 0;
	if (n == 19 && utc[10] == ' ')
		snprintf(out, 32, "%.10sT%.8sZ", utc, utc + 11);
	else
		snprintf(out, 32, "%s", utc ? utc : "");
}

/* The fields every event carries: run, command, dialect, database, user, host, version, fleet target. */
static void event_common(rt_ctx *ctx, retort_event *ev, const char *name)
{
	memset(ev, 0, sizeof *ev);
	ev->size = sizeof *ev;
	ev->name = name;
	ev->run_id = ctx->run_id;
	ev->command = ctx->command;
	ev->dialect = ctx->dialect ? ctx->dialect->desc.name : NULL;
	ev->database_url = ctx->url ? rt_url_masked(ctx->url) : NULL;
	ev->duration_ms = -1;
	ev->user = ctx->user;
	ev->host = ctx->host;
	ev->retort_version = RETORT_VERSION;
	ev->target = ctx->cfg ? ctx->cfg->target_name : NULL;
}

static int emit(rt_ctx *ctx, const char *name, const rt_revision *rev, const char *direction, const char *outcome,
                const char *started_at, long long duration_ms, const char *error, const char *path,
                const retort_lock_holder *holder)
{
	retort_event ev;
	char iso[32];
	event_common(ctx, &ev, name);
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
	if (started_at) {
		rt_iso8601_utc(iso, started_at);
		ev.started_at = iso;
	}
	ev.duration_ms = duration_ms;
	ev.error = error;
	ev.path = path;
	ev.lock_holder = holder;
	return rt_plugins_emit(ctx->plugins, &ev);
}

int rt_ctx_event_message(rt_ctx *ctx, const char *name, const char *outcome, const char *started_at,
                         long long duration_ms, const char *message)
{
	retort_event ev;
	char iso[32];
	event_common(ctx, &ev, name);
	ev.outcome = outcome;
	if (started_at) {
		rt_iso8601_utc(iso, started_at);
		ev.started_at = iso;
	}
	ev.duration_ms = duration_ms;
	ev.message = message;
	return rt_plugins_emit(ctx->plugins, &ev);
}

int rt_ctx_event(rt_ctx *ctx, const char *name, const rt_revision *rev, const char *direction, const char *outcome,
                 const char *started_at, long long duration_ms, const char *error, const char *path)
{
	return emit(ctx, name, rev, direction, outcome, started_at, duration_ms, error, path, NULL);
}

int rt_ctx_event_holder(rt_ctx *ctx, const char *name, const char *started_at, long long duration_ms,
                        const char *error, const retort_lock_holder *holder)
{
	return emit(ctx, name, NULL, NULL, NULL, started_at, duration_ms, error, NULL, holder);
}

/* ---- statements ---- */

int rn_exec_sql(rt_ctx *ctx, const char *sql)
{
	int rc = ctx->dialect->vt.dialect.execute(ctx->conn, ctx->dialect->hctx, sql);
	if (rc < 0)
		return rn_plugin_fail(ctx, rc, "execute");
	return RETORT_OK;
}

int rn_tx_begin(rt_ctx *ctx)
{
	int rc = ctx->dialect->vt.dialect.begin(ctx->conn, ctx->dialect->hctx);
	if (rc < 0)
		return rn_plugin_fail(ctx, rc, "begin");
	ctx->in_tx = 1;
	return RETORT_OK;
}

int rn_tx_commit(rt_ctx *ctx)
{
	int rc = ctx->dialect->vt.dialect.commit(ctx->conn, ctx->dialect->hctx);
	ctx->in_tx = 0;
	if (rc < 0)
		return rn_plugin_fail(ctx, rc, "commit");
	return RETORT_OK;
}

/* Roll back the transaction the runner opened, if one is open (a second ROLLBACK makes PostgreSQL warn). */
void rn_tx_rollback(rt_ctx *ctx)
{
	if (ctx->conn && ctx->in_tx) {
		ctx->dialect->vt.dialect.rollback(ctx->conn, ctx->dialect->hctx);
		rt_hctx_clear_error(ctx->dialect->hctx);
	}
	ctx->in_tx = 0;
}

/* UTF-8 characters (code points) in s */
static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Refuse (EINVAL) a name longer than the dialect's max_identifier_length: the database would cut it short. */
static int check_ident(rt_ctx *ctx, const retort_op *op, const char *name)
{
	unsigned max = ctx->dialect->vt.dialect.max_identifier_length;
	size_t n;
	if (!name || !max || (n = utf8_chars(name)) <= max)
		return RETORT_OK;
	if (op->file)
		rt_error_set("%s:%d: the name '%s' is %zu characters long; %s keeps at most %u (a longer one would be cut "
		             "short): shorten it", op->file, op->line, name, n, ctx->dialect->desc.name, max);
	else
		rt_error_set("the name '%s' is %zu characters long; %s keeps at most %u (a longer one would be cut short): "
		             "shorten it", name, n, ctx->dialect->desc.name, max);
	return RETORT_EINVAL;
}

/* Every name an operation gives a table, column, index or constraint, checked with check_ident. */
static int check_idents(rt_ctx *ctx, const retort_op *op)
{
	size_t i;
	int rc = RETORT_OK;
	if (!ctx->dialect->vt.dialect.max_identifier_length || op->kind == RETORT_OP_EXECUTE)
		return RETORT_OK;
#define CHK(x)                                                                                                         \
	if (rc == RETORT_OK)                                                                                           \
	rc = check_ident(ctx, op, (x))
	CHK(op->table);
	CHK(op->name);
	CHK(op->new_name);
	CHK(op->column);
	for (i = 0; i < op->ncolumns; i++)
		CHK(op->columns[i].name);
	if (op->primary_key)
		CHK(op->primary_key->name);
	for (i = 0; i < op->nuniques; i++)
		CHK(op->uniques[i].name);
	for (i = 0; i < op->nforeign_keys; i++)
		CHK(op->foreign_keys[i].name);
	for (i = 0; i < op->nchecks; i++)
		CHK(op->checks[i].name);
#undef CHK
	return rc;
}

/*
 * Render ops[0] into sink (statements), with the dialect's status as it is
 * (RETORT_ENOTSUPPORTED included).  Online, render_online_batch may render
 * some of ops[1..n) with it (*used: how many it took; 1 without it);
 * render_online is its one-operation case, render() the offline one.
 * mores[i] (mores may be NULL) is what ops[i] carries beyond retort_op,
 * handed out by the host service op_more while the dialect renders.
 */
static int render_raw(rt_ctx *ctx, const retort_op *const *ops, const retort_op_more *const *mores, size_t n,
                      size_t *used, retort_sink *sk, int online)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	retort_host_ctx *h = ctx->dialect->hctx;
	const retort_op *op = ops[0];
	size_t i;
	int rc, direct = 0; /* an error of the host's own, not the plugin's */
	*used = 1;
	if (op->dialect && strcmp(op->dialect, ctx->dialect->desc.name) != 0)
		return RETORT_OK;
	if ((rc = check_idents(ctx, op)) < 0)
		return rc;
	if (n > RT_HCTX_RENDERING_MAX) /* offered to render_online_batch at once: what op_more can follow */
		n = RT_HCTX_RENDERING_MAX;
	rt_hctx_rendering(h, ops, mores, n);
	if (online && n > 1 && RETORT_STRUCT_HAS(d, retort_dialect_vtable, render_online_batch) &&
	    d->render_online_batch) {
		rc = d->render_online_batch(ctx->conn, h, ops, n, used, sk);
		if (rc >= 0 && (*used < 1 || *used > n)) {
			rt_error_set("%s: render_online_batch took %zu of %zu operations", ctx->dialect->desc.name, *used, n);
			rc = RETORT_ERROR;
			direct = 1;
		}
		for (i = 1; rc >= 0 && i < *used; i++)
			if ((rc = check_idents(ctx, ops[i])) < 0)
				direct = 1;
	} else if (online && RETORT_STRUCT_HAS(d, retort_dialect_vtable, render_online) && d->render_online)
		rc = d->render_online(ctx->conn, h, op, sk);
	else
		rc = d->render(ctx->dialect->state, h, op, sk);
	for (i = 0; rc >= 0 && mores && i < *used; i++)
		if (mores[i] && !(h->more_asked & (UINT64_C(1) << i))) {
			/* a dialect built before op_more: it would have left part of the op out */
			rt_host_services()->set_error(h, "%s: this dialect does not read what the operation carries beyond its "
			                                 "ABI-1 fields (autoincrement, an enum value's position): upgrade the plugin",
			                              rt_op_kind_name(ops[i]->kind));
			rc = RETORT_ENOTSUPPORTED;
		}
	rt_hctx_rendering(h, NULL, NULL, 0);
	if (rc < 0)
		return direct ? rc : rn_plugin_fail(ctx, rc, "render");
	return rt_sink_flush(sk);
}

int rn_render_ops(rt_ctx *ctx, const retort_op *const *ops, const retort_op_more *const *mores, size_t n, size_t *used,
                  retort_sink *sk, int online)
{
	int rc = render_raw(ctx, ops, mores, n, used, sk, online);
	return rc == RETORT_ENOTSUPPORTED ? RETORT_EINVAL : rc;
}

int rn_render_op(rt_ctx *ctx, const retort_op *op, const retort_op_more *more, retort_sink *sk, int online)
{
	size_t used;
	if (more && !more->size)
		more = NULL;
	return rn_render_ops(ctx, &op, more ? &more : NULL, 1, &used, sk, online);
}

/* What op i of a step's script carries beyond retort_op, or NULL. */
const retort_op_more *rn_op_more(const rt_revision *rev, int up, size_t i)
{
	const retort_op_more *m = up ? rev->upgrade_more : rev->downgrade_more;
	return m && m[i].size ? &m[i] : NULL;
}

int rn_has_execute_batch(const rt_ctx *ctx)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	return RETORT_STRUCT_HAS(d, retort_dialect_vtable, execute_batch) && d->execute_batch;
}

/* Run n statements: in one execute_batch when the dialect has it, else one by one.  *failed: the failing index. */
int rn_exec_batch(rt_ctx *ctx, const char *const *sqls, size_t n, size_t *failed)
{
	size_t i;
	int rc;
	*failed = 0;
	if (n > 1 && rn_has_execute_batch(ctx)) {
		rc = ctx->dialect->vt.dialect.execute_batch(ctx->conn, ctx->dialect->hctx, sqls, n, failed);
		return rc < 0 ? rn_plugin_fail(ctx, rc, "execute") : RETORT_OK;
	}
	for (i = 0; i < n; i++) {
		if ((rc = rn_exec_sql(ctx, sqls[i])) < 0) {
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
/* ---- progress ---- */

static void step_line(rt_ctx *ctx, const rt_step *s, long long ms, size_t done, size_t total)
{
	char *parents;
	if (ctx->quiet)
		return;
	parents = rt_strv_join(&s->rev->parents, ", ");
	if (ctx->progress)
		rt_report(RT_REPORT_PROGRESS, "\r\033[K");
	if (s->up)
		rt_report(RT_REPORT_PROGRESS, "Running upgrade %s -> %s, %s (%lld ms)\n", parents ? parents : "", s->rev->id,
		        s->rev->message ? s->rev->message : "", ms);
	else
		rt_report(RT_REPORT_PROGRESS, "Running downgrade %s -> %s, %s (%lld ms)\n", s->rev->id, parents ? parents : "",
		        s->rev->message ? s->rev->message : "", ms);
	if (ctx->progress && total > 1 && done < total)
		rt_report(RT_REPORT_PROGRESS, "[%zu/%zu]", done, total);
	rt_free(parents);
}

/* ---- the lock ---- */

/*
 * The holder for a lock event: asked only of a dialect that can tell, and
 * only when the lock was not free.  A failure to ask is logged, never
 * fatal: the lock itself decides the run.
 */
static const retort_lock_holder *event_holder(rt_ctx *ctx, rt_lock_state *ls)
{
	rt_error_saved saved;
	if (!rn_has_lock_holder(ctx))
		return NULL;
	rt_error_save(&saved);
	if (rn_lock_holder_query(ctx, ls) < 0) {
		rt_report(RT_REPORT_WARNING, "cannot tell who holds the migration lock: %s", rt_error_msg());
		rt_lock_state_free(ls);
		rt_hctx_clear_error(ctx->dialect->hctx);
	}
	rt_error_restore(&saved);
	return ls->held ? &ls->holder : NULL;
}

static void wait_line(rt_ctx *ctx, const retort_lock_holder *hd, unsigned timeout)
{
	char *who = hd ? rt_lock_holder_text(hd) : NULL;
	if (ctx->progress)
		rt_report(RT_REPORT_PROGRESS, "\r\033[K");
	rt_report(RT_REPORT_PROGRESS, "Waiting up to %u s for the migration lock, held by %s\n", timeout,
	          who ? who : "another session");
	rt_free(who);
}

/*
 * Take the lock.  With events: tried once without waiting; when another
 * session holds it, lock.wait (with who holds it, if the dialect can tell)
 * and then the wait of up to lock_timeout; lock.acquired (duration_ms: the
 * time waited) or lock.timeout (with who holds it then).
 */
static int take_lock_ev(rt_ctx *ctx, int events)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	unsigned timeout = (unsigned)ctx->cfg->lock_timeout;
	rt_lock_state ls;
	char started[32];
	long long t0 = rn_now_ms();
	int rc;
	memset(&ls, 0, sizeof ls);
	rn_iso_now(started);
	rc = d->lock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, events ? 0 : timeout);
	if (events && rc == RETORT_ELOCKED) {
		const retort_lock_holder *hd;
		rt_hctx_clear_error(ctx->dialect->hctx);
		hd = event_holder(ctx, &ls);
		if (!ctx->quiet)
			wait_line(ctx, hd, timeout);
		rt_ctx_event_holder(ctx, "lock.wait", started, -1, NULL, hd);
		rc = d->lock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table, timeout);
	}
	if (rc < 0) {
		rn_plugin_fail(ctx, rc, "lock");
		if (rc == RETORT_ELOCKED && events) {
			const retort_lock_holder *hd;
			rt_error_saved msg;
			char *who;
			rt_error_save(&msg);
			hd = event_holder(ctx, &ls);
			rt_ctx_event_holder(ctx, "lock.timeout", started, rn_now_ms() - t0, msg.msg, hd);
			rt_error_restore(&msg);
			if (hd && (who = rt_lock_holder_text(hd))) {
				rt_error_set("%s; it is held by %s (see `retort lock`)", msg.msg, who);
				rt_free(who);
			}
		}
		rt_lock_state_free(&ls);
		return RETORT_ERROR;
	}
	rt_lock_state_free(&ls);
	ctx->in_tx = 1; /* a lock may be a transaction (SQLite); rollback is then safe either way */
	ctx->locked = 1;
	if (events)
		rt_ctx_event_holder(ctx, "lock.acquired", started, rn_now_ms() - t0, NULL, NULL);
	return RETORT_OK;
}

int rn_take_lock(rt_ctx *ctx)
{
	return take_lock_ev(ctx, 1);
}

void rn_release_lock(rt_ctx *ctx)
{
	if (ctx->conn) {
		ctx->dialect->vt.dialect.unlock(ctx->conn, ctx->dialect->hctx, ctx->cfg->version_table);
		rt_hctx_clear_error(ctx->dialect->hctx);
	}
	ctx->locked = 0;
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
	if ((rc = rn_tx_commit(ctx)) < 0)
		return rc;
	rn_release_lock(ctx);
	if ((rc = take_lock_ev(ctx, 0)) < 0)
		return rc;
	return rn_tx_begin(ctx);
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
 * retort's own work (a libconfig parse and a SHA-256 per script), so two
 * threads share it (rt_parfor), one revision at a time.
 * rt_script_load_ops touches only its revision, and the error message is
 * per thread; on any failure the main thread loads again in plan order,
 * so the error reported is the one the sequential loop would report.
 */
#define PAR_LOAD_MIN 64 /* fewer scripts: a thread costs more than it saves */

static int load_one(void *arg, size_t i)
{
	rt_revision **revs = arg;
	return rt_script_load_ops(revs[i]) < 0;
}

/* Load the ops of the plan's revisions on two threads (best effort: the caller loads what is left). */
static void par_load_ops(rt_ctx *ctx, const rt_plan *plan)
{
	rt_revision **revs = NULL;
	unsigned char *seen = NULL;
	size_t i, n = 0, total = rt_graph_count(ctx->graph);
	if (!(revs = rt_malloc(plan->n * sizeof *revs)) || !(seen = rt_calloc(total ? total : 1, 1)))
		goto done;
	for (i = 0; i < plan->n; i++) { /* each revision once, so that no two threads load the same */
		rt_revision *r = plan->steps[i].rev;
		if (r->ops_loaded || (r->index < total && seen[r->index]))
			continue;
		if (r->index >= total)
			goto done; /* not a graph revision: leave it all to the sequential loop */
		seen[r->index] = 1;
		revs[n++] = r;
	}
	rt_parfor(n, 1, PAR_LOAD_MIN, load_one, revs);
done:
	rt_error_clear();
	rt_free(seen);
	rt_free(revs);
}

static int load_ops(rt_ctx *ctx, rt_plan *plan)
{
	size_t i, k;
	int rc = RETORT_OK;
	if (plan->n >= PAR_LOAD_MIN)
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
	return rc;
}

int rn_make_plan(rt_ctx *ctx, int up, const rt_strv *heads, const char *target, rt_plan *plan)
{
	int rc = up ? rt_graph_plan_upgrade(ctx->graph, heads, target, plan)
	            : rt_graph_plan_downgrade(ctx->graph, heads, target, plan);
	return rc < 0 ? rc : load_ops(ctx, plan);
}

/*
 * Every statement of a plan is rendered before the first one runs, so that
 * a script the dialect refuses (MySQL: alter_column without existing_type)
 * fails the run with nothing written, as a syntax error does.  A dialect
 * with render_online (SQLite: rebuilds read the live schema as the plan
 * leaves it) is checked with render() instead: what only the live schema
 * can decide (RETORT_ENOTSUPPORTED offline) is left to the step, every
 * other refusal stops the run here.
 */
typedef struct step_sql {
	retort_sink sk;  /* the step's statements (unused with render_online) */
	size_t *op_end;  /* the statements of op i end at op_end[i] */
	int notx;        /* some statement must run outside a transaction */
} step_sql;

static void prep_free(step_sql *prep, size_t n)
{
	size_t k;
	for (k = 0; prep && k < n; k++) {
		rt_sink_free(&prep[k].sk);
		rt_free(prep[k].op_end);
	}
	rt_free(prep);
}

static int has_render_online(const rt_ctx *ctx)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	return RETORT_STRUCT_HAS(d, retort_dialect_vtable, render_online) && d->render_online;
}

static int prepare(rt_ctx *ctx, const rt_plan *plan, step_sql **out)
{
	step_sql *prep;
	size_t k, i, j;
	int online = has_render_online(ctx), rc = RETORT_OK;
	*out = NULL;
	if (!(prep = rt_calloc(plan->n ? plan->n : 1, sizeof *prep))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (k = 0; k < plan->n; k++)
		rt_sink_init(&prep[k].sk);
	for (k = 0; k < plan->n && rc == RETORT_OK; k++) {
		const rt_step *s = &plan->steps[k];
		const retort_op *ops = s->up ? s->rev->upgrade : s->rev->downgrade;
		size_t nops = s->up ? s->rev->nupgrade : s->rev->ndowngrade;
		step_sql *p = &prep[k];
		if (nops && !(p->op_end = rt_malloc(nops * sizeof *p->op_end))) {
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			break;
		}
		for (i = 0; i < nops; i++) {
			const retort_op *op = &ops[i];
			const retort_op_more *more;
			size_t used;
			if (online)
				rt_sink_reset(&p->sk);
			more = rn_op_more(s->rev, s->up, i);
			rc = render_raw(ctx, &op, more ? &more : NULL, 1, &used, &p->sk, 0);
			if (online && rc == RETORT_ENOTSUPPORTED) {
				rt_error_clear();
				rc = RETORT_OK;
			}
			if (rc < 0) {
				rt_error_prefix("%s:%d: %s %s, operation %zu (%s)", s->rev->path, ops[i].line,
				                s->up ? "upgrade" : "downgrade", s->rev->id, i + 1,
				                rt_op_kind_name(ops[i].kind));
				rc = RETORT_EINVAL;
				break;
			}
			p->op_end[i] = p->sk.n;
		}
		if (online)
			rt_sink_reset(&p->sk);
		for (j = 0; j < p->sk.n; j++)
			if (p->sk.stmts[j].flags & RETORT_STMT_NO_TRANSACTION)
				p->notx = 1;
	}
	if (rc < 0) {
		prep_free(prep, plan->n);
		return rc;
	}
	*out = prep;
	return RETORT_OK;
}

/* Plan, load and render (rn_make_plan, then prepare). */
static int plan_run(rt_ctx *ctx, int up, const rt_strv *heads, const char *target, rt_plan *plan, step_sql **prep)
{
	int rc = rn_make_plan(ctx, up, heads, target, plan);
	return rc < 0 ? rc : prepare(ctx, plan, prep);
}

/* The refusal of upgrade/downgrade while a revision is marked as not finished (history.c reads the mark). */
static int refuse_marked(rt_ctx *ctx, const char *failed, const char *dir)
{
	rt_error_set("%s; repair the schema by hand, then run 'retort repair' before any %s",
	             ctx->mark_note ? ctx->mark_note : failed, dir);
	return RETORT_ERROR;
}

/*
 * After the lock was taken again: when another process moved the version
 * table meanwhile, adopt its rows and plan again; when it left a revision
 * unfinished, stop.  Returns 1 when it planned again, 0 when nothing
 * moved, or a negative status.
 */
static int resync(rt_ctx *ctx, int up, const char *target, rt_strv *heads, rt_plan *plan, step_sql **prep)
{
	rt_strv now = RT_STRV_INIT;
	char *failed = NULL;
	size_t i;
	int rc = rt_db_read_heads(ctx, &now, NULL, NULL), moved = rc == RETORT_OK && !strv_same_set(&now, heads);
	/*
	 * Another process that ran meanwhile may have left a revision marked:
	 * always possible without transactional DDL; elsewhere only if it ran
	 * something (the mark query reads the history table: not per revision
	 * of a long transactional run).
	 */
	if (rc == RETORT_OK && (moved || !rn_dialect_is_transactional(ctx)) &&
	    (rc = rn_read_mark(ctx, &failed)) == RETORT_OK && failed)
		rc = refuse_marked(ctx, failed, up ? "upgrade" : "downgrade");
	rt_free(failed);
	if (rc < 0 || !moved) {
		rt_strv_free(&now);
		return rc < 0 ? rc : 0;
	}
	rt_strv_clear(heads);
	for (i = 0; i < now.n && rc == RETORT_OK; i++)
		rc = rt_strv_push(heads, now.v[i]);
	rt_strv_free(&now);
	if (rc < 0)
		return rc;
	prep_free(*prep, plan->n);
	*prep = NULL;
	rt_plan_free(plan);
	if ((rc = plan_run(ctx, up, heads, target, plan, prep)) < 0)
		return rc;
	return 1;
}

/* Commit the `running` history row of step s (with what the open transaction holds) and go on in a new one. */
static int mark_running(rt_ctx *ctx, const rt_step *s, const char *st)
{
	int rc = rn_history_row(ctx, s->rev->id, s->up ? "upgrade" : "downgrade", "running", NULL, s->rev->checksum,
	                        st, 0);
	if (rc == RETORT_OK)
		rc = rn_tx_commit(ctx);
	return rc;
}

/* After a statement of op that ran outside any transaction failed: the dialect removes what it left behind. */
static void cleanup_failed(rt_ctx *ctx, const retort_op *op)
{
	const retort_dialect_vtable *d = &ctx->dialect->vt.dialect;
	rt_error_saved saved;
	if (!RETORT_STRUCT_HAS(d, retort_dialect_vtable, cleanup_failed) || !d->cleanup_failed)
		return;
	rt_error_save(&saved);
	if (d->cleanup_failed(ctx->conn, ctx->dialect->hctx, op) < 0) {
		rn_plugin_fail(ctx, RETORT_ERROR, "cleanup");
		rt_error_set("%s; and undoing what it left failed: %s", saved.msg, rt_error_msg());
		return;
	}
	rt_error_restore(&saved);
}

/*
 * Run one step: its statements (prepared in p, or rendered now through
 * render_online), then its bookkeeping (version-table changes and the
 * history row, started at `st`, `s0` ms), no commit.
 *
 * A step that cannot roll back as a whole first commits a `running`
 * history row: on a dialect without transactional DDL before its first
 * statement; elsewhere, together with the statements before its first
 * statement that must run outside a transaction (CREATE INDEX
 * CONCURRENTLY).  The step's version-table changes then turn that row
 * into `ok` in one transaction; a failure or a kill leaves it `running`,
 * which marks the revision as not finished (*partial = 1).
 *
 * A step whose statements all run inside the transaction goes in one
 * execute_batch when the dialect has it (PostgreSQL: one round trip).
 */
static int run_step(rt_ctx *ctx, const rt_step *s, const step_sql *p, rt_strv *heads, const char *st, long long s0,
                    char **failed_sql, size_t *failed_op, size_t *failed_n, int *partial)
{
	const retort_op *ops = s->up ? s->rev->upgrade : s->rev->downgrade;
	const retort_op **ptrs = NULL;
	const retort_op_more **mptrs = NULL;
	size_t nops = s->up ? s->rev->nupgrade : s->rev->ndowngrade, i, j, from, used = 1;
	int transactional = rn_dialect_is_transactional(ctx), online = has_render_online(ctx);
	rt_vt_changes ch = {NULL, 0, 0};
	retort_version_change vc_small[4], *vc = vc_small;
	retort_step_record rec;
	retort_sink own;
	const retort_sink *sk = &p->sk;
	const char **sqls = NULL;
	int rc = RETORT_OK;
	rt_sink_init(&own);
	*partial = 0;
	if (!transactional) {
		if ((rc = mark_running(ctx, s, st)) < 0 || (rc = rn_tx_begin(ctx)) < 0)
			goto done;
		*partial = 1;
	}
	if (!online && !p->notx && rn_has_execute_batch(ctx) && sk->n) {
		size_t failed = 0;
		if (!(sqls = rt_malloc(sk->n * sizeof *sqls))) {
			rt_error_set("out of memory");
			rc = RETORT_ENOMEM;
			goto done;
		}
		for (j = 0; j < sk->n; j++)
			sqls[j] = sk->stmts[j].sql;
		if ((rc = rn_exec_batch(ctx, sqls, sk->n, &failed)) < 0) {
			for (i = 0; i < nops && p->op_end[i] <= failed; i++)
				;
			*failed_op = i + 1;
			*failed_sql = rt_strdup(sqls[failed]);
			goto done;
		}
		nops = 0; /* all ran */
	}
	/* online, the dialect may render several operations together (render_online_batch): used of them */
	if (online && nops && (!(ptrs = rt_malloc(nops * sizeof *ptrs)) || !(mptrs = rt_malloc(nops * sizeof *mptrs)))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	for (i = 0; online && i < nops; i++) {
		ptrs[i] = &ops[i];
		mptrs[i] = rn_op_more(s->rev, s->up, i);
	}
	for (i = 0; i < nops; i += used) {
		from = i ? p->op_end[i - 1] : 0;
		if (online) {
			rt_sink_reset(&own);
			if ((rc = rn_render_ops(ctx, ptrs + i, mptrs + i, nops - i, &used, &own, 1)) < 0) {
				*failed_op = i + 1;
				goto done;
			}
			sk = &own;
			from = 0;
		}
		for (j = from; j < (online ? own.n : p->op_end[i]); j++) {
			int notx = transactional && (sk->stmts[j].flags & RETORT_STMT_NO_TRANSACTION);
			if (notx) {
				if (!*partial && (rc = mark_running(ctx, s, st)) < 0)
					goto fail_stmt;
				if (*partial && ctx->in_tx && (rc = rn_tx_commit(ctx)) < 0)
					goto fail_stmt;
				*partial = 1;
			}
			rc = rn_exec_sql(ctx, sk->stmts[j].sql);
			if (rc < 0 && notx)
				cleanup_failed(ctx, &ops[i]);
			if (notx && rc == RETORT_OK)
				rc = rn_tx_begin(ctx);
			if (rc < 0)
				goto fail_stmt;
		}
	}
	if ((rc = rt_graph_step_heads(ctx->graph, heads, s, &ch)) < 0)
		goto done;
	if (ch.n > sizeof vc_small / sizeof vc_small[0] && !(vc = rt_malloc(ch.n * sizeof *vc))) {
		rt_error_set("out of memory");
		rc = RETORT_ENOMEM;
		goto done;
	}
	/* without transactional DDL the statements committed themselves: the bookkeeping gets its own transaction */
	if (!transactional && (rc = rn_tx_begin(ctx)) < 0)
		goto done;
	rn_step_record(ctx, &rec, vc, &ch, s->rev->id, s->up ? "upgrade" : "downgrade", "ok", NULL, s->rev->checksum,
	               st, rn_now_ms() - s0);
	rc = rn_record(ctx, &rec, *partial);
	goto done;
fail_stmt:
	*failed_op = i + 1;
	*failed_n = used;
	*failed_sql = rt_strdup(sk->stmts[j].sql);
done:
	if (vc != vc_small)
		rt_free(vc);
	rt_free(ptrs);
	rt_free(mptrs);
	rt_free(sqls);
	rt_vt_changes_free(&ch);
	rt_sink_free(&own);
	return rc;
}

int rt_run_migrate(rt_ctx *ctx, int up, const char *target)
{
	rt_strv heads = RT_STRV_INIT;
	rt_plan plan = {NULL, 0};
	char *failed = NULL, *failed_sql = NULL;
	size_t k, failed_op = 0, failed_n = 1;
	int rc, per_migration, transactional, exists = 0, partial = 0;
	step_sql *prep = NULL;
	char started[32];
	long long t0 = rn_now_ms();
	const char *dir = up ? "upgrade" : "downgrade";

	rn_iso_now(started);
	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	transactional = rn_dialect_is_transactional(ctx);
	per_migration = ctx->cfg->transaction_per_migration || !transactional;
	if ((rc = rt_ctx_event(ctx, "migrate.before", NULL, dir, NULL, started, -1, NULL, NULL)) < 0)
		return rc;
	if ((rc = rn_take_lock(ctx)) < 0)
		goto out_event;
	if ((rc = rn_tx_begin(ctx)) < 0)
		goto out;
	/* read the state again now that we hold the lock */
	if ((rc = rt_db_read_heads(ctx, &heads, &exists, &failed)) < 0)
		goto out;
	if (failed) {
		rc = refuse_marked(ctx, failed, dir);
		goto out;
	}
	if ((rc = rt_graph_check_current(ctx->graph, &heads)) < 0)
		goto out;
	if ((rc = plan_run(ctx, up, &heads, target, &plan, &prep)) < 0)
		goto out;
	if (up && (rc = rt_lint_gate_plan(ctx, &plan)) < 0)
		goto out;
	if ((rc = rn_ensure_tables(ctx)) < 0)
		goto out;
	if (per_migration && !exists && plan.n > 0) {
		/* make the tables durable before the first revision */
		if ((rc = relock(ctx)) < 0 || (rc = resync(ctx, up, target, &heads, &plan, &prep)) < 0)
			goto out;
	}
	ctx->progress = !ctx->quiet && isatty(2) && plan.n > 20;
	for (k = 0; k < plan.n; k++) {
		const rt_step *s = &plan.steps[k];
		char st[32];
		long long s0 = rn_now_ms();
		rn_iso_now(st);
		if ((rc = rt_ctx_event(ctx, "revision.before", s->rev, dir, NULL, st, -1, NULL, NULL)) < 0)
			goto out;
		rc = run_step(ctx, s, &prep[k], &heads, st, s0, &failed_sql, &failed_op, &failed_n, &partial);
		if (rc < 0) {
			char msg[4096], ops_done[64] = "";
			if (failed_n > 1) /* statements of operations rendered together */
				snprintf(ops_done, sizeof ops_done, "s %zu-%zu", failed_op, failed_op + failed_n - 1);
			else
				snprintf(ops_done, sizeof ops_done, " %zu", failed_op);
			if (failed_op)
				snprintf(msg, sizeof msg, "%s %s (%s:%d), operation%s%s%s: %s", dir, s->rev->id, s->rev->path,
				         (s->up ? s->rev->upgrade : s->rev->downgrade)[failed_op - 1].line, ops_done,
				         failed_sql ? ": " : "", failed_sql ? failed_sql : "", rt_error_msg());
			else
				snprintf(msg, sizeof msg, "%s %s (%s): %s", dir, s->rev->id, s->rev->path, rt_error_msg());
			rn_tx_rollback(ctx);
			if (!transactional)
				strncat(msg, "; earlier statements of this script may already be applied (this database commits "
				             "DDL as it goes): repair by hand, then run 'retort repair'",
				        sizeof msg - strlen(msg) - 1);
			else if (partial)
				strncat(msg, "; the statements of this script before the one that must run outside a transaction "
				             "are committed: repair by hand, then run 'retort repair'",
				        sizeof msg - strlen(msg) - 1);
			/* record the failure in its own transaction */
			if (rn_tx_begin(ctx) == RETORT_OK && rn_ensure_tables(ctx) == RETORT_OK &&
			    rn_history_row(ctx, s->rev->id, dir, "failed", msg, s->rev->checksum, st, rn_now_ms() - s0) == RETORT_OK)
				rn_tx_commit(ctx);
			else
				rn_tx_rollback(ctx);
			rt_ctx_event(ctx, "revision.error", s->rev, dir, "failed", st, rn_now_ms() - s0, msg, NULL);
			rt_error_set("%s", msg);
			if (rc == RETORT_EINVAL)
				rc = RETORT_ERROR; /* the work failed: exit 1 */
			goto out;
		}
		if (partial && !per_migration && (rc = rn_tx_commit(ctx)) == RETORT_OK)
			rc = rn_tx_begin(ctx); /* a step that ran in parts is committed alone, its `ok` row with it */
		if (rc < 0)
			goto out;
		if (per_migration && k + 1 < plan.n) {
			/* commit this revision; SQLite's lock is its transaction, so take it again and check that
			 * nobody moved the version table meanwhile */
			int moved;
			step_line(ctx, s, rn_now_ms() - s0, k + 1, plan.n);
			rt_ctx_event(ctx, "revision.after", s->rev, dir, "ok", st, rn_now_ms() - s0, NULL, NULL);
			if ((rc = relock(ctx)) < 0 || (moved = rc = resync(ctx, up, target, &heads, &plan, &prep)) < 0)
				goto out;
			if (moved)
				k = (size_t)-1; /* start over with the new plan */
			continue;
		}
		step_line(ctx, s, rn_now_ms() - s0, k + 1, plan.n);
		rt_ctx_event(ctx, "revision.after", s->rev, dir, "ok", st, rn_now_ms() - s0, NULL, NULL);
	}
	if (ctx->in_tx && (rc = rn_tx_commit(ctx)) < 0)
		goto out;
out:
	if (rc < 0)
		rn_tx_rollback(ctx);
	rn_release_lock(ctx);
out_event:
	if (rc < 0) {
		rt_error_saved saved;
		rt_error_save(&saved);
		rt_ctx_event(ctx, "migrate.error", NULL, dir, "failed", started, rn_now_ms() - t0, saved.msg, NULL);
		rt_error_restore(&saved);
	} else {
		rt_ctx_event(ctx, "migrate.after", NULL, dir, "ok", started, rn_now_ms() - t0, NULL, NULL);
	}
	rt_free(failed);
	rt_free(failed_sql);
	prep_free(prep, plan.n);
	rt_plan_free(&plan);
	rt_strv_free(&heads);
	return rc;
}

int rt_run_stamp(rt_ctx *ctx, const char *const *targets, size_t n, int purge, int sql)
{
	rt_strv heads = RT_STRV_INIT, next = RT_STRV_INIT;
	int rc, exists = 0;
	char started[32];
	long long t0 = rn_now_ms();
	retort_sink sk;

	rt_sink_init(&sk);
	rn_iso_now(started);
	if (sql)
		return rn_stamp_offline(ctx, targets, n, purge);

	if ((rc = rt_ctx_connect(ctx)) < 0)
		return rc;
	if ((rc = rt_ctx_event(ctx, "migrate.before", NULL, "stamp", NULL, started, -1, NULL, NULL)) < 0)
		return rc;
	if ((rc = rn_take_lock(ctx)) < 0)
		goto out_event;
	if ((rc = rn_tx_begin(ctx)) < 0 || (rc = rt_db_read_heads(ctx, &heads, &exists, NULL)) < 0)
		goto out;
	if (!purge && (rc = rt_graph_check_current(ctx->graph, &heads)) < 0)
		goto out;
	if ((rc = rt_graph_plan_stamp(ctx->graph, &heads, targets, n, purge, &next)) < 0)
		goto out;
	if ((rc = rn_ensure_tables(ctx)) < 0)
		goto out;
	if ((rc = rn_stamp_rows(ctx, &heads, &next, purge, 0, started)) < 0)
		goto out;
	rc = rn_tx_commit(ctx);
out:
	if (rc < 0)
		rn_tx_rollback(ctx);
	rn_release_lock(ctx);
out_event:
	if (rc < 0) {
		rt_error_saved saved;
		rt_error_save(&saved);
		rt_ctx_event(ctx, "migrate.error", NULL, "stamp", "failed", started, rn_now_ms() - t0, saved.msg, NULL);
		rt_error_restore(&saved);
	} else {
		rt_ctx_event(ctx, "migrate.after", NULL, "stamp", "stamped", started, rn_now_ms() - t0, NULL, NULL);
	}
	rt_strv_free(&heads);
	rt_strv_free(&next);
	rt_sink_free(&sk);
	return rc;
}

