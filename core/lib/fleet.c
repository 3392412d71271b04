/*
 * The fleet runner (fleet.h).
 *
 * Threading: each target gets its own rt_config, rt_ctx, plugin instances,
 * revision graph and connection, so a worker touches no other worker's
 * data.  What is shared is guarded or per thread: the error message is
 * thread-local (util.c), the report callback is called under a mutex
 * (report.c) with the thread's target name as a prefix, and the plugin
 * loader (libltdl keeps a global handle list and search path; plugin
 * init/fini may set process-wide library options such as SQLite's
 * configuration) runs under `setup_lock`: opening and closing a
 * target's context are serialised, connecting and migrating are not.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "fleet.h"
#include "parfor.h"
#include "report.h"
#include "runner_int.h"
#include "url.h"

static pthread_mutex_t setup_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct fleet_run {
	const rt_fleet *f;
	const rt_targets *t;
	const size_t *sel;
	rt_fleet_result *res;
	pthread_mutex_t lock; /* counts and the progress callback */
	rt_fleet_counts counts;
} fleet_run;

static void progress(fleet_run *r, const rt_fleet_result *res, int started)
{
	pthread_mutex_lock(&r->lock);
	if (started) {
		r->counts.running++;
	} else {
		r->counts.running--;
		r->counts.done++;
		if (res->outcome == RT_FLEET_FAILED)
			r->counts.failed++;
	}
	if (r->f->progress)
		r->f->progress(r->f->progress_arg, &r->counts, started ? NULL : res);
	pthread_mutex_unlock(&r->lock);
}

/* The message of a failure, the target's password never in it. */
static char *failure_text(const char *url)
{
	const char *m = rt_error_msg();
	rt_url *u = NULL;
	char *text;
	if (!*m)
		m = "failed";
	text = rt_strdup(m);
	if (text && rt_url_parse(&u, url) == RETORT_OK) {
		const char *pw = rt_url_view(u)->password;
		if (pw && *pw && strstr(text, pw)) {
			rt_free(text);
			text = rt_asprintf("failed on %s (the message was withheld: it contained the password)",
			                   rt_url_masked(u));
		}
	}
	rt_url_free(u);
	rt_error_clear();
	return text;
}

static int read_heads(rt_ctx *ctx, rt_strv *heads, int *ok)
{
	int exists = 0, rc = rt_ctx_connect(ctx);
	rt_strv_clear(heads);
	if (rc == RETORT_OK)
		rc = rt_db_read_heads(ctx, heads, &exists, NULL);
	*ok = rc == RETORT_OK;
	return rc;
}

/* Open the target's context: its config, plugins, graph and dialect (under setup_lock). */
static int open_target(fleet_run *r, const rt_target *tg, rt_config **cfg, rt_ctx *ctx)
{
	int rc;
	memset(ctx, 0, sizeof *ctx);
	pthread_mutex_lock(&setup_lock);
	rc = rt_config_for_target(cfg, r->f->main->cfg, tg->name, tg->group, tg->url, tg->where);
	if (rc == RETORT_OK)
		rc = rt_ctx_open(ctx, *cfg, r->f->command, r->f->need_graph);
	if (rc == RETORT_OK) {
		memcpy(ctx->run_id, r->f->main->run_id, sizeof ctx->run_id); /* one run id for the fleet */
		ctx->read_only = r->f->read_only;
		ctx->quiet = 1; /* the fleet prints a line per target, not per revision */
		rc = rt_ctx_dialect(ctx);
	}
	pthread_mutex_unlock(&setup_lock);
	return rc;
}

static void close_target(rt_config *cfg, rt_ctx *ctx)
{
	pthread_mutex_lock(&setup_lock);
	if (ctx->cfg)
		rt_ctx_close(ctx);
	rt_config_free(cfg);
	pthread_mutex_unlock(&setup_lock);
}

