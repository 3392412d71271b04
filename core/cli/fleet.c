/*
 * Fleet commands: upgrade, downgrade, stamp, current, validate, check and test on every
 * database the options select (--all, --target, --tag), --jobs at once,
 * through the library's fleet runner (core/lib/fleet.c).  Prints a live
 * progress line on a terminal, then a line per database and a summary
 * (or one JSON document); `current` adds the fleet's spread.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "autogen.h"
#include "cli.h"
#include "fleet.h"
#include "histread.h"
#include "rtest.h"

#define MAX_NAMED 10 /* failed databases named in the summary */

int fleet_selected(const opts *o)
{
	return o->fleet_all || o->fleet_targets.n || o->fleet_tags.n;
}

typedef struct fleet_cmd_arg {
	const char *command;
	opts *o;
	rt_test_opts test; /* test: the checks, --reset */
} fleet_cmd_arg;

/* ---- what runs on each database ---- */

static int same_set(const rt_strv *a, rt_revision **b, size_t nb)
{
	size_t i;
	if (a->n != nb)
		return 0;
	for (i = 0; i < nb; i++)
		if (rt_strv_find(a, b[i]->id) < 0)
			return 0;
	return 1;
}

/* current: where the database is against its scripts' heads (the runner read its rows into res->from) */
static int fleet_current(rt_ctx *ctx, fleet_cmd_arg *a, rt_fleet_result *res)
{
	rt_revision **heads = NULL;
	size_t nheads = 0;
	char *failed = NULL;
	const char *state;
	int rc, exists = 0;
	rt_strv cur = RT_STRV_INIT;
	(void)a;
	if ((rc = rt_db_read_heads(ctx, &cur, &exists, &failed)) < 0)
		return rc;
	if (failed)
		state = "failed";
	else if (rt_graph_check_current(ctx->graph, &cur) < 0)
		state = "ahead"; /* a revision its scripts do not have: a newer deploy ran there */
	else if ((rc = rt_graph_heads(ctx->graph, 1, &heads, &nheads)) < 0)
		state = NULL;
	else if (same_set(&cur, heads, nheads))
		state = "head";
	else
		state = cur.n ? "behind" : "base";
	rt_error_clear();
	rt_free(heads);
	rt_free(failed);
	rt_strv_free(&cur);
	if (rc < 0)
		return rc;
	res->state = rt_strdup(state);
	return RETORT_OK;
}

static int fleet_validate(rt_ctx *ctx, rt_fleet_result *res)
{
	rt_strv cur = RT_STRV_INIT;
	rt_checksum_report rep;
	int rc;
	memset(&rep, 0, sizeof rep);
	if ((rc = read_current(ctx, &cur, NULL)) == RETORT_OK && (rc = rt_graph_check_current(ctx->graph, &cur)) == 0 &&
	    (rc = rt_db_check_checksums(ctx, &cur, &rep)) == RETORT_OK) {
		if (rep.edited) {
			size_t i;
			rt_buf b = RT_BUF_INIT;
			for (i = 0; i < rep.n; i++)
				if (rep.v[i].applied)
					rt_buf_printf(&b, "%s%s", b.len ? ", " : "", rep.v[i].rev->id);
			rt_error_set("%zu applied revision%s edited since applied: %s", rep.edited, rep.edited == 1 ? "" : "s",
			             rt_buf_cstr(&b));
			rt_buf_free(&b);
			rc = RETORT_ERROR;
		} else {
			res->state = rt_asprintf("%zu checked", rep.applied - rep.unknown);
		}
	}
	rt_checksum_report_free(&rep);
	rt_strv_free(&cur);
	return rc;
}

/* check: the database against the target schema; a drift fails it with the count of operations */
static int fleet_check(rt_ctx *ctx, rt_fleet_result *res)
{
	rt_autogen ag;
	size_t n;
	int rc = check_one(ctx, &ag, &n);
	rt_autogen_free(&ag);
	if (rc == RETORT_OK && !(res->state = rt_strdup("no differences")))
		rc = RETORT_ENOMEM;
	return rc;
}

static void test_result(void *arg, const rt_test_result *r)
{
	rt_test_report_add(arg, r);
}

