/*
 * dialect_fixture.h: what the postgresql and mysql dialect suites share:
 * one plugin instance through the public vtable and the real host
 * services (setup/teardown), render() of an op to its statements and the EXPECT_SQL / EXPECT_FAIL / EXPECT_TEXT
 * checks.  Include once, after cu.h, host.h and <retort/dialect.h>, with
 * DIALECT defined to the plugin's name; the suite links the plugin's
 * sources, whose retort_plugin_entry it calls.
 */
#ifndef RT_TEST_DIALECT_FIXTURE_H
#define RT_TEST_DIALECT_FIXTURE_H

#ifndef DIALECT
#error "define DIALECT before including dialect_fixture.h"
#endif

#include "op_fixture.h"

const retort_plugin_descriptor *retort_plugin_entry(void);

static const retort_host *host;
static const retort_dialect_vtable *vt;
static retort_host_ctx *hctx;
static void *state;

static void teardown(void)
{
	if (state)
		retort_plugin_entry()->fini(state);
	rt_hctx_free(hctx);
	state = NULL;
	hctx = NULL;
}

/* The plugin instance every test uses (created once). */
static int setup(void)
{
	const retort_plugin_descriptor *d;
	const retort_plugin_impl *impl;
	if (vt)
		return 1;
	d = retort_plugin_entry();
	host = rt_host_services();
	hctx = rt_hctx_new(DIALECT);
	for (impl = d->impls; impl->kind != RETORT_KIND_END; impl++)
		if (impl->kind == RETORT_KIND_DIALECT)
			vt = impl->vtable;
	if (!vt || d->init(host, hctx, NULL, RETORT_KIND_DIALECT, &state) != RETORT_OK)
		return 0;
	atexit(teardown);
	return 1;
}

static const char *errmsg(void)
{
	return rt_buf_cstr(&hctx->error);
}

/* Every statement rendered, each followed by ";\n" (and marked when it must run outside a transaction). */
static char *render(const retort_op *op, int *rc)
{
	retort_sink s;
	rt_buf b = RT_BUF_INIT;
	size_t i;
	rt_sink_init(&s);
	rt_hctx_clear_error(hctx);
	*rc = vt->render(state, hctx, op, &s);
	if (*rc == RETORT_OK)
		rt_sink_flush(&s);
	for (i = 0; i < s.n; i++)
		rt_buf_printf(&b, "%s%s;\n", s.stmts[i].sql,
		              (s.stmts[i].flags & RETORT_STMT_NO_TRANSACTION) ? " /* no transaction */" : "");
	rt_sink_free(&s);
	return rt_buf_detach(&b);
}

static int same(const char *got, const char *want)
{
	if (strcmp(got, want) == 0)
		return 1;
	fprintf(stderr, "\n--- want:\n%s--- got:\n%s---\n", want, got);
	return 0;
}

#define EXPECT_SQL(op, want)                                                                                   \
	do {                                                                                                   \
		int rc_;                                                                                       \
		char *got_ = render(op, &rc_);                                                                 \
		CU_ASSERT_EQUAL(rc_, RETORT_OK);                                                               \
		if (rc_ != RETORT_OK)                                                                          \
			fprintf(stderr, "\nrender failed: %d %s\n", rc_, errmsg());                            \
		CU_ASSERT(same(got_, want));                                                                   \
		rt_free(got_);                                                                                 \
	} while (0)

#define EXPECT_FAIL(op, status, fragment)                                                                      \
	do {                                                                                                   \
		int rc_;                                                                                       \
		char *got_ = render(op, &rc_);                                                                 \
		CU_ASSERT_EQUAL(rc_, status);                                                                  \
		CU_ASSERT_PTR_NOT_NULL(strstr(errmsg(), fragment));                                            \
		if (!strstr(errmsg(), fragment))                                                               \
			fprintf(stderr, "\nmessage: '%s' lacks '%s'\n", errmsg(), fragment);                  \
		rt_free(got_);                                                                                 \
	} while (0)

/* The text of one quote/map call. */
typedef int (*text_fn)(void *state, const char *in, retort_sink *out);

static char *text_of(text_fn fn, const char *in)
{
	retort_sink s;
	char *r;
	rt_sink_init(&s);
	CU_ASSERT_EQUAL(fn(state, in, &s), RETORT_OK);
	r = rt_strdup(rt_sink_text(&s));
	rt_sink_free(&s);
	return r;
}

#define EXPECT_TEXT(fn, in, want)                                                                              \
	do {                                                                                                   \
		char *got_ = text_of(fn, in);                                                                  \
		CU_ASSERT_STRING_EQUAL(got_, want);                                                            \
		if (strcmp(got_, want) != 0)                                                                   \
			fprintf(stderr, "\n%s(%s): want [%s] got [%s]\n", #fn, in, want, got_);                \
		rt_free(got_);                                                                                 \
	} while (0)

#endif