static int one(void *arg, size_t i)
{
	fleet_run *r = arg;
	const rt_fleet *f = r->f;
	const rt_target *tg = &r->t->v[r->sel[i]];
	rt_fleet_result *res = &r->res[i];
	rt_config *cfg = NULL;
	rt_ctx ctx;
	long long t0 = rn_now_ms();
	int rc;

	rt_report_prefix(tg->name);
	progress(r, res, 1);
	rc = open_target(r, tg, &cfg, &ctx);
	if (rc == RETORT_OK && f->read_heads && read_heads(&ctx, &res->from, &res->from_read) < 0)
		rc = RETORT_ERROR;
	if (rc == RETORT_OK)
		rc = f->fn(&ctx, f->arg, res);
	res->status = rc;
	if (rc < 0)
		res->error = failure_text(tg->url);
	if (f->read_heads && ctx.conn) {
		/* what the version table holds now, and whether a revision is left marked */
		int exists = 0;
		rt_strv_clear(&res->to);
		res->to_read = rt_db_read_heads(&ctx, &res->to, &exists, &res->failed_mark) == RETORT_OK;
		rt_error_clear();
	}
	if (ctx.url && !res->masked_url)
		res->masked_url = rt_strdup(rt_url_masked(ctx.url));
	close_target(cfg, &ctx);
	res->ms = rn_now_ms() - t0;
	res->outcome = rc < 0 ? RT_FLEET_FAILED : RT_FLEET_OK;
	progress(r, res, 0);
	rt_report_prefix(NULL);
	return rc < 0 && f->fail_fast;
}

int rt_fleet_run(const rt_fleet *f, const rt_targets *t, const size_t *sel, size_t n, rt_fleet_result **results)
{
	fleet_run r;
	size_t i, ok = 0, failed = 0;
	char *msg, started[32];
	long long t0 = rn_now_ms();
	int rc;
	*results = NULL;
	memset(&r, 0, sizeof r);
	r.f = f;
	r.t = t;
	r.sel = sel;
	if (!(r.res = rt_calloc(n ? n : 1, sizeof *r.res))) {
		rt_error_set("out of memory");
		return RETORT_ENOMEM;
	}
	for (i = 0; i < n; i++)
		r.res[i].target = &t->v[sel[i]];
	r.counts.total = n;
	pthread_mutex_init(&r.lock, NULL);
	if (!(msg = rt_asprintf("%zu databases, %zu at once", n, f->jobs < n ? f->jobs : n)))
		goto oom;
	rn_iso_now(started);
	rc = rt_ctx_event_message(f->main, "fleet.before", NULL, started, -1, msg);
	rt_free(msg);
	if (rc < 0) {
		pthread_mutex_destroy(&r.lock);
		rt_free(r.res);
		return rc;
	}
	rt_parfor_threads(n, f->jobs ? f->jobs : 1, one, &r);
	pthread_mutex_destroy(&r.lock);
	for (i = 0; i < n; i++) {
		ok += r.res[i].outcome == RT_FLEET_OK;
		failed += r.res[i].outcome == RT_FLEET_FAILED;
	}
	msg = rt_asprintf("%zu databases: %zu ok, %zu failed, %zu not started", n, ok, failed, n - ok - failed);
	if (!msg)
		goto oom_after;
	rt_ctx_event_message(f->main, "fleet.after", ok == n ? "ok" : "failed", started, rn_now_ms() - t0, msg);
	rt_free(msg);
	*results = r.res;
	if (ok == n)
		return RETORT_OK;
	rt_error_set("%zu of %zu databases failed%s", failed, n,
	             n - ok - failed ? " (some were not started: --fail-fast)" : "");
	return RETORT_ERROR;
oom:
	pthread_mutex_destroy(&r.lock);
oom_after:
	rt_fleet_results_free(r.res, n);
	rt_error_set("out of memory");
	return RETORT_ENOMEM;
}

void rt_fleet_results_free(rt_fleet_result *r, size_t n)
{
	size_t i;
	for (i = 0; r && i < n; i++) {
		rt_free(r[i].error);
		rt_free(r[i].masked_url);
		rt_strv_free(&r[i].from);
		rt_strv_free(&r[i].to);
		rt_free(r[i].failed_mark);
		rt_free(r[i].state);
	}
	rt_free(r);
}
