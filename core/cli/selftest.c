/*
 * retort selftest: the dialect conformance kit (core/lib/selftest*.c) on
 * the command line.  Prints TAP: `ok N - scenario: check`, `not ok N - ...`
 * with the reason as `#` lines below it, `ok N - ... # SKIP reason`, then
 * the plan and `N passed, M failed, K skipped`.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "selftest.h"

typedef struct tap {
	unsigned n, pass, fail, skip;
} tap;

/* each line of text, prefixed */
static void lines(const char *prefix, const char *text)
{
	while (text && *text) {
		size_t len = strcspn(text, "\n");
		printf("%s%.*s\n", prefix, (int)len, text);
		text += len + (text[len] == '\n');
	}
}

static void on_result(void *arg, rt_selftest_status st, const char *scenario, const char *name, const char *diag)
{
	tap *t = arg;
	(void)scenario;
	switch (st) {
	case RT_ST_NOTE:
		lines("# ", name);
		break;
	case RT_ST_PASS:
		t->pass++;
		printf("ok %u - %s\n", ++t->n, name);
		break;
	case RT_ST_SKIP:
		t->skip++;
		printf("ok %u - %s # SKIP %.*s\n", ++t->n, name, diag ? (int)strcspn(diag, "\n") : 0, diag ? diag : "");
		break;
	case RT_ST_FAIL:
		t->fail++;
		printf("not ok %u - %s\n", ++t->n, name);
		lines("#   ", diag && *diag ? diag : "(no reason given)");
		break;
	}
	fflush(stdout);
}

int cmd_selftest(rt_ctx *ctx, opts *o)
{
	rt_selftest_opts so;
	tap t = {0, 0, 0, 0};
	int rc;
	(void)ctx;
	if (!o->dialect || !*o->dialect)
		return usage_err("selftest needs --dialect NAME (a dialect plugin's module name or path)");
	if (!o->url || !*o->url)
		return usage_err("selftest needs --url URL (a scratch database the dialect serves)");
	memset(&so, 0, sizeof so);
	so.dialect = o->dialect;
	so.url = o->url;
	so.client = o->client;
	so.only = o->only;
	so.keep = o->keep;
	printf("TAP version 13\n");
	rc = rt_selftest_run(&so, on_result, &t);
	if (rc < 0) {
		printf("Bail out! the kit could not start\n");
		printf("1..%u\n", t.n);
		fflush(stdout);
		return RETORT_EINVAL; /* exit 2: the kit did not run (the message says why) */
	}
	printf("1..%u\n", t.n);
	printf("%u passed, %u failed, %u skipped\n", t.pass, t.fail, t.skip);
	return t.fail ? 1 : 0;
}