/* test: the migrations proven on the database; the first failed check is its error */
static int fleet_test(rt_ctx *ctx, fleet_cmd_arg *a, rt_fleet_result *res)
{
	rt_test_report rep;
	rt_test_sink sink = {NULL, test_result, NULL};
	size_t nfailed = 0, i;
	int rc;
	memset(&rep, 0, sizeof rep);
	sink.arg = &rep;
	rc = rt_test_run(ctx, &a->test, &sink, &nfailed);
	for (i = 0; rc == RETORT_OK && nfailed && i < rep.n; i++)
		if (rep.results[i].outcome == RT_TEST_FAILED) {
			rt_buf b = RT_BUF_INIT;
			rt_test_result_text(&b, &rep.results[i]);
			rt_error_set("%zu of %zu checks failed; %s", nfailed, rep.n, rt_buf_cstr(&b));
			rt_buf_free(&b);
			rc = RETORT_ERROR;
		}
	if (rc == RETORT_OK && !(res->state = rt_asprintf("%zu passed, %zu skipped",
	                                                  rt_test_report_count(&rep, RT_TEST_PASSED),
	                                                  rt_test_report_count(&rep, RT_TEST_SKIPPED))))
		rc = RETORT_ENOMEM;
	rt_test_report_free(&rep);
	return rc;
}

static int run_one(rt_ctx *ctx, void *arg, rt_fleet_result *res)
{
	fleet_cmd_arg *a = arg;
	opts *o = a->o;
	if (strcmp(a->command, "upgrade") == 0)
		return rt_run_migrate(ctx, 1, o->args.v[0]);
	if (strcmp(a->command, "downgrade") == 0)
		return rt_run_migrate(ctx, 0, o->args.v[0]);
	if (strcmp(a->command, "stamp") == 0)
		return rt_run_stamp(ctx, (const char *const *)o->args.v, o->args.n, o->purge, 0);
	if (strcmp(a->command, "current") == 0)
		return fleet_current(ctx, a, res);
	if (strcmp(a->command, "check") == 0)
		return fleet_check(ctx, res);
	if (strcmp(a->command, "test") == 0)
		return fleet_test(ctx, a, res);
	return fleet_validate(ctx, res);
}

/* ---- printing ---- */

typedef struct printer {
	int live;          /* a progress line on the terminal */
	struct timespec last; /* when it was last drawn */
} printer;

