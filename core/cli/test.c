/*
 * `retort test`: the library proves the migrations (core/lib/rtest.c);
 * this picks the database (SQLite: a temporary file unless --url names
 * one), prints each check's line as it is known, a progress line on a
 * terminal, the times, --json, and writes --junit FILE.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "cli.h"
#include "rtest.h"

typedef struct out_state {
	rt_test_report *rep;
	int text;     /* print each result as it comes */
	int progress; /* a progress line on standard error (a terminal) */
	int shown;    /* a progress line is on the screen */
} out_state;

static void clear_progress(out_state *s)
{
	if (s->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		s->shown = 0;
	}
}

static void on_progress(void *arg, rt_test_check check, size_t done, size_t total, const char *revision)
{
	out_state *s = arg;
	if (!s->progress)
		return;
	fprintf(stderr, "\r\033[K%s [%zu/%zu]%s%s", rt_test_check_name(check), done, total, revision ? " " : "",
	        revision ? revision : "");
	fflush(stderr);
	s->shown = 1;
}

static void on_result(void *arg, const rt_test_result *r)
{
	out_state *s = arg;
	clear_progress(s);
	rt_test_report_add(s->rep, r);
	if (s->text) {
		rt_buf b = RT_BUF_INIT;
		if (rt_test_result_text(&b, r) == RETORT_OK)
			fputs(rt_buf_cstr(&b), stdout);
		fflush(stdout);
		rt_buf_free(&b);
	}
}

static long long now_ms(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* A new empty temporary file for SQLite (its path in tmp, the URL in *url). */
static int sqlite_scratch(char *tmp, size_t size, char **url)
{
	const char *dir = getenv("TMPDIR");
	int fd;
	snprintf(tmp, size, "%s/retort-test-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(tmp)) < 0) {
		rt_error_set("%s: cannot create a temporary database file", tmp);
		tmp[0] = '\0';
		return RETORT_ERROR;
	}
	close(fd);
	/* an absolute path gives sqlite:////tmp/...; a scratch file needs no fsync at each commit */
	*url = rt_asprintf("sqlite:///%s?synchronous=off", tmp);
	RT_CHECK_ALLOC(*url);
	return RETORT_OK;
}

static void remove_scratch(const char *tmp)
{
	static const char *const ext[] = {"", "-journal", "-wal", "-shm"};
	size_t i;
	char p[4200];
	for (i = 0; tmp[0] && i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(p, sizeof p, "%s%s", tmp, ext[i]);
		unlink(p);
	}
}

int test_opts(const opts *o, rt_test_opts *to)
{
	size_t i;
	memset(to, 0, sizeof *to);
	to->reset = o->reset;
	for (i = 0; i < o->only.n; i++) {
		int c = rt_test_check_parse(o->only.v[i]);
		if (c < 0)
			return usage_err("--only: no check '%s' (single-head, upgrade, target-matches, roundtrip, stairway, "
			                 "data)",
			                 o->only.v[i]);
		to->checks |= 1u << c;
	}
	return RETORT_OK;
}

int cmd_test(rt_ctx *ctx, opts *o)
{
	rt_test_opts to;
	rt_test_report rep;
	out_state st;
	rt_test_sink sink;
	char tmp[4096] = "";
	size_t i, nfailed = 0;
	long long t0;
	int rc = RETORT_OK;

	memset(&rep, 0, sizeof rep);
	memset(&st, 0, sizeof st);
	if ((rc = test_opts(o, &to)) < 0)
		return rc;
	/* SQLite without --url: a temporary file, removed afterwards */
	if (!o->url && (!ctx->cfg->url || strncmp(ctx->cfg->url, "sqlite:", 7) == 0)) {
		char *url = NULL;
		if ((rc = sqlite_scratch(tmp, sizeof tmp, &url)) < 0)
			return rc;
		rt_free(ctx->cfg->url);
		ctx->cfg->url = url;
		rt_url_free(ctx->url);
		ctx->url = NULL;
	}
	st.rep = &rep;
	st.text = !o->json;
	st.progress = !o->quiet && isatty(2);
	sink.progress = on_progress;
	sink.result = on_result;
	sink.arg = &st;
	t0 = now_ms();
	rc = rt_test_run(ctx, &to, &sink, &nfailed);
	clear_progress(&st);
	rep.ms = now_ms() - t0;
	if (ctx->url)
		rep.database = rt_strdup(rt_url_masked(ctx->url));
	if (ctx->dialect)
		rep.dialect = rt_strdup(ctx->dialect->desc.name);
	if (rc == RETORT_OK) {
		rt_buf b = RT_BUF_INIT;
		if (o->json) {
			rc = rt_test_report_json(&b, &rep);
			fputs(rt_buf_cstr(&b), stdout);
		} else if (!o->quiet) {
			rc = rt_test_report_times(&b, &rep);
			fputs(rt_buf_cstr(&b), stdout);
		}
		rt_buf_clear(&b);
		if (rc == RETORT_OK && o->junit && (rc = rt_test_report_junit(&b, &rep)) == RETORT_OK)
			rc = rt_file_replace(o->junit, b.ptr, b.len);
		rt_buf_free(&b);
	}
	if (rc == RETORT_OK && nfailed) {
		rt_buf names = RT_BUF_INIT;
		for (i = 0; i < rep.n; i++)
			if (rep.results[i].outcome == RT_TEST_FAILED)
				rt_buf_printf(&names, "%s%s", names.len ? ", " : "", rt_test_check_name(rep.results[i].check));
		rt_error_set("%zu of %zu checks failed (%s)", nfailed, rep.n, rt_buf_cstr(&names));
		rt_buf_free(&names);
		rc = RETORT_ERROR;
	}
	if (tmp[0]) {
		if (ctx->conn) {
			ctx->dialect->vt.dialect.disconnect(ctx->conn);
			ctx->conn = NULL;
		}
		remove_scratch(tmp);
	}
	rt_test_report_free(&rep);
	return rc;
}