/* The progress line, redrawn at most every 50 ms (and for the last database). */
static void on_progress(void *arg, const rt_fleet_counts *c, const rt_fleet_result *res)
{
	printer *p = arg;
	struct timespec now;
	(void)res;
	if (!p->live)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (c->done < c->total &&
	    (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000 < 50)
		return;
	p->last = now;
	fprintf(stderr, "\r\033[K[fleet] %zu/%zu done, %zu running, %zu failed", c->done, c->total, c->running,
	        c->failed);
	fflush(stderr);
}

static const char *outcome_word(const rt_fleet_result *r)
{
	return r->outcome == RT_FLEET_OK ? "ok" : r->outcome == RT_FLEET_FAILED ? "failed" : "not started";
}

static void put_revs(rt_buf *b, const rt_strv *v, int read)
{
	if (!read)
		rt_buf_puts(b, "?");
	else if (!v->n)
		rt_buf_puts(b, "base");
	else
		rt_buf_put_joined(b, v, ",");
}

static void first_line(FILE *f, const char *s)
{
	fprintf(f, "%.*s", (int)strcspn(s ? s : "", "\n"), s ? s : "");
}

static void print_line(const rt_fleet_result *r, int width, int current)
{
	rt_buf b = RT_BUF_INIT;
	if (current) {
		put_revs(&b, &r->from, r->from_read);
		printf("%-*s  %s  %s", width, r->target->name, rt_buf_cstr(&b),
		       r->outcome == RT_FLEET_OK ? (r->state ? r->state : "") : outcome_word(r));
	} else {
		put_revs(&b, &r->from, r->from_read);
		rt_buf_puts(&b, " -> ");
		put_revs(&b, &r->to, r->to_read);
		printf("%-*s  %s  %lld.%02llds  %s", width, r->target->name, rt_buf_cstr(&b), r->ms / 1000,
		       (r->ms % 1000) / 10, outcome_word(r));
		if (r->outcome == RT_FLEET_OK && r->state)
			printf(" (%s)", r->state);
	}
	if (r->error) {
		fputs(": ", stdout);
		first_line(stdout, r->error);
	}
	putchar('\n');
	rt_buf_free(&b);
}

/* current: how many databases at each set of revisions, with its state */
typedef struct spread {
	char *revs;
	const char *state;
	size_t count;
} spread;

static size_t make_spread(const rt_fleet_result *r, size_t n, spread **out)
{
	spread *s = rt_calloc(n ? n : 1, sizeof *s);
	size_t i, j, k = 0;
	*out = s;
	if (!s)
		return 0;
	for (i = 0; i < n; i++) {
		rt_buf b = RT_BUF_INIT;
		const char *state = r[i].outcome == RT_FLEET_OK ? (r[i].state ? r[i].state : "") : outcome_word(&r[i]);
		if (r[i].outcome != RT_FLEET_OK)
			rt_buf_puts(&b, "?");
		else
			put_revs(&b, &r[i].from, r[i].from_read);
		for (j = 0; j < k; j++)
			if (strcmp(s[j].revs, rt_buf_cstr(&b)) == 0 && strcmp(s[j].state, state) == 0)
				break;
		if (j < k) {
			s[j].count++;
			rt_buf_free(&b);
			continue;
		}
		s[k].revs = rt_buf_detach(&b);
		s[k].state = state;
		s[k].count = 1;
		k++;
	}
	return k;
}

static void spread_free(spread *s, size_t n)
{
	size_t i;
	for (i = 0; s && i < n; i++)
		rt_free(s[i].revs);
	rt_free(s);
}

static void print_json(const char *command, const rt_fleet_result *r, size_t n, int current)
{
	size_t i, ok = 0, failed = 0;
	printf("{\"command\": ");
	json_str(stdout, command);
	printf(", \"databases\": [");
	for (i = 0; i < n; i++) {
		ok += r[i].outcome == RT_FLEET_OK;
		failed += r[i].outcome == RT_FLEET_FAILED;
		printf("%s{\"name\": ", i ? ", " : "");
		json_str(stdout, r[i].target->name);
		printf(", \"url\": ");
		json_str(stdout, r[i].masked_url);
		printf(", \"outcome\": ");
		json_str(stdout, outcome_word(&r[i]));
		printf(", \"from\": ");
		if (r[i].from_read)
			json_strv(stdout, &r[i].from);
		else
			fputs("null", stdout);
		printf(", \"to\": ");
		if (r[i].to_read)
			json_strv(stdout, &r[i].to);
		else
			fputs("null", stdout);
		printf(", \"failed_revision\": ");
		json_str(stdout, r[i].failed_mark);
		printf(", \"state\": ");
		json_str(stdout, r[i].state);
		printf(", \"ms\": %lld, \"error\": ", r[i].ms);
		json_str(stdout, r[i].error);
		printf("}");
	}
	printf("], \"summary\": {\"total\": %zu, \"ok\": %zu, \"failed\": %zu, \"not_started\": %zu}", n, ok, failed,
	       n - ok - failed);
	if (current) {
		spread *s;
		size_t k = make_spread(r, n, &s);
		printf(", \"spread\": [");
		for (i = 0; i < k; i++) {
			printf("%s{\"revisions\": ", i ? ", " : "");
			json_str(stdout, s[i].revs);
			printf(", \"state\": ");
			json_str(stdout, s[i].state);
			printf(", \"count\": %zu}", s[i].count);
		}
		printf("]");
		spread_free(s, k);
	}
	printf("}\n");
}

static void print_text(const rt_fleet_result *r, size_t n, int current)
{
	size_t i;
	int width = 4;
	for (i = 0; i < n; i++)
		if ((int)strlen(r[i].target->name) > width)
			width = (int)strlen(r[i].target->name) > 32 ? 32 : (int)strlen(r[i].target->name);
	for (i = 0; i < n; i++)
		print_line(&r[i], width, current);
	if (current) {
		spread *s;
		size_t k = make_spread(r, n, &s);
		printf("\n%zu database%s:\n", n, n == 1 ? "" : "s");
		for (i = 0; i < k; i++)
			printf("  %5zu  %s  %s\n", s[i].count, s[i].revs, s[i].state);
		spread_free(s, k);
	}
}

/* The summary as the error message: how many failed, and which. */
static void failure_summary(const rt_fleet_result *r, size_t n)
{
	rt_buf b = RT_BUF_INIT;
	size_t i, failed = 0, skipped = 0, named = 0;
	for (i = 0; i < n; i++) {
		if (r[i].outcome == RT_FLEET_PENDING) {
			skipped++;
		} else if (r[i].outcome == RT_FLEET_FAILED) {
			if (named++ < MAX_NAMED)
				rt_buf_printf(&b, "%s%s", failed ? ", " : "", r[i].target->name);
			failed++;
		}
	}
	if (named > MAX_NAMED)
		rt_buf_printf(&b, " and %zu more", named - MAX_NAMED);
	if (skipped)
		rt_error_set("%zu of %zu databases failed: %s; --fail-fast: %zu not started", failed, n, rt_buf_cstr(&b),
		             skipped);
	else
		rt_error_set("%zu of %zu databases failed: %s", failed, n, rt_buf_cstr(&b));
	rt_buf_free(&b);
}

int fleet_cmd(rt_ctx *ctx, opts *o, const char *command)
{
	rt_targets targets;
	rt_fleet f;
	rt_fleet_result *res = NULL;
	fleet_cmd_arg a;
	printer p;
	size_t *sel = NULL, n = 0;
	int rc, current = strcmp(command, "current") == 0, check = strcmp(command, "check") == 0;
	int test = strcmp(command, "test") == 0;

	if (strcmp(command, "upgrade") && strcmp(command, "downgrade") && strcmp(command, "stamp") && !current &&
	    strcmp(command, "validate") && !check && !test) {
		rt_error_set("'%s' is not available with --all, --target or --tag; run it on one database", command);
		return RETORT_EINVAL;
	}
	memset(&a, 0, sizeof a);
	if (test && o->junit)
		return usage_err("--junit writes one database's report: run test on one database for it (%s)", o->junit);
	if (test && (rc = test_opts(o, &a.test)) < 0)
		return rc;
	if (o->sql)
		return usage_err("--sql prints one script without connecting: it does not take --all, --target or "
		                 "--tag%s",
		                 "");
	if (current && (o->verbose || o->check_heads))
		return usage_err("current with --all, --target or --tag takes no -v or --check-heads%s", "");
	if (check && (rc = rt_autogen_need_target(ctx)) < 0)
		return rc;
	if (o->jobs == 0)
		o->jobs = 4;
	if ((rc = rt_fleet_targets(ctx->cfg, &targets)) < 0)
		return rc;
	if ((rc = rt_fleet_select(&targets, o->fleet_all, &o->fleet_targets, &o->fleet_tags, &sel, &n)) < 0) {
		rt_targets_free(&targets);
		return rc;
	}
	memset(&f, 0, sizeof f);
	a.command = command;
	a.o = o;
	memset(&p, 0, sizeof p);
	p.live = !o->quiet && isatty(2);
	f.main = ctx;
	f.command = command;
	f.need_graph = 1;
	f.read_only = current || check || strcmp(command, "validate") == 0;
	f.read_heads = 1;
	f.jobs = o->jobs;
	f.fail_fast = o->fail_fast;
	f.fn = run_one;
	f.arg = &a;
	f.progress = on_progress;
	f.progress_arg = &p;
	rc = rt_fleet_run(&f, &targets, sel, n, &res);
	if (p.live) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	if (res) {
		if (o->json)
			print_json(command, res, n, current);
		else
			print_text(res, n, current);
		fflush(stdout);
		if (rc < 0)
			failure_summary(res, n);
		else if (!o->quiet && !o->json && !current)
			fprintf(stderr, "%s: %zu database%s, all ok.\n", command, n, n == 1 ? "" : "s");
	}
	rt_fleet_results_free(res, n);
	rt_free(sel);
	rt_targets_free(&targets);
	return rc;
}
